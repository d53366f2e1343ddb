using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Warmte.Tests.Infrastructure;

/// <summary>
/// A throwaway certificate authority for silo-to-silo TLS in tests (what scripts/cluster.sh does with openssl, made
/// with .NET's CertificateRequest so it needs no program): a CA certificate in a PEM file and silo certificates it
/// signs (ECDSA P-256, serverAuth + clientAuth, subject alternative name 127.0.0.1), each as PEM certificate + key.
/// </summary>
public sealed class TestCertificateAuthority
{
    private static readonly Lazy<TestCertificateAuthority> SharedAuthority = new(() => Create("Warmtenet test CA"));

    private readonly X509Certificate2 _ca;
    private readonly string _dir;
    private int _issued;

    private TestCertificateAuthority(X509Certificate2 ca, string dir)
    {
        _ca = ca;
        _dir = dir;
        CaPemPath = Path.Combine(dir, "ca.pem");
        File.WriteAllText(CaPemPath, ca.ExportCertificatePem() + "\n");
    }

    /// <summary>The CA the test silos trust (one per test run).</summary>
    public static TestCertificateAuthority Shared => SharedAuthority.Value;

    /// <summary>The CA certificate alone (no key), as a silo's Orleans:Tls:CaCertificates.</summary>
    public string CaPemPath { get; }

    public X509Certificate2 Certificate => _ca;

    public static TestCertificateAuthority Create(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "warmte-ca-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return new TestCertificateAuthority(ca, dir);
    }

    /// <summary>A silo certificate signed by this CA, with its private key.</summary>
    public X509Certificate2 Issue(string name, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // serverAuth, clientAuth
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        using var issued = request.Create(_ca, now.AddHours(-1), notAfter ?? now.AddDays(10), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A silo certificate written as PEM files; returns the configuration a silo needs for it.</summary>
    public string[] SiloArgs(string name)
    {
        var n = Interlocked.Increment(ref _issued);
        var certificate = Issue(name);
        var certPath = Path.Combine(_dir, $"silo-{n}.pem");
        var keyPath = Path.Combine(_dir, $"silo-{n}.key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        return ["--Orleans:Tls:Certificate", certPath, "--Orleans:Tls:Key", keyPath, "--Orleans:Tls:CaCertificates", CaPemPath];
    }
}
