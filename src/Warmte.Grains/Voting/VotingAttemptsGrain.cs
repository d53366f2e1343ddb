using System.Net;
using System.Net.Sockets;
using NodaTime;

namespace Warmte.Voting;

/// <summary>
/// How many wrong attempts a scope allows before it backs off, and for how long (a fixed window of
/// the same length); how many requests of the scope may be in flight at once (<see cref="MaxInFlight"/>:
/// a hall full of members behind one address votes together, so this is sized for that, not for the
/// wrong-code limit); and how many lookups it still admits while backing off: a token bucket of
/// <see cref="BackOffBurst"/> lookups, refilled at <see cref="BackOffLookupsPerSecond"/> a second. Zero
/// (the receipt scope): nothing is admitted while backing off.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AttemptLimits(
    [property: Id(0)] int FailuresBeforeLockout, [property: Id(1)] TimeSpan Lockout, [property: Id(2)] int MaxInFlight = 200,
    [property: Id(3)] int BackOffLookupsPerSecond = 0, [property: Id(4)] int BackOffBurst = 1)
{
    /// <summary>The time one lookup's token takes to come back (rounded up, so never more than the stated rate); null: none while backing off.</summary>
    public Duration? BackOffInterval => BackOffLookupsPerSecond <= 0 ? null
        : Duration.FromTicks((TimeSpan.TicksPerSecond + BackOffLookupsPerSecond - 1) / BackOffLookupsPerSecond);
}

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
    /// <summary>
    /// Null: the attempt may go ahead (and is counted as pending); otherwise how long to wait: too many in
    /// flight, or the scope is backing off and its bucket of lookups is empty (or it admits none then).
    /// </summary>
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
/// The pure counting rule (a fixed window per scope, a back-off after the limit), tested directly.
/// Only wrong attempts count towards the back-off; requests in flight are capped on their own
/// (<see cref="AttemptLimits.MaxInFlight"/>), so many members behind one address can vote at once.
/// Bounds per window: at most <c>FailuresBeforeLockout</c> wrong answers (a wrong attempt settled
/// after the limit is answered with the back-off instead). While the scope backs off it admits lookups
/// from a token bucket (<see cref="AttemptLimits.BackOffBurst"/>, refilled at
/// <see cref="AttemptLimits.BackOffLookupsPerSecond"/>) and answers the rest with a wait of at most one
/// token's interval, without a lookup; a lookup that finds a valid code gives its token back (a guesser
/// cannot make valid codes). So during a back-off of length T at most
/// <c>BackOffBurst + T × BackOffLookupsPerSecond + (valid codes served)</c> lookups are made, and a member
/// whose code is refused by the empty bucket is served when they retry after the wait they were given,
/// unless another wrong attempt of the same address took that token first (review F4, 6-12-2026: before,
/// every guess during the back-off reached the one code directory).
/// </summary>
public sealed class AttemptWindow
{
    /// <summary>An attempt that was never settled (its silo died mid-request) stops counting after this.</summary>
    public static readonly Duration PendingLifetime = Duration.FromMinutes(1);

    private Instant _windowStart;
    private int _failures;
    private Instant? _lockedUntil;
    private readonly List<Instant> _pending = [];
    // The bucket while backing off, as time credit: one lookup costs one interval; full is BackOffBurst intervals.
    private Duration _credit;
    private Instant _creditAt;

    public int Failures => _failures;

    /// <summary>The end of the current back-off, if the scope is (or was last) backing off.</summary>
    public Instant? BackingOffUntil => _lockedUntil;

    /// <summary>
    /// Null: the attempt goes ahead (counted as in flight); otherwise how long to wait (too many in flight,
    /// or backing off with the bucket empty: at most one token's interval, never the whole back-off, so a
    /// member retrying once gets through). A scope that is backing off still admits lookups from its
    /// bucket: a valid code is served, a wrong one is answered with the back-off (<see cref="Settle"/>).
    /// Refusing everything while backing off let anyone behind the same address (the hall's Wi-Fi, a
    /// carrier's shared IPv4) block every member there with 100 wrong codes per window; admitting
    /// everything let every guess reach the code directory (review F4). A scope without a bucket (the
    /// receipt scope: no hall behind it) refuses everything while backing off.
    /// </summary>
    public TimeSpan? Begin(Instant now, AttemptLimits limits)
    {
        var backingOff = _lockedUntil is { } until && until > now;
        if (!backingOff) Roll(now, limits);
        _pending.RemoveAll(p => now - p >= PendingLifetime);
        if (backingOff)
        {
            var left = _lockedUntil!.Value - now;
            if (limits.BackOffInterval is not { } interval) return left.ToTimeSpan();
            Refill(now, limits, interval);
            if (_credit < interval) return Duration.Min(left, interval - _credit).ToTimeSpan();
        }
        if (_pending.Count >= Math.Max(1, limits.MaxInFlight)) return TimeSpan.FromSeconds(1);
        if (backingOff) _credit -= limits.BackOffInterval!.Value;
        _pending.Add(now);
        return null;
    }

    public TimeSpan? Settle(Instant now, bool failed, AttemptLimits limits)
    {
        if (_pending.Count > 0) _pending.RemoveAt(0);
        var backingOff = _lockedUntil is { } until && until > now;
        if (!failed)
        {
            // A valid code gives its token back: valid codes are not what the bucket limits.
            if (backingOff && limits.BackOffInterval is { } interval)
            {
                Refill(now, limits, interval);
                _credit = Duration.Min(_credit + interval, interval * Math.Max(1, limits.BackOffBurst));
            }
            return null;
        }
        // Backing off while this one was in flight: it is not answered as a wrong code (nor counted again).
        if (backingOff) return (_lockedUntil!.Value - now).ToTimeSpan();
        Roll(now, limits);
        if (++_failures < limits.FailuresBeforeLockout) return null;
        _lockedUntil = now + Duration.FromTimeSpan(limits.Lockout);
        _failures = 0;
        _windowStart = now;
        _credit = limits.BackOffInterval is { } full ? full * Math.Max(1, limits.BackOffBurst) : Duration.Zero;
        _creditAt = now;
        return null;
    }

    private void Refill(Instant now, AttemptLimits limits, Duration interval)
    {
        if (now > _creditAt) _credit = Duration.Min(_credit + (now - _creditAt), interval * Math.Max(1, limits.BackOffBurst));
        if (now > _creditAt) _creditAt = now;
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
