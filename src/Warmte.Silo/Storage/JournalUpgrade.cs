using System.Data.Common;
using NodaTime;
using NodaTime.Text;
using Warmte.Journal;

namespace Warmte.Silo.Storage;

/// <summary>
/// The data step of the journal migration: grain types that moved to the journal leave Orleans'
/// grain storage. Each old row (state name = grain type, key = the grain's string key) becomes a
/// snapshot, journal rows and idempotency rows, and the old row is deleted — per grain in one
/// transaction, so a crash leaves every grain either old or new, and a rerun picks up the rest.
/// Runs after the SQL scripts at every start (schema migrator, under its lock); with nothing left
/// to move it is one cheap query per type. The scans of consent and ALV snapshots for the shapes of
/// release ba5f89c (a LIKE over every such snapshot: 3.5 s wall at 100,000 projects) run until one
/// start finds nothing left behind; that start records <see cref="StepName"/> in warmte_startup_step
/// and later starts skip the scans. docs/storage.md, "Upgrading a database".
/// </summary>
public sealed class JournalUpgrade(Database database, IClock clock, ILogger logger)
{
    /// <summary>Recorded when the snapshots hold no shape of an earlier release any more; bump the name when a new upgrade scan is added.</summary>
    public const string StepName = "journal-upgraded";

    /// <summary>Grains this run could not move (left for the next start); the step is recorded only when none.</summary>
    private int _left;

    /// <summary>
    /// What this run wrote, by the stored kind (journal rows: spending = bookings, audit, ballot, ...; current rows:
    /// member, declaration): the upgrade's log lines carry them, so an operator can check them against the old figures
    /// (tester8 T12) with <c>SELECT kind, COUNT(*) FROM warmte_journal GROUP BY kind</c>.
    /// </summary>
    private readonly SortedDictionary<string, int> _journalRows = new(StringComparer.Ordinal), _currentRows = new(StringComparer.Ordinal);

    private int _keys;

    private static void Count(SortedDictionary<string, int> tally, IEnumerable<string> kinds)
    {
        foreach (var kind in kinds) tally[kind] = tally.GetValueOrDefault(kind) + 1;
    }

    /// <summary>"audit 310, spending 42"; "none" when nothing (the log lines are English).</summary>
    internal static string Tally(IReadOnlyDictionary<string, int> tally) =>
        tally.Count == 0 ? "none" : string.Join(", ", tally.Select(t => $"{t.Key} {t.Value}"));

    private void ResetTally()
    {
        _journalRows.Clear();
        _currentRows.Clear();
        _keys = 0;
    }

    /// <summary>The converted grain types and how an old row becomes journal rows (pure functions in the grains).</summary>
    public static readonly IReadOnlyDictionary<string, Func<string, UpgradedGrain>> Converted = new Dictionary<string, Func<string, UpgradedGrain>>
    {
        [CashFlow.CashFlowPlanGrain.JournalType] = CashFlow.CashFlowPlanUpgrade.From,
        [Projects.ProjectGrain.JournalType] = Common.RecordUpgrade.From<Projects.ProjectRecord>,
        [Cooperatives.CooperativeGrain.JournalType] = Common.RecordUpgrade.From<Cooperatives.CooperativeRecord>,
        [Umbrellas.UmbrellaGrain.JournalType] = Common.RecordUpgrade.From<Umbrellas.UmbrellaRecord>,
        [Alv.AlvGrain.JournalType] = Alv.AlvUpgrade.From,
        [TenantConsent.TenantConsentGrain.JournalType] = Common.RecordUpgrade.From<TenantConsent.ConsentRecord>,
        [Grants.GrantsGrain.JournalType] = Grants.GrantsUpgrade.From,
        [Members.MemberRegisterGrain.JournalType] = Members.MemberUpgrade.From,
        [BusinessCase.Versions.BusinessCaseGrain.JournalType] = BusinessCase.Versions.BusinessCaseUpgrade.From,
        [Alerts.AlertWatchGrain.JournalType] = Alerts.AlertWatchUpgrade.From,
    };

