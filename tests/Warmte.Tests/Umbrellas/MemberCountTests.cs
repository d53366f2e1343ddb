using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Warmte.Members;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// The umbrella comparison's "Leden" (members today per cooperative) comes from the rows the member registers' commits keep
/// (warmte_member_count), not from a call to every register: it equals the register's own summary after joins, leaves, a
/// backdated leave and a leave dated in the future across midnight, on SQLite and PostgreSQL, while no
/// <see cref="IMemberRegisterGrain"/> is called by the comparison (an incoming grain call filter counts the calls).
/// </summary>
public sealed class MemberCountTests
{
    /// <summary>Records every call into a member register grain (method names), installed as an Orleans incoming call filter.</summary>
    public sealed class RegisterCalls : IIncomingGrainCallFilter
    {
        private readonly ConcurrentQueue<string> _calls = new();

        public string[] Calls => [.. _calls];

        public void Clear() => _calls.Clear();

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.Grain is IMemberRegisterGrain) _calls.Enqueue(context.MethodName);
            return context.Invoke();
        }

        public Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Install => b => b.Services.AddSingleton<IIncomingGrainCallFilter>(this);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Leden_is_the_registers_own_count_and_the_comparison_calls_no_register(bool postgres)
    {
        // 23:30 in Amsterdam on 15 June (summer time: UTC+2).
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 15, 21, 30));
        var calls = new RegisterCalls();
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        await using var server = await WarmteServer.StartAsync(postgres: connectionString, clock: clock, configure: calls.Install);
        var admin = server.Client();
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = "koepel", name = "Koepel" })).Status);
        foreach (var coop in new[] { "alfa", "beta", "gamma" })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
            {
                id = coop, statutoryName = $"Coöperatie {coop} U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18", umbrellas = new[] { "koepel" },
            })).Status);
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/projects", new
            {
                id = coop + "-net", name = "Warmtenet " + coop, woningequivalenten = 100, plannedConnections = 80, startedOn = "2024-01-01",
            })).Status);
        }
        // gamma never gets a member: its register never commits, and the comparison shows no Leden for it.

        var house = 0;
        async Task Register(string coop, params (string Number, string JoinedOn)[] members) =>
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/members", new
            {
                members = members.Select((m, i) => new
                {
                    number = m.Number, name = "Lid " + m.Number, category = "eigenaar-bewoner", woningequivalenten = 1,
                    postcode = "1054 AB", huisnummer = ++house, joinedOn = m.JoinedOn,
                }),
            })).Status);
        async Task Leave(string coop, string number, string leftOn) =>
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/members/{number}/leave", new { leftOn })).Status);

        // Leden per cooperative as the comparison shows it, and the register calls the comparison made.
        async Task<(Dictionary<string, int> Leden, string[] Calls)> Comparison()
        {
            await Task.Delay(200); // let one-way work of the last write finish before counting
            calls.Clear();
            var answer = await admin.Get("api/umbrellas/koepel");
            var made = calls.Calls;
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var leden = answer.Body.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("cooperativeId").GetString()!,
                r => r.TryGetProperty("members", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 0);
            return (leden, made);
        }
        async Task<int> Own(string coop) => (await admin.Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32();
        async Task SameAsRegisters(string why, int alfa, int beta)
        {
            var (leden, made) = await Comparison();
            Assert.True(made.Length == 0, $"{why}: the comparison called the registers: {string.Join(", ", made)}");
            // The registers' own answers (asked after the comparison, so they did not warm anything for it).
            Assert.Equal((alfa, beta, 0), (await Own("alfa"), await Own("beta"), await Own("gamma")));
            Assert.Equal((alfa, beta, 0), (leden["alfa"], leden["beta"], leden["gamma"]));
        }

        await SameAsRegisters("no members yet", 0, 0);
        await Register("alfa", ("A-1", "2020-01-01"), ("A-2", "2021-05-01"), ("A-3", "2026-06-15"));
        await Register("beta", ("B-1", "2019-12-18"), ("B-2", "2019-12-18"));
        await SameAsRegisters("after joins", 3, 2);

        await Leave("alfa", "A-1", "2026-06-15");
        await SameAsRegisters("a leave dated today", 2, 2);
        await Leave("beta", "B-2", "2025-01-31");
        await SameAsRegisters("a backdated leave", 2, 1);
        await Leave("alfa", "A-2", "2026-06-16");
        await SameAsRegisters("a leave dated tomorrow, before midnight", 2, 1);

        // Midnight: the stored rows are not rewritten, the leave dated the 16th takes effect by the row's own dates.
        clock.Reset(Instant.FromUtc(2026, 6, 15, 22, 1));
        await SameAsRegisters("after midnight", 1, 1);
        clock.Reset(Instant.FromUtc(2026, 9, 1, 8, 0));
        await SameAsRegisters("months later", 1, 1);

        // A join dated today (the rules refuse one in the future) and a withdrawn leave.
        await Register("beta", ("B-3", "2026-09-01"));
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/cooperatives/beta/members/B-2/rejoin", new { })).Status);
        await SameAsRegisters("a join today and a rejoin", 1, 3);

        // A row that is not of the register's current version (as an older build leaves it after a write of its own) is
        // not used: the comparison asks that register, and the answer stays right.
        var database = server.App.Services.GetRequiredService<Warmte.Silo.Storage.Database>();
        await using (var connection = await database.OpenAsync())
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "UPDATE warmte_member_count SET members = 999, changes = '', register_version = register_version - 1 WHERE cooperative_id = 'beta'";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        var (afterDrift, asked) = await Comparison();
        Assert.Equal(3, afterDrift["beta"]);
        Assert.Equal(["Summary"], asked);
        // The start-up pass stores the row again; then no register is asked.
        Assert.Equal(1, await Warmte.Silo.Hosting.MemberCountStartup.StoreMissingAsync(server.App.Services.GetRequiredService<Journal.IJournalStore>(),
            server.App.Services.GetRequiredService<IGrainFactory>(), CancellationToken.None));
        await SameAsRegisters("after the start-up pass", 1, 3);
    }

    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    /// <summary>
    /// A database of release ba5f89c (the register still in Orleans grain storage, no warmte_member_count): after the
    /// upgrade the comparison's Leden equal each register's own count from the first read on (a missing row is never 0),
    /// and once the start-up pass has stored the rows, the comparison calls no register.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upgraded_database_answers_the_registers_counts_and_then_calls_no_register(bool postgres)
    {
        var calls = new RegisterCalls();
        string? dataDir = null, connectionString = null;
        if (postgres) connectionString = (await Storage.StoredFixtures.PostgresAsync("release-ba5f89c-members.postgresql.sql")).ConnectionString;
        else dataDir = Storage.StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db").DataDir;
        await using var server = await WarmteServer.StartAsync(dataDir, connectionString, configure: calls.Install);
        var api = server.Client(FixtureToken);
        var store = server.App.Services.GetRequiredService<Journal.IJournalStore>();

        async Task<(Dictionary<string, int> Leden, string[] Calls)> Comparison()
        {
            calls.Clear();
            var answer = await api.Get("api/umbrellas/apec");
            var made = calls.Calls;
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var leden = answer.Body.GetProperty("rows").EnumerateArray().Where(r => r.TryGetProperty("projectId", out var p) && p.ValueKind == JsonValueKind.String)
                .GroupBy(r => r.GetProperty("cooperativeId").GetString()!)
                .ToDictionary(g => g.Key, g => g.Select(r => r.TryGetProperty("members", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 0).Distinct().Single());
            return (leden, made);
        }
        async Task SameAsRegisters(Dictionary<string, int> leden)
        {
            foreach (var (coop, shown) in leden)
                Assert.Equal((coop, (await api.Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32()), (coop, shown));
        }

        var (first, _) = await Comparison();
        await SameAsRegisters(first);
        Assert.True(first["ketelhuiswg"] > 100, $"ketelhuiswg shows {first["ketelhuiswg"]} members");

        // The start-up pass stores every register's row in the background.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await store.RegistersWithoutCurrentCountAsync(MemberRegisterGrain.JournalType)).Count > 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the start-up pass did not store the registers' rows");
            await Task.Delay(100);
        }
        var (after, made) = await Comparison();
        Assert.Empty(made);
        Assert.Equal(first, after);
        await SameAsRegisters(after);
    }

    /// <summary>The stored count and its moves give, for every later day, what the register's summary counts.</summary>
    [Fact]
    public void A_stored_count_derives_the_summarys_members_on_every_later_day()
    {
        var random = new Random(20261207);
        var start = new LocalDate(2026, 1, 1);
        for (var round = 0; round < 300; round++)
        {
            var register = Enumerable.Range(0, random.Next(0, 15)).Select(i =>
            {
                var joined = start.PlusDays(random.Next(0, 40));
                LocalDate? left = random.Next(3) == 0 ? null : start.PlusDays(random.Next(0, 50));
                return new Member
                {
                    Number = "N-" + i, Name = "Lid", Category = MemberCategory.EigenaarBewoner, Woningequivalenten = 1, Address = null,
                    JoinedOn = joined, LeftOn = left, EligibleToVote = true,
                };
            }).ToList();
            var asOf = start.PlusDays(random.Next(0, 45));
            var count = MemberCount.Of(register, asOf);
            var stored = MemberCount.Parse(count.AsOf, count.Members, count.FormatChanges());
            Assert.NotNull(stored);
            for (var day = asOf; day <= asOf.PlusDays(60); day = day.PlusDays(1))
                Assert.Equal(MemberRules.Summarise("c", register, day).Members, stored!.On(day));
            Assert.Null(stored!.On(asOf.PlusDays(-1)));
        }
    }

    [Theory]
    [InlineData("2027-01-01")]
    [InlineData("2027-01-01:+x")]
    [InlineData("2027-02-01:+1;2027-01-01:-1")]
    public void A_changes_column_that_does_not_parse_is_not_used(string changes) =>
        Assert.Null(MemberCount.Parse(new LocalDate(2026, 12, 7), 3, changes));
}
