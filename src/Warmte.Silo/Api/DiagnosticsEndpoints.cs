using Orleans.Runtime;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

/// <summary>
/// What one silo process holds in memory, for capacity measurements (the load generator reads it
/// before and after activating many projects). Admin only: it forces a full garbage collection,
/// which pauses this silo for a moment.
/// </summary>
public static class DiagnosticsEndpoints
{
    public static void MapDiagnosticsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/diagnostics/memory", async (HttpContext http, IGrainFactory grains) =>
        {
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) ziet het geheugengebruik.");
            // A full blocking, compacting collection first, so the managed heap figure is what is live, not what awaits collection.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
            return Answers.Ok(new
            {
                processId = Environment.ProcessId,
                workingSetBytes = process.WorkingSet64,
                managedHeapBytes = managed,
                activations = statistics
                    .GroupBy(s => s.GrainType)
                    .Select(g => new { grainType = g.Key, count = g.Sum(s => s.ActivationCount) })
                    .OrderByDescending(a => a.count)
                    .ThenBy(a => a.grainType, StringComparer.Ordinal) // equal counts: a fixed order, not the statistics' arrival order
                    .ToArray(),
            });
        }).WithTags("Service").WithSummary("Geheugen van deze silo en activeringen per graansoort (admin)");
    }
}
