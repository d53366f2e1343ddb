using NodaTime;

namespace Warmte.Journal;

/// <summary>A fact to append to a grain's journal. <see cref="Payload"/> is JSON (WarmteJson).</summary>
public sealed record JournalAppend(string Kind, string? Tag, Instant At, string? Actor, string Payload);

/// <summary>A stored journal row: the fact and its place (seq, 1, 2, 3, ... per grain).</summary>
public sealed record JournalRecord(long Seq, string Kind, string? Tag, Instant At, string? Actor, string Payload);

/// <summary>
/// An idempotency key as stored: the request's fingerprint (the same key with another request is
/// refused), what a replay answers (JSON, or null), and the seq of the fact it made, if any.
/// </summary>
public sealed record IdempotencyRecord(string Key, string Fingerprint, string? Answer, long? Seq);

/// <summary>A grain's snapshot as loaded: its version (0: never committed), last journal seq and state JSON.</summary>
public sealed record StoredSnapshot(long Version, long LastSeq, string State);

/// <summary>
/// One commit of one grain: the snapshot moves from <see cref="ExpectedVersion"/> to
/// <see cref="ExpectedVersion"/> + 1 with its new state, the entries are appended with seqs
/// <see cref="FirstSeq"/>, <see cref="FirstSeq"/> + 1, ..., and the idempotency key is recorded.
/// </summary>
public sealed record JournalCommit(
    string GrainType, string GrainKey, long ExpectedVersion, long FirstSeq, string State,
    IReadOnlyList<JournalAppend> Entries, IdempotencyRecord? Idempotency, Instant At)
{
    /// <summary>Current rows written in the same transaction (upserted, or deleted when <see cref="RowChange.Data"/> is null).</summary>
    public IReadOnlyList<RowChange> Rows { get; init; } = [];

    /// <summary>
    /// A member register's members today, upserted in the same transaction (table warmte_member_count, keyed by the
    /// grain key, stamped with the snapshot's new version <see cref="ExpectedVersion"/> + 1); null for other grains.
    /// </summary>
    public MemberCountRow? MemberCount { get; init; }

    /// <summary>
    /// The commit blanks personal data (an erasure, a retention run): on SQLite the store then has the write-ahead log
    /// truncated soon after, in the background, so old frames holding the data do not outlive it (tester9b T2).
    /// </summary>
    public bool ErasesPersonalData { get; init; }
}

/// <summary>A register's count as the commit stores it: members on <see cref="AsOf"/> and the later moves (<c>Members.MemberCount</c>).</summary>
public sealed record MemberCountRow(LocalDate AsOf, int Members, string Changes);

/// <summary>
/// What <see cref="IJournalStore.ReadMemberCountsAsync"/> found for one register that has a snapshot: the snapshot's
/// version, and the stored count row (null when there is none) with the snapshot version it was written for.
/// </summary>
public sealed record StoredMemberCount(long RegisterVersion, long? CountVersion, MemberCountRow? Count);

/// <summary>
/// A current row of a grain (table warmte_row): one entity (a member, a consent answer at an
/// address), replaced or deleted in place. The only place personal data is stored (docs/storage.md,
/// "Current rows and personal data"). <see cref="Data"/> is JSON (WarmteJson).
/// </summary>
public sealed record CurrentRow(string Kind, string Id, string? Tag, string Data);

/// <summary>A change to a current row in a commit: upsert with <see cref="Data"/>, or delete when it is null.</summary>
public sealed record RowChange(string Kind, string Id, string? Tag, string? Data)
{
    public static RowChange Delete(string kind, string id) => new(kind, id, null, null);
}

/// <summary>Which current rows to read: one kind, optionally one tag, ordered by entity id, a window.</summary>
public sealed record RowQuery(string Kind, string? Tag = null, long Skip = 0, int Take = int.MaxValue);

/// <summary>Which journal rows to read: one kind, optionally one tag, in seq order (or newest first), a window.</summary>
public sealed record JournalQuery(string Kind, string? Tag = null, bool NewestFirst = false, long Skip = 0, int Take = int.MaxValue);

/// <summary>
/// Where journaled grains keep their snapshot, history and idempotency keys (the silo implements
/// it on SQLite and PostgreSQL; docs/storage.md, "The journal"). Grains use it through
/// <see cref="JournaledState{TState}"/>.
/// </summary>
public interface IJournalStore
{
    Task<StoredSnapshot?> LoadAsync(string grainType, string grainKey);

    /// <summary>
    /// All of the commit in one database transaction, or nothing of it. When the snapshot is no
    /// longer at the expected version (another activation committed first) or the idempotency key
    /// is already taken, nothing is written and <see cref="Orleans.Storage.InconsistentStateException"/>
    /// is thrown: the API answers it with 409 concurrent-change, as for Orleans' own grain storage.
    /// </summary>
    Task CommitAsync(JournalCommit commit);

    Task<IdempotencyRecord?> FindIdempotencyAsync(string grainType, string grainKey, string idempotencyKey);

    Task<IReadOnlyList<JournalRecord>> ReadAsync(string grainType, string grainKey, JournalQuery query);

