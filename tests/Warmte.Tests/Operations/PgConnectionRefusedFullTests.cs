using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Warmte.Journal;
using Warmte.CashFlow;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// PostgreSQL on a really full disk (scripts/full-disk-drill.sh, docs/operations.md "Drill: a really full disk under
/// PostgreSQL"): besides refusing a write with disk_full (53100), the server refuses NEW connections with a FATAL
/// "could not write init file" (SQLSTATE XX000, no disk_full code) once its relation-cache file is gone; the drill met it
/// on most requests after the first refusal (a grain reloading its state, the token lookup) and the service answered
/// them 500 internal-error with a stack trace each, and /health/ready 500. They are the full disk too: 503 storage-full,
/// ready 503 "database vol". Without a mount: the server's exception, as Npgsql raises it, thrown where the grain would
/// meet it (a test-only grain call filter), on the real service.
/// </summary>
public sealed class PgConnectionRefusedFullTests : IAsyncLifetime
{
    private readonly ConnectionRefused _refuse = new();
    private WarmteServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await WarmteServer.StartAsync(configure: b => b.Services.AddSingleton<IIncomingGrainCallFilter>(_refuse));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>PostgreSQL's own words for a backend that could not write its relation-cache file (relcache.c).</summary>
    private static PostgresException InitFileNotWritten() =>
        new("could not write init file", "FATAL", "FATAL", PostgresErrorCodes.InternalError);

    /// <summary>While on, every booking fails before it runs, as a grain reloading its state on a full PostgreSQL does.</summary>
    private sealed class ConnectionRefused : IIncomingGrainCallFilter
    {
        public volatile bool On;

        public Task Invoke(IIncomingGrainCallContext context) =>
            On && context.InterfaceMethod.DeclaringType == typeof(ICashFlowPlanGrain) && context.InterfaceMethod.Name == nameof(ICashFlowPlanGrain.Book)
                ? throw InitFileNotWritten()
                : context.Invoke();
    }

    [Fact]
    public void A_refused_connection_for_lack_of_space_is_a_full_disk_and_another_internal_error_is_not()
    {
        Assert.True(StorageSpace.IsFull(InitFileNotWritten()));
        Assert.True(StorageSpace.IsFull(new InvalidOperationException("wrapped", InitFileNotWritten())));
        Assert.True(StorageSpace.IsFull(new PostgresException("could not extend file \"base/16384/16469\": No space left on device", "ERROR", "ERROR",
            PostgresErrorCodes.DiskFull)));
        Assert.False(StorageSpace.IsFull(new PostgresException("cache lookup failed for relation 16469", "ERROR", "ERROR", PostgresErrorCodes.InternalError)));
        Assert.False(StorageSpace.IsFull(new PostgresException("out of memory", "ERROR", "ERROR", PostgresErrorCodes.OutOfMemory)));
    }

    /// <summary>
    /// The drill's second round (two silos): the project's grain lived on silo 1, whose journal counted every refusal; silo 2
    /// answered the bookings it forwarded 503 storage-full but stayed ready and logged nothing. A refusal counted by a
    /// journal (a StorageFullException) that reaches a silo without an episode starts one there; the silo's own journal
    /// refusal followed by the API's answer is still one count.
    /// </summary>
    [Fact]
    public void A_refusal_counted_on_another_silo_starts_the_episode_here_and_a_local_one_is_counted_once()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 21, 0));
        using var logs = new CapturedLogs();
        using var factory = new LoggerFactory([logs]);
        var forwarding = new StorageSpace(clock, factory.CreateLogger<StorageSpace>());
        var refusedElsewhere = new StorageFullException("The database is full; nothing was stored (test).");

        forwarding.Answered(refusedElsewhere);
        Assert.True(forwarding.NotReady);
        forwarding.Answered(refusedElsewhere);
        clock.Advance(Duration.FromSeconds(25));
        forwarding.Answered(refusedElsewhere);
        clock.Advance(Duration.FromSeconds(25));
        Assert.True(forwarding.NotReady); // 25 s after the last forwarded refusal, not after the first
        Assert.Single(logs.Entries, e => e.Contains("Storage full", StringComparison.Ordinal));

        clock.Advance(StorageSpace.Settle);
        forwarding.Written();
        Assert.False(forwarding.NotReady);
        Assert.Contains(logs.Entries, e => e.Contains("Storage has room again: a write succeeded after 1 writes", StringComparison.Ordinal));

        // On the silo whose journal refused: the journal counts, the API's answer of the same write does not count again.
        var local = new StorageSpace(clock, factory.CreateLogger<StorageSpace>());
        var full = new PostgresException("could not extend file", "ERROR", "ERROR", PostgresErrorCodes.DiskFull);
        local.Refused(full);
        local.Answered(refusedElsewhere);
        local.Refused(full);
        local.Answered(refusedElsewhere);
        clock.Advance(StorageSpace.Settle);
        local.Written();
        Assert.Contains(logs.Entries, e => e.Contains("Storage has room again: a write succeeded after 2 writes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_booking_that_meets_a_refused_connection_is_503_storage_full_in_Dutch_and_the_silo_is_not_ready()
    {
        var admin = _server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid():N}"[..13], $"proj-{Guid.NewGuid():N}"[..13]);
        Assert.Equal(HttpStatusCode.OK, (await _server.Client(token: null).Get("health/ready")).Status);

        _refuse.On = true;
        var refused = await admin.Post($"api/projects/{project}/spending", new { month = "2026-11", kind = "Advisers", amount = 12.34m });
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "storage-full"), (refused.Status, refused.Code));
        Assert.Equal("Opslag vol", refused.Text("title"));
        Assert.StartsWith("De opslag is vol; er is niets bewaard.", refused.Text("detail"));

        // A load balancer's probe (no token) takes the silo out, naming the reason.
        var ready = await _server.Client(token: null).Get("health/ready");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "not-ready"), (ready.Status, ready.Code));
        Assert.Contains("database vol", ready.Text("detail"));

        // Room again: the booking is taken and it is the only one.
        _refuse.On = false;
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month = "2026-11", kind = "Advisers", amount = 12.34m })).Status);
        var listing = await admin.Get($"api/projects/{project}/spending?month=2026-11");
        Assert.Equal(1, listing.Body.GetProperty("totalBookings").GetInt32());
        Assert.Equal(12.34m, listing.Body.GetProperty("totalAmount").GetDecimal());
    }
}
