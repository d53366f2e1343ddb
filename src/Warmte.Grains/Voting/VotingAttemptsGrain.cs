using System.Net;
using System.Net.Sockets;
using NodaTime;

namespace Warmte.Voting;

/// <summary>
/// How many wrong attempts a scope allows before it is locked out, and for how long (a fixed window of
/// the same length); and, separately, how many requests of the scope may be in flight at once
/// (<see cref="MaxInFlight"/>: a hall full of members behind one address votes together, so this is
/// sized for that, not for the wrong-code limit).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AttemptLimits([property: Id(0)] int FailuresBeforeLockout, [property: Id(1)] TimeSpan Lockout, [property: Id(2)] int MaxInFlight = 200);

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
    /// <summary>Null: the attempt may go ahead (and is counted as pending), also while the scope backs off; otherwise how long to wait (too many in flight).</summary>
    Task<TimeSpan?> Begin(AttemptLimits limits);

    /// <summary>
    /// Ends a pending attempt; a wrong one counts, and the limit-th starts the lockout. Null: answer
    /// the attempt as it ended. Otherwise (a wrong attempt while the scope backs off, or one that raced
    /// past the limit while others were in flight) the lockout's remaining time: answer that instead of
    /// "wrong code". A valid attempt is always answered as it ended.
    /// </summary>
    Task<TimeSpan?> Settle(bool failed, AttemptLimits limits);
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

/// <summary>
/// The pure counting rule (a fixed window per scope, a lockout after the limit), tested directly.
/// Only wrong attempts count towards the lockout; requests in flight are capped on their own
/// (<see cref="AttemptLimits.MaxInFlight"/>), so many members behind one address can vote at once.
/// Bounds per window: at most <c>FailuresBeforeLockout</c> wrong answers (a wrong attempt settled
/// after the limit is answered with the back-off instead); a valid code is served also while the scope
/// backs off, so the codes tried are bounded by the per-silo request limits, not by this window.
/// </summary>
public sealed class AttemptWindow
{
    /// <summary>An attempt that was never settled (its silo died mid-request) stops counting after this.</summary>
    public static readonly Duration PendingLifetime = Duration.FromMinutes(1);

    private Instant _windowStart;
    private int _failures;
    private Instant? _lockedUntil;
    private readonly List<Instant> _pending = [];

    public int Failures => _failures;

    /// <summary>
    /// Null: the attempt goes ahead (counted as in flight); otherwise how long to wait (too many in flight).
    /// A scope that is backing off still admits attempts: a valid code is served, a wrong one is answered
    /// with the back-off (<see cref="Settle"/>). Refusing everything while backing off let anyone behind
    /// the same address (the hall's Wi-Fi, a carrier's shared IPv4) block every member there with 100
    /// wrong codes per window, and bought nothing against guessing 80-bit codes (docs/security.md).
    /// </summary>
    public TimeSpan? Begin(Instant now, AttemptLimits limits)
    {
        if (_lockedUntil is not { } until || until <= now) Roll(now, limits);
        _pending.RemoveAll(p => now - p >= PendingLifetime);
        if (_pending.Count >= Math.Max(1, limits.MaxInFlight)) return TimeSpan.FromSeconds(1);
        _pending.Add(now);
        return null;
    }

    public TimeSpan? Settle(Instant now, bool failed, AttemptLimits limits)
    {
        if (_pending.Count > 0) _pending.RemoveAt(0);
        if (!failed) return null;
        // Locked while this one was in flight: it is not answered as a wrong code (nor counted again).
        if (_lockedUntil is { } until && until > now) return (until - now).ToTimeSpan();
        Roll(now, limits);
        if (++_failures < limits.FailuresBeforeLockout) return null;
        _lockedUntil = now + Duration.FromTimeSpan(limits.Lockout);
        _failures = 0;
        _windowStart = now;
        return null;
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

    public Task<TimeSpan?> Settle(bool failed, AttemptLimits limits) => Task.FromResult(_window.Settle(clock.GetCurrentInstant(), failed, limits));
}
