using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Warmte.Alerts;
using Warmte.Journal;
using Warmte.Registry;
using Warmte.Silo.Storage;
using Warmte.Serialization;
using Warmte.Tests.Infrastructure;
using Warmte.Umbrellas;

namespace Warmte.Tests.Operations;

/// <summary>
/// A write of several commits that stops half-way (partialsave): creating a project (the project, its link in the
/// cooperative, its alert watch), a cooperative (the cooperative, the registry, its umbrellas), an umbrella (the umbrella,
/// the registry) and joining an umbrella (the cooperative, the umbrella). When a later commit meets a full disk after an
/// earlier one landed, the answer says what is stored (503 storage-full-partial, never "er is niets bewaard"), and the same
/// request again leaves everything complete. The real service on a real SQLite file; the later commit is made to fail by a
/// test-only grain call filter throwing the journal's StorageFullException, as the journal does on a full disk (the page
/// limit of StorageFullTests cannot pick the second of two commits of one request).
/// </summary>
public sealed class PartialSaveTests : IAsyncLifetime
{
    private readonly FailingWrites _failures = new();
    private WarmteServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await WarmteServer.StartAsync(configure: b => b.Services.AddSingleton<IIncomingGrainCallFilter>(_failures));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Makes the next call(s) of one grain method fail before it runs, with the given exception.</summary>
    private sealed class FailingWrites : IIncomingGrainCallFilter
    {
        private readonly Lock _gate = new();
        private (Type Grain, string Method, int Times, Func<Exception> Error)? _next;

        public void Fail(Type grain, string method, int times = 1, Func<Exception>? error = null)
        {
            lock (_gate) _next = (grain, method, times, error ?? (() => new StorageFullException("The database is full; nothing was stored (test).")));
        }

        private (Type Grain, string Method, Func<Task> Then)? _after;

        /// <summary>Runs <paramref name="then"/> once, right after the next call of one grain method completed.</summary>
        public void After(Type grain, string method, Func<Task> then)
        {
            lock (_gate) _after = (grain, method, then);
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            Exception? failure = null;
            Func<Task>? then = null;
            lock (_gate)
            {
                if (_next is { } next && context.InterfaceMethod.DeclaringType == next.Grain && context.InterfaceMethod.Name == next.Method)
                {
                    failure = next.Error();
                    _next = next.Times > 1 ? next with { Times = next.Times - 1 } : null;
                }
                if (_after is { } after && context.InterfaceMethod.DeclaringType == after.Grain && context.InterfaceMethod.Name == after.Method)
                {
                    then = after.Then;
                    _after = null;
                }
            }
            if (failure is not null) throw failure;
            await context.Invoke();
            if (then is not null) await then();
        }
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static object Cooperative(string id, params string[] umbrellas) => new
    {
        id, statutoryName = $"Coöperatie {id} U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18", umbrellas,
    };

    private static object Project(string id) => new
    {
        id, name = "Warmtenet " + id, woningequivalenten = 800, plannedConnections = 600, startedOn = "2020-01-01",
    };

    /// <summary>The answer with its Retry-After (the shared helper keeps no headers).</summary>
    private async Task<(ApiCalls.Answer Answer, TimeSpan? RetryAfter)> PostWithHeaders(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsync(path, JsonContent.Create(body, options: WarmteJson.Default));
        var raw = await response.Content.ReadAsStringAsync();
        var parsed = System.Text.Json.JsonDocument.Parse(raw).RootElement.Clone();
        return (new ApiCalls.Answer(response.StatusCode, parsed, raw, response.Content.Headers.ContentType?.MediaType), response.Headers.RetryAfter?.Delta);
    }

    private static void AssertPartlyStored(ApiCalls.Answer answer, TimeSpan? retryAfter, string stored)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("storage-full-partial", answer.Code);
        Assert.Equal("Opslag vol, deels bewaard", answer.Text("title"));
        var detail = answer.Text("detail");
        Assert.StartsWith(stored, detail);
        Assert.Contains("Herhaal hetzelfde verzoek zodra er weer ruimte is; er wordt niets dubbel aangemaakt.", detail);
        Assert.DoesNotContain("niets bewaard", detail);
        Assert.Equal(TimeSpan.FromSeconds(StorageSpace.RetryAfterSeconds), retryAfter);
    }

