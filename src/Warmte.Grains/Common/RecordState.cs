using NodaTime;
using Orleans.Runtime;
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
    /// Writes the state; if that fails, takes back what storage holds (also its version), so memory
    /// never keeps a change the database did not take and a retry starts from the stored state.
    /// When even reading fails, the grain is deactivated so its next call loads afresh.
    /// </summary>
    public static async Task WriteOrReloadAsync<TState>(this IPersistentState<TState> state, Action deactivate)
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
    /// Applies a domain outcome: on success stores the new record with its audit entry; on a
    /// refusal stores nothing (see <see cref="WriteOrReloadAsync{TState}"/> for failed writes).
    /// </summary>
    public static async Task<Refusal?> ApplyAsync<T>(
        this IPersistentState<RecordState<T>> state, Outcome<Change<T>> outcome, string actor, Instant now,
        Action deactivate) where T : class
    {
        if (!outcome.IsOk) return outcome.Refusal;
        var change = outcome.Value!;
        var previous = state.State.Record;
        if (ReferenceEquals(previous, change.Value)) return null; // nothing changed, nothing to store
        state.State.Record = change.Value;
        state.State.Audit.Add(new AuditEntry(now, actor, change.Action, change.Summary));
        await state.WriteOrReloadAsync(deactivate);
        return null;
    }
}

/// <summary>Names of the storage providers the grains use; the silo configures them.</summary>
public static class StorageNames
{
    public const string Grains = "warmte";
}
