using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Warmte.Alerts;

/// <summary>A project's alert watch as the due table holds it: when its next periodic evaluation is due.</summary>
[GenerateSerializer, Immutable]
public sealed record DueWatch([property: Id(0)] string ProjectId, [property: Id(1)] Instant DueAt);

/// <summary>
/// When each project's alerts are next re-evaluated without a change (table warmte_alert_due: project,
/// slice, due time; index on slice and due time). The silo implements it on SQLite and PostgreSQL
/// (AdoNetAlertDueStore); docs/storage.md, "Alert sweeps".
/// </summary>
public interface IAlertDueStore
{
    /// <summary>Adds the project's due time unless it has one already (a due time, once set, moves only by <see cref="MoveAsync"/>). True when added.</summary>
    Task<bool> AddAsync(string projectId, int slice, Instant dueAt);

    /// <summary>The watches of one slice due at or before <paramref name="now"/>, oldest first, at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<DueWatch>> DueAsync(int slice, Instant now, int take);

    /// <summary>Moves a due time from <paramref name="from"/> to <paramref name="to"/>; nothing when it is no longer <paramref name="from"/>.</summary>
    Task<bool> MoveAsync(string projectId, Instant from, Instant to);
}

/// <summary>
/// The sweep's rules (pure): which slice a project is in, when its next evaluation is due, how often a
/// sweep wakes. A project's place in the slices and in the day follows from its id alone (FNV-1a of its
/// UTF-8 bytes, <see cref="AlertWatchSchedule.Place"/>): the same on every silo and every start.
/// </summary>
public static class AlertSweepSchedule
{
    /// <summary>
    /// How many sweeps (and so stored reminders) there are, whatever the number of projects. Stored
    /// with every due row: changing it needs a migration that recomputes the slices.
    /// </summary>
    public const int Slices = 32;

    /// <summary>At most this many watches per sweep of one slice (after a long stop the backlog drains over several sweeps instead of all at once).</summary>
    public const int PerSweep = 200;

    /// <summary>The project's slice: bits 32–63 of its place, modulo <see cref="Slices"/> (the low bits already fix its time of day).</summary>
    public static int SliceOf(string projectId) => (int)((AlertWatchSchedule.Place(projectId) >> 32) % Slices);

    /// <summary>When a newly watched project is first due: <see cref="AlertWatchSchedule.FirstDue"/> from now.</summary>
    public static Instant FirstDueAt(string projectId, Instant? lastEvaluatedAt, Instant now, TimeSpan period) =>
        now + Duration.FromTimeSpan(AlertWatchSchedule.FirstDue(projectId, lastEvaluatedAt, now, period));

    /// <summary>
    /// The due time after an evaluation that was due at <paramref name="due"/>: the first of due + k × period
    /// (k ≥ 1) after <paramref name="now"/>. Whole periods, so a project keeps its time of day and is
    /// evaluated once per period however late the sweep came; missed periods (a stopped silo) are not repeated.
    /// </summary>
    public static Instant NextDue(Instant due, Instant now, TimeSpan period)
    {
        var p = Duration.FromTimeSpan(period);
        if (p <= Duration.Zero) throw new ArgumentOutOfRangeException(nameof(period), "The period must be positive.");
        if (due > now) return due + p;
        var periods = (now - due).BinaryDivide(p) + 1; // whole periods from due to the first one after now
        return due + p * periods;
    }

    /// <summary>
    /// The due time a project's old per-project reminder (started at <paramref name="start"/>, every
    /// <paramref name="period"/>) would have fired at next: its first tick at or after <paramref name="now"/>.
    /// The upgrade keeps each project's time of day this way.
    /// </summary>
    public static Instant FromReminder(Instant start, TimeSpan period, Instant now)
    {
        if (start >= now) return start;
        var p = Duration.FromTimeSpan(period);
        if (p <= Duration.Zero) return now;
        var periods = (now - start).BinaryDivide(p);
        var at = start + p * periods;
        return at >= now ? at : at + p;
    }

    /// <summary>How often each sweep wakes: a 288th of the period (5 minutes for a day), between 1 second and 5 minutes.</summary>
    public static TimeSpan SweepEvery(TimeSpan period)
    {
        var every = period / 288;
        return every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : every;
    }

    private static long BinaryDivide(this Duration value, Duration by) => (long)(value.BclCompatibleTicks / by.BclCompatibleTicks);
}

/// <summary>
/// One sweep per slice of projects (key 0 … <see cref="AlertSweepSchedule.Slices"/> − 1): a stored reminder
/// wakes it every <see cref="AlertSweepSchedule.SweepEvery"/>; it reads its slice's watches that are due
/// from the due table (indexed) and evaluates them, so the reminder table holds 32 rows whatever the
/// number of projects (issue 15: start-up no longer loads one reminder per project).
/// </summary>
public interface IAlertSweepGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Makes sure the sweep's reminder is registered (once per activation; at every silo start and when a
    /// watch joins the slice). Interleaves with a running sweep: a project being created must not wait for
    /// a sweep that may itself be waiting for that project's watch.
    /// </summary>
    [AlwaysInterleave]
    Task Start();

    /// <summary>Evaluates the slice's watches that are due now (at most <see cref="AlertSweepSchedule.PerSweep"/>) and moves each to its next due time; answers how many.</summary>
    Task<int> Sweep();

    /// <summary>The reminder's tick: runs <see cref="Sweep"/> as a turn of its own (a reminder tick has a response timeout, a sweep may take longer).</summary>
    [OneWay]
    Task Tick();
}

public sealed class AlertSweepGrain(IAlertDueStore due, IClock clock, IOptions<AlertWatchOptions> options, ILogger<AlertSweepGrain> logger)
    : Grain, IAlertSweepGrain, IRemindable
{
    public const string ReminderName = "alert-sweep";

    /// <summary>Evaluations at once within one sweep (32 sweeps: at most 128 in the silo).</summary>
    private const int AtOnce = 4;

    private bool _started;

    private int Slice => (int)this.GetPrimaryKeyLong();

    public async Task Start()
    {
        if (_started) return;
        // Once per activation (a sweep ticks every few minutes, so it stays active): also picks up a changed period.
        var every = AlertSweepSchedule.SweepEvery(options.Value.Period);
        await this.RegisterOrUpdateReminder(ReminderName, every, every);
        _started = true;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == ReminderName ? this.AsReference<IAlertSweepGrain>().Tick() : Task.CompletedTask;

    public async Task Tick() => await Sweep();

    public async Task<int> Sweep()
    {
        var now = clock.GetCurrentInstant();
        var period = options.Value.Period;
        var watches = await due.DueAsync(Slice, now, AlertSweepSchedule.PerSweep);
        var evaluated = 0;
        // In the grain's own turn (not Parallel.ForEachAsync on the thread pool), a few at a time.
        foreach (var batch in watches.Chunk(AtOnce))
            await Task.WhenAll(batch.Select(async w =>
            {
                try
                {
                    await GrainFactory.GetGrain<IAlertWatchGrain>(w.ProjectId).Sweep();
                    await due.MoveAsync(w.ProjectId, w.DueAt, AlertSweepSchedule.NextDue(w.DueAt, now, period));
                    Interlocked.Increment(ref evaluated);
                }
                catch (Journal.StorageFullException)
                {
                    // A full disk: stays due, without a warning per project per sweep (the full disk has one per episode).
                }
                catch (Exception e)
                {
                    // Stays due: the next sweep tries again.
                    logger.LogWarning(e, "Alert sweep {Slice}: evaluating {Project} failed; it stays due", Slice, w.ProjectId);
                }
            }));
        return evaluated;
    }
}
