using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Warmte.Silo.Hosting;
using Warmte.Tests.Infrastructure;
using static Warmte.Tests.Cluster.SiloTransportSecurityTests;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Embedded mode's silo port (issue 16). A single silo still listens on a silo port (127.0.0.1, Orleans:SiloPort),
/// which every local user can reach. It speaks mutual TLS with a CA made in memory at start (its key dropped), so
/// no other process can talk to it: a cleartext connection gets nothing back, a TLS connection without a client
/// certificate, with one of another CA, or with one of a look-alike CA of the same name is refused, and an Orleans
/// silo that tries to join the embedded silo's cluster through that port (the way in to every grain) fails. The
/// control: a peer holding the silo's own certificate completes the handshake, so the refusals are the
/// certificate's doing. Before this, the silo answered a cleartext Orleans preamble with its own (docs/security.md).
/// </summary>
public sealed class EmbeddedSiloTransportTests
{
    [Fact]
    public async Task The_embedded_silo_port_speaks_only_mutual_tls_with_a_ca_no_other_process_holds()
    {
        await using var server = await WarmteServer.StartAsync();
        var services = server.App.Services;
        var port = services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.Port;
        var tls = services.GetRequiredService<SiloTransportSecurity.Settings>();
        Assert.True(tls.Enabled && tls.Generated, "embedded mode without configured certificates runs without TLS");
        var coop = "embedded-" + Guid.NewGuid().ToString("N")[..6];
        await ApiCalls.SeedCooperativeWithProject(server.Client(), coop, coop + "-p");

        // Control: the silo's own certificate (only this process has its key) completes the mutual handshake, and the
        // silo presents a certificate of its in-memory CA.
        await using (var accepted = await TlsHandshake(port, tls.Certificate))
        {
            Assert.True(accepted.IsMutuallyAuthenticated);
            Assert.Equal(tls.Authorities[0].Subject, accepted.RemoteCertificate!.Issuer);
        }
        Assert.False(tls.Authorities[0].HasPrivateKey, "the in-memory CA kept its private key");

        // Cleartext, as any local process would connect: Orleans' preamble gets no answer (it used to get the silo's own).
        Assert.Equal(0, await PlainConnectionAnswer(port));

        // TLS without a client certificate, with one of another CA, and with one of a CA that has the same name.
        Assert.True(await TlsRefused(port, null), "a TLS connection without a client certificate was kept open");
        Assert.True(await TlsRefused(port, TestCertificateAuthority.Create("Another CA").Issue("stranger")), "a certificate of another CA was accepted");
        var lookAlike = TestCertificateAuthority.Create(tls.Authorities[0].Subject["CN=".Length..]);
        Assert.Equal(tls.Authorities[0].Subject, lookAlike.Certificate.Subject);
        Assert.True(await TlsRefused(port, lookAlike.Issue("Warmtenet embedded silo")), "a certificate of a look-alike CA (same name, other key) was accepted");

        // The port is bound to 127.0.0.1 only (127.0.0.2 is this machine too; a socket on every address would accept it).
        Assert.True(await Connects(IPAddress.Loopback, port));
        Assert.False(await Connects(IPAddress.Parse("127.0.0.2"), port), "the embedded silo port listens on more than 127.0.0.1");

        // An Orleans silo without TLS that joins the embedded silo's cluster (same cluster and service id, the embedded
        // silo as its primary): the way to call any grain past the HTTP API. It cannot join, so it never starts.
        var clusterId = server.App.Configuration["Orleans:ClusterId"]!;
        var rogue = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(FreePort.Next(), 0, new IPEndPoint(IPAddress.Loopback, port), serviceId: "warmtenet", clusterId: clusterId);
                silo.Configure<ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = TimeSpan.FromSeconds(15));
            })
            .Build();
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(180));
            await Assert.ThrowsAnyAsync<Exception>(() => rogue.StartAsync(limit.Token));
            Assert.False(limit.IsCancellationRequested, "the rogue silo neither joined nor gave up within 180 s");
        }
        finally
        {
            try { await rogue.StopAsync(TimeSpan.FromSeconds(10).ToCancellationToken()); } catch (Exception) { /* it never started */ }
            rogue.Dispose();
        }

        // The embedded silo is one silo still, and serves as before.
        var membership = services.GetRequiredService<Orleans.Runtime.IClusterMembershipService>().CurrentSnapshot;
        Assert.Single(membership.Members.Values, m => m.Status == SiloStatus.Active);
        Assert.Equal(HttpStatusCode.OK, (await server.Client().Get($"api/cooperatives/{coop}")).Status);
    }

    [Fact]
    public void The_generated_certificate_chains_to_its_ca_and_each_start_has_its_own()
    {
        var now = DateTimeOffset.UtcNow;
        var first = EmbeddedSiloCertificate.Create(now);
        var second = EmbeddedSiloCertificate.Create(now);
        Assert.True(first.Certificate!.HasPrivateKey);
        Assert.True(SiloTransportSecurity.IsTrustedPeer(first.Certificate, first.Authorities, now));
        Assert.True(SiloTransportSecurity.IsTrustedPeer(first.Certificate, first.Authorities, now + TimeSpan.FromDays(365)));
        // Another start's certificate (same names, other keys) is no peer of this one, and the reverse.
        Assert.False(SiloTransportSecurity.IsTrustedPeer(second.Certificate!, first.Authorities, now));
        Assert.False(SiloTransportSecurity.IsTrustedPeer(first.Certificate, second.Authorities, now));
        Assert.DoesNotContain(first.Authorities.Cast<X509Certificate2>(), a => a.HasPrivateKey);
    }
}
