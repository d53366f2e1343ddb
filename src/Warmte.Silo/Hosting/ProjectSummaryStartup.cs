using System.Data.Common;
using Warmte.Alerts;
using Warmte.Registry;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// After the silo starts, in the background (never holding up /health/ready), under an advisory lock on PostgreSQL so
/// one silo does it at a time:
/// <list type="bullet">
/// <item>once per database, the summary of every existing project (warmte_project_summary, the wide views' read model),
/// recorded as 'project-summaries-built' in warmte_startup_step; later starts skip it whatever the number of projects
/// (new projects get their summary through ProjectChanged);</item>
/// <item>at every start, every stale row (<see cref="RecomputeStaleAsync"/>): a start-up step that rewrote snapshots
/// (grant-steps-moved, or any later one) committed through the journal's commit path, which counted each rewrite
/// against the project's summary like any change, so the stale rows include exactly the projects it touched;</item>
/// <item>at every start, the funder index of rows stored before it (<see cref="IndexFundersAsync"/>).</item>
/// </list>
/// None is needed for correctness: a read recomputes a stale or missing summary itself. They move that work from the
/// first user after a start to the silo. docs/storage.md, "Project summaries".
/// </summary>
public static class ProjectSummaryStartup
{
    public const string StepName = "project-summaries-built";
    private const int AtOnce = 16;
    // Another arbitrary constant than the migrator's and the alert watches' ("project summaries").
    private const long AdvisoryLockKey = 0x7761726D7473;

    public static void Start(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Warmte.Startup");
        _ = Task.Run(async () =>
        {
            try
            {
                await BuildAsync(app.Services.GetRequiredService<Database>(), app.Services.GetRequiredService<Journal.IJournalStore>(),
                    app.Services.GetRequiredService<IGrainFactory>(), app.Services.GetRequiredService<NodaTime.IClock>(), logger, app.Lifetime.ApplicationStopping);
                await IndexFundersAsync(app.Services.GetRequiredService<Journal.IJournalStore>(), logger, app.Lifetime.ApplicationStopping);
            }
            catch (Exception ex) when (!app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                logger.LogError(ex, "Building the project summaries failed; the wide views compute missing ones on read");
            }
            catch (Exception)
            {
                // Stopping: not recorded, runs again at the next start.
            }
        });
    }

