using System.Text.Json;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Client;
using Warmte.Serialization;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Grants, tranches, alerts, portfolio and the online cash flow against a stand-in for the service: what is
/// sent (path, body, idempotency key) and how the answers are shown. The real service is in GrantCliTests.
/// </summary>
public sealed class GrantCliOutputTests
{
    private const string Url = "https://warmte.test"; // a stand-in service; https, as the CLI asks of any host but loopback

    private static Task<CliResult> Warmte(FakeApi api, params string[] args) =>
        CliHarness.Run(CliHarness.Env(Url, "wt_test"), api, args);

    private const string GrantPath = "/api/projects/wg-terrein/grants/paw";

    /// <summary>A PAW grant with a tranche in every status, shaped as the service sends it.</summary>
    private const string Grant = """
        {"grant":{"id":"paw","projectId":"wg-terrein","funder":"Rijk via gemeente Amsterdam","scheme":"PAW","amountGranted":7700000.00,
          "decidedOn":"2020-01-01","conditions":"Verantwoording per tranche","earnedBack":false,"previousAccountingFirst":true,"reviewNormDays":90,
          "tranches":[
            {"number":1,"plannedAmount":1000000.00,"plannedOn":null,"status":"Uitbetaald","accounting":{"amountSpent":250000.00,"periodFrom":"2020-01-01","periodTo":"2020-02-14","documents":["DMS-2020-014"]},
             "rejectionReason":null,"paidAmount":1000000.00,"steps":[
              {"to":"Aangevraagd","on":"2020-02-01","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z","detail":null},
              {"to":"VerantwoordingIngediend","on":"2020-02-15","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z","detail":"besteed"},
              {"to":"Goedgekeurd","on":"2020-11-01","actor":"Gemeente","recordedAt":"2026-01-05T09:30:00Z","detail":null},
              {"to":"Uitbetaald","on":"2020-12-01","actor":"Gemeente","recordedAt":"2026-01-05T09:30:00Z","detail":"€ 1.000.000,00"}]},
            {"number":2,"plannedAmount":1000000.00,"status":"Goedgekeurd","steps":[
              {"to":"Aangevraagd","on":"2021-03-01","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z"},
              {"to":"VerantwoordingIngediend","on":"2021-03-15","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z"},
              {"to":"Goedgekeurd","on":"2021-11-20","actor":"Gemeente","recordedAt":"2026-01-05T09:30:00Z"}]},
            {"number":3,"plannedAmount":1000000.00,"status":"Afgekeurd","rejectionReason":"Facturen over maart ontbreken","steps":[
              {"to":"Aangevraagd","on":"2022-01-10","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z"},
              {"to":"VerantwoordingIngediend","on":"2022-01-20","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z"},
              {"to":"Afgekeurd","on":"2022-03-01","actor":"Gemeente","recordedAt":"2026-01-05T09:30:00Z"}]},
            {"number":4,"plannedAmount":1000000.00,"status":"VerantwoordingIngediend","steps":[
              {"to":"Aangevraagd","on":"2022-04-01","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z"},
              {"to":"VerantwoordingIngediend","on":"2022-04-02","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z"}]},
            {"number":5,"plannedAmount":1000000.00,"status":"Aangevraagd","steps":[
              {"to":"Aangevraagd","on":"2022-05-01","actor":"Bestuur","recordedAt":"2026-01-05T09:30:00Z"}]},
            {"number":6,"plannedAmount":700000.00,"plannedOn":"2027-01-01","status":"Gepland","steps":[]}],
          "createdAt":"2026-01-05T09:30:00Z","totalPaid":1000000.00,"outstanding":6700000.00},
         "totalPaid":1000000.00,"outstanding":6700000.00,
         "leadTimes":{"observations":1,"requestToApprovalDays":274,"approvalToPaymentDays":30,"requestToPaymentDays":304}}
        """;

