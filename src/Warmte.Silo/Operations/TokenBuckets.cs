using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Warmte.Silo.Operations;

/// <summary>
/// A token bucket per partition key (the per-token rate limit, the token lookup gate), refilled from the
/// time that passed when a permit is asked for, not by a timer. <c>PartitionedRateLimiter.Create</c> with
/// token-bucket partitions does the same counting but runs a 100-ms heartbeat timer for the whole process's
/// life: the two limiters were 29 of an idle silo's ~48 thread-pool work items per second (docs/performance.md,
/// "An idle silo"). Same rules: a bucket starts full at <c>limit</c>, gains <c>perPeriod</c> permits at
/// every whole <c>period</c> since it was last refilled, never above <c>limit</c>; no queue (a permit is
/// granted now or refused with a Retry-After: the time until enough whole periods have passed). A full
/// bucket is the same as no bucket, so buckets found full are dropped (checked at most every 10 s, on a
/// request), which bounds the memory a flood of new addresses or tokens can take.
/// </summary>
public sealed class TokenBuckets<TResource> : PartitionedRateLimiter<TResource>
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromSeconds(10);

    private readonly Func<TResource, string?> _key;
    private readonly int _limit;
    private readonly int _perPeriod;
    private readonly long _periodTicks;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _nextPrune;

    private sealed class Bucket(int tokens, long at)
    {
        public int Tokens = tokens;
        public long At = at; // TimeSpan ticks of the last whole period counted
        public bool Dropped;
    }

    /// <param name="key">The partition of a resource; null: not limited (e.g. /health).</param>
    public TokenBuckets(Func<TResource, string?> key, int limit, int perPeriod, TimeSpan period, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perPeriod, 1);
        if (period <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(period), "The period must be positive.");
        _key = key;
        _limit = limit;
        _perPeriod = perPeriod;
        _periodTicks = period.Ticks;
        _time = time ?? TimeProvider.System;
        _nextPrune = Now() + PruneEvery.Ticks;
    }

    /// <summary>Buckets held (partitions not full); for tests and diagnostics.</summary>
    public int Partitions => _buckets.Count;

    private long Now() => _time.GetElapsedTime(0).Ticks; // a monotonic clock (Stopwatch), in TimeSpan ticks

    public override RateLimiterStatistics? GetStatistics(TResource resource)
    {
        if (_key(resource) is not { } key) return null;
        if (!_buckets.TryGetValue(key, out var bucket)) return new RateLimiterStatistics { CurrentAvailablePermits = _limit };
        lock (bucket)
        {
            Refill(bucket, Now());
            return new RateLimiterStatistics { CurrentAvailablePermits = bucket.Tokens };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount)
    {
        if (_key(resource) is not { } key) return Lease.Granted;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _limit);
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        var now = Now();
        Prune(now);
        while (true)
        {
            var bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Limit, state.Now), (Limit: _limit, Now: now));
            lock (bucket)
            {
                if (bucket.Dropped) continue; // dropped by a prune just now: take the new one
                Refill(bucket, now);
                if (bucket.Tokens >= permitCount)
                {
                    bucket.Tokens -= permitCount;
                    return Lease.Granted;
                }
                var periods = (permitCount - bucket.Tokens + _perPeriod - 1) / _perPeriod;
                return Lease.Refused(TimeSpan.FromTicks(bucket.At + periods * _periodTicks - now));
            }
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount)); // no queue: as QueueLimit = 0

    private void Refill(Bucket bucket, long now)
    {
        var periods = (now - bucket.At) / _periodTicks;
        if (periods <= 0) return;
        bucket.Tokens = (int)Math.Min(_limit, bucket.Tokens + periods * _perPeriod);
        bucket.At += periods * _periodTicks;
    }

    private void Prune(long now)
    {
        var due = Interlocked.Read(ref _nextPrune);
        if (now < due || Interlocked.CompareExchange(ref _nextPrune, now + PruneEvery.Ticks, due) != due) return;
        foreach (var (key, bucket) in _buckets)
            lock (bucket)
            {
                Refill(bucket, now);
                if (bucket.Tokens < _limit) continue;
                bucket.Dropped = true;
                _buckets.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
            }
    }

    private sealed class Lease : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        private readonly TimeSpan? _retryAfter;

        private Lease(bool acquired, TimeSpan? retryAfter)
        {
            IsAcquired = acquired;
            _retryAfter = retryAfter;
        }

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired { get; }

        public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (_retryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }
            metadata = null;
            return false;
        }
    }
}
