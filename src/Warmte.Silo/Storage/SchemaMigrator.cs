using System.Data.Common;
using System.Reflection;

namespace Warmte.Silo.Storage;

/// <summary>
/// Applies the embedded SQL scripts under Storage/Schema/{sqlite|postgresql}/ in file-name order,
/// each once, each in its own transaction, recording it in warmte_schema_version. Running it again
/// is a no-op; several silos starting at once on PostgreSQL serialise on an advisory lock. Then
/// the data step of the journal (<see cref="JournalUpgrade"/>) moves what is still in old rows.
/// </summary>
public sealed class SchemaMigrator(Database database, NodaTime.IClock clock, ILogger<SchemaMigrator> logger,
    Microsoft.Extensions.Options.IOptions<Alerts.AlertWatchOptions>? alerts = null)
{
    // Arbitrary constant shared by every silo of every version: "warmte" in ASCII.
    private const long AdvisoryLockKey = 0x7761726D7465;

    public sealed record Script(int Version, string Name, string Sql);

    public static IReadOnlyList<Script> ScriptsFor(StorageProvider provider)
    {
        var folder = provider == StorageProvider.PostgreSQL ? "postgresql" : "sqlite";
        var prefix = $"Schema/{folder}/";
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..];
                var version = int.Parse(name[..name.IndexOf('_')]);
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new Script(version, name, reader.ReadToEnd());
            })
            .OrderBy(s => s.Version)
            .ToList();
    }

    /// <summary>Brings the schema up to date; returns the names of the scripts applied now.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.IsPostgres)
            await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@key)", cancellationToken, AdvisoryLockKey);
        else
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS warmte_schema_version (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """, cancellationToken);
            var applied = new HashSet<int>();
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT version FROM warmte_schema_version";
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) applied.Add(Convert.ToInt32(reader.GetValue(0)));
            }

            var done = new List<string>();
            foreach (var script in ScriptsFor(database.Settings.Provider).Where(s => !applied.Contains(s.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, tx, script.Sql, cancellationToken);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = tx;
                    record.CommandText = "INSERT INTO warmte_schema_version (version, name, applied_at) VALUES (@version, @name, @at)";
                    Database.Parameter(record, "version", script.Version);
                    Database.Parameter(record, "name", script.Name);
                    Database.Parameter(record, "at", clock.GetCurrentInstant().ToString());
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await tx.CommitAsync(cancellationToken);
                logger.LogInformation("Schema script {Script} applied", script.Name);
                done.Add(script.Name);
            }
            // Data steps after the scripts: grain types moved to the journal leave OrleansStorage.
            await new JournalUpgrade(database, clock, logger).RunAsync(connection, cancellationToken);
            // Once per database: per-project alert reminders become due rows of the alert sweep, before Orleans loads reminders.
            await new AlertSweepUpgrade(database, clock, alerts?.Value.Period ?? new Alerts.AlertWatchOptions().Period, logger).RunAsync(connection, cancellationToken);
            return done;
        }
        finally
        {
            if (database.IsPostgres)
                await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, AdvisoryLockKey);
        }
    }

    /// <summary>Runs <paramref name="sql"/> (an embedded script or a constant); a <paramref name="key"/> goes in as parameter @key.</summary>
    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken, long? key = null)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        if (key is { } k) Database.Parameter(cmd, "key", k);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