    private const string Portfolio = """
        {"asOf":"2026-11-22","granted":9700000.00,"paid":1000000.00,"outstanding":8700000.00,"projects":[
          {"projectId":"wg-terrein","projectName":"Warmtenet WG-terrein","cooperativeId":"ketelhuiswg","phase":"Realisatie",
           "granted":7700000.00,"paid":1000000.00,"outstanding":6700000.00,"nextExpectedPayment":"2026-11-22","nextExpectedAmount":1000000.00,
           "alerts":[
             {"projectId":"wg-terrein","kind":"tranche-request-pending","severity":"High","since":"2022-04-01","message":"PAW, tranche 4: aangevraagd op 01-04-2022, na 1696 dagen nog niet goedgekeurd (norm 90 dagen)."},
             {"projectId":"wg-terrein","kind":"payment-pending","severity":"Medium","since":"2021-11-20","message":"PAW, tranche 2: goedgekeurd op 20-11-2021, na 1828 dagen nog niet uitbetaald."}],
           "worstSeverity":"High"},
          {"projectId":"zonnedak-sporthal","projectName":"Zonnedak sporthal","cooperativeId":"zonnedak-oost","phase":"Haalbaarheid",
           "granted":2000000.00,"paid":0,"outstanding":2000000.00,"nextExpectedPayment":null,"nextExpectedAmount":null,"alerts":[],"worstSeverity":null}]}
        """;

    [Fact]
    public async Task Grant_show_has_a_row_per_tranche_with_dutch_status_labels_dates_totals_and_lead_times()
    {
        var result = await Warmte(new FakeApi().Get(GrantPath, Grant), "grant", "show", "wg-terrein", "paw");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');
        string Row(int n) => Assert.Single(lines, l => l.TrimStart().StartsWith($"{n}  ", StringComparison.Ordinal));

        Assert.Contains("PAW (paw), project wg-terrein", result.Out);
        Assert.Contains("Rijk via gemeente Amsterdam", result.Out);
        Assert.Matches(@"1\s+€ 1\.000\.000,00\s+uitbetaald\s+01-02-2020\s+01-11-2020\s+01-12-2020\s+€ 1\.000\.000,00", Row(1));
        Assert.Matches(@"goedgekeurd\s+01-03-2021\s+20-11-2021\s+—", Row(2));
        Assert.Contains("afgekeurd", Row(3));
        Assert.Contains("verantwoording ingediend", Row(4));
        Assert.Contains("aangevraagd", Row(5));
        Assert.Matches(@"6\s+€ 700\.000,00\s+gepland", Row(6));
        Assert.Contains("Tranche 1: besteed € 250.000,00 in 01-01-2020 – 14-02-2020; documenten: DMS-2020-014.", result.Out);
        Assert.Contains("Tranche 3 afgekeurd op 01-03-2022: Facturen over maart ontbreken", result.Out);
        Assert.Matches(@"Betaald:\s+€ 1\.000\.000,00", result.Out);
        Assert.Matches(@"Openstaand:\s+€ 6\.700\.000,00", result.Out);
        Assert.Contains("mediaan over 1 uitbetaalde tranche", result.Out);
        Assert.Matches(@"Aanvraag → goedkeuring:\s+274 dagen", result.Out);
        Assert.Matches(@"Goedkeuring → betaling:\s+30 dagen", result.Out);
        Assert.Matches(@"Aanvraag → betaling:\s+304 dagen", result.Out);
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Grant_list_sums_the_grants_and_an_empty_list_says_so()
    {
        var list = await Warmte(new FakeApi().Get("/api/projects/wg-terrein/grants", $"[{Grant}]"), "grant", "list", "wg-terrein");
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = Assert.Single(list.Out.Split('\n'), l => l.TrimStart().StartsWith("paw", StringComparison.Ordinal));
        Assert.Matches(@"PAW\s+Rijk via gemeente Amsterdam\s+01-01-2020\s+€ 7\.700\.000,00\s+€ 1\.000\.000,00\s+€ 6\.700\.000,00\s+1 van 6 uitbetaald\s+304 dagen", row);
        Assert.Contains("1 subsidie: toegekend € 7.700.000,00, betaald € 1.000.000,00, openstaand € 6.700.000,00.", list.Out);

        var empty = await Warmte(new FakeApi().Get("/api/projects/p1/grants", "[]"), "grant", "list", "p1");
        Assert.Equal(0, empty.ExitCode);
        Assert.Contains("Project p1 heeft nog geen subsidies.", empty.Out);
    }

    [Fact]
    public async Task Portfolio_lists_the_most_urgent_project_first_with_totals_and_then_the_alerts_per_project()
    {
        var result = await Warmte(new FakeApi().Get("/api/portfolio", Portfolio), "portfolio");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');
        var first = Array.FindIndex(lines, l => l.TrimStart().StartsWith("wg-terrein  ", StringComparison.Ordinal));
        var second = Array.FindIndex(lines, l => l.TrimStart().StartsWith("zonnedak-sporthal  ", StringComparison.Ordinal));
        Assert.True(first >= 0 && second > first, result.Out);
        // Euro cents as everywhere else in the CLI (tester F18).
        Assert.Matches(@"Realisatie\s+€ 7\.700\.000,00\s+€ 1\.000\.000,00\s+€ 6\.700\.000,00\s+22-11-2026 \(€ 1\.000\.000,00\)\s+2 \(hoog\)", lines[first]);
        Assert.Matches(@"Haalbaarheid\s+€ 2\.000\.000,00\s+€ 0,00\s+€ 2\.000\.000,00\s+geen aangevraagd\s+geen", lines[second]);
        Assert.Contains("Totaal 2 projecten: toegekend € 9.700.000,00, betaald € 1.000.000,00, openstaand € 8.700.000,00.", result.Out);
        Assert.Contains("Signalen per project", result.Out);
        Assert.Contains("wg-terrein (Warmtenet WG-terrein)", result.Out);
        Assert.Matches(@"hoog\s+01-04-2022\s+beoordeling duurt lang\s+PAW, tranche 4", result.Out);
        Assert.Matches(@"middel\s+20-11-2021\s+betaling blijft uit", result.Out);
    }

    [Fact]
    public async Task Project_alerts_show_the_cash_alerts_with_a_Dutch_kind_never_the_raw_one()
    {
        var alerts = """
            [{"projectId":"wg-terrein","kind":"in-stall","severity":"High","since":"2026-12-01","message":"Het werk ligt nu stil."},
             {"projectId":"wg-terrein","kind":"runway-low","severity":"Medium","since":"2026-11-01","message":"Nog 2 maanden werk."},
             {"projectId":"wg-terrein","kind":"gate-evidence-changed","severity":"Medium","since":"2026-10-01","message":"De huurdersinstemming is niet meer gehaald."}]
            """;
        var result = await Warmte(new FakeApi().Get("/api/projects/wg-terrein/alerts", alerts), "project", "alerts", "wg-terrein");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"hoog\s+01-12-2026\s+werk ligt stil\s+Het werk ligt nu stil", result.Out);
        Assert.Matches(@"middel\s+01-11-2026\s+windstilte dreigt\s+Nog 2 maanden werk", result.Out);
        Assert.Matches(@"middel\s+01-10-2026\s+poortbewijs gewijzigd\s+De huurdersinstemming", result.Out);
        foreach (var raw in new[] { "in-stall", "runway-low", "gate-evidence-changed" }) Assert.DoesNotContain(raw, result.Out);
    }