    Task<long> CountAsync(string grainType, string grainKey, string kind, string? tag = null);

    /// <summary>
    /// How many journal rows of <paramref name="kind"/> have a tag that starts with <paramref name="tagPrefix"/>
    /// (ordinal: every character as written, none a wildcard), counted in the database by the tag index as the
    /// range <see cref="JournalTags.PrefixRange"/> (byte order on both engines; postgresql/0021).
    /// </summary>
    Task<long> CountByTagPrefixAsync(string grainType, string grainKey, string kind, string tagPrefix);

    /// <summary>
    /// The journal rows of <paramref name="kind"/> whose tag lies between <paramref name="tagFrom"/> and
    /// <paramref name="tagTo"/>, both included, in seq order: a range on the tag index (ordinal, byte order on both
    /// engines, as <see cref="CountByTagPrefixAsync"/>). A cash plan's bookings of a range of months (tags "2025-03").
    /// </summary>
    Task<IReadOnlyList<JournalRecord>> ReadTagRangeAsync(string grainType, string grainKey, string kind, string tagFrom, string tagTo);

    /// <summary>
    /// A cash plan's spending rows (kind <c>spending</c>) of the months <paramref name="tagFrom"/> to <paramref name="tagTo"/>
    /// (both included, as <see cref="ReadTagRangeAsync"/>), in seq order, split by the booking's id: <see cref="SpendingRows.Totals"/>
    /// the rows of month totals (ids "t-…": set, replaced, removed), <see cref="SpendingRows.Single"/> every other row (bookings
    /// made one by one and corrections: each one booking of the listing). A window of <paramref name="skip"/> and
    /// <paramref name="take"/>, so a page of the listing is read without the rows before it (<c>SpendingPages</c>).
    /// </summary>
    Task<IReadOnlyList<JournalRecord>> ReadSpendingRangeAsync(string grainType, string grainKey, string tagFrom, string tagTo,
        SpendingRows which, long skip = 0, int take = int.MaxValue);

    /// <summary>Current rows of a grain, ordered by entity id (ordinal), paged.</summary>
    Task<IReadOnlyList<CurrentRow>> ReadRowsAsync(string grainType, string grainKey, RowQuery query);

    Task<long> CountRowsAsync(string grainType, string grainKey, string kind, string? tag = null);

    /// <summary>The snapshots of several grains of one type in one query (a wide read: the members of an umbrella); missing keys are left out.</summary>
    Task<IReadOnlyDictionary<string, StoredSnapshot>> LoadManyAsync(string grainType, IReadOnlyCollection<string> grainKeys);

    /// <summary>
    /// The stored project summaries (table warmte_project_summary) in one query: every row, or
    /// those of the cooperatives in <paramref name="cooperativeIds"/> (placeholders, which have no
    /// cooperative yet, only with every row).
    /// </summary>
    Task<IReadOnlyList<StoredProjectSummary>> ReadProjectSummariesAsync(IReadOnlyCollection<string>? cooperativeIds = null);

    /// <summary>
    /// How many commits concerning the project the store has counted (0 when none): read before a
    /// summary is computed and passed to <see cref="WriteProjectSummaryAsync"/>, so a commit that
    /// lands while it is computed leaves the row stale.
    /// </summary>
    Task<long> ProjectChangesAsync(string projectId);

    /// <summary>
    /// Stores a project's summary, computed against <paramref name="changes"/> commits (current only
    /// while no commit came since), and in the same transaction the funders it concerns
    /// (table warmte_project_summary_funder): <paramref name="funders"/>, or, when null, none known —
    /// the row is then read by every funder's portfolio (<see cref="ReadFunderProjectSummariesAsync"/>).
    /// </summary>
    Task WriteProjectSummaryAsync(string projectId, string cooperativeId, LocalDate asOf, byte[] summary, long changes, Instant at,
        IReadOnlyCollection<string>? funders = null);

    /// <summary>Removes a project's summary and its funder rows (the project is gone).</summary>
    Task DeleteProjectSummaryAsync(string projectId);

    /// <summary>
    /// What one funder's portfolio reads, in one round trip: the current rows whose funders include
    /// <paramref name="funderId"/> (by the funder index), every row that is stale or whose funders are
    /// not known (placeholders, rows stored before the index: the caller filters them as before), and
    /// the ids of all stored rows (so a project without any row is found and computed).
    /// </summary>
    Task<FunderProjectSummaries> ReadFunderProjectSummariesAsync(string funderId);

    /// <summary>
    /// Up to <paramref name="limit"/> current rows whose funders are not known yet, after
    /// <paramref name="afterProjectId"/> in project order (the start-up step that indexes rows stored
    /// before the funder index; it decodes them itself).
    /// </summary>
    Task<IReadOnlyList<UnindexedProjectSummary>> ReadUnindexedProjectSummariesAsync(string? afterProjectId, int limit);

