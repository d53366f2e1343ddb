using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Warmte.Journal;
using Warmte.Silo.Storage;

namespace Warmte.LoadGen;

/// <summary>
/// The storage layer alone, without HTTP and Orleans (journal-compare): the service's own journal
/// store (<see cref="AdoNetJournalStore"/>) committing what a spending booking commits — the cash
/// plan's snapshot of a booked six-year plan, one journal row, the idempotency key and the project
/// summary's count, in one commit — by the same number of concurrent writers as write-compare, each
/// on grains of its own (as Orleans gives each project one activation), with group commit on and off.
/// Set beside the raw insert of the one booking row, it says how much of the distance between the
/// service and the raw insert is the database work and how much is everything before it.
/// </summary>
public static class JournalCompare
{
    private const string GrainType = "cashplan";

    public static async Task<(Recorder Recorder, double Seconds)> RunAsync(
        string connectionString, bool groupCommit, int clients, TimeSpan duration, TimeSpan warmup, string payload, int grains, string round)
    {
        // The connection string as the silo takes it (StorageSettings.From: pooled connections not reset on reuse).
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = connectionString, ["DataDir"] = Path.GetTempPath(),
        }).Build());
        var store = new AdoNetJournalStore(new Database(settings), groupCommit);
        var operation = groupCommit ? "journal commit (group)" : "journal commit (alone)";
        var state = SnapshotOfABookedPlan();
        var recorder = new Recorder();
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        var perClient = Math.Max(1, grains / clients + 1);
        var workers = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var versions = new long[perClient];
            var rng = new Random(31 * i + 7);
            while (clock.Elapsed < end)
            {
                var grain = rng.Next(perClient);
                var key = $"jc-{round}-{(groupCommit ? "g" : "a")}-c{i}-p{grain}";
                var version = versions[grain];
                var now = SystemClock.Instance.GetCurrentInstant();
                var commit = new JournalCommit(GrainType, key, version, version + 1, state + version + "}",
                    [new JournalAppend("spending", $"2026-{1 + rng.Next(12):00}", now, "loadgen", payload)],
                    new IdempotencyRecord(Guid.NewGuid().ToString("N"), "loadgen", payload, version + 1), now);
                var startedAt = clock.Elapsed;
                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    await store.CommitAsync(commit);
                    versions[grain] = version + 1;
                    status = 200;
                }
                catch (Orleans.Storage.InconsistentStateException)
                {
                    status = 409;
                }
                catch (Exception)
                {
                    status = 500;
                }
                if (startedAt >= warmup) recorder.For(operation).Record(status, (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1000));
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (recorder, (clock.Elapsed - warmup).TotalSeconds);
    }

    /// <summary>
    /// A cash plan's snapshot as a booked project has it: the compact month list of 72 months (about
    /// 1.4 kB, as docs/performance.md measured), so the update writes the bytes a booking writes.
    /// </summary>
    private static string SnapshotOfABookedPlan()
    {
        var months = string.Join(";", Enumerable.Range(0, 72).Select(m => $"{2020 + m / 12}-{1 + m % 12:00} {351234 + m * 17}.{m % 100:00} {60 + m % 9} 0/7/60"));
        return "{\"bookingCount\":5000,\"spent\":\"" + months + "\",\"n\":";
    }
}
