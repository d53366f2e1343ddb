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
/// on a reminder (daily), and records when each alert was raised and cleared. Raising an alert is
/// logged, so operators and a future notifier can act on it.
/// </summary>
public interface IAlertWatchGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the periodic (stored) reminder is registered. Idempotent; called on project creation and by the once-per-database start-up pass.</summary>
    Task Watch();

    /// <summary>Re-evaluates now; sent after a change, without waiting for the answer.</summary>
    [OneWay]
    Task Evaluate();

    Task<AlertHistory> History();
}

public sealed class AlertWatchState
{
    public Instant? LastEvaluatedAt { get; set; }

    public List<WatchedAlert> Active { get; set; } = [];

    /// <summary>The last cleared alerts, newest last.</summary>
    public List<WatchedAlert> Cleared { get; set; } = [];
}

public sealed class AlertWatchGrain(
    [PersistentState("alertwatch", StorageNames.Grains)] IPersistentState<AlertWatchState> state,
    IClock clock, IOptions<AlertWatchOptions> options, ILogger<AlertWatchGrain> logger) : Grain, IAlertWatchGrain, IRemindable
{
    public const string ReminderName = "alerts";
    private const int MaxCleared = 200;

    private string ProjectId => this.GetPrimaryKeyString();

    /// <summary>
    /// Registers the reminder, due when the next evaluation is: a period after the last one, or in a
    /// minute when that has passed. Called when the project is created and by the once-per-database
    /// start-up pass over every project (AlertWatchStartup), so it evaluates nothing
    /// itself: start-up stays cheap and the reminders spread the work.
    /// </summary>
    public async Task Watch()
    {
        var period = options.Value.Period;
        var sinceLast = state.State.LastEvaluatedAt is { } last ? (clock.GetCurrentInstant() - last).ToTimeSpan() : period;
        var due = period - sinceLast;
        if (due < TimeSpan.FromMinutes(1)) due = period < TimeSpan.FromMinutes(1) ? period : TimeSpan.FromMinutes(1);
        await this.RegisterOrUpdateReminder(ReminderName, due, period);
    }

    public async Task Evaluate()
    {
        if (AlertEvaluation.IsDeferred) return;
        if (await ProjectFacts.LoadAsync(GrainFactory, ProjectId, AmsterdamTime.Today(clock)) is not { } facts) return;
        var current = facts.Alerts.ToDictionary(KeyOf);

        var now = clock.GetCurrentInstant();
        var active = new List<WatchedAlert>();
        var cleared = new List<WatchedAlert>();
        foreach (var watched in state.State.Active)
            if (current.TryGetValue(watched.Key, out var still)) active.Add(watched with { Alert = still });
            else cleared.Add(watched with { ClearedAt = now });
        foreach (var (key, alert) in current)
            if (active.All(a => a.Key != key))
            {
                active.Add(new WatchedAlert(key, alert, now, null));
                logger.LogWarning("Alert raised on {Project}: {Kind} ({Severity}) {Message}", ProjectId, alert.Kind, alert.Severity, alert.Message);
            }

        // Every write to a project re-evaluates its alerts; most change nothing. Write only what changed
        // (an alert raised, cleared or reworded), and otherwise at most once per half period so the
        // stored time of the last evaluation still schedules the reminder after a restart.
        _writtenAt ??= state.State.LastEvaluatedAt;
        var changed = cleared.Count > 0 || !active.SequenceEqual(state.State.Active);
        var due = _writtenAt is not { } written || (now - written).ToTimeSpan() >= options.Value.Period / 2;
        state.State.Active = active;
        state.State.Cleared.AddRange(cleared);
        if (state.State.Cleared.Count > MaxCleared) state.State.Cleared.RemoveRange(0, state.State.Cleared.Count - MaxCleared);
        state.State.LastEvaluatedAt = now;
        if (!changed && !due) return;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        _writtenAt = now;
    }

    private Instant? _writtenAt;

    public Task<AlertHistory> History() =>
        Task.FromResult(new AlertHistory(state.State.LastEvaluatedAt, [.. state.State.Active], [.. state.State.Cleared]));

    public Task ReceiveReminder(string reminderName, TickStatus status) => Evaluate();

    /// <summary>An alert is the same alert across evaluations when its kind and subject are (its message counts days and changes).</summary>
    private static string KeyOf(Alert alert) => $"{alert.Kind}|{alert.Subject}";
}
