using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Cluster mode's failure detection defaults (issue 17: a silo killed while 5,000 members vote). A cluster-mode
/// silo, built by the real host on the test PostgreSQL, runs with the small-LAN defaults of
/// <c>WarmteHost.ConfigureMembership</c> instead of Orleans' large-cluster ones; each can still be set under
/// <c>Orleans:Membership</c>, and a setting changes only that key. docs/operations.md, "Failure detection".
/// </summary>
public sealed class FailureDetectionDefaultsTests
{
    private static ClusterMembershipOptions Membership(WarmteServer server) =>
        server.App.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

    [Fact]
    public async Task A_cluster_mode_silo_runs_with_the_small_lan_failure_detection_defaults()
    {
        var pg = await PostgresServer.GetAsync();
        await using var server = await WarmteServer.StartAsync(postgres: await pg.CreateDatabaseAsync());
        var options = Membership(server);

        // Orleans' own: 5 s probes (adapting between 2.5 and 20 s), 60-s table refresh, 2-min votes, 30-s heartbeat.
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MinProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(8), options.MaxProbeTimeout);
        Assert.Equal(3, options.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), options.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.IAmAliveTablePublishTimeout);
        // Kept at Orleans' defaults on purpose: two votes to declare a silo dead, and no vote while a connection to
        // the suspect still delivers messages (a silo in a long GC pause is not declared dead for a missed probe).
        Assert.Equal(2, options.NumVotesForDeathDeclaration);
        Assert.True(options.EnableConnectionLivenessCheck);
        // A vote must outlive the longest suspicion window (8 s × 3 missed probes), or two silos' votes never meet.
        Assert.True(options.DeathVoteExpirationTimeout > options.MaxProbeTimeout * options.NumMissedProbesLimit);
    }

    [Fact]
    public async Task Configuration_overrides_a_default_and_leaves_the_others()
    {
        var pg = await PostgresServer.GetAsync();
        await using var server = await WarmteServer.StartAsync(postgres: await pg.CreateDatabaseAsync(), extraArgs:
        [
            "--Orleans:Membership:ProbeTimeout", "00:00:05",
            "--Orleans:Membership:TableRefreshTimeout", "00:01:00",
            "--Orleans:Membership:NumVotesForDeathDeclaration", "1",
        ]);
        var options = Membership(server);

        Assert.Equal(TimeSpan.FromSeconds(5), options.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), options.MaxProbeTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TableRefreshTimeout);
        Assert.Equal(1, options.NumVotesForDeathDeclaration);
        // Not set: still this service's defaults, not Orleans'.
        Assert.Equal(TimeSpan.FromSeconds(60), options.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.IAmAliveTablePublishTimeout);
        Assert.Equal(3, options.NumMissedProbesLimit);
    }

    [Fact]
    public async Task An_embedded_silo_keeps_orleans_own_membership_settings()
    {
        // One silo on localhost clustering probes nobody; the LAN defaults are for cluster mode only.
        await using var server = await WarmteServer.StartAsync();
        var options = Membership(server);
        Assert.Equal(new ClusterMembershipOptions().ProbeTimeout, options.ProbeTimeout);
        Assert.Equal(new ClusterMembershipOptions().TableRefreshTimeout, options.TableRefreshTimeout);
    }
}

/// <summary>
/// A 503 logs what the request waited on (docs/operations.md, "Failure detection"), but grain keys stay out of the
/// log: a voting attempt's grain is keyed by the member's IP address.
/// </summary>
public sealed class TransientFailureLogTests
{
    [Fact]
    public void The_logged_cause_keeps_grain_types_and_silo_addresses_and_drops_grain_keys()
    {
        const string timeout = "Response did not arrive on time in 00:00:30 for message: Request [S127.0.0.1:7111:155561486 sys.client/hosted-127.0.0.1:7111@155561486]->"
                               + "[S127.0.0.1:7112:155561487 votingattempts/address/10.0.0.248] Warmte.Voting.IVotingAttemptsGrain.Record(System.Boolean) #1F2\nsecond line";
        var line = Warmte.Silo.Hosting.WarmteHost.ScrubbedFirstLine(timeout);

        Assert.DoesNotContain("10.0.0.248", line);
        Assert.DoesNotContain("second line", line);
        Assert.Contains("votingattempts/…", line);
        Assert.Contains("[S127.0.0.1:7112:155561487 ", line);
        Assert.StartsWith("Response did not arrive on time in 00:00:30", line);

        const string rejection = "Exception while sending message: Orleans.Runtime.Messaging.ConnectionFailedException: Unable to connect to S127.0.0.1:7112:155562744, will retry after 900ms";
        Assert.Equal(rejection, Warmte.Silo.Hosting.WarmteHost.ScrubbedFirstLine(rejection));
        Assert.Contains("onlinevoting/…]", Warmte.Silo.Hosting.WarmteHost.ScrubbedFirstLine("->[S127.0.0.1:7111:1 onlinevoting/v1-stem/alv-online] Cast"));
    }
}
