using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Warmte.LoadGen;

/// <summary>
/// HTTP to one or more silos: each request goes to the next base URL in turn (round robin), so
/// a cluster's silos share the load the way a load balancer in front of them would.
/// </summary>
public sealed class ServiceClient : IDisposable
{
    private readonly HttpClient[] _clients;
    private int _next = -1;

    public ServiceClient(IReadOnlyList<string> baseUrls, string token, int maxConnectionsPerSilo = 512, TimeSpan? timeout = null)
    {
        if (baseUrls.Count == 0) throw new ArgumentException("At least one base URL is needed.", nameof(baseUrls));
        BaseUrls = baseUrls;
        _downUntil = new long[baseUrls.Count];
        _clients = [.. baseUrls.Select(url =>
        {
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = maxConnectionsPerSilo,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            };
            var client = new HttpClient(handler) { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        })];
    }

    public IReadOnlyList<string> BaseUrls { get; }

    /// <summary>One silo's client (for per-silo calls like the memory figures).</summary>
    public HttpClient Silo(int index) => _clients[index];

    private HttpClient NextClient() => _clients[NextIndex()];

    // Like a load balancer's health check: a silo that refused a connection gets no requests for a few seconds.
    private readonly long[] _downUntil = [];
    private static readonly TimeSpan DownFor = TimeSpan.FromSeconds(5);

    private int NextIndex()
    {
        var now = Stopwatch.GetTimestamp();
        for (var tries = 0; ; tries++)
        {
            var i = (int)((uint)Interlocked.Increment(ref _next) % (uint)_clients.Length);
            if (tries >= _clients.Length || _downUntil.Length == 0 || Volatile.Read(ref _downUntil[i]) < now) return i;
        }
    }

    /// <summary>Sends one request and answers its status (0 when no answer came) and body; the time is measured around the whole exchange.</summary>
    public Task<Answer> SendAsync(HttpMethod method, string path, byte[]? jsonBody = null, string? idempotencyKey = null, bool readBody = false, CancellationToken cancel = default, string? forwardedFor = null) =>
        SendToAsync(NextIndex(), method, path, jsonBody, idempotencyKey, readBody, cancel, forwardedFor);

    /// <summary>
    /// What a load balancer with "next upstream on error" does (nginx <c>proxy_next_upstream error timeout</c>,
    /// HAProxy <c>retries</c> + <c>option redispatch</c>): a request whose connection was refused or broke
    /// before an answer came goes to the next silo at once, the same request (same body, same nonce), each
    /// silo at most once; the failed silo is marked down for a few seconds (nginx's <c>max_fails=1
    /// fail_timeout</c>). An HTTP answer of any status, or a time-out, ends it: a time-out is not resent
    /// here (the request may still be running), the caller decides. Answers every upstream try in order;
    /// the last one is the answer the browser sees.
    /// </summary>
    public async Task<IReadOnlyList<Answer>> SendThroughProxyAsync(HttpMethod method, string path, byte[]? jsonBody = null, bool readBody = false, string? forwardedFor = null)
    {
        var tries = new List<Answer>(1);
        var tried = new HashSet<int>();
        var index = NextIndex();
        while (true)
        {
            tried.Add(index);
            var answer = await SendToAsync(index, method, path, jsonBody, null, readBody, default, forwardedFor);
            tries.Add(answer);
            if (answer.Failure is not ("refused" or "reset") || tried.Count >= _clients.Length) return tries;
            // The next silo that is neither down nor tried; else any untried one.
            var next = -1;
            for (var n = 0; n < _clients.Length && next < 0; n++)
            {
                var i = NextIndex();
                if (!tried.Contains(i)) next = i;
            }
            for (var i = 0; i < _clients.Length && next < 0; i++) if (!tried.Contains(i)) next = i;
            index = next;
        }
    }

    private async Task<Answer> SendToAsync(int index, HttpMethod method, string path, byte[]? jsonBody, string? idempotencyKey, bool readBody, CancellationToken cancel, string? forwardedFor)
    {
        var client = _clients[index];
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (jsonBody is not null)
            {
                request.Content = new ByteArrayContent(jsonBody);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            // As a proxy on loopback would say it (a silo believes it only from its known proxies, loopback by default).
            if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancel);
            // The body is always read to the end (ResponseContentRead), so the time includes the whole answer.
            var body = readBody || !response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancel) : null;
            return new Answer((int)response.StatusCode, body, Stopwatch.GetElapsedTime(started), index);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // refused: nothing listens (a killed silo); reset: the connection broke before the answer came (killed while
            // the request was in flight); timeout: no answer within the client's time-out (the request may still run).
            var failure = e switch
            {
                TaskCanceledException when !cancel.IsCancellationRequested => "timeout",
                HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } } => "refused",
                _ => "reset",
            };
            if (failure is "refused" or "reset")
                Volatile.Write(ref _downUntil[index], Stopwatch.GetTimestamp() + (long)(DownFor.TotalSeconds * Stopwatch.Frequency));
            return new Answer(0, e.Message, Stopwatch.GetElapsedTime(started), index, failure);
        }
    }

    public Task<Answer> GetAsync(string path, bool readBody = false) => SendAsync(HttpMethod.Get, path, readBody: readBody);

    public Task<Answer> PostAsync(string path, object body, string? key = null, bool readBody = false) =>
        SendAsync(HttpMethod.Post, path, Json(body), key, readBody);

    public Task<Answer> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, Json(body));

    public static byte[] Json(object body) => body as byte[] ?? JsonSerializer.SerializeToUtf8Bytes(body, JsonOptions);

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
    }
}

/// <summary>One HTTP exchange: status (0: no answer), body, time, the silo (index into the base URLs) it went to,
/// and without an answer why: "refused", "reset" or "timeout".</summary>
public sealed record Answer(int Status, string? Body, TimeSpan Elapsed, int Silo = -1, string? Failure = null)
{
    public bool Ok => Status is >= 200 and < 300;

    public long Micros => (long)(Elapsed.TotalMilliseconds * 1000);

    public JsonElement Json() => JsonDocument.Parse(Body ?? "null").RootElement.Clone();

    public string Describe() => $"{Status}: {(Body is { Length: > 400 } b ? b[..400] + "…" : Body)}";
}

public static class Utf8
{
    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
