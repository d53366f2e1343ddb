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
/// Moves an old funding row into the journal: the grants become the snapshot, every audit entry a
/// journal row (oldest first, as stored; no tag, since old entries do not name their grant), every
/// remembered idempotency key a row with its fingerprint and refusal.
/// </summary>
public static class GrantsUpgrade
{
    public static UpgradedGrain From(string legacyJson)
    {
        var old = JsonSerializer.Deserialize<LegacyGrantsState>(legacyJson, WarmteJson.Default) ?? new LegacyGrantsState();
        var state = new GrantsState { Grants = [.. old.Grants] };
        var entries = old.Audit
            .Select(a => RecordStateExtensions.AuditEntryOf(null, a))
            .ToList();
        var keys = old.Idempotency.GroupBy(r => r.Key).Select(g => g.First()) // the old lookup took the first
            .Select(r => GrantsGrain.Key(r.Key, r.Fingerprint, r.Refusal, null)).ToList();
        return new UpgradedGrain(JsonSerializer.Serialize(state, WarmteJson.Default), entries, keys);
    }
}
