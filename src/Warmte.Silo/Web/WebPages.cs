using System.Collections.Frozen;
using Microsoft.Net.Http.Headers;

namespace Warmte.Silo.Web;

/// <summary>
/// The web dashboard: static HTML, one small JavaScript module per page and one stylesheet,
/// embedded in the silo's assembly (so a published silo needs no folder next to it and nothing
/// from outside at run time). The pages carry no data and need no token; they read the JSON API
/// with the token the user signed in with (kept in the tab's sessionStorage, see docs/web.md).
/// </summary>
public static class WebPages
{
    private const string ResourcePrefix = "web/";

    /// <summary>Clean page addresses → the file that renders them.</summary>
    private static readonly FrozenDictionary<string, string> Routes = new Dictionary<string, string>
    {
        ["/"] = "index.html",
        ["/app/"] = "app/overview.html", // routing ignores the trailing slash: /app answers too
        ["/app/project"] = "app/project.html",
        ["/app/cashflow"] = "app/cashflow.html",
        ["/app/business-case"] = "app/business-case.html",
        ["/app/umbrella"] = "app/umbrella.html",
        ["/app/portfolio"] = "app/portfolio.html",
        ["/app/decisions"] = "app/decisions.html",
        ["/stem"] = "stem/index.html", // members' online voting (issue 17): the code travels in the #fragment
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, byte[]> Files = Load();

    /// <summary>
    /// Scripts and styles only from this origin, no inline script, no framing: the token sits in
    /// sessionStorage, so keeping foreign script out is what protects it.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void MapWebPages(this WebApplication app)
    {
        foreach (var (path, file) in Routes)
            app.MapGet(path, (HttpContext http) => Serve(http, file)).AllowAnonymous().ExcludeFromDescription();
        // Any other address under /app is a page that does not exist (not a request that needs a token).
        app.MapGet("/app/{**rest}", () => Results.NotFound()).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/stem/{file}", (string file, HttpContext http) => Serve(http, "stem/" + file)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/assets/{**file}", (string file, HttpContext http) => Serve(http, "assets/" + file)).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, string file)
    {
        if (!Files.TryGetValue(file, out var body) || !ContentTypes.TryGetValue(Path.GetExtension(file), out var type))
            return Results.NotFound();
        var headers = http.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Small files that change with every release: always revalidate, never serve a stale page.
        headers[HeaderNames.CacheControl] = "no-cache";
        return Results.Bytes(body, type);
    }

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(WebPages).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            // Resource names keep the folder separator of the machine that built them.
            files[name[ResourcePrefix.Length..].Replace('\\', '/')] = copy.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
