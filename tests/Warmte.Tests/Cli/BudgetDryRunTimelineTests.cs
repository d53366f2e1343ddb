using System.Text;
using Warmte.Tests.Cli;

namespace Warmte.Tests.Cli;

/// <summary>
/// review19 #9: the budget import's dry run read the saved plan inside a guard but the cash timeline outside it, so a 503 between
/// the two calls ended the dry run with an error instead of checking the file on the plan's months and saying so.
/// </summary>
public sealed class BudgetDryRunTimelineTests
{
    private const string Plan = """
        {"plan":{ "formatVersion": 1, "name": "Zes maanden", "startMonth": "2025-01",
          "phases": [ {"name":"Ontwerp","months":6,"budget":60000} ],
          "workPlan": [ {"name":"Ontwerp","kind":"design","monthlyCost":10000,"fromMonth":1,"toMonth":6,"runsDuringStall":false} ],
          "grant": {"name":"Subsidie","funder":"Gemeente","amount":60000,"tranches":[30000,30000]},
          "leadTimes": {"requestToApprovedMonths":3,"approvedToPaidMonths":1} }}
        """;

    [Fact]
    public async Task A_dry_run_whose_cash_timeline_is_unavailable_checks_the_file_on_the_plans_months_and_says_so()
    {
        var path = Path.Combine(Path.GetTempPath(), $"warmte-budget-dry-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, Encoding.GetEncoding(1252).GetBytes(
            "Periode;Kostenpost;Begroting;Realisatie;Vaste kosten;Omschrijving\r\n"
            + "2025-01;Ontwerp;10000;;nee;Ontwerp\r\n2025-02;Ontwerp;10000;;nee;Ontwerp\r\n2025-09;Ontwerp;10000;;nee;Ontwerp\r\n"));
        try
        {
            var api = new FakeApi()
                .Get("/api/projects/p1/cashflow-plan", Plan)
                .Problem("GET", "/api/projects/p1/cash-timeline", 503, "Tijdelijk niet beschikbaar", "De opslag is even niet bereikbaar.", "unavailable");
            var result = await CliHarness.Run(CliHarness.Env("https://warmte.test", "wt_test"), api, "import", "budget", "p1", path, "--dry-run");

            CliHarness.AssertNoStackTrace(result);
            Assert.Contains("de kaslijn van het project was niet te lezen bij de dienst", result.Err);
            // Checked on the plan's months without stalls: 09-2025 is after its sixth work month (06-2025), and says so on its row.
            Assert.Contains("09-2025 ligt na het einde van het werkprogramma (6 werkmaanden, t/m 06-2025)", result.Out + result.Err);
            Assert.Contains("Proefrun: er is niets verstuurd.", result.Out);
            Assert.DoesNotContain(api.Requests, r => r.Method != HttpMethod.Get);
        }
        finally { File.Delete(path); }
    }
}
