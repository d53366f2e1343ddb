using System.Text;
using Microsoft.Data.Sqlite;
using Warmte.Silo.Storage;

namespace Warmte.Tests.Storage;

/// <summary>
/// <see cref="WalCheckpoint"/> on a real SQLite file in WAL mode: while a long read holds an older snapshot, the checkpoint
/// copies what it can without taking the write lock (it never tries the truncating step, which would), writes go on, and
/// the erased bytes leave <c>-wal</c> once the read has ended.
/// </summary>
public sealed class WalCheckpointTests
{
    private const string Secret = "Geheime Naam Wisbaar";

    [Fact]
    public async Task A_long_read_keeps_the_truncating_step_away_while_writes_go_on_and_the_bytes_leave_the_wal_after_it()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warmte-walckpt-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "warmtenet.db");
        var cs = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 30 }.ToString();
        using var checkpoint = new WalCheckpoint(new Database(new StorageSettings(StorageProvider.Sqlite, cs, dir)));

        await using var writer = new SqliteConnection(cs);
        await writer.OpenAsync();
        Exec(writer, "PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON; CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)");
        Exec(writer, $"INSERT INTO person (id, name) VALUES (1, '{Secret}'), (2, 'Blijft Staan')");
        Assert.True(Has(file + "-wal", Secret), "control: the name should be in the WAL before the erasure");

        // The long read: a snapshot from before the erasure, held open.
        await using var reader = new SqliteConnection(cs);
        await reader.OpenAsync();
        var read = reader.BeginTransaction(deferred: true);
        using (var count = reader.CreateCommand())
        {
            count.Transaction = read;
            count.CommandText = "SELECT count(*) FROM person WHERE name = '" + Secret + "'";
            Assert.Equal(1L, count.ExecuteScalar());
        }

        Exec(writer, "UPDATE person SET name = '(gewist)' WHERE id = 1");
        checkpoint.Request();
        await Eventually(() => checkpoint.PassiveRuns >= 3, "three passive tries while the read is open");
        // Writes commit while the read is open and the checkpoint retries.
        Exec(writer, "INSERT INTO person (id, name) VALUES (3, 'Later Lid')");
        Assert.Equal(3L, Scalar(writer, "SELECT count(*) FROM person"));
        // The read's older snapshot keeps frames that cannot be copied: the step that takes the write lock is never tried.
        Assert.Equal(0, checkpoint.TruncateTries);
        Assert.Equal(0, checkpoint.Succeeded);
        Assert.True(Has(file + "-wal", Secret), "control: the WAL cannot be emptied while the older snapshot is read");

        read.Commit();
        await Eventually(() => checkpoint.Succeeded >= 1, "the WAL truncated after the read ended");
        Assert.Equal(0, new FileInfo(file + "-wal").Length);
        Assert.False(Has(file + "-wal", Secret), "the erased name is still in the WAL");
        Assert.False(Has(file, Secret), "the erased name is still in the database file");
        Assert.Equal(3L, Scalar(writer, "SELECT count(*) FROM person"));
        SqliteConnection.ClearAllPools();
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static bool Has(string file, string needle)
    {
        if (!File.Exists(file)) return false;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
    }

    /// <summary>Waits for a background effect with a generous ceiling; not a timing assertion.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException("Not reached in 60 s: " + what);
            await Task.Delay(50);
        }
    }
}
