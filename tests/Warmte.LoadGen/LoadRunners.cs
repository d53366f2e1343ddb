using System.Diagnostics;

namespace Warmte.LoadGen;

/// <summary>The two ways of offering load: a fixed number of clients in a loop, or a fixed rate.</summary>
public static class LoadRunners
{
    /// <summary>
    /// Closed loop: <paramref name="clients"/> clients each send the next request as soon as the
    /// previous one is answered. Requests started during the warm-up are not recorded.
    /// Throughput = successful answers per second of the measured part.
    /// </summary>
    public static async Task<(Recorder Recorder, double Seconds)> ClosedLoopAsync(
        Func<Random, Task<(string Operation, Answer Answer)>> operation, int clients, TimeSpan duration, TimeSpan warmup, int seed = 1)
    {
        var recorder = new Recorder();
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var end = warmup + duration;
        var workers = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var rng = new Random(seed * 7919 + i);
            while (clock.Elapsed < end)
            {
                var startedAt = clock.Elapsed;
                var (op, answer) = await operation(rng);
                if (startedAt >= measureFrom) recorder.For(op).Record(answer.Status, answer.Micros);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        // Requests in flight at the end finish after it; the measured time runs to the last answer.
        var seconds = (clock.Elapsed - measureFrom).TotalSeconds;
        return (recorder, seconds);
    }

    /// <summary>
    /// Open loop at a fixed rate: request i is due at start + i/rate whether or not earlier ones
    /// were answered, and its latency runs from when it was due (not when it was sent), so a
    /// stalled service shows in the latency instead of lowering the offered load (no coordinated
    /// omission). The time from sending to answer is recorded too, as "&lt;op&gt; (service time)".
    /// At most <paramref name="maxInFlight"/> requests are outstanding; beyond that a due request
    /// is counted as not sent (no answer) — a sign the service cannot keep up.
    /// </summary>
    public static async Task<(Recorder Recorder, double Seconds, long Sent)> OpenLoopAsync(
        Func<Random, Task<(string Operation, Answer Answer)>> operation, double rate, TimeSpan duration, TimeSpan warmup, int maxInFlight = 4000)
    {
        var recorder = new Recorder();
        var rng = new Random(17);
        var inFlight = 0;
        long sent = 0;
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        var total = (long)(rate * (warmup + duration).TotalSeconds);
        var firstMeasured = (long)(rate * warmup.TotalSeconds);

        async Task One(long index, TimeSpan due, Random r)
        {
            try
            {
                var (op, answer) = await operation(r);
                var corrected = clock.Elapsed - due;
                if (index < firstMeasured) return;
                recorder.For(op).Record(answer.Status, (long)(corrected.TotalMilliseconds * 1000));
                recorder.For(op + " (service time)").Record(answer.Status, answer.Micros);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        // The schedule runs on a thread of its own that sleeps between batches (Thread.Sleep wakes more
        // punctually than timer-based Task.Delay), never spinning: on a small machine the generator must
        // not eat the core the service needs. A late wake-up sends the due batch at once.
        var scheduler = new Thread(() =>
        {
            for (long i = 0; i < total;)
            {
                var dueCount = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * rate) + 1);
                for (; i < dueCount; i++)
                {
                    var due = TimeSpan.FromSeconds(i / rate);
                    if (Volatile.Read(ref inFlight) >= maxInFlight)
                    {
                        if (i >= firstMeasured) recorder.For("not sent (too many in flight)").Record(0, 0);
                        continue;
                    }
                    Interlocked.Increment(ref inFlight);
                    sent++;
                    pending.Add(One(i, due, new Random(rng.Next())));
                }
                if (pending.Count > 10_000) pending.RemoveAll(t => t.IsCompleted);
                var wait = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                Thread.Sleep(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1));
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "open-loop schedule" };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        await Task.WhenAll(pending);
        return (recorder, duration.TotalSeconds, sent);
    }
}
