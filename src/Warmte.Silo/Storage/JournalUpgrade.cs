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
/// to move it is one cheap query per type. docs/storage.md, "Upgrading a database".
/// </summary>
public sealed class JournalUpgrade(Database database, IClock clock, ILogger logger)
{
    /// <summary>The converted grain types and how an old row becomes journal rows (pure functions in the grains).</summary>
    public static readonly IReadOnlyDictionary<string, Func<string, UpgradedGrain>> Converted = new Dictionary<string, Func<string, UpgradedGrain>>
    {
        [CashFlow.CashPlanGrain.JournalType] = CashFlow.CashPlanUpgrade.From,
        [Projects.ProjectGrain.JournalType] = Common.RecordUpgrade.From<Projects.ProjectRecord>,
        [Cooperatives.CooperativeGrain.JournalType] = Common.RecordUpgrade.From<Cooperatives.CooperativeRecord>,
        [Umbrellas.UmbrellaGrain.JournalType] = Common.RecordUpgrade.From<Umbrellas.UmbrellaRecord>,
        [Alv.AlvGrain.JournalType] = Common.RecordUpgrade.From<Alv.AlvRecord>,
        [TenantConsent.TenantConsentGrain.JournalType] = Common.RecordUpgrade.From<TenantConsent.ConsentRecord>,
        [Grants.FundingGrain.JournalType] = Grants.FundingUpgrade.From,
        [BusinessCase.Versions.BusinessCaseGrain.JournalType] = BusinessCase.Versions.BusinessCaseUpgrade.From,
        [Alerts.AlertWatchGrain.JournalType] = Alerts.AlertWatchUpgrade.From,
    };

    /// <summary>Moves what is left; returns how many grains moved.</summary>
    public async Task<int> RunAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        var store = new AdoNetJournalStore(database);
        var moved = 0;
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
        if (moved > 0) logger.LogInformation("Journal upgrade: {Count} grain(s) moved from OrleansStorage to the journal tables", moved);
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
                await tx.RollbackAsync(cancellationToken);
                return false;
            }
        }

        if (payload is not null)
        {
            var upgraded = convert(System.Text.Encoding.UTF8.GetString(payload));
            var now = clock.GetCurrentInstant();
            await store.WriteAsync(connection, tx, new JournalCommit(type, key, 0, 1, upgraded.State, upgraded.Entries, null, now));
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
        return true;
    }

    private static void Parameters(DbCommand command, string type, string key, string? service)
    {
        Database.Parameter(command, "type", type);
        Database.Parameter(command, "key", key);
        if (service is not null) Database.Parameter(command, "service", service);
    }
}
