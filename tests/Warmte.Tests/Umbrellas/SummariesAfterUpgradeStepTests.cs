using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Warmte.Alerts;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Storage;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// A start-up step that rewrites snapshots (here <c>grant-steps-moved</c>, which moves the tranche steps out of every
/// grants snapshot) moves their versions, so it makes the summaries of the projects it touched stale. The first wide
/// view after such an upgrade must not recompute them while the user waits: the silo's start-up pass recomputes the
/// stale rows in the background, and the umbrella comparison and the portfolio then compute no summary on the request
/// path (an incoming grain call filter counts <see cref="IProjectSummaryGrain.Current"/>), with the figures a freshly
/// computed summary gives — on SQLite and PostgreSQL, from the kept release-ba5f89c fixtures.
/// </summary>
public sealed class SummariesAfterUpgradeStepTests
{
    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    /// <summary>Counts the summaries computed through their grain (<see cref="IProjectSummaryGrain.Current"/>), by project.</summary>
    private sealed class SummaryCalls : IIncomingGrainCallFilter
    {
        private readonly ConcurrentQueue<string> _projects = new();

        public string[] Projects => [.. _projects];

        public void Clear() => _projects.Clear();

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.Grain is IProjectSummaryGrain grain && context.MethodName == nameof(IProjectSummaryGrain.Current))
                _projects.Enqueue(grain.GetPrimaryKeyString());
            return context.Invoke();
        }

        public Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Install => b => b.Services.AddSingleton<IIncomingGrainCallFilter>(this);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_an_upgrade_step_rewrote_grants_snapshots_the_first_wide_views_compute_no_summary_and_answer_fresh_figures(bool postgres)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 10, 0));
        string? dataDir = null, connectionString = null;
        Database database;
        if (postgres) (connectionString, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-businesscase.postgresql.sql");
        else (dataDir, database) = StoredFixtures.Sqlite("release-ba5f89c-businesscase.sqlite.db");
        Task<WarmteServer> Start(SummaryCalls? calls = null) => WarmteServer.StartAsync(dataDir, connectionString, clock, configure: calls?.Install);

        // The release before the steps moved: its silos built every project's summary from grants snapshots that still
        // hold their steps. Made here by starting this build with the steps' move recorded as done (it reads such snapshots).
        await Execute(database, $"INSERT INTO warmte_startup_step (name, done_at, detail) VALUES ('{JournalUpgrade.GrantStepsStepName}', '2026-12-06T00:00:00Z', 'release before')");
        string comparisonBefore, portfolioBefore;
        Dictionary<string, long> changesBefore;
        await using (var server = await Start())
        {
            await Until(database, $"SELECT COUNT(*) FROM warmte_startup_step WHERE name = '{ProjectSummaryStartupStep}'", 1);
            await Until(database, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes <> computed", 0);
            var api = server.Client(FixtureToken);
            comparisonBefore = (await api.Get("api/umbrellas/apec")).Raw;
            portfolioBefore = (await api.Get("api/portfolio")).Raw;
            changesBefore = await Changes(database);
        }
        Assert.Contains("\"steps\"", await FundingSnapshot(database, "wg-terrein"));
        Assert.Contains("wg-terrein", changesBefore.Keys);
        Assert.Equal(1L, await Scalar(database, $"SELECT COUNT(*) FROM warmte_startup_step WHERE name = '{ProjectSummaryStartupStep}'"));

        // This release's first start: the step moves the steps (every grants snapshot with steps rewritten, its version moved).
        await Execute(database, $"DELETE FROM warmte_startup_step WHERE name = '{JournalUpgrade.GrantStepsStepName}'");
        var calls = new SummaryCalls();
        await using (var server = await Start(calls))
        {
            Assert.DoesNotContain("\"steps\"", await FundingSnapshot(database, "wg-terrein"));
            var changesAfter = await Changes(database);
            Assert.True(changesAfter["wg-terrein"] > changesBefore["wg-terrein"], "the move counts as a change of wg-terrein's summary");

            // The background pass after the start; then the first views.
            await Until(database, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes <> computed", 0, give: TimeSpan.FromSeconds(60));
            var api = server.Client(FixtureToken);
            calls.Clear();
            var comparison = await api.Get("api/umbrellas/apec");
            var portfolio = await api.Get("api/portfolio");
            Assert.Equal(HttpStatusCode.OK, comparison.Status);
            Assert.Equal(HttpStatusCode.OK, portfolio.Status);
            Assert.True(calls.Projects.Length == 0, $"summaries computed on the request path: {string.Join(", ", calls.Projects)}");

            // The moved steps change no figure the views show.
            Assert.Equal(comparisonBefore, comparison.Raw);
            Assert.Equal(portfolioBefore, portfolio.Raw);

            // And the figures are those of a freshly computed summary: the table is derived data; emptied, the views compute
            // every project's summary again (on the request path, counted) and answer the same bytes.
            await Execute(database, "DELETE FROM warmte_project_summary_funder");
            await Execute(database, "DELETE FROM warmte_project_summary");
            calls.Clear();
            var freshComparison = await api.Get("api/umbrellas/apec");
            Assert.Contains("wg-terrein", calls.Projects);
            Assert.Equal(freshComparison.Raw, comparison.Raw);
            calls.Clear();
            await Execute(database, "DELETE FROM warmte_project_summary_funder");
            await Execute(database, "DELETE FROM warmte_project_summary");
            var freshPortfolio = await api.Get("api/portfolio");
            Assert.Contains("wg-terrein", calls.Projects);
            Assert.Equal(freshPortfolio.Raw, portfolio.Raw);
        }
    }

    private const string ProjectSummaryStartupStep = "project-summaries-built";

    private static async Task<Dictionary<string, long>> Changes(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT project_id, changes FROM warmte_project_summary";
        await using var reader = await cmd.ExecuteReaderAsync();
        var changes = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync()) changes[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        return changes;
    }

    private static async Task<string> FundingSnapshot(Database database, string project) =>
        (string)(await ScalarObject(database, $"SELECT {(database.IsPostgres ? "state::text" : "state")} FROM warmte_snapshot WHERE grain_type = 'funding' AND grain_key = '{project}'"))!;

    /// <summary>Waits until <paramref name="sql"/> counts <paramref name="expected"/> (at most <paramref name="give"/>, 30 s by default); the caller's assertions say what is wrong after.</summary>
    private static async Task Until(Database database, string sql, long expected, TimeSpan? give = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await Scalar(database, sql) != expected && waited.Elapsed < (give ?? TimeSpan.FromSeconds(30))) await Task.Delay(100);
    }

    private static async Task<long> Scalar(Database database, string sql) =>
        Convert.ToInt64(await ScalarObject(database, sql), CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarObject(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    private static async Task Execute(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
