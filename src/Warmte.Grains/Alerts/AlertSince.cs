using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Alerts;

/// <summary>
/// Since when an alert holds ("Sinds"): the day its condition started, stable across reads, days and restarts.
/// Most alerts date it from stored facts in <see cref="AlertRules"/> (a request plus the norm, a planned date
/// passed). A cash forecast (runway low, cash short, a stall without a known start) and a slip recorded by a
/// release before the slip date was kept can only be known when first seen: for those kinds the earliest of the
/// rules' date and the day the project's alert watch first raised the alert counts (<see cref="WatchedAlert.RaisedAt"/>,
/// recorded once, kept while the alert stays active). Pure.
/// </summary>
public static class AlertSince
{
    /// <summary>Kinds whose start may only be known from when the watch first raised them.</summary>
    public static bool IsObserved(string kind) =>
        kind is AlertKinds.RunwayLow or AlertKinds.CashShort or AlertKinds.InStall or AlertKinds.MilestoneSlipping;

    /// <summary>An alert is the same alert across evaluations when its kind and subject are (its message counts days and changes).</summary>
    public static string KeyOf(Alert alert) => $"{alert.Kind}|{alert.Subject}";

    /// <summary>The first-seen day of each observed alert the watch holds active: the earlier of its stored Since and the day it was raised.</summary>
    public static ImmutableDictionary<string, LocalDate> FirstSeen(IEnumerable<WatchedAlert> active) =>
        active.Where(w => IsObserved(w.Alert.Kind))
            .GroupBy(w => w.Key)
            .ToImmutableDictionary(g => g.Key, g => g.Min(w => Earlier(w.Alert.Since, Common.AmsterdamTime.DateOf(w.RaisedAt))));

    /// <summary>The same from alerts already dated so (a project summary keeps the observed alerts it was computed with).</summary>
    public static ImmutableDictionary<string, LocalDate> FirstSeen(IEnumerable<Alert> dated) =>
        dated.Where(a => IsObserved(a.Kind)).GroupBy(KeyOf).ToImmutableDictionary(g => g.Key, g => g.Min(a => a.Since));

    /// <summary><paramref name="alerts"/> with each observed one dated from when it was first seen, when that is earlier; same order rule as the rules'.</summary>
    public static ImmutableArray<Alert> Apply(ImmutableArray<Alert> alerts, IReadOnlyDictionary<string, LocalDate>? firstSeen)
    {
        if (firstSeen is null || firstSeen.Count == 0 || alerts.IsDefaultOrEmpty) return alerts.IsDefault ? [] : alerts;
        var dated = alerts.Select(a => IsObserved(a.Kind) && firstSeen.TryGetValue(KeyOf(a), out var seen) && seen < a.Since ? a with { Since = seen } : a);
        return [.. dated.OrderByDescending(a => a.Severity).ThenBy(a => a.Since)];
    }

    private static LocalDate Earlier(LocalDate a, LocalDate b) => a < b ? a : b;
}
