using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// Databases written by earlier releases (tests/Warmte.Tests/Storage/Fixtures), opened as a new
/// silo would find them: the SQLite file copied into a fresh data directory, the PostgreSQL dump
/// restored into a fresh database of the tests' server.
/// </summary>
public static class StoredFixtures
{
    public static string File(string name) => RepoFiles.Path("tests", "Warmte.Tests", "Storage", "Fixtures", name);

    /// <summary>A copy of <paramref name="fixture"/> as the data directory's database.</summary>
    public static (string DataDir, Database Database) Sqlite(string fixture)
    {
        var dataDir = WarmteServer.NewDataDir();
        Directory.CreateDirectory(dataDir);
        System.IO.File.Copy(File(fixture), Path.Combine(dataDir, "warmtenet.db"));
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build());
        return (dataDir, new Database(settings));
    }

    /// <summary><paramref name="fixture"/> (a plain pg_dump) restored into a new database.</summary>
    public static async Task<(string ConnectionString, Database Database)> PostgresAsync(string fixture)
    {
        var pg = await PostgresServer.GetAsync();
        var connectionString = await pg.CreateDatabaseAsync();
        await Psql(new Npgsql.NpgsqlConnectionStringBuilder(connectionString), File(fixture));
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = connectionString,
        }).Build());
        return (connectionString, new Database(settings));
    }

    /// <summary>How many rows of <paramref name="table"/> belong to one grain.</summary>
    public static async Task<long> Count(Database database, string table, string type, string key)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table} WHERE grain_type = @type AND grain_key = @key";
        Database.Parameter(cmd, "type", type);
        Database.Parameter(cmd, "key", key);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Restores a plain pg_dump with psql (COPY blocks need it), stopping at the first error.</summary>
    public static async Task Psql(Npgsql.NpgsqlConnectionStringBuilder target, string file)
    {
        var info = new ProcessStartInfo("psql") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", target.Host!, "-p", target.Port.ToString(CultureInfo.InvariantCulture),
                     "-U", target.Username!, "-d", target.Database!, "-f", file })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"psql failed: {await stdout}{await stderr}");
    }
}
