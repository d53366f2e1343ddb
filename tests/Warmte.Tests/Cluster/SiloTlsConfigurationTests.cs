using System.Security.Cryptography.X509Certificates;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cluster;

/// <summary>
/// What a silo does with its Orleans:Tls settings before anything listens: cluster mode without certificates,
/// the insecure opt-out off loopback, a certificate its own CA bundle does not vouch for, a CA bundle with a key.
/// Each is refused with a Dutch message naming the setting; the host is never built.
/// </summary>
public sealed class SiloTlsConfigurationTests
{
    private static readonly string[] Postgres =
    [
        "--Storage:Provider", "PostgreSQL",
        // Never opened: the settings are refused before the database is touched.
        "--Storage:ConnectionString", "Host=127.0.0.1;Port=1;Database=none;Username=none",
        "--urls", "http://127.0.0.1:0",
    ];

    private static async Task<string> Refusal(params string[] args)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => WarmteHost.BuildAsync([.. Postgres, "--data-dir", WarmteServer.NewDataDir(), .. args]));
        return error.Message;
    }

    [Fact]
    public async Task Cluster_mode_without_certificates_refuses_to_start_and_says_what_to_set()
    {
        var message = await Refusal();
        Assert.Contains("Clustermodus", message);
        Assert.Contains("Orleans:Tls:Certificate", message);
        Assert.Contains("Orleans:Tls:CaCertificates", message);
        Assert.Contains("Orleans:Tls:Insecure", message);
    }

    [Fact]
    public async Task The_insecure_opt_out_is_refused_for_a_silo_other_machines_would_reach()
    {
        var message = await Refusal("--Orleans:AdvertisedIP", "10.0.0.11", "--Orleans:Tls:Insecure", "true");
        Assert.Contains("Orleans:Tls:Insecure=true mag alleen op één machine", message);
        Assert.Contains("10.0.0.11", message);
    }

    [Fact]
    public async Task A_certificate_of_another_ca_than_the_configured_bundle_is_refused_at_start()
    {
        var ours = TestCertificateAuthority.Create("Our CA");
        var theirs = TestCertificateAuthority.Create("Their CA");
        var args = theirs.SiloArgs("misissued");
        args[Array.IndexOf(args, "--Orleans:Tls:CaCertificates") + 1] = ours.CaPemPath;
        var message = await Refusal(args);
        Assert.Contains("is niet uitgegeven door een CA uit", message);
    }

    [Fact]
    public async Task A_ca_bundle_that_holds_a_private_key_is_refused()
    {
        var ca = TestCertificateAuthority.Create("Careless CA");
        var args = ca.SiloArgs("silo");
        var keyPath = args[Array.IndexOf(args, "--Orleans:Tls:Key") + 1];
        var bundle = Path.Combine(Path.GetDirectoryName(ca.CaPemPath)!, "bundle-with-key.pem");
        File.WriteAllText(bundle, File.ReadAllText(ca.CaPemPath) + File.ReadAllText(keyPath));
        args[Array.IndexOf(args, "--Orleans:Tls:CaCertificates") + 1] = bundle;
        Assert.Contains("bevat een privésleutel", await Refusal(args));
    }

    [Fact]
    public async Task A_missing_certificate_file_is_named()
    {
        var message = await Refusal("--Orleans:Tls:Certificate", "/nonexistent/silo.pem", "--Orleans:Tls:Key", "/nonexistent/silo.key",
            "--Orleans:Tls:CaCertificates", TestCertificateAuthority.Shared.CaPemPath);
        Assert.Contains("/nonexistent/silo.pem", message);
    }

    [Fact]
    public void A_peer_is_trusted_only_with_a_valid_certificate_of_a_configured_ca()
    {
        var ours = TestCertificateAuthority.Create("Our CA");
        var next = TestCertificateAuthority.Create("Our next CA");
        var theirs = TestCertificateAuthority.Create("Their CA");
        var now = DateTimeOffset.UtcNow;
        var bundle = new X509Certificate2Collection { ours.Certificate };
        Assert.True(SiloTransportSecurity.IsTrustedPeer(ours.Issue("peer"), bundle, now));
        Assert.False(SiloTransportSecurity.IsTrustedPeer(theirs.Issue("stranger"), bundle, now));
        Assert.False(SiloTransportSecurity.IsTrustedPeer(next.Issue("new peer"), bundle, now));
        // During a CA rotation the bundle holds both: peers of either CA are trusted.
        var rotating = new X509Certificate2Collection { ours.Certificate, next.Certificate };
        Assert.True(SiloTransportSecurity.IsTrustedPeer(ours.Issue("old peer"), rotating, now));
        Assert.True(SiloTransportSecurity.IsTrustedPeer(next.Issue("new peer"), rotating, now));
        // Expired: refused.
        Assert.False(SiloTransportSecurity.IsTrustedPeer(ours.Issue("expired", notAfter: now.AddMinutes(-5)), bundle, now));
        // A self-signed certificate that copies the CA's name is not the CA.
        Assert.False(SiloTransportSecurity.IsTrustedPeer(TestCertificateAuthority.Create("Our CA").Certificate, bundle, now));
    }
}
