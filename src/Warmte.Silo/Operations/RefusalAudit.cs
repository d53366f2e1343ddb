using System.Security.Claims;
using NodaTime;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Operations;

/// <summary>One refused write: when, by which token and role, what was asked, and the answer's status and problem code.</summary>
public sealed record RefusedWrite(
    long Id, Instant At, string TokenId, string Role, string Method, string Path, int Status, string? Code, string? TargetId);

/// <summary>
/// The refusal audit in the service's database (table warmte_refused_write), written and read only
/// through parameterised SQL. Rows older than RefusalAudit:RetentionDays (default 90) are pruned
/// every <see cref="PruneEvery"/> inserts, so the table stays bounded.
/// </summary>
public sealed class RefusalAuditStore(Database database, IClock clock, IConfiguration configuration)
{
    public const int MaxLimit = 1000;

    private const int PruneEvery = 500;

    private readonly Duration _retention = Duration.FromDays(Math.Max(1, configuration.GetValue("RefusalAudit:RetentionDays", 90)));

    private int _inserts;

    public async Task RecordAsync(string tokenId, string role, string method, string path, int status, string? code, string? targetId)
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await database.OpenAsync();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                INSERT INTO warmte_refused_write (at_ms, at, token_id, role, method, path, status, code, target_id)
                VALUES (@atMs, @at, @tokenId, @role, @method, @path, @status, @code, @targetId)
                """;
            Database.Parameter(cmd, "atMs", now.ToUnixTimeMilliseconds());
            Database.Parameter(cmd, "at", now.ToString());
            Database.Parameter(cmd, "tokenId", Cut(tokenId, 64));
            Database.Parameter(cmd, "role", Cut(role, 100));
            Database.Parameter(cmd, "method", Cut(method, 10));
            Database.Parameter(cmd, "path", Cut(path, 400));
            Database.Parameter(cmd, "status", status);
            Database.Parameter(cmd, "code", code is null ? null : Cut(code, 100));
            Database.Parameter(cmd, "targetId", targetId is null ? null : Cut(targetId, 100));
            await cmd.ExecuteNonQueryAsync();
        }
        if (Interlocked.Increment(ref _inserts) % PruneEvery == 0)
        {
            await using var prune = connection.CreateCommand();
            prune.CommandText = "DELETE FROM warmte_refused_write WHERE at_ms < @cutoff";
            Database.Parameter(prune, "cutoff", (now - _retention).ToUnixTimeMilliseconds());
            await prune.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Refusals at or after <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<RefusedWrite>> SinceAsync(Instant since, int limit)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT id, at_ms, token_id, role, method, path, status, code, target_id FROM warmte_refused_write
            WHERE at_ms >= @since ORDER BY at_ms, id LIMIT @limit
            """;
        Database.Parameter(cmd, "since", since.ToUnixTimeMilliseconds());
        Database.Parameter(cmd, "limit", Math.Clamp(limit, 1, MaxLimit));
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<RefusedWrite>();
        while (await reader.ReadAsync())
            list.Add(new RefusedWrite(
                Convert.ToInt64(reader.GetValue(0)), Instant.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1))),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), Convert.ToInt32(reader.GetValue(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        return list;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>
/// Records every refused write (4xx on POST, PUT, PATCH or DELETE) of an authenticated caller after
/// the answer is composed. 401 cannot occur for an authenticated caller; 429 is not recorded, so the
/// limiter's refusals cost no database write. A failure to record is logged and never changes the answer.
/// </summary>
public sealed class RefusalRecording(RequestDelegate next, RefusalAuditStore store, ILogger<RefusalRecording> logger)
{
    /// <summary>HttpContext.Items key under which <see cref="Api.Problems"/> leaves the problem code it answered with.</summary>
    public const string ProblemCodeItem = "warmte.problem-code";

    public async Task InvokeAsync(HttpContext http)
    {
        await next(http);
        var status = http.Response.StatusCode;
        if (status is < 400 or > 499 or StatusCodes.Status429TooManyRequests) return;
        if (!IsWrite(http.Request.Method) || http.User.Identity?.IsAuthenticated != true) return;
        var target = http.GetRouteValue("id")?.ToString();
        if (target is not null && LogSafe.LooksSecret(target)) target = LogSafe.Hidden;
        try
        {
            await store.RecordAsync(http.User.FindFirstValue("token_id") ?? "?", http.User.FindFirstValue(ClaimTypes.Role) ?? "?",
                http.Request.Method, LogSafe.Path(http.Request.Path), status, http.Items[ProblemCodeItem] as string, target);
        }
        catch (Exception ex) when (Storage.StorageSpace.IsFull(ex))
        {
            // A full disk: counted in its episode (one warning), not a warning per refused request.
            http.RequestServices.GetRequiredService<Storage.StorageSpace>().Answered(ex);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not record refused {Method} {Path} ({Status})", http.Request.Method, LogSafe.Path(http.Request.Path), status);
        }
    }

    private static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
}