    private async Task<int?> DueSlice(string projectId)
    {
        await using var connection = await _server.App.Services.GetRequiredService<Database>().OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT slice FROM warmte_alert_due WHERE project_id = @p";
        Database.Parameter(cmd, "p", projectId);
        return await cmd.ExecuteScalarAsync() is { } slice and not DBNull ? Convert.ToInt32(slice, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private async Task<string[]> ProjectsOf(HttpClient admin, string cooperative)
    {
        var view = await admin.Get($"api/cooperatives/{cooperative}");
        Assert.Equal(HttpStatusCode.OK, view.Status);
        return [.. view.Body.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("id").GetString()!)];
    }

    private static async Task<string[]> Listed(HttpClient admin, string path) =>
        [.. (await admin.Get(path)).Body.EnumerateArray().Select(c => (c.TryGetProperty("cooperative", out var inner) ? inner : c).GetProperty("id").GetString()!)];

    private static async Task<string[]> MembersOf(HttpClient admin, string umbrella)
    {
        var umbrellas = await admin.Get("api/umbrellas");
        Assert.Equal(HttpStatusCode.OK, umbrellas.Status);
        var record = umbrellas.Body.EnumerateArray().Single(u => u.GetProperty("id").GetString() == umbrella);
        return [.. record.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)];
    }

