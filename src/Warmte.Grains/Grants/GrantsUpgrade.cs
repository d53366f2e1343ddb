using System.Collections.Immutable;
using System.Text.Json;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Grants;

/// <summary>The funding grain's state as Orleans' grain storage held it before the journal (state name "funding").</summary>
public sealed class LegacyGrantsState
{
    public List<Grant> Grants { get; set; } = [];

    public List<AuditEntry> Audit { get; set; } = [];

    public List<LegacyIdempotencyRecord> Idempotency { get; set; } = [];
}

public sealed record LegacyIdempotencyRecord(string Key, string Fingerprint, Refusal? Refusal);

/// <summary>
/// Moves an old funding row into the journal: the grants become the snapshot (each tranche's steps folded to the date of
/// its latest step to each status and a count), every tranche step a row (<see cref="GrantsGrain.StepKind"/>, in order per
/// tranche), then every audit entry a journal row (oldest first, as stored; no tag, since old entries do not name their
/// grant), every remembered idempotency key a row with its fingerprint and refusal.
/// </summary>
public static class GrantsUpgrade
{
    public static UpgradedGrain From(string legacyJson)
    {
        var old = JsonSerializer.Deserialize<LegacyGrantsState>(legacyJson, WarmteJson.Default) ?? new LegacyGrantsState();
        var (state, steps) = MoveSteps(new GrantsState { Grants = [.. old.Grants] });
        // The steps first: the grain's last row is then its last audit entry, the newest fact (each step has its audit entry
        // at the same instant), which the project's last change reads (IJournalStore.LastEntryAtAsync).
        var entries = steps
            .Concat(old.Audit.Select(a => RecordStateExtensions.AuditEntryOf(null, a)))
            .ToList();
        var keys = old.Idempotency.GroupBy(r => r.Key).Select(g => g.First()) // the old lookup took the first
            .Select(r => GrantsGrain.Key(r.Key, r.Fingerprint, r.Refusal, null)).ToList();
        return new UpgradedGrain(JsonSerializer.Serialize(state, WarmteJson.Default), entries, keys);
    }

    /// <summary>
    /// A funding snapshot written before the steps left the state (issue 15: 300 rejected accountings made it 99 KB): the
    /// state with every tranche <see cref="Tranche.Kept"/>, and the steps as journal rows to append after the grain's last
    /// seq, grant by grant, tranche by tranche, each tranche's in order. Null when no tranche carries steps (nothing to do).
    /// </summary>
    public static UpgradedGrain? MoveStepsJson(string stateJson)
    {
        var state = JsonSerializer.Deserialize<GrantsState>(stateJson, WarmteJson.Default) ?? new GrantsState();
        if (!state.Grants.Any(g => g.Tranches.Any(t => t.Steps is not null || t.Accounting?.Documents is not null))) return null;
        var (moved, steps) = MoveSteps(state);
        return new UpgradedGrain(JsonSerializer.Serialize(moved, WarmteJson.Default), steps, []);
    }

    private static (GrantsState State, List<JournalAppend> Steps) MoveSteps(GrantsState state)
    {
        var steps = new List<JournalAppend>();
        var grants = state.Grants.Select(g =>
        {
            foreach (var t in g.Tranches) steps.AddRange(StepFacts(g.Id, t));
            return g with { Tranches = [.. g.Tranches.Select(t => t.Kept())] };
        }).ToImmutableArray();
        return (state with { Grants = grants }, steps);
    }

    /// <summary>
    /// The journal rows of the steps a tranche still carries. The tranche's accounting (with its documents: the only copy)
    /// goes with its latest accounting step, as a new accounting step carries its own; earlier accountings were overwritten
    /// in the old state and are not known.
    /// </summary>
    public static IEnumerable<JournalAppend> StepFacts(string grantId, Tranche tranche)
    {
        if (tranche.Steps is not { IsDefaultOrEmpty: false } steps) yield break;
        var lastAccounting = steps.Select((s, i) => (s, i)).LastOrDefault(x => x.s.To == TrancheStatus.VerantwoordingIngediend).s is null
            ? -1
            : steps.Select((s, i) => (s, i)).Last(x => x.s.To == TrancheStatus.VerantwoordingIngediend).i;
        for (var i = 0; i < steps.Length; i++)
            yield return GrantsGrain.StepFact(grantId, tranche.Number,
                i == lastAccounting && tranche.Accounting is { } a ? steps[i] with { Accounting = a with { Documents = a.Documents ?? [] } } : steps[i]);
    }
}
