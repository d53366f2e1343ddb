using Microsoft.Net.Http.Headers;

namespace Warmte.Silo.Api;

/// <summary>
/// Headers on every answer under <c>/api</c> (tester9b T8): <c>X-Content-Type-Options: nosniff</c>, so a browser never
/// reads a JSON, text or spreadsheet answer as something else, and <c>Cache-Control: no-store</c>, so members' names,
/// addresses, ballot papers and exports stay out of browser and proxy caches. A route that may be cached says so by
/// setting its own Cache-Control (none does today); the anonymous member routes (<c>/api/stem/*</c>) get no-store too,
/// since the ballot paper names its member.
/// </summary>
public static class ApiResponseHeaders
{
    public const string NoStore = "no-store";

    /// <summary>
    /// The voting letters (inline HTML from this origin, <c>…/online/codes?format=letters</c>): no script and nothing
    /// loaded from anywhere, only their own inline style, no framing, no forms; sandboxed, so even markup that escaped the
    /// escaping could not reach the dashboard's token in sessionStorage.
    /// </summary>
    public const string LettersContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

    public static IApplicationBuilder UseApiResponseHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/api"))
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                if (!headers.ContainsKey(HeaderNames.CacheControl)) headers[HeaderNames.CacheControl] = NoStore;
                return Task.CompletedTask;
            });
        return next(http);
    });
}
