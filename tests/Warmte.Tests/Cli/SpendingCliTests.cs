using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>The board books spending with the CLI; the actual cash position shows it, and a retried booking counts once.</summary>
public sealed class SpendingCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(WarmteServer server, string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = token };
        var code = await WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Booked_spending_appears_in_the_cash_position_once_per_idempotency_key()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");

        for (var i = 0; i < 2; i++)
        {
            var booked = await Run(server, board, "spending", "book", project, "--month", "2026-01", "--kind", "Design",
                "--amount", "85.000,25", "--note", "Ontwerpbureau", "--idempotency-key", "jan-ontwerp");
            Assert.Equal(0, booked.Code);
            Assert.Contains("€ 85.000,25", booked.Out);
            // Tester finding F6: the kind in Dutch, the month as the cash-flow views print it.
            Assert.Contains("€ 85.000,25 ontwerp in 01-2026.", booked.Out);
        }
        var list = await Run(server, board, "spending", "list", project);
        Assert.Contains("Totaal: € 85.000,25", list.Out);
        Assert.Contains("01-2026", list.Out);
        Assert.Contains("ontwerp", list.Out);
        Assert.DoesNotContain("Design", list.Out);

        var position = await Run(server, board, "cash-position", project);
        Assert.Equal(0, position.Code);
        Assert.Contains("geboekte uitgaven € 85.000,25", position.Out);
        // Months as every other cash view prints them (F6): 01-2026, never the API's 2026-01.
        Assert.Matches(@"Werkelijke kaspositie van \S+ t/m \d\d-\d{4}\r?\n", position.Out);
        Assert.Matches(@"(?m)^\s+01-2026\s", position.Out);
        Assert.DoesNotMatch(@"\b\d{4}-\d\d\b", position.Out);

        var future = await Run(server, board, "spending", "book", project, "--month", "2099-01", "--kind", "Design", "--amount", "10");
        Assert.Equal(1, future.Code);
        Assert.Contains("month", future.Err);
        var badMonth = await Run(server, board, "spending", "book", project, "--month", "januari", "--kind", "Design", "--amount", "10");
        Assert.Equal(1, badMonth.Code);
    }

    [Fact]
    public async Task The_board_saves_a_cash_flow_plan_from_a_file_and_a_broken_file_is_explained_without_sending()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");

        var saved = await Run(server, board, "cashflow", "save", project, RepoFiles.Path("models", "ketelhuiswg-ontwikkeling.json"));
        Assert.Equal(0, saved.Code);
        Assert.Contains("vastgelegd", saved.Out);
        var regimes = await Run(server, board, "regimes", project);
        Assert.Equal(0, regimes.Code);

        var broken = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(broken, "{ \"formatVersion\": 1, // comment\n \"openingBalance\": -1 }");
        var refused = await Run(server, board, "cashflow", "save", project, broken);
        Assert.Equal(1, refused.Code);
        Assert.Contains("openingBalance", refused.Err);
    }

    [Fact]
    public async Task The_board_reports_progress_and_the_cash_timeline_joins_the_actual_months_to_the_projection()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        Assert.Equal(0, (await Run(server, board, "cashflow", "save", project, RepoFiles.Path("models", "ketelhuiswg-ontwikkeling.json"))).Code);
        var start = System.Text.Json.JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })
            .RootElement.GetProperty("startMonth").GetString()!;
        Assert.Equal(0, (await Run(server, board, "spending", "book", project, "--month", start, "--kind", "Design", "--amount", "50000")).Code);

        var reported = await Run(server, board, "progress", "report", project, "--month", start, "--work-months-done", "1");
        Assert.Equal(0, reported.Code);
        Assert.Contains("1 werkmaand gedaan", reported.Out);
        var tooMuch = await Run(server, board, "progress", "report", project, "--month", start, "--work-months-done", "9999");
        Assert.Equal(1, tooMuch.Code);
        Assert.Contains("workMonthsDone", tooMuch.Err);
        Assert.Contains("1", (await Run(server, board, "progress", "list", project)).Out);

        var timeline = await Run(server, board, "cash-timeline", project);
        Assert.Equal(0, timeline.Code);
        Assert.Contains("werkelijk", timeline.Out);
        Assert.Contains("verwacht", timeline.Out);
        Assert.Contains($"gemeld per eind", timeline.Out);
        Assert.Contains("uitgegeven", timeline.Out, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(0, (await Run(server, board, "cash-timeline", project, "--regime", "milestones")).Code);

        // --from and --months show a window of the rows: the first row shown is --from, no more than --months rows.
        var first = NodaTime.Text.YearMonthPattern.Iso.Parse(start).Value;
        var from = first.PlusMonths(1);
        var window = await Run(server, board, "cash-timeline", project, "--from", NodaTime.Text.YearMonthPattern.Iso.Format(from), "--months", "3");
        Assert.Equal(0, window.Code);
        string Row(NodaTime.YearMonth m) => $"  {m.Month:00}-{m.Year} ";
        Assert.DoesNotContain(Row(first), window.Out);
        Assert.Contains(Row(from), window.Out);
        Assert.Contains(Row(from.PlusMonths(2)), window.Out);
        Assert.DoesNotContain(Row(from.PlusMonths(3)), window.Out);
        Assert.Contains("3 maanden getoond van", window.Out);
        Assert.Contains(Row(first), timeline.Out);
        Assert.Contains(Row(from.PlusMonths(3)), timeline.Out);
        var badFrom = await Run(server, board, "cash-timeline", project, "--from", "juni");
        Assert.Equal(1, badFrom.Code);
        Assert.Contains("--from", badFrom.Err);
        var badMonths = await Run(server, board, "cash-timeline", project, "--months", "0");
        Assert.Equal(1, badMonths.Code);
        Assert.Contains("--months", badMonths.Err);
    }
}
