using System.Data.Common;
using System.Net;
using System.Text.Json;
using ClosedXML.Excel;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Warmte.Alerts;
using Warmte.Client;
using Warmte.Spreadsheets.Export;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// The financier's portfolio says when a project's cash goes below zero, with the project's own figures (the outlook of its
/// cash-timeline), in the API, the CLI and the workbook; and a summary row stored without those figures (a database of the
/// release before, or a row an older build wrote after the upgrade) is never answered as "no shortage" — on SQLite and
/// PostgreSQL.
/// </summary>
public sealed class PortfolioCashShortTests
{
    /// <summary>
    /// Small enough to follow by hand: start 01-2026, nothing in the bank, buffer 0; 6 work months of € 1.000 organisation
    /// (runs on in a stall) + € 9.000 design; grant € 60.000 in 2 × € 30.000, the next after accounting; 5 + 1 months lead
    /// time. 01–03: tranche 1 (€ 30.000) pays three work months of € 10.000, the cash closes at 0 in 03; the request for
    /// tranche 2 goes out then and is paid in 09 (5 + 1 months). 04–08: stall, € 1.000 organisation a month with nothing
    /// coming in: −1.000 in 04 … −5.000 in 08. So the cash is short from 04-2026, deepest € 5.000 in 08-2026.
    /// </summary>
    private const string Plan = """
        {"formatVersion":1,"name":"Klein","startMonth":"2026-01","openingBalance":0,"cashBuffer":0,"restartCost":0,
        "phases":[{"name":"Ontwerp","months":6,"budget":60000}],
        "workPlan":[{"name":"Organisatie","kind":"organisation","monthlyCost":1000,"runsDuringStall":true},{"name":"Ontwerp","kind":"design","monthlyCost":9000}],
        "grant":{"name":"S","funder":"F","amount":60000,"trancheSize":30000,"waitsForAccounting":true},
        "leadTimes":{"requestToApprovedMonths":5,"approvedToPaidMonths":1}}
        """;

    // Written out from the plan above, not read from the service.
    private const string ShortFrom = "2026-04", DeepestMonth = "2026-08";
    private const decimal Shortfall = 5_000m;

    private static FakeClock Clock() => new(Instant.FromUtc(2026, 2, 10, 9, 0));

