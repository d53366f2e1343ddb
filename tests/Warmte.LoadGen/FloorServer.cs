using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Warmte.Silo.Api;

namespace Warmte.LoadGen;

/// <summary>
/// The HTTP floor: the least any HTTP service can do to store a spending booking, so write-compare can say
/// what HTTP in front of the raw insert reaches on the same machine. A bare Kestrel app with the service's
/// route <c>POST /api/projects/{id}/spending</c> that parses the same JSON body, checks the bearer token
/// (constant time), validates the amount (and the month, the row's tag) and inserts the one booking row
/// with <see cref="PostgresBaseline"/>'s statement and data source settings, then answers 201 with the
/// booking's id. Nothing else: no project or authorization lookup, no idempotency check, no state, no log.
/// </summary>
public static class FloorServer
{
    /// <summary>The floor's row in write-compare's operations.</summary>
    public const string Operation = "http floor: raw insert behind HTTP";

    /// <summary>Starts the floor on <paramref name="url"/> (e.g. http://127.0.0.1:7160); the booking table is created if missing.</summary>
    public static async Task<WebApplication> StartAsync(string connectionString, string url, string token, int clients)
    {
        if (string.IsNullOrEmpty(token)) throw new ArgumentException("floor-server needs a token (--token, --token-file or WARMTE_ADMIN_TOKEN).");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);
        // As the silo's own pool (StorageSettings: No Reset On Close): a pooled connection is not reset on every return
        // (measured without it: two PostgreSQL transactions per floor request instead of one).
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        { MaxPoolSize = Math.Max(clients + 2, 10), NoResetOnClose = true }.ConnectionString);
        builder.Services.AddSingleton(dataSource); // disposed with the app
        var app = builder.Build();
        await PostgresBaseline.CreateTableAsync(dataSource, fresh: false);

        var expected = Encoding.UTF8.GetBytes("Bearer " + token);
        var seqs = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        app.MapPost("/api/projects/{id}/spending", async (string id, HttpContext http) =>
        {
            if (!Authorized(http.Request.Headers.Authorization.ToString(), expected))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }
            FloorBookingRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync(http.Request.Body, FloorJson.Default.FloorBookingRequest, http.RequestAborted);
            }
            catch (JsonException)
            {
                return Invalid("body", "is geen geldige JSON van een uitgavenboeking.");
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }
            if (body is null) return Invalid("body", "ontbreekt.");
            if (body.Amount is not > 0m) return Invalid("amount", "moet een bedrag groter dan nul zijn.");
            if (!IsMonth(body.Month)) return Invalid("month", "moet een maand zijn als 2026-03.");

            // Per project its own sequence, as a grain numbers its journal rows (the journal's primary key).
            var seq = seqs.AddOrUpdate(id, 1, (_, n) => n + 1);
            var bookingId = $"b-{seq}";
            var at = TimeProvider.System.GetUtcNow().ToString("O");
            var payload = JsonSerializer.Serialize(
                new FloorJournalPayload(new FloorJournalBooking(bookingId, body.Month!, body.Kind, body.Amount.Value, body.Note, "loadgen", at)),
                FloorPayloadJson.Default.FloorJournalPayload);
            await using var insert = dataSource.CreateCommand(PostgresBaseline.InsertSql);
            insert.Parameters.Add(new NpgsqlParameter<string>("key", id));
            insert.Parameters.Add(new NpgsqlParameter<long>("seq", seq));
            insert.Parameters.Add(new NpgsqlParameter<string>("tag", body.Month!));
            insert.Parameters.Add(new NpgsqlParameter<string>("at", at));
            insert.Parameters.Add(new NpgsqlParameter<string>("payload", payload));
            try
            {
                await insert.ExecuteNonQueryAsync(http.RequestAborted);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Rows of an earlier floor process with the same project and number (write-compare empties the table first).
                return Results.Json(new FloorProblem("seq", $"boeking {seq} van project '{id}' staat er al."), FloorJson.Default.FloorProblem,
                    "application/problem+json", StatusCodes.Status409Conflict);
            }
            return Results.Json(new FloorBookingAnswer(bookingId, body.Month!, body.Kind, body.Amount.Value), FloorJson.Default.FloorBookingAnswer,
                statusCode: StatusCodes.Status201Created);
        }).ReadsBody<FloorBookingRequest>();

        await app.StartAsync();
        return app;
    }

    /// <summary>floor-server: runs until stopped (SIGTERM or Ctrl-C).</summary>
    public static async Task<int> RunAsync(Options o)
    {
        var pg = o.Value("pg") ?? throw new ArgumentException("floor-server needs --pg CONNSTR (the database of the raw inserts).");
        var url = o.Value("urls") ?? throw new ArgumentException("floor-server needs --urls http://127.0.0.1:PORT.");
        await using var app = await StartAsync(pg, url, Program.Token(o), o.Int("clients", 32));
        Console.WriteLine($"floor-server: listening on {url} (pid {Environment.ProcessId})");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The whole header against "Bearer &lt;token&gt;", in time independent of where they differ.</summary>
    public static bool Authorized(string header, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), expected);

    /// <summary>"yyyy-MM" with a month 01–12.</summary>
    public static bool IsMonth(string? month) =>
        month is { Length: 7 } && month[4] == '-' && int.TryParse(month.AsSpan(0, 4), System.Globalization.NumberStyles.None, null, out _)
        && int.TryParse(month.AsSpan(5, 2), System.Globalization.NumberStyles.None, null, out var m) && m is >= 1 and <= 12;

    private static IResult Invalid(string field, string reason) =>
        Results.Json(new FloorProblem(field, $"{field} {reason}"), FloorJson.Default.FloorProblem, "application/problem+json", StatusCodes.Status400BadRequest);
}

/// <summary>The body the load generator sends to the service's spending route (BookSpendingRequest's fields).</summary>
public sealed record FloorBookingRequest(string? Month, string? Kind, decimal? Amount, string? Note);

public sealed record FloorBookingAnswer(string Id, string Month, string? Kind, decimal Amount);

public sealed record FloorProblem(string Field, string Detail);

/// <summary>The journal row's payload, in the shape the service stores a booking (<c>{"Booking":{…}}</c>).</summary>
public sealed record FloorJournalPayload(FloorJournalBooking Booking);

public sealed record FloorJournalBooking(string Id, string Month, string? Kind, decimal Amount, string? Description, string BookedBy, string BookedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FloorBookingRequest))]
[JsonSerializable(typeof(FloorBookingAnswer))]
[JsonSerializable(typeof(FloorProblem))]
internal sealed partial class FloorJson : JsonSerializerContext;

/// <summary>The payload keeps the service's PascalCase property names, so the row holds what a journal row holds.</summary>
[JsonSerializable(typeof(FloorJournalPayload))]
internal sealed partial class FloorPayloadJson : JsonSerializerContext;
