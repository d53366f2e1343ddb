using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// A full disk (tester8 T3): every write refused with 503 storage-full and nothing saved, /health/ready 503 while it
/// lasts, one warning per episode and one when it ends, writes taken again once there is room, without a restart.
/// The real service on a real SQLite file, made full by SQLite itself: the tests' page limit (SqliteTestPageLimit,
/// PRAGMA max_page_count) makes SQLite answer SQLITE_FULL exactly as on a full disk, without mounting anything.
/// </summary>
public sealed class StorageFullTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    // The service's clock, moved by hand: an episode ends at a write that succeeds StorageSpace.Settle after the last refusal.
    private readonly FakeClock _clock = new(SystemClock.Instance.GetCurrentInstant());
    private WarmteServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await WarmteServer.StartAsync(clock: _clock,
            extraArgs: ["--environment", "Testing", "--Logging:LogLevel:Default", "Information", "--Logging:LogLevel:Orleans", "Warning"],
            configure: builder => builder.Logging.AddProvider(_logs));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_server.DataDir, recursive: true);
    }

    private SqliteTestPageLimit PageLimit =>
        _server.App.Services.GetRequiredService<StorageSettings>().TestPageLimit
        ?? throw new InvalidOperationException("no page limit: the test server is not in the Testing environment");

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static Task<ApiCalls.Answer> Book(HttpClient admin, string project, int n) =>
        admin.Post($"api/projects/{project}/spending", new { month = "2026-11", kind = "adviseurs", amount = 1_000m + n, note = new string('x', 400) });

    private static async Task<int> BookedIn(HttpClient admin, string project)
    {
        var listing = await admin.Get($"api/projects/{project}/spending?month=2026-11");
        Assert.Equal(HttpStatusCode.OK, listing.Status);
        return listing.Body.GetProperty("totalBookings").GetInt32();
    }

    /// <summary>
    /// Log entries at Warning or above, as an operator's log filter shows them; Orleans' own warnings left out, because on
    /// a loaded machine it warns of slow grain calls ("took longer than …") whatever the disk does. Its errors count.
    /// </summary>
    private string[] Warnings() =>
        [.. _logs.Entries.Where(e => (e.StartsWith("Warning", StringComparison.Ordinal) && !e.StartsWith("Warning Orleans.", StringComparison.Ordinal))
                                     || e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal))];

    [Fact]
    public async Task A_full_database_refuses_every_write_with_a_Dutch_503_saves_nothing_is_not_ready_logs_once_and_recovers()
    {
        var admin = _server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        Assert.Equal(HttpStatusCode.Created, (await Book(admin, project, 0)).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Get("health/ready")).Status);
        var warningsBefore = Warnings().Length;

        // The file may not grow any more (a limit below its size is "no growth"): the next writes that need a page fail.
        PageLimit.MaxPages = 1;
        var booked = 1;
        var refused = new List<ApiCalls.Answer>();
        for (var n = 1; n <= 400 && refused.Count < 40; n++)
        {
            var answer = await Book(admin, project, n);
            if (answer.Status == HttpStatusCode.Created && refused.Count == 0) booked++;
            else refused.Add(answer);
        }
        Assert.True(refused.Count == 40, $"the page limit never filled the file: {booked} bookings went in");
        // Every write after the first refusal is refused the same way, none as a 500.
        Assert.All(refused, r =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
            Assert.Equal("application/problem+json", r.ContentType);
            Assert.Equal("storage-full", r.Code);
            Assert.Equal("Opslag vol", r.Text("title"));
            Assert.StartsWith("De opslag is vol; er is niets bewaard.", r.Text("detail"));
            Assert.Contains("beheerder", r.Text("detail"));
        });
        // Nothing of the refused bookings is stored; reads go on.
        Assert.Equal(booked, await BookedIn(admin, project));

        // Creating a cooperative (a smaller write: a few may still fit in the pages there are) is refused the same
        // way once it does not fit, and nothing of it exists.
        ApiCalls.Answer create;
        string lateCoop;
        var created = 0;
        do
        {
            lateCoop = NewId("coop");
            create = await admin.Post("api/cooperatives", new
            {
                id = lateCoop, statutoryName = "Coöperatie Vol U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2024-03-01",
            });
        } while (create.Status == HttpStatusCode.Created && ++created < 200);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "storage-full"), (create.Status, create.Code));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{lateCoop}")).Status);

        // A Retry-After on the answer itself (the helper above does not keep headers).
        using (var raw = await admin.PostAsync($"api/projects/{project}/spending", System.Net.Http.Json.JsonContent.Create(
                   new { month = "2026-11", kind = "adviseurs", amount = 5m, note = new string('y', 400) })))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, raw.StatusCode);
            Assert.True(raw.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {raw.Headers.RetryAfter}");
        }

        // Not ready while the store is full, with the reason named.
        var notReady = await admin.Get("health/ready");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "not-ready"), (notReady.Status, notReady.Code));
        Assert.Contains("database vol", notReady.Text("detail"));

        // One warning for the whole episode, no error at all, no stack trace.
        var during = Warnings()[warningsBefore..];
        Assert.True(during.Length == 1, "expected one warning for the episode, got:\n" + string.Join("\n", during));
        Assert.Contains("Storage full", during[0]);
        Assert.Contains("SQLite Error 13", during[0]);
        Assert.DoesNotContain(_logs.Entries, e => e.Contains("   at ", StringComparison.Ordinal) && e.Contains("SqliteException", StringComparison.Ordinal));

        // Room again (the operator freed space): the next write is taken, ready again, one line says so.
        PageLimit.MaxPages = null;
        _clock.Advance(StorageSpace.Settle + Duration.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await Book(admin, project, 1000)).Status);
        Assert.Equal(booked + 1, await BookedIn(admin, project));
        Assert.Equal(HttpStatusCode.OK, (await admin.Get("health/ready")).Status);
        var after = Warnings()[warningsBefore..];
        Assert.True(after.Length == 2, "expected the episode's warning and the recovery line, got:\n" + string.Join("\n", after));
        Assert.Contains("Storage has room again", after[1]);
        // Counted: at least every refused request (a background write the service retries may add to it).
        var counted = System.Text.RegularExpressions.Regex.Match(after[1], @"after (\d+) writes were refused");
        Assert.True(counted.Success && int.Parse(counted.Groups[1].Value) >= refused.Count + 2, after[1]);

        // A new episode is logged again: once.
        _clock.Advance(Duration.FromMinutes(1));
        PageLimit.MaxPages = 1;
        for (var n = 2000; n < 2100 && (await Book(admin, project, n)).Status == HttpStatusCode.Created; n++) { }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Book(admin, project, 3000)).Status);
        Assert.Equal(3, Warnings()[warningsBefore..].Count(w => w.Contains("Storage full") || w.Contains("Storage has room again")));
        PageLimit.MaxPages = null;
    }
}

