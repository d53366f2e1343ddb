using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// A database written by the release before the journal (fixtures in Storage/Fixtures, see its
/// README) upgrades itself at first start: the cash plans, the funding grains and the record
/// grains (projects, cooperatives, umbrella, ALV, consent) move from OrleansStorage into
/// snapshot, journal and idempotency rows, and the API answers what the old
/// rows held — compared here with figures read from the fixture's own JSON, not through the
/// service's classes. Then retries of old idempotency keys still happen once, and a second start
/// moves nothing.
/// </summary>
public sealed class JournalUpgradeTests
{
    /// <summary>The fixtures' admin token (make-fixtures.sh): the restored token table knows only it.</summary>
    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    [Fact]
    public async Task A_sqlite_file_of_the_previous_release_upgrades_with_every_record_and_cent()
    {
        var dataDir = WarmteServer.NewDataDir();
        Directory.CreateDirectory(dataDir);
        File.Copy(RepoFiles.Path("tests", "Warmte.Tests", "Storage", "Fixtures", "pre-journal.sqlite.db"), Path.Combine(dataDir, "warmtenet.db"));
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build());
        await UpgradesAndAnswersAsTheOldRowsSaid(settings, () => WarmteServer.StartAsync(dataDir));
    }

    [Fact]
    public async Task A_postgresql_dump_of_the_previous_release_upgrades_with_every_record_and_cent()
    {
        var pg = await PostgresServer.GetAsync();
        var connectionString = await pg.CreateDatabaseAsync();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        await StoredFixtures.Psql(builder, RepoFiles.Path("tests", "Warmte.Tests", "Storage", "Fixtures", "pre-journal.postgresql.sql"));
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = connectionString,
        }).Build());
        await UpgradesAndAnswersAsTheOldRowsSaid(settings, () => WarmteServer.StartAsync(postgres: connectionString));
    }

    private static async Task UpgradesAndAnswersAsTheOldRowsSaid(StorageSettings settings, Func<Task<WarmteServer>> start)
    {
        var database = new Database(settings);
        var old = await OldRows(database);
        var cashPlans = old.Where(r => r.Type == "cashplan").ToDictionary(r => r.Key, r => r.Json);
        var funding = old.Where(r => r.Type == "funding").ToDictionary(r => r.Key, r => r.Json);
        Assert.Equal(["wg-terrein", "zonnedak-sporthal"], cashPlans.Keys.Order());
        Assert.Equal(["wg-terrein"], funding.Keys);
        var records = old.Where(r => r.Type is "project" or "cooperative" or "umbrella" or "alv" or "consent").ToDictionary(r => (r.Type, r.Key), r => r.Json);
        Assert.Contains(("project", "wg-terrein"), records.Keys);
        Assert.Contains(("cooperative", "ketelhuiswg"), records.Keys);
        Assert.Contains(("umbrella", "apec"), records.Keys);
        Assert.Contains(("alv", "ketelhuiswg"), records.Keys);
        Assert.Contains(("consent", "wg-terrein"), records.Keys);

        await using (var server = await start())
        {
            var api = server.Client(FixtureToken);

            // The old rows of the converted grains are gone; every record is in the journal tables.
            Assert.DoesNotContain(await OldRows(database), r => r.Type is "cashplan" or "funding" or "project" or "cooperative" or "umbrella" or "alv" or "consent");
            await RecordGrainsAnswerAsTheOldRowsSaid(api, database, records, old);
            foreach (var (project, json) in cashPlans)
            {
                var bookings = json.GetProperty("bookings").EnumerateArray().ToList();
                var progress = json.GetProperty("progress").EnumerateArray().ToList();
                var hasPlan = json.TryGetProperty("plan", out var plan) && plan.ValueKind == JsonValueKind.Object;
                // Every booking and report a row, and the plan file a row of its own (not in the snapshot).
                Assert.Equal(bookings.Count + progress.Count + (hasPlan ? 1 : 0), await StoredFixtures.Count(database, "warmte_journal", "cashplan", project));
                if (hasPlan)
                {
                    var saved = (await api.Get($"api/projects/{project}/cashflow-plan")).Body;
                    Assert.Equal(plan.GetProperty("name").GetString(), saved.GetProperty("name").GetString());
                    Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
                        System.Text.Json.Nodes.JsonNode.Parse(plan.GetProperty("planJson").GetString()!),
                        System.Text.Json.Nodes.JsonNode.Parse(saved.GetProperty("plan").GetRawText())), "the saved plan file answers as stored");
                    var snapshot = await SnapshotJson(database, "cashplan", project);
                    Assert.True(snapshot.GetProperty("planInJournal").GetBoolean());
                    Assert.False(snapshot.TryGetProperty("plan", out var inSnapshot) && inSnapshot.ValueKind != JsonValueKind.Null);
                }
                Assert.Equal(json.GetProperty("bookingKeys").GetArrayLength(), await StoredFixtures.Count(database, "warmte_idempotency", "cashplan", project));
                // The upgraded snapshot holds the months in the compact form (one string), as this release writes them.
                Assert.Equal(JsonValueKind.String, (await SnapshotJson(database, "cashplan", project)).GetProperty("spent").ValueKind);

                // Bookings: the same list, field by field, amounts as written.
                var answer = await api.Get($"api/projects/{project}/spending");
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                Assert.Equal(bookings.Select(Booking), answer.Body.GetProperty("items").EnumerateArray().Select(Booking));
                Assert.Equal((bookings.Count, bookings.Sum(b => b.GetProperty("amount").GetDecimal())),
                    (answer.Body.GetProperty("totalBookings").GetInt32(), answer.Body.GetProperty("totalAmount").GetDecimal()));

                // The workbook's budget sheet: per month and kind of work the fixture's bookings summed here, to the cent.
                // Folded from the journal rows the upgrade wrote; the upgraded snapshot keeps nothing per kind.
                Assert.False((await SnapshotJson(database, "cashplan", project)).TryGetProperty("spentByKind", out _));
                var expectedSheet = bookings.GroupBy(b => (b.GetProperty("month").GetString()!, KindLabel(b.GetProperty("kind").GetString()!)))
                    .ToDictionary(g => g.Key, g => g.Sum(b => b.GetProperty("amount").GetDecimal()));
                Assert.Equal(expectedSheet.OrderBy(e => e.Key), (await BudgetSheetActuals(api, project)).OrderBy(e => e.Key));

                // Position: spending per month and in total equals the fixture's bookings summed here.
                var position = (await api.Get($"api/projects/{project}/cash-position")).Body;
                var total = bookings.Sum(b => b.GetProperty("amount").GetDecimal());
                Assert.Equal(total, position.GetProperty("totalSpent").GetDecimal());
                var perMonth = bookings.GroupBy(b => b.GetProperty("month").GetString()!).ToDictionary(g => g.Key, g => g.Sum(b => b.GetProperty("amount").GetDecimal()));
                foreach (var month in position.GetProperty("months").EnumerateArray())
                    Assert.Equal(perMonth.GetValueOrDefault(month.GetProperty("month").GetString()!), month.GetProperty("spent").GetDecimal());
                Assert.Equal(perMonth.Count, position.GetProperty("months").EnumerateArray().Count(m => m.GetProperty("spent").GetDecimal() != 0m));

                // One month at a time (new paging parameter): the month's share of the same list.
                var march = (await api.Get($"api/projects/{project}/spending?month=2025-03")).Body.GetProperty("items").EnumerateArray().Select(Booking);
                Assert.Equal(bookings.Where(b => b.GetProperty("month").GetString() == "2025-03").Select(Booking), march);

                var reports = (await api.Get($"api/projects/{project}/progress")).Body.EnumerateArray().Select(e => e.GetRawText());
                Assert.Equal(progress.Select(e => e.GetRawText()), reports);
            }

            var fund = funding["wg-terrein"];
            var audit = fund.GetProperty("audit").EnumerateArray().ToList();
            var oldTranches = fund.GetProperty("grants").EnumerateArray()
                .SelectMany(g => g.GetProperty("tranches").EnumerateArray().Select(t => (Grant: g.GetProperty("id").GetString()!, Tranche: t))).ToList();
            var oldSteps = oldTranches.Sum(t => t.Tranche.GetProperty("steps").GetArrayLength());
            Assert.True(oldSteps > 20, $"the fixture has tranche steps ({oldSteps})");
            // Every audit entry and every tranche step a journal row; the snapshot keeps no step (issue 15).
            Assert.Equal(audit.Count + oldSteps, await StoredFixtures.Count(database, "warmte_journal", "funding", "wg-terrein"));
            Assert.DoesNotContain("\"steps\"", (await SnapshotJson(database, "funding", "wg-terrein")).GetRawText());
            Assert.Equal(fund.GetProperty("idempotency").GetArrayLength(), await StoredFixtures.Count(database, "warmte_idempotency", "funding", "wg-terrein"));
            // Each grant's own read answers the old row's grant: its steps (from the journal, in order), accounting with its
            // documents, amounts. Orleans' storage left out null properties, the API writes them: compared without nulls, and
            // without what later releases add (the dates kept per status, the step count, the step's own accounting, and the
            // grant's firstTrancheAdvance: false for a grant stored before it, so it keeps its way — tester T3).
            foreach (var oldGrant in fund.GetProperty("grants").EnumerateArray())
            {
                var read = (await api.Get($"api/projects/wg-terrein/grants/{oldGrant.GetProperty("id").GetString()}")).Body.GetProperty("grant");
                Assert.False(read.GetProperty("firstTrancheAdvance").GetBoolean());
                Assert.Equal(WithoutNulls(oldGrant), WithoutNulls(read, "requestedOn", "accountedOn", "approvedOn", "rejectedOn", "paidOn", "stepCount", "accounting@steps", "firstTrancheAdvance"));
            }
            // The list carries per tranche its count and the date of its latest step to each status, as the old steps say.
            var listed = (await api.Get("api/projects/wg-terrein/grants")).Body.EnumerateArray()
                .SelectMany(g => g.GetProperty("grant").GetProperty("tranches").EnumerateArray()).ToList();
            Assert.Equal(oldTranches.Count, listed.Count);
            foreach (var ((_, before), now) in oldTranches.Zip(listed))
            {
                var steps = before.GetProperty("steps").EnumerateArray().ToList();
                Assert.False(now.TryGetProperty("steps", out _));
                Assert.Equal(steps.Count, now.GetProperty("stepCount").GetInt32());
                foreach (var (status, field) in new[] { ("Aangevraagd", "requestedOn"), ("VerantwoordingIngediend", "accountedOn"), ("Goedgekeurd", "approvedOn"), ("Afgekeurd", "rejectedOn"), ("Uitbetaald", "paidOn") })
                    Assert.Equal(steps.LastOrDefault(x => x.GetProperty("to").GetString() == status) is { ValueKind: JsonValueKind.Object } last ? last.GetProperty("on").GetString() : null,
                        now.GetProperty(field).GetString());
            }
            var trail = (await api.Get("api/projects/wg-terrein/grants/audit?pageSize=200")).Body;
            Assert.Equal(audit.Count, trail.GetProperty("total").GetInt32());
            Assert.Equal(Enumerable.Reverse(audit).Select(e => e.GetRawText()), trail.GetProperty("entries").EnumerateArray().Select(e => e.GetRawText()));
            var page2 = (await api.Get("api/projects/wg-terrein/grants/audit?page=2&pageSize=5")).Body;
            Assert.Equal(Enumerable.Reverse(audit).Skip(5).Take(5).Select(e => e.GetRawText()), page2.GetProperty("entries").EnumerateArray().Select(e => e.GetRawText()));

            // Money reconciles across both grains: paid tranches in, bookings out.
            var paid = fund.GetProperty("grants").EnumerateArray().SelectMany(g => g.GetProperty("tranches").EnumerateArray())
                .Where(t => t.TryGetProperty("paidAmount", out var p) && p.ValueKind == JsonValueKind.Number).Sum(t => t.GetProperty("paidAmount").GetDecimal());
            var wg = (await api.Get("api/projects/wg-terrein/cash-position")).Body;
            Assert.Equal(paid, wg.GetProperty("totalReceived").GetDecimal());

            // Old idempotency keys still hold: the same booking again books nothing, another body is refused,
            // a remembered refusal is answered again, a replayed tranche step changes nothing.
            var firstBooking = cashPlans["wg-terrein"].GetProperty("bookingKeys").EnumerateArray().First();
            var booked = cashPlans["wg-terrein"].GetProperty("bookings").EnumerateArray().First(b => b.GetProperty("id").GetString() == firstBooking.GetProperty("value").GetString());
            var retry = await Send(api, "api/projects/wg-terrein/spending", firstBooking.GetProperty("key").GetString()!, new
            {
                month = booked.GetProperty("month").GetString(), kind = booked.GetProperty("kind").GetString(),
                amount = booked.GetProperty("amount").GetDecimal(), note = booked.TryGetProperty("note", out var n) ? n.GetString() : null,
            });
            Assert.Equal(booked.GetProperty("id").GetString(), retry.Body.GetProperty("id").GetString());
            var other = await Send(api, "api/projects/wg-terrein/spending", firstBooking.GetProperty("key").GetString()!, new { month = "2025-01", kind = "Design", amount = 1m });
            Assert.Equal((HttpStatusCode.Conflict, "idempotency-key-reused"), (other.Status, other.Code));
            var refused = await Send(api, "api/projects/wg-terrein/grants/fixture-grant/tranches/1/pay", "fixture-t1-pay-bad", new { on = "2025-04-15", amount = -5 });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            var replayed = await Send(api, "api/projects/wg-terrein/grants/fixture-grant/tranches/1/request", "fixture-t1-request", new { on = "2025-02-01" });
            Assert.Equal(HttpStatusCode.OK, replayed.Status);
            Assert.Equal((await api.Get($"api/projects/wg-terrein/spending")).Body.GetProperty("items").GetArrayLength(), cashPlans["wg-terrein"].GetProperty("bookings").GetArrayLength());
            Assert.Equal(audit.Count, (await api.Get("api/projects/wg-terrein/grants/audit")).Body.GetProperty("total").GetInt32());

            // And the upgraded grains take new facts.
            var fresh = await Send(api, "api/projects/wg-terrein/spending", "after-upgrade", new { month = "2025-03", kind = "Design", amount = 10.05m });
            Assert.Equal(HttpStatusCode.Created, fresh.Status);
            var after = (await api.Get("api/projects/wg-terrein/cash-position")).Body;
            Assert.Equal(cashPlans["wg-terrein"].GetProperty("bookings").EnumerateArray().Sum(b => b.GetProperty("amount").GetDecimal()) + 10.05m,
                after.GetProperty("totalSpent").GetDecimal());
        }

        // A second start moves nothing and finds everything where it was.
        var journalRows = await StoredFixtures.Count(database, "warmte_journal", "cashplan", "wg-terrein");
        await using (var again = await start())
        {
            Assert.Equal(journalRows, await StoredFixtures.Count(database, "warmte_journal", "cashplan", "wg-terrein"));
            Assert.Equal(cashPlans["wg-terrein"].GetProperty("bookings").GetArrayLength() + 1,
                (await again.Client(FixtureToken).Get("api/projects/wg-terrein/spending")).Body.GetProperty("items").GetArrayLength());
        }
    }

    /// <summary>The Dutch label of a kind of work as the budget sheet writes it ("Ontwerp" for "Design").</summary>
    private static string KindLabel(string kind) => Warmte.Spreadsheets.Import.BudgetImport.KindLabel(Enum.Parse<Warmte.CashFlow.WorkKind>(kind));

    /// <summary>The "Begroting" sheet of the project's workbook: its Werkelijk per month and kind, as the sheet holds them.</summary>
    internal static async Task<Dictionary<(string Month, string Kind), decimal>> BudgetSheetActuals(HttpClient api, string project)
    {
        var response = await api.GetAsync($"api/projects/{project}/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet(Warmte.Spreadsheets.Export.BudgetSheet.Name);
        return sheet.RowsUsed().Skip(1).Where(r => !r.Cell(4).IsEmpty())
            .ToDictionary(r => (r.Cell(1).GetString(), r.Cell(2).GetString()), r => decimal.Round(r.Cell(4).GetValue<decimal>(), 2));
    }

    /// <summary>
    /// The record grains (project, cooperative, umbrella, ALV, consent): every old audit entry is an
    /// audit journal row, the trails page newest first with the old totals, and the records answer
    /// what the old JSON held — the figures read here from that JSON.
    /// </summary>
    private static async Task RecordGrainsAnswerAsTheOldRowsSaid(HttpClient api, Database database, Dictionary<(string Type, string Key), JsonElement> records,
        List<(string Type, string Key, JsonElement Json)> old)
    {
        // (audit rows: the ALV's ballots, tallies and attendance are journal rows of their own kinds now)
        foreach (var ((type, key), json) in records)
            Assert.Equal(json.GetProperty("audit").GetArrayLength(), (await AuditRows(database, type, key)).Count);

        // Audit trails through the API: totals, the whole trail newest first, and a page of five.
        foreach (var (type, key, path) in new[]
                 {
                     ("project", "wg-terrein", "api/projects/wg-terrein/audit"),
                     ("project", "zonnedak-sporthal", "api/projects/zonnedak-sporthal/audit"),
                     ("cooperative", "ketelhuiswg", "api/cooperatives/ketelhuiswg/audit"),
                     ("alv", "ketelhuiswg", "api/cooperatives/ketelhuiswg/alv/audit"),
                     ("consent", "wg-terrein", "api/projects/wg-terrein/consent/audit"),
                 })
        {
            var audit = records[(type, key)].GetProperty("audit").EnumerateArray().Select(e => e.GetRawText()).ToList();
            Assert.NotEmpty(audit);
            var all = await api.Get($"{path}?pageSize=200");
            Assert.Equal(HttpStatusCode.OK, all.Status);
            Assert.Equal(audit.Count, all.Body.GetProperty("total").GetInt32());
            Assert.Equal(Enumerable.Reverse(audit), all.Body.GetProperty("entries").EnumerateArray().Select(e => e.GetRawText()));
            var page2 = (await api.Get($"{path}?page=2&pageSize=2")).Body;
            Assert.Equal(audit.Count, page2.GetProperty("total").GetInt32());
            Assert.Equal(Enumerable.Reverse(audit).Skip(2).Take(2), page2.GetProperty("entries").EnumerateArray().Select(e => e.GetRawText()));
        }

        // The umbrella has no audit endpoint: its journal rows, oldest first, are the old entries.
        var umbrellaAudit = records[("umbrella", "apec")].GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(umbrellaAudit.Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString(), e.GetProperty("summary").GetString())),
            await AuditRows(database, "umbrella", "apec"));

        // Projects: phase, phase date, deliverables as stored.
        foreach (var ((type, key), json) in records.Where(r => r.Key.Type == "project"))
        {
            var record = json.GetProperty("record");
            var project = (await api.Get($"api/projects/{key}")).Body;
            Assert.Equal(record.GetProperty("phase").GetString(), project.GetProperty("phase").GetString());
            Assert.Equal(record.GetProperty("phaseSince").GetString(), project.GetProperty("phaseSince").GetString());
            Assert.Equal(record.GetProperty("deliverables").EnumerateArray().Select(d => (d.GetProperty("key").GetString(), d.GetProperty("presentOn").GetString())),
                project.GetProperty("deliverables").EnumerateArray().Select(d => (d.GetProperty("key").GetString(), d.GetProperty("presentOn").GetString())));
        }

        // The umbrella's members, and per project its last change: the newest instant in the old rows of any of its grains
        // (project, funding, cash plan, business case, consent: tester7 T10), here wg-terrein's last grant step, seconds after
        // its last project audit entry.
        var apec = (await api.Get("api/umbrellas/apec")).Body;
        var members = records[("umbrella", "apec")].GetProperty("record").GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(members.Order(), apec.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("cooperativeId").GetString()).Distinct().Order());
        foreach (var row in apec.GetProperty("rows").EnumerateArray().Where(r => r.TryGetProperty("projectId", out var p) && p.ValueKind == JsonValueKind.String))
        {
            var projectId = row.GetProperty("projectId").GetString()!;
            var lastEntry = records[("project", projectId)].GetProperty("audit").EnumerateArray().Last();
            var newest = old.Where(r => r.Key == projectId && r.Type is "project" or "funding" or "cashplan" or "businesscase" or "consent")
                .SelectMany(r => System.Text.RegularExpressions.Regex.Matches(r.Json.GetRawText(), @"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"))
                .Select(m => NodaTime.Text.InstantPattern.ExtendedIso.Parse(m.Value).Value).Max();
            Assert.True(newest >= NodaTime.Text.InstantPattern.ExtendedIso.Parse(lastEntry.GetProperty("at").GetString()!).Value);
            Assert.Equal(newest, NodaTime.Text.InstantPattern.ExtendedIso.Parse(row.GetProperty("lastChangeAt").GetString()!).Value);
        }
        // Cooperatives: their projects in order.
        var ketelhuis = (await api.Get("api/cooperatives/ketelhuiswg")).Body;
        Assert.Equal(records[("cooperative", "ketelhuiswg")].GetProperty("record").GetProperty("projects").EnumerateArray().Select(p => p.GetString()),
            ketelhuis.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        // ALV: every closed proposal's result as stored.
        var alv = records[("alv", "ketelhuiswg")].GetProperty("record");
        foreach (var meeting in alv.GetProperty("meetings").EnumerateArray())
        {
            var shown = (await api.Get($"api/cooperatives/ketelhuiswg/alv/meetings/{meeting.GetProperty("id").GetString()}")).Body;
            foreach (var proposal in meeting.GetProperty("proposals").EnumerateArray().Where(p => p.TryGetProperty("closed", out var c) && c.ValueKind == JsonValueKind.Object))
            {
                var result = proposal.GetProperty("closed").GetProperty("result");
                var view = shown.GetProperty("proposals").EnumerateArray().Single(p => p.GetProperty("id").GetString() == proposal.GetProperty("id").GetString());
                Assert.True(view.GetProperty("isClosed").GetBoolean());
                Assert.Equal(result.GetProperty("outcome").GetString(), view.GetProperty("result").GetProperty("outcome").GetString());
                Assert.Equal((result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal(), result.GetProperty("abstain").GetDecimal()),
                    (view.GetProperty("result").GetProperty("for").GetDecimal(), view.GetProperty("result").GetProperty("against").GetDecimal(), view.GetProperty("result").GetProperty("abstain").GetDecimal()));
            }
        }

        // Consent: per complex, the answers counted from the stored declarations.
        var consent = (await api.Get("api/projects/wg-terrein/consent")).Body;
        foreach (var complex in records[("consent", "wg-terrein")].GetProperty("record").GetProperty("complexes").EnumerateArray())
        {
            var declarations = complex.GetProperty("declarations").EnumerateArray().ToList();
            var status = consent.GetProperty("complexes").EnumerateArray().Single(c => c.GetProperty("id").GetString() == complex.GetProperty("id").GetString());
            Assert.Equal(declarations.Count(d => d.GetProperty("response").GetString() == "Akkoord"), status.GetProperty("agreed").GetInt32());
            Assert.Equal(declarations.Count(d => d.GetProperty("response").GetString() == "Geweigerd"), status.GetProperty("refused").GetInt32());
            Assert.Equal(complex.GetProperty("rentedHomes").GetInt32(), status.GetProperty("rentedHomes").GetInt32());
        }
    }

    private static async Task<List<(string?, string?, string?)>> AuditRows(Database database, string type, string key)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT actor, payload FROM warmte_journal WHERE grain_type = @type AND grain_key = @key AND kind = 'audit' ORDER BY seq";
        Database.Parameter(cmd, "type", type);
        Database.Parameter(cmd, "key", key);
        var rows = new List<(string?, string?, string?)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var payload = JsonDocument.Parse(reader.GetValue(1).ToString()!).RootElement;
            rows.Add((reader.GetString(0), payload.GetProperty("action").GetString(), payload.GetProperty("summary").GetString()));
        }
        return rows;
    }

    /// <summary>The element as JSON without null properties and without <paramref name="left"/> ("name", or "name@parent": only inside a parent of that name).</summary>
    private static string WithoutNulls(JsonElement element, params string[] left)
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

    private static string Booking(JsonElement b) => string.Join("|",
        b.GetProperty("id").GetString(), b.GetProperty("month").GetString(), b.GetProperty("kind").GetString(),
        b.GetProperty("amount").GetRawText(), b.TryGetProperty("note", out var note) ? note.GetString() : null,
        b.GetProperty("bookedBy").GetString(), b.GetProperty("bookedAt").GetString());

    private static async Task<ApiCalls.Answer> Send(HttpClient api, string path, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await api.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiCalls.Answer(response.StatusCode, raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone(), raw, null);
    }

    private static async Task<List<(string Type, string Key, JsonElement Json)>> OldRows(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT GrainTypeString, GrainIdExtensionString, PayloadBinary FROM OrleansStorage WHERE GrainIdExtensionString IS NOT NULL";
        var rows = new List<(string, string, JsonElement)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), JsonDocument.Parse((byte[])reader.GetValue(2)).RootElement.Clone()));
        return rows;
    }

    private static async Task<JsonElement> SnapshotJson(Database database, string type, string key)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {(database.IsPostgres ? "state::text" : "state")} FROM warmte_snapshot WHERE grain_type = @type AND grain_key = @key";
        Database.Parameter(cmd, "type", type);
        Database.Parameter(cmd, "key", key);
        return JsonDocument.Parse((string)(await cmd.ExecuteScalarAsync())!).RootElement.Clone();
    }


}
