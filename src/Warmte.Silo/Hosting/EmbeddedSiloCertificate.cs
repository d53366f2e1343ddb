using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Warmte.Silo.Hosting;

/// <summary>
/// The embedded (single-silo, SQLite) mode's silo port (issue 16). Orleans always opens a silo port, even for one
/// silo (127.0.0.1, Orleans:SiloPort, default 11111); without TLS any process on the machine, any local user,
/// could connect to it and speak Orleans' silo protocol past every role check. So embedded mode runs the same
/// mutual TLS as cluster mode (<see cref="SiloTransportSecurity.UseWarmteTls"/>), with a private CA and a silo
/// certificate made in memory at every start: the CA's key signs the silo certificate and is then dropped, and
/// the silo's key never leaves the process. A single silo has no peers, so nothing legitimate ever connects to
/// that port; nothing else can complete the handshake, since no other process can hold a certificate of a CA
/// whose key no longer exists. Nothing is written to the data directory (no key file to protect, back up or
/// rotate); a restart makes new ones. P-256 ECDSA: a few milliseconds at start.
/// Configured certificates (Orleans:Tls:Certificate) take precedence, as in cluster mode.
/// </summary>
public static class EmbeddedSiloCertificate
{
    /// <summary>How long the generated certificates are valid; a silo process running longer than that is restarted long before.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3650);

    /// <summary>A fresh private CA (its key discarded) and a silo certificate (with key) issued by it, valid from <paramref name="now"/>.</summary>
    public static SiloTransportSecurity.Settings Create(DateTimeOffset now)
    {
        var notBefore = now.AddMinutes(-5); // a little slack for the clock of the TLS stack that checks it
        var notAfter = now + Lifetime;
        X509Certificate2 authority;
        X509Certificate2 silo;
        using (var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var caRequest = new CertificateRequest("CN=Warmtenet embedded silo CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
            using var caWithKey = caRequest.CreateSelfSigned(notBefore, notAfter);
            // Only the public certificate is kept: with the key gone, no other certificate of this CA can ever be made.
            authority = X509CertificateLoader.LoadCertificate(caWithKey.RawData);

            using var siloKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=Warmtenet embedded silo", siloKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caWithKey, includeKeyIdentifier: true, includeIssuerAndSerial: false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
            using var issued = request.Create(caWithKey, notBefore, notAfter, PositiveSerial());
            using var withKey = issued.CopyWithPrivateKey(siloKey);
            // Through PKCS#12 once, as for configured certificates: SslStream wants a key it can use on every platform.
            silo = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
        return new SiloTransportSecurity.Settings(silo, [authority], Insecure: false) { Generated = true };
    }

    /// <summary>128 random bits, the top one clear: a serial number is a positive integer.</summary>
    private static byte[] PositiveSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        return serial;
    }
}
