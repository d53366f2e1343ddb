namespace Warmte.Journal;

/// <summary>
/// A grain's old stored state (one Orleans grain-storage row with its whole history) turned into
/// journal rows: the snapshot's state JSON, the history as journal entries (seq 1, 2, ... in this
/// order) and the idempotency keys. Made by the grain type's own pure upgrade function (e.g.
/// <see cref="CashFlow.CashFlowPlanUpgrade"/>); the silo's upgrade step writes it in one transaction.
/// </summary>
public sealed record UpgradedGrain(string State, IReadOnlyList<JournalAppend> Entries, IReadOnlyList<IdempotencyRecord> Keys)
{
    /// <summary>Current rows (warmte_row) the grain keeps beside its snapshot: members, consent answers.</summary>
    public IReadOnlyList<RowChange> Rows { get; init; } = [];
}
