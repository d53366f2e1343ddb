using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using NodaTime;
using Orleans.Dashboard;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Operations;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) under /dashboard, for admins only, and only
/// when Dashboard:Enabled=true. API clients send the admin Bearer token; a browser cannot add that
/// header to the dashboard's own requests, so an admin signs in once at /dashboard/login by POSTing
/// the admin token in a form, and gets a random session cookie (HttpOnly, SameSite=Strict, path
/// /dashboard, Secure over HTTPS) valid for Dashboard:SessionMinutes (default 60) on this silo.
/// The token never appears in a URL or cookie; the session ends early when the token is revoked.
/// </summary>
public static class DashboardAccess
{
    public const string PolicyName = "dashboard-admin";
    public const string SchemeName = "DashboardSession";
    public const string CookieName = "warmte_dashboard";
    public const string Prefix = "/dashboard";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>("Dashboard:Enabled");

    public static void Add(WebApplicationBuilder builder)
    {
        if (!IsEnabled(builder.Configuration)) return;
        var section = builder.Configuration.GetSection("Dashboard");
        // Installs the dashboard's grains, services and call profiler on this silo (every silo of a cluster should have it).
        builder.UseOrleans(silo => silo.AddDashboard(o =>
        {
            o.HideTrace = section.GetValue("HideTrace", o.HideTrace);
            o.CounterUpdateIntervalMs = Math.Max(1000, section.GetValue("CounterUpdateIntervalMs", o.CounterUpdateIntervalMs));
            o.HistoryLength = section.GetValue("HistoryLength", o.HistoryLength);
        }));
        builder.Services.AddSingleton<DashboardSessions>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, DashboardSessionHandler>(SchemeName, _ => { });
        builder.Services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(BearerTokenHandler.SchemeName, SchemeName)
            .RequireAuthenticatedUser()
            .RequireRole(Role.Admin));
    }

    public static void Map(WebApplication app)
    {
        if (!IsEnabled(app.Configuration)) return;
        app.MapGet(Prefix + "/login", () => LoginPage(null, StatusCodes.Status200OK)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Prefix + "/login", SignInAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Prefix + "/logout", (HttpContext http, DashboardSessions sessions) =>
        {
            if (http.Request.Cookies[CookieName] is { } cookie) sessions.End(cookie);
            http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = Prefix });
            return Results.Redirect(Prefix + "/login", permanent: false);
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapOrleansDashboard(routePrefix: Prefix).RequireAuthorization(PolicyName).ExcludeFromDescription();
    }

    private static async Task<IResult> SignInAsync(HttpContext http, TokenLookupGate tokens, DashboardSessions sessions, IConfiguration configuration)
    {
        if (!http.Request.HasFormContentType) return LoginPage("Stuur het formulier.", StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var token = form["token"].ToString().Trim();
        var lookup = token.Length is 0 or > 200 ? default : await tokens.FindActiveAsync(token, http.Connection.RemoteIpAddress);
        if (lookup.Limited)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(lookup.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return LoginPage("Te veel pogingen vanaf dit adres; probeer het over enkele seconden opnieuw.", StatusCodes.Status429TooManyRequests);
        }
        var info = lookup.Info;
        if (info is null) return LoginPage("Onbekend of ingetrokken token.", StatusCodes.Status401Unauthorized);
        if (info.Role != Role.Admin) return LoginPage("Alleen een beheerderstoken (admin) geeft toegang tot het dashboard.", StatusCodes.Status403Forbidden);
        var lifetime = TimeSpan.FromMinutes(Math.Clamp(configuration.GetValue("Dashboard:SessionMinutes", 60), 1, 24 * 60));
        var cookie = sessions.Start(info, lifetime);
        http.Response.Cookies.Append(CookieName, cookie, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = Prefix,
            MaxAge = lifetime,
        });
        return Results.Redirect(Prefix + "/", permanent: false);
    }

    private static IResult LoginPage(string? error, int status)
    {
        var message = error is null ? "" : $"<p role=\"alert\">{HtmlEncoder.Default.Encode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="nl"><head><meta charset="utf-8"><title>Warmtenet: Orleans-dashboard</title></head>
            <body>
            <h1>Orleans-dashboard</h1>
            <p>Meld u aan met een beheerderstoken (admin). U krijgt een sessie van beperkte duur op deze silo; het token zelf wordt niet bewaard.</p>
            {{message}}
            <form method="post" action="{{Prefix}}/login">
              <label>Token <input type="password" name="token" autocomplete="off" required></label>
              <button type="submit">Aanmelden</button>
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}

