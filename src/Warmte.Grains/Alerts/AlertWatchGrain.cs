using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Orleans.Concurrency;
using Orleans.Runtime;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Grants;
using Warmte.Projects;

namespace Warmte.Alerts;

/// <summary>How often every project's alerts are re-evaluated when nothing changes (default daily).</summary>
public sealed class AlertWatchOptions
{
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>An alert as watched over time: when it was first raised, and when it cleared.</summary>
[GenerateSerializer, Immutable]
public sealed record WatchedAlert(
    [property: Id(0)] string Key, [property: Id(1)] Alert Alert, [property: Id(2)] Instant RaisedAt, [property: Id(3)] Instant? ClearedAt);

[GenerateSerializer, Immutable]
public sealed record AlertHistory(
    [property: Id(0)] Instant? LastEvaluatedAt,
    [property: Id(1)] ImmutableArray<WatchedAlert> Active,
    [property: Id(2)] ImmutableArray<WatchedAlert> Cleared);

/// <summary>
/// Watches one project's alerts (key: the project's id): re-evaluates them after every change and
/// periodically (daily) when its slice's alert sweep finds it due (<see cref="IAlertSweepGrain"/>), and
/// records when each alert was raised and cleared. Raising an alert is
/// logged, so operators and a future notifier can act on it.
/// </summary>
public interface IAlertWatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Gives the project a due time in the alert sweep's table (kept when it has one) and makes sure its
    /// slice's sweep runs. Idempotent; called on project creation.
    /// </summary>
    Task Watch();

    /// <summary>The periodic evaluation, sent by the project's alert sweep when it is due: evaluates, and recomputes the wide views' summary.</summary>
    Task Sweep();

    /// <summary>Re-evaluates now; sent after a change, without waiting for the answer.</summary>
    [OneWay]
    Task Evaluate();

    Task<AlertHistory> History();

    /// <summary>
    /// The alerts active now, with when each was first raised (what <see cref="AlertSince"/> dates the forecasts by).
    /// Interleaves: read by the summary and the views while this grain may itself be waiting on them (a sweep).
    /// Reads the state as it is and never loads it (none while a failed commit left it unknown).
    /// </summary>
    [AlwaysInterleave]
    Task<ImmutableArray<WatchedAlert>> Active();
}

/// <summary>
/// The alert watch's current aggregate (journal snapshot): when it last evaluated and the alerts
/// active now — bounded by what a project can have at once. Every cleared alert is a journal row
/// (kind "cleared"), so the history is kept whole and the snapshot does not grow with time.
/// </summary>
public sealed class AlertWatchState
{
    public Instant? LastEvaluatedAt { get; set; }

    public List<WatchedAlert> Active { get; set; } = [];
}

/// <summary>The alert watch's state as Orleans' grain storage held it before the journal (state name "alertwatch").</summary>
public sealed class LegacyAlertWatchState
{
    public Instant? LastEvaluatedAt { get; set; }

    public List<WatchedAlert> Active { get; set; } = [];

    public List<WatchedAlert> Cleared { get; set; } = [];
}

/// <summary>
/// When a watch is first due (from now); it is then due every period from there (<see cref="AlertSweepSchedule.NextDue"/>),
/// so this also fixes the time of day of every later evaluation. A period after the last evaluation; when
/// that has passed (or there was none), a minute plus a place in the period that follows from the project
/// id (FNV-1a of its UTF-8 bytes: the same on every silo and every start), so watches added together — an
/// upgrade of 100,000 projects — spread over the day instead of all being due in the same minutes every
/// day (issue 15, docs/performance.md). Periods under a minute (tests) are kept.
/// </summary>
public static class AlertWatchSchedule
{
    public static TimeSpan FirstDue(string projectId, Instant? lastEvaluatedAt, Instant now, TimeSpan period)
    {
        var minute = TimeSpan.FromMinutes(1);
        if (period < minute) return period;
        var due = lastEvaluatedAt is { } last ? period - (now - last).ToTimeSpan() : TimeSpan.Zero;
        return due >= minute ? due : minute + TimeSpan.FromTicks((long)(Place(projectId) % (ulong)period.Ticks));
    }

    /// <summary>FNV-1a, 64 bits, of the id's UTF-8 bytes: a stable place, not the per-process string hash.</summary>
    public static ulong Place(string projectId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(projectId))
            hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}

