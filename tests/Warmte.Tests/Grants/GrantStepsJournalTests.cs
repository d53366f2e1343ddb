using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Warmte.Grants;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Storage;

namespace Warmte.Tests.Grants;

/// <summary>
/// Issue 15 for grants (tester8 T1): the grants state keeps each tranche's current status, amounts and the date of its
/// latest step to each status; every step is a journal row (kind tranche-step, tag grant/number). 300 rounds of
/// accounting and rejection used to make the funding snapshot 99 KB, rewritten per step, and the grants list 101 KB.
/// </summary>
public sealed class GrantStepsJournalTests
{
    private static readonly LocalDate Start = new(2020, 1, 1);

    [Fact]
    public async Task Three_hundred_rejected_accountings_keep_the_snapshot_and_the_list_small_and_every_step_readable_in_order()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "steps-coop", "steps-proj");
        var created = await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Gemeente", scheme = "PAW", amountGranted = 1_000_000m, decidedOn = "2020-01-01",
            tranches = new[] { new { amount = 1_000_000m } },
        });
        Assert.True(created.Status == HttpStatusCode.Created, created.Raw);
        string Day(int i) => Start.PlusDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        async Task Ok(string action, object body)
        {
            var answer = await admin.Post($"api/projects/{project}/grants/paw/tranches/1/{action}", body);
            Assert.True(answer.Status == HttpStatusCode.OK, $"{action}: {answer.Raw}");
        }

        await Ok("request", new { on = Day(0) });
        for (var i = 1; i <= 300; i++)
        {
            await Ok("accounting", new { on = Day(i), amount = 1000m + i, periodFrom = Day(0), periodTo = Day(i), documents = new[] { $"doc-{i}.pdf" } });
            await Ok("reject", new { on = Day(i), reason = $"ronde {i}" });
        }

        // The stored snapshot: one grant with one tranche, whatever its number of steps (before: 99,403 bytes).
        var database = new Database(StorageSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = server.DataDir }).Build()));
        var state = await Snapshot(database, project);
        Assert.True(state.Length < 4096, $"funding snapshot {state.Length} bytes");
        Assert.DoesNotContain("\"steps\"", state);
        Assert.DoesNotContain("doc-", state);

        // The list: current status, dates and the step count; no steps (before: 101 KB).
        var list = await admin.Get($"api/projects/{project}/grants");
        Assert.True(list.Raw.Length < 4096, $"grants list {list.Raw.Length} bytes");
        var listed = list.Body[0].GetProperty("grant").GetProperty("tranches")[0];
        Assert.False(listed.TryGetProperty("steps", out _));
        Assert.Equal((601, "Afgekeurd", Day(0), Day(300), Day(300), "ronde 300"),
            (listed.GetProperty("stepCount").GetInt32(), listed.GetProperty("status").GetString(), listed.GetProperty("requestedOn").GetString(),
             listed.GetProperty("accountedOn").GetString(), listed.GetProperty("rejectedOn").GetString(), listed.GetProperty("rejectionReason").GetString()));

        // Every step, in order, by page from the journal.
        var expected = new List<(string To, string On, string? Detail)> { ("Aangevraagd", Day(0), null) };
        for (var i = 1; i <= 300; i++)
        {
            expected.Add(("VerantwoordingIngediend", Day(i), null));
            expected.Add(("Afgekeurd", Day(i), $"ronde {i}"));
        }
        var read = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var answer = (await admin.Get($"api/projects/{project}/grants/paw/tranches/1/steps?page={page}&pageSize=200")).Body;
            Assert.Equal(601, answer.GetProperty("total").GetInt32());
            var steps = answer.GetProperty("steps").EnumerateArray().ToList();
            if (steps.Count == 0) break;
            read.AddRange(steps);
        }
        Assert.Equal(expected.Select(e => (e.To, e.On)), read.Select(s => (s.GetProperty("to").GetString()!, s.GetProperty("on").GetString()!)));
        Assert.Equal(expected.Where(e => e.Detail is not null).Select(e => e.Detail),
            read.Where(s => s.GetProperty("to").GetString() == "Afgekeurd").Select(s => s.GetProperty("detail").GetString()));
        var accountings = read.Where(s => s.GetProperty("to").GetString() == "VerantwoordingIngediend").ToList();
        Assert.Equal(Enumerable.Range(1, 300).Select(i => ($"doc-{i}.pdf", 1000m + i)),
            accountings.Select(s => (s.GetProperty("accounting").GetProperty("documents")[0].GetString()!, s.GetProperty("accounting").GetProperty("amountSpent").GetDecimal())));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Get($"api/projects/{project}/grants/paw/tranches/1/steps?pageSize=201")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/projects/{project}/grants/paw/tranches/2/steps")).Status);

        // The grant's own read: the latest 100 steps, in order, and the current accounting with its documents.
        var grant = (await admin.Get($"api/projects/{project}/grants/paw")).Body.GetProperty("grant").GetProperty("tranches")[0];
        Assert.Equal(expected.TakeLast(100).Select(e => (e.To, e.On)),
            grant.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("to").GetString()!, s.GetProperty("on").GetString()!)));
        Assert.Equal(("doc-300.pdf", 1300m), (grant.GetProperty("accounting").GetProperty("documents")[0].GetString(),
            grant.GetProperty("accounting").GetProperty("amountSpent").GetDecimal()));

        // Lead times after all that, worked out by hand: requested 01-01-2020, approved 01-01-2021 (366 days: 2020 is a leap
        // year), paid 31-01-2021 (30 days after approval, 396 after the request).
        await Ok("accounting", new { on = Day(301), amount = 5000m, periodFrom = Day(0), periodTo = Day(301) });
        await Ok("approve", new { on = "2021-01-01" });
        await Ok("pay", new { on = "2021-01-31", amount = 1_000_000m });
        var leadTimes = (await admin.Get($"api/projects/{project}/grants")).Body[0].GetProperty("leadTimes");
        Assert.Equal((366m, 30m, 396m), (leadTimes.GetProperty("requestToApprovalDays").GetDecimal(),
            leadTimes.GetProperty("approvalToPaymentDays").GetDecimal(), leadTimes.GetProperty("requestToPaymentDays").GetDecimal()));
        Assert.True((await Snapshot(database, project)).Length < 4096);
    }

    /// <summary>
    /// Lead times and the expected payment from the dates the state keeps (no steps), on a fixed scenario worked out by hand:
    /// tranche 1 requested 10-01-2024, rejected once, approved 10-04-2024 (91 days: February 2024 has 29), paid 10-05-2024
    /// (30; 121 from the request); tranche 2 requested 01-06-2024, approved 31-07-2024 (60), paid 15-08-2024 (15; 75).
    /// Medians of two: 75,5, 22,5 and 98 days. Tranche 3, resubmitted on 01-10-2024 after a rejection, is expected 98 days
    /// after the resubmission: 07-01-2025.
    /// </summary>
    [Fact]
    public void Lead_times_and_the_expected_payment_come_out_of_the_kept_dates_as_worked_out_by_hand()
    {
        var now = Instant.FromUtc(2024, 10, 15, 12, 0);
        var today = new LocalDate(2024, 10, 15);
        var grant = GrantRules.Create("p", new CreateGrant
        {
            Id = "paw", Funder = "Rijk", Scheme = "PAW", AmountGranted = 3_000_000m, DecidedOn = new LocalDate(2024, 1, 1),
            Tranches = [new PlannedTranche { Amount = 1_000_000m }, new PlannedTranche { Amount = 1_000_000m }, new PlannedTranche { Amount = 1_000_000m }],
        }, [], today, now).Value!.Value;
        Grant Do(Grant g, int n, TrancheAction action, int month, int day, decimal? amount = null) => GrantRules.Step(g, n, new TrancheCommand
        {
            Action = action, On = new LocalDate(2024, month, day), Amount = amount ?? (action == TrancheAction.SubmitAccounting ? 1m : null),
            PeriodFrom = action == TrancheAction.SubmitAccounting ? new LocalDate(2024, 1, 1) : null,
            PeriodTo = action == TrancheAction.SubmitAccounting ? new LocalDate(2024, month, day) : null,
            Reason = action == TrancheAction.Reject ? "onvolledig" : null,
        }, today, "t", now).Value!.Value;

        grant = Do(grant, 1, TrancheAction.Request, 1, 10);
        grant = Do(grant, 1, TrancheAction.SubmitAccounting, 1, 20);
        grant = Do(grant, 1, TrancheAction.Reject, 2, 1);
        grant = Do(grant, 1, TrancheAction.SubmitAccounting, 2, 15);
        grant = Do(grant, 1, TrancheAction.Approve, 4, 10);
        grant = Do(grant, 1, TrancheAction.Pay, 5, 10, 1_000_000m);
        grant = Do(grant, 2, TrancheAction.Request, 6, 1);
        grant = Do(grant, 2, TrancheAction.SubmitAccounting, 6, 5);
        grant = Do(grant, 2, TrancheAction.Approve, 7, 31);
        grant = Do(grant, 2, TrancheAction.Pay, 8, 15, 1_000_000m);
        grant = Do(grant, 3, TrancheAction.Request, 9, 1);
        grant = Do(grant, 3, TrancheAction.SubmitAccounting, 9, 10);
        grant = Do(grant, 3, TrancheAction.Reject, 9, 20);
        grant = Do(grant, 3, TrancheAction.SubmitAccounting, 10, 1);

        Assert.All(grant.Tranches, t => Assert.Null(t.Steps));
        Assert.Equal([6, 4, 4], grant.Tranches.Select(t => t.StepCount));
        var view = GrantView.Of(grant);
        Assert.Equal(new LeadTimes(2, 75.5m, 22.5m, 98m), view.LeadTimes);
        Assert.Equal(new LocalDate(2025, 1, 7), PaymentExpectation.ExpectedOn(view, grant.Tranches[2], today));
        Assert.Equal(new NextPayment(new LocalDate(2025, 1, 7), 1_000_000m, "paw", 3), PaymentExpectation.Next([view], today));
        // Dates never run backwards: the latest step of tranche 3 is its resubmission.
        Assert.Equal(new LocalDate(2024, 10, 1), grant.Tranches[2].LastStepOn);
        Assert.Equal("on", GrantRules.Step(grant, 3, new TrancheCommand { Action = TrancheAction.Approve, On = new LocalDate(2024, 9, 30) }, today, "t", now).Refusal!.Errors[0].Field);
    }

    [Fact]
    public async Task A_sqlite_snapshot_with_steps_moves_them_to_journal_rows_once()
    {
        var (dataDir, database) = StoredFixtures.Sqlite("release-ba5f89c-businesscase.sqlite.db");
        await StepsMoveOnce((database, () => WarmteServer.StartAsync(dataDir)));
    }

    [Fact]
    public async Task A_postgresql_snapshot_with_steps_moves_them_to_journal_rows_once()
    {
        var (connectionString, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-businesscase.postgresql.sql");
        await StepsMoveOnce((database, () => WarmteServer.StartAsync(postgres: connectionString)));
    }

    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    private static async Task StepsMoveOnce((Database Database, Func<Task<WarmteServer>> Start) fixture)
    {
        var (database, start) = fixture;
        var old = JsonDocument.Parse(await Snapshot(database, "wg-terrein")).RootElement.Clone();
        var oldTranches = old.GetProperty("grants").EnumerateArray()
            .SelectMany(g => g.GetProperty("tranches").EnumerateArray().Select(t => (Grant: g.GetProperty("id").GetString()!, Tranche: t))).ToList();
        var oldSteps = oldTranches.Sum(t => t.Tranche.GetProperty("steps").GetArrayLength());
        Assert.True(oldSteps > 10, $"the fixture's snapshot holds steps ({oldSteps})");
        var rowsBefore = await StoredFixtures.Count(database, "warmte_journal", "funding", "wg-terrein");
        const string lastFact = "SELECT j.at FROM warmte_snapshot s JOIN warmte_journal j ON j.grain_type = s.grain_type AND j.grain_key = s.grain_key "
                                + "AND j.seq = s.last_seq WHERE s.grain_type = 'funding' AND s.grain_key = 'wg-terrein'";
        var lastFactBefore = (string)(await Scalar(database, lastFact))!;
        // A database of the release just before: its journal upgrade is recorded as done, and the steps move all the same.
        await Execute(database, $"INSERT INTO warmte_startup_step (name, done_at, detail) VALUES ('{JournalUpgrade.StepName}', '2026-12-07T00:00:00Z', 'test')");

        await using (var server = await start())
        {
            var api = server.Client(FixtureToken);
            var state = await Snapshot(database, "wg-terrein");
            Assert.DoesNotContain("\"steps\"", state);
            Assert.True(state.Length < old.GetRawText().Length, $"{old.GetRawText().Length} → {state.Length} bytes");
            Assert.Equal(rowsBefore + oldSteps, await StoredFixtures.Count(database, "warmte_journal", "funding", "wg-terrein"));
            // The grants' last fact still says when they last changed (the project's last change in the comparison).
            Assert.Equal(lastFactBefore, (string)(await Scalar(database, lastFact))!);
            Assert.Equal(1L, await Scalar(database, $"SELECT COUNT(*) FROM warmte_startup_step WHERE name = '{JournalUpgrade.GrantStepsStepName}'"));

            // Each grant's own read answers the old snapshot's grant: every step in order with who and when, the accounting
            // with its documents, amounts (without what later releases add: kept dates, the count, a step's own accounting, and
            // the grant's firstTrancheAdvance — false for a grant stored before it, tester T3).
            foreach (var oldGrant in old.GetProperty("grants").EnumerateArray())
            {
                var read = (await api.Get($"api/projects/wg-terrein/grants/{oldGrant.GetProperty("id").GetString()}")).Body.GetProperty("grant");
                // Compared as JSON trees: PostgreSQL kept the old state as jsonb, which orders an object's keys its own way.
                var expected = Json(oldGrant);
                Assert.False(read.GetProperty("firstTrancheAdvance").GetBoolean());
                var actual = Json(read, "requestedOn", "accountedOn", "approvedOn", "rejectedOn", "paidOn", "stepCount", "accounting@steps", "firstTrancheAdvance");
                Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected), System.Text.Json.Nodes.JsonNode.Parse(actual)),
                    $"{expected}\n{actual}");
            }
            // The list: per tranche the step count and the date of its latest step to each status, as the old steps say.
            var listed = (await api.Get("api/projects/wg-terrein/grants")).Body.EnumerateArray()
                .SelectMany(g => g.GetProperty("grant").GetProperty("tranches").EnumerateArray()).ToList();
            foreach (var ((grantId, before), after) in oldTranches.Zip(listed))
            {
                var steps = before.GetProperty("steps").EnumerateArray().ToList();
                Assert.Equal(steps.Count, after.GetProperty("stepCount").GetInt32());
                foreach (var (status, field) in new[] { ("Aangevraagd", "requestedOn"), ("VerantwoordingIngediend", "accountedOn"), ("Goedgekeurd", "approvedOn"), ("Afgekeurd", "rejectedOn"), ("Uitbetaald", "paidOn") })
                    Assert.Equal(steps.LastOrDefault(x => x.GetProperty("to").GetString() == status) is { ValueKind: JsonValueKind.Object } last ? last.GetProperty("on").GetString() : null,
                        after.GetProperty(field).GetString());
                var paged = (await api.Get($"api/projects/wg-terrein/grants/{grantId}/tranches/{before.GetProperty("number").GetInt32()}/steps")).Body;
                Assert.Equal(steps.Count, paged.GetProperty("total").GetInt32());
            }
        }

        // A second start moves nothing again.
        var rows = await StoredFixtures.Count(database, "warmte_journal", "funding", "wg-terrein");
        await using (await start()) { }
        Assert.Equal(rows, await StoredFixtures.Count(database, "warmte_journal", "funding", "wg-terrein"));
    }

    private static async Task<string> Snapshot(Database database, string project) =>
        (string)(await Scalar(database, $"SELECT {(database.IsPostgres ? "state::text" : "state")} FROM warmte_snapshot WHERE grain_type = 'funding' AND grain_key = '{project}'"))!;

    private static async Task<object?> Scalar(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var value = await cmd.ExecuteScalarAsync();
        return value is long or int ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : value;
    }

    private static async Task Execute(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The element as JSON without null properties and without <paramref name="left"/> ("name", or "name@parent").</summary>
    private static string Json(JsonElement element, params string[] left)
    {
        System.Text.Json.Nodes.JsonNode? Strip(System.Text.Json.Nodes.JsonNode? node, string? parent)
        {
            if (node is System.Text.Json.Nodes.JsonObject o)
                foreach (var (name, value) in o.ToList())
                    if (value is null || left.Contains(name) || left.Contains($"{name}@{parent}")) o.Remove(name); else Strip(value, name);
            else if (node is System.Text.Json.Nodes.JsonArray a) foreach (var item in a) Strip(item, parent);
            return node;
        }
        return Strip(System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText()), null)!.ToJsonString();
    }
}
