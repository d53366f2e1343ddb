using Orleans.Runtime;
using Warmte.Silo.Api;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Operations;

/// <summary>
/// Readiness for a load balancer or orchestrator: 200 only when this silo can take calls, that is
/// its database answers and is not full (<see cref="StorageSpace"/>) and it is Active in the cluster's membership. /health (liveness: the process
/// serves HTTP) stays as it was.
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static void MapReadiness(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/ready", async (HttpContext http, Database database, IClusterMembershipService membership, ILocalSiloDetails silo,
            Demo.DemoReadiness demo, StorageSpace space) =>
        {
            var databaseCheck = await CheckDatabaseAsync(database, space, http.RequestAborted);
            // A database that answers but refuses writes for lack of space is not ready either (StorageSpace: docs/operations.md).
            if (databaseCheck == "ok" && space.NotReady) databaseCheck = "vol";
            var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
            var siloCheck = status == SiloStatus.Active ? "ok" : status.ToString();
            // With --demo: ready means the demo data is there (it is loaded after the silo starts); without, no such check.
            var demoCheck = demo.Check;
            var checks = new Dictionary<string, string> { ["database"] = databaseCheck, ["silo"] = siloCheck };
            if (demo.Requested) checks["demo"] = demoCheck;
            checks["siloAddress"] = silo.SiloAddress.ToString();
            if (databaseCheck == "ok" && siloCheck == "ok" && demoCheck == "ok")
                return Results.Json(new { status = "ready", checks }, Serialization.WarmteJson.Default);
            http.Response.Headers.RetryAfter = "5";
            return Problems.Result(StatusCodes.Status503ServiceUnavailable, "not-ready", "Niet gereed",
                $"Deze silo neemt nog geen verzoeken aan: database {databaseCheck}, silo {siloCheck}"
                + (demo.Requested ? $", demo {demoCheck}" : "") + ".", []);
        }).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<string> CheckDatabaseAsync(Database database, StorageSpace space, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await using var connection = await database.OpenAsync(timeout.Token);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT 1";
            await cmd.ExecuteScalarAsync(timeout.Token);
            return "ok";
        }
        catch (Exception ex) when (StorageSpace.IsFull(ex))
        {
            // PostgreSQL on a full disk may refuse the new connection itself (StorageSpace.PgInitFileNotWritten): that is
            // "vol", not "onbereikbaar", and it starts (or continues) the episode as a refused write does.
            space.Answered(ex);
            return "vol";
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return "onbereikbaar";
        }
    }
}
