using Microsoft.Data.Sqlite;
using Warmte.Silo.Hosting;

namespace Warmte.Silo.Storage;

/// <summary>
/// `Warmte.Silo.dll backup --to FILE [--data-dir DIR]`: a consistent copy of the embedded SQLite
/// database while the silo keeps running, made with SQLite's <c>VACUUM INTO</c> (a read
/// transaction, so the silo's writes wait at most briefly). No sqlite3 program is needed on the
/// machine. PostgreSQL is backed up with pg_dump instead: see scripts/backup.sh and docs/operations.md.
/// </summary>
public static class BackupCommand
{
    private const string Usage = """
        Gebruik: backup --to <bestand> [--data-dir <map>]
          Maakt een consistente kopie van <map>/warmtenet.db (standaard ./data) terwijl de dienst draait.
          Voor PostgreSQL: scripts/backup.sh postgres (pg_dump).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(WarmteHost.NormaliseArgs(args))
            .Build();
        var target = configuration["to"];
        if (string.IsNullOrWhiteSpace(target)) return Fail(Usage);
        var storage = StorageSettings.From(configuration);
        if (storage.Provider != StorageProvider.Sqlite)
            return Fail("backup maakt kopieën van de SQLite-opslag; voor PostgreSQL: scripts/backup.sh postgres (pg_dump).");
        var source = Path.Combine(storage.DataDir, "warmtenet.db");
        if (!File.Exists(source)) return Fail($"{source} bestaat niet; geef de map van de dienst met --data-dir.");
        target = Path.GetFullPath(target);
        if (File.Exists(target)) return Fail($"{target} bestaat al; kies een nieuwe bestandsnaam.");

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = source, Mode = SqliteOpenMode.ReadWrite, DefaultTimeout = 60,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO @target";
        command.Parameters.AddWithValue("@target", target);
        await command.ExecuteNonQueryAsync();
        Console.WriteLine($"Kopie van {source} gemaakt: {target} ({new FileInfo(target).Length:N0} bytes).");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
