using System.Data.Common;
using System.Reflection;

namespace Warmte.Silo.Storage;

/// <summary>
/// Applies the embedded SQL scripts under Storage/Schema/{sqlite|postgresql}/ in file-name order,
/// each once, each in its own transaction, recording it in warmte_schema_version (number, file name and,
/// from sqlite 0012 / postgresql 0014 on, a checksum of its text). Running it again is a no-op; several
/// silos starting at once on PostgreSQL serialise on an advisory lock. Before applying anything it
/// compares what the database recorded with this build's scripts: a number recorded under another file
/// name (or with other text) means another build migrated the database, and the start is refused
/// (<see cref="SchemaMismatchException"/>) with the database left as it was, instead of skipping this
/// build's script of that number. Rows recorded before checksums existed are accepted by name and
/// backfilled. Then the data step of the journal (<see cref="JournalUpgrade"/>) moves what is still in old rows.
/// </summary>
public sealed class SchemaMigrator(Database database, NodaTime.IClock clock, ILogger<SchemaMigrator> logger,
    Microsoft.Extensions.Options.IOptions<Alerts.AlertWatchOptions>? alerts = null)
{
    // Arbitrary constant shared by every silo of every version: "warmte" in ASCII.
    private const long AdvisoryLockKey = 0x7761726D7465;

    public sealed record Script(int Version, string Name, string Sql)
    {
        /// <summary>SHA-256 (hex) of the text with line ends as LF, so a checkout with CRLF gives the same checksum.</summary>
        public string Checksum { get; } = ChecksumOf(Sql);
    }

    /// <summary>What warmte_schema_version holds for one number; Checksum is null for rows written before it was recorded.</summary>
    public sealed record Recorded(int Version, string? Name, string? Checksum);

    public static string ChecksumOf(string sql) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    /// <summary>
    /// Pure check of what the database recorded against this build's scripts: null when every recorded number
    /// that this build also has was recorded under the same file name and (where a checksum was recorded) the
    /// same text; otherwise the message that refuses the start, naming each number, the recorded script and this
    /// build's. A row without a name or checksum (written by an older build) is accepted as it is. Numbers this
    /// build does not have (a newer build's) are not a mismatch; <see cref="Unknown"/> lists them.
    /// </summary>
    public static string? Mismatch(IEnumerable<Recorded> recorded, IReadOnlyList<Script> scripts)
    {
        var mine = scripts.ToDictionary(s => s.Version);
        var problems = new List<string>();
        foreach (var row in recorded.OrderBy(r => r.Version))
        {
            if (!mine.TryGetValue(row.Version, out var script) || string.IsNullOrEmpty(row.Name)) continue;
            if (!string.Equals(row.Name, script.Name, StringComparison.Ordinal))
                problems.Add($"version {row.Version} was recorded as {row.Name}, but this build's script {row.Version} is {script.Name}");
            else if (row.Checksum is { Length: > 0 } checksum && !string.Equals(checksum, script.Checksum, StringComparison.OrdinalIgnoreCase))
                problems.Add($"version {row.Version} ({row.Name}) was recorded with checksum {checksum}, but this build's {script.Name} has checksum {script.Checksum} (the script's text changed after it was applied)");
        }
        if (problems.Count == 0) return null;
        return "The database's schema was migrated by another build: " + string.Join("; ", problems) + ". "
               + "This build would skip its own script of that number and fail later, so it does not start and has changed nothing. "
               + "Start the build that migrated this database, or restore a backup made before it; see docs/operations.md (\"Schema versions\").";
    }

    /// <summary>Recorded numbers this build has no script for (the database was migrated by a newer build).</summary>
    public static IReadOnlyList<Recorded> Unknown(IEnumerable<Recorded> recorded, IReadOnlyList<Script> scripts) =>
        recorded.Where(r => scripts.All(s => s.Version != r.Version)).OrderBy(r => r.Version).ToList();

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
            var scripts = ScriptsFor(database.Settings.Provider);
            var hasChecksum = await HasChecksumColumnAsync(connection, null, cancellationToken);
            var recorded = await RecordedAsync(connection, hasChecksum, cancellationToken);
            if (Mismatch(recorded, scripts) is { } mismatch)
                throw new SchemaMismatchException(mismatch);
            foreach (var newer in Unknown(recorded, scripts))
                logger.LogWarning("Schema version {Version} ({Script}) is recorded in the database but unknown to this build: "
                                  + "a newer build migrated it", newer.Version, newer.Name);
            var applied = recorded.Select(r => r.Version).ToHashSet();
            // Rows an earlier start recorded without a checksum (an upgraded database): the only ones the backfill reports.
            // A fresh database's first scripts are recorded without one too (the column comes with a later script); they
            // are completed silently, since nothing was "recorded before checksums" there but this very start.
            var earlier = recorded.Where(r => string.IsNullOrEmpty(r.Checksum) && scripts.Any(s => s.Version == r.Version))
                .Select(r => r.Version).ToHashSet();
            var backfill = earlier.Count > 0;

            var done = new List<string>();
            foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, tx, script.Sql, cancellationToken);
                // The script that adds the checksum column is recorded with its checksum too.
                hasChecksum = hasChecksum || await HasChecksumColumnAsync(connection, tx, cancellationToken);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = tx;
                    record.CommandText = hasChecksum
                        ? "INSERT INTO warmte_schema_version (version, name, applied_at, checksum) VALUES (@version, @name, @at, @checksum)"
                        : "INSERT INTO warmte_schema_version (version, name, applied_at) VALUES (@version, @name, @at)";
                    Database.Parameter(record, "version", script.Version);
                    Database.Parameter(record, "name", script.Name);
                    Database.Parameter(record, "at", clock.GetCurrentInstant().ToString());
                    if (hasChecksum) Database.Parameter(record, "checksum", script.Checksum);
                    else backfill = true;
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await tx.CommitAsync(cancellationToken);
                logger.LogInformation("Schema script {Script} applied", script.Name);
                done.Add(script.Name);
            }
            // Rows written before names were checked or checksums kept: accepted above by name, completed here.
            if (hasChecksum && backfill) await BackfillAsync(connection, scripts, earlier, cancellationToken);
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

    private async Task<bool> HasChecksumColumnAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = database.IsPostgres
            ? "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'warmte_schema_version' AND column_name = 'checksum'"
            : "SELECT COUNT(*) FROM pragma_table_info('warmte_schema_version') WHERE name = 'checksum'";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken)) > 0;
    }

    private static async Task<List<Recorded>> RecordedAsync(DbConnection connection, bool hasChecksum, CancellationToken cancellationToken)
    {
        var rows = new List<Recorded>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = hasChecksum
            ? "SELECT version, name, checksum FROM warmte_schema_version"
            : "SELECT version, name, NULL FROM warmte_schema_version";
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new Recorded(Convert.ToInt32(reader.GetValue(0)),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        return rows;
    }

    /// <summary>
    /// Fills in the name and checksum of rows that lack them, from this build's script of the same number (same name: checked
    /// before). Logs how many of them were <paramref name="earlier"/> starts' rows; rows this start recorded before it added
    /// the checksum column (every row of a fresh database up to that script) are no backfill of anything and are not counted.
    /// </summary>
    private async Task BackfillAsync(DbConnection connection, IReadOnlyList<Script> scripts, IReadOnlySet<int> earlier, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var filled = 0;
        foreach (var script in scripts)
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE warmte_schema_version SET name = @name, checksum = @checksum "
                              + "WHERE version = @version AND (checksum IS NULL OR checksum = '') AND (name IS NULL OR name = '' OR name = @name)";
            Database.Parameter(cmd, "version", script.Version);
            Database.Parameter(cmd, "name", script.Name);
            Database.Parameter(cmd, "checksum", script.Checksum);
            var rows = await cmd.ExecuteNonQueryAsync(cancellationToken);
            if (earlier.Contains(script.Version)) filled += rows;
        }
        await tx.CommitAsync(cancellationToken);
        if (filled > 0) logger.LogInformation("Schema versions recorded before checksums: {Count} rows backfilled", filled);
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

/// <summary>The database was migrated by another build: a schema number recorded under another script (or other text) than this build's.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);