    /// <summary>The summaries' start-up work under the lock: every project once per database, then the stale rows.</summary>
    public static async Task BuildAsync(Database database, Journal.IJournalStore store, IGrainFactory grains, NodaTime.IClock clock, ILogger logger,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.IsPostgres) await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await BuildOnceAsync(connection, grains, clock, logger, cancellationToken);
            await RecomputeStaleAsync(store, grains, logger, cancellationToken);
        }
        finally
        {
            if (database.IsPostgres) await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    private static async Task BuildOnceAsync(DbConnection connection, IGrainFactory grains, NodaTime.IClock clock, ILogger logger, CancellationToken cancellationToken)
    {
        await using (var done = connection.CreateCommand())
        {
            done.CommandText = "SELECT COUNT(*) FROM warmte_startup_step WHERE name = @name";
            Database.Parameter(done, "name", StepName);
            if (Convert.ToInt64(await done.ExecuteScalarAsync(cancellationToken)) > 0) return;
        }
        var projects = await ProjectDirectory.AllProjectIdsAsync(grains);
        var failed = 0;
        await Parallel.ForEachAsync(projects, new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = cancellationToken }, async (p, _) =>
        {
            try { await grains.GetGrain<IProjectSummaryGrain>(p).Current(); }
            catch (Exception) { Interlocked.Increment(ref failed); }
        });
        if (failed > 0)
        {
            logger.LogWarning("Project summaries not built for {Failed} of {Count} projects; the next start tries again", failed, projects.Length);
            return;
        }
        await ExecuteAsync(connection, "INSERT INTO warmte_startup_step (name, done_at, detail) VALUES (@name, @at, @detail)", cancellationToken,
            ("name", StepName), ("at", clock.GetCurrentInstant().ToString()), ("detail", $"{projects.Length} projects"));
        logger.LogInformation("Project summaries built for {Count} projects", projects.Length);
    }

    /// <summary>
    /// Recomputes every stale summary row through its project's grain: <see cref="StaleBatch"/> ids at a time in project
    /// order (read on the partial index of unsettled rows), <see cref="AtOnce"/> projects at once. Stale means a commit was
    /// counted since the row was computed, so this includes exactly the rows of the projects a start-up step rewrote snapshots of
    /// (each rewrite is a commit through the journal's commit path, counted in its transaction), plus any change whose
    /// recomputation a stopped silo did not get to. With nothing stale it is one query. A row that cannot be computed now
    /// stays stale and a read computes it. Answers how many rows were recomputed.
    /// </summary>
    public static async Task<int> RecomputeStaleAsync(Journal.IJournalStore store, IGrainFactory grains, ILogger logger, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var recomputed = 0;
        var failed = 0;
        string? after = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await store.ReadStaleProjectSummaryIdsAsync(after, StaleBatch);
            if (batch.Count == 0) break;
            if (after is null)
                logger.LogInformation("Project summaries: stale rows found at start (e.g. snapshots rewritten by an upgrade step); recomputing them in the background, "
                                      + "{AtOnce} at a time; until then a wide view computes the ones it needs itself", AtOnce);
            after = batch[^1];
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = cancellationToken }, async (p, _) =>
            {
                try { await grains.GetGrain<IProjectSummaryGrain>(p).Current(); Interlocked.Increment(ref recomputed); }
                catch (Exception) when (!cancellationToken.IsCancellationRequested) { Interlocked.Increment(ref failed); }
            });
            if (batch.Count < StaleBatch) break;
        }
        if (recomputed > 0)
            logger.LogInformation("Project summaries: {Count} stale rows recomputed in the background in {Seconds:F1} s", recomputed,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (failed > 0)
            logger.LogWarning("Project summaries: {Failed} stale rows could not be recomputed at start; the wide views compute them when they read them", failed);
        return recomputed;
    }

    private const int StaleBatch = 500;

    /// <summary>
    /// Records the funders of the current summary rows stored before the funder index
    /// (<c>sqlite/0011</c>, <c>postgresql/0012</c>: every row has <c>funders_indexed = 0</c>) from their
    /// stored bytes: decoded here, no grain activated, <see cref="IndexBatch"/> rows per transaction, each
    /// row only if it is still the one read. Until a row is indexed every funder's portfolio reads it
    /// (and filters it in memory), so this is only for speed. Runs at every start; with nothing left
    /// it is one query on the partial index of unsettled rows. Rows that do not decode or lack their
    /// calendar inputs are left to be recomputed on read. Answers the number indexed.
    /// </summary>
    public static async Task<int> IndexFundersAsync(Journal.IJournalStore store, ILogger logger, CancellationToken cancellationToken)
    {
        var indexed = 0;
        string? after = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await store.ReadUnindexedProjectSummariesAsync(after, IndexBatch);
            if (batch.Count == 0) break;
            after = batch[^1].ProjectId;
            var known = batch
                .Select(r => (r.ProjectId, r.Computed, Funders: ProjectSummaryCodec.Decode(r.Summary)?.Funders()))
                .Where(r => r.Funders is not null)
                .Select(r => (r.ProjectId, r.Computed, (IReadOnlyCollection<string>)r.Funders!))
                .ToList();
            indexed += await store.IndexProjectSummaryFundersAsync(known);
            if (batch.Count < IndexBatch) break;
        }
        if (indexed > 0) logger.LogInformation("Project summaries: funders recorded for {Count} stored rows", indexed);
        return indexed;
    }

    private const int IndexBatch = 500;

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) Database.Parameter(cmd, name, value);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