    /// <summary>Moves what is left; returns how many grains moved.</summary>
    public async Task<int> RunAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        var store = new AdoNetJournalStore(database);
        var moved = 0;
        ResetTally();
        foreach (var (type, convert) in Converted)
        {
            var rows = new List<(string? Key, string Service)>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT GrainIdExtensionString, ServiceId FROM OrleansStorage WHERE GrainTypeString = @type";
                Database.Parameter(list, "type", type);
                await using var reader = await list.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (key, service) in rows)
            {
                if (key is null) continue; // string-keyed grains only; nothing else was stored under these names
                if (await MoveAsync(connection, store, type, key, service, convert, cancellationToken)) moved++;
            }
        }
        if (moved > 0)
            logger.LogInformation("Journal upgrade: {Count} grain(s) moved from OrleansStorage to the journal tables; journal rows written by kind: {JournalRows}; "
                                  + "current rows by kind: {CurrentRows}; idempotency keys: {Keys}", moved, Tally(_journalRows), Tally(_currentRows), _keys);
        moved += await MoveGrantStepsOnceAsync(connection, store, cancellationToken);
        if (await StartupSteps.IsDoneAsync(connection, StepName, cancellationToken))
        {
            logger.LogInformation("Journal upgrade: recorded as done on this database ({Step}); snapshot scan skipped", StepName);
            return moved;
        }
        ResetTally();
        var split = await SplitConsentAnswersAsync(connection, store, cancellationToken);
        if (split > 0) logger.LogInformation("Journal upgrade: consent answers of {Count} project(s) moved from the snapshot to current rows ({CurrentRows})", split, Tally(_currentRows));
        ResetTally();
        var alv = await MoveAlvHistoryAsync(connection, store, cancellationToken);
        if (alv > 0) logger.LogInformation("Journal upgrade: ALV history (ballots, tallies, attendance) of {Count} cooperative(s) moved from the snapshot to journal rows ({JournalRows})", alv, Tally(_journalRows));
        if (_left == 0)
        {
            await StartupSteps.RecordAsync(connection, null, StepName, clock.GetCurrentInstant(), $"{moved} moved, {split} consent and {alv} ALV snapshots split", cancellationToken);
            logger.LogInformation("Journal upgrade: done on this database, recorded as {Step}; later starts skip the snapshot scan", StepName);
        }
        return moved + split + alv;
    }

    /// <summary>Recorded when no funding snapshot holds tranche steps any more (a scan of its own: databases already have <see cref="StepName"/>).</summary>
    public const string GrantStepsStepName = "grant-steps-moved";

    /// <summary>
    /// funding: snapshots written before this release keep every tranche's steps (and the accounting's documents) inside
    /// (issue 15; tester8 T1: 99 KB after 300 rejected accountings, rewritten per step). Each such snapshot is rewritten
    /// (<see cref="Grants.GrantsUpgrade.MoveStepsJson"/>): the steps become <c>tranche-step</c> journal rows after the
    /// grain's last seq, the snapshot keeps per tranche the date of its latest step to each status — one transaction per
    /// project on the version read. Runs until a start finds none left, then records <see cref="GrantStepsStepName"/>.
    /// </summary>
    /// <summary>A grain's snapshot as the upgrade rewrites it (version, last seq, state as text), read inside <paramref name="tx"/>; null when gone.</summary>
    private static async Task<(long Version, long LastSeq, string State)?> ReadSnapshotAsync(
        DbConnection connection, DbTransaction tx, AdoNetJournalStore store, string type, string key, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "SELECT version, last_seq, " + (store.IsPostgres ? "state::text" : "state") + " FROM warmte_snapshot WHERE grain_type = @type AND grain_key = @key";
        Parameters(read, type, key, null);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), reader.GetString(2));
    }

    private async Task<int> MoveGrantStepsOnceAsync(DbConnection connection, AdoNetJournalStore store, CancellationToken cancellationToken)
    {
        if (await StartupSteps.IsDoneAsync(connection, GrantStepsStepName, cancellationToken)) return 0;
        var candidates = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            // Only snapshots with a step inside; a tranche that never moved has an empty list, which the rewrite of its
            // grain drops anyway (compact JSON, or jsonb's print of state stored before postgresql/0013).
            list.CommandText = "SELECT grain_key FROM warmte_snapshot WHERE grain_type = @type AND "
                + (store.IsPostgres
                    ? "(state::text LIKE '%\"steps\": [%' OR state::text LIKE '%\"steps\":[%')"
                    : "state LIKE '%\"steps\":[%'");
            Database.Parameter(list, "type", Grants.GrantsGrain.JournalType);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) candidates.Add(reader.GetString(0));
        }
        var moved = 0;
        var left = 0;
        foreach (var key in candidates)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            if (await ReadSnapshotAsync(connection, tx, store, Grants.GrantsGrain.JournalType, key, cancellationToken) is not { } snapshot) continue;
            var (version, lastSeq, state) = snapshot;
            if (Grants.GrantsUpgrade.MoveStepsJson(state) is not { } upgraded) { await tx.RollbackAsync(cancellationToken); continue; }
            // The moved rows come after the grain's last fact; they carry its time (their own is in the payload, recordedAt),
            // so the grain's last row still says when it last changed: the project's last change (LastEntryAtAsync) stays.
            Instant? lastAt = null;
            await using (var last = connection.CreateCommand())
            {
                last.Transaction = tx;
                last.CommandText = "SELECT at FROM warmte_journal WHERE grain_type = @type AND grain_key = @key AND seq = @seq";
                Parameters(last, Grants.GrantsGrain.JournalType, key, null);
                Database.Parameter(last, "seq", lastSeq);
                if (await last.ExecuteScalarAsync(cancellationToken) is string text) lastAt = InstantPattern.ExtendedIso.Parse(text).Value;
            }
            var entries = upgraded.Entries.Select(e => lastAt is { } l && e.At < l ? e with { At = l } : e).ToList();
            try
            {
                await store.WriteAsync(connection, tx, new JournalCommit(Grants.GrantsGrain.JournalType, key, version, lastSeq + 1, upgraded.State,
                    entries, null, clock.GetCurrentInstant()));
                await tx.CommitAsync(cancellationToken);
                moved++;
            }
            catch (Exception e) when (e is Orleans.Storage.InconsistentStateException || e is DbException db && AdoNetJournalStore.IsUniqueViolation(db))
            {
                // On PostgreSQL the batch goes on after a snapshot update that matched no row, so a commit of the grain meanwhile
                // shows as its journal row's key taken (review17 #4): the same case, the same answer (the transaction's disposal rolls back).
                logger.LogWarning("Journal upgrade: funding/{Key} changed while its tranche steps were moved; the next start moves them", key);
                left++;
            }
        }
        // Each rewrite was counted against its project's summary (the commit path), so those rows are stale now; the silo's
        // start-up pass recomputes them in the background (ProjectSummaryStartup), not the first wide view.
        if (moved > 0) logger.LogInformation("Journal upgrade: tranche steps of {Count} project(s) moved from the grants snapshot to journal rows; "
                                             + "their project summaries are recomputed in the background after the start", moved);
        if (left == 0)
            await StartupSteps.RecordAsync(connection, null, GrantStepsStepName, clock.GetCurrentInstant(), $"{moved} grants snapshots split", cancellationToken);
        return moved;
    }

    /// <summary>
    /// Consent snapshots of the release before the current rows (ba5f89c) hold every answer per
    /// address: each such snapshot moves its answers to current rows and keeps the counts, in one
    /// transaction per project on the version it read (a silo committing meanwhile makes it skip;
    /// the next start picks it up). Snapshots without answers inside are left alone.
    /// </summary>
    private async Task<int> SplitConsentAnswersAsync(DbConnection connection, AdoNetJournalStore store, CancellationToken cancellationToken)
    {
        var pg = database.IsPostgres;
        var found = new List<(string Key, long Version, long LastSeq, string State)>();
        await using (var list = connection.CreateCommand())
        {
            // Only snapshots with answers inside: cheap at every start once they are moved.
            list.CommandText = "SELECT grain_key, version, last_seq, " + (pg ? "state::text" : "state") +
                " FROM warmte_snapshot WHERE grain_type = @type AND " +
                // The compact JSON the service wrote, or jsonb's print of it (a space after the colon):
                // PostgreSQL kept state as jsonb before postgresql/0013, which left that print as text.
                (pg ? "(state::text LIKE '%\"declarations\": [{%' OR state::text LIKE '%\"declarations\":[{%')" : "state LIKE '%\"declarations\":[{%'");
            Database.Parameter(list, "type", TenantConsent.TenantConsentGrain.JournalType);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                found.Add((reader.GetString(0), Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)), reader.GetString(3)));
        }
        var split = 0;
        var now = clock.GetCurrentInstant();
        var today = Common.AmsterdamTime.Today(clock);
        foreach (var (key, version, lastSeq, state) in found)
        {
            if (TenantConsent.ConsentUpgrade.Split(state, today) is not { } upgraded) continue;
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await store.WriteAsync(connection, tx, new JournalCommit(TenantConsent.TenantConsentGrain.JournalType, key, version, lastSeq + 1, upgraded.State, [], null, now) { Rows = upgraded.Rows });
                await tx.CommitAsync(cancellationToken);
                split++;
                Count(_currentRows, upgraded.Rows.Select(r => r.Kind));
            }
            catch (Orleans.Storage.InconsistentStateException)
            {
                logger.LogWarning("Journal upgrade: consent/{Key} changed while its answers were moved; the next start moves them", key);
                _left++;
            }
        }
        return split;
    }

    /// <summary>
    /// alv: snapshots written by release ba5f89c kept every ballot, tally and attendance list inside the
    /// record. Each such snapshot is split (<see cref="Alv.AlvUpgrade"/>): the history becomes journal rows
    /// after the grain's last seq, the snapshot moves to the next version without it — one transaction per
    /// cooperative, on the version read, so a rerun or a running grain never doubles a ballot.
    /// </summary>
    private async Task<int> MoveAlvHistoryAsync(DbConnection connection, AdoNetJournalStore store, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            // Cheap at every start: only snapshots whose JSON still has a non-empty old list or a tally.
            list.CommandText = "SELECT grain_key FROM warmte_snapshot WHERE grain_type = @type AND ("
                + (store.IsPostgres
                    // jsonb's print (state before postgresql/0013) or the compact JSON written since
                    ? "state::text LIKE '%\"ballots\": [{%' OR state::text LIKE '%\"present\": [\"%' OR state::text LIKE '%\"tally\": {%' " +
                      "OR state::text LIKE '%\"ballots\":[{%' OR state::text LIKE '%\"present\":[\"%' OR state::text LIKE '%\"tally\":{%')"
                    : "state LIKE '%\"ballots\":[{%' OR state LIKE '%\"present\":[\"%' OR state LIKE '%\"tally\":{%')");
            Database.Parameter(list, "type", Alv.AlvGrain.JournalType);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) candidates.Add(reader.GetString(0));
        }
        var moved = 0;
        foreach (var key in candidates)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            if (await ReadSnapshotAsync(connection, tx, store, Alv.AlvGrain.JournalType, key, cancellationToken) is not { } snapshot) continue;
            var (version, lastSeq, state) = snapshot;
            if (Alv.AlvUpgrade.SplitJson(state) is not { } split) { await tx.RollbackAsync(cancellationToken); continue; }
            var at = split.Facts.IsEmpty ? clock.GetCurrentInstant() : split.Facts.Max(f => f.At);
            await store.WriteAsync(connection, tx, new JournalCommit(Alv.AlvGrain.JournalType, key, version, lastSeq + 1, split.State, split.Facts, null, at));
            await tx.CommitAsync(cancellationToken);
            moved++;
            Count(_journalRows, split.Facts.Select(f => f.Kind));
        }
        return moved;
    }

    private async Task<bool> MoveAsync(DbConnection connection, AdoNetJournalStore store, string type, string key, string service,
        Func<string, UpgradedGrain> convert, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        byte[]? payload = null;
        var found = false;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = @type AND GrainIdExtensionString = @key AND ServiceId = @service";
            Parameters(read, type, key, service);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken)) { found = true; payload = reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0); }
        }
        if (!found) return false;

        await using (var exists = connection.CreateCommand())
        {
            exists.Transaction = tx;
            exists.CommandText = "SELECT COUNT(*) FROM warmte_snapshot WHERE grain_type = @type AND grain_key = @key";
            Parameters(exists, type, key, null);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) > 0)
            {
                // A journal snapshot and an old row: an old silo wrote after the upgrade (silos of both
                // releases in one cluster). Neither is thrown away; an operator decides.
                logger.LogError("Journal upgrade: {Type}/{Key} has both a journal snapshot and an old OrleansStorage row (service {Service}); left as is", type, key, service);
                _left++;
                await tx.RollbackAsync(cancellationToken);
                return false;
            }
        }

        UpgradedGrain? upgraded = null;
        if (payload is not null)
        {
            upgraded = convert(System.Text.Encoding.UTF8.GetString(payload));
            var now = clock.GetCurrentInstant();
            await store.WriteAsync(connection, tx, new JournalCommit(type, key, 0, 1, upgraded.State, upgraded.Entries, null, now) { Rows = upgraded.Rows });
            foreach (var idem in upgraded.Keys)
                await store.WriteKeyAsync(connection, tx, type, key, idem, InstantPattern.ExtendedIso.Format(now));
        }
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM OrleansStorage WHERE GrainTypeString = @type AND GrainIdExtensionString = @key AND ServiceId = @service";
            Parameters(delete, type, key, service);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        if (upgraded is not null)
        {
            // Counted once committed: a rolled-back grain moved nothing.
            Count(_journalRows, upgraded.Entries.Select(e => e.Kind));
            Count(_currentRows, upgraded.Rows.Select(r => r.Kind));
            _keys += upgraded.Keys.Count;
        }
        return true;
    }

    private static void Parameters(DbCommand command, string type, string key, string? service)
    {
        Database.Parameter(command, "type", type);
        Database.Parameter(command, "key", key);
        if (service is not null) Database.Parameter(command, "service", service);
    }
}
