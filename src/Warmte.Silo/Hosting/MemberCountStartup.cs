using Warmte.Members;

namespace Warmte.Silo.Hosting;

/// <summary>
/// After the silo starts: every member register whose members-today row (warmte_member_count) is missing or not of its
/// snapshot's version — all of them after the upgrade that adds the table (sqlite/0020, postgresql/0024), any one an
/// older build committed since — stores its row through its grain (<see cref="IMemberRegisterGrain.StoreCount"/>).
/// Runs at every start; with nothing left it is one query. Not needed for correctness: until a row is current the
/// umbrella comparison asks that register itself (<see cref="MemberCounts"/>), never answering 0 from a missing row.
/// </summary>
public static class MemberCountStartup
{
    private const int AtOnce = 8;

    public static void Start(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Warmte.Startup");
        _ = Task.Run(async () =>
        {
            try
            {
                var stored = await StoreMissingAsync(app.Services.GetRequiredService<Journal.IJournalStore>(),
                    app.Services.GetRequiredService<IGrainFactory>(), app.Lifetime.ApplicationStopping);
                if (stored > 0) logger.LogInformation("Members today stored for {Count} registers", stored);
            }
            catch (Exception ex) when (!app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                logger.LogError(ex, "Storing the registers' members today failed; the umbrella comparison asks those registers on read");
            }
            catch (Exception)
            {
                // Stopping: the next start tries again.
            }
        });
    }

    /// <summary>Stores the row of every register without a current one; answers how many were stored.</summary>
    public static async Task<int> StoreMissingAsync(Journal.IJournalStore store, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var registers = await store.RegistersWithoutCurrentCountAsync(MemberRegisterGrain.JournalType);
        var stored = 0;
        await Parallel.ForEachAsync(registers, new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = cancellationToken }, async (id, _) =>
        {
            // A concurrent write of the register stores its own row; a conflict here leaves that one.
            try { await grains.GetGrain<IMemberRegisterGrain>(id).StoreCount(); Interlocked.Increment(ref stored); }
            catch (Orleans.Storage.InconsistentStateException) { }
        });
        return stored;
    }
}
