using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Warmte.Silo.Auth;

/// <summary>
/// Authenticates "Authorization: Bearer wt_…" against the token store, through the per-address lookup limit
/// (<see cref="TokenLookupGate"/>): a lookup over that limit is answered 429 with Retry-After, without a
/// database query. The token never reaches a log.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenLookupGate tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>HttpContext item: the Retry-After of a lookup the per-address limit refused.</summary>
    private const string LookupLimitedItem = "warmte.token-lookup-limited";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Authorization header is not a bearer token.");
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200) return AuthenticateResult.Fail("Malformed token.");
        var lookup = await tokens.FindActiveAsync(token, Context.Connection.RemoteIpAddress);
        if (lookup.Limited)
        {
            Context.Items[LookupLimitedItem] = lookup.RetryAfter;
            return AuthenticateResult.Fail("Too many token lookups from this address.");
        }
        if (lookup.Info is not { } info) return AuthenticateResult.Fail("Unknown or revoked token.");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, info.Name), new Claim(ClaimTypes.Role, info.Role), new Claim("token_id", info.Id)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[LookupLimitedItem] is TimeSpan retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Api.Problems.Write(Context, StatusCodes.Status429TooManyRequests, "too-many-requests", "Te veel verzoeken",
                $"Vanaf dit adres komen meer tokens dan de dienst per seconde nagaat; probeer het over {seconds} {Warmte.DutchFormat.Noun(seconds, "seconde", "seconden")} opnieuw.");
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        await Api.Problems.Write(Context, StatusCodes.Status401Unauthorized, "unauthorized",
            "Niet aangemeld", "Geef een geldig token mee: Authorization: Bearer <token>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Api.Problems.Write(Context, StatusCodes.Status403Forbidden, "forbidden",
            "Geen toegang", "Dit token heeft niet de rol die hiervoor nodig is.");
}
