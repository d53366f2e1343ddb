using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
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

    private static readonly KeyValuePair<string, object?>[] None = [];

    private static OrleansLogNoise.Line? Tame(string category, LogLevel level, string message, Exception? exception = null,
        KeyValuePair<string, object?>[]? values = null) =>
        OrleansLogNoise.Tame(category, level, message, exception, values ?? None, TimeSpan.FromMinutes(5));

    /// <summary>Tester10 T8: a silo joining on a busy machine; each case one line without a stack, at a level that fits.</summary>
    [Fact]
    public void A_joining_silos_passing_failures_are_one_line_each_without_a_stack()
    {
        var timedOut = Tame(OrleansLogNoise.TlsClientCategory, LogLevel.Warning, "Authentication timed out", new OperationCanceledException());
        Assert.Equal(LogLevel.Information, timedOut!.Level);
        Assert.Equal(OrleansLogNoise.TransportCategory, timedOut.Category);
        Assert.Null(timedOut.Exception);
        Assert.Contains("timed out", timedOut.Text);

        var refused = Tame(OrleansLogNoise.TlsClientCategory, LogLevel.Warning, "Authentication failed",
            new System.Security.Authentication.AuthenticationException("The remote party sent a TLS alert: 'UnknownCA'.\n   at SslStream"));
        Assert.Equal(LogLevel.Warning, refused!.Level);
        Assert.Null(refused.Exception);
        Assert.Contains("the TLS handshake of a connection to another silo failed", refused.Text);
        Assert.Contains("'UnknownCA'", refused.Text);
        Assert.DoesNotContain("at SslStream", refused.Text);

        var connectionFailed = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to endpoint S127.0.0.1:7112:0");
        foreach (var category in new[] { OrleansLogNoise.ClientDirectoryCategory, OrleansLogNoise.CancellationCategory })
        {
            var line = Tame(category, LogLevel.Error, "Exception publishing client routing table to silo S127.0.0.1:7112:0", connectionFailed);
            Assert.Equal(LogLevel.Information, line!.Level);
            Assert.Equal(OrleansLogNoise.ClusterCategory, line.Category);
            Assert.Null(line.Exception);
            Assert.Contains("Orleans retries", line.Text);
            Assert.Contains("ConnectionFailedException: Unable to connect to endpoint S127.0.0.1:7112:0", line.Text);
        }

        KeyValuePair<string, object?>[] Ping(int attempt) =>
            [new("FailedCount", 1), new("ActiveCount", 1), new("FailedSilos", "[S127.0.0.1:7111:0]"), new("Timeout", "21:30:05"), new("Attempt", attempt)];
        var first = Tame(OrleansLogNoise.MembershipAgentCategory, LogLevel.Error, "Failed to get ping responses from 1 of 1 active silos. …", values: Ping(1));
        Assert.Equal(LogLevel.Information, first!.Level);
        Assert.Contains("1 of 1 active silos did not answer yet ([S127.0.0.1:7111:0]); attempt 1, retrying until 21:30:05", first.Text);
        Assert.Equal(LogLevel.Warning, Tame(OrleansLogNoise.MembershipAgentCategory, LogLevel.Error, "Failed to get ping responses from 1 of 1 …", values: Ping(3))!.Level);
    }

    /// <summary>Tester10 T8: after a kill, Polly's retries and the directory's "rolling upgrade diagnostic" are one Information line.</summary>
    [Fact]
    public void A_killed_silos_aftermath_is_one_information_line_each()
    {
        var unavailable = new Orleans.Runtime.SiloUnavailableException("Silo S127.0.0.1:7111:0 is unavailable");
        foreach (var level in new[] { LogLevel.Warning, LogLevel.Error })
        {
            var retry = Tame(OrleansLogNoise.PollyCategory, level, "Resilience event occurred. EventName: 'OnRetry'", new AggregateException(unavailable));
            Assert.Equal(LogLevel.Information, retry!.Level);
            Assert.Null(retry.Exception);
            Assert.Contains("Orleans retries (Polly)", retry.Text);
        }
        var rejected = new InvalidOperationException("Exception while sending message",
            new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to endpoint S127.0.0.1:7112:0")); // transient inside
        foreach (var (category, message) in new[]
                 {
                     (OrleansLogNoise.RemoteDirectoryCategory, "Rolling upgrade diagnostic: silo S127.0.0.1:7112:0 failed split-partition handoff for 12 registrations."),
                     (OrleansLogNoise.HandoffCategory, "Rolling upgrade diagnostic: split-partition transfer of 12 registrations to S127.0.0.1:7112:0 failed."),
                 })
        {
            var handoff = Tame(category, LogLevel.Warning, message, rejected);
            Assert.Equal(LogLevel.Information, handoff!.Level);
            Assert.Null(handoff.Exception);
            Assert.Contains("no upgrade is running", handoff.Text);
            Assert.Contains("12 registrations", handoff.Text);
        }
        foreach (var (category, message) in new[]
                 {
                     (OrleansLogNoise.HandoffCategory, "ProcessSiloAddEvent(S127.0.0.1:7112:0) failed, will be retried"),
                     (OrleansLogNoise.ManifestCategory, "Error retrieving silo manifest for silo S127.0.0.1:7112:0"),
                 })
        {
            var line = Tame(category, LogLevel.Warning, message, rejected);
            Assert.Equal(LogLevel.Information, line!.Level);
            Assert.Null(line.Exception);
            Assert.Contains(message, line.Text);
        }
    }

    /// <summary>Tester10 T8: taming never hides a real failure; an error of a category the console still shows is not said twice.</summary>
    [Fact]
    public void A_failure_that_is_not_a_passing_one_keeps_its_level_and_stack()
    {
        var bug = new InvalidOperationException("a bug");
        foreach (var category in new[] { OrleansLogNoise.ClientDirectoryCategory, OrleansLogNoise.CancellationCategory,
                                          OrleansLogNoise.MembershipAgentCategory, OrleansLogNoise.PollyCategory })
        {
            var line = Tame(category, LogLevel.Error, "Error processing cluster membership updates", bug);
            Assert.Equal(LogLevel.Error, line!.Level);
            Assert.Same(bug, line.Exception);
            Assert.Contains("Error processing cluster membership updates", line.Text);
        }
        foreach (var category in new[] { OrleansLogNoise.RemoteDirectoryCategory, OrleansLogNoise.HandoffCategory, OrleansLogNoise.ManifestCategory })
        {
            var otherDirectoryWarning = Tame(category, LogLevel.Warning, "Rolling upgrade diagnostic: split-partition transfer of 3 registrations failed.", bug);
            Assert.Equal(LogLevel.Warning, otherDirectoryWarning!.Level);
            Assert.Same(bug, otherDirectoryWarning.Exception);
        }
        // These errors stay on the console as Orleans wrote them (its filter lets errors through): no second line.
        Assert.Null(Tame(OrleansLogNoise.TlsClientCategory, LogLevel.Error, "x", bug));
        Assert.Null(Tame(OrleansLogNoise.RemoteDirectoryCategory, LogLevel.Error, "Rolling upgrade diagnostic: …", bug));
        Assert.Null(Tame("Orleans.Runtime.Catalog", LogLevel.Error, "x", bug));
    }

    /// <summary>
    /// Review19 #5: a membership table on PostgreSQL that is not reachable, or a join that ends because its connectivity
    /// check failed, is no passing peer-call failure: it keeps its level and its exception, also where Orleans wraps it.
    /// </summary>
    [Fact]
    public void A_database_outage_or_a_failed_join_is_not_tamed_as_a_passing_call_to_another_silo()
    {
        // Npgsql marks a broken connection transient; the stream error inside it is an IOException.
        var membershipTableDown = new Npgsql.NpgsqlException("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream."));
        var refusedConnection = new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        var fromAnotherSilo = new Warmte.Journal.DatabaseFailureException(Warmte.Journal.DatabaseFailureKind.Unavailable, "NpgsqlException: Exception while reading from stream");
        var joinFailed = new Orleans.Runtime.MembershipService.OrleansClusterConnectivityCheckFailedException("Failed to get ping responses from 1 of 1 active silos.");
        Assert.True(membershipTableDown.IsTransient); // what made the shared 503 predicate tame it
        foreach (var error in new Exception[] { membershipTableDown, refusedConnection, fromAnotherSilo, joinFailed, new AggregateException(membershipTableDown),
                     new InvalidOperationException("Error updating membership table", refusedConnection) })
        {
            Assert.False(OrleansLogNoise.IsTransient(error), error.GetType().Name);
            foreach (var category in new[] { OrleansLogNoise.MembershipAgentCategory, OrleansLogNoise.ClientDirectoryCategory, OrleansLogNoise.PollyCategory })
            {
                var line = Tame(category, LogLevel.Error, "Failed to update table entry for this silo, will retry shortly", error);
                Assert.Equal(LogLevel.Error, line!.Level);
                Assert.Same(error, line.Exception);
                Assert.DoesNotContain("a call to another silo failed for now", line.Text);
            }
            var warning = Tame(OrleansLogNoise.HandoffCategory, LogLevel.Warning, "Rolling upgrade diagnostic: split-partition transfer of 3 registrations failed.", error);
            Assert.Equal(LogLevel.Warning, warning!.Level);
            Assert.Same(error, warning.Exception);
        }
        // A passing peer-call failure is still tamed (the other tests cover the categories).
        Assert.True(OrleansLogNoise.IsTransient(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)));
        Assert.True(OrleansLogNoise.IsTransient(new Orleans.Runtime.SiloUnavailableException("Silo S127.0.0.1:7111:0 is unavailable")));
    }

    /// <summary>Tester10 T9: the dead silo's last words, in Dutch, with the likely cause.</summary>
    [Fact]
    public void A_silo_declared_dead_says_why_in_dutch()
    {
        const string context = "I have been told I am dead, so this silo will stop! Reason: The membership view classifies this silo as Dead (in Refresh). "
                               + "Membership: [Version: 6, MinimumSiloGeneration: 155683039, 0 retained deaths, 4 silos, SiloAddress=S127.0.0.1:7995:155686612 Status=Dead]";
        Assert.True(Warmte.Silo.Hosting.DeclaredDead.IsDeclaredDead(context));
        Assert.False(Warmte.Silo.Hosting.DeclaredDead.IsDeclaredDead("Unhandled exception"));

        var joining = Warmte.Silo.Hosting.DeclaredDead.Message(context, wasActive: false, 7113, "The remote party sent a TLS alert: 'UnknownCA'");
        Assert.StartsWith("Het cluster heeft deze silo dood verklaard; de silo stopt (exit 1).", joining);
        Assert.Contains("waarschijnlijk weigeren de andere silo's zijn certificaat", joining);
        Assert.Contains("siloport 7113", joining);
        Assert.Contains("Laatste mislukte TLS-verbinding naar een andere silo: The remote party sent a TLS alert: 'UnknownCA'.", joining);
        Assert.EndsWith("(Orleans: The membership view classifies this silo as Dead (in Refresh).)", joining);
        Assert.DoesNotContain("SiloAddress=", joining); // the membership table Orleans appends is left out

        var active = Warmte.Silo.Hosting.DeclaredDead.Message(context, wasActive: true, 7113, null);
        Assert.Contains("reageerde niet op tijd op de controles van de andere silo's", active);
        Assert.DoesNotContain("certificaat", active);
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
