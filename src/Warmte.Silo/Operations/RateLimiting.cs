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
        services.AddSingleton<RetryAfterHoldBack>();
        if (!settings.Enabled) return;
        services.AddRateLimiter(options =>
        {
            // Token buckets refilled on request, without PartitionedRateLimiter's 100-ms heartbeat timer (TokenBuckets; an idle silo's wake-ups).
            options.GlobalLimiter = new TokenBuckets<HttpContext>(http => http.Request.Path.StartsWithSegments("/health") ? null : PartitionKey(http),
                settings.Burst, settings.PermitsPerSecond, TimeSpan.FromSeconds(1));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "too-many-requests", "Te veel verzoeken",
                    $"U stuurt meer verzoeken dan de dienst per token toestaat; probeer het over {seconds} {Warmte.DutchFormat.Noun(seconds, "seconde", "seconden")} opnieuw.");
            };
        });
    }

    /// <summary>
    /// Before authentication: a bearer credential still inside the Retry-After it was given is answered 429
    /// here, before its token is looked up (<see cref="RetryAfterHoldBack"/>). On even when RateLimit:Enabled
    /// is false, since the costly lane's 503 and the token lookup limit still give a Retry-After.
    /// </summary>
    public static void UseHoldBack(WebApplication app)
    {
        var holdBack = app.Services.GetRequiredService<RetryAfterHoldBack>();
        app.Use((http, next) => holdBack.InvokeAsync(http, next));
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

/// <summary>
/// The hold-back for API clients that ignore Retry-After (issue 16, expensive requests). When a request
/// that carries <c>Authorization: Bearer …</c> is answered 429 (the per-token rate limit, the token lookup
/// limit) or 503 busy (the costly lane) with Retry-After, that credential is held back until the
/// Retry-After has passed: another request with it arriving earlier is answered 429 at once (code
/// too-many-requests, like the limiter's), with the seconds still to wait, before the token lookup, the rate limiter, the body, any grain call or the
/// costly lane's queue. After a 429 every request of the credential is held back (the rate limit
/// covers all of them); after a 503 busy only its costly requests (<see cref="CostlyWork"/> marks the
/// endpoints), so the same token's cheap reads go on. The hold ends when the Retry-After given ends;
/// sending early does not extend it.
/// <para>Keyed by a SHA-256 of the token, never the token itself; requests without a bearer header (the
/// dashboard's cookie session, the members' voting door, /health) are not held back: holding an address
/// would hold back everyone behind it (a meeting's Wi-Fi), and those requests cost no token lookup.
/// At most <see cref="MaxHeld"/> credentials are held at once (expired holds are swept); beyond that a
/// refusal is not remembered and the normal limits answer.</para>
/// </summary>
public sealed class RetryAfterHoldBack
{
    public const int MaxHeld = 100_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<UInt128, Hold> _holds = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Endpoint, bool> _costly = new();
    private int _recorded;

    /// <summary>The deadlines of one credential's hold, in <see cref="System.Diagnostics.Stopwatch"/> ticks (0: none).</summary>
    private readonly record struct Hold(long AllUntil, long CostlyUntil);

    /// <summary>HttpContext item set when the costly lane answered 503 busy.</summary>
    public const string CostlyBusyItem = "warmte.costly-busy";

    /// <summary>Credentials held back now (expired ones may still be counted until the next sweep).</summary>
    public int Count => _holds.Count;

    /// <summary>Called by <see cref="CostlyWork"/> for every request that reaches the costly lane: its endpoint is costly.</summary>
    public void MarkCostly(HttpContext http)
    {
        if (http.GetEndpoint() is { } endpoint) _costly.TryAdd(endpoint, true);
    }

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (Key(http) is not { } key)
        {
            await next(http);
            return;
        }
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_holds.TryGetValue(key, out var hold))
        {
            var until = hold.AllUntil > now ? hold.AllUntil
                : hold.CostlyUntil > now && http.GetEndpoint() is { } endpoint && _costly.ContainsKey(endpoint) ? hold.CostlyUntil
                : 0;
            if (until > 0)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(System.Diagnostics.Stopwatch.GetElapsedTime(now, until).TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                // The limiter's code and title (clients handle one 429); the detail says why.
                await Problems.Write(http, StatusCodes.Status429TooManyRequests, "too-many-requests", "Te veel verzoeken",
                    $"Dit token kreeg kort geleden 'probeer het later opnieuw' en stuurt al een nieuw verzoek vóór die tijd; wacht nog {seconds} {Warmte.DutchFormat.Noun(seconds, "seconde", "seconden")} (Retry-After).");
                return;
            }
        }
        await next(http);
        var status = http.Response.StatusCode;
        if (status is not (StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)) return;
        if (!int.TryParse(http.Response.Headers.RetryAfter.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var retryAfter) || retryAfter < 1) return;
        var end = System.Diagnostics.Stopwatch.GetTimestamp() + (long)retryAfter * System.Diagnostics.Stopwatch.Frequency;
        var costlyOnly = status == StatusCodes.Status503ServiceUnavailable;
        if (costlyOnly && !http.Items.ContainsKey(CostlyBusyItem)) return; // a 503 of something else: not this lane's
        Record(key, end, costlyOnly);
    }

    private void Record(UInt128 key, long end, bool costlyOnly)
    {
        if (Interlocked.Increment(ref _recorded) % 1024 == 0) Sweep();
        if (_holds.Count >= MaxHeld && !_holds.ContainsKey(key)) return;
        _holds.AddOrUpdate(key,
            _ => costlyOnly ? new Hold(0, end) : new Hold(end, 0),
            (_, h) => costlyOnly ? h with { CostlyUntil = Math.Max(h.CostlyUntil, end) } : h with { AllUntil = Math.Max(h.AllUntil, end) });
    }

    private void Sweep()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var (key, hold) in _holds)
            if (hold.AllUntil <= now && hold.CostlyUntil <= now) _holds.TryRemove(new KeyValuePair<UInt128, Hold>(key, hold));
    }

    /// <summary>
    /// A SHA-256 (its first 16 bytes) of the token in the bearer header, taken as the token handler takes it
    /// (after "Bearer ", trimmed: other spacing or casing of "Bearer" is the same credential), or null without one.
    /// </summary>
    private static UInt128? Key(HttpContext http)
    {
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { Length: > 7 and <= 512 } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var token = value.AsSpan("Bearer ".Length).Trim();
        if (token.Length is 0 or > 200) return null; // refused by the token handler without a lookup
        Span<byte> bytes = stackalloc byte[200 * 3];
        var length = System.Text.Encoding.UTF8.GetBytes(token, bytes);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(bytes[..length], hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
