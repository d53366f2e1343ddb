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

    /// <summary>The switch of <c>token create</c> that may make a new database (before the service's first start).</summary>
    public const string NewDatabaseOption = "--new-database";

    public static async Task<int> CreateAsync(string[] configuration, string? role, string? name, TextWriter stdout, TextWriter stderr, bool newDatabase = false)
    {
        role = role?.Trim();
        if (!Role.IsValid(role))
        {
            stderr.WriteLine($"--role '{role}' is geen rol; kies uit {Role.Description}.");
            return SiloCommandLine.Failed;
        }
        // The name is shown to others (audit trails, the CLI): one line, as POST /api/tokens requires (tester9b T4).
        name = Warmte.Common.FreeText.NormaliseOneLine(name ?? "");
        if (Warmte.Common.FreeText.OneLine(name) is { } notOneLine)
        {
            stderr.WriteLine($"--name {notOneLine}");
            return SiloCommandLine.Failed;
        }
        if (await OpenWithDatabaseAsync(configuration, stderr, newDatabase) is not { } opened) return SiloCommandLine.Failed;
        var (store, database) = opened;
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

    public static async Task<int> ListAsync(string[] configuration, TextWriter stdout, TextWriter stderr)
    {
        if (await OpenWithDatabaseAsync(configuration, stderr, newDatabase: false) is not { Store: var store }) return SiloCommandLine.Failed;
        foreach (var t in await store.ListAsync())
            stdout.WriteLine($"{t.Id}\t{t.Role}\t{t.Name}\taangemaakt {Amsterdam(t.CreatedAt)}" + (t.RevokedAt is { } r ? $"\tingetrokken {Amsterdam(r)}" : ""));
        return SiloCommandLine.Ok;
    }

    private static readonly NodaTime.Text.LocalDateTimePattern DutchDateTime = NodaTime.Text.LocalDateTimePattern.CreateWithInvariantCulture("dd-MM-uuuu HH:mm");

    /// <summary>An instant as an Amsterdam board member reads it: "06-12-2026 15:23".</summary>
    private static string Amsterdam(NodaTime.Instant at) => DutchDateTime.Format(at.InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]).LocalDateTime);

    public static async Task<int> RevokeAsync(string[] configuration, string id, TextWriter stdout, TextWriter stderr)
    {
        if (await OpenWithDatabaseAsync(configuration, stderr, newDatabase: false) is not { Store: var store }) return SiloCommandLine.Failed;
        if (await store.RevokeAsync(id))
        {
            stdout.WriteLine($"Token {id} ingetrokken.");
            return SiloCommandLine.Ok;
        }
        stderr.WriteLine($"Geen actief token met id '{id}'.");
        return SiloCommandLine.Failed;
    }

    /// <summary>
    /// The token store of the service's database, or null (with the reason on stderr) when the data directory holds no
    /// database: a mistyped --data-dir would otherwise get a new database no silo reads, and the token in it would work
    /// nowhere (tester8 T5). Only <c>token create --new-database</c> makes one, as the service's first start would:
    /// directory 0700, database file 0600 (DataPermissions).
    /// </summary>
    private static async Task<(TokenStore Store, Database Database)?> OpenWithDatabaseAsync(string[] configurationArgs, TextWriter stderr, bool newDatabase)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configurationArgs)
            .Build();
        // A mistyped key (--Storage:Provder) would leave the verb on the wrong database without a word.
        Hosting.StartupSettings.CheckKnownKeys(configuration);
        var settings = StorageSettings.From(configuration, createDataDir: false);
        if (settings.Provider == StorageProvider.Sqlite)
        {
            var file = Path.Combine(settings.DataDir, DataPermissions.DatabaseFiles[0]);
            if (!File.Exists(file))
            {
                if (!newDatabase)
                {
                    stderr.WriteLine(NoDatabaseMessage(settings.DataDir));
                    return null;
                }
                DataPermissions.Secure(settings.DataDir);
                stderr.WriteLine($"Nieuwe SQLite-database in {settings.DataDir}: alleen een silo met deze --data-dir op SQLite leest dit token, "
                                 + "geen cluster (PostgreSQL).");
            }
        }
        var database = new Database(settings);
        using var loggers = LoggerFactory.Create(_ => { });
        try
        {
            await new SchemaMigrator(database, SystemClock.Instance, loggers.CreateLogger<SchemaMigrator>()).MigrateAsync();
        }
        catch (Exception e) when (settings.Provider == StorageProvider.PostgreSQL && e is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // The cluster's database: name the settings the verb read, not only the driver's English reason.
            stderr.WriteLine("De PostgreSQL-database uit Storage:ConnectionString is niet bereikbaar of weigert de aanmelding: "
                             + $"{e.Message.Split('\n', 2)[0].Trim()}. Geef de token-opdracht dezelfde Storage:Provider en "
                             + "Storage:ConnectionString als de silo's van het cluster (--Storage:ConnectionString \"Host=…;Database=…;Username=…;Password=…\" "
                             + "of de omgevingsvariabele Storage__ConnectionString).");
            return null;
        }
        return (new TokenStore(database, SystemClock.Instance), database);
    }

    /// <summary>
    /// No SQLite file in the folder. A cluster silo's folder holds none either (its data is in PostgreSQL), so the storage
    /// settings come first; --new-database is only for a single SQLite silo before its first start (tester10 T5: following
    /// that advice on a cluster made a token no silo reads).
    /// </summary>
    public static string NoDatabaseMessage(string dataDir) =>
        $"Er is geen Warmtenet-database in {dataDir} ({DataPermissions.DatabaseFiles[0]} ontbreekt). "
        + "Bewaart de dienst zijn gegevens in PostgreSQL (een cluster), geef de opdracht dan dezelfde opslaginstellingen als de silo's: "
        + "--Storage:Provider PostgreSQL --Storage:ConnectionString \"Host=…;Database=…;Username=…;Password=…\" "
        + "(of de omgevingsvariabelen Storage__Provider en Storage__ConnectionString). "
        + "Eén silo op SQLite: geef de map van de dienst met --data-dir. "
        + $"Alleen vóór de eerste start van een nieuwe silo op SQLite, nooit voor een cluster: token create {NewDatabaseOption}.";
}
