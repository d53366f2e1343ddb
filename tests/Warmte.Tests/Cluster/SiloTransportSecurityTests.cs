using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using Warmte.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Warmte.Tests.Cluster;

/// <summary>
/// The cluster's own ports (issue 16): real silo processes on PostgreSQL with mutual TLS between them. The silos
/// form a cluster and serve grains across each other with certificates of their CA; a TLS-less connection, one
/// without a client certificate and one with a certificate of another CA are refused at the silo port; a silo
/// process with another CA's certificate, or without TLS, cannot join and so cannot reach a grain. No gateway
/// port is open, and the silo port listens on the advertised address only.
/// </summary>
public sealed class SiloTransportSecurityTests(ITestOutputHelper output)
{
    private static readonly string[] QuickMembership =
    [
        "--Orleans:Membership:ProbeTimeout", "00:00:02",
        "--Orleans:Membership:NumMissedProbesLimit", "2",
        "--Orleans:Membership:TableRefreshTimeout", "00:00:02",
    ];

    // Orleans' SiloStatus values as stored in OrleansMembershipTable.Status.
    private const int Active = 3;

    [Fact]
    public async Task Silos_with_the_clusters_certificates_work_together_and_nothing_else_gets_in()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        var clusterId = "tls-" + Guid.NewGuid().ToString("N")[..6];
        var gatewayPorts = new[] { FreePort.Next(), FreePort.Next() };
        var silos = Enumerable.Range(0, 2).Select(i => SiloProcess.OnPostgres($"silo {i + 1}", database, clusterId,
            [.. QuickMembership, "--Orleans:GatewayPort", gatewayPorts[i].ToString()])).ToArray();
        var clients = silos.Select(s => s.Client()).ToArray();
        var otherCa = TestCertificateAuthority.Create("Another CA");
        SiloProcess? rogue = null;
        try
        {
            foreach (var silo in silos) silo.Start();
            await Task.WhenAll(silos.Select(s => s.WaitHealthyAsync(TimeSpan.FromSeconds(240))));
            await WaitFor("two active silos", () => ActiveSilos(clients[0], 2), TimeSpan.FromSeconds(120));

            // The cluster works over TLS: every grain lives on one silo, and each is read through both silos'
            // HTTP ports, so at least half of these reads cross from one silo to the other.
            var projects = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var suffix = Guid.NewGuid().ToString("N")[..6];
                projects.Add(await ApiCalls.SeedCooperativeWithProject(clients[i % 2], $"coop-{suffix}", $"proj-{suffix}"));
            }
            foreach (var project in projects)
            foreach (var client in clients)
            {
                var read = await client.Get($"api/projects/{project}");
                Assert.Equal(HttpStatusCode.OK, read.Status);
                Assert.Equal(project, read.Body.GetProperty("id").GetString());
            }

            var port = silos[0].SiloPort;

            // Control: a client with a certificate of the cluster's CA completes the handshake, and the silo shows a
            // certificate of that CA. So the refusals below are the certificate's doing, not a broken probe.
            var right = TestCertificateAuthority.Shared.Issue("probe with the right CA");
            await using (var accepted = await TlsHandshake(port, right))
            {
                Assert.True(accepted.IsMutuallyAuthenticated);
                Assert.Equal(TestCertificateAuthority.Shared.Certificate.Subject, accepted.RemoteCertificate!.Issuer);
            }

            // Plain TCP, speaking Orleans' connection preamble without TLS: the silo answers nothing and hangs up.
            Assert.Equal(0, await PlainConnectionAnswer(port));

            // TLS without a client certificate, and with one of another CA: refused in the handshake or right after it.
            Assert.True(await TlsRefused(port, null), "a TLS connection without a client certificate was kept open");
            Assert.True(await TlsRefused(port, otherCa.Issue("stranger")), "a certificate of another CA was accepted");

            // Nothing listens where the Orleans client gateway used to be, and the silo port is bound to the advertised
            // address (127.0.0.1) only: 127.0.0.2 is this machine too, and a socket on all addresses would accept it.
            foreach (var gateway in gatewayPorts) Assert.False(await Connects(IPAddress.Loopback, gateway), $"something listens on gateway port {gateway}");
            Assert.True(await Connects(IPAddress.Loopback, port));
            Assert.False(await Connects(IPAddress.Parse("127.0.0.2"), port), "the silo port accepts connections on another address than the advertised one");

