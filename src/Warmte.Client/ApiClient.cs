using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Warmte.Client;

/// <summary>An HTTP answer as received: status, media type and body text.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string? MediaType, string Body)
{
    public int StatusCode => (int)Status;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>The X-Total-Count header of a paged list (how many there are in all); null when the answer has none.</summary>
    public long? TotalCount { get; init; }

    /// <summary>The body parsed as JSON, or null when it is empty or not JSON.</summary>
    public JsonDocument? TryParse()
    {
        if (string.IsNullOrWhiteSpace(Body)) return null;
        try
        {
            return JsonDocument.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The service refused or failed a request (any non-2xx answer).</summary>
internal sealed class ApiException(ApiResponse response)
    : Exception($"HTTP {(int)response.Status}")
{
    public ApiResponse Response { get; } = response;

    /// <summary>A next step to suggest after the service's own explanation, if the command knows one.</summary>
    public string? Hint { get; init; }

    /// <summary>
    /// Replaces the service's explanation when it names the API's way out (a path, a query) and the command knows
    /// the CLI's own (tester finding A14); null keeps the service's text.
    /// </summary>
    public string? Detail { get; init; }
}

/// <summary>The service answered 2xx, but not with the JSON the CLI expects.</summary>
internal sealed class UnexpectedAnswerException(string message) : Exception(message);

/// <summary>
/// The CLI's only way to the service: JSON over HTTP with a bearer token. Non-2xx answers become
/// <see cref="ApiException"/>; network failures surface as <see cref="HttpRequestException"/> or
/// <see cref="OperationCanceledException"/> (time-out), which <see cref="WarmteCli"/> turns into messages.
/// </summary>
internal sealed class ApiClient(HttpClient http, Uri baseUrl, string? token)
{
    private static readonly string UserAgent =
        "warmte-cli/" + (typeof(ApiClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public Uri BaseUrl { get; } = baseUrl;

    public bool HasToken => !string.IsNullOrEmpty(token);

    public Task<ApiResponse> GetAsync(string path, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, path, null, cancel);

    public Task<ApiResponse> PostJsonAsync(string path, string json, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, path, json, cancel);

    /// <summary>A POST with extra request headers, e.g. an <c>Idempotency-Key</c>.</summary>
    public Task<ApiResponse> PostJsonAsync(string path, string json, IReadOnlyDictionary<string, string> headers, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, path, json, cancel, headers);

    /// <summary>Sends the request and throws <see cref="ApiException"/> unless the answer is 2xx.</summary>
    public async Task<ApiResponse> SendAsync(
        HttpMethod method, string path, string? json, CancellationToken cancel, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Combine(BaseUrl, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (HasToken) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");

        using var answer = await http.SendAsync(request, cancel);
        var body = await answer.Content.ReadAsStringAsync(cancel);
        var response = new ApiResponse(answer.StatusCode, answer.Content.Headers.ContentType?.MediaType, body)
        {
            TotalCount = answer.Headers.TryGetValues("X-Total-Count", out var totals)
                         && long.TryParse(totals.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var total)
                ? total : null,
        };
        return response.IsSuccess ? response : throw new ApiException(response);
    }

    /// <summary>
    /// Downloads a file (e.g. an .xlsx export): the bytes, the media type and the file name the service suggests.
    /// A refusal still arrives as problem JSON and becomes an <see cref="ApiException"/>.
    /// </summary>
    public Task<(byte[] Bytes, string? MediaType, string? FileName)> DownloadAsync(string path, string accept, CancellationToken cancel = default) =>
        DownloadAsync(path, accept, null, cancel);

    /// <summary>A download answered to a POST with a JSON body (e.g. voting codes, which are made by the request).</summary>
    public async Task<(byte[] Bytes, string? MediaType, string? FileName)> DownloadAsync(string path, string accept, string? postJson, CancellationToken cancel = default,
        Action<string>? warning = null)
    {
        using var request = new HttpRequestMessage(postJson is null ? HttpMethod.Get : HttpMethod.Post, Combine(BaseUrl, path));
        if (postJson is not null) request.Content = new StringContent(postJson, Encoding.UTF8, "application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (HasToken) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(request, cancel);
        var mediaType = answer.Content.Headers.ContentType?.MediaType;
        if (!answer.IsSuccessStatusCode)
            throw new ApiException(new ApiResponse(answer.StatusCode, mediaType, await answer.Content.ReadAsStringAsync(cancel)));
        var bytes = await answer.Content.ReadAsByteArrayAsync(cancel);
        if (warning is not null && answer.Headers.TryGetValues("Warmte-Waarschuwing", out var warnings))
            foreach (var w in warnings) warning(w);
        return (bytes, mediaType, answer.Content.Headers.ContentDisposition?.FileNameStar ?? answer.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    /// <summary>Appends an API path to the base address, keeping any path prefix the base has.</summary>
    public static Uri Combine(Uri baseUrl, string path) =>
        new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + path.TrimStart('/'));

    /// <summary>One path segment, escaped (ids are slugs, but the CLI does not rely on that).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
