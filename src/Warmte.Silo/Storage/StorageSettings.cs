using Microsoft.Data.Sqlite;

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

    public static StorageSettings From(IConfiguration configuration)
    {
        var dataDir = Path.GetFullPath(configuration["DataDir"] is { Length: > 0 } d ? d : "data");
        var providerText = configuration["Storage:Provider"];
        var provider = StorageProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText, ignoreCase: true, out provider))
            throw new ConfigurationException($"Storage:Provider '{providerText}' is unknown; use Sqlite or PostgreSQL.");

        if (provider == StorageProvider.PostgreSQL)
        {
            var cs = configuration["Storage:ConnectionString"];
            if (string.IsNullOrWhiteSpace(cs))
                throw new ConfigurationException("Storage:Provider=PostgreSQL needs Storage:ConnectionString (e.g. Host=db;Database=warmtenet;Username=warmte;Password=...).");
            return new StorageSettings(provider, cs, dataDir);
        }

        DataPermissions.CreateDirectory(dataDir);
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
}

public sealed class ConfigurationException(string message) : Exception(message);
