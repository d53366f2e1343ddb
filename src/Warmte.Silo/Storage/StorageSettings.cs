using Microsoft.Data.Sqlite;
using Npgsql;

namespace Warmte.Silo.Storage;

public enum StorageProvider
{
    /// <summary>Embedded default: one silo, grain state in a SQLite file under the data directory.</summary>
    Sqlite,
    /// <summary>Cluster mode: storage, membership and reminders in one PostgreSQL database.</summary>
    PostgreSQL,
}

/// <summary>Where the service keeps its data, read from configuration ("Storage:*", "DataDir").</summary>
public sealed record StorageSettings(StorageProvider Provider, string ConnectionString, string DataDir)
{
    /// <summary>The ADO.NET invariant Orleans uses to pick the driver.</summary>
    public string Invariant => Provider == StorageProvider.PostgreSQL ? "Npgsql" : "System.Data.SQLite";

    /// <summary>
    /// PostgreSQL: journal commits that arrive together share one transaction ("Storage:GroupCommit",
    /// default true; docs/storage.md, "Group commit"). False writes one transaction per commit.
    /// </summary>
    public bool GroupCommit { get; init; } = true;

    /// <summary>Tests only (host environment Testing, SQLite): a page limit that makes the file "full" on demand; null elsewhere.</summary>
    public SqliteTestPageLimit? TestPageLimit { get; init; }

    /// <param name="createDataDir">False for a command that only reads an existing data directory (backup): a mistyped
    /// --data-dir is refused, not created (tester5 T10j).</param>
    public static StorageSettings From(IConfiguration configuration, bool createDataDir = true)
    {
        var dataDir = Path.GetFullPath(configuration["DataDir"] is { Length: > 0 } d ? d : "data");
        var providerText = configuration["Storage:Provider"];
        var provider = StorageProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText, ignoreCase: true, out provider))
            throw new ConfigurationException($"Storage:Provider '{providerText}' is onbekend; kies Sqlite of PostgreSQL.");

        if (provider == StorageProvider.PostgreSQL)
        {
            var cs = configuration["Storage:ConnectionString"];
            if (string.IsNullOrWhiteSpace(cs))
                throw new ConfigurationException("Storage:Provider=PostgreSQL heeft Storage:ConnectionString nodig (bijv. Host=db;Database=warmtenet;Username=warmte;Password=...).");
            var groupCommitText = configuration["Storage:GroupCommit"];
            var groupCommit = true;
            if (!string.IsNullOrWhiteSpace(groupCommitText) && !bool.TryParse(groupCommitText, out groupCommit))
                throw new ConfigurationException($"Storage:GroupCommit '{groupCommitText}' is niet true of false.");
            return new StorageSettings(provider, WithoutConnectionReset(cs), dataDir) { GroupCommit = groupCommit };
        }

        if (createDataDir) DataPermissions.CreateDirectory(dataDir);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "warmtenet.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Wait for a writer in another process (e.g. `token create`) instead of failing.
            DefaultTimeout = 30,
        };
        return new StorageSettings(provider, builder.ToString(), dataDir);
    }

    /// <summary>
    /// Npgsql resets a pooled connection (<c>DISCARD ALL</c>) each time it is taken again: that was
    /// half of PostgreSQL's transactions per booking (docs/performance.md). The service leaves no
    /// session state on a pooled connection — its advisory locks are transaction-scoped or unlocked in
    /// a <c>finally</c>, it sets no session variables and makes no temporary tables — so the reset is
    /// off unless the operator's connection string says otherwise.
    /// </summary>
    internal static string WithoutConnectionReset(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"Storage:ConnectionString is geen geldige PostgreSQL-verbindingstekst: {e.Message}");
        }
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var explicitSetting = given.Keys.Cast<string>().Any(k => k.Replace(" ", "").Equals("NoResetOnClose", StringComparison.OrdinalIgnoreCase));
        if (!explicitSetting) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}

public sealed class ConfigurationException(string message) : Exception(message);
