using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;
using Warmte.Silo.Auth;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// The silo's command line, parsed by System.CommandLine: without a verb it runs the service; <c>token</c>,
/// <c>backup</c> and <c>completion</c> are management verbs that never start a host. Help (Dutch, written
/// here) and usage errors are answered before anything is built, bound or opened.
/// Exit codes: 0 ok; 1 the command ran but failed (unknown token, invalid role, backup impossible, service
/// did not start); 2 usage error (unknown option, verb or argument, missing value).
/// Configuration overrides in ASP.NET's form (<c>--Storage:Provider PostgreSQL</c>, <c>--Orleans:SiloPort=11112</c>:
/// any option whose name contains a colon) are taken out before parsing and handed to configuration unchanged.
/// </summary>
public static class SiloCommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    /// <summary>How the program is named in help and completion scripts.</summary>
    public const string ProgramName = "Warmte.Silo";

    /// <summary>The parsed tree and the symbols the actions read.</summary>
    private sealed class Tree
    {
        public readonly RootCommand Root = new("Warmtenet-dienst");
        public readonly SuggestDirective Suggest = new();
        public readonly Option<bool> Help = new("--help", "-h") { Description = "Toon deze hulp", Arity = ArgumentArity.Zero, Recursive = true };
        public readonly Option<bool> Version = new("--version") { Description = "Toon de versie en de commit van deze build", Arity = ArgumentArity.Zero };
        public readonly Option<string> DataDir = new("--data-dir")
        {
            Description = "Map met de SQLite-database warmtenet.db (standaard ./data)", HelpName = "map", Recursive = true,
        };
        public readonly Option<bool> Demo = new("--demo") { Description = "Laad bij de start de demogegevens (APEC met KetelhuisWG en fictieve coöperaties)", Arity = ArgumentArity.Zero, Recursive = true };
        public readonly Option<string> Urls = new("--urls") { Description = $"HTTP-adres(sen) van de dienst, gescheiden door ; (standaard {WarmteHost.DefaultUrl})", HelpName = "adressen", Recursive = true };
        public readonly Command Token = new("token", "Beheer API-tokens rechtstreeks in de database (ook terwijl de dienst draait)");
        public readonly Command TokenCreate = new("create", "Maak een token; het geheim wordt één keer getoond");
        public readonly Option<string> Role = new("--role") { Description = $"Rol van het token: {Auth.Role.Description} (verplicht)", HelpName = "rol" };
        public readonly Option<string> Name = new("--name") { Description = "Naam van wie het token gebruikt, bijv. \"Gemeente Amsterdam\" (verplicht)", HelpName = "naam" };
        public readonly Option<bool> NewDatabase = new(TokenCommand.NewDatabaseOption)
        {
            Description = "Maak de database aan als de map er nog geen heeft (alleen vóór de eerste start van de dienst; zonder deze optie "
                          + "wordt een map zonder warmtenet.db geweigerd, zodat een verkeerd getypte --data-dir geen nieuwe database maakt)",
            Arity = ArgumentArity.Zero,
        };
        public readonly Command TokenList = new("list", "Toon alle tokens (zonder geheim)");
        public readonly Command TokenRevoke = new("revoke", "Trek een token in");
        public readonly Argument<string> TokenId = new("token-id") { Description = "de id van het token (tok-...), zie token list" };
        public readonly Command Backup = new("backup", "Maak een consistente kopie van de SQLite-database terwijl de dienst draait");
        public readonly Option<string> To = new("--to") { Description = "Bestand voor de kopie; mag nog niet bestaan (verplicht)", HelpName = "bestand" };
        public readonly Command Completion = new("completion", "Toon een script voor het aanvullen van opdrachten met Tab in de shell");
        public readonly Argument<string> Shell = new("shell") { Description = "de shell: bash of zsh" };

        public Tree()
        {
            Root.Options.Clear();   // no English --help/--version of System.CommandLine: the Dutch help below
            Root.Directives.Clear();
            Root.Directives.Add(Suggest);
            Role.CompletionSources.Add(Auth.Role.Admin, Auth.Role.Financier, Auth.Role.Coordinator, Auth.Role.Reader, Auth.Role.BoardPrefix, Auth.Role.FinancierPrefix);
            Shell.CompletionSources.Add(CommandLineText.Shells);
            Shell.AcceptOnlyFromAmong(CommandLineText.Shells);
            Root.Options.Add(Help);
            Root.Options.Add(DataDir);
            Root.Options.Add(Demo);
            Root.Options.Add(Urls);
            Root.Options.Add(Version);
            TokenCreate.Options.Add(Role);
            TokenCreate.Options.Add(Name);
            TokenCreate.Options.Add(NewDatabase);
            TokenRevoke.Arguments.Add(TokenId);
            Token.Subcommands.Add(TokenCreate);
            Token.Subcommands.Add(TokenList);
            Token.Subcommands.Add(TokenRevoke);
            Backup.Options.Add(To);
            Completion.Arguments.Add(Shell);
            Root.Subcommands.Add(Token);
            Root.Subcommands.Add(Backup);
            Root.Subcommands.Add(Completion);
            // RunAsync dispatches itself; an action only tells System.CommandLine that these commands can run
            // (a command with subcommands and no action is an error: "token" alone).
            foreach (var runnable in new[] { Root, TokenCreate, TokenList, TokenRevoke, Backup, Completion })
                runnable.SetAction(_ => Ok);
        }

        /// <summary>Examples per command, shown in its help.</summary>
        public IReadOnlyList<string> Examples(Command command) =>
            command == Root ? [
                    $"{ProgramName} --demo",
                    $"{ProgramName} --data-dir /srv/warmtenet --urls http://0.0.0.0:5080",
                    $"{ProgramName} --Storage:Provider PostgreSQL --Storage:ConnectionString \"Host=db;Database=warmtenet;Username=warmte\"",
                    $"{ProgramName} token create --role admin --name \"Beheer\"",
                ]
            : command == Token || command == TokenCreate ? [
                    $"{ProgramName} token create --role board:ketelhuiswg --name \"Bestuur KetelhuisWG\"",
                    $"{ProgramName} --data-dir /srv/warmtenet token create --role financier --name \"Gemeente Amsterdam\"",
                    $"{ProgramName} --data-dir /srv/warmtenet token create --role admin --name \"Beheer\" {TokenCommand.NewDatabaseOption}   (vóór de eerste start)",
                    $"{ProgramName} token list",
                    $"{ProgramName} token revoke tok-1a2b3c",
                ]
            : command == TokenList ? [$"{ProgramName} token list --data-dir /srv/warmtenet"]
            : command == TokenRevoke ? [$"{ProgramName} token revoke tok-1a2b3c"]
            : command == Backup ? [$"{ProgramName} backup --data-dir ./data --to /backups/warmtenet-2025-01-31.db"]
            : command == Completion ? [$"source <({ProgramName} completion bash)"]
            : [];
    }

    /// <summary>Runs one command line of the silo program: the service, or a management verb.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var (overrides, rest, overrideError) = SplitConfigurationOverrides(args);
        var tree = new Tree();
        // No response files: an argument such as "@beheer" is a value, not a file to read arguments from.
        var result = tree.Root.Parse(rest, new ParserConfiguration { ResponseFileTokenReplacer = null });
        overrideError ??= FlagWithValue(tree, rest);

        if (result.GetResult(tree.Suggest) is not null)
            return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });

        var command = result.CommandResult.Command;
        if (result.GetResult(tree.Help) is { Implicit: false })
        {
            WriteHelp(tree, command, stdout);
            return Ok;
        }
        if ((overrideError ?? UsageMessage(tree, result)) is { } message)
        {
            stderr.WriteLine(message);
            stderr.WriteLine($"Meer hulp: {CommandPath(command)} --help");
            return UsageError;
        }

        if (command == tree.Root && result.GetResult(tree.Version) is { Implicit: false })
        {
            // Read from the assembly; nothing is built, bound or opened.
            stdout.WriteLine($"{ProgramName} {BuildInfo.Version} (commit {BuildInfo.Commit ?? "onbekend: gebouwd zonder git-gegevens"})");
            return Ok;
        }
        var configuration = new List<string>(overrides);
        if (result.GetValue(tree.DataDir) is { } dataDir) configuration.AddRange(["--DataDir", dataDir]);

        if (command == tree.Root)
        {
            if (result.GetValue(tree.Urls) is { } urls) configuration.AddRange(["--urls", urls]);
            if (result.GetValue(tree.Demo)) configuration.Add("--Demo=true");
            return await ServeAsync([.. configuration], stderr);
        }
        try
        {
            if (command == tree.TokenCreate)
                return await TokenCommand.CreateAsync([.. configuration], result.GetValue(tree.Role), result.GetValue(tree.Name), stdout, stderr,
                    newDatabase: result.GetValue(tree.NewDatabase));
            if (command == tree.TokenList)
                return await TokenCommand.ListAsync([.. configuration], stdout, stderr);
            if (command == tree.TokenRevoke)
                return await TokenCommand.RevokeAsync([.. configuration], result.GetValue(tree.TokenId)!.Trim(), stdout, stderr);
            if (command == tree.Backup)
                return await BackupCommand.RunAsync([.. configuration], result.GetValue(tree.To)!, stdout, stderr);
            if (command == tree.Completion)
            {
                stdout.Write(CommandLineText.CompletionScript(result.GetValue(tree.Shell)!, ProgramName));
                return Ok;
            }
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            stderr.WriteLine($"{CommandPath(command)} is mislukt: {failure.Message}");
            return Failed;
        }
        throw new InvalidOperationException("No action for " + command.Name);
    }

    private static async Task<int> ServeAsync(string[] configuration, TextWriter stderr)
    {
        WebApplication app;
        try
        {
            app = await WarmteHost.BuildAsync(configuration);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            stderr.WriteLine($"De dienst kon niet worden opgezet: {failure.Message}");
            return Failed;
        }
        try
        {
            await app.RunAsync();
        }
        catch (IOException failure) when (failure.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            stderr.WriteLine($"De dienst kon niet starten: {failure.Message}");
            stderr.WriteLine("Is het adres al in gebruik (draait de dienst al)? Kies een ander adres met --urls, bijv. --urls http://localhost:5090.");
            return Failed;
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // What the checks before the start could not see (Orleans' own option validation, a failure while it starts):
            // exit 1 with the reason, not an unhandled exception (SIGABRT, exit 134).
            stderr.WriteLine($"De dienst kon niet starten: {failure.GetType().Name}: {failure.Message}");
            return Failed;
        }
        return Ok;
    }

    /// <summary>
    /// Takes out configuration overrides: <c>--Section:Key value</c> and <c>--Section:Key=value</c> (the name holds a colon),
    /// before a lone <c>--</c> and not inside directives. They go to ASP.NET configuration as they were.
    /// </summary>
    internal static (List<string> Overrides, List<string> Remaining, string? Error) SplitConfigurationOverrides(IReadOnlyList<string> args)
    {
        var overrides = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                rest.AddRange(args.Skip(i));
                break;
            }
            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..].Split('=', 2)[0] : "";
            if (name.Length == 0 || !name.Contains(':') || name.StartsWith(':') || name.EndsWith(':'))
            {
                rest.Add(arg);
                continue;
            }
            if (arg.Contains('='))
            {
                overrides.Add(arg);
                continue;
            }
            if (i + 1 >= args.Count)
                return (overrides, rest, $"Instelling --{name} verwacht een waarde, bijv. --{name} <waarde> of --{name}=<waarde>.");
            overrides.AddRange([arg, args[++i]]);
        }
        return (overrides, rest, null);
    }

    /// <summary>"--demo=ja": System.CommandLine would read "ja" as a word of its own; say what is wrong instead.</summary>
    private static string? FlagWithValue(Tree tree, IReadOnlyList<string> args)
    {
        foreach (var arg in args.TakeWhile(a => a != "--"))
            foreach (var flag in new Option[] { tree.Demo, tree.Help, tree.Version, tree.NewDatabase })
                if (arg.StartsWith(flag.Name + "=", StringComparison.Ordinal) || arg.StartsWith(flag.Name + ":", StringComparison.Ordinal))
                    return $"Optie {flag.Name} neemt geen waarde.";
        return null;
    }

    /// <summary>The first thing wrong with the command line, in Dutch; null when it is fine.</summary>
    private static string? UsageMessage(Tree tree, ParseResult result)
    {
        var command = result.CommandResult.Command;
        // System.CommandLine binds an unknown "--bogus" to a free argument ("token revoke --bogus" would open the
        // database and look for a token called --bogus); no argument of the silo's verbs starts with a dash.
        if (command.Arguments.SelectMany(a => result.GetResult(a)?.Tokens ?? []).Select(t => t.Value)
                .FirstOrDefault(v => v.Length > 1 && v.StartsWith('-')) is { } dashed)
            return $"Onbekende optie '{Shorten(dashed)}' bij '{CommandPath(command)}'.";
        if (result.UnmatchedTokens.FirstOrDefault() is { } unmatched)
        {
            if (unmatched.StartsWith('-'))
                return $"Onbekende optie '{Shorten(unmatched)}' bij '{CommandPath(command)}'.";
            return command.Subcommands.Count > 0
                ? $"Onbekende opdracht '{Shorten(unmatched)}'. Kies uit: {string.Join(", ", command.Subcommands.Select(c => c.Name))}."
                : $"Onverwacht argument '{Shorten(unmatched)}' bij '{CommandPath(command)}'.";
        }
        foreach (var error in result.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult option when option.Tokens.Count == 0 && option.Option.Arity.MinimumNumberOfValues > 0:
                    return $"Optie {option.Option.Name} verwacht een waarde: {option.Option.Name} <{option.Option.HelpName}>.";
                case OptionResult option when option.IdentifierTokenCount > 1 || option.Tokens.Count > 1:
                    return $"Optie {option.Option.Name} is meer dan eens opgegeven.";
                case OptionResult option:
                    return $"Ongeldige waarde '{Shorten(string.Join(" ", option.Tokens.Select(t => t.Value)))}' voor {option.Option.Name}.";
                case ArgumentResult argument when argument.Tokens.Count == 0:
                    return $"Geef <{argument.Argument.Name}> op: {argument.Argument.Description}.";
                case ArgumentResult argument when argument.Argument == tree.Shell:
                    return $"Onbekende shell '{Shorten(argument.Tokens[0].Value)}'; kies uit: {string.Join(", ", CommandLineText.Shells)}.";
                case ArgumentResult argument:
                    return $"Ongeldige waarde '{Shorten(argument.Tokens[0].Value)}' voor <{argument.Argument.Name}>.";
                case CommandResult group when group.Command.Subcommands.Count > 0:
                    return $"Geef bij '{CommandPath(group.Command)}' een opdracht op: {string.Join(", ", group.Command.Subcommands.Select(c => c.Name))}.";
                default:
                    return $"De opdrachtregel klopt niet bij '{CommandPath(command)}'.";
            }
        }

        // What System.CommandLine lets through: options in a place where they mean nothing (--demo and --urls are
        // recursive so that they may stand anywhere and are named here), missing required options.
        foreach (var option in new Option[] { tree.Demo, tree.Urls })
            if (command != tree.Root && result.GetResult(option) is { Implicit: false })
                return $"Optie {option.Name} hoort bij het starten van de dienst, niet bij '{CommandPath(command)}'.";
        foreach (var option in new[] { tree.DataDir, tree.Role, tree.Name, tree.To, tree.Urls })
            if (result.GetResult(option) is { Implicit: false, IdentifierTokenCount: > 1 })
                return $"Optie {option.Name} is meer dan eens opgegeven.";
        foreach (var option in new[] { tree.DataDir, tree.Urls })
            if (result.GetResult(option) is { Implicit: false } && string.IsNullOrWhiteSpace(result.GetValue(option)))
                return $"Optie {option.Name} mag niet leeg zijn.";
        if (command == tree.TokenCreate)
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(tree.Role))) return $"Optie --role is verplicht; kies uit {Role.Description}.";
            if (string.IsNullOrWhiteSpace(result.GetValue(tree.Name))) return "Optie --name is verplicht, bijv. --name \"Gemeente Amsterdam\".";
        }
        if (command == tree.Backup && string.IsNullOrWhiteSpace(result.GetValue(tree.To)))
            return "Optie --to is verplicht: het bestand voor de kopie, bijv. --to /backups/warmtenet.db.";
        if (command == tree.TokenRevoke && string.IsNullOrWhiteSpace(result.GetValue(tree.TokenId)))
            return "Geef <token-id> op: de id van het token (tok-...), zie token list.";
        return null;
    }

    private static string CommandPath(Command command)
    {
        var words = new List<string>();
        for (Symbol? symbol = command; symbol is Command c && c is not RootCommand; symbol = c.Parents.FirstOrDefault())
            words.Insert(0, c.Name);
        return string.Join(' ', [ProgramName, .. words]);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>The Dutch help of one command, from the tree: usage, description, verbs, arguments, options, examples, exit codes.</summary>
    private static void WriteHelp(Tree tree, Command command, TextWriter output)
    {
        var path = CommandPath(command);
        if (command == tree.Root)
        {
            output.WriteLine($"{ProgramName}: de Warmtenet-dienst (Orleans-silo, HTTP-API en webdashboard in één proces),");
            output.WriteLine("en beheeropdrachten die rechtstreeks op de database werken.");
        }
        else output.WriteLine($"{path}: {command.Description}");
        output.WriteLine();
        output.WriteLine("Gebruik:");
        if (command == tree.Root)
        {
            output.WriteLine($"  {ProgramName} [opties]                      start de dienst");
            output.WriteLine($"  {ProgramName} <opdracht> [argumenten] [opties]");
        }
        else if (command.Subcommands.Count > 0) output.WriteLine($"  {path} <opdracht> [opties]");
        else output.WriteLine($"  {path}{string.Concat(command.Arguments.Select(a => $" <{a.Name}>"))} [opties]");

        if (command.Subcommands.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Opdrachten:");
            Rows(command.Subcommands.Select(c => (c.Name + string.Concat(c.Arguments.Select(a => $" <{a.Name}>")), c.Description ?? "")), output);
        }
        if (command.Arguments.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Argumenten:");
            Rows(command.Arguments.Select(a => ($"<{a.Name}>", a.Description ?? "")), output);
        }

        var options = new List<(string, string)>();
        options.AddRange(command.Options.Where(o => o != tree.Help).Select(o => (Display(o), o.Description ?? "")));
        if (command != tree.Root && command != tree.Completion)
            options.Add((Display(tree.DataDir), tree.DataDir.Description!));
        if (command != tree.Completion)
            options.Add(("--<Sectie>:<Sleutel> <waarde>",
                "Elke configuratie-instelling, bijv. --Storage:Provider PostgreSQL --Storage:ConnectionString \"Host=...\" "
                + "(ook in appsettings.json of als omgevingsvariabele Storage__Provider=PostgreSQL; zie docs/operations.md)"));
        options.Add(("-h, --help", tree.Help.Description!));
        output.WriteLine();
        output.WriteLine("Opties:");
        Rows(options, output);

        var examples = tree.Examples(command);
        if (examples.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(examples.Count == 1 ? "Voorbeeld:" : "Voorbeelden:");
            foreach (var example in examples) output.WriteLine("  " + example);
        }
        if (command.Subcommands.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"Meer over één opdracht: {path} <opdracht> --help");
        }
        output.WriteLine();
        output.WriteLine("Afsluitcodes:");
        Rows(
        [
            ("0", "gelukt"),
            ("1", "de opdracht mislukte: bijv. onbekend token, ongeldige rol, kopie niet mogelijk, of de dienst kon niet starten"),
            ("2", "verkeerd gebruik: onbekende optie, opdracht of argument, of een ontbrekende waarde; er is niets gestart"),
        ], output);
    }

    private static string Display(Option option) =>
        option.Arity.MaximumNumberOfValues == 0 ? option.Name : $"{option.Name} <{option.HelpName ?? "waarde"}>";

    /// <summary>The help's two columns; a long option such as --Sectie:Sleutel gets a line of its own.</summary>
    private static void Rows(IEnumerable<(string Left, string Right)> rows, TextWriter output) =>
        CommandLineText.WriteRows(rows, output, maxLeftWidth: 30);
}
