using System.Text.Json;
using NodaTime;
using Warmte.Audit;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Common;

/// <summary>
/// Journal snapshot of a cooperative, project, umbrella, ALV or tenant-consent grain: the current
/// record (null until created) and when it last changed. The audit trail is not here: each change
/// is an <c>audit</c> journal row, committed with the record (docs/storage.md, "The journal").
/// </summary>
public sealed record RecordState<T> where T : class
{
    public T? Record { get; init; }

    /// <summary>When the last audit entry was written (what the summaries show), kept here so no read needs the journal.</summary>
    public Instant? LastChangeAt { get; init; }
}

/// <summary>The one write and audit-read path of the record grains.</summary>
public static class RecordStateExtensions
{
    public const string AuditKind = "audit";

    /// <summary>
    /// Writes an Orleans-stored state (grains not yet on the journal); if that fails, takes back what
    /// storage holds (also its version), so memory never keeps a change the database did not take.
    /// When even reading fails, the grain is deactivated so its next call loads afresh.
    /// </summary>
    public static async Task WriteOrReloadAsync<TState>(this Orleans.Runtime.IPersistentState<TState> state, Action deactivate)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            try { await state.ReadStateAsync(); }
            catch { deactivate(); }
            throw;
        }
    }

    /// <summary>
    /// Applies a domain outcome: on success commits the new record and its audit entry in one
    /// transaction; on a refusal, or when the rule returned the record unchanged, stores nothing.
    /// A failed commit leaves the state as the database holds it (reloaded); when even reloading
    /// failed, the grain is deactivated so its next call loads afresh. <paramref name="unchanged"/>
    /// is what the rules saw when there is no record yet (ALV and consent start from Empty).
    /// </summary>
    public static async Task<Refusal?> ApplyAsync<T>(
        this JournaledState<RecordState<T>> state, Outcome<Change<T>> outcome, string actor, Instant now,
        Action deactivate, T? unchanged = null) where T : class
    {
        if (!outcome.IsOk) return outcome.Refusal;
        var change = outcome.Value!;
        // Nothing changed, nothing to store: the rule gave the record back, or an equal one (a PUT or PATCH sent again with
        // the same values, e.g. a retry after a time-out, adds no audit row; issue 15, docs/architecture.md).
        if (ReferenceEquals(state.State.Record ?? unchanged, change.Value) || Equals(state.State.Record, change.Value)) return null;
        // An earlier failure left the state unknown (its reload failed too): the rules may have seen a stale
        // record, so the command is refused as a conflict (409 concurrent-change) and the grain starts afresh.
        if (!state.IsLoaded)
        {
            deactivate();
            throw new Orleans.Storage.InconsistentStateException($"{state.GrainType}/{state.GrainKey}: state not loaded after a failed write; retry.");
        }
        var audit = AuditEntryOf(null, new AuditEntry(now, actor, change.Action, change.Summary));
        try
        {
            await state.CommitAsync(state.State with { Record = change.Value, LastChangeAt = now }, [audit], now);
        }
        catch
        {
            if (!state.IsLoaded) deactivate();
            throw;
        }
        return null;
    }

    /// <summary>Page <paramref name="page"/> (1-based) of the audit trail, newest first, with the total: read from the journal.</summary>
    public static Task<AuditPage> AuditPageAsync<TState>(this JournaledState<TState> state, int page, int pageSize) where TState : class, new() =>
        AuditTrail.PageAsync(state, page, pageSize);

    /// <summary>An audit entry as a journal row (when and who are columns; action and summary the payload).</summary>
    public static JournalAppend AuditEntryOf(string? tag, AuditEntry entry) =>
        new(AuditKind, tag, entry.At, entry.Actor, JsonSerializer.Serialize(new AuditFact(entry.Action, entry.Summary), WarmteJson.Default));
}

/// <summary>An audit entry's journal payload: what kind of change and its Dutch summary.</summary>
public sealed record AuditFact(string Action, string Summary);

/// <summary>The record grains' state as Orleans' grain storage held it before the journal: the record and its whole audit trail.</summary>
public sealed class LegacyRecordState<T> where T : class
{
    public T? Record { get; set; }

    public List<AuditEntry> Audit { get; set; } = [];
}

/// <summary>
/// Moves an old record-grain row (state names <c>project</c>, <c>cooperative</c>, <c>umbrella</c>,
/// <c>alv</c>, <c>consent</c>) into the journal: the record becomes the snapshot (with the time of
/// its last audit entry), every audit entry a journal row, oldest first as stored. No keys: these
/// grains kept none.
/// </summary>
public static class RecordUpgrade
{
    public static UpgradedGrain From<T>(string legacyJson) where T : class
    {
        var old = JsonSerializer.Deserialize<LegacyRecordState<T>>(legacyJson, WarmteJson.Default) ?? new LegacyRecordState<T>();
        var state = new RecordState<T> { Record = old.Record, LastChangeAt = old.Audit.Count > 0 ? old.Audit[^1].At : null };
        var entries = old.Audit.Select(a => RecordStateExtensions.AuditEntryOf(null, a)).ToList();
        return new UpgradedGrain(JsonSerializer.Serialize(state, WarmteJson.Default), entries, []);
    }
}

/// <summary>Names of the storage providers the grains use; the silo configures them.</summary>
public static class StorageNames
{
    public const string Grains = "warmte";
}