    [Fact]
    public async Task A_project_whose_alert_watch_meets_a_full_disk_is_said_to_exist_and_the_same_request_again_completes_it()
    {
        var admin = _server.Client();
        var coop = NewId("coop");
        var project = NewId("proj");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", Cooperative(coop))).Status);

        _failures.Fail(typeof(IAlertWatchGrain), nameof(IAlertWatchGrain.Watch));
        var (first, retryAfter) = await PostWithHeaders(admin, $"api/cooperatives/{coop}/projects", Project(project));
        AssertPartlyStored(first, retryAfter,
            $"Het project '{project}' is aangemaakt en aan coöperatie '{coop}' gekoppeld, maar nog niet volledig vastgelegd (de bewaking van zijn signalen ontbreekt nog).");
        // What the answer says is true: the project and its link are there, the watch is not.
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"api/projects/{project}")).Status);
        Assert.Contains(project, await ProjectsOf(admin, coop));
        Assert.Null(await DueSlice(project));

        var retry = await admin.Post($"api/cooperatives/{coop}/projects", Project(project));
        Assert.Equal((HttpStatusCode.Conflict, "already-exists"), (retry.Status, retry.Code));
        Assert.Contains("bestaat al", retry.Text("detail"));
        Assert.EndsWith("Alles wat erbij hoort is vastgelegd.", retry.Text("detail"));
        Assert.Equal(AlertSweepSchedule.SliceOf(project), await DueSlice(project));
        Assert.Equal([project], await ProjectsOf(admin, coop));
    }

    [Fact]
    public async Task A_cooperative_whose_registry_entry_meets_a_full_disk_is_said_to_exist_and_the_same_request_again_lists_it_under_its_umbrella()
    {
        var admin = _server.Client();
        var umbrella = NewId("koepel");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = umbrella, name = "Koepel " + umbrella })).Status);
        var coop = NewId("coop");

        _failures.Fail(typeof(IRegistryGrain), nameof(IRegistryGrain.AddCooperative));
        var (first, retryAfter) = await PostWithHeaders(admin, "api/cooperatives", Cooperative(coop, umbrella));
        AssertPartlyStored(first, retryAfter,
            $"De coöperatie '{coop}' is aangemaakt, maar nog niet volledig vastgelegd (ze staat nog niet in de lijst van coöperaties en is nog geen lid van koepel '{umbrella}').");
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"api/cooperatives/{coop}")).Status);
        Assert.DoesNotContain(coop, await Listed(admin, "api/cooperatives"));
        Assert.DoesNotContain(coop, await MembersOf(admin, umbrella));

        var retry = await admin.Post("api/cooperatives", Cooperative(coop, umbrella));
        Assert.Equal((HttpStatusCode.Conflict, "already-exists"), (retry.Status, retry.Code));
        Assert.Equal($"Coöperatie '{coop}' bestaat al. Alles wat erbij hoort is vastgelegd.", retry.Text("detail"));
        Assert.Contains(coop, await Listed(admin, "api/cooperatives"));
        Assert.Contains(coop, await MembersOf(admin, umbrella));
    }

    [Fact]
    public async Task A_cooperative_whose_umbrella_membership_meets_a_full_disk_twice_says_so_twice_and_the_third_try_completes_it()
    {
        var admin = _server.Client();
        var umbrella = NewId("koepel");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = umbrella, name = "Koepel " + umbrella })).Status);
        var coop = NewId("coop");

        // The first try and the first retry both meet the full disk at the umbrella: both say the cooperative exists.
        _failures.Fail(typeof(IUmbrellaGrain), nameof(IUmbrellaGrain.AddMember), times: 2);
        var stored = $"De coöperatie '{coop}' is aangemaakt, maar nog niet volledig vastgelegd (ze is nog geen lid van koepel '{umbrella}').";
        var (first, firstRetryAfter) = await PostWithHeaders(admin, "api/cooperatives", Cooperative(coop, umbrella));
        AssertPartlyStored(first, firstRetryAfter, stored);
        Assert.Contains(coop, await Listed(admin, "api/cooperatives"));
        var (second, secondRetryAfter) = await PostWithHeaders(admin, "api/cooperatives", Cooperative(coop, umbrella));
        AssertPartlyStored(second, secondRetryAfter, stored);
        Assert.DoesNotContain(coop, await MembersOf(admin, umbrella));

        var third = await admin.Post("api/cooperatives", Cooperative(coop, umbrella));
        Assert.Equal((HttpStatusCode.Conflict, "already-exists"), (third.Status, third.Code));
        Assert.Contains(coop, await MembersOf(admin, umbrella));
        var comparison = await admin.Get($"api/umbrellas/{umbrella}");
        Assert.Equal(HttpStatusCode.OK, comparison.Status);
    }

    [Fact]
    public async Task Joining_an_umbrella_whose_side_meets_a_full_disk_says_the_cooperative_joined_and_the_same_request_again_answers_as_the_first_would_have()
    {
        var admin = _server.Client();
        var umbrella = NewId("koepel");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = umbrella, name = "Koepel " + umbrella })).Status);
        var coop = NewId("coop");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", Cooperative(coop))).Status);

        _failures.Fail(typeof(IUmbrellaGrain), nameof(IUmbrellaGrain.AddMember));
        var (first, retryAfter) = await PostWithHeaders(admin, $"api/cooperatives/{coop}/umbrellas", new { umbrellaId = umbrella });
        AssertPartlyStored(first, retryAfter,
            $"Coöperatie '{coop}' is lid van koepel '{umbrella}', maar dat is nog niet volledig vastgelegd (de koepel heeft haar nog niet als lid en vergelijkt haar nog niet).");
        Assert.DoesNotContain(coop, await MembersOf(admin, umbrella));

        var retry = await admin.Post($"api/cooperatives/{coop}/umbrellas", new { umbrellaId = umbrella });
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Contains(umbrella, retry.Body.GetProperty("cooperative").GetProperty("umbrellas").EnumerateArray().Select(u => u.GetString()));
        Assert.Contains(coop, await MembersOf(admin, umbrella));
    }

    [Fact]
    public async Task An_umbrella_whose_registry_entry_meets_a_full_disk_is_said_to_exist_and_the_same_request_again_lists_it()
    {
        var admin = _server.Client();
        var umbrella = NewId("koepel");

        _failures.Fail(typeof(IRegistryGrain), nameof(IRegistryGrain.AddUmbrella));
        var (first, retryAfter) = await PostWithHeaders(admin, "api/umbrellas", new { id = umbrella, name = "Koepel " + umbrella });
        AssertPartlyStored(first, retryAfter,
            $"De koepel '{umbrella}' is aangemaakt, maar nog niet volledig vastgelegd (hij staat nog niet in de lijst van koepels).");
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"api/umbrellas/{umbrella}")).Status);
        Assert.DoesNotContain(umbrella, await Listed(admin, "api/umbrellas"));

        var retry = await admin.Post("api/umbrellas", new { id = umbrella, name = "Koepel " + umbrella });
        Assert.Equal((HttpStatusCode.Conflict, "already-exists"), (retry.Status, retry.Code));
        Assert.Equal($"Koepel '{umbrella}' bestaat al. Alles wat erbij hoort is vastgelegd.", retry.Text("detail"));
        Assert.Contains(umbrella, await Listed(admin, "api/umbrellas"));
    }

    [Fact]
    public async Task A_project_whose_link_in_its_cooperative_fails_is_said_to_exist_unlinked_and_the_same_request_again_links_and_watches_it()
    {
        var admin = _server.Client();
        var coop = NewId("coop");
        var project = NewId("proj");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", Cooperative(coop))).Status);

        // Right after the project's own commit, someone else's commit moves the cooperative's stored version: the link,
        // a commit inside the cooperative's own call, is refused as a concurrent change (no filter can reach it).
        _failures.After(typeof(Warmte.Projects.IProjectGrain), nameof(Warmte.Projects.IProjectGrain.Create), async () =>
        {
            await using var connection = await _server.App.Services.GetRequiredService<Database>().OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "UPDATE warmte_snapshot SET version = version + 1 WHERE grain_type = 'cooperative' AND grain_key = @c";
            Database.Parameter(cmd, "c", coop);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        });
        var (first, retryAfter) = await PostWithHeaders(admin, $"api/cooperatives/{coop}/projects", Project(project));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "partially-stored"), (first.Status, first.Code));
        Assert.Equal($"Het project '{project}' is aangemaakt, maar nog niet volledig vastgelegd (de koppeling aan coöperatie '{coop}' en de "
                     + "bewaking van zijn signalen ontbreken nog). Herhaal hetzelfde verzoek over enkele seconden; er wordt niets dubbel aangemaakt.",
            first.Text("detail"));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"api/projects/{project}")).Status);
        Assert.DoesNotContain(project, await ProjectsOf(admin, coop));
        Assert.Null(await DueSlice(project));

        var retry = await admin.Post($"api/cooperatives/{coop}/projects", Project(project));
        Assert.Equal((HttpStatusCode.Conflict, "already-exists"), (retry.Status, retry.Code));
        Assert.EndsWith("Alles wat erbij hoort is vastgelegd.", retry.Text("detail"));
        Assert.Equal([project], await ProjectsOf(admin, coop));
        Assert.Equal(AlertSweepSchedule.SliceOf(project), await DueSlice(project));
    }

    [Fact]
    public async Task A_later_commit_that_fails_for_another_reason_is_answered_partially_stored_with_a_short_retry()
    {
        var admin = _server.Client();
        var coop = NewId("coop");
        var project = NewId("proj");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", Cooperative(coop))).Status);

        _failures.Fail(typeof(IAlertWatchGrain), nameof(IAlertWatchGrain.Watch), error: () => new TimeoutException("simulated time-out"));
        var (first, retryAfter) = await PostWithHeaders(admin, $"api/cooperatives/{coop}/projects", Project(project));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "partially-stored"), (first.Status, first.Code));
        Assert.StartsWith($"Het project '{project}' is aangemaakt en aan coöperatie '{coop}' gekoppeld, maar nog niet volledig vastgelegd", first.Text("detail"));
        Assert.EndsWith("Herhaal hetzelfde verzoek over enkele seconden; er wordt niets dubbel aangemaakt.", first.Text("detail"));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);

        Assert.Equal(HttpStatusCode.Conflict, (await admin.Post($"api/cooperatives/{coop}/projects", Project(project))).Status);
        Assert.Equal(AlertSweepSchedule.SliceOf(project), await DueSlice(project));
    }
}
