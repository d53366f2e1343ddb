using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Warmte.Alerts;
using Warmte.Common;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// A database of the release before, whose summaries are JSON rows (the table as
/// <c>0008_project_summary.sql</c>/<c>0009</c> made it, the start-up step recorded), upgrades itself
/// at the first start of this release: the binary summary table replaces the old one, every
/// project's row is computed once in the start-up step, the rows are current and decode, the read
/// then asks no grain, and both views answer byte for byte what they answered before — on SQLite
/// and PostgreSQL.
/// </summary>
public sealed class ProjectSummaryUpgradeTests
{
    private const string OldTable = """
        CREATE TABLE warmte_project_summary (
            project_id text NOT NULL PRIMARY KEY, cooperative_id text NOT NULL, as_of text NOT NULL,
            changes bigint NOT NULL, computed bigint NOT NULL, summary {0} NOT NULL, updated_at text NOT NULL);
        CREATE INDEX ix_warmte_project_summary_cooperative ON warmte_project_summary (cooperative_id);
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Json_summaries_of_the_release_before_are_rebuilt_in_the_binary_form_at_first_start(bool postgres)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 15, 9, 0));
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        var dataDir = WarmteServer.NewDataDir();
        string[] projects = ["zuid", "noord", "oost"];
        string comparison, portfolio, rijkPortfolio, rijkToken;
        IReadOnlyList<ProjectSummaryRow> rows;

        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            var admin = server.Client();
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = "koepel", name = "Koepel" })).Status);
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
            {
                id = "coop-a", statutoryName = "Coöperatie Alfa U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18", umbrellas = new[] { "koepel" },
            })).Status);
            foreach (var project in projects)
                Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives/coop-a/projects", new
                {
                    id = project, name = project, woningequivalenten = 100, plannedConnections = 80, startedOn = "2026-01-16",
                })).Status);
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/projects/zuid/grants", new
            {
                id = "paw", funder = "Rijk", scheme = "PAW", funderId = "rijk", amountGranted = 80_000.10m, decidedOn = "2025-12-01", tranches = new[] { new { amount = 80_000.10m } },
            })).Status);
            Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/zuid/grants/paw/tranches/1/request", new { on = "2026-05-20" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await admin.Put("api/projects/noord/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2026-03-01" })).Status);
            rijkToken = (await admin.Post("api/tokens", new { name = "rijk", role = "financier:rijk" })).Text("token");
            comparison = (await admin.Get("api/umbrellas/koepel")).Raw;
            portfolio = (await admin.Get("api/portfolio")).Raw;
            rijkPortfolio = (await server.Client(rijkToken).Get("api/portfolio")).Raw;
            var store = server.App.Services.GetRequiredService<Journal.IJournalStore>();
            rows = [.. (await store.ReadProjectSummariesAsync()).Select(s => ProjectSummaryCodec.Decode(s.Summary)!)];
            Assert.Equal(projects.Order(), rows.Select(r => r.ProjectId).Order());
        }

        // Back to the release before: its table with JSON rows (as it wrote them), the step recorded, the new script not applied.
        await using (var connection = await OpenAsync(dataDir, connectionString))
        {
            await ExecuteAsync(connection, "DROP TABLE warmte_project_summary");
            await ExecuteAsync(connection, string.Format(OldTable, postgres ? "jsonb" : "TEXT"));
            foreach (var row in rows)
                await ExecuteAsync(connection,
                    "INSERT INTO warmte_project_summary VALUES (@p, @c, @asOf, 4, 4, " + (postgres ? "CAST(@s AS jsonb)" : "@s") + ", '2026-06-15T09:00:00Z')",
                    ("p", row.ProjectId), ("c", row.CooperativeId), ("asOf", "2026-06-15"), ("s", JsonSerializer.Serialize(row, WideViewJson.Options)));
            Assert.Equal(1, await ExecuteAsync(connection, "DELETE FROM warmte_schema_version WHERE name LIKE '%project_summary_binary%'"));
            // Nor the funder index that came after it (the script adds it to the table the binary script makes).
            await ExecuteAsync(connection, "DROP TABLE warmte_project_summary_funder");
            await ExecuteAsync(connection, "DELETE FROM warmte_schema_version WHERE name LIKE '%project_summary_funder%'");
            // And the generated column the funder index's partial index reads on PostgreSQL (postgresql/0019).
            await ExecuteAsync(connection, "DELETE FROM warmte_schema_version WHERE name LIKE '%project_summary_stale%'");
            Assert.Equal(1L, Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_startup_step WHERE name = 'project-summaries-built'")));
        }

        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            // The start-up step runs again (the script forgot it) and computes every project's row.
            await using (var connection = await OpenAsync(dataDir, connectionString))
            {
                for (var i = 0; i < 600 && Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_startup_step WHERE name = 'project-summaries-built'")) == 0; i++)
                    await Task.Delay(100);
                Assert.Equal(postgres ? "bytea" : "blob", await ScalarAsync(connection, postgres
                    ? "SELECT data_type FROM information_schema.columns WHERE table_name = 'warmte_project_summary' AND column_name = 'summary'"
                    : "SELECT DISTINCT typeof(summary) FROM warmte_project_summary"));
            }
            var store = server.App.Services.GetRequiredService<Journal.IJournalStore>();
            var stored = await store.ReadProjectSummariesAsync();
            Assert.Equal(projects.Order(), stored.Select(s => s.ProjectId).Order());
            Assert.All(stored, s => Assert.False(s.Stale));
            Assert.All(stored, s => Assert.NotNull(ProjectSummaryCodec.Decode(s.Summary)));
            Assert.Equal(rows.Select(r => JsonSerializer.Serialize(r, WideViewJson.Options)).Order(),
                stored.Select(s => JsonSerializer.Serialize(ProjectSummaryCodec.Decode(s.Summary), WideViewJson.Options)).Order());

            // The read asks no grain: every row is current.
            var recording = RecordingGrainFactory.Wrap(server.App.Services.GetRequiredService<IGrainFactory>());
            Assert.Equal(projects.Order(), (await ProjectSummaries.ReadAsync(store, recording.Factory, projects, AmsterdamTime.Today(clock))).Keys.Order());
            Assert.Empty(recording.Keys);

            var admin = server.Client();
            Assert.Equal(comparison, (await admin.Get("api/umbrellas/koepel")).Raw);
            Assert.Equal(portfolio, (await admin.Get("api/portfolio")).Raw);
            Assert.Equal(rijkPortfolio, (await server.Client(rijkToken).Get("api/portfolio")).Raw);
        }
    }

    /// <summary>
    /// Rows computed before a change of the stored outlook's meaning hold the old outlook: the upgrade marks
    /// them stale and the first start recomputes them. The cash outlook became one answer per project (actual
    /// tranches and spending once recorded: project_summary_cash_answer); the runway became a number only when
    /// money runs out (project_summary_runway_nullable: an old row would read "nog 53 maanden" where the money lasts); the
    /// outlook says when the cash goes below zero (project_summary_cash_short: an old row would say no shortage;
    /// PortfolioCashShortTests).
    /// </summary>
    [Theory]
    [InlineData(false, "project_summary_cash_answer")]
    [InlineData(true, "project_summary_cash_answer")]
    [InlineData(false, "project_summary_runway_nullable")]
    [InlineData(true, "project_summary_runway_nullable")]
    [InlineData(false, "project_summary_cash_short")]
    [InlineData(true, "project_summary_cash_short")]
    public async Task Summaries_of_a_release_before_a_change_of_the_stored_outlook_are_recomputed_at_first_start(bool postgres, string script)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 15, 9, 0));
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        var dataDir = WarmteServer.NewDataDir();
        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            var admin = server.Client();
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
            {
                id = "coop-c", statutoryName = "Coöperatie Cash U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18",
            })).Status);
            foreach (var project in new[] { "west", "oost" })
                Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives/coop-c/projects", new
                {
                    id = project, name = project, woningequivalenten = 100, plannedConnections = 80, startedOn = "2026-01-16",
                })).Status);
            Assert.Equal(HttpStatusCode.OK, (await admin.Get("api/portfolio")).Status);
        }

        // As the release before left it: rows current under its rules, this release's script not yet applied.
        await using (var connection = await OpenAsync(dataDir, connectionString))
        {
            Assert.Equal(2L, Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes = computed AND updated_at LIKE '2026-06-15T09:00%'")));
            Assert.Equal(1, await ExecuteAsync(connection, $"DELETE FROM warmte_schema_version WHERE name LIKE '%{script}%'"));
        }

        clock.Advance(Duration.FromHours(1));
        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            await using var connection = await OpenAsync(dataDir, connectionString);
            for (var i = 0; i < 600 && Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_startup_step WHERE name = 'project-summaries-built'")) == 0; i++)
                await Task.Delay(100);
            // Every row computed again by this release (at its start, an hour later), none left stale.
            Assert.Equal(2L, Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes = computed AND updated_at LIKE '2026-06-15T10:00%'")));
            Assert.Equal(0L, Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes <> computed")));
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
        await using var cmd = Command(connection, sql, parameters);
        return await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var cmd = Command(connection, sql, []);
        return await cmd.ExecuteScalarAsync();
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
