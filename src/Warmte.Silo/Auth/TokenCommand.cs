using NodaTime;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Auth;

/// <summary>
/// `dotnet run --project src/Warmte.Silo -- token create|list|revoke`: token management on the
/// database itself, so the first tokens can be made before anyone can call the API. Works while
/// the silo runs (SQLite waits for the silo's writes; PostgreSQL is shared anyway).
/// </summary>
public static class TokenCommand
{
    private const string Usage = """
        Gebruik:
          token create --role <rol> --name "<naam>"   maak een token; het geheim wordt één keer getoond
          token list                                  toon alle tokens (zonder geheim)
          token revoke <token-id>                     trek een token in
        Rollen: admin, financier, coordinator, reader, board:<coöperatie-id>
        Opties voor de opslag zoals bij de dienst: --data-dir <map>, --Storage:Provider PostgreSQL --Storage:ConnectionString "..."
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var (positional, options) = Split(args);
        if (positional.Count == 0) return Fail(Usage);

        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(WarmteHost.NormaliseArgs([.. options]))
            .Build();
        var storage = StorageSettings.From(configuration);
        var database = new Database(storage);
        using var loggers = LoggerFactory.Create(_ => { });
        await new SchemaMigrator(database, SystemClock.Instance, loggers.CreateLogger<SchemaMigrator>()).MigrateAsync();
        var store = new TokenStore(database, SystemClock.Instance);

        switch (positional[0])
        {
            case "create":
                var role = configuration["role"];
                var name = configuration["name"];
                if (!Role.IsValid(role)) return Fail($"--role '{role}' is geen rol; kies uit {Role.Description}.");
                if (string.IsNullOrWhiteSpace(name)) return Fail("--name is verplicht, bijv. --name \"Gemeente Amsterdam\".");
                var created = await store.CreateAsync(name, role!, "token-command");
                Console.WriteLine($"Token {created.Info.Id} voor '{created.Info.Name}' ({created.Info.Role}):");
                Console.WriteLine(created.Token);
                Console.WriteLine("Dit geheim wordt niet opnieuw getoond; alleen de hash is opgeslagen.");
                return 0;
            case "list":
                foreach (var t in await store.ListAsync())
                    Console.WriteLine($"{t.Id}\t{t.Role}\t{t.Name}\taangemaakt {t.CreatedAt}" + (t.RevokedAt is { } r ? $"\tingetrokken {r}" : ""));
                return 0;
            case "revoke" when positional.Count == 2:
                if (await store.RevokeAsync(positional[1])) { Console.WriteLine($"Token {positional[1]} ingetrokken."); return 0; }
                return Fail($"Geen actief token met id '{positional[1]}'.");
            default:
                return Fail(Usage);
        }
    }

    private static (List<string> Positional, List<string> Options) Split(string[] args)
    {
        var positional = new List<string>();
        var options = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options.Add(args[i]);
                if (!args[i].Contains('=') && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    options.Add(args[++i]);
            }
            else positional.Add(args[i]);
        }
        return (positional, options);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
