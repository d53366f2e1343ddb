using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Warmte.LoadGen;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.LoadGen;

/// <summary>
/// The vote load generator's client plays the load balancer in front of the silos (issue 17; docs/operations.md,
/// "Behind a load balancer"): a request whose connection is refused (a killed silo) or broken before an answer
/// (killed while it ran) goes to the next silo at once with the same body (the vote's nonce), each silo at most
/// once, and the failed silo gets nothing for a while. Real sockets on loopback; the "silos" are small TCP servers
/// that record what reached them.
/// </summary>
public sealed class ProxyClientTests
{
    private static readonly byte[] Vote = Encoding.UTF8.GetBytes("""{"code":"ABCD-EFGH","proposalId":"begroting","choice":"Voor","nonce":"n-1"}""");

    [Fact]
    public async Task A_refused_connection_goes_to_the_next_silo_at_once_with_the_same_body()
    {
        var dead = $"http://127.0.0.1:{FreePort.Next()}"; // nothing listens: connection refused
        using var live = new Upstream(reset: false);
        using var client = new ServiceClient([dead, live.Url], "token");

        var tries = await client.SendThroughProxyAsync(HttpMethod.Post, "api/stem/votes", Vote, readBody: true);

        Assert.Equal(2, tries.Count);
        Assert.Equal((0, "refused", 0), (tries[0].Status, tries[0].Failure, tries[0].Silo));
        Assert.Equal((200, 1), (tries[1].Status, tries[1].Silo));
        Assert.Equal([Encoding.UTF8.GetString(Vote)], live.Bodies);

        // The refusing silo is marked down: the next requests go straight to the living one.
        for (var i = 0; i < 3; i++)
        {
            var again = await client.SendThroughProxyAsync(HttpMethod.Post, "api/stem/votes", Vote);
            Assert.Equal(1, Assert.Single(again).Silo);
        }
    }

    [Fact]
    public async Task A_connection_broken_after_the_request_arrived_is_resent_to_the_next_silo_with_the_same_body()
    {
        using var dying = new Upstream(reset: true); // reads the whole request, then resets the connection
        using var live = new Upstream(reset: false);
        using var client = new ServiceClient([dying.Url, live.Url], "token");

        var tries = await client.SendThroughProxyAsync(HttpMethod.Post, "api/stem/votes", Vote, readBody: true);

        Assert.Equal(2, tries.Count);
        Assert.Equal((0, "reset"), (tries[0].Status, tries[0].Failure));
        Assert.Equal(200, tries[1].Status);
        // Both silos got the very same vote (same nonce): the service counts it once (OnlineVoteRetryTests).
        Assert.Equal([Encoding.UTF8.GetString(Vote)], dying.Bodies);
        Assert.Equal([Encoding.UTF8.GetString(Vote)], live.Bodies);
    }

    [Fact]
    public async Task An_http_error_answer_is_not_resent_by_the_proxy_and_every_silo_is_tried_at_most_once()
    {
        using var failing = new Upstream(reset: false, status: 503);
        using var client = new ServiceClient([failing.Url], "token");
        var answer = Assert.Single(await client.SendThroughProxyAsync(HttpMethod.Post, "api/stem/votes", Vote));
        Assert.Equal(503, answer.Status); // the member page decides about a 503, not the proxy

        var deadOnly = new[] { $"http://127.0.0.1:{FreePort.Next()}", $"http://127.0.0.1:{FreePort.Next()}" };
        using var nobody = new ServiceClient(deadOnly, "token");
        var tries = await nobody.SendThroughProxyAsync(HttpMethod.Post, "api/stem/votes", Vote);
        Assert.Equal([0, 1], tries.Select(t => t.Silo).Order());
        Assert.All(tries, t => Assert.Equal("refused", t.Failure));
    }

    /// <summary>A one-route HTTP/1.1 server on loopback that records each request body, then answers or resets.</summary>
    private sealed class Upstream : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentQueue<string> _bodies = new();
        private readonly CancellationTokenSource _stop = new();

        public Upstream(bool reset, int status = 200)
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient connection;
                    try { connection = await _listener.AcceptTcpClientAsync(_stop.Token); }
                    catch (Exception) { return; }
                    _ = Task.Run(() => Serve(connection, reset, status));
                }
            });
        }

        public string Url { get; }

        public string[] Bodies => [.. _bodies];

        private async Task Serve(TcpClient connection, bool reset, int status)
        {
            using var _ = connection;
            var stream = connection.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[4096];
            while (true)
            {
                var text = Encoding.ASCII.GetString([.. buffer]);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    var header = text[..end];
                    var length = header.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        .Select(l => int.Parse(l["Content-Length:".Length..].Trim())).FirstOrDefault();
                    if (buffer.Count >= end + 4 + length)
                    {
                        _bodies.Enqueue(Encoding.UTF8.GetString([.. buffer.Skip(end + 4).Take(length)]));
                        buffer.RemoveRange(0, end + 4 + length);
                        if (reset)
                        {
                            connection.Client.LingerState = new LingerOption(true, 0); // close with RST, as a killed process's socket
                            return;
                        }
                        var reply = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}");
                        await stream.WriteAsync(reply);
                        continue;
                    }
                }
                var read = await stream.ReadAsync(chunk);
                if (read == 0) return;
                buffer.AddRange(chunk.AsSpan(0, read).ToArray());
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
