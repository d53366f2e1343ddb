using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Warmte.Silo.Auth;

/// <summary>The answer of <see cref="TokenLookupGate.FindActiveAsync"/>: the token, or nothing, or "wait".</summary>
public readonly record struct TokenLookup(TokenInfo? Info, TimeSpan? RetryAfter)
{
    public bool Limited => RetryAfter is not null;
}

/// <summary>
/// Rate limiting in front of the token's database lookup (issue 16): a token the cache does not know
/// (<see cref="CachedToken.Miss"/>) may only be looked up in the database within a token bucket per client
/// address (IPv4 address, IPv6 /64), RateLimit:TokenLookupsPerSecond and RateLimit:TokenLookupBurst.
/// Tokens the cache knows (active, found unknown a moment ago, or active when last seen) never wait
/// for a permit: a flood of random tokens from one address is answered 429 without a query each,
/// while the callers with real tokens go on. Off when RateLimit:Enabled is false.
/// </summary>
public sealed class TokenLookupGate : IDisposable
{
    private readonly TokenStore _tokens;
    private readonly PartitionedRateLimiter<string>? _limiter;

    public TokenLookupGate(TokenStore tokens, Operations.RateLimitSettings settings)
    {
        _tokens = tokens;
        if (!settings.Enabled) return;
        // Refilled on request, no heartbeat timer (Operations.TokenBuckets).
        _limiter = new Operations.TokenBuckets<string>(address => address, settings.TokenLookupBurst, settings.TokenLookupsPerSecond, TimeSpan.FromSeconds(1));
    }

    public async Task<TokenLookup> FindActiveAsync(string token, IPAddress? remote)
    {
        if (_limiter is not null && _tokens.Peek(token) == CachedToken.Miss)
        {
            using var lease = _limiter.AttemptAcquire(AddressKey(remote));
            if (!lease.IsAcquired)
                return new TokenLookup(null, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1));
        }
        return new TokenLookup(await _tokens.FindActiveAsync(token), null);
    }

    /// <summary>An IPv4 address as it is; an IPv6 address by its /64, the smallest block one client usually has.</summary>
    public static string AddressKey(IPAddress? remote)
    {
        if (remote is null) return "none";
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        if (remote.AddressFamily != AddressFamily.InterNetworkV6) return remote.ToString();
        var bytes = remote.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => _limiter?.Dispose();
}