/// <summary>
/// Dashboard sessions of this silo, in memory: the cookie is 256 random bits; only its hash is kept,
/// with the token id and the expiry. At most <see cref="MaxSessions"/> at once (oldest dropped).
/// </summary>
public sealed class DashboardSessions(IClock clock, TokenStore tokens)
{
    private const int MaxSessions = 1000;

    private sealed record Session(string TokenId, string Name, Instant Until, Instant CheckedAt);

    private readonly ConcurrentDictionary<string, Session> _sessions = new();

    public string Start(TokenInfo token, TimeSpan lifetime)
    {
        var now = clock.GetCurrentInstant();
        foreach (var (key, s) in _sessions) if (s.Until <= now) _sessions.TryRemove(key, out _);
        if (_sessions.Count >= MaxSessions)
            foreach (var key in _sessions.OrderBy(p => p.Value.Until).Take(_sessions.Count - MaxSessions + 1).Select(p => p.Key).ToList())
                _sessions.TryRemove(key, out _);
        var cookie = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[TokenStore.Hash(cookie)] = new Session(token.Id, token.Name, now + Duration.FromTimeSpan(lifetime), now);
        return cookie;
    }

    public void End(string cookie) => _sessions.TryRemove(TokenStore.Hash(cookie), out _);

    /// <summary>The session's token id and name while the session lasts and its token is still an active admin token.</summary>
    public async Task<(string TokenId, string Name)?> FindAsync(string cookie)
    {
        var key = TokenStore.Hash(cookie);
        if (!_sessions.TryGetValue(key, out var session)) return null;
        var now = clock.GetCurrentInstant();
        if (session.Until <= now) { _sessions.TryRemove(key, out _); return null; }
        if (now - session.CheckedAt > TokenStore.CacheFor)
        {
            var token = await tokens.FindActiveByIdAsync(session.TokenId);
            if (token is null || token.Role != Role.Admin) { _sessions.TryRemove(key, out _); return null; }
            _sessions[key] = session with { CheckedAt = now };
        }
        return (session.TokenId, session.Name);
    }
}

/// <summary>Authenticates the dashboard's session cookie as the admin token that opened the session.</summary>
public sealed class DashboardSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, DashboardSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[DashboardAccess.CookieName] is not { Length: > 0 and < 100 } cookie) return AuthenticateResult.NoResult();
        if (await sessions.FindAsync(cookie) is not { } found) return AuthenticateResult.Fail("Unknown or expired dashboard session.");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, found.Name), new Claim(ClaimTypes.Role, Role.Admin), new Claim("token_id", found.TokenId)],
            DashboardAccess.SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), DashboardAccess.SchemeName));
    }

    // The bearer scheme, challenged with this one, already wrote the problem document.
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Response.HasStarted ? Task.CompletedTask
            : Api.Problems.Write(Context, StatusCodes.Status401Unauthorized, "unauthorized", "Niet aangemeld",
                $"Meld u aan op {DashboardAccess.Prefix}/login met een beheerderstoken.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Response.HasStarted ? Task.CompletedTask
            : Api.Problems.Write(Context, StatusCodes.Status403Forbidden, "forbidden", "Geen toegang", "Alleen een beheerder (admin) ziet het dashboard.");
}
