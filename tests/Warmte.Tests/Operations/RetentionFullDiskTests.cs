using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Warmte.Serialization;
using Warmte.Silo.Storage;
using Warmte.TenantConsent;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The retention pass (AVG: former members' names and addresses, consent answers per address) is several commits: the
/// register's erasures, then each project's consent answers. When a later one meets a full disk after earlier ones landed,
/// the answer says what was done and that the same run again does the rest (503 storage-full-partial), never "er is niets
/// bewaard"; the run again completes it and does nothing twice. The real service on a real SQLite file made full by SQLite
/// itself (the tests' page limit, PRAGMA max_page_count, as StorageFullTests), right before the second project's commit.
/// </summary>
public sealed class RetentionFullDiskTests : IAsyncLifetime
{
    private const string Coop = "bewaar-coop";
    private static readonly string[] Projects = ["bewaar-a", "bewaar-b", "bewaar-c"];

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 22, 10, 0));
    private readonly BeforeCall _before = new();
    private WarmteServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await WarmteServer.StartAsync(clock: _clock, extraArgs: ["--environment", "Testing"],
            configure: b => b.Services.AddSingleton<IIncomingGrainCallFilter>(_before));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_server.DataDir, recursive: true);
    }

    /// <summary>Runs an action once, right before the next call of one grain method on one grain.</summary>
    private sealed class BeforeCall : IIncomingGrainCallFilter
    {
        private readonly Lock _gate = new();
        private (string Method, string Key, Func<Task> Action)? _next;

        public void Before(string method, string key, Func<Task> action)
        {
            lock (_gate) _next = (method, key, action);
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            Func<Task>? action = null;
            lock (_gate)
            {
                if (_next is { } next && context.InterfaceMethod.Name == next.Method && context.TargetId.Key.ToString() == next.Key)
                {
                    action = next.Action;
                    _next = null;
                }
            }
            if (action is not null) await action();
            await context.Invoke();
        }
    }

    private SqliteTestPageLimit PageLimit =>
        _server.App.Services.GetRequiredService<StorageSettings>().TestPageLimit
        ?? throw new InvalidOperationException("no page limit: the test server is not in the Testing environment");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _server.App.Services.GetRequiredService<Database>().OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// No growth, and the pages there are filled to the brim (rows of shrinking size until even the smallest no longer fits),
    /// so the next commit that needs a page of its own is refused with SQLITE_FULL as on a full disk.
    /// </summary>
    private async Task FillUp()
    {
        PageLimit.MaxPages = 1;
        foreach (var size in new[] { 65_536, 4_096, 512, 64, 8 })
            for (var n = 0; n < 100_000; n++)
            {
                try
                {
                    await ExecuteAsync($"INSERT INTO test_filler (b) VALUES (zeroblob({size}))");
                }
                catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 13)
                {
                    break;
                }
            }
    }

    private static object Complex(string name) => new { name, corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" };

    private static object Answers(int count) => new
    {
        declarations = Enumerable.Range(1, count).Select(n => new { postcode = "1091 QZ", huisnummer = n, response = "Akkoord", on = "2025-02-01" }),
    };

    /// <summary>Per complex the day its answers per address were removed, or "kept".</summary>
    private static async Task<string[]> AnswersRemovedOn(HttpClient admin, string project)
    {
        var consent = await admin.Get($"api/projects/{project}/consent");
        Assert.Equal(HttpStatusCode.OK, consent.Status);
        return [.. consent.Body.GetProperty("complexes").EnumerateArray().Select(c => c.GetProperty("answersRemovedOn").GetString() ?? "kept")];
    }

    [Fact]
    public async Task A_retention_run_whose_second_project_meets_a_full_disk_says_what_it_did_and_the_same_run_again_does_the_rest_once()
    {
        var admin = _server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, Coop, Projects[0]);
        foreach (var project in Projects.Skip(1))
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{Coop}/projects", new
            {
                id = project, name = "Warmtenet " + project, woningequivalenten = 100, plannedConnections = 80, startedOn = "2020-01-01",
            })).Status);
        await ApiCalls.SeedMembers(admin, Coop); // L-1, L-2, L-3
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/members/L-3/leave", new { leftOn = "2026-01-31" })).Status);

        // Project a and c: one complex with 8 of 10 homes agreeing. Project b: 70 complexes with long ids, so its commit (an
        // audit row naming every complex, over 4 KB) needs a page of its own, whatever room the full pages still have.
        var bComplexes = Enumerable.Range(1, 70).Select(i => $"complex-{i:00}-" + new string('w', 64 - 11)).ToArray();
        foreach (var (project, complexes) in new[] { (Projects[0], new[] { "complex-a" }), (Projects[1], bComplexes), (Projects[2], new[] { "complex-c" }) })
            foreach (var complex in complexes)
            {
                Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/consent/complexes/{complex}", Complex(complex))).Status);
                Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/{complex}/declarations", Answers(8))).Status);
            }
        Assert.Equal(HttpStatusCode.OK,
            (await admin.Put($"api/cooperatives/{Coop}/privacy", new { formerMemberRetentionMonths = 12, consentAnswerRetentionMonths = 6 })).Status);
        await ExecuteAsync("CREATE TABLE test_filler (b BLOB)");

        // L-3 left 31-01-2026 + 12 months; every complex reached 22-11-2026 + 6 months: all of it is due.
        _clock.Reset(Instant.FromUtc(2027, 11, 1, 10, 0));
        _before.Before(nameof(ITenantConsentGrain.ApplyRetention), Projects[1], FillUp);
        using var response = await admin.PostAsync($"api/cooperatives/{Coop}/privacy/retention-run", JsonContent.Create(new { }, options: WarmteJson.Default));
        var raw = await response.Content.ReadAsStringAsync();
        PageLimit.MaxPages = null;
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, raw);
        var problem = System.Text.Json.JsonDocument.Parse(raw).RootElement;
        Assert.Equal("storage-full-partial", problem.GetProperty("code").GetString());
        Assert.Equal("Opslag vol, deels bewaard", problem.GetProperty("title").GetString());
        Assert.Equal(TimeSpan.FromSeconds(StorageSpace.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal(
            "De bewaartermijnen zijn maar deels toegepast: naam en adres van 1 oud-lid gewist (L-3) en 8 antwoorden per adres van de "
            + "huurdersinstemming verwijderd (project 'bewaar-a'); de antwoorden per adres van projecten 'bewaar-b' en 'bewaar-c' zijn nog niet "
            + "nagelopen. Herhaal hetzelfde verzoek zodra er weer ruimte is; de ronde slaat over wat al gedaan is en doet de rest (anders doet "
            + "de dagelijkse ronde dat vanzelf). Meld het aan de beheerder van de dienst: die moet ruimte maken op de schijf van de database.",
            problem.GetProperty("detail").GetString());

        // What the answer says is true: L-3 erased and project a's answers gone; b's and c's answers still there.
        Assert.Equal("(gewist)", (await admin.Get($"api/cooperatives/{Coop}/members/L-3")).Body.GetProperty("name").GetString());
        Assert.Equal(["2027-11-01"], await AnswersRemovedOn(admin, Projects[0]));
        Assert.Equal(Enumerable.Repeat("kept", 70), await AnswersRemovedOn(admin, Projects[1]));
        Assert.Equal(["kept"], await AnswersRemovedOn(admin, Projects[2]));
        Assert.Equal(8, (await admin.Get($"api/projects/{Projects[1]}/consent/complexes/{bComplexes[0]}/declarations")).Body.GetProperty("total").GetInt32());

        // The same run again, with room: the rest, nothing twice (no member erased again, a's answers not counted again).
        var again = await admin.Post($"api/cooperatives/{Coop}/privacy/retention-run", new { });
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(0, again.Body.GetProperty("erasedMembers").GetArrayLength());
        Assert.Equal(70 * 8 + 8, again.Body.GetProperty("consentAnswersRemoved").GetInt32());
        Assert.Equal(Enumerable.Repeat("2027-11-01", 70), await AnswersRemovedOn(admin, Projects[1]));
        Assert.Equal(["2027-11-01"], await AnswersRemovedOn(admin, Projects[2]));
        Assert.Equal(0, (await admin.Get($"api/projects/{Projects[1]}/consent/complexes/{bComplexes[0]}/declarations")).Body.GetProperty("total").GetInt32());
        var third = await admin.Post($"api/cooperatives/{Coop}/privacy/retention-run", new { });
        Assert.Equal((0, 0), (third.Body.GetProperty("erasedMembers").GetArrayLength(), third.Body.GetProperty("consentAnswersRemoved").GetInt32()));
    }
}
