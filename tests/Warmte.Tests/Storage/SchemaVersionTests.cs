using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Warmte.Silo.Storage;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// warmte_schema_version records each script by number, file name and checksum. A database whose number N was
/// recorded under another script (migrated by another build, e.g. a branch that numbered its scripts differently)
/// is refused with a message naming N, the recorded script and this build's, and is left as it was; a database of
/// an earlier release (names, no checksums) starts and gets its checksums backfilled. SQLite and PostgreSQL.
/// </summary>
public sealed class SchemaVersionTests
{
    // The real case in this repository's history: branch 'bcread' shipped its project summaries as sqlite
    // 0007_project_summary.sql, while the build that won the number has 0007_warmte_rows.sql.
    private const string SqliteOther = "0007_project_summary.sql";
    private const string SqliteMine = "0007_warmte_rows.sql";
    private const string PostgresOther = "0008_project_summary.sql";
    private const string PostgresMine = "0008_warmte_rows.sql";

    private static SchemaMigrator Migrator(Database database) =>
        new(database, NodaTime.SystemClock.Instance, NullLogger<SchemaMigrator>.Instance);

    [Fact]
    public void The_other_builds_scripts_named_here_are_this_builds_numbers()
    {
        Assert.Contains(SchemaMigrator.ScriptsFor(StorageProvider.Sqlite), s => s.Name == SqliteMine);
        Assert.Contains(SchemaMigrator.ScriptsFor(StorageProvider.PostgreSQL), s => s.Name == PostgresMine);
    }

    [Fact]
    public void Mismatch_names_the_version_the_recorded_script_and_this_builds_script()
    {
        var scripts = SchemaMigrator.ScriptsFor(StorageProvider.Sqlite);
        var recorded = scripts.Where(s => s.Version <= 6).Select(s => new SchemaMigrator.Recorded(s.Version, s.Name, null))
            .Append(new SchemaMigrator.Recorded(7, SqliteOther, null)).ToList();
        var message = SchemaMigrator.Mismatch(recorded, scripts);
        Assert.NotNull(message);
        Assert.Contains($"version 7 was recorded as {SqliteOther}, but this build's script 7 is {SqliteMine}", message);
    }

    [Fact]
    public void Same_names_without_checksums_and_rows_without_a_name_are_no_mismatch()
    {
        var scripts = SchemaMigrator.ScriptsFor(StorageProvider.PostgreSQL);
        var recorded = scripts.Select(s => new SchemaMigrator.Recorded(s.Version, s.Version == 3 ? "" : s.Name, s.Version == 2 ? s.Checksum : null));
        Assert.Null(SchemaMigrator.Mismatch(recorded, scripts));
        // A number this build does not have (a newer build's script) is no mismatch either, but is reported.
        var newer = new SchemaMigrator.Recorded(scripts.Max(s => s.Version) + 1, "9999_from_the_future.sql", null);
        Assert.Null(SchemaMigrator.Mismatch([newer], scripts));
        Assert.Equal([newer], SchemaMigrator.Unknown([newer], scripts));
    }

    [Fact]
    public void A_changed_text_under_the_same_name_is_a_mismatch_but_line_ends_are_not()
    {
        var script = SchemaMigrator.ScriptsFor(StorageProvider.Sqlite)[0];
        Assert.Equal(script.Checksum, SchemaMigrator.ChecksumOf(script.Sql.Replace("\n", "\r\n", StringComparison.Ordinal)));
        var edited = SchemaMigrator.ChecksumOf(script.Sql + "\n-- edited after it shipped\n");
        var message = SchemaMigrator.Mismatch([new SchemaMigrator.Recorded(script.Version, script.Name, edited)], [script]);
        Assert.NotNull(message);
        Assert.Contains($"version {script.Version} ({script.Name}) was recorded with checksum {edited}", message);
        Assert.Contains(script.Checksum, message);
    }

    [Fact]
    public async Task Sqlite_database_of_another_build_is_refused_and_left_unchanged()
    {
        var (_, database) = StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db");
        await OtherBuildsScript(database, SqliteOther);
        await RefusedAndUnchanged(database, 7, SqliteOther, SqliteMine);
    }

