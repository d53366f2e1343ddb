using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester finding T6 with the built <c>warmte</c> program as a separate process: a budget whose second row's Werkelijk
/// (€ 50.000 for 03-2020 adviseurs) is below what was booked one by one (€ 95.000), so the service refuses that cell.
/// The row's Begroot (€ 20.000) is a budget line of its own: with <c>--skip-invalid</c> it stays in the work plan and
/// only the Werkelijk is left out, and the summary says so (before: "werkplan vervangen door 1 werkpakket uit 1 rij",
/// the € 20.000 gone). Without <c>--skip-invalid</c> nothing is sent. Once for the CSV as Excel saves it (UTF-8 with
/// BOM, ';', decimal comma), once for the .xlsx LibreOffice Calc made of it and once for Calc's .ods of that
/// (Fixtures/make-fixtures.sh).
/// </summary>
public sealed class BudgetSkipInvalidProcessTests
{
    private static string Fixture(string name) => RepoFiles.Path("tests", "Warmte.Tests", "Spreadsheets", "Fixtures", name);

    [Theory]
    [InlineData("begroting-werkelijk-geweigerd.csv")]
    [InlineData("begroting-werkelijk-geweigerd.xlsx")]
    [InlineData("begroting-werkelijk-geweigerd.ods")]
    public async Task A_row_whose_werkelijk_is_refused_keeps_its_begroot_in_the_work_plan(string fixture)
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 6, 12, 0)));
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        // The budget frame is the cash timeline's calendar (budgetframe): with the model's tranches 03-2020 stands still. An opening
        // balance that covers the whole programme makes the calendar the straight one this finding is about: 05-2019 is work
        // month 5, 03-2020 work month 15.
        var model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        model["openingBalance"] = 10_000_000m;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan = model })).Status);
        var booked = await admin.Post($"api/projects/{project}/spending", new { month = "2020-03", kind = "Advisers", amount = 95_000m });
        Assert.True(booked.Status == HttpStatusCode.Created, booked.Raw);
        var bookingId = booked.Text("id");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var dir = Path.Combine(Path.GetTempPath(), "budget-t6-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.Copy(Fixture(fixture), Path.Combine(dir, fixture));
        var environment = new Dictionary<string, string> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = board, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config" };
        Task<CliProcessResult> Warmte(params string[] args) => CliProcess.RunInAsync(dir, environment, args);
        async Task<List<(string Kind, int From, int To, decimal Cost)>> WorkPlan() =>
            [.. (await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("plan").GetProperty("workPlan").EnumerateArray()
                .Select(p => (p.GetProperty("kind").GetString()!, p.TryGetProperty("fromMonth", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : 0,
                    p.TryGetProperty("toMonth", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0, p.GetProperty("monthlyCost").GetDecimal()))];
        try
        {
            var before = await WorkPlan();
            Assert.Equal(14, before.Count); // the model's own work plan

            // The dry run names the refused cell and says the row's Begroot is kept with --skip-invalid.
            var dry = await Warmte("import", "budget", project, fixture, "--dry-run", "--skip-invalid");
            Assert.True(dry.ExitCode == 1, dry.ToString());
            Assert.Contains("rij 3, kolom D (Werkelijk): geweigerd door de dienst: € 50.000,00 is het maandtotaal van 03-2020 adviseurs", dry.Err);
            Assert.Contains($"{bookingId} € 95.000,00", dry.Err);
            Assert.Contains("Van rij 3 is alleen de Werkelijk fout: de Begroot (€ 20.000,00) gaat wel naar het werkplan, alleen de Werkelijk wordt niet ingelezen.", dry.Out);
            Assert.Equal(before, await WorkPlan());

            // All or nothing without --skip-invalid: the plan stays as it was.
            var refused = await Warmte("import", "budget", project, fixture);
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains("Er is niets verstuurd", refused.Err);
            Assert.Contains("met --skip-invalid gaat de Begroot (€ 20.000,00) wel naar het werkplan", refused.Out);
            Assert.Equal(before, await WorkPlan());

            // Good rows only: both budget lines are the plan (05-2019 is work month 5, 03-2020 work month 15), the Werkelijk is not booked.
            var skipped = await Warmte("import", "budget", project, fixture, "--skip-invalid");
            Assert.True(skipped.ExitCode == 1, skipped.ToString()); // a cell was left out: scripts notice
            Assert.Contains("rij 3, kolom D (Werkelijk)", skipped.Err);
            Assert.Contains("Begroting: werkplan vervangen door 2 werkpakketten uit 2 rijen (van rij 3 alleen de Begroot: de Werkelijk is niet ingelezen).", skipped.Out);
            Assert.Contains("Werkelijke uitgaven: niets verstuurd; niet ingelezen: de Werkelijk van rij 3 (de Begroot wel).", skipped.Out);
            Assert.Equal([("design", 5, 5, 10_000m), ("advisers", 15, 15, 20_000m)], await WorkPlan());
            var spending = (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal([(bookingId, 95_000m)], spending.Select(b => (b.GetProperty("id").GetString()!, b.GetProperty("amount").GetDecimal())));

            // Importing the same file again changes nothing and still names the left-out cell.
            var again = await Warmte("import", "budget", project, fixture, "--skip-invalid");
            Assert.Contains("werkplan ongewijzigd (2 werkpakketten)", again.Out);
            Assert.Contains("rij 3, kolom D (Werkelijk)", again.Err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
