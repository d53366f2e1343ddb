using System.Text.Json;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// <c>warmte cashflow simulate</c> runs in-process on the KetelhuisWG development plan in models/.
/// It needs no service: no address, token or network.
/// </summary>
public sealed class CashFlowCliTests
{
    private static readonly string Plan = RepoFiles.Path("models", "ketelhuiswg-ontwikkeling.json");

    /// <summary>Runs warmte with an environment whose service settings are unusable: an offline command must not care.</summary>
    private static async Task<CliResult> Warmte(params string[] args)
    {
        var api = new FakeApi();
        var result = await CliHarness.Run(CliHarness.Env(url: "ftp://geen-dienst", token: "ongeldig token"), api, args);
        Assert.Empty(api.Requests);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("Exception", result.Err + result.Out);
        Assert.DoesNotContain("Onverwachte fout", result.Err);
        return result;
    }

    private sealed class TempPlan : IDisposable
    {
        public TempPlan(string json)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"warmte-plan-{Guid.NewGuid():N}.json");
            File.WriteAllText(Path, json);
        }

        public TempPlan(Action<JsonObject> change) : this(Changed(change)) { }

        private static string Changed(Action<JsonObject> change)
        {
            var json = JsonNode.Parse(File.ReadAllText(Plan))!.AsObject();
            change(json);
            return json.ToJsonString();
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }

    [Fact]
    public async Task Without_a_regime_it_compares_the_regimes_and_lists_the_stalls_of_todays_regime()
    {
        var result = await Warmte("cashflow", "simulate", Plan);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Err);
        Assert.Contains("Kasstroom en windstiltes: KetelhuisWG", result.Out);
        Assert.Contains("Regimes naast elkaar", result.Out);
        Assert.Matches(@"(?m)^\s+Tranches na verantwoording\s+\d\d-\d{4}\s+124 maanden\s+70 maanden\s+7\s", result.Out);
        Assert.Matches(@"(?m)^\s+Voorfinanciering per fase \(mijlpalen\)\s+06-2023\s+54 maanden\s+0 maanden\s+0\s", result.Out);
        Assert.Contains("Tranches + overbruggingslening", result.Out);
        Assert.Contains("€ 7.700.000,00 in 8 tranches (7 × € 1.000.000,00 + € 700.000,00)", result.Out);
        Assert.Contains("€ 1.540.000", result.Out); // the extra cost of the stalls, nl-NL
        Assert.Contains("Windstiltes bij tranches na verantwoording", result.Out);
        Assert.Matches(@"(?m)^\s+1\s+09-2019\s+06-2020\s+10\s+Definitief ontwerp\s", result.Out);
        Assert.Contains("Werkperiodes tussen de windstiltes: 8, 7, 8, 6, 7, 8, 8, 2 maanden.", result.Out);
        Assert.Contains("Vooruitblik per 01-2019", result.Out);
        Assert.Contains("uiterlijk in 09-2019 binnen zijn", result.Out);
        Assert.Contains("Aannames (", result.Out);
        Assert.Contains("leadTimes:", result.Out);
    }

    [Fact]
    public async Task With_a_regime_it_shows_the_monthly_timeline_with_the_stall_months_marked()
    {
        var result = await Warmte("cashflow", "simulate", Plan, "--regime", "tranches");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Regime: Tranches na verantwoording", result.Out);
        Assert.Contains("Per maand (bedragen in hele euro's)", result.Out);
        Assert.Matches(@"(?m)^\s+01-2019\s+werk\s+1\s+Definitief ontwerp\s+150\.000\s+1\.000\.000\s+113\.000\s+1\.037\.000\s", result.Out);
        Assert.Matches(@"(?m)^\s+09-2019\s+STIL\s+9\s+Definitief ontwerp\s.*windstilte begint; verantwoording ingediend .*tranche 2 aangevraagd", result.Out);
        Assert.Matches(@"(?m)^\s+07-2020\s+werk\s+9\s.*tranche 2 ontvangen \(€ 1\.000\.000\); werk hervat \(herstart € 40\.000\)", result.Out);
        Assert.Equal(124, result.Out.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d\d-\d{4}\s+(werk|STIL)\s")));
        Assert.Equal(70, result.Out.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d\d-\d{4}\s+STIL\s")));
        Assert.Contains("Stil:                          70 maanden in 7 windstiltes", result.Out);
        Assert.Contains("Mijlpalen", result.Out);
        Assert.Matches(@"(?m)^\s+Financial close\s+Realisatiebesluit en financial close\s+54\s+04-2029", result.Out);
    }

    [Theory]
    [InlineData("milestones", "Voorfinanciering per fase (mijlpalen)")]
    [InlineData("2", "Voorfinanciering per fase (mijlpalen)")]
    [InlineData("BRIDGE", "Tranches + overbruggingslening")]
    public async Task Each_regime_can_be_chosen_by_name_or_number(string regime, string title)
    {
        var result = await Warmte("cashflow", "simulate", Plan, "--regime", regime);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Regime: {title}", result.Out);
        Assert.DoesNotMatch(@"(?m)^\s+\d\d-\d{4}\s+STIL\s", result.Out);
        Assert.Contains("Geen: het werk ligt geen maand stil.", result.Out);
    }

    [Fact]
    public async Task The_bridge_timeline_shows_draws_repayments_and_the_interest()
    {
        var result = await Warmte("cashflow", "simulate", Plan, "--regime", "bridge");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("overbrugging opgenomen", result.Out);
        Assert.Contains("overbrugging afgelost", result.Out);
        Assert.Matches(@"Rente overbruggingslening:\s+€ \d{2}\.\d{3},\d\d", result.Out);
    }

    [Fact]
    public async Task Json_gives_the_comparison_or_the_full_timeline_for_machines()
    {
        var compare = await Warmte("cashflow", "simulate", Plan, "--json");
        Assert.True(compare.ExitCode == 0, compare.ToString());
        using (var json = JsonDocument.Parse(compare.Out))
        {
            var regimes = json.RootElement.GetProperty("regimes").EnumerateArray().ToList();
            Assert.Equal(["Tranches", "Milestones", "Bridge"], regimes.Select(r => r.GetProperty("regime").GetString()));
            var tranches = regimes[0];
            Assert.Equal(70, tranches.GetProperty("summary").GetProperty("monthsStalled").GetInt32());
            Assert.Equal(7, tranches.GetProperty("stalls").GetArrayLength());
            Assert.Equal("2019-09", tranches.GetProperty("stalls")[0].GetProperty("start").GetString());
            Assert.Equal(0, regimes[1].GetProperty("summary").GetProperty("monthsStalled").GetInt32());
            Assert.True(regimes[2].GetProperty("summary").GetProperty("interestCost").GetDecimal() > 0m);
            Assert.Equal("2019-09", tranches.GetProperty("outlook").GetProperty("moneyNeededBy").GetString());
        }

        var timeline = await Warmte("cashflow", "simulate", Plan, "--regime", "tranches", "--json");
        Assert.True(timeline.ExitCode == 0, timeline.ToString());
        using (var json = JsonDocument.Parse(timeline.Out))
        {
            var months = json.RootElement.GetProperty("months").EnumerateArray().ToList();
            Assert.Equal(124, months.Count);
            Assert.Equal("Stalled", months[8].GetProperty("status").GetString());
            foreach (var m in months)
                Assert.Equal(
                    m.GetProperty("received").GetDecimal() - m.GetProperty("spent").GetDecimal(),
                    m.GetProperty("closing").GetDecimal() - m.GetProperty("opening").GetDecimal());
        }
    }

    [Fact]
    public async Task Today_moves_the_outlook()
    {
        var result = await Warmte("cashflow", "simulate", Plan, "--today", "2019-12");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Vooruitblik per 12-2019", result.Out);
        Assert.Contains("Het werk ligt stil sinds 09-2019 (10 maanden in totaal).", result.Out);
        Assert.Contains("Het geld wordt verwacht in 07-2020.", result.Out);
    }

    [Fact]
    public async Task An_invalid_plan_exits_1_naming_every_field_path_and_reason()
    {
        using var file = new TempPlan(p =>
        {
            p["grant"]!["trancheSize"] = -1;
            p["workPlan"]![0]!["kind"] = "lobby";
        });
        var result = await Warmte("cashflow", "simulate", file.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("niet geldig (2 problemen)", result.Err);
        Assert.Contains("  grant.trancheSize: ", result.Err);
        Assert.Contains("  workPlan[0].kind: 'lobby' is geen soort werk", result.Err);
        Assert.Contains("docs/cashflow-plan.md", result.Err);

        var json = await Warmte("cashflow", "simulate", file.Path, "--json");
        Assert.Equal(1, json.ExitCode);
        using var errors = JsonDocument.Parse(json.Out);
        Assert.Contains(errors.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "workPlan[0].kind");
    }

    [Fact]
    public async Task A_plan_without_a_bridge_loan_compares_two_regimes_and_refuses_the_bridge_regime()
    {
        using var file = new TempPlan(p => p.Remove("bridgeLoan"));

        var compare = await Warmte("cashflow", "simulate", file.Path);
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.DoesNotContain("Tranches + overbruggingslening", compare.Out);

        var bridge = await Warmte("cashflow", "simulate", file.Path, "--regime", "bridge");
        Assert.Equal(1, bridge.ExitCode);
        Assert.Equal("", bridge.Out);
        Assert.Contains("geen overbruggingslening", bridge.Err);
    }

    [Theory]
    [InlineData("--regime|deens", "geen regime")]
    [InlineData("--today|juni", "geen maand voor --today")]
    [InlineData("--today|2019-13", "geen maand voor --today")]
    [InlineData("--url|http://localhost:5080", "hoort niet bij")]
    public async Task Bad_options_exit_1_with_the_usage(string options, string message)
    {
        var result = await Warmte(["cashflow", "simulate", Plan, .. options.Split('|')]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Err);
        Assert.Contains("Gebruik: warmte cashflow simulate", result.Err);
    }

    [Fact]
    public async Task A_missing_file_or_a_folder_exits_1_with_a_dutch_message()
    {
        var missing = await Warmte("cashflow", "simulate", RepoFiles.Path("models", "bestaat-niet.json"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Planbestand", missing.Err);
        Assert.Contains("bestaat niet", missing.Err);

        var folder = await Warmte("cashflow", "simulate", RepoFiles.Path("models"));
        Assert.Equal(1, folder.ExitCode);
        Assert.Contains("is een map", folder.Err);

        using var garbage = new TempPlan("dit is geen json");
        var notJson = await Warmte("cashflow", "simulate", garbage.Path);
        Assert.Equal(1, notJson.ExitCode);
        Assert.Contains("geen geldige JSON", notJson.Err);
    }

    [Fact]
    public async Task The_command_has_dutch_help_with_examples_and_no_service_options()
    {
        var result = await CliHarness.Run(null, null, "cashflow", "simulate", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Gebruik:", result.Out);
        Assert.Contains("  warmte cashflow simulate <plan>", result.Out);
        Assert.Contains("models/ketelhuiswg-ontwikkeling.json", result.Out);
        Assert.Contains("--regime <regime>", result.Out);
        Assert.Contains("zonder de dienst", result.Out);
        Assert.DoesNotContain("--url <adres>", result.Out);

        var general = await CliHarness.Run(null, null, "--help");
        Assert.Contains("cashflow simulate <plan>", general.Out);
    }
}
