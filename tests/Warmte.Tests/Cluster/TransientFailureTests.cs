using System.Net.Sockets;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using Warmte.Silo.Hosting;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Which failures the API answers with 503 + Retry-After (send the same request again, to any
/// silo) instead of a 500: what Orleans raises when a silo dies mid-call or a connection breaks,
/// and database errors the driver marks transient. A version conflict has its own 409.
/// </summary>
public sealed class TransientFailureTests
{
    [Fact]
    public void Failures_of_a_dying_silo_or_a_broken_connection_are_retryable()
    {
        Exception[] transient =
        [
            new SiloUnavailableException(),
            new Orleans.Runtime.Messaging.ConnectionFailedException("connection to the silo was lost"),
            new GatewayTooBusyException(),
            new TimeoutException("response did not arrive on time"),
            new OperationCanceledException(),
            new NpgsqlException("connection reset", new SocketException((int)SocketError.ConnectionReset)),
        ];
        foreach (var error in transient) Assert.True(WarmteHost.IsTransient(error), error.GetType().Name);
    }

    [Fact]
    public void Bugs_and_version_conflicts_are_not_answered_as_retryable_unavailability()
    {
        Exception[] notTransient =
        [
            new InvalidOperationException("a bug"),
            new NpgsqlException("a bad query"),
            new InconsistentStateException("version conflict"),
        ];
        foreach (var error in notTransient) Assert.False(WarmteHost.IsTransient(error), error.GetType().Name);
    }
}