    [Fact]
    public async Task Postgresql_database_of_another_build_is_refused_and_left_unchanged()
    {
        var (_, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-members.postgresql.sql");
        // Release ba5f89c on PostgreSQL recorded 1-7 as this build has them; the other build then recorded its own 0008.
        Assert.Contains("7|0007_warmte_startup_steps.sql|", string.Join("\n", await Rows(database, "SELECT version, name, '' FROM warmte_schema_version")));
        await OtherBuildsScript(database, PostgresOther);
        await RefusedAndUnchanged(database, 8, PostgresOther, PostgresMine);
    }

    [Fact]
    public async Task Sqlite_database_of_an_earlier_release_starts_and_is_backfilled()
    {
        var (_, database) = StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db");
        await Backfilled(database, StorageProvider.Sqlite);
    }

    [Fact]
    public async Task Postgresql_database_of_an_earlier_release_starts_and_is_backfilled()
    {
        var (_, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-members.postgresql.sql");
        await Backfilled(database, StorageProvider.PostgreSQL);
    }

    [Fact]
    public async Task The_built_silo_refuses_to_start_on_a_database_of_another_build_and_says_why()
    {
        var (dataDir, database) = StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db");
        await OtherBuildsScript(database, SqliteOther);
        var result = await BuiltProgram.Silo("--data-dir", dataDir, "--urls", $"http://127.0.0.1:{FreePort.Next()}");
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("De dienst kon niet worden opgezet", result.Err);
        Assert.Contains($"version 7 was recorded as {SqliteOther}, but this build's script 7 is {SqliteMine}", result.Err);
        Assert.False(await TableExists(database, "warmte_row"));
    }

    /// <summary>Records <paramref name="otherScript"/> as the next number, as another build's migrator would have, with its table.</summary>
    private static async Task OtherBuildsScript(Database database, string otherScript)
    {
        var version = int.Parse(otherScript[..4], CultureInfo.InvariantCulture);
        await using var connection = await database.OpenAsync();
        await Execute(connection, "CREATE TABLE warmte_project_summary (project_id TEXT PRIMARY KEY, summary TEXT NOT NULL)");
        await Execute(connection, $"INSERT INTO warmte_schema_version (version, name, applied_at) VALUES ({version}, '{otherScript}', '2026-12-06T05:40:00Z')");
    }

    private static async Task RefusedAndUnchanged(Database database, int version, string recorded, string mine)
    {
        var before = await Describe(database);
        var refusal = await Assert.ThrowsAsync<SchemaMismatchException>(() => Migrator(database).MigrateAsync());
        Assert.Contains($"version {version} was recorded as {recorded}, but this build's script {version} is {mine}", refusal.Message);
        Assert.Contains("changed nothing", refusal.Message);
        Assert.Equal(before, await Describe(database));
        // Without the check, the start would have skipped this build's script of that number: its table would be missing.
        Assert.False(await TableExists(database, "warmte_row"));
    }

    private static async Task Backfilled(Database database, StorageProvider provider)
    {
        await using (var connection = await database.OpenAsync())
            await Execute(connection, "UPDATE warmte_schema_version SET name = '' WHERE version = 2");   // a row without a name
        var applied = await Migrator(database).MigrateAsync();
        Assert.Contains(applied, name => name.Contains("schema_version_checksum", StringComparison.Ordinal));

        var scripts = SchemaMigrator.ScriptsFor(provider);
        var rows = await Rows(database, "SELECT version, name, checksum FROM warmte_schema_version ORDER BY version");
        Assert.Equal(scripts.Select(s => $"{s.Version}|{s.Name}|{s.Checksum}"), rows);
        // Started once more: nothing to apply, nothing refused.
        Assert.Empty(await Migrator(database).MigrateAsync());
    }

    /// <summary>Every table with its columns and every recorded schema version: what a refused start must not change.</summary>
    private static async Task<List<string>> Describe(Database database)
    {
        var columns = database.IsPostgres
            ? await Rows(database, "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2")
            : await Rows(database, "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1, 2");
        var versions = await Rows(database, "SELECT * FROM warmte_schema_version ORDER BY version");
        return [.. columns, "--", .. versions];
    }

    private static async Task<bool> TableExists(Database database, string table) =>
        (await Rows(database, database.IsPostgres
            ? $"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            : $"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'")).Count > 0;

    private static async Task<List<string>> Rows(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        return rows;
    }

    private static async Task Execute(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
