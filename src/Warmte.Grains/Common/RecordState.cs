using NodaTime;
using Orleans.Runtime;
using Orleans.Storage;
using Warmte.Audit;

namespace Warmte.Common;

/// <summary>
/// Persisted state of a cooperative, project or umbrella grain: the current record (null until
/// created) and its audit trail, oldest first. Stored as JSON through the grain storage.
/// </summary>
public sealed class RecordState<T> where T : class
{
    public T? Record { get; set; }

    public List<AuditEntry> Audit { get; set; } = [];
}

public static class RecordStateExtensions
{
    /// <summary>
    /// Applies a domain outcome: on success stores the new record with its audit entry; on a
    /// refusal stores nothing. A failed write restores the in-memory state, so memory never holds
    /// a change the database did not take; a version conflict also lets the grain reload.
    /// </summary>
    public static async Task<Refusal?> ApplyAsync<T>(
        this IPersistentState<RecordState<T>> state, Outcome<Change<T>> outcome, string actor, Instant now,
        Action onVersionConflict) where T : class
    {
        if (!outcome.IsOk) return outcome.Refusal;
        var change = outcome.Value!;
        var previous = state.State.Record;
        if (ReferenceEquals(previous, change.Value)) return null; // nothing changed, nothing to store
        var auditCount = state.State.Audit.Count;
        state.State.Record = change.Value;
        state.State.Audit.Add(new AuditEntry(now, actor, change.Action, change.Summary));
        try
        {
            await state.WriteStateAsync();
            return null;
        }
        catch (Exception ex)
        {
            state.State.Record = previous;
            state.State.Audit.RemoveRange(auditCount, state.State.Audit.Count - auditCount);
            if (ex is InconsistentStateException) onVersionConflict();
            throw;
        }
    }
}

/// <summary>Names of the storage providers the grains use; the silo configures them.</summary>
public static class StorageNames
{
    public const string Grains = "warmte";
}