    /// <summary>Cooperative, a project that runs short (the plan above) and one that does not (no plan), both funded by "gemeente".</summary>
    private static async Task<string> SeedAsync(WarmteServer server)
    {
        var admin = server.Client();
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = "koepel", name = "Koepel" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = "coop-k", statutoryName = "Coöperatie Kas U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18",
            umbrellas = new[] { "koepel" },
        })).Status);
        foreach (var project in new[] { "krap", "ruim" })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives/coop-k/projects", new
            {
                id = project, name = $"Warmtenet {project}", woningequivalenten = 100, plannedConnections = 80, startedOn = "2026-01-05",
            })).Status);
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
            {
                id = "ontw", funder = "Gemeente Amsterdam", scheme = "Ontwikkelsubsidie", funderId = "gemeente", amountGranted = 60_000m,
                decidedOn = "2025-12-01", tranches = new[] { new { amount = 30_000m }, new { amount = 30_000m } },
            })).Status);
        }
        var plan = JsonDocument.Parse(Plan).RootElement;
        var saved = await admin.Put("api/projects/krap/cashflow-plan", new { plan });
        Assert.True(saved.Status == HttpStatusCode.OK, saved.Raw);
        return (await admin.Post("api/tokens", new { name = "gemeente", role = "financier:gemeente" })).Text("token");
    }

    private static JsonElement Row(JsonElement portfolio, string project) =>
        portfolio.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("projectId").GetString() == project);

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_portfolio_says_when_the_cash_goes_below_zero_the_month_of_the_projects_own_cash_timeline(bool postgres)
    {
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        await using var server = await WarmteServer.StartAsync(WarmteServer.NewDataDir(), connectionString, Clock());
        var token = await SeedAsync(server);
        var admin = server.Client();

        // The project's own answers: the cash timeline's outlook and the cash-flow outlook.
        var timeline = (await admin.Get("api/projects/krap/cash-timeline")).Body.GetProperty("outlook");
        var cashflow = (await admin.Get("api/projects/krap/cashflow")).Body.GetProperty("outlook");
        foreach (var outlook in new[] { timeline, cashflow })
        {
            Assert.Equal(ShortFrom, Str(outlook, "cashShortFrom"));
            Assert.Equal(Shortfall, outlook.GetProperty("shortfall").GetDecimal());
            Assert.Equal(DeepestMonth, Str(outlook, "shortfallMonth"));
        }

        // The portfolio, for the admin and for the funder's own financier: the same month, shortfall and deepest month.
        foreach (var client in new[] { admin, server.Client(token) })
        {
            var portfolio = (await client.Get("api/portfolio")).Body;
            var krap = Row(portfolio, "krap");
            Assert.Equal(ShortFrom, Str(krap, "cashShortFrom"));
            Assert.Equal(Shortfall, krap.GetProperty("shortfall").GetDecimal());
            Assert.Equal(DeepestMonth, Str(krap, "shortfallMonth"));
            Assert.Contains(krap.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("kind").GetString() == "cash-short");
            // A project without a plan has no outlook: nothing said about its cash.
            var ruim = Row(portfolio, "ruim");
            Assert.Null(Str(ruim, "cashShortFrom"));
            Assert.Null(Str(ruim, "shortfall"));
            // The one that runs short comes first (its cash-short alert is high: within three months).
            Assert.Equal("krap", portfolio.GetProperty("projects")[0].GetProperty("projectId").GetString());

            // The CLI's "Geld reikt" says it in Dutch, nl-NL money and months.
            var cli = new StringWriter();
            GrantViews.Portfolio(portfolio, cli);
            // The table's row (the alerts per project follow below the table).
            var line = cli.ToString().Split('\n').First(l => l.TrimStart().StartsWith("krap ", StringComparison.Ordinal));
            Assert.EndsWith("kas leeg vanaf 04-2026 (tekort € 5.000,00 in 08-2026)", line.TrimEnd());
        }

        // The stored summary holds the figures, with the stamp that says so.
        var store = server.App.Services.GetRequiredService<Journal.IJournalStore>();
        var stored = ProjectSummaryCodec.Decode((await store.ReadProjectSummariesAsync()).Single(s => s.ProjectId == "krap").Summary)!;
        Assert.Equal(SummaryCalendar.CurrentOutlookVersion, stored.Calendar!.OutlookVersion);
        Assert.Equal(new YearMonth(2026, 4), stored.Calendar.Outlooks[0].CashShortFrom);

        // The portfolio workbook: "Kas leeg vanaf" as a month (mm-jjjj), "Kastekort" in euros; empty for the other project.
        using var book = new XLWorkbook(new MemoryStream(await server.Client(token).GetByteArrayAsync("api/portfolio/export.xlsx")));
        var sheet = book.Worksheet(PortfolioWorkbook.Name);
        Assert.Equal("Kas leeg vanaf", sheet.Cell(1, PortfolioWorkbook.CashShortColumn).GetString());
        Assert.Equal("Kastekort", sheet.Cell(1, PortfolioWorkbook.ShortfallColumn).GetString());
        var krapRow = sheet.RowsUsed().Single(r => r.Cell(1).GetString() == "Warmtenet krap");
        Assert.Equal(new DateTime(2026, 4, 1), krapRow.Cell(PortfolioWorkbook.CashShortColumn).GetDateTime());
        Assert.Equal(SheetFormat.Month, krapRow.Cell(PortfolioWorkbook.CashShortColumn).Style.NumberFormat.Format);
        Assert.Equal(Shortfall, krapRow.Cell(PortfolioWorkbook.ShortfallColumn).GetValue<decimal>());
        var ruimRow = sheet.RowsUsed().Single(r => r.Cell(1).GetString() == "Warmtenet ruim");
        Assert.True(ruimRow.Cell(PortfolioWorkbook.CashShortColumn).IsEmpty());
        Assert.True(ruimRow.Cell(PortfolioWorkbook.ShortfallColumn).IsEmpty());

        // The umbrella's Overzicht has the same two columns beside its runway.
        using var apec = new XLWorkbook(new MemoryStream(await admin.GetByteArrayAsync("api/umbrellas/koepel/export.xlsx")));
        var overview = apec.Worksheet(OverviewSheet.Name);
        var headers = overview.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        int Col(string header) => headers.IndexOf(header) + 1;
        Assert.Equal(Col("Runway (maanden)") + 1, Col("Kas leeg vanaf"));
        var krapLine = overview.RowsUsed().Single(r => r.Cell(Col("Project")).GetString() == "Warmtenet krap");
        Assert.Equal(new DateTime(2026, 4, 1), krapLine.Cell(Col("Kas leeg vanaf")).GetDateTime());
        Assert.Equal(Shortfall, krapLine.Cell(Col("Kastekort")).GetValue<decimal>());
        Assert.True(overview.RowsUsed().Single(r => r.Cell(Col("Project")).GetString() == "Warmtenet ruim").Cell(Col("Kas leeg vanaf")).IsEmpty());
    }

    /// <summary>
    /// Within one worst severity, a project whose cash goes below zero comes before one whose does not, however many
    /// alerts that one has, and the earliest month first; a worse severity still comes first.
    /// </summary>
    [Fact]
    public void Within_a_severity_the_project_whose_cash_runs_out_soonest_comes_first()
    {
        var day = new LocalDate(2026, 2, 10);
        Alert Medium(string project, string kind) => new(project, kind, AlertSeverity.Medium, day, "m", "kas");
        PortfolioRow Row(string id, YearMonth? shortFrom, params Alert[] alerts) =>
            new(id, id, "c", Phases.Phase.Ontwikkeling, 1m, 0m, 1m, null, null, [.. alerts], null, CashShortFrom: shortFrom, Shortfall: shortFrom is null ? null : 1m);
        var busy = Row("busy", null, Medium("busy", "milestone-slipping"), Medium("busy", "payment-pending"), Medium("busy", "tranche-request-pending"));
        var later = Row("later", new YearMonth(2026, 9), Medium("later", "cash-short"));
        var sooner = Row("sooner", new YearMonth(2026, 7), Medium("sooner", "cash-short"));
        var high = Row("high", null, new Alert("high", "in-stall", AlertSeverity.High, day, "h", "kas"));
        var calm = Row("calm", null);
        Assert.Equal(["high", "sooner", "later", "busy", "calm"], Portfolio.Sort([calm, busy, later, high, sooner]).Select(r => r.ProjectId));
    }

    /// <summary>
    /// A summary row as a build before the cash-short fields stored it: its outlooks without them (read back as null: "the
    /// cash stays above zero") and without <see cref="SummaryCalendar.OutlookVersion"/>, current by its counts. Right after
    /// the upgrade (sqlite 0019 / postgresql 0023 not yet applied), and when an older build wrote it after the upgrade (the
    /// script applied), the portfolio still says the cash runs short: such a row is recomputed before it is answered. After
    /// the upgrade's first start every row is recomputed in the background and carries the figures.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_summary_stored_without_the_cash_short_figures_is_never_answered_as_no_shortage(bool postgres)
    {
        var clock = Clock();
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        var dataDir = WarmteServer.NewDataDir();
        string token;
        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            token = await SeedAsync(server);
            Assert.Equal(ShortFrom, Str(Row((await server.Client().Get("api/portfolio")).Body, "krap"), "cashShortFrom"));
        }

        foreach (var scriptApplied in new[] { true, false })
        {
            await using (var connection = await OpenAsync(dataDir, connectionString))
            {
                await WriteAsTheReleaseBeforeAsync(connection);
                if (!scriptApplied)
                {
                    Assert.Equal(1, await ExecuteAsync(connection, "DELETE FROM warmte_schema_version WHERE name LIKE '%project_summary_cash_short%'"));
                    Assert.Equal(1L, Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_startup_step WHERE name = 'project-summaries-built'")));
                }
                // Current by the counts: nothing but the stored form says the row is old.
                Assert.Equal(0L, Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes <> computed")));
            }

            clock.Advance(Duration.FromMinutes(10));
            await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
            {
                // Read at once, whether or not the background step has got to the row.
                foreach (var client in new[] { server.Client(), server.Client(token) })
                {
                    var krap = Row((await client.Get("api/portfolio")).Body, "krap");
                    Assert.Equal(ShortFrom, Str(krap, "cashShortFrom"));
                    Assert.Equal(Shortfall, krap.GetProperty("shortfall").GetDecimal());
                    Assert.Equal(DeepestMonth, Str(krap, "shortfallMonth"));
                }
                if (!scriptApplied)
                {
                    // The upgrade forgot the start-up step: it runs again and recomputes every row.
                    await using var connection = await OpenAsync(dataDir, connectionString);
                    for (var i = 0; i < 600 && Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_startup_step WHERE name = 'project-summaries-built'")) == 0; i++)
                        await Task.Delay(100);
                    Assert.Equal(0L, Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes <> computed")));
                }
                var store = server.App.Services.GetRequiredService<Journal.IJournalStore>();
                var rows = (await store.ReadProjectSummariesAsync()).Select(s => ProjectSummaryCodec.Decode(s.Summary)!).ToList();
                var krapRow = rows.Single(r => r.ProjectId == "krap");
                Assert.Equal(SummaryCalendar.CurrentOutlookVersion, krapRow.Calendar!.OutlookVersion);
                Assert.Equal(new YearMonth(2026, 4), krapRow.Calendar.Outlooks[0].CashShortFrom);
            }
        }
    }

    /// <summary>Every stored row rewritten without the cash-short figures and the stamp, its counts left as they are.</summary>
    private static async Task WriteAsTheReleaseBeforeAsync(DbConnection connection)
    {
        var rows = new List<(string Id, byte[] Summary)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT project_id, summary FROM warmte_project_summary";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
        }
        Assert.Contains(rows, r => r.Id == "krap");
        foreach (var (id, bytes) in rows)
        {
            var row = ProjectSummaryCodec.Decode(bytes)!;
            var old = row with
            {
                Calendar = row.Calendar! with
                {
                    OutlookVersion = 0,
                    Outlooks = [.. row.Calendar.Outlooks.Select(o => o with { CashShortFrom = null, Shortfall = null, ShortfallMonth = null })],
                },
            };
            if (id == "krap") Assert.Null(old.PortfolioOn(new LocalDate(2026, 2, 10), null)!.CashShortFrom); // what it would have said
            Assert.Equal(1, await ExecuteAsync(connection, "UPDATE warmte_project_summary SET summary = @s WHERE project_id = @p",
                ("s", ProjectSummaryCodec.Encode(old)), ("p", id)));
        }
    }

    private static async Task<DbConnection> OpenAsync(string dataDir, string? postgres)
    {
        DbConnection connection = postgres is null
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "warmtenet.db"), Pooling = false }.ToString())
            : new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }
}
