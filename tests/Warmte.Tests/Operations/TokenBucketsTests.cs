using System.Threading.RateLimiting;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.Silo.Operations;

namespace Warmte.Tests.Operations;

/// <summary>
/// The timer-free token buckets behind the per-token rate limit and the token lookup gate (TokenBuckets):
/// a burst, then a refill per whole period, a Retry-After that is enough and not too early, partitions
/// counted apart, nothing limited without a key, and buckets dropped once full. On a clock the test moves.
/// </summary>
public sealed class TokenBucketsTests
{
    /// <summary>A monotonic clock that moves only when the test says so.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public long Now { get; set; } = 1_000 * TimeSpan.TicksPerSecond;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Now;
        public void Advance(TimeSpan by) => Now += by.Ticks;
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : throw new Xunit.Sdk.XunitException("no Retry-After");

    [Fact]
    public void A_full_burst_then_one_refusal_then_the_period_s_permits_again_and_no_more()
    {
        var time = new ManualTime();
        using var buckets = new TokenBuckets<string>(k => k, limit: 5, perPeriod: 2, TimeSpan.FromSeconds(1), time);
        for (var i = 0; i < 5; i++) Assert.True(buckets.AttemptAcquire("a").IsAcquired);
        var refused = buckets.AttemptAcquire("a");
        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.FromSeconds(1), RetryAfter(refused));

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(buckets.AttemptAcquire("a").IsAcquired);
        Assert.Equal(TimeSpan.FromMilliseconds(1), RetryAfter(buckets.AttemptAcquire("a")));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(buckets.AttemptAcquire("a").IsAcquired);
        Assert.True(buckets.AttemptAcquire("a").IsAcquired);
        Assert.False(buckets.AttemptAcquire("a").IsAcquired);

        // Idle for a long time: full again, never above the limit.
        time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++) Assert.True(buckets.AttemptAcquire("a").IsAcquired);
        Assert.False(buckets.AttemptAcquire("a").IsAcquired);
    }

    [Fact]
    public void Partitions_are_counted_apart_and_a_resource_without_a_key_is_never_limited()
    {
        var time = new ManualTime();
        using var buckets = new TokenBuckets<string>(k => k == "health" ? null : k, limit: 1, perPeriod: 1, TimeSpan.FromSeconds(1), time);
        Assert.True(buckets.AttemptAcquire("token:1").IsAcquired);
        Assert.False(buckets.AttemptAcquire("token:1").IsAcquired);
        Assert.True(buckets.AttemptAcquire("token:2").IsAcquired);
        for (var i = 0; i < 100; i++) Assert.True(buckets.AttemptAcquire("health").IsAcquired);
        Assert.Null(buckets.GetStatistics("health"));
        Assert.Equal(0, buckets.GetStatistics("token:1")!.CurrentAvailablePermits);
    }

    [Fact]
    public void Buckets_that_are_full_again_are_dropped_so_a_flood_of_new_keys_does_not_stay_in_memory()
    {
        var time = new ManualTime();
        using var buckets = new TokenBuckets<string>(k => k, limit: 2, perPeriod: 1, TimeSpan.FromSeconds(1), time);
        for (var i = 0; i < 1_000; i++) Assert.True(buckets.AttemptAcquire("ip:" + i).IsAcquired);
        Assert.Equal(1_000, buckets.Partitions);
        // 11 s later every bucket is full again; the next request prunes them and keeps only its own.
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(buckets.AttemptAcquire("ip:busy").IsAcquired);
        Assert.Equal(1, buckets.Partitions);
        // A partition that is not full is kept, and keeps its count.
        Assert.True(buckets.AttemptAcquire("ip:busy").IsAcquired);
        Assert.False(buckets.AttemptAcquire("ip:busy").IsAcquired);
        time.Advance(TimeSpan.FromSeconds(10.5));
        Assert.True(buckets.AttemptAcquire("ip:other").IsAcquired); // prunes: ip:busy is full by now (10 periods)
        Assert.True(buckets.AttemptAcquire("ip:busy").IsAcquired);
        Assert.True(buckets.AttemptAcquire("ip:busy").IsAcquired);
        Assert.False(buckets.AttemptAcquire("ip:busy").IsAcquired);
    }

    /// <summary>
    /// Whatever the requests and pauses: never more permits than the burst plus one period's permits per
    /// whole period elapsed, and a caller that waits the Retry-After it was given then gets its permit.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Never_more_than_the_burst_plus_the_refills_and_the_Retry_After_is_enough()
    {
        return Prop.ForAll(Gen.Choose(1, 10).ToArbitrary(), Gen.Choose(1, 10).ToArbitrary(), Gen.Choose(0, 1500).ArrayOf().ToArbitrary(), (limit, perPeriod, pauses) =>
        {
            var time = new ManualTime();
            using var buckets = new TokenBuckets<string>(k => k, limit, perPeriod, TimeSpan.FromSeconds(1), time);
            var start = time.Now;
            var granted = 0;
            foreach (var ms in pauses)
            {
                time.Advance(TimeSpan.FromMilliseconds(ms));
                var lease = buckets.AttemptAcquire("k");
                if (lease.IsAcquired) granted++;
                else
                {
                    var wait = RetryAfter(lease);
                    if (wait <= TimeSpan.Zero || wait > TimeSpan.FromSeconds(1)) return false;
                    // Not a tick early...
                    time.Advance(wait - TimeSpan.FromTicks(1));
                    if (buckets.AttemptAcquire("k").IsAcquired) return false;
                    // ...and enough.
                    time.Advance(TimeSpan.FromTicks(1));
                    if (!buckets.AttemptAcquire("k").IsAcquired) return false;
                    granted++;
                }
                var periods = (time.Now - start) / TimeSpan.TicksPerSecond;
                if (granted > limit + periods * perPeriod) return false;
            }
            return true;
        });
    }
}