    [Fact]
    public async Task Every_alert_kind_reaches_the_CLI_as_its_label()
    {
        var kinds = global::Warmte.Alerts.AlertKinds.Labels.Keys.ToList();
        var alerts = JsonSerializer.Serialize(kinds.Select(k => new { projectId = "p1", kind = k, severity = "Low", since = "2026-12-01", message = "x" }));
        var result = await Warmte(new FakeApi().Get("/api/projects/p1/alerts", alerts), "project", "alerts", "p1");
        Assert.True(result.ExitCode == 0, result.ToString());
        // Every kind has a hyphen; none of the Dutch labels has one, so a raw kind in the output is a missing label.
        foreach (var kind in kinds) Assert.DoesNotContain(kind, result.Out);
    }

    [Fact]
    public async Task Project_alerts_lists_severity_since_kind_and_message_or_says_there_are_none()
    {
        var alerts = """
            [{"projectId":"wg-terrein","kind":"milestone-slipping","severity":"Low","since":"2026-08-31","message":"Mijlpaal 'Oplevering' schuift 2 maand(en)."}]
            """;
        var result = await Warmte(new FakeApi().Get("/api/projects/wg-terrein/alerts", alerts), "project", "alerts", "wg-terrein");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Signalen voor project wg-terrein (1), ernstigste eerst", result.Out);
        Assert.Matches(@"laag\s+31-08-2026\s+mijlpaal schuift\s+Mijlpaal 'Oplevering' schuift", result.Out);

        var none = await Warmte(new FakeApi().Get("/api/projects/p1/alerts", "[]"), "project", "alerts", "p1");
        Assert.Contains("Geen signalen voor project p1.", none.Out);
    }

