using System.Net;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester finding A11: every view writes months as 12-2026, so <c>--month</c> takes what the tool itself prints
/// (and what the budget import reads); the cash timeline's outlook is dated at the service's today and names the basis used.
/// </summary>
public sealed class MonthOptionCliTests
{
    /// <summary>06-12-2026 on the service, as in the tester's report.</summary>
    private static readonly Instant ServiceNow = Instant.FromUtc(2026, 12, 6, 11, 0);

    private static readonly LocalDate CliToday = new(2026, 12, 6);

    private static Task<CliResult> Run(WarmteServer server, string token, params string[] args) =>
        CliHarness.Run(CliHarness.Env(server.BaseUrl, token), null, CliToday, args);

    private static async Task<(WarmteServer Server, string Project, string Board)> Project()
    {
        var server = await WarmteServer.StartAsync(clock: new FakeClock(ServiceNow));
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        return (server, project, board);
    }

    /// <summary>Tester T10d: the list of one month names that month, and an empty month says why it is empty.</summary>
    [Fact]
    public async Task The_list_of_one_month_names_the_month_and_a_future_month_says_it_is_in_the_future()
    {
        var (server, project, board) = await Project();
        await using var _ = server;
        Assert.Equal(0, (await Run(server, board, "spending", "book", project, "--month", "11-2026", "--kind", "ontwerp", "--amount", "1000")).ExitCode);

        var november = await Run(server, board, "spending", "list", project, "--month", "nov 2026");
        Assert.True(november.ExitCode == 0, november.ToString());
        Assert.Contains($"Geboekte uitgaven van {project} in 11-2026", november.Out);
        Assert.Contains(november.Out.Split('\n'), l => l.TrimStart().StartsWith("b-", StringComparison.Ordinal) && l.Contains(" ontwerp "));

        var future = await Run(server, board, "spending", "list", project, "--month", "2030-01");
        Assert.True(future.ExitCode == 0, future.ToString());
        Assert.Contains($"Geboekte uitgaven van {project} in 01-2030", future.Out);
        Assert.Contains("01-2030 ligt in de toekomst", future.Out);

        var empty = await Run(server, board, "spending", "list", project, "--month", "10-2026");
        Assert.Contains("In 10-2026 zijn geen uitgaven geboekt.", empty.Out);
        Assert.DoesNotContain("toekomst", empty.Out);

        // --json is the API's answer: the kind keeps its stable English value (docs/api.md).
        var json = await Run(server, board, "spending", "list", project, "--month", "11-2026", "--json");
        Assert.Contains("\"Design\"", json.Out);
    }

    [Fact]
    public async Task The_month_option_takes_the_months_the_tool_prints_and_the_budget_import_reads()
    {
        var (server, project, board) = await Project();
        await using var _ = server;

        // What the tool printed after a booking, and the other forms the budget import reads.
        (string Typed, string Printed)[] forms =
        [
            ("12-2026", "12-2026"), ("2026-11", "11-2026"), ("okt 2026", "10-2026"), ("september 2026", "09-2026"), ("3-2026", "03-2026"),
        ];
        foreach (var (typed, printed) in forms)
        {
            var booked = await Run(server, board, "spending", "book", project, "--month", typed, "--kind", "ontwerp", "--amount", "1000");
            Assert.True(booked.ExitCode == 0, $"--month {typed}: {booked}");
            Assert.Contains($"ontwerp in {printed}.", booked.Out);
        }
        var months = (await server.Client().Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray()
            .Select(b => b.GetProperty("month").GetString()).ToList();
        Assert.Equal(["2026-12", "2026-11", "2026-10", "2026-09", "2026-03"], months);

        // The list of one month takes the same forms, and shows that month's bookings only.
        foreach (var typed in new[] { "11-2026", "2026-11", "nov 2026" })
        {
            var month = await Run(server, board, "spending", "list", project, "--month", typed);
            Assert.True(month.ExitCode == 0, $"spending list --month {typed}: {month}");
            var rows = month.Out.Split('\n').Where(l => l.TrimStart().StartsWith("b-", StringComparison.Ordinal)).ToList();
            Assert.Single(rows);
            Assert.Contains("11-2026", rows[0]);
        }
        Assert.Equal(5, (await Run(server, board, "spending", "list", project)).Out.Split('\n').Count(l => l.TrimStart().StartsWith("b-", StringComparison.Ordinal)));

        var list = await Run(server, board, "progress", "report", project, "--month", "13-2026", "--work-months-done", "1");
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("'13-2026' is geen maand voor --month", list.Err);
        Assert.Contains("12-2026, 2026-12 of dec 2026", list.Err);

        var words = await Run(server, board, "spending", "book", project, "--month", "januari", "--kind", "ontwerp", "--amount", "10");
        Assert.Equal(1, words.ExitCode);
        Assert.Contains("geen maand voor --month; schrijf bijv. 12-2026, 2026-12 of dec 2026.", words.Err);
        Assert.Equal(5, (await server.Client().Get($"api/projects/{project}/spending")).Body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_cash_timeline_dates_its_outlook_at_the_services_today_and_names_the_actual_basis()
    {
        var (server, project, board) = await Project();
        await using var _ = server;
        var saved = await Run(server, board, "cashflow", "save", project, RepoFiles.Path("models", "ketelhuiswg-ontwikkeling.json"));
        Assert.True(saved.ExitCode == 0, saved.ToString());
        var booked = await Run(server, board, "spending", "book", project, "--month", "12-2026", "--kind", "ontwerp", "--amount", "85.000,00");
        Assert.True(booked.ExitCode == 0, booked.ToString());

        var timeline = await Run(server, board, "cash-timeline", project);
        Assert.True(timeline.ExitCode == 0, timeline.ToString());
        var heading = timeline.Out.Split('\n').Single(l => l.StartsWith("Vooruitblik per ", StringComparison.Ordinal));
        Assert.StartsWith("Vooruitblik per 12-2026 (tranches na verantwoording, vanaf de werkelijke stand", heading);
        Assert.DoesNotContain("simulatie van het plan", heading);
    }

    [Fact]
    public async Task The_budget_dry_run_echoes_its_months_as_every_other_view_writes_them()
    {
        var file = Path.Combine(Path.GetTempPath(), $"begroting-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "Maand;Categorie;Begroot;Werkelijk\r\n2026-01;ontwerp;75000;70000\r\nfebruari 2026;adviseurs;1000;\r\n");
        try
        {
            var dry = await CliHarness.Run(CliHarness.Env("http://127.0.0.1:7199", "not-used"), null, CliToday,
                "import", "budget", "proj", file, "--dry-run");
            Assert.True(dry.ExitCode == 0, dry.ToString());
            Assert.True(dry.Out.Contains("rij 2: 01-2026 Ontwerp"), dry.ToString());
            Assert.Contains("rij 3: 02-2026 Adviseurs", dry.Out);
            Assert.DoesNotContain("2026-0", dry.Out);
        }
        finally { File.Delete(file); }
    }
}
