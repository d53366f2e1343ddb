using Microsoft.Extensions.Configuration;
using Npgsql;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// The PostgreSQL connection string as the service uses it: pooled connections are not reset on every
/// reuse (DISCARD ALL was half of the database's transactions per booking) unless the operator says
/// so, a wrong string is refused naming the setting, and — because nothing resets a pooled connection
/// any more — no session state the service takes (its advisory locks) is left on one.
/// </summary>
public sealed class StorageSettingsTests
{
    private static StorageSettings Postgres(string connectionString) =>
        StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["Storage:ConnectionString"] = connectionString,
            ["DataDir"] = Path.Combine(Path.GetTempPath(), "warmte-settings-unused"),
        }).Build());

    private static StorageSettings PostgresWithGroupCommit(string? groupCommit) =>
        StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["Storage:ConnectionString"] = "Host=db;Database=warmtenet;Username=warmte",
            ["Storage:GroupCommit"] = groupCommit,
        }).Build());

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void Group_commit_is_on_unless_the_operator_turns_it_off(string? setting, bool expected) =>
        Assert.Equal(expected, PostgresWithGroupCommit(setting).GroupCommit);

    [Fact]
    public void A_group_commit_setting_that_is_not_true_or_false_stops_the_start_naming_it()
    {
        var e = Assert.Throws<ConfigurationException>(() => PostgresWithGroupCommit("ja"));
        Assert.Contains("Storage:GroupCommit", e.Message);
        Assert.Contains("'ja'", e.Message);
    }

    [Fact]
    public void Pooled_connections_are_not_reset_on_reuse_by_default_and_the_rest_is_kept()
    {
        var settings = Postgres("Host=db.example;Port=5433;Database=warmtenet;Username=warmte;Password=geheim;Maximum Pool Size=40");
        var used = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.True(used.NoResetOnClose);
        Assert.Equal(("db.example", 5433, "warmtenet", "warmte", "geheim", 40),
            (used.Host, used.Port, used.Database, used.Username, used.Password, used.MaxPoolSize));
    }

    [Theory]
    [InlineData("No Reset On Close=false")]
    [InlineData("NoResetOnClose=False")]
    public void The_operators_own_setting_wins(string setting)
    {
        var settings = Postgres($"Host=db;Database=warmtenet;Username=warmte;{setting}");
        Assert.False(new NpgsqlConnectionStringBuilder(settings.ConnectionString).NoResetOnClose);
    }

    [Fact]
    public void A_connection_string_npgsql_cannot_read_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<ConfigurationException>(() => Postgres("Host=db;Databse=warmtenet"));
        Assert.Contains("Storage:ConnectionString", e.Message);
    }

    [Fact]
    public async Task After_start_up_no_pooled_connection_holds_an_advisory_lock()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        // Two starts: the first migrates and runs the once-per-database passes, the second only checks;
        // each takes its advisory locks on pooled connections that are no longer reset.
        await using (var first = await WarmteServer.StartAsync(postgres: database))
            await ApiCalls.SeedCooperativeWithProject(first.Client(), "lock-coop", "lock-proj");
        await using var second = await WarmteServer.StartAsync(postgres: database);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await second.Client().Get("api/projects/lock-proj")).Status);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var held = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()",
            connection);
        Assert.Equal(0L, (long)(await held.ExecuteScalarAsync())!);
    }
}
