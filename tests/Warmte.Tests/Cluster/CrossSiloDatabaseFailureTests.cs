using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Warmte.CashFlow;
using Warmte.Journal;
using Warmte.Serialization;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cluster;

/// <summary>
/// A database failure on the silo that holds the grain, for a request that came in on the other silo (the full-disk drill,
/// docs/operations.md: PostgreSQL crashed, the grain's silo met Npgsql's exception, Orleans could not send it back and the
/// client got 500 internal-error). The caller's silo answers as a local call is answered: 503 unavailable for a broken
/// connection, 503 storage-full for a full disk (and that silo not ready), 500 for anything else. Two silos of one cluster on
/// the test PostgreSQL; the driver's exception is thrown on the grain's silo by a test-only grain call filter.
/// </summary>
public sealed class CrossSiloDatabaseFailureTests
{
    /// <summary>The drill's broken connection: Npgsql reading from a socket the crashed server closed.</summary>
    private static NpgsqlException BrokenConnection() => new("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream."));

    /// <summary>A new connection PostgreSQL refuses on a full disk (StorageSpace.PgInitFileNotWritten).</summary>
    private static PostgresException InitFileNotWritten() => new("could not write init file", "FATAL", "FATAL", PostgresErrorCodes.InternalError);

    /// <summary>A bug: a query on a table that does not exist, with the details PostgreSQL adds.</summary>
    private static PostgresException UndefinedTable() => new("relation \"geheime_tabel\" does not exist", "ERROR", "ERROR", PostgresErrorCodes.UndefinedTable,
        detail: "Key (email)=(lid@example.nl) already exists.", internalQuery: "SELECT wachtwoord FROM geheime_tabel");

    /// <summary>While an error is set, every booking fails with it before it runs, on whichever silo holds the cash plan.</summary>
    private sealed class Failures
    {
        public volatile Func<Exception>? Error;
        public readonly ConcurrentQueue<string> ThrownOn = new();
    }

    private sealed class FailingBookings(string silo, Failures failures) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (failures.Error is { } error && context.InterfaceMethod.DeclaringType == typeof(ICashFlowPlanGrain)
                && context.InterfaceMethod.Name == nameof(ICashFlowPlanGrain.Book))
            {
                failures.ThrownOn.Enqueue(silo);
                throw error();
            }
            return context.Invoke();
        }
    }

    private sealed record Problem(HttpStatusCode Status, string Code, string Title, string Detail, string? RetryAfter);

    private static async Task<Problem> Book(WarmteServer server, string project, string note)
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync($"api/projects/{project}/spending",
            new { month = "2026-11", kind = "Advisers", amount = 12.34m, note }, WarmteJson.Default);
        var raw = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(raw).RootElement;
        string Text(string name) => body.TryGetProperty(name, out var value) ? value.ToString() : "";
        return new Problem(response.StatusCode, Text("code"), Text("title"), Text("detail"), response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task A_database_failure_on_the_grains_silo_is_answered_by_the_other_silo_as_a_local_one_not_500()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        string[] args = ["--Orleans:ClusterId", "dbfail-" + Guid.NewGuid().ToString("N")[..6]];
        var failures = new Failures();
        Task<WarmteServer> Start(string name) => WarmteServer.StartAsync(postgres: database, extraArgs: args,
            configure: b => b.Services.AddSingleton<IIncomingGrainCallFilter>(new FailingBookings(name, failures)));
        var starts = await Task.WhenAll(Start("a"), Start("b"));
        await using var a = starts[0];
        await using var b = starts[1];
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await b.Client().Get("api/status")).Body.GetProperty("activeSilos").GetInt32() != 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two silos did not form one cluster within 90 s");
            await Task.Delay(500);
        }
        var project = await ApiCalls.SeedCooperativeWithProject(a.Client(), "coop-dbfail", "proj-dbfail");

        // Where the project's cash plan lives: the filter that throws runs on that silo.
        failures.Error = BrokenConnection;
        await Book(a, project, "waar");
        var home = Assert.Single(failures.ThrownOn);
        var (local, remote) = home == "a" ? (a, b) : (b, a);

        async Task<(Problem Remote, Problem Local)> BothWays(Func<Exception> error)
        {
            failures.Error = error;
            failures.ThrownOn.Clear();
            var fromRemote = await Book(remote, project, "over");
            var fromLocal = await Book(local, project, "hier");
            // Both requests reached the grain on its own silo: the first one through a call between the silos.
            Assert.Equal(new[] { home, home }, failures.ThrownOn);
            return (fromRemote, fromLocal);
        }

        // The drill's case: the connection broke. Retry in a moment, as after a local broken connection.
        var broken = await BothWays(BrokenConnection);
        Assert.Equal(new Problem(HttpStatusCode.ServiceUnavailable, "unavailable", "Tijdelijk niet beschikbaar",
            "De dienst kan dit nu niet verwerken; probeer het over enkele seconden opnieuw.", "2"), broken.Remote);
        Assert.Equal(broken.Local, broken.Remote);

        // A bug stays a bug (500, logged), on both ways alike, and says nothing of the query or its data.
        var bug = await BothWays(UndefinedTable);
        Assert.Equal((HttpStatusCode.InternalServerError, "internal-error"), (bug.Remote.Status, bug.Remote.Code));
        Assert.Equal(bug.Local, bug.Remote);

        // A full disk: storage-full in Dutch, and the silo that answered it is taken out by its load balancer.
        Assert.Equal(HttpStatusCode.OK, (await remote.Client(token: null).Get("health/ready")).Status);
        var full = await BothWays(InitFileNotWritten);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "storage-full", "Opslag vol", "60"),
            (full.Remote.Status, full.Remote.Code, full.Remote.Title, full.Remote.RetryAfter));
        Assert.StartsWith("De opslag is vol; er is niets bewaard.", full.Remote.Detail);
        Assert.Equal(full.Local, full.Remote);
        var ready = await remote.Client(token: null).Get("health/ready");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "not-ready"), (ready.Status, ready.Code));
        Assert.Contains("database vol", ready.Text("detail"));

        // Nothing was half-stored: the next booking through the other silo is the project's only one.
        failures.Error = null;
        Assert.Equal(HttpStatusCode.Created, (await Book(remote, project, "geboekt")).Status);
        var listing = await local.Client().Get($"api/projects/{project}/spending?month=2026-11");
        Assert.Equal(1, listing.Body.GetProperty("totalBookings").GetInt32());
        Assert.Equal(12.34m, listing.Body.GetProperty("totalAmount").GetDecimal());
    }

    /// <summary>
    /// Every way a driver's exception leaves a silo goes through Orleans' serialiser: a grain method's exception, the rejection
    /// of calls that waited on a grain whose activation (loading its state) failed, and the cause inside the service's own
    /// exceptions. Through the serialiser the silos use, each arrives classified, without the driver's details.
    /// </summary>
    [Fact]
    public void A_drivers_exception_crosses_the_serialiser_classified_and_without_its_details()
    {
        var services = new ServiceCollection();
        services.AddSerializer(s => s.AddAssembly(typeof(DatabaseFailureException).Assembly));
        DatabaseFailureCodec.AddTo(services);
        using var provider = services.BuildServiceProvider();
        var serializer = provider.GetRequiredService<Serializer>();
        Exception Across(Exception error) => serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(error))!;

        var broken = Assert.IsType<DatabaseFailureException>(Across(BrokenConnection()));
        Assert.Equal(DatabaseFailureKind.Unavailable, broken.Kind);
        Assert.True(WarmteHost.IsTransient(broken));
        Assert.False(StorageSpace.IsFull(broken));
        Assert.Contains("Exception while reading from stream", broken.Message);

        var refused = Assert.IsType<DatabaseFailureException>(Across(InitFileNotWritten()));
        Assert.True(StorageSpace.IsFull(refused));
        var diskFull = Across(new PostgresException("could not extend file \"base/16384/16469\": No space left on device", "ERROR", "ERROR", PostgresErrorCodes.DiskFull));
        Assert.True(StorageSpace.IsFull(diskFull));
        Assert.False(WarmteHost.IsTransient(diskFull)); // full before transient: Npgsql calls disk_full transient, a full disk needs a person
        var sqliteFull = Across(new Microsoft.Data.Sqlite.SqliteException("SQLite Error 13: 'database or disk is full'.", 13));
        Assert.True(StorageSpace.IsFull(sqliteFull));

        var bug = Assert.IsType<DatabaseFailureException>(Across(UndefinedTable()));
        Assert.Equal(DatabaseFailureKind.Other, bug.Kind);
        Assert.False(WarmteHost.IsTransient(bug) || StorageSpace.IsFull(bug));
        Assert.Contains(PostgresErrorCodes.UndefinedTable, bug.Message);
        Assert.DoesNotContain("wachtwoord", bug.ToString());
        Assert.DoesNotContain("lid@example.nl", bug.ToString());
        Assert.Null(bug.InnerException);

        // A write of several commits that stopped half-way carries the driver's exception as its cause.
        var partly = Assert.IsType<PartiallyStoredException>(Across(new PartiallyStoredException("Het project is aangemaakt.", BrokenConnection())));
        Assert.Equal("Het project is aangemaakt.", partly.Message);
        Assert.True(WarmteHost.IsTransient(partly.InnerException));
        var partlyFull = Assert.IsType<PartiallyStoredException>(Across(new PartiallyStoredException("Het project is aangemaakt.", InitFileNotWritten())));
        Assert.True(StorageSpace.IsFull(partlyFull.InnerException));
    }
}
