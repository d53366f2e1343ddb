using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Warmte.Silo.Operations;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Tester8 T12: a TLS probe of the silo port is one log line without a stack trace, and the Orleans watchdog's
/// start-up report measured from the machine's boot ("Participant check thread has not completed for 06:23:50")
/// is not in the log. The built silo as a process; its real console output.
/// </summary>
public sealed partial class OrleansLogNoiseTests
{
    [Fact]
    public void A_stall_longer_than_the_process_has_run_is_the_start_up_race_and_a_shorter_one_is_real()
    {
        KeyValuePair<string, object?>[] Stalled(TimeSpan t) => [new("TimeSinceLastTick", t)];
        Assert.True(OrleansLogNoise.IsStartupRace(Stalled(TimeSpan.Parse("06:23:50", CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(12)));
        Assert.False(OrleansLogNoise.IsStartupRace(Stalled(TimeSpan.FromSeconds(30)), TimeSpan.FromMinutes(5)));
        Assert.False(OrleansLogNoise.IsStartupRace([], TimeSpan.FromSeconds(12)));
    }

    [Fact]
    public async Task A_tls_probe_of_the_silo_port_is_one_line_and_the_watchdogs_boot_time_report_is_gone()
    {
        await using var silo = SiloProcess.OnSqlite("log-noise");
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromMinutes(3));

        // A client without a certificate, as a port scanner or a misconfigured peer: the silo refuses it.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", silo.SiloPort);
            await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            try
            {
                await tls.AuthenticateAsClientAsync("127.0.0.1");
                await tls.WriteAsync(new byte[] { 1, 2, 3 });
                await tls.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        }
        await WaitForAsync(() => File.ReadAllText(silo.LogPath).Contains("a TLS connection was refused", StringComparison.Ordinal));
        silo.Stop();

        var log = await File.ReadAllTextAsync(silo.LogPath);
        Assert.Contains("Silo port: a TLS connection was refused (Authentication failed: ", log);
        Assert.DoesNotContain("at System.Net.Security.SslStream", log);
        Assert.DoesNotContain(OrleansLogNoise.TlsCategory, log);
        var uptime = TimeSpan.FromSeconds(double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture));
        foreach (Match stall in Stall().Matches(log))
        {
            var reported = TimeSpan.Parse(stall.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(reported < uptime - TimeSpan.FromMinutes(1), $"a watchdog report measured from boot ({reported}, uptime {uptime}) is in the log");
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(100);
    }

    [GeneratedRegex(@"Participant check thread has not completed for ([0-9:.]+)")]
    private static partial Regex Stall();
}
