using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Warmte.Silo.Api;

namespace Warmte.Silo.Operations;

/// <summary>"RateLimit:*" configuration. The defaults are far above what a person clicking through the dashboard or using the CLI does.</summary>
public sealed class RateLimitSettings
{
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests per second per token (or per remote address without a valid token).</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests a caller may make at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>
    /// Database lookups of tokens the cache does not know, per second per client address (IPv6: per /64);
    /// checked before the lookup (Auth/TokenLookupGate). Known tokens never count.
    /// </summary>
    public int TokenLookupsPerSecond { get; set; } = 5;

    /// <summary>Such lookups an address may make at once before the sustained rate applies.</summary>
    public int TokenLookupBurst { get; set; } = 20;
}

/// <summary>
/// ASP.NET Core's rate limiter with a token bucket per caller: per token id for a valid token (never
/// the token itself), per remote IP address otherwise. /health is never limited, so monitoring is not
/// locked out. A refused request gets 429 with Retry-After and a Dutch problem document.
/// </summary>
public static class RateLimiting
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("RateLimit").Get<RateLimitSettings>() ?? new RateLimitSettings();
        if (settings.PermitsPerSecond < 1 || settings.Burst < 1)
            throw new Storage.ConfigurationException("RateLimit:PermitsPerSecond and RateLimit:Burst must be 1 or more.");
        if (settings.TokenLookupsPerSecond < 1 || settings.TokenLookupBurst < 1)
            throw new Storage.ConfigurationException("RateLimit:TokenLookupsPerSecond and RateLimit:TokenLookupBurst must be 1 or more.");
        services.AddSingleton(settings);
        services.AddSingleton<Auth.TokenLookupGate>();
        if (!settings.Enabled) return;
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (http.Request.Path.StartsWithSegments("/health")) return RateLimitPartition.GetNoLimiter("health");
                return RateLimitPartition.GetTokenBucketLimiter(PartitionKey(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Burst,
                    TokensPerPeriod = settings.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "too-many-requests", "Te veel verzoeken",
                    $"U stuurt meer verzoeken dan de dienst per token toestaat; probeer het over {seconds} seconde(n) opnieuw.");
            };
        });
    }

    /// <summary>After authentication, so the partition is the token's id; before authorization and the endpoints.</summary>
    public static void Use(WebApplication app)
    {
        if (app.Services.GetRequiredService<RateLimitSettings>().Enabled) app.UseRateLimiter();
    }

    /// <summary>"token:&lt;id&gt;" for an authenticated caller, "ip:&lt;address&gt;" for everyone else.</summary>
    public static string PartitionKey(HttpContext http) =>
        http.User.FindFirstValue("token_id") is { } tokenId
            ? "token:" + tokenId
            : "ip:" + (http.Connection.RemoteIpAddress ?? IPAddress.None);
}
