using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// Mutual TLS between silos (issue 16). In cluster mode every silo-to-silo connection is TLS 1.2/1.3 in both
/// directions: each silo presents its own certificate (Orleans:Tls:Certificate, with Orleans:Tls:Key for PEM or
/// Orleans:Tls:Password for PFX) and accepts a peer only if the peer's certificate chains to one of the CA
/// certificates in Orleans:Tls:CaCertificates (a PEM bundle: the old and the new CA while a CA is rotated).
/// The machine's own trust store plays no part: a certificate from any other CA, a public one included, is refused.
/// Embedded mode uses the same TLS: with configured certificates, or else with ones made in memory at start
/// (<see cref="EmbeddedSiloCertificate"/>), so no other process on the machine can talk to its silo port.
/// Without certificates a cluster-mode silo refuses to start, unless Orleans:Tls:Insecure=true on a silo whose
/// advertised address is loopback (one machine, development); that start logs a warning. See docs/operations.md.
/// </summary>
public static class SiloTransportSecurity
{
    public const string Section = "Orleans:Tls";

    /// <summary>What the configuration asks for: TLS with these certificates, or (opt-out) none.</summary>
    public sealed record Settings(X509Certificate2? Certificate, X509Certificate2Collection Authorities, bool Insecure)
    {
        public bool Enabled => Certificate is not null;

        /// <summary>Embedded mode without configured certificates: a private CA and certificate made in memory at start (<see cref="EmbeddedSiloCertificate"/>).</summary>
        public bool Generated { get; init; }
    }

    /// <summary>
    /// Reads and checks Orleans:Tls:*. Throws <see cref="ConfigurationException"/> with a Dutch message when the
    /// settings are incomplete, unreadable, inconsistent, or missing in cluster mode without the opt-out.
    /// </summary>
    public static Settings Read(IConfiguration config, bool clusterMode, IPAddress advertised, DateTimeOffset now)
    {
        var section = config.GetSection(Section);
        var certificatePath = NonEmpty(section["Certificate"]);
        var keyPath = NonEmpty(section["Key"]);
        var password = NonEmpty(section["Password"]);
        var caPath = NonEmpty(section["CaCertificates"]);
        var insecure = section.GetValue("Insecure", false);

        if (certificatePath is null)
        {
            if (caPath is not null || keyPath is not null)
                throw new ConfigurationException($"{Section}:Certificate ontbreekt: zonder eigen certificaat kan deze silo geen TLS spreken "
                                                 + $"(wel gezet: {string.Join(", ", new[] { caPath is null ? null : "CaCertificates", keyPath is null ? null : "Key" }.OfType<string>())}).");
            // Embedded mode: one silo, whose port (127.0.0.1) any local user could reach; mutual TLS with a CA only this process ever holds.
            if (!clusterMode) return EmbeddedSiloCertificate.Create(now);
            if (!insecure)
                throw new ConfigurationException(
                    "Clustermodus (Storage:Provider=PostgreSQL) zonder TLS-certificaten: het verkeer tussen silo's zou onversleuteld en "
                    + "zonder controle wie er meedoet over het netwerk gaan. Zet Orleans:Tls:Certificate, Orleans:Tls:Key (of "
                    + "Orleans:Tls:Password voor een .pfx) en Orleans:Tls:CaCertificates (zie docs/operations.md, 'Silo-certificaten'). "
                    + "Alleen voor één machine (Orleans:AdvertisedIP 127.0.0.1) kan het zonder: Orleans:Tls:Insecure=true.");
            if (!IPAddress.IsLoopback(advertised))
                throw new ConfigurationException(
                    $"Orleans:Tls:Insecure=true mag alleen op één machine (Orleans:AdvertisedIP 127.0.0.1), niet op {advertised}: "
                    + "silo's op verschillende machines spreken altijd TLS. Zet Orleans:Tls:Certificate, Key en CaCertificates.");
            return new Settings(null, [], Insecure: true);
        }

        if (caPath is null)
            throw new ConfigurationException($"{Section}:CaCertificates ontbreekt: het PEM-bestand met de CA('s) waarvan andere silo's een "
                                             + "certificaat moeten hebben. Zonder dat wordt geen enkele silo vertrouwd.");
        var certificate = LoadCertificate(certificatePath, keyPath, password);
        var authorities = LoadAuthorities(caPath);

        // A silo whose own certificate its peers would refuse cannot join: say so now, not as a failed join minutes later.
        if (!IssuedByOneOf(certificate, authorities, now, out var why))
            throw new ConfigurationException($"{Section}:Certificate ({certificatePath}) is niet uitgegeven door een CA uit {caPath}, "
                                             + $"of is niet geldig: {why}. De andere silo's zouden deze silo weigeren.");
        return new Settings(certificate, authorities, Insecure: false);
    }

