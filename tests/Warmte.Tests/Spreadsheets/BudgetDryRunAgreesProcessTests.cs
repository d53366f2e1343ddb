using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester findings T4 and T9 with the built <c>warmte</c> as a separate process, on CSVs as Excel saves them (UTF-8
/// with BOM, ';', CRLF, decimal comma), against a service dated 06-12-2026 and the KetelhuisWG development plan
/// (start 01-2019, 54 work months; with nothing recorded the budget frame is the plan's simulation from its start, whose
/// stalls between the tranches put the last work month in 2029 — read from <c>GET …/cashflow</c>'s month table, not
/// 06-2023 as without stalls (budgetframe); its work plan costs € 5.817.000, worked out by hand
/// from models/ketelhuiswg-ontwikkeling.json: 12.000×54 + 6.000×54 + 75.000×15 + 20.000×39 + 25.000×12 + 45.000×12
/// + 60.000×12 + 20.000×12 + 25.000×9 + 35.000×9 + 10.000×9 + 30.000×6 + 40.000×6 + 15.000×6).
/// T4: the dry run called a row good whose Maand (11-2026, after the programme) the real run refused; and with
/// --skip-invalid the summary said such a row's Begroot was kept. T9: a 2-row sheet replaced the whole plan unannounced.
/// </summary>
public sealed class BudgetDryRunAgreesProcessTests : IAsyncLifetime
{
    private WarmteServer server = null!;
    private HttpClient admin = null!;
    private string project = null!;
    private string dir = null!;
    private Dictionary<string, string> environment = null!;

    public async Task InitializeAsync()
    {
        server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 6, 12, 0)));
        admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan",
            new { plan = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) })).Status);
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        dir = Path.Combine(Path.GetTempPath(), "budget-t4-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        environment = new Dictionary<string, string> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = board, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config" };
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(dir, recursive: true);
        await server.DisposeAsync();
    }

    private string Sheet(string name, params string[] rows)
    {
        File.WriteAllText(Path.Combine(dir, name), string.Join("\r\n", ["Maand;Categorie;Begroot;Werkelijk", .. rows]) + "\r\n", new UTF8Encoding(true));
        return name;
    }

    private Task<CliProcessResult> Warmte(params string[] args) => CliProcess.RunInAsync(dir, environment, args);

    private async Task<string> PlanJson() => (await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("plan").GetProperty("workPlan").GetRawText();

    /// <summary>The problem lines ("Blad …, rij …, kolom …: …") a run printed.</summary>
    private static List<string> Problems(CliProcessResult run) =>
        [.. run.Err.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("Blad '", StringComparison.Ordinal) && l.Contains(", rij ")).Order()];

    /// <summary>The month the plan's simulation from its start (the month table of <c>GET …/cashflow</c>) does work month 54 in.</summary>
    private async Task<string> LastWorkMonth() =>
        (await admin.Get($"api/projects/{project}/cashflow")).Body.GetProperty("months").EnumerateArray()
            .Single(m => m.GetProperty("status").GetString() == "Working" && m.GetProperty("workMonth").GetInt32() == 54).GetProperty("month").GetString() is { } iso
            ? $"{iso[5..]}-{iso[..4]}" : "";

    private static string AfterTheProgramme(string month) => $"rij 3, kolom A (Maand): {month} ligt na het einde van het werkprogramma (54 werkmaanden, t/m ";

    [Fact]
    public async Task The_dry_run_refuses_a_month_after_the_programme_as_the_real_run_does()
    {
        var file = Sheet("b3.csv", "01-2019;ontwerp;75.000,00;", "01-2035;adviseurs;20.000,00;");
        var before = await PlanJson();
        var last = await LastWorkMonth();
        // The model's tranches and lead times, stalls included: years after 06-2023, where it ended without them.
        Assert.True(int.Parse(last[3..]) > 2023, last);

        var dry = await Warmte("import", "budget", project, file, "--dry-run");
        Assert.True(dry.ExitCode == 1, dry.ToString()); // before: "2 goede rijen, 0 foute rijen", exit 0
        Assert.Contains("1 goede rij, 1 foute rij.", dry.Out);
        Assert.Contains(AfterTheProgramme("01-2035") + $"{last} volgens de kaslijn, met de windstiltes die er waren en die verwacht worden)", dry.Err);

        var real = await Warmte("import", "budget", project, file);
        Assert.True(real.ExitCode == 1, real.ToString());
        Assert.Contains("1 goede rij, 1 foute rij.", real.Out);
        Assert.Equal(Problems(dry), Problems(real));
        Assert.Contains("Er is niets verstuurd", real.Err);
        Assert.Equal(before, await PlanJson());

        // Good rows only: the dry run and the real run say beforehand that the plan of € 5.817.000 goes, with both totals (T9).
        var Replaced = $"Het bestaande werkplan (€ 5.817.000,00, 01-2019 t/m {last}) wordt vervangen door dit bestand (€ 75.000,00, 01-2019 t/m 01-2019)";
        var drySkip = await Warmte("import", "budget", project, file, "--dry-run", "--skip-invalid");
        Assert.Contains(Replaced, drySkip.Out);
        Assert.Equal(before, await PlanJson());
        var skip = await Warmte("import", "budget", project, file, "--skip-invalid");
        Assert.True(skip.ExitCode == 1, skip.ToString());
        Assert.Contains(Replaced, skip.Out);
        Assert.Equal(Problems(drySkip), Problems(skip));
        Assert.Contains("Begroting: werkplan vervangen door 1 werkpakket uit 1 rij.", skip.Out);
        Assert.Contains($"Het vorige werkplan (€ 5.817.000,00, 01-2019 t/m {last}) is vervangen door dit bestand (€ 75.000,00, 01-2019 t/m 01-2019).", skip.Out);
        var plan = JsonNode.Parse(await PlanJson())!.AsArray();
        Assert.Equal(("design", 75_000m, 1, 1), (plan.Single()!["kind"]!.GetValue<string>(), plan.Single()!["monthlyCost"]!.GetValue<decimal>(),
            plan.Single()!["fromMonth"]!.GetValue<int>(), plan.Single()!["toMonth"]!.GetValue<int>()));

        // The same file again: the plan is this file already, nothing is announced as replaced.
        var again = await Warmte("import", "budget", project, file, "--dry-run", "--skip-invalid");
        Assert.DoesNotContain("wordt vervangen", again.Out);
    }

    [Fact]
    public async Task A_row_whose_month_is_refused_keeps_nothing_and_the_summary_says_so()
    {
        // 11-2026 adviseurs: € 95.000 booked one by one; the sheet's 01-2035 row's Werkelijk 50.000 is refused (a future month),
        // and its Maand is after the programme.
        var booked = await admin.Post($"api/projects/{project}/spending", new { month = "2026-11", kind = "Advisers", amount = 95_000m });
        Assert.True(booked.Status == HttpStatusCode.Created, booked.Raw);
        var file = Sheet("b4.csv", "01-2019;ontwerp;75.000,00;", "01-2035;adviseurs;20.000,00;50.000,00");

        var dry = await Warmte("import", "budget", project, file, "--dry-run", "--skip-invalid");
        var real = await Warmte("import", "budget", project, file, "--skip-invalid", "--json");
        foreach (var run in new[] { dry, real })
        {
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains(AfterTheProgramme("01-2035"), run.Err);
            Assert.Contains("rij 3, kolom D (Werkelijk)", run.Err);
            Assert.DoesNotContain("Van rij 3 is alleen de Werkelijk fout", run.Out + run.Err);
        }
        Assert.Equal(Problems(dry), Problems(real));
        using var summary = JsonDocument.Parse(real.Out);
        Assert.Empty(summary.RootElement.GetProperty("planOnlyRows").EnumerateArray());
        Assert.Equal("werkplan vervangen door 1 werkpakket uit 1 rij", summary.RootElement.GetProperty("plan").GetString());
        var spending = (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([95_000m], spending.Select(b => b.GetProperty("amount").GetDecimal())); // the refused row's Werkelijk is not booked
    }

    public static TheoryData<string[]> Sheets => new()
    {
        new[] { "01-2019;ontwerp;75.000,00;", "06-2023;organisatie;12.000,00;" },           // both inside (worked or standing still): good
        new[] { "12-2018;ontwerp;75.000,00;", "01-2031;organisatie;12.000,00;" },           // before the start and after the end
        new[] { "06-2023;ontwerp;75.000,00;", "03-2027;organisatie;12.000,00;" },           // inside, in the past and forecast: good
        new[] { "03-2019;adviseurs;;10.000,00", "13-2019;ontwerp;1,255;", "01-2031;communicatie;5.000,00;" }, // actuals only, bad cells, after the end
        new[] { "02-2019;ontwerp;75.000,00;", "02-2019;ontwerp;75.000,00;", "01-2030;contracten;1.000,00;" }, // a duplicate, far after the end
    };

    [Theory]
    [MemberData(nameof(Sheets))]
    public async Task The_dry_run_gives_the_verdict_the_real_run_gives(string[] rows)
    {
        var file = Sheet("sheet.csv", rows);
        var dry = await Warmte("import", "budget", project, file, "--dry-run");
        var real = await Warmte("import", "budget", project, file);
        Assert.True(dry.ExitCode == real.ExitCode, $"dry run:\n{dry}\nreal run:\n{real}");
        Assert.Equal(Problems(dry), Problems(real));
        var counts = dry.Out.Split('\n').First(l => l.Contains("goede rij"));
        Assert.Contains(counts.TrimEnd('\r'), real.Out);
    }
}
