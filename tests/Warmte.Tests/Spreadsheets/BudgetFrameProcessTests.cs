using System.Net;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Budgetframe, from outside: the demo (KetelhuisWG, plan from 03-2020, 54 work months, PAW tranches after accounting) on
/// 07-12-2026, and a board's budget for 2025-2026 as Excel saves it (UTF-8 with BOM, ';', CRLF, decimal comma), read by the
/// built <c>warmte</c>. Laid on the calendar without stalls the 54 work months ended 08-2024 and every row was refused as
/// "na het einde van het werkprogramma"; the cash line has the work running, and standing still between tranches, until
/// after today. Nothing is booked in the demo, so the line's months up to today are the plan's simulation from its start:
/// the month table of <c>GET …/cashflow</c> (another view) is what the rows are checked against; the last work month is
/// where the cash timeline's projection does work month 54.
/// </summary>
public sealed class BudgetFrameProcessTests
{
    private static readonly YearMonthPattern Dutch = YearMonthPattern.CreateWithInvariantCulture("MM-yyyy");

    [Fact]
    public async Task A_budget_for_2025_2026_lands_on_the_work_months_of_the_cash_line_and_its_stalled_months_are_warned_about()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 7, 11, 0)));
        var admin = server.Client();
        Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());
        const string project = "wg-terrein";

        // The plan's simulation per month (Working: that work month done; Stalled/Waiting: standing still).
        var simulated = (await admin.Get($"api/projects/{project}/cashflow")).Body.GetProperty("months").EnumerateArray()
            .ToDictionary(m => YearMonthPattern.Iso.Parse(m.GetProperty("month").GetString()!).Value,
                m => (Working: m.GetProperty("status").GetString() == "Working", WorkMonth: m.GetProperty("workMonth").GetInt32()));
        var months = Enumerable.Range(0, 24).Select(i => new YearMonth(2025, 1).PlusMonths(i)).ToList();
        var working = months.Where(m => simulated[m].Working).ToList();
        var stalled = months.Where(m => !simulated[m].Working).ToList();
        // The demo's story: both kinds of month in 2025-2026 (tranche 5 was waited for, then worked with, then tranche 6 waited for).
        Assert.NotEmpty(working);
        Assert.NotEmpty(stalled);
        var projection = (await admin.Get($"api/projects/{project}/cash-timeline")).Body.GetProperty("projection").GetProperty("months").EnumerateArray()
            .Select(m => (Month: YearMonthPattern.Iso.Parse(m.GetProperty("month").GetString()!).Value, Working: m.GetProperty("status").GetString() == "Working",
                WorkMonth: m.GetProperty("workMonth").GetInt32())).ToList();
        var end = projection.Single(m => m.Working && m.WorkMonth == 54).Month;
        Assert.True(end > new YearMonth(2026, 12), $"last work month {end}");

        // The board's sheet: organisation (runs on in a stall) and design every month of 2025-2026; the first stalled month has
        // its organisation spending filled in; and one design row the month after the line's last work month.
        var lines = new List<string> { "Maand;Categorie;Begroot;Werkelijk;Loopt door bij stilstand;Omschrijving" };
        foreach (var m in months)
        {
            lines.Add($"{Dutch.Format(m)};organisatie;12.000,00;{(m == stalled[0] ? "11.480,50" : "")};ja;Projectbureau");
            lines.Add($"{Dutch.Format(m)};ontwerp;20.000,00;;nee;Ontwerp TEO");
        }
        lines.Add($"{Dutch.Format(end.PlusMonths(1))};ontwerp;20.000,00;;nee;Ontwerp TEO");
        var lastRow = lines.Count; // the header is row 1
        var dir = Path.Combine(Path.GetTempPath(), "budgetframe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "begroting-2025-2026.csv"), string.Join("\r\n", lines) + "\r\n", new UTF8Encoding(true));
            var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = "board:ketelhuiswg" })).Text("token");
            var environment = new Dictionary<string, string> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = board, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config" };

            var dry = await CliProcess.RunInAsync(dir, environment, "import", "budget", project, "begroting-2025-2026.csv", "--dry-run");
            var run = await CliProcess.RunInAsync(dir, environment, "import", "budget", project, "begroting-2025-2026.csv", "--skip-invalid");
            foreach (var r in new[] { dry, run })
            {
                // Only the row after the end is refused, naming the last work month as the cash line has it.
                Assert.True(r.ExitCode == 1, r.ToString());
                Assert.Contains($"{lines.Count - 2} goede rijen, 1 foute rij.", r.Out);
                Assert.Contains($"rij {lastRow}, kolom A (Maand): {Dutch.Format(end.PlusMonths(1))} ligt na het einde van het werkprogramma "
                                + $"(54 werkmaanden, t/m {Dutch.Format(end)} volgens de kaslijn", r.Err);
                Assert.DoesNotContain("08-2024", r.Out + r.Err);
                // The stalled months are said, with their rows, and not refused.
                var first = stalled[0];
                Assert.Contains($"Let op: Blad 'begroting-2025-2026', rijen {2 + 2 * months.IndexOf(first)} t/m ", r.Out);
                Assert.Contains($"{Dutch.Format(first)}", r.Out);
                Assert.Contains($"volgens de kaslijn stond het werk dan stil (het wacht op werkmaand {simulated[first].WorkMonth} van 54)", r.Out);
            }
            Assert.Contains("Begroting: werkplan vervangen door", run.Out);

            // The work plan: design and organisation exactly in the work months the line does in 2025-2026, nothing in the stalled months.
            var plan = (await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("plan").GetProperty("workPlan").EnumerateArray()
                .Select(p => (Kind: p.GetProperty("kind").GetString()!, From: p.GetProperty("fromMonth").GetInt32(), To: p.GetProperty("toMonth").GetInt32(),
                    Cost: p.GetProperty("monthlyCost").GetDecimal())).ToList();
            int[] Covered(string kind, decimal cost) => [.. plan.Where(p => p.Kind == kind && p.Cost == cost).SelectMany(p => Enumerable.Range(p.From, p.To - p.From + 1)).Order()];
            var expected = working.Select(m => simulated[m].WorkMonth).Order().ToArray();
            Assert.Equal(expected, Covered("design", 20_000m));
            Assert.Equal(expected, Covered("organisation", 12_000m));
            Assert.Equal(plan.Count, plan.Count(p => p.Kind is "design" or "organisation"));

            // The stalled month's Werkelijk was booked: what the organisation really cost in a stall is on the cash line.
            var spending = (await admin.Get($"api/projects/{project}/spending?month={YearMonthPattern.Iso.Format(stalled[0])}")).Body;
            Assert.Equal(11_480.50m, spending.GetProperty("items").EnumerateArray().Sum(b => b.GetProperty("amount").GetDecimal()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