/// <summary>Which driver errors are "the storage is full" (StorageSpace.IsFull), on both engines.</summary>
public sealed class StorageFullClassificationTests
{
    [Fact]
    public void SQLite_full_and_PostgreSQL_disk_full_are_full_also_inside_other_exceptions_and_nothing_else_is()
    {
        var sqliteFull = new Microsoft.Data.Sqlite.SqliteException("SQLite Error 13: 'database or disk is full'.", 13);
        var pgDiskFull = new Npgsql.PostgresException("could not extend file: No space left on device", "ERROR", "ERROR", "53100");
        Assert.True(StorageSpace.IsFull(sqliteFull));
        Assert.True(StorageSpace.IsFull(pgDiskFull));
        Assert.True(StorageSpace.IsFull(new Warmte.Journal.StorageFullException("full")));
        Assert.True(StorageSpace.IsFull(new InvalidOperationException("grain call failed", sqliteFull)));
        Assert.True(StorageSpace.IsFull(new AggregateException(new TimeoutException(), pgDiskFull)));

        // The server's memory is not its disk (answered 503 unavailable as a transient failure); other errors stay errors.
        Assert.False(StorageSpace.IsFull(new Npgsql.PostgresException("out of memory", "ERROR", "ERROR", "53200")));
        Assert.False(StorageSpace.IsFull(new Microsoft.Data.Sqlite.SqliteException("SQLite Error 19: 'UNIQUE constraint failed'.", 19)));
        Assert.False(StorageSpace.IsFull(new Microsoft.Data.Sqlite.SqliteException("SQLite Error 5: 'database is locked'.", 5)));
        Assert.False(StorageSpace.IsFull(new IOException("disk")));
        Assert.False(StorageSpace.IsFull(null));
    }
}