    /// <summary>
    /// Up to <paramref name="limit"/> ids of stale rows (a commit counted since the row was computed; placeholders too), after
    /// <paramref name="afterProjectId"/> in project order, through the partial index of unsettled rows: what the start-up pass
    /// recomputes in the background, such as the rows of every project an upgrade step rewrote a snapshot of.
    /// </summary>
    Task<IReadOnlyList<string>> ReadStaleProjectSummaryIdsAsync(string? afterProjectId, int limit);

    /// <summary>
    /// Records the funders of rows read by <see cref="ReadUnindexedProjectSummariesAsync"/>, each only
    /// if its row is still the one read (same computed count, still current, still not indexed); one
    /// transaction. Answers how many rows were indexed.
    /// </summary>
    Task<int> IndexProjectSummaryFundersAsync(IReadOnlyList<(string ProjectId, long Computed, IReadOnlyCollection<string> Funders)> rows);

    /// <summary>
    /// The snapshot versions of several grains (of any types) in one query, in the order asked; 0 for a grain that never
    /// committed. A version moves with every commit of that grain, so a value computed from a grain's answers can be kept
    /// until its version moves (the gate evidence: <c>Alerts.GateEvidenceCache</c>).
    /// </summary>
    Task<IReadOnlyList<long>> SnapshotVersionsAsync(IReadOnlyList<(string GrainType, string GrainKey)> grains);

    /// <summary>
    /// When the newest fact of any of <paramref name="grainTypes"/> keyed by <paramref name="grainKey"/> was appended
    /// (each grain's last journal entry, found through its snapshot's last seq); null when none has one.
    /// </summary>
    Task<Instant?> LastEntryAtAsync(string grainKey, IReadOnlyCollection<string> grainTypes);

    /// <summary>
    /// A spending row (kind <c>spending</c>) of a cash plan whose booking has id <paramref name="bookingId"/>, by the
    /// index on the booking's id (sqlite/0016, postgresql/0018); null when there is none. Every row of one booking id is
    /// of the same month (a month total, set again or removed, keeps its id and month). A correction reads the booking's
    /// month from it and then only that month's rows, instead of every booking of the project.
    /// </summary>
    Task<JournalRecord?> FindBookingAsync(string grainType, string grainKey, string bookingId);

    /// <summary>
    /// The members-today rows (table warmte_member_count) of the registers of <paramref name="cooperativeIds"/>, each with
    /// its register's snapshot version, in one query; a register without a snapshot (never written) is left out.
    /// </summary>
    Task<IReadOnlyDictionary<string, StoredMemberCount>> ReadMemberCountsAsync(string registerType, IReadOnlyCollection<string> cooperativeIds);

    /// <summary>The registers (snapshots of <paramref name="registerType"/>) whose count row is missing or not of their snapshot's version.</summary>
    Task<IReadOnlyList<string>> RegistersWithoutCurrentCountAsync(string registerType);
}

/// <summary>Which spending rows <see cref="IJournalStore.ReadSpendingRangeAsync"/> reads.</summary>
public enum SpendingRows
{
    /// <summary>Bookings made one by one and corrections (ids other than "t-…").</summary>
    Single,

    /// <summary>Month totals from the budget (ids "t-…"): set, replaced and removed.</summary>
    Totals,
}

/// <summary>Tags of journal rows.</summary>
public static class JournalTags
{
    /// <summary>
    /// The tags that start with <paramref name="prefix"/>, as a range From &lt;= tag &lt; To in code point order (which is
    /// UTF-8 byte order: SQLite's BINARY, PostgreSQL's "C"): To is the prefix with its last character moved one code point
    /// up ("m1/" → "m10"), so the range is index-friendly and no character is a wildcard as in LIKE. To is null when
    /// nothing is above every tag of the prefix (an empty prefix, or one of only U+10FFFF).
    /// </summary>
    public static (string From, string? To) PrefixRange(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var next = runes[^1].Value + 1;
            if (next == 0xD800) next = 0xE000; // surrogates are no code points of their own
            if (next <= 0x10FFFF)
            {
                runes[^1] = new System.Text.Rune(next);
                return (prefix, string.Concat(runes.Select(r => r.ToString())));
            }
            runes.RemoveAt(runes.Count - 1);
        }
        return (prefix, null);
    }
}

/// <summary>What a funder's portfolio reads (<see cref="IJournalStore.ReadFunderProjectSummariesAsync"/>).</summary>
public sealed record FunderProjectSummaries(IReadOnlyList<StoredProjectSummary> Rows, IReadOnlySet<string> StoredProjectIds);

/// <summary>A current summary row whose funders are not recorded yet: its computed count and stored bytes.</summary>
public sealed record UnindexedProjectSummary(string ProjectId, long Computed, byte[] Summary);

/// <summary>
/// A project's summary for the wide views (umbrella comparison, portfolio) as stored: computed as of
/// <see cref="AsOf"/> (null: a placeholder the commit path made before any summary), and
/// <see cref="Stale"/> when a commit concerning the project came after it was computed.
/// <see cref="Summary"/> is the row in its stored binary form (<c>ProjectSummaryCodec</c>; empty in a placeholder).
/// </summary>
public sealed record StoredProjectSummary(string ProjectId, string CooperativeId, LocalDate? AsOf, bool Stale, byte[] Summary);
