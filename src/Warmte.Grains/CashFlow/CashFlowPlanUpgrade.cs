using System.Text.Json;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.CashFlow;

/// <summary>The cash plan's state as Orleans' grain storage held it before the journal (state name "cashplan").</summary>
public sealed class LegacyCashFlowPlanState
{
    public CashFlowPlanInfo? Plan { get; set; }

    public List<SpendingBooking> Bookings { get; set; } = [];

    public List<KeyValuePair<string, string>> BookingKeys { get; set; } = [];

    public List<ProgressReport> Progress { get; set; } = [];
}

/// <summary>
/// Moves an old cash-plan row into the journal: every booking becomes a fact in the order of the
/// list (a month total as TotalSet, so the fold gives the same list back), every progress report a
/// progress fact, every booking key an idempotency row answering with its booking. The order in
/// which bookings and reports interleaved was not stored; bookings come first. A key whose booking
/// is gone answered nothing before (the request booked anew) and is not carried over. The plan
/// file becomes a plan-file row of its own.
/// </summary>
public static class CashFlowPlanUpgrade
{
    public static UpgradedGrain From(string legacyJson)
    {
        var old = JsonSerializer.Deserialize<LegacyCashFlowPlanState>(legacyJson, WarmteJson.Default) ?? new LegacyCashFlowPlanState();
        var entries = new List<JournalAppend>();
        var seqOf = new Dictionary<string, long>();
        var state = new CashFlowPlanState { PlanInJournal = old.Plan is not null };
        foreach (var booking in old.Bookings)
        {
            var fact = new SpendingFact(booking.Id.StartsWith("t-", StringComparison.Ordinal) ? SpendingChange.TotalSet : SpendingChange.Booked, booking);
            entries.Add(CashFlowPlanGrain.SpendingEntry(fact));
            seqOf[booking.Id] = entries.Count;
            state = state.With([fact]);
        }
        foreach (var report in old.Progress.OrderBy(r => r.Month))
            entries.Add(JournaledState<CashFlowPlanState>.Entry(CashFlowPlanGrain.ProgressKind, SpendingLedger.Tag(report.Month), report.ReportedAt, report.ReportedBy, report));
        state = state with { Progress = [.. old.Progress.OrderBy(r => r.Month)] };
        // The plan file last, in its own row, so the seqs counted for the keys above stay right.
        if (old.Plan is { } plan) entries.Add(CashFlowPlanGrain.PlanFileEntry(plan));
        var byId = old.Bookings.ToDictionary(b => b.Id);
        var keys = old.BookingKeys
            .Where(k => byId.ContainsKey(k.Value))
            .GroupBy(k => k.Key).Select(g => g.First()) // the old lookup took the first
            .Select(k => new IdempotencyRecord(k.Key, CashFlowPlanGrain.Fingerprint(byId[k.Value]),
                JsonSerializer.Serialize(byId[k.Value], WarmteJson.Default), seqOf[k.Value]))
            .ToList();
        return new UpgradedGrain(JsonSerializer.Serialize(state, WarmteJson.Default), entries, keys);
    }
}
