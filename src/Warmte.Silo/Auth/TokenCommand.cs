using NodaTime;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Auth;

/// <summary>
/// `Warmte.Silo token create|list|revoke`: token management on the database itself, so the first tokens can
/// be made before anyone can call the API. Works while the silo runs (SQLite waits for the silo's writes;
/// PostgreSQL is shared anyway). The command line is parsed by <see cref="SiloCommandLine"/>; these methods
/// get the parsed values and the configuration arguments (--DataDir, --Storage:..., as for the service).
/// </summary>
public static class TokenCommand
{
    /// <summary>`token ARGS...` as on the silo's command line (the verb "token" left out): the same parser, help and exit codes.</summary>
    public static Task<int> RunAsync(string[] args) => SiloCommandLine.RunAsync(["token", .. args]);

    public static async Task<int> CreateAsync(string[] configuration, string? role, string? name, TextWriter stdout, TextWriter stderr)
    {
        role = role?.Trim();
        if (!Role.IsValid(role))
        {
            stderr.WriteLine($"--role '{role}' is geen rol; kies uit {Role.Description}.");
            return SiloCommandLine.Failed;
        }
        var (store, database) = await OpenWithDatabaseAsync(configuration);
        var created = await store.CreateAsync(name!.Trim(), role!, "token-command");
        stdout.WriteLine($"Token {created.Info.Id} voor '{created.Info.Name}' ({created.Info.Role}):");
        stdout.WriteLine(created.Token);
        stdout.WriteLine("Dit geheim wordt niet opnieuw getoond; alleen de hash is opgeslagen.");
        // A board token for a cooperative this database does not hold: warned, not refused. Tokens are made here before
        // the service holds data (before the first start with --demo, before the admin creates the cooperative), so
        // "not there yet" is a real case; a typo is the other one, and the warning names the id to check.
        if (Role.CooperativeOf(role) is { } cooperative
            && await new AdoNetJournalStore(database).LoadAsync(Cooperatives.CooperativeGrain.JournalType, cooperative) is null)
            stderr.WriteLine(Role.UnknownCooperativeWarning(cooperative));
        return SiloCommandLine.Ok;
    }

    public static async Task<int> ListAsync(string[] configuration, TextWriter stdout)
    {
        var store = await OpenAsync(configuration);
        foreach (var t in await store.ListAsync())
            stdout.WriteLine($"{t.Id}\t{t.Role}\t{t.Name}\taangemaakt {Amsterdam(t.CreatedAt)}" + (t.RevokedAt is { } r ? $"\tingetrokken {Amsterdam(r)}" : ""));
        return SiloCommandLine.Ok;
    }

    private static readonly NodaTime.Text.LocalDateTimePattern DutchDateTime = NodaTime.Text.LocalDateTimePattern.CreateWithInvariantCulture("dd-MM-uuuu HH:mm");

    /// <summary>An instant as an Amsterdam board member reads it: "06-12-2026 15:23".</summary>
    private static string Amsterdam(NodaTime.Instant at) => DutchDateTime.Format(at.InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]).LocalDateTime);

    public static async Task<int> RevokeAsync(string[] configuration, string id, TextWriter stdout, TextWriter stderr)
    {
        var store = await OpenAsync(configuration);
        if (await store.RevokeAsync(id))
        {
            stdout.WriteLine($"Token {id} ingetrokken.");
            return SiloCommandLine.Ok;
        }
        stderr.WriteLine($"Geen actief token met id '{id}'.");
        return SiloCommandLine.Failed;
    }

    private static async Task<TokenStore> OpenAsync(string[] configurationArgs) => (await OpenWithDatabaseAsync(configurationArgs)).Store;

    private static async Task<(TokenStore Store, Database Database)> OpenWithDatabaseAsync(string[] configurationArgs)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configurationArgs)
            .Build();
        var database = new Database(StorageSettings.From(configuration));
        using var loggers = LoggerFactory.Create(_ => { });
        await new SchemaMigrator(database, SystemClock.Instance, loggers.CreateLogger<SchemaMigrator>()).MigrateAsync();
        return (new TokenStore(database, SystemClock.Instance), database);
    }
}
