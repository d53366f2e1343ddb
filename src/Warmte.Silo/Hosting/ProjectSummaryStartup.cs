using System.Data.Common;
using Warmte.Alerts;
using Warmte.Registry;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// Once per database, after the silo starts: builds the summary of every existing project
/// (warmte_project_summary, the wide views' read model) so the first umbrella comparison or
/// portfolio after an upgrade does not compute them all. Recorded as 'project-summaries-built' in
/// warmte_startup_step; later starts skip it whatever the number of projects (new projects get
/// their summary through ProjectChanged). Not needed for correctness: a read computes a missing
/// summary itself. On PostgreSQL under an advisory lock, so one silo does it.
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
                await BuildOnceAsync(app.Services.GetRequiredService<Database>(), app.Services.GetRequiredService<IGrainFactory>(),
                    app.Services.GetRequiredService<NodaTime.IClock>(), logger, app.Lifetime.ApplicationStopping);
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

    public static async Task BuildOnceAsync(Database database, IGrainFactory grains, NodaTime.IClock clock, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.IsPostgres) await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
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
        finally
        {
            if (database.IsPostgres) await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

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