public sealed class AlertWatchGrain(
    Journal.IJournalStore store, IAlertDueStore due,
    IClock clock, IOptions<AlertWatchOptions> options, ILogger<AlertWatchGrain> logger) : Grain, IAlertWatchGrain, IRemindable
{
    /// <summary>The per-project reminder of releases before the sweep (removed at upgrade: AlertSweepUpgrade; one still firing removes itself).</summary>
    public const string ReminderName = "alerts";

    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "alertwatch";

    public const string ClearedKind = "cleared";

    /// <summary>How many of the last cleared alerts <see cref="History"/> shows (the journal keeps all).</summary>
    public const int MaxCleared = 200;

    private Journal.JournaledState<AlertWatchState> state = null!;

    private string ProjectId => this.GetPrimaryKeyString();

    /// <summary>The gate evidence kept between evaluations: most follow a booking, which cannot move it.</summary>
    private GateEvidenceCache? _gate;

    /// <summary>The last evaluation, also one that wrote nothing (the stored time moves at most once per half period).</summary>
    private Instant? _evaluatedAt;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<AlertWatchState>(store, JournalType, ProjectId);
        await state.LoadAsync();
    }

    /// <summary>
    /// Adds the project to the due table, due when the next evaluation is: a period after the last one,
    /// or, when that has passed, at the project's own place in the next period
    /// (<see cref="AlertWatchSchedule"/>), and starts its slice's sweep. Called when the project is
    /// created; evaluates nothing itself.
    /// </summary>
    public async Task Watch()
    {
        await state.EnsureLoadedAsync();
        var slice = AlertSweepSchedule.SliceOf(ProjectId);
        await due.AddAsync(ProjectId, slice, AlertSweepSchedule.FirstDueAt(ProjectId, state.State.LastEvaluatedAt, clock.GetCurrentInstant(), options.Value.Period));
        await GrainFactory.GetGrain<IAlertSweepGrain>(slice).Start();
    }

    public async Task Sweep()
    {
        await Evaluate();
        await GrainFactory.GetGrain<IProjectSummaryGrain>(ProjectId).Current();
    }

    public async Task Evaluate()
    {
        if (AlertEvaluation.IsDeferred) return;
        await state.EnsureLoadedAsync();
        // Its own record of when each alert was first raised dates the forecasts (asking itself would wait on itself).
        if (await ProjectFacts.LoadAsync(GrainFactory, ProjectId, AmsterdamTime.Today(clock), _gate ??= new GateEvidenceCache(store),
                AlertSince.FirstSeen(state.State.Active)) is not { } facts) return;
        var current = facts.Alerts.ToDictionary(KeyOf);

        var now = clock.GetCurrentInstant();
        var active = new List<WatchedAlert>();
        var cleared = new List<WatchedAlert>();
        foreach (var watched in state.State.Active)
            if (current.TryGetValue(watched.Key, out var still)) active.Add(watched with { Alert = still });
            else cleared.Add(watched with { ClearedAt = now });
        var raised = new List<Alert>();
        foreach (var (key, alert) in current)
            if (active.All(a => a.Key != key))
            {
                active.Add(new WatchedAlert(key, alert, now, null));
                raised.Add(alert);
            }

        // Every write to a project re-evaluates its alerts; most change nothing. Write only what changed
        // (an alert raised, cleared or reworded), and otherwise at most once per half period so the
        // stored time of the last evaluation still schedules the reminder after a restart.
        var changed = cleared.Count > 0 || !active.SequenceEqual(state.State.Active);
        var due = state.State.LastEvaluatedAt is not { } written || (now - written).ToTimeSpan() >= options.Value.Period / 2;
        _evaluatedAt = now;
        if (!changed && !due) return;
        try
        {
            await state.CommitAsync(new AlertWatchState { LastEvaluatedAt = now, Active = active }, Cleared(cleared), now);
        }
        catch (Journal.StorageFullException)
        {
            // A full disk (mostly a one-way call after a write that fitted: Orleans would log a warning with a stack each
            // time; the episode has its one warning). Nothing changed in the state; the next evaluation tries again.
            _evaluatedAt = null;
            return;
        }
        foreach (var alert in raised)
            logger.LogWarning("Alert raised on {Project}: {Kind} ({Severity}) {Message}", ProjectId, alert.Kind, alert.Severity, alert.Message);
    }

    /// <summary>Cleared alerts as journal rows, tagged with their kind (the upgrade of old rows writes the same).</summary>
    public static IReadOnlyList<Journal.JournalAppend> Cleared(IEnumerable<WatchedAlert> cleared) =>
        [.. cleared.Select(c => Journal.JournaledState<AlertWatchState>.Entry(ClearedKind, c.Alert.Kind, c.ClearedAt ?? c.RaisedAt, null, c))];

    /// <summary>
    /// Never loads: it interleaves with a running <see cref="Evaluate"/>, and a load here (after a failed commit left the
    /// state unknown) could overwrite the version that evaluation commits on with an older read. With the state unknown it
    /// answers none, and the forecasts fall back to their own dates (review19 #8).
    /// </summary>
    public Task<ImmutableArray<WatchedAlert>> Active() =>
        Task.FromResult(state.IsLoaded ? state.State.Active.ToImmutableArray() : ImmutableArray<WatchedAlert>.Empty);

    public async Task<AlertHistory> History()
    {
        await state.EnsureLoadedAsync();
        var last = await state.ReadAsync(new Journal.JournalQuery(ClearedKind, NewestFirst: true, Take: MaxCleared));
        return new AlertHistory(_evaluatedAt ?? state.State.LastEvaluatedAt, [.. state.State.Active],
            [.. last.Reverse().Select(Journal.JournaledState<AlertWatchState>.Payload<WatchedAlert>)]);
    }

    /// <summary>
    /// A per-project reminder of a release before the sweep that is still stored (a silo of that release
    /// registered it after the upgrade): removed, so it does not fire again; the sweep watches the project.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder) await this.UnregisterReminder(reminder);
        logger.LogInformation("Per-project alert reminder of {Project} removed; the alert sweep watches it", ProjectId);
        await Watch();
    }

    /// <summary>An alert is the same alert across evaluations when its kind and subject are (its message counts days and changes).</summary>
    private static string KeyOf(Alert alert) => AlertSince.KeyOf(alert);
}

/// <summary>Moves an old alert-watch row into the journal: the active alerts stay in the snapshot, every cleared one becomes a row (oldest first). Pure.</summary>
public static class AlertWatchUpgrade
{
    public static Journal.UpgradedGrain From(string legacyJson)
    {
        var old = System.Text.Json.JsonSerializer.Deserialize<LegacyAlertWatchState>(legacyJson, Serialization.WarmteJson.Default) ?? new LegacyAlertWatchState();
        var state = new AlertWatchState { LastEvaluatedAt = old.LastEvaluatedAt, Active = old.Active };
        return new Journal.UpgradedGrain(System.Text.Json.JsonSerializer.Serialize(state, Serialization.WarmteJson.Default), AlertWatchGrain.Cleared(old.Cleared), []);
    }
}