            // A silo process of another CA on the same database and cluster id cannot join: its connections are refused,
            // it never becomes Active, and it exits without ever serving a grain. The same without TLS at all.
            string[] join = [.. QuickMembership, "--Orleans:Membership:MaxJoinAttemptTime", "00:00:15"];
            foreach (var (name, args) in new (string, string[])[]
                     {
                         ("rogue silo with another CA", [.. join, .. otherCa.SiloArgs("rogue")]),
                         ("rogue silo without TLS", [.. join, "--Orleans:Tls:Certificate=", "--Orleans:Tls:Key=", "--Orleans:Tls:CaCertificates=", "--Orleans:Tls:Insecure", "true"]),
                     })
            {
                rogue = SiloProcess.OnPostgres(name, database, clusterId, args);
                rogue.Start();
                var exited = await WaitUntil(() => !rogue.Running, TimeSpan.FromSeconds(180), async () =>
                {
                    // Watched while it tries: not once Active (the real silos declare it Dead while it is still Joining).
                    Assert.DoesNotContain(Active, await MembershipStatuses(database, rogue.SiloPort));
                    using var http = rogue.Client();
                    http.Timeout = TimeSpan.FromSeconds(2);
                    try
                    {
                        var read = await http.Get($"api/projects/{projects[0]}");
                        Assert.NotEqual(HttpStatusCode.OK, read.Status);
                    }
                    catch (HttpRequestException) { }
                    catch (TaskCanceledException) { }
                });
                Assert.True(exited, $"{name} still runs after 180 s:\n{rogue.Tail()}");
                output.WriteLine($"{name}: exited without joining; log tail:\n{rogue.Tail(6)}");
                // Tester10 T9: it ends with exit 1 and a Dutch line saying why, not Orleans' FailFast (exit 134, SIGABRT).
                // Written dead by the others (the usual case) or out of join time: both are said and both exit 1.
                var exitCode = await rogue.WaitForExitAsync(TimeSpan.FromSeconds(10));
                var rogueLog = await File.ReadAllTextAsync(rogue.LogPath);
                Assert.True(exitCode == 1, $"{name} exited with {exitCode}:\n{rogue.Tail()}");
                Assert.DoesNotContain("FATAL EXCEPTION", rogueLog);
                Assert.True(rogueLog.Contains("Het cluster heeft deze silo dood verklaard; de silo stopt (exit 1). Deze silo kon niet meedoen: "
                                              + "waarschijnlijk weigeren de andere silo's zijn certificaat", StringComparison.Ordinal)
                            || rogueLog.Contains("De dienst kon niet starten: OrleansClusterConnectivityCheckFailedException", StringComparison.Ordinal),
                    $"{name} did not say why it stopped:\n{rogue.Tail()}");
                Assert.DoesNotContain(Active, await MembershipStatuses(database, rogue.SiloPort));
                await rogue.DisposeAsync();
                rogue = null;
            }

            // The cluster is as it was: two active silos, every project still served by both.
            await WaitFor("two active silos after the rogues", () => ActiveSilos(clients[1], 2), TimeSpan.FromSeconds(60));
            foreach (var project in projects)
                Assert.Equal(HttpStatusCode.OK, (await clients[1].Get($"api/projects/{project}")).Status);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
            if (rogue is not null) await rogue.DisposeAsync();
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    // ---- probes -----------------------------------------------------------------------------------

    /// <summary>Connects without TLS, sends what an Orleans peer sends first, and counts the bytes that come back before the silo hangs up.</summary>
    internal static async Task<int> PlainConnectionAnswer(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        // Orleans' preamble: a length, then the sender's identity; any cleartext is as good for the refusal.
        var preamble = new byte[64];
        BitConverter.TryWriteBytes(preamble, 60);
        preamble.AsSpan(4).Fill(0x41);
        try
        {
            await stream.WriteAsync(preamble);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var buffer = new byte[4096];
            var total = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) return total; // the silo closed the connection
                total += read;
            }
        }
        catch (IOException) { return 0; } // reset by the silo
        catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException("the silo kept a cleartext connection open for 20 s"); }
    }

    internal static async Task<SslStream> TlsHandshake(int port, X509Certificate2? clientCertificate)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            // The probe checks the silo's certificate itself (the issuer, above); it trusts no store.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }, timeout.Token);
        return ssl;
    }

    /// <summary>
    /// True when the silo refuses the connection: the handshake fails, or (TLS 1.3 checks the client's certificate
    /// after the client has finished) the silo closes the stream before answering anything.
    /// </summary>
    internal static async Task<bool> TlsRefused(int port, X509Certificate2? clientCertificate)
    {
        SslStream ssl;
        try
        {
            ssl = await TlsHandshake(port, clientCertificate);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return true;
        }
        await using (ssl)
        {
            try
            {
                await ssl.WriteAsync(new byte[64]);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var read = await ssl.ReadAsync(new byte[4096], timeout.Token);
                return read == 0;
            }
            catch (Exception e) when (e is AuthenticationException or IOException) { return true; }
            catch (OperationCanceledException) { return false; }
        }
    }

    internal static async Task<bool> Connects(IPAddress address, int port)
    {
        using var tcp = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await tcp.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (SocketException) { return false; }
    }

    // ---- cluster state ----------------------------------------------------------------------------

    private static async Task<bool> ActiveSilos(HttpClient client, int expected)
    {
        try
        {
            var status = await client.Get("api/status");
            return status.Status == HttpStatusCode.OK && status.Body.GetProperty("activeSilos").GetInt32() == expected;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }

    private static async Task<List<int>> MembershipStatuses(string database, int siloPort)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE port = @port ORDER BY generation", connection);
        cmd.Parameters.AddWithValue("port", siloPort);
        var statuses = new List<int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) statuses.Add(reader.GetInt32(0));
        return statuses;
    }

    private static async Task WaitFor(string what, Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {timeout} for {what}");
            await Task.Delay(250);
        }
    }

    /// <summary>Polls <paramref name="done"/>, running <paramref name="meanwhile"/> between polls; false on time-out.</summary>
    private static async Task<bool> WaitUntil(Func<bool> done, TimeSpan timeout, Func<Task> meanwhile)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) return false;
            await meanwhile();
            await Task.Delay(500);
        }
        return true;
    }
}