    /// <summary>Turns TLS on for every silo connection, inbound and outbound, with the certificate checks of <see cref="IsTrustedPeer"/>.</summary>
    public static ISiloBuilder UseWarmteTls(this ISiloBuilder silo, Settings settings)
    {
        var authorities = settings.Authorities;
        silo.UseTls(settings.Certificate!, options =>
        {
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate; // the peer must show one, in both directions
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
            // The policy errors SslStream reports come from the machine's trust store and from host names; silos connect by
            // IP address and trust only the configured CA, so the chain is built again here against that CA alone.
            // Validity against the machine's real time, not the service's IClock: tests and demos run the domain on a
            // chosen clock, but a certificate expires in the world, as the peer's TLS stack sees it too.
            options.RemoteCertificateValidation = (certificate, _, _) => IsTrustedPeer(certificate, authorities, DateTimeOffset.UtcNow);
        });
        return silo;
    }

    /// <summary>A peer is trusted when its certificate chains to one of <paramref name="authorities"/> and is valid now.</summary>
    public static bool IsTrustedPeer(X509Certificate2 certificate, X509Certificate2Collection authorities, DateTimeOffset now) =>
        IssuedByOneOf(certificate, authorities, now, out _);

    private static bool IssuedByOneOf(X509Certificate2 certificate, X509Certificate2Collection authorities, DateTimeOffset now, out string why)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a throwaway/private CA publishes no revocation lists
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        var built = chain.Build(certificate);
        why = built ? "" : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("keten onvolledig"));
        if (!built) return false;
        // The chain must end in one of the configured CAs itself (not merely in a certificate that happens to be in the bundle as a leaf).
        var root = chain.ChainElements[^1].Certificate;
        if (!authorities.Any(a => a.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span)))
        {
            why = "de keten eindigt niet bij een geconfigureerde CA";
            return false;
        }
        return true;
    }

    private static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password)
    {
        RequireFile(path, "Certificate");
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                var pfx = X509CertificateLoader.LoadPkcs12FromFile(path, password);
                return pfx.HasPrivateKey ? pfx : throw new ConfigurationException($"{Section}:Certificate ({path}) bevat geen privésleutel.");
            }
            if (keyPath is not null) RequireFile(keyPath, "Key");
            using var pem = password is null
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            // Through PKCS#12 once: SslStream wants a certificate whose key it can use on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (ConfigurationException) { throw; }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{Section}:Certificate ({path}{(keyPath is null ? "" : ", sleutel " + keyPath)}) kan niet gelezen worden "
                                             + $"als certificaat met privésleutel (PEM met Orleans:Tls:Key, of .pfx met Orleans:Tls:Password): {e.Message}");
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        RequireFile(path, "CaCertificates");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{Section}:CaCertificates ({path}) kan niet gelezen worden als PEM-bestand met CA-certificaten: {e.Message}");
        }
        if (authorities.Count == 0)
            throw new ConfigurationException($"{Section}:CaCertificates ({path}) bevat geen certificaat.");
        if (File.ReadAllText(path).Contains("PRIVATE KEY", StringComparison.Ordinal))
            throw new ConfigurationException($"{Section}:CaCertificates ({path}) bevat een privésleutel; alleen de CA-certificaten horen op de silo's.");
        return authorities;
    }

    private static void RequireFile(string path, string key)
    {
        if (!File.Exists(path))
            throw new ConfigurationException($"{Section}:{key}: het bestand {path} bestaat niet.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
