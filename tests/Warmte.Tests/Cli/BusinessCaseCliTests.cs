using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Warmte.Client;

namespace Warmte.Tests.Cli;

/// <summary>
/// The offline business-case commands (model evaluate|stress|montecarlo, loan simulate) run in-process
/// on the real model files in models/. They need no service: no address, token or network.
/// </summary>
public sealed class BusinessCaseCliTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Ketelhuis = Path.Combine(Root, "models", "ketelhuiswg.json");
    private static readonly string Zonnedak = Path.Combine(Root, "models", "zonnedak-sporthal.json");

    /// <summary>The repository root: the folder above the test output that holds Warmtenet.sln.</summary>
    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Warmtenet.sln"))) return dir.FullName;
        throw new InvalidOperationException("Warmtenet.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs warmte with an environment whose service settings are unusable: offline commands must not care.</summary>
    private static async Task<CliResult> Warmte(params string[] args)
    {
        var api = new FakeApi();
        var result = await CliHarness.Run(CliHarness.Env(url: "ftp://geen-dienst", token: "ongeldig token"), api, args);
        Assert.Empty(api.Requests);
        // Not CliHarness.AssertNoStackTrace on stdout: wrapped model text may contain "   at ".
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("Exception", result.Err + result.Out);
        Assert.DoesNotContain("Onverwachte fout", result.Err);
        return result;
    }

    private static JsonNode Model(string path) => JsonNode.Parse(File.ReadAllText(path))!;

    /// <summary>A copy of the KetelhuisWG model, changed by <paramref name="change"/>, in a temporary file.</summary>
    private static TempModel Broken(Action<JsonNode> change)
    {
        var model = Model(Ketelhuis);
        change(model);
        return new TempModel(model.ToJsonString());
    }

    private sealed class TempModel : IDisposable
    {
        public TempModel(string json)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"warmte-model-{Guid.NewGuid():N}.json");
            File.WriteAllText(Path, json);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }

    [Fact]
    public async Task Evaluate_shows_ketelhuiswg_as_covered_with_kpis_yearly_table_and_assumptions()
    {
        var result = await Warmte("model", "evaluate", Ketelhuis);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("KetelhuisWG", result.Out);
        Assert.Contains("Bronnen en bestedingen", result.Out);
        Assert.Contains("Dekking: gedekt", result.Out);
        Assert.Contains("NPV project (disconteringsvoet 4,00%)", result.Out);
        Assert.Contains("Laagste DSCR:", result.Out);
        Assert.Contains("Financiering sluit:", result.Out);
        Assert.Contains("Break-even tarief:", result.Out);
        Assert.Contains("Hoogste betaalbare rente:", result.Out);
        Assert.Contains("Grootste lening:", result.Out);
        Assert.Contains("€ 7.800.000,00", result.Out); // the loan, nl-NL
        var model = Model(Ketelhuis);
        var firstYear = (int)model["startYear"]!;
        var lastYear = firstYear + (int)model["horizonYears"]! - 1;
        Assert.Matches($@"(?m)^\s+{firstYear}\s", result.Out);
        Assert.Matches($@"(?m)^\s+{lastYear}\s", result.Out);
        Assert.Contains("Aannames", result.Out);
        Assert.Contains("revenues.heatDemandGjPerWeq:", result.Out);
    }

    /// <summary>
    /// F15: "Financiering sluit" is sources ≥ uses over the horizon; a year whose cash balance is below zero must be shown
    /// beside it. The gap is read from the yearly table of the same evaluation, not from the KPI under test.
    /// </summary>
    [Fact]
    public async Task Evaluate_shows_the_cash_gap_in_time_beside_financing_closes()
    {
        var json = await Warmte("model", "evaluate", Ketelhuis, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        var evaluation = document.RootElement.GetProperty("evaluation");
        var lowest = evaluation.GetProperty("years").EnumerateArray()
            .Select(y => (Year: y.GetProperty("year").GetInt32(), Cash: y.GetProperty("cashBalance").GetDecimal()))
            .OrderBy(y => y.Cash).ThenBy(y => y.Year).First();
        var kpis = evaluation.GetProperty("kpis");
        // The tester's case: the KetelhuisWG model closes on paper while its cash goes below zero in a year.
        Assert.True(kpis.GetProperty("financingCloses").GetBoolean());
        Assert.True(lowest.Cash < 0m, $"lowest cash {lowest.Cash}");
        Assert.Equal(-lowest.Cash, kpis.GetProperty("bridgingNeeded").GetDecimal());
        Assert.Equal(lowest.Year, kpis.GetProperty("lowestCashBalanceYear").GetInt32());

        var text = await Warmte("model", "evaluate", Ketelhuis);
        Assert.True(text.ExitCode == 0, text.ToString());
        var gap = (-lowest.Cash).ToString("#,##0.00", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"));
        Assert.Matches($@"(?m)^\s*Financiering sluit:\s+ja, maar in {lowest.Year} € {Regex.Escape(gap)} tekort \(overbrugging nodig\)\s*$", text.Out);
    }

    /// <summary>
    /// F15 in the loan grid and the stress tests: the model's own loan terms (3%, 33 years) are the model itself, so their
    /// cell has the gap the yearly table of <c>model evaluate</c> shows, and "Sluit" says it beside "ja" in whole euros.
    /// </summary>
    [Fact]
    public async Task Loan_simulate_and_stress_show_the_cash_gap_beside_sluit()
    {
        var evaluate = await Warmte("model", "evaluate", Ketelhuis, "--json");
        using var document = JsonDocument.Parse(evaluate.Out);
        var lowest = document.RootElement.GetProperty("evaluation").GetProperty("years").EnumerateArray()
            .Select(y => (Year: y.GetProperty("year").GetInt32(), Cash: y.GetProperty("cashBalance").GetDecimal()))
            .OrderBy(y => y.Cash).ThenBy(y => y.Year).First();
        Assert.True(lowest.Cash < 0m);
        var gap = decimal.Round(-lowest.Cash, 0, MidpointRounding.AwayFromZero).ToString("#,##0", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"));

        var json = await Warmte("loan", "simulate", Ketelhuis, "--rate", "3", "--term", "33", "--type", "annuity", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var grid = JsonDocument.Parse(json.Out);
        var cell = Assert.Single(grid.RootElement.GetProperty("cells").EnumerateArray());
        Assert.True(cell.GetProperty("closes").GetBoolean());
        Assert.Equal(lowest.Cash, cell.GetProperty("lowestCashBalance").GetDecimal());
        Assert.Equal(lowest.Year, cell.GetProperty("lowestCashBalanceYear").GetInt32());
        Assert.Equal(-lowest.Cash, cell.GetProperty("bridgingNeeded").GetDecimal());

        var text = await Warmte("loan", "simulate", Ketelhuis, "--rate", "3", "--term", "33", "--type", "annuity");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Matches($@"(?m)^\s+3,00%.*\s{Regex.Escape($"ja, overbrugging € {gap} in {lowest.Year}")}\s*$", text.Out);
        Assert.Contains("1 van 1 combinatie sluit; bij 1 daarvan is er een jaar met kastekort (overbrugging nodig).", text.Out);

        var stress = await Warmte("model", "stress", Ketelhuis);
        Assert.True(stress.ExitCode == 0, stress.ToString());
        Assert.Matches($@"(?m)^\s+Basisscenario\s.*\s{Regex.Escape($"ja, overbrugging € {gap} in {lowest.Year}")}\s*$", stress.Out);
    }

    [Fact]
    public async Task Evaluate_says_only_ja_when_the_cash_never_goes_below_zero()
    {
        using var funded = Broken(m => m["sources"]!["memberCapital"] = 5_000_000);
        var json = await Warmte("model", "evaluate", funded.Path, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        var evaluation = document.RootElement.GetProperty("evaluation");
        Assert.All(evaluation.GetProperty("years").EnumerateArray(), y => Assert.True(y.GetProperty("cashBalance").GetDecimal() >= 0m));
        Assert.Equal(0m, evaluation.GetProperty("kpis").GetProperty("bridgingNeeded").GetDecimal());

        var text = await Warmte("model", "evaluate", funded.Path);
        Assert.Matches(@"(?m)^\s*Financiering sluit:\s+ja\s*$", text.Out);
    }

    [Fact]
    public async Task Evaluate_json_has_the_evaluation_and_the_solutions_and_sources_cover_uses()
    {
        var result = await Warmte("model", "evaluate", Ketelhuis, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var evaluation = json.RootElement.GetProperty("evaluation");
        var sourcesAndUses = evaluation.GetProperty("kpis").GetProperty("sourcesAndUses");
        Assert.True(sourcesAndUses.GetProperty("surplus").GetDecimal() >= 0m);
        Assert.True(sourcesAndUses.GetProperty("covered").GetBoolean());
        Assert.Equal((int)Model(Ketelhuis)["horizonYears"]!, evaluation.GetProperty("years").GetArrayLength());
        var solutions = json.RootElement.GetProperty("solutions");
        foreach (var name in new[] { "breakEvenTariff", "highestAffordableRate", "largestLoan" })
            Assert.False(string.IsNullOrWhiteSpace(solutions.GetProperty(name).GetProperty("explanation").GetString()));
    }

    [Fact]
    public async Task Evaluate_runs_the_second_model_too()
    {
        var result = await Warmte("model", "evaluate", Zonnedak);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Kengetallen", result.Out);
    }

    [Fact]
    public async Task An_invalid_model_exits_1_naming_every_field_path_and_reason()
    {
        using var file = Broken(m =>
        {
            m["sources"]!["loans"]![0]!["termYears"] = -5;
            m["revenues"]!["vatRate"] = 3;
        });
        var result = await Warmte("model", "evaluate", file.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("niet geldig (2 problemen)", result.Err);
        Assert.Contains("  sources.loans[0].termYears: ", result.Err);
        Assert.Contains("  revenues.vatRate: ", result.Err);
    }

    [Fact]
    public async Task A_model_with_an_unknown_key_exits_1_naming_the_key()
    {
        using var file = Broken(m =>
        {
            m["sources"]!["loans"]![0]!["termYears"] = -5;
            m["sources"]!["loans"]![0]!["rentevoet"] = 0.03;
        });
        foreach (var command in new[] { "evaluate", "stress", "montecarlo" })
        {
            var result = await Warmte("model", command, file.Path);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal("", result.Out);
            Assert.Contains("  sources.loans[0].rentevoet: ", result.Err);
        }
    }

    [Fact]
    public async Task An_invalid_model_with_json_prints_the_errors_as_json()
    {
        using var file = Broken(m => m["sources"]!["loans"]![0]!["termYears"] = -5);
        var result = await Warmte("model", "evaluate", file.Path, "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Contains(json.RootElement.GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("field").GetString() == "sources.loans[0].termYears");
    }

    [Fact]
    public async Task A_missing_or_unreadable_model_file_exits_1_with_a_dutch_message()
    {
        var missing = await Warmte("model", "evaluate", Path.Combine(Root, "models", "bestaat-niet.json"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("bestaat niet", missing.Err);

        var folder = await Warmte("loan", "simulate", Path.Combine(Root, "models"));
        Assert.Equal(1, folder.ExitCode);
        Assert.Contains("is een map", folder.Err);

        using var notJson = new TempModel("dit is geen json");
        var garbage = await Warmte("model", "stress", notJson.Path);
        Assert.Equal(1, garbage.ExitCode);
        Assert.Contains("geen geldige JSON", garbage.Err);
    }

    [Fact]
    public async Task Loan_simulate_the_models_own_terms_close_at_3_percent_but_not_at_7()
    {
        var loan = Model(Ketelhuis)["sources"]!["loans"]![0]!;
        var result = await Warmte("loan", "simulate", Ketelhuis, "--rate", "3;7", "--term", "33", "--type", "annuity", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var cells = json.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(2, cells.Count);
        Assert.All(cells, c =>
        {
            Assert.Equal(33, c.GetProperty("termYears").GetInt32());
            Assert.Equal("Annuity", c.GetProperty("repayment").GetString());
            // Without --grace the grace years of the model's loan are kept.
            Assert.Equal((int)loan["graceYears"]!, c.GetProperty("graceYears").GetInt32());
        });
        var at3 = Assert.Single(cells, c => c.GetProperty("annualRate").GetDecimal() == 0.03m);
        var at7 = Assert.Single(cells, c => c.GetProperty("annualRate").GetDecimal() == 0.07m);
        Assert.True(at3.GetProperty("closes").GetBoolean());
        Assert.False(at7.GetProperty("closes").GetBoolean());
        Assert.True(at7.GetProperty("minDscr").GetDecimal() < at3.GetProperty("minDscr").GetDecimal());
        Assert.True(at7.GetProperty("totalInterest").GetDecimal() > at3.GetProperty("totalInterest").GetDecimal());
    }

    [Fact]
    public async Task Loan_simulate_expands_inclusive_ranges_and_lists_into_a_table()
    {
        var result = await Warmte("loan", "simulate", Ketelhuis, "--rate", "2:7:0.5", "--term", "20,30,40", "--type", "ANNUITY,Linear", "--grace", "0,2");

        Assert.True(result.ExitCode == 0, result.ToString());
        // 11 rates (2 to 7 inclusive) × 3 terms × 2 types × 2 grace years.
        Assert.Contains("van 132 combinaties", result.Out);
        Assert.Contains("annuïteit", result.Out);
        Assert.Contains("lineair", result.Out);
        Assert.Contains("7,00%", result.Out);
        Assert.Contains("2,50%", result.Out);
        Assert.Contains("Min. DSCR (jaar)", result.Out);
    }

    [Fact]
    public async Task Loan_simulate_skips_combinations_with_as_many_grace_years_as_term()
    {
        var result = await Warmte("loan", "simulate", Ketelhuis, "--rate", "3", "--term", "2,10", "--type", "bullet", "--grace", "0,2", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var cells = json.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(3, cells.Count);
        Assert.All(cells, c => Assert.True(c.GetProperty("graceYears").GetInt32() < c.GetProperty("termYears").GetInt32()));
    }

    [Theory]
    [InlineData("--rate|2:7:0", "groter dan 0")]
    [InlineData("--rate|2:7:-1", "groter dan 0")]
    [InlineData("--rate|drie", "geen getal")]
    [InlineData("--rate|3;;4", "lege waarde")]
    [InlineData("--rate|60", "buiten het bereik")]
    [InlineData("--rate|-5.5", "buiten het bereik")]
    [InlineData("--rate|7:2:0.5", "vóór het begin")]
    [InlineData("--rate|2,,3", "lege waarde")]
    [InlineData("--rate|0:50:0.001|--term|1:100", "het maximum is 10.000")]
    [InlineData("--rate|0:50:0.01|--term|10:40|--type|annuity,linear", "het maximum is 10.000")]
    [InlineData("--type|balloon", "geen aflossingsvorm")]
    [InlineData("--type|annuity,", "lege waarde")]
    [InlineData("--term|20.5", "heel aantal")]
    [InlineData("--term|0", "buiten het bereik")]
    [InlineData("--term|101", "buiten het bereik")]
    [InlineData("--grace|-1", "buiten het bereik")]
    [InlineData("--term|3|--grace|3,4", "kleiner zijn dan de looptijd")]
    [InlineData("--loan|eerste", "--loan")]
    [InlineData("--url|http://localhost:5080", "hoort niet bij")]
    public async Task Loan_simulate_bad_option_values_exit_1_with_a_clear_message(string options, string message)
    {
        var result = await Warmte(["loan", "simulate", Ketelhuis, .. options.Split('|')]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Err);
        Assert.Contains("Gebruik: warmte loan simulate", result.Err);
    }

    [Fact]
    public async Task Loan_simulate_names_a_loan_index_the_model_does_not_have()
    {
        var result = await Warmte("loan", "simulate", Ketelhuis, "--loan", "5");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--loan 5 bestaat niet", result.Err);
        // One loan: say what to write, not "index 0 tot en met 0" (tester7 T15).
        Assert.Contains("het model heeft 1 lening; laat --loan weg of kies 0", result.Err);
    }

    /// <summary>Tester7 T7: "--rate 2,5" computed 2% and 5%; a list that also reads as one Dutch number is refused, as amounts are.</summary>
    [Theory]
    [InlineData("2,5", "bedoelt u 2,5 % of 2 % en 5 %?", "2.5", "\"2;5\"")]
    [InlineData("1.250,50", "bedoelt u 1.250,5 % of 1.250 % en 50 %?", "1250.50", "\"1.250;50\"")]
    [InlineData("2,5:7", "bedoelt u 2,5 % of 2 % en 5 %?", "2.5", "\"2;5\"")]
    [InlineData("-1,5", "bedoelt u -1,5 % of -1 % en 5 %?", "-1.5", "\"-1;5\"")]
    public async Task Loan_simulate_refuses_a_rate_list_that_may_be_one_number_with_a_decimal_comma(string rate, string question, string one, string list)
    {
        var result = await Warmte("loan", "simulate", Ketelhuis, "--rate", rate, "--term", "30");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("dubbelzinnig", result.Err);
        Assert.Contains(question, result.Err);
        Assert.Contains($"met een punt ({one})", result.Err);
        Assert.Contains(list, result.Err);
    }

    [Fact]
    public async Task Loan_simulate_reads_unambiguous_lists_with_commas_or_semicolons()
    {
        var commas = await Warmte("loan", "simulate", Ketelhuis, "--rate", "2,3,4", "--term", "30", "--type", "annuity", "--json");
        var semicolons = await Warmte("loan", "simulate", Ketelhuis, "--rate", "2;5", "--term", "30", "--type", "annuity", "--json");
        var dotThenComma = await Warmte("loan", "simulate", Ketelhuis, "--rate", "2.5,3", "--term", "30", "--type", "annuity", "--json");

        static decimal[] Rates(CliResult r) =>
            [.. JsonDocument.Parse(r.Out).RootElement.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("annualRate").GetDecimal()).Order()];
        Assert.True(commas.ExitCode == 0, commas.ToString());
        Assert.Equal([0.02m, 0.03m, 0.04m], Rates(commas));
        Assert.True(semicolons.ExitCode == 0, semicolons.ToString());
        Assert.Equal([0.02m, 0.05m], Rates(semicolons));
        Assert.True(dotThenComma.ExitCode == 0, dotThenComma.ToString());
        Assert.Equal([0.025m, 0.03m], Rates(dotThenComma));
    }

    [Fact]
    public async Task Stress_shows_the_scenarios_and_the_tornado_sorted_by_npv_swing()
    {
        var text = await Warmte("model", "stress", Ketelhuis);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Basisscenario", text.Out);
        Assert.Contains("Gevoeligheid (tornado)", text.Out);

        var result = await Warmte("model", "stress", Ketelhuis, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.True(json.RootElement.GetProperty("scenarios").GetArrayLength() > 1);
        var swings = json.RootElement.GetProperty("tornado").EnumerateArray()
            .Select(b => Math.Abs(b.GetProperty("npvHigh").GetDecimal() - b.GetProperty("npvLow").GetDecimal()))
            .ToList();
        Assert.NotEmpty(swings);
        Assert.Equal(swings.OrderByDescending(s => s), swings);
    }

    [Fact]
    public async Task Monte_carlo_is_reproducible_per_seed()
    {
        var first = await Warmte("model", "montecarlo", Ketelhuis, "--runs", "500", "--seed", "7", "--json");
        var again = await Warmte("model", "montecarlo", Ketelhuis, "--runs", "500", "--seed", "7", "--json");
        var other = await Warmte("model", "montecarlo", Ketelhuis, "--runs", "500", "--seed", "8", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(first.Out, again.Out);
        Assert.NotEqual(first.Out, other.Out);
        using var json = JsonDocument.Parse(first.Out);
        Assert.Equal(500, json.RootElement.GetProperty("runs").GetInt32());
        Assert.Equal(7, json.RootElement.GetProperty("seed").GetInt32());
        var p10 = json.RootElement.GetProperty("npvP10").GetDecimal();
        var p50 = json.RootElement.GetProperty("npvP50").GetDecimal();
        var p90 = json.RootElement.GetProperty("npvP90").GetDecimal();
        Assert.True(p10 <= p50 && p50 <= p90);
    }

    [Fact]
    public async Task Monte_carlo_shows_percentiles_probabilities_and_uncertainties()
    {
        var result = await Warmte("model", "montecarlo", Ketelhuis, "--runs", "500");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("P10", result.Out);
        Assert.Contains("P50", result.Out);
        Assert.Contains("P90", result.Out);
        Assert.Contains("Kans laagste DSCR onder 1", result.Out);
        Assert.Contains("Kans dat de financiering niet sluit", result.Out);
        Assert.Contains("Onzekerheden (uit het model", result.Out);
        Assert.Contains("Trekkingen:  500", result.Out);
        // Where the base case falls, and what drives the spread, in Dutch.
        Assert.Contains("Waar het basisscenario (het model zoals het is) valt", result.Out);
        Assert.Matches(@"NPV: +P\d+: \d+(,\d)?% van de trekkingen komt hierop of lager uit", result.Out);
        Assert.Contains("Wat de spreiding drijft", result.Out);
        Assert.Contains("Elektriciteitsprijs", result.Out);
        Assert.Contains("Onderbouwing", result.Out);
        Assert.Contains("Bron: domain.md", result.Out);
    }

    [Fact]
    public async Task Monte_carlo_of_a_model_without_uncertainties_says_it_uses_the_defaults()
    {
        using var file = Broken(m => m.AsObject().Remove("uncertainties"));
        var text = await Warmte("model", "montecarlo", file.Path, "--runs", "200");
        var json = await Warmte("model", "montecarlo", file.Path, "--runs", "200", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Onzekerheden (standaard: het model geeft er geen", text.Out);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("Defaults", doc.RootElement.GetProperty("uncertaintyOrigin").GetString());
        Assert.Equal(MonteCarloDefaults, doc.RootElement.GetProperty("uncertainties").EnumerateArray().Select(u => u.GetProperty("input").GetString()!).ToArray());
    }

    private static readonly string[] MonteCarloDefaults = ["investering", "volloopvertraging-jaren", "stroomprijs", "rente-punten", "warmtevraag", "cop"];

    [Fact]
    public async Task Monte_carlo_json_has_the_base_case_position_and_the_drivers_sorted_by_size()
    {
        var result = await Warmte("model", "montecarlo", Ketelhuis, "--runs", "500", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        var baseCase = root.GetProperty("baseCase");
        Assert.InRange(baseCase.GetProperty("npvPercentile").GetDecimal(), 0m, 1m);
        Assert.InRange(baseCase.GetProperty("minDscrPercentile").GetDecimal(), 0m, 1m);
        var drivers = root.GetProperty("drivers").EnumerateArray().ToList();
        Assert.Equal(root.GetProperty("uncertainties").GetArrayLength(), drivers.Count);
        var sizes = drivers.Select(d => Math.Abs(d.GetProperty("npvCorrelation").GetDecimal())).ToList();
        Assert.Equal(sizes.OrderByDescending(x => x), sizes);
        Assert.All(drivers, d => Assert.False(string.IsNullOrEmpty(d.GetProperty("description").GetString())));
    }

    [Theory]
    [InlineData("--runs|0")]
    [InlineData("--runs|1000001")]
    [InlineData("--runs|tien")]
    [InlineData("--runs|1.5")]
    [InlineData("--seed|1.5")]
    [InlineData("--seed|x")]
    [InlineData("--token|geheim")]
    public async Task Monte_carlo_bad_option_values_exit_1(string options)
    {
        var result = await Warmte(["model", "montecarlo", Ketelhuis, .. options.Split('|')]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("--" + options.Split('|')[0].TrimStart('-'), result.Err);
    }

    [Theory]
    [InlineData("model evaluate")]
    [InlineData("model stress")]
    [InlineData("model montecarlo")]
    [InlineData("loan simulate")]
    public async Task Every_business_case_command_has_dutch_help_with_an_example_and_no_service_options(string name)
    {
        var result = await CliHarness.Run(null, null, [.. name.Split(' '), "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Gebruik:", result.Out);
        Assert.Contains($"  warmte {name} <bestand>", result.Out);
        Assert.Contains("models/ketelhuiswg.json", result.Out);
        Assert.Contains("zonder de dienst", result.Out);
        Assert.DoesNotContain("--url <adres>", result.Out);
    }

    [Fact]
    public void Ranges_are_inclusive_and_lists_keep_their_order_without_duplicates()
    {
        var command = BusinessCaseCommands.LoanSimulate;
        Assert.Equal([2m, 2.5m, 3m, 3.5m, 4m], BusinessCaseCommands.Values("2:4:0.5", BusinessCaseCommands.Rate, command, -5, 50, false, "Rente", "%"));
        Assert.Equal([0m, 0.3m, 0.6m, 0.9m], BusinessCaseCommands.Values("0:1:0.3", BusinessCaseCommands.Rate, command, -5, 50, false, "Rente", "%"));
        Assert.Equal([40m, 20m, 30m], BusinessCaseCommands.Values("40, 20,30,20:30:10", BusinessCaseCommands.Term, command, 1, 100, true, "Looptijd", " jaar"));
        Assert.Equal([20m, 21m, 22m], BusinessCaseCommands.Values("20:22", BusinessCaseCommands.Term, command, 1, 100, true, "Looptijd", " jaar"));
        Assert.Equal([-1m, 0m], BusinessCaseCommands.Values("−1:0", BusinessCaseCommands.Rate, command, -5, 50, false, "Rente", "%"));
    }
}
