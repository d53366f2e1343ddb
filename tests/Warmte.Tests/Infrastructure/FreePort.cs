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
    private const int First = 20_000;
    private const int Count = 12_000; // 20000..31999

    private static int _next = Environment.ProcessId % Count;

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
