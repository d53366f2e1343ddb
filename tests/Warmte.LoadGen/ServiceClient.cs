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
    public async Task<Answer> SendAsync(HttpMethod method, string path, byte[]? jsonBody = null, string? idempotencyKey = null, bool readBody = false, CancellationToken cancel = default, string? forwardedFor = null)
    {
        var index = NextIndex();
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
            return new Answer((int)response.StatusCode, body, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            if (e is HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } })
                Volatile.Write(ref _downUntil[index], Stopwatch.GetTimestamp() + (long)(DownFor.TotalSeconds * Stopwatch.Frequency));
            return new Answer(0, e.Message, Stopwatch.GetElapsedTime(started));
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

public sealed record Answer(int Status, string? Body, TimeSpan Elapsed)
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