    [Fact]
    public async Task A_tranche_step_posts_the_body_with_a_fresh_idempotency_key_and_prints_the_key()
    {
        var api = new FakeApi().On("POST", GrantPath + "/tranches/4/accounting", 200, Grant);
        var result = await CliHarness.Run(CliHarness.Env(Url, "wt_test"), api, new LocalDate(2022, 4, 2),
            "tranche", "account", "wg-terrein", "paw", "4", "--amount", "1.234.567,89", "--from", "2021-12-01", "--to", "31-03-2022",
            "--doc", "DMS-1", "--doc", "Facturen maart 2022");
        Assert.True(result.ExitCode == 0, result.ToString());

        var seen = Assert.Single(api.Requests);
        Assert.Equal("Bearer wt_test", seen.Authorization);
        using var body = JsonDocument.Parse(seen.Body!);
        Assert.Equal("2022-04-02", body.RootElement.GetProperty("on").GetString());
        Assert.Equal(1_234_567.89m, body.RootElement.GetProperty("amount").GetDecimal());
        Assert.Equal("2021-12-01", body.RootElement.GetProperty("periodFrom").GetString());
        Assert.Equal("2022-03-31", body.RootElement.GetProperty("periodTo").GetString());
        Assert.Equal(new[] { "DMS-1", "Facturen maart 2022" }, body.RootElement.GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        Assert.True(Guid.TryParse(seen.IdempotencyKey, out _), seen.IdempotencyKey);

        Assert.Contains("Verantwoording vastgelegd voor tranche 4 van PAW (paw), project wg-terrein.", result.Out);
        Assert.Matches(@"Status tranche:\s+verantwoording ingediend op 02-04-2022, vastgelegd door Bestuur", result.Out);
        Assert.Contains($"Idempotentiesleutel: {seen.IdempotencyKey}", result.Out);
        // The retry line repeats the whole step, with the date spelled out and the same key.
        Assert.Contains("warmte tranche account wg-terrein paw 4 --amount 1.234.567,89 --from 2021-12-01 --to 31-03-2022 "
                        + $"--doc DMS-1 --doc 'Facturen maart 2022' --date 2022-04-02 --idempotency-key {seen.IdempotencyKey}", result.Out);

        // A second run gets a key of its own.
        await CliHarness.Run(CliHarness.Env(Url, "wt_test"), api, new LocalDate(2022, 4, 2),
            "tranche", "account", "wg-terrein", "paw", "4", "--amount", "1", "--from", "2021-12-01", "--to", "2022-03-31");
        Assert.NotEqual(api.Requests[0].IdempotencyKey, api.Requests[1].IdempotencyKey);
    }

    [Theory]
    [InlineData("request", "request", "", "Aanvraag vastgelegd")]
    [InlineData("approve", "approve", "", "Goedkeuring vastgelegd")]
    [InlineData("reject", "reject", "--reason|Facturen ontbreken", "Afkeuring vastgelegd")]
    [InlineData("pay", "pay", "--amount|1000000.00", "Uitbetaling vastgelegd")]
    public async Task Each_step_posts_to_its_own_path_with_the_given_key(string command, string action, string options, string done)
    {
        var api = new FakeApi().On("POST", $"{GrantPath}/tranches/2/{action}", 200, Grant);
        string[] extra = options.Length == 0 ? [] : options.Split('|');
        var result = await Warmte(api, ["tranche", command, "wg-terrein", "paw", "2", "--date", "2021-11-20", "--idempotency-key", "script-42", .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var seen = Assert.Single(api.Requests);
        Assert.Equal("script-42", seen.IdempotencyKey);
        using var body = JsonDocument.Parse(seen.Body!);
        Assert.Equal("2021-11-20", body.RootElement.GetProperty("on").GetString());
        if (command == "reject") Assert.Equal("Facturen ontbreken", body.RootElement.GetProperty("reason").GetString());
        if (command == "pay") Assert.Equal(1_000_000m, body.RootElement.GetProperty("amount").GetDecimal());
        if (command is "request" or "approve") Assert.Single(body.RootElement.EnumerateObject());
        Assert.Contains($"{done} voor tranche 2", result.Out);
        Assert.Contains("Idempotentiesleutel: script-42", result.Out);
    }

    [Fact]
    public async Task With_json_stdout_is_the_services_answer_and_the_key_goes_to_stderr()
    {
        var api = new FakeApi().On("POST", GrantPath + "/tranches/2/pay", 200, Grant);
        var result = await Warmte(api, "tranche", "pay", "wg-terrein", "paw", "2", "--amount", "1000000", "--json", "--idempotency-key", "k1");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(1_000_000m, json.RootElement.GetProperty("totalPaid").GetDecimal());
        Assert.Contains("Idempotentiesleutel: k1", result.Err);
    }

    [Fact]
    public async Task After_a_server_error_or_no_answer_the_cli_says_how_to_retry_with_the_same_key()
    {
        var api = new FakeApi().On("POST", GrantPath + "/tranches/2/pay", 503, "");
        var result = await CliHarness.Run(CliHarness.Env(Url, "wt_test"), api, new LocalDate(2021, 12, 20),
            "tranche", "pay", "wg-terrein", "paw", "2", "--amount", "1000000");
        Assert.Equal(2, result.ExitCode);
        var key = Assert.Single(api.Requests).IdempotencyKey!;
        Assert.Contains("Of de stap is vastgelegd, is niet zeker", result.Err);
        Assert.Contains($"warmte tranche pay wg-terrein paw 2 --amount 1000000 --date 2021-12-20 --idempotency-key {key}", result.Err);

        var unreachable = await CliHarness.Run(CliHarness.Env("http://127.0.0.1:9", "wt_test"), null,
            "tranche", "approve", "wg-terrein", "paw", "2", "--date", "2021-11-20", "--idempotency-key", "k-9");
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Contains("--date 2021-11-20 --idempotency-key k-9", unreachable.Err);
        CliHarness.AssertNoStackTrace(unreachable);
    }

    [Fact]
    public async Task A_refused_step_is_bad_input_with_a_hint_and_no_retry_note()
    {
        var api = new FakeApi()
            .Problem("POST", GrantPath + "/tranches/2/pay", 409, "Conflict", "Deze idempotency-sleutel is al gebruikt voor een ander verzoek.", "idempotency-key-reused")
            .Problem("POST", GrantPath + "/tranches/3/pay", 409, "Conflict", "Tranche 3 staat op afgekeurd.", "tranche-state")
            .Problem("POST", GrantPath + "/tranches/4/pay", 400, "Ongeldige invoer", "Controleer de velden.", "invalid", """{"amount":["heeft meer dan 2 decimalen."]}""");

        var reused = await Warmte(api, "tranche", "pay", "wg-terrein", "paw", "2", "--amount", "5", "--idempotency-key", "k1");
        Assert.Equal(1, reused.ExitCode);
        Assert.Contains("(HTTP 409)", reused.Err);
        Assert.Contains("Herhaal het oorspronkelijke verzoek precies, of laat --idempotency-key weg", reused.Err);
        Assert.DoesNotContain("niet zeker", reused.Err);

        var state = await Warmte(api, "tranche", "pay", "wg-terrein", "paw", "3", "--amount", "5");
        Assert.Equal(1, state.ExitCode);
        Assert.Contains("warmte grant show wg-terrein paw", state.Err);

        var field = await Warmte(api, "tranche", "pay", "wg-terrein", "paw", "4", "--amount", "5");
        Assert.Equal(1, field.ExitCode);
        Assert.Contains("  amount: heeft meer dan 2 decimalen.", field.Err);
        Assert.Contains("amount = --amount", field.Err);
    }

    [Theory]
    [InlineData("tranche|pay|p|g|2", "Optie --amount is verplicht")]
    [InlineData("tranche|pay|p|g|2|--amount|1.000", "dubbelzinnig")]
    [InlineData("tranche|pay|p|g|2|--amount|1,500", "dubbelzinnig")]
    [InlineData("tranche|pay|p|g|2|--amount|12,345.678", "meer dan twee decimalen")]
    [InlineData("tranche|pay|p|g|2|--amount|-5", "groter dan 0")]
    [InlineData("tranche|pay|p|g|2|--amount|1.000,00.00", "door elkaar")]
    [InlineData("tranche|pay|p|g|2|--amount|tien", "alleen cijfers")]
    [InlineData("tranche|pay|p|g|nul|--amount|5", "'nul' is geen tranchenummer")]
    [InlineData("tranche|pay|p|g|0|--amount|5", "'0' is geen tranchenummer")]
    [InlineData("tranche|reject|p|g|2", "Optie --reason is verplicht")]
    [InlineData("tranche|account|p|g|2|--amount|5|--from|2020-01-01", "Optie --to is verplicht")]
    [InlineData("tranche|account|p|g|2|--amount|5|--from|1-1-20|--to|2020-02-01", "geen geldige datum voor --from")]
    [InlineData("tranche|account|p|g|2|--amount|5|--from|2020-01-01|--to|2020-02-01|--doc| ", "--doc mag niet leeg zijn")]
    [InlineData("tranche|request|p|g|2|--date|morgen", "geen geldige datum voor --date")]
    [InlineData("tranche|request|p|g|2|--idempotency-key|met spatie", "--idempotency-key moet 1 tot 200 tekens")]
    [InlineData("tranche|request|p|g|2|--amount|5", "Optie --amount hoort niet bij 'warmte tranche request'")]
    [InlineData("tranche|request|p|g", "Geef het nummer van de tranche")]
    [InlineData("tranche|request|p|g|2|--date|2020-01-01|--date|2020-01-02", "meer dan eens")]
    [InlineData("grant|show|p", "Geef de id van de subsidie")]
    [InlineData("cashflow", "Geef de id van het project")]
    [InlineData("cashflow|models/ketelhuiswg-ontwikkeling.json", "warmte cashflow simulate models/ketelhuiswg-ontwikkeling.json")]
    [InlineData("cashflow|p|--regime|danish", "geen regime voor --regime")]
    [InlineData("cashflow|p|--today|2020-01", "Optie --today hoort niet bij 'warmte cashflow'")]
    public async Task Bad_input_is_refused_before_anything_is_sent(string commandLine, string message)
    {
        var api = new FakeApi();
        var result = await Warmte(api, commandLine.Split('|'));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.Empty(api.Requests);
        Assert.Equal("", result.Out);
        CliHarness.AssertNoStackTrace(result);
    }

    [Theory]
    [InlineData("1000000", 1_000_000)]
    [InlineData("1.000.000,00", 1_000_000)]
    [InlineData("1000000.00", 1_000_000)]
    [InlineData("1000000,5", 1_000_000.5)]
    [InlineData("€ 1.234.567,89", 1_234_567.89)]
    [InlineData("1,000,000.00", 1_000_000)]
    [InlineData("1.000.000", 1_000_000)]
    [InlineData("0.01", 0.01)]
    [InlineData(" 250000 ", 250_000)]
    public void Amounts_are_read_in_the_usual_ways(string text, double expected)
    {
        Assert.True(Amounts.TryParse(text, out var amount, out var problem), problem);
        Assert.Equal((decimal)expected, amount);
    }

    [Theory]
    [InlineData("1.000", "dubbelzinnig")]
    [InlineData("250,000", "dubbelzinnig")]
    [InlineData("0.001", "meer dan twee decimalen")]
    [InlineData("1.000,123", "meer dan twee decimalen")]
    [InlineData("1.00.000", "groepen")]
    [InlineData("1,000.000,00", "door elkaar")]
    [InlineData("0", "groter dan 0")]
    [InlineData("", "geef een bedrag")]
    [InlineData("1e6", "alleen cijfers")]
    [InlineData(",50", "tussen cijfers")]
    [InlineData("10.", "tussen cijfers")]
    public void Ambiguous_or_wrong_amounts_are_refused_with_a_reason(string text, string reason)
    {
        Assert.False(Amounts.TryParse(text, out _, out var problem));
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void An_ambiguous_amount_names_both_readings()
    {
        Assert.False(Amounts.TryParse("1.000", out _, out var problem));
        Assert.Contains("€ 1.000,00 of € 1,00", problem);
    }

    [Fact]
    public void A_repeatable_option_keeps_every_value_in_order()
    {
        var call = Assert.IsType<Invocation>(CommandLine.Parse(
            ["tranche", "account", "p", "g", "1", "--doc", "a", "--amount", "5", "--doc=b", "--from", "2020-01-01", "--to", "2020-01-02"]));
        Assert.Equal(new[] { "a", "b" }, call.All(GrantCommands.Doc));
        Assert.Equal(GrantCommands.TrancheAccount, call.Command);
    }

    [Theory]
    [InlineData(new[] { "grant", "list", "p" }, "grant list")]
    [InlineData(new[] { "grant", "show", "p", "g" }, "grant show")]
    [InlineData(new[] { "tranche", "request", "p", "g", "1" }, "tranche request")]
    [InlineData(new[] { "tranche", "approve", "p", "g", "1" }, "tranche approve")]
    [InlineData(new[] { "portfolio" }, "portfolio")]
    [InlineData(new[] { "project", "alerts", "p" }, "project alerts")]
    [InlineData(new[] { "cashflow", "p" }, "cashflow")]
    [InlineData(new[] { "cashflow", "simulate", "plan.json" }, "cashflow simulate")]
    [InlineData(new[] { "regimes", "p" }, "regimes")]
    public void The_new_commands_are_recognised_and_cashflow_project_and_cashflow_simulate_coexist(string[] args, string name) =>
        Assert.Equal(name, Assert.IsType<Invocation>(CommandLine.Parse(args)).Command.Name);

    [Theory]
    [InlineData("grant list")]
    [InlineData("grant show")]
    [InlineData("tranche request")]
    [InlineData("tranche account")]
    [InlineData("tranche approve")]
    [InlineData("tranche reject")]
    [InlineData("tranche pay")]
    [InlineData("portfolio")]
    [InlineData("project alerts")]
    [InlineData("cashflow")]
    [InlineData("regimes")]
    public async Task Every_new_command_has_dutch_help_with_an_example(string name)
    {
        var result = await CliHarness.Run(null, null, [.. name.Split(' '), "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Gebruik:", result.Out);
        Assert.Contains("Voorbeeld", result.Out);
        Assert.Contains($"  warmte {name}", result.Out);
        Assert.Contains("--url <adres>", result.Out);
    }

    [Fact]
    public async Task Tranche_help_explains_the_amounts_the_default_date_and_the_idempotency_key()
    {
        var result = await CliHarness.Run(null, null, "tranche", "pay", "--help");
        Assert.Contains("--amount <bedrag>", result.Out);
        Assert.Contains("1.000.000,00", result.Out);
        Assert.Contains("standaard vandaag", result.Out);
        Assert.Contains("--idempotency-key <sleutel>", result.Out);
        Assert.Contains("hoogstens één keer", result.Out);

        var account = await CliHarness.Run(null, null, "tranche", "account", "--help");
        Assert.Contains("mag vaker", account.Out);
    }

    [Fact]
    public async Task Cashflow_help_points_to_cashflow_simulate_and_regimes_and_the_group_help_lists_both()
    {
        var result = await CliHarness.Run(null, null, "cashflow", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warmte cashflow <project> [opties]", result.Out);
        Assert.Contains("warmte cashflow simulate <plan> [opties]", result.Out);
        Assert.Contains("warmte regimes <project>", result.Out);

        var general = await CliHarness.Run(null, null, "--help");
        Assert.Contains("cashflow <project>", general.Out);
        Assert.Contains("cashflow simulate <plan>", general.Out);
        Assert.Contains("--idempotency-key", general.Out);
    }

    private static readonly string PlanJson = RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json");

    private static CashFlowPlan Plan => PlanReader.Read(PlanJson).Value!;

    [Fact]
    public async Task Online_cashflow_reads_the_services_result_and_shows_the_timeline_with_the_saved_plan()
    {
        var result = CashFlowSimulator.Simulate(Plan, Regime.Tranches, new YearMonth(2021, 6));
        var api = new FakeApi()
            .Get("/api/projects/wg-terrein/cashflow", JsonSerializer.Serialize(result, WarmteJson.Default))
            .Get("/api/projects/wg-terrein/cashflow-plan",
                $$"""{"name":"{{Plan.Name}}","savedBy":"Bestuur","savedAt":"2026-01-05T09:30:00Z","plan":{{PlanJson}}}""");
        var output = await Warmte(api, "cashflow", "wg-terrein");
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Equal("regime=Tranches", api.Requests[0].Uri.Query.TrimStart('?'));
        Assert.Contains($"Kasstroom per maand: {Plan.Name}", output.Out);
        Assert.Contains("Regime: Tranches na verantwoording", output.Out);
        Assert.Contains("wg-terrein; kasstroomplan bij de dienst, vastgelegd door Bestuur op 05-01-2026 10:30", output.Out);
        Assert.Contains(CashFlowViews.StallMark, output.Out);
        Assert.Contains("Windstiltes", output.Out);
        Assert.Contains("Vooruitblik per 06-2021", output.Out);
        Assert.Contains("Aannames", output.Out);
    }

    [Fact]
    public async Task Online_cashflow_without_the_saved_plan_still_shows_the_timeline()
    {
        var result = CashFlowSimulator.Simulate(Plan, Regime.Bridge, new YearMonth(2021, 6));
        var api = new FakeApi().Get("/api/projects/wg-terrein/cashflow", JsonSerializer.Serialize(result, WarmteJson.Default));
        var output = await Warmte(api, "cashflow", "wg-terrein", "--regime", "bridge");
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Equal("regime=Bridge", api.Requests[0].Uri.Query.TrimStart('?'));
        Assert.Contains("Regime: Tranches + overbruggingslening", output.Out);
        Assert.Contains("wg-terrein (kasstroomplan bij de dienst)", output.Out);
        Assert.Contains("Doorlooptijd financier", output.Out);
        Assert.Contains("Rente overbruggingslening", output.Out);
        Assert.DoesNotContain("Aannames", output.Out);
    }

    [Fact]
    public async Task Online_regimes_compares_the_regimes_and_json_is_the_services_answer()
    {
        var comparison = CashFlowSimulator.Compare(Plan, new YearMonth(2021, 6));
        var json = JsonSerializer.Serialize(comparison, WarmteJson.Default);
        var api = new FakeApi().Get("/api/projects/wg-terrein/regimes", json);
        var output = await Warmte(api, "regimes", "wg-terrein");
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Contains("Regimes naast elkaar", output.Out);
        Assert.Contains("Voorfinanciering per fase (mijlpalen)", output.Out);
        Assert.Contains("Windstiltes bij tranches na verantwoording", output.Out);

        var raw = await Warmte(api, "regimes", "wg-terrein", "--json");
        Assert.Equal(0, raw.ExitCode);
        using var parsed = JsonDocument.Parse(raw.Out);
        Assert.Equal(comparison.Results.Length, parsed.RootElement.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task An_answer_the_cli_cannot_read_as_a_cash_flow_is_a_service_problem_and_a_missing_plan_gets_a_hint()
    {
        var odd = await Warmte(new FakeApi().Get("/api/projects/p1/cashflow", """{"iets":"anders"}"""), "cashflow", "p1");
        Assert.Equal(2, odd.ExitCode);
        Assert.Contains("Met --json ziet u het antwoord zoals het is", odd.Err);
        CliHarness.AssertNoStackTrace(odd);

        var missing = await Warmte(new FakeApi().Problem("GET", "/api/projects/p1/regimes", 404, "Niet gevonden",
            "Kasstroomplan van project 'p1' bestaat niet.", "not-found"), "regimes", "p1");
        Assert.Equal(1, missing.ExitCode);
        // The CLI's own command, not the API path (tester A14).
        Assert.Contains("warmte cashflow save p1 <plan>", missing.Err);
        Assert.DoesNotContain("/api/", missing.Err);
        Assert.Contains("warmte cashflow simulate <plan>", missing.Err);
    }
}
