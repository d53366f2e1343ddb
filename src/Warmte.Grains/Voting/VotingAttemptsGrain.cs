using System.Net;
using System.Net.Sockets;
using NodaTime;

namespace Warmte.Voting;

/// <summary>How many failed attempts a scope allows before it is locked out, and for how long (a fixed window of the same length).</summary>
[GenerateSerializer, Immutable]
public sealed record AttemptLimits([property: Id(0)] int FailuresBeforeLockout, [property: Id(1)] TimeSpan Lockout);

/// <summary>
/// Cluster-wide counting of failed voting-code (and receipt) attempts for one scope: a client address
/// (<see cref="VotingAttempts.AddressKey"/>) or a meeting's receipt checks (<see cref="VotingAttempts.ReceiptsKey"/>).
/// Orleans keeps one activation per key in the whole cluster, so every silo counts in the same place
/// and n silos allow no more attempts than one. Each attempt is reserved before the code is looked
/// up (<see cref="Begin"/>) and settled after (<see cref="Settle"/>); attempts in flight count as
/// failures until settled, so concurrent requests cannot overshoot the limit either.
/// Kept in memory only (no client address is ever stored): when the silo holding an activation
/// dies, that scope starts counting from zero (docs/security.md states the resulting bound).
/// </summary>
public interface IVotingAttemptsGrain : IGrainWithStringKey
{
    /// <summary>Null: the attempt may go ahead (and is counted as pending); otherwise how long to wait.</summary>
    Task<TimeSpan?> Begin(AttemptLimits limits);

    /// <summary>Ends a pending attempt; a failed one counts, and the limit-th failure starts the lockout.</summary>
    Task Settle(bool failed, AttemptLimits limits);
}

public static class VotingAttempts
{
    /// <summary>
    /// The scope of one client: an IPv4 address, or the /64 network of an IPv6 address (one
    /// subscriber usually has a whole /64, so a single address would be free to change).
    /// </summary>
    public static string AddressKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return "address/" + new IPAddress(bytes) + "/64";
        }
        return "address/" + address;
    }

    /// <summary>The receipt checks of one meeting ("{cooperativeId}/{meetingId}"), from every address together.</summary>
    public static string ReceiptsKey(string votingKey) => "receipts/" + votingKey;
}

/// <summary>The pure counting rule (a fixed window per scope, a lockout after the limit), tested directly.</summary>
public sealed class AttemptWindow
{
    /// <summary>An attempt that was never settled (its silo died mid-request) stops counting after this.</summary>
    public static readonly Duration PendingLifetime = Duration.FromMinutes(1);

    private Instant _windowStart;
    private int _failures;
    private Instant? _lockedUntil;
    private readonly List<Instant> _pending = [];

    public int Failures => _failures;

    public TimeSpan? Begin(Instant now, AttemptLimits limits)
    {
        if (_lockedUntil is { } until && until > now) return (until - now).ToTimeSpan();
        Roll(now, limits);
        _pending.RemoveAll(p => now - p >= PendingLifetime);
        // In-flight attempts could all fail: admit only as many as could still fail without passing the limit.
        if (_failures + _pending.Count >= limits.FailuresBeforeLockout) return TimeSpan.FromSeconds(1);
        _pending.Add(now);
        return null;
    }

    public void Settle(Instant now, bool failed, AttemptLimits limits)
    {
        if (_pending.Count > 0) _pending.RemoveAt(0);
        if (!failed) return;
        Roll(now, limits);
        if (++_failures < limits.FailuresBeforeLockout) return;
        _lockedUntil = now + Duration.FromTimeSpan(limits.Lockout);
        _failures = 0;
        _windowStart = now;
    }

    private void Roll(Instant now, AttemptLimits limits)
    {
        if (now - _windowStart < Duration.FromTimeSpan(limits.Lockout)) return;
        _windowStart = now;
        _failures = 0;
    }
}

// Kept for the whole lockout even when the scope goes quiet (Orleans' default idle collection is 15 minutes).
[CollectionAgeLimit(Minutes = 120)]
public sealed class VotingAttemptsGrain(IClock clock) : Grain, IVotingAttemptsGrain
{
    private readonly AttemptWindow _window = new();

    public Task<TimeSpan?> Begin(AttemptLimits limits) => Task.FromResult(_window.Begin(clock.GetCurrentInstant(), limits));

    public Task Settle(bool failed, AttemptLimits limits)
    {
        _window.Settle(clock.GetCurrentInstant(), failed, limits);
        return Task.CompletedTask;
    }
}
