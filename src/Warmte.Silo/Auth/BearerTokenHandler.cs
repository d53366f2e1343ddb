using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Warmte.Silo.Auth;

/// <summary>Authenticates "Authorization: Bearer wt_…" against the token store. The token never reaches a log.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Authorization header is not a bearer token.");
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200) return AuthenticateResult.Fail("Malformed token.");
        var info = await tokens.FindActiveAsync(token);
        if (info is null) return AuthenticateResult.Fail("Unknown or revoked token.");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, info.Name), new Claim(ClaimTypes.Role, info.Role), new Claim("token_id", info.Id)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Api.Problems.Write(Context, StatusCodes.Status401Unauthorized, "unauthorized",
            "Niet aangemeld", "Geef een geldig token mee: Authorization: Bearer <token>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Api.Problems.Write(Context, StatusCodes.Status403Forbidden, "forbidden",
            "Geen toegang", "Dit token heeft niet de rol die hiervoor nodig is.");
}
