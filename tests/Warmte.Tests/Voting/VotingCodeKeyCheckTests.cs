using System.Net;
using Microsoft.Data.Sqlite;
using Npgsql;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>
/// Every silo of one database hashes voting codes with the same key: the first start stores the
/// key's fingerprint, a start with another key is refused before it writes anything (issue 17).
/// </summary>
public sealed class VotingCodeKeyCheckTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private const string KeyA = "a2V5LWEgZm9yIHRoZSB3YXJtdGVuZXQga2V5IGNoZWNr"; // 33 bytes

    private const string KeyB = "a2V5LWIgZm9yIHRoZSB3YXJtdGVuZXQga2V5IGNoZWNr";

    private static string FingerprintOf(string base64Key) => VotingCodeKeyCheck.Fingerprint(new HmacVotingCodeHasher(Convert.FromBase64String(base64Key)));

    [Fact]
    public void The_fingerprint_is_the_keys_own_and_neither_the_key_nor_a_plain_hash_of_it_nor_any_codes_hash()
    {
        var a = FingerprintOf(KeyA);
        Assert.Equal(a, FingerprintOf(KeyA));
        Assert.NotEqual(a, FingerprintOf(KeyB));
        var key = Convert.FromBase64String(KeyA);
        Assert.DoesNotContain(Convert.ToHexStringLower(key), a);
        Assert.DoesNotContain(KeyA, a);
        Assert.DoesNotContain(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key)), a);
        // A code's stored hash under the same key is something else (the label is never a code).
        var hasher = new HmacVotingCodeHasher(key);
        var code = VotingCodes.NewCode();
        Assert.DoesNotContain(hasher.Hash(code), a);
    }

    [Fact]
    public async Task A_silo_on_the_same_sqlite_file_with_another_code_key_exits_non_zero_naming_the_setting_and_writes_nothing()
    {
        var dir = WarmteServer.NewDataDir();
        Directory.CreateDirectory(dir);
        await using (var first = SiloProcess.OnSqliteIn("key a", dir, "--Voting:CodeKey", KeyA))
        {
            first.Start();
            await first.WaitHealthyAsync(StartTimeout);
            await ApiCalls.SeedCooperativeWithProject(first.Client(), "coop-key", "proj-key");
            first.Stop();
        }
        var before = await Snapshot(dir);
        Assert.Equal(FingerprintOf(KeyA), before.Fingerprint);

        await using (var other = SiloProcess.OnSqliteIn("key b", dir, "--Voting:CodeKey", KeyB))
        {
            other.Start();
            var exit = await other.WaitForExitAsync(StartTimeout);
            Assert.NotEqual(0, exit);
            var log = File.ReadAllText(other.LogPath);
            Assert.Contains("De dienst kon niet worden opgezet: Voting:CodeKey verschilt van de sleutel waarmee de stemcodes in deze database zijn uitgegeven", log);
            Assert.DoesNotContain("differs from", log);
            Assert.DoesNotContain(KeyA, log);
            Assert.DoesNotContain(KeyB, log);
        }
        Assert.Equal(before, await Snapshot(dir));

        // The same key again starts as before: it is the key that was refused, nothing else.
        await using var again = SiloProcess.OnSqliteIn("key a again", dir, "--Voting:CodeKey", KeyA);
        again.Start();
        await again.WaitHealthyAsync(StartTimeout);
        Assert.Equal(HttpStatusCode.OK, (await again.Client().Get("api/projects/proj-key")).Status);
        again.Stop();
    }

    /// <summary>The stored fingerprint and the number of rows of every table (nothing written means none of them changed).</summary>
    private static async Task<KeySnapshot> Snapshot(string dataDir)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "warmtenet.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var counts = new List<string>();
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts.Add($"{table}={await count.ExecuteScalarAsync()}");
        }
        await using var fingerprint = connection.CreateCommand();
        fingerprint.CommandText = "SELECT detail FROM warmte_startup_step WHERE name = 'voting-code-key'";
        return new KeySnapshot(await fingerprint.ExecuteScalarAsync() as string, string.Join(", ", counts));
    }

    private sealed record KeySnapshot(string? Fingerprint, string Counts);

    [Fact]
    public async Task On_postgresql_a_second_silo_with_another_key_or_its_own_key_file_is_refused_and_a_deliberate_replacement_is_recorded()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        await using (var first = await WarmteServer.StartAsync(postgres: database))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.Client().Get("api/status")).Status);
            Assert.Equal(FingerprintOf(WarmteServer.ClusterCodeKey), await StoredFingerprint(database));

            // While the first runs: another key, and no key at all (each silo's own random key file: the mistake this catches).
            var other = await Assert.ThrowsAsync<ConfigurationException>(() => WarmteServer.StartAsync(postgres: database, extraArgs: ["--Voting:CodeKey", KeyB]));
            Assert.Contains("de sleutel van deze silo komt uit Voting:CodeKey", other.Message);
            var keyFile = await Assert.ThrowsAsync<ConfigurationException>(() => WarmteServer.StartAsync(postgres: database, extraArgs: ["--Voting:CodeKey", ""]));
            Assert.Contains("voting-code.key (Voting:CodeKey is niet gezet)", keyFile.Message);
            Assert.Equal(FingerprintOf(WarmteServer.ClusterCodeKey), await StoredFingerprint(database));
            // A second silo with the same key joins.
            await using var second = await WarmteServer.StartAsync(postgres: database);
            Assert.Equal(HttpStatusCode.OK, (await second.Client().Get("api/status")).Status);
        }

        // Rotation on purpose: one start with the new key and Voting:ReplaceStoredCodeKey; then the old key is the refused one.
        await using (var rotated = await WarmteServer.StartAsync(postgres: database, extraArgs: ["--Voting:CodeKey", KeyB, "--Voting:ReplaceStoredCodeKey", "true"]))
            Assert.Equal(FingerprintOf(KeyB), await StoredFingerprint(database));
        var old = await Assert.ThrowsAsync<ConfigurationException>(() => WarmteServer.StartAsync(postgres: database));
        Assert.Contains("Voting:CodeKey", old.Message);
    }

    private static async Task<string?> StoredFingerprint(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT detail FROM warmte_startup_step WHERE name = 'voting-code-key'", connection);
        return await cmd.ExecuteScalarAsync() as string;
    }
}
