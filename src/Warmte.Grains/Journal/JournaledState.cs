using System.Text.Json;
using NodaTime;
using Warmte.Serialization;

namespace Warmte.Journal;

/// <summary>
/// A grain's journaled state: the current aggregate (<see cref="State"/>, small, replaced as a
/// whole on each commit) and the journal of facts behind it. The grain's one write shape is:
/// load, call the rules on <see cref="State"/>, <see cref="CommitAsync"/> the new state with the
/// facts and the idempotency key — one transaction — and answer. <see cref="State"/> changes only
/// when a commit succeeded; after a failed commit it is reloaded from the store, so memory never
/// holds what the database did not take.
/// </summary>
public sealed class JournaledState<TState>(IJournalStore store, string grainType, string grainKey) where TState : class, new()
{
    private bool _loaded;

    public string GrainType { get; } = grainType;

    /// <summary>False after a failed commit whose reload failed too: the state is unknown until loaded again.</summary>
    public bool IsLoaded => _loaded;

    public string GrainKey { get; } = grainKey;

    public TState State { get; private set; } = new();

    /// <summary>The stored version this state was loaded at or committed as (0: nothing stored yet).</summary>
    public long Version { get; private set; }

    /// <summary>The seq of the newest journal row.</summary>
    public long LastSeq { get; private set; }

    /// <summary>The seq the first entry of the next commit gets (for an idempotency row that points at it).</summary>
    public long NextSeq => LastSeq + 1;

    public async Task LoadAsync()
    {
        var stored = await store.LoadAsync(GrainType, GrainKey);
        State = stored is null ? new TState() : JsonSerializer.Deserialize<TState>(stored.State, WarmteJson.Default) ?? new TState();
        Version = stored?.Version ?? 0;
        LastSeq = stored?.LastSeq ?? 0;
        _loaded = true;
    }

    /// <summary>Loads if an earlier failure left the state unknown; every command calls it before its rules.</summary>
    public Task EnsureLoadedAsync() => _loaded ? Task.CompletedTask : LoadAsync();

    /// <summary>A fact for <see cref="CommitAsync"/>: <paramref name="payload"/> is serialised as JSON.</summary>
    public static JournalAppend Entry<T>(string kind, string? tag, Instant at, string? actor, T payload) =>
        new(kind, tag, at, actor, JsonSerializer.Serialize(payload, WarmteJson.Default));

    /// <summary>
    /// Stores <paramref name="newState"/> and appends <paramref name="entries"/> (and records the
    /// idempotency key) in one transaction, on the version this state was loaded at. On a conflict
    /// or any failure nothing is stored, the state is reloaded and the exception goes to the caller.
    /// Returns the seq of the first entry (0 when there are none).
    /// </summary>
    public async Task<long> CommitAsync(TState newState, IReadOnlyList<JournalAppend> entries, Instant at, IdempotencyRecord? idempotency = null,
        IReadOnlyList<RowChange>? rows = null, MemberCountRow? memberCount = null, bool erasesPersonalData = false)
    {
        // The new state was computed from State: committing it on a state loaded just now could skip a rule.
        if (!_loaded) throw new InvalidOperationException($"{GrainType}/{GrainKey}: the state is not loaded; call EnsureLoadedAsync before the rules.");
        var firstSeq = LastSeq + 1;
        var commit = new JournalCommit(GrainType, GrainKey, Version, firstSeq,
            JsonSerializer.Serialize(newState, WarmteJson.Default), entries, idempotency, at) { Rows = rows ?? [], MemberCount = memberCount, ErasesPersonalData = erasesPersonalData };
        try
        {
            await store.CommitAsync(commit);
        }
        catch
        {
            _loaded = false;
            try { await LoadAsync(); } catch { /* the next call loads again (EnsureLoadedAsync) */ }
            throw;
        }
        State = newState;
        Version++;
        LastSeq += entries.Count;
        // Whatever the grain does after a commit (tell another grain, read one) happens in a turn of
        // its own. On SQLite the commit above completes synchronously, and a cross-grain call sent
        // from that synchronous part, while Orleans is still delivering the caller's request, could
        // meet a call coming the other way and leave two activations waiting for each other's lock
        // (a hung test run: CashFlowPlanGrain.Save against the summary grain reading its outlook;
        // docs/architecture.md). One yield here covers every grain and every call after a commit.
        await Task.Yield();
        return entries.Count == 0 ? 0 : firstSeq;
    }

    public Task<IdempotencyRecord?> FindIdempotencyAsync(string idempotencyKey) =>
        store.FindIdempotencyAsync(GrainType, GrainKey, idempotencyKey);

    public Task<IReadOnlyList<JournalRecord>> ReadAsync(JournalQuery query) => store.ReadAsync(GrainType, GrainKey, query);

    public Task<long> CountAsync(string kind, string? tag = null) => store.CountAsync(GrainType, GrainKey, kind, tag);

    /// <summary>How many rows of <paramref name="kind"/> have a tag starting with <paramref name="tagPrefix"/>, counted by the tag index.</summary>
    public Task<long> CountByTagPrefixAsync(string kind, string tagPrefix) => store.CountByTagPrefixAsync(GrainType, GrainKey, kind, tagPrefix);

    /// <summary>Rows of <paramref name="kind"/> tagged from <paramref name="tagFrom"/> to <paramref name="tagTo"/> (both included), in seq order.</summary>
    public Task<IReadOnlyList<JournalRecord>> ReadTagRangeAsync(string kind, string tagFrom, string tagTo) =>
        store.ReadTagRangeAsync(GrainType, GrainKey, kind, tagFrom, tagTo);

    /// <summary><see cref="IJournalStore.ReadSpendingRangeAsync"/> of this grain.</summary>
    public Task<IReadOnlyList<JournalRecord>> ReadSpendingRangeAsync(string tagFrom, string tagTo, SpendingRows which, long skip = 0, int take = int.MaxValue) =>
        store.ReadSpendingRangeAsync(GrainType, GrainKey, tagFrom, tagTo, which, skip, take);

    public Task<IReadOnlyList<CurrentRow>> ReadRowsAsync(RowQuery query) => store.ReadRowsAsync(GrainType, GrainKey, query);

    public Task<long> CountRowsAsync(string kind, string? tag = null) => store.CountRowsAsync(GrainType, GrainKey, kind, tag);

    /// <summary>A current row's change for <see cref="CommitAsync"/>: <paramref name="data"/> serialised as JSON.</summary>
    public static RowChange Row<T>(string kind, string id, string? tag, T data) =>
        new(kind, id, tag, JsonSerializer.Serialize(data, WarmteJson.Default));

    /// <summary>A stored payload read back as <typeparamref name="T"/>.</summary>
    public static T Payload<T>(JournalRecord record) => JsonSerializer.Deserialize<T>(record.Payload, WarmteJson.Default)!;
}
