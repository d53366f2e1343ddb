using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Warmte.Silo.Storage;

/// <summary>Opens connections to the service's database for the service's own tables (schema versions, API tokens).</summary>
public sealed class Database(StorageSettings settings)
{
    public StorageSettings Settings { get; } = settings;

    public bool IsPostgres => Settings.Provider == StorageProvider.PostgreSQL;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = IsPostgres
            ? new NpgsqlConnection(Settings.ConnectionString)
            : new SqliteConnection(Settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        if (Settings.TestPageLimit is { } limit) await limit.ApplyAsync(connection, cancellationToken);
        return connection;
    }

    /// <summary>Adds a named parameter; the SQL uses @name for both engines.</summary>
    public static void Parameter(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }
}
