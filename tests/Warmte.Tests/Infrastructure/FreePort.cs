using System.Net;
using System.Net.Sockets;

namespace Warmte.Tests.Infrastructure;

/// <summary>
/// Ports for servers the tests start. Taken below the operating system's ephemeral range (32768 and up on
/// Linux), which is where outgoing connections and every server bound to port 0 get theirs: a port handed
/// out from that range could be taken by such a socket before the silo it was meant for binds it (a drill
/// then talked to another test's server). Here each port is handed out once per test run, and only if it
/// is free at that moment; the start is spread by the process id so two test runs rarely meet.
/// </summary>
public static class FreePort
{
    // 20000..31999, or WARMTE_TEST_PORTS=first-last (a machine shared by several test runs gives each its own range).
    private static readonly (int First, int Count) Range = RangeFrom(Environment.GetEnvironmentVariable("WARMTE_TEST_PORTS"));
    private static int First => Range.First;
    private static int Count => Range.Count;

    private static (int, int) RangeFrom(string? setting) =>
        setting?.Split('-') is [var a, var b] && int.TryParse(a, out var first) && int.TryParse(b, out var last) && first is > 0 and <= 65535 && last >= first && last <= 65535
            ? (first, last - first + 1)
            : (20_000, 12_000);

    private static int _next = Environment.ProcessId % Count;

    /// <summary>
    /// An HTTP address for an in-process server: port 0 (the system picks one, no race), or with WARMTE_TEST_PORTS set
    /// a port of that range, so everything a test run starts stays inside it.
    /// </summary>
    public static string LoopbackUrl() =>
        Environment.GetEnvironmentVariable("WARMTE_TEST_PORTS") is { Length: > 0 } ? $"http://127.0.0.1:{Next()}" : "http://127.0.0.1:0";

    /// <summary>A loopback port that was free a moment ago and that no other caller in this run got.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use: try the next one
            }
        }
        throw new InvalidOperationException($"no free loopback port between {First} and {First + Count - 1}");
    }
}
