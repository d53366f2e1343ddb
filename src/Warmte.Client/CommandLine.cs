using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;

namespace Warmte.Client;

/// <summary>An option: a flag (<c>--json</c>) or one that takes a value (<c>--to Realisatie</c>, <c>--to=Realisatie</c>).</summary>
internal sealed record OptionSpec(string Name, string? ValueName, string Description)
{
    public bool TakesValue => ValueName is not null;

    public string Display => TakesValue ? $"--{Name} <{ValueName}>" : $"--{Name}";

    /// <summary>May be given more than once (<c>--doc a --doc b</c>); every value is kept, in order.</summary>
    public bool Repeatable { get; init; }

    /// <summary>Values the shell offers on Tab (completion); any other value is still accepted.</summary>
    public IReadOnlyList<string> Suggestions { get; init; } = [];
}

/// <summary>The options every command accepts.</summary>
internal static class GlobalOptions
{
    public const string DefaultUrl = "http://localhost:5080";
    public const int DefaultTimeoutSeconds = 30;
    public const int MaxTimeoutSeconds = 600;

    public static readonly OptionSpec Url = new("url", "adres",
        $"Adres van de dienst (anders WARMTE_URL, anders {DefaultUrl})");
    public static readonly OptionSpec Token = new("token", "token",
        "Toegangstoken (anders WARMTE_TOKEN; de omgevingsvariabele is veiliger, want opties zijn zichtbaar voor andere gebruikers van de computer)");
    public static readonly OptionSpec Json = new("json", null,
        "Toon JSON in plaats van een tabel: het antwoord van de dienst, of bij model, loan en cashflow simulate het rekenresultaat");
    public static readonly OptionSpec Timeout = new("timeout", "seconden",
        $"Maximale wachttijd per verzoek (standaard {DefaultTimeoutSeconds})");
    public static readonly OptionSpec Help = new("help", null,
        "Toon hulp bij warmte of bij één opdracht");

    public static readonly IReadOnlyList<OptionSpec> All = [Url, Token, Json, Timeout, Help];

    /// <summary>The options of a command that works without the service: no address, token or time-out.</summary>
    public static readonly IReadOnlyList<OptionSpec> Offline = [Json, Help];

    /// <summary>The general options <paramref name="command"/> accepts.</summary>
    public static IReadOnlyList<OptionSpec> For(CommandSpec command) => command.Offline ? Offline : All;
}

/// <summary>A usage error: wrong command, missing argument, bad option value. Exit code 1.</summary>
internal sealed class UsageException(string message, CommandSpec? command = null, string? group = null) : Exception(message)
{
    /// <summary>The command whose usage to show with the message; null for a group's or the general usage.</summary>
    public CommandSpec? Command { get; } = command;

    /// <summary>The command group ("project") whose usage to show when <see cref="Command"/> is null.</summary>
    public string? Group { get; } = group;
}

/// <summary>Shortens user input quoted in messages. (The name is the former tokenizer's; many commands call it.)</summary>
internal static class Tokens
{
    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>What the command line asks for: help on a topic, completions, or running a command.</summary>
internal abstract record Request;

/// <summary>Print help: the general help (null command, null group), a group's or a command's.</summary>
internal sealed record HelpRequest(CommandSpec? Command, string? Group) : Request;

/// <summary>The shell asks for completions (System.CommandLine's <c>[suggest]</c> directive); the parse result answers.</summary>
internal sealed record CompletionRequest(ParseResult Result) : Request;

/// <summary>Run <paramref name="Command"/> with its positional arguments and the options given.</summary>
internal sealed record Invocation(
    CommandSpec Command, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Options,
    IReadOnlyDictionary<string, List<string>>? Values = null, IReadOnlyList<(string Name, string Value)>? Sequence = null) : Request
{
    /// <summary>
    /// Every option with a value in the order typed (<c>--proposal a --type X --proposal b --type Y</c>), for a command
    /// whose repeated options belong together by position; empty when not known.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> InOrder => Sequence ?? [];

    public string? Option(OptionSpec option) => Options.TryGetValue(option.Name, out var value) ? value : null;

    /// <summary>Every value given for a repeatable option, in order; empty when it was not given.</summary>
    public IReadOnlyList<string> All(OptionSpec option) =>
        Values is not null && Values.TryGetValue(option.Name, out var values) ? values : [];

    public bool Flag(OptionSpec option) => Options.ContainsKey(option.Name);
}

/// <summary>
/// Turns arguments into a <see cref="Request"/>, or throws a <see cref="UsageException"/> with a Dutch message.
/// System.CommandLine parses; its command tree is built from the command table (<see cref="Commands.All"/>:
/// words, <see cref="ArgumentSpec"/>s and <see cref="OptionSpec"/>s), so a command or option added to the table
/// is parsed, completed and documented without changes here. Its English help and errors are never shown:
/// help is <see cref="Help"/>'s, and parse errors are translated below.
/// </summary>
internal static class CommandLine
{
    /// <summary>The System.CommandLine tree of the table, with the way back from its symbols to the table.</summary>
    internal sealed class Tree
    {
        public RootCommand Root { get; } = new("warmte");
        public SuggestDirective Suggest { get; } = new();
        public Option<bool> HelpOption { get; }
        public Dictionary<Command, CommandSpec> Specs { get; } = [];
        public Dictionary<Command, string> Groups { get; } = [];
        /// <summary>Per command, every option it accepts (its own and the general ones) with its table entry.</summary>
        public Dictionary<Command, List<(OptionSpec Spec, Option Option)>> Options { get; } = [];
        public List<(OptionSpec Spec, Option Option)> Global { get; } = [];

        public Tree()
        {
            Root.Options.Clear();   // System.CommandLine's English --help and --version: not ours
            Root.Directives.Clear();
            Root.Directives.Add(Suggest);
            HelpOption = new Option<bool>("--help", "-h") { Description = GlobalOptions.Help.Description, Arity = ArgumentArity.Zero, Recursive = true };
            Root.Options.Add(HelpOption);
            foreach (var spec in GlobalOptions.All.Where(o => o != GlobalOptions.Help))
                Global.Add((spec, Build(spec)));

            var nodes = new Dictionary<string, Command>(StringComparer.Ordinal);
            foreach (var spec in Commands.All)
            {
                Command parent = Root;
                for (var i = 0; i < spec.Words.Count; i++)
                {
                    var path = string.Join(' ', spec.Words.Take(i + 1));
                    if (!nodes.TryGetValue(path, out var node))
                    {
                        node = new Command(spec.Words[i]);
                        nodes[path] = node;
                        parent.Subcommands.Add(node);
                        Groups[node] = path;
                        Options[node] = [];
                    }
                    parent = node;
                }
                var command = parent;
                Groups.Remove(command);
                Specs[command] = spec;
                command.Description = spec.Summary;
                foreach (var argumentSpec in spec.Arguments)
                {
                    var argument = new Argument<string>(argumentSpec.Name) { Description = argumentSpec.Description, Arity = ArgumentArity.ExactlyOne };
                    if (argumentSpec.Suggestions.Count > 0) argument.CompletionSources.Add([.. argumentSpec.Suggestions]);
                    command.Arguments.Add(argument);
                }
                foreach (var optionSpec in spec.Options)
                {
                    // A command's own option may not hide a general one; the table test checks there is none.
                    if (GlobalOptions.All.Any(g => g.Name == optionSpec.Name)) continue;
                    var option = Build(optionSpec);
                    command.Options.Add(option);
                    Options[command].Add((optionSpec, option));
                }
                // WarmteCli runs the command itself; an action only tells the parser that the command can run
                // (a group without one, "warmte project", is an error: a subcommand is needed).
                command.SetAction(_ => WarmteCli.Ok);
            }

            // The general options anywhere on the line: before, between and after the words. --json (and --help) on
            // every command; --url, --token and --timeout not on the commands that work without the service (so the
            // shell does not offer them there; given before the words anyway, Parse refuses them by name).
            foreach (var (spec, option) in Global)
            {
                if (GlobalOptions.Offline.Contains(spec))
                {
                    option.Recursive = true;
                    Root.Options.Add(option);
                    continue;
                }
                Root.Options.Add(option);
                foreach (var node in Groups.Keys.Concat(Specs.Where(s => !s.Value.Offline).Select(s => s.Key)))
                    node.Options.Add(option);
            }
        }

        private static Option Build(OptionSpec spec)
        {
            Option option = !spec.TakesValue
                ? new Option<bool>("--" + spec.Name) { Arity = ArgumentArity.Zero }
                : spec.Repeatable
                    ? new Option<string[]>("--" + spec.Name) { Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false }
                    : new Option<string>("--" + spec.Name) { Arity = ArgumentArity.ExactlyOne };
            option.Description = spec.Description;
            option.HelpName = spec.ValueName;
            if (spec.Suggestions.Count > 0) option.CompletionSources.Add([.. spec.Suggestions]);
            return option;
        }

        /// <summary>Every option of the table by name, for "this option belongs to another command".</summary>
        public IEnumerable<OptionSpec> AllOptionSpecs => GlobalOptions.All.Concat(Commands.All.SelectMany(c => c.Options));

        /// <summary>The words of <paramref name="command"/> after "warmte".</summary>
        public string PathOf(Command command) =>
            Specs.TryGetValue(command, out var spec) ? spec.Name : Groups.TryGetValue(command, out var group) ? group : "";
    }

    private static readonly Lazy<Tree> Shared = new(() => new Tree());

    /// <summary>The parser's tree of the command table (built once).</summary>
    internal static Tree Parser => Shared.Value;

    public static Request Parse(IReadOnlyList<string> args)
    {
        var tree = Parser;
        // "warmte help project advance" is the same as "warmte project advance --help".
        if (args.Count > 0 && args[0] == "help") args = [.. args.Skip(1), "--help"];

        // No response files: an argument such as "@bestuur" is a value, not a file to read arguments from.
        var result = tree.Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.GetResult(tree.Suggest) is not null) return new CompletionRequest(result);

        var command = result.CommandResult.Command;
        tree.Specs.TryGetValue(command, out var spec);
        var group = spec is null && tree.Groups.TryGetValue(command, out var g) ? g : null;
        if (result.GetResult(tree.HelpOption) is { Implicit: false })
        {
            // "warmte alv onlin --help": a misspelt word is named (exit 1, bad input), not answered with the group's help as if it were right.
            if (spec is null && result.UnmatchedTokens.Any(t => !t.StartsWith('-')) && ParseError(tree, result, command, spec, group) is { } misspelt)
                throw new UsageException(misspelt, spec, group);
            return new HelpRequest(spec, group);
        }

        if (FlagWithValue(tree, args, command) is { } flagError) throw new UsageException(flagError, spec, group);
        // System.CommandLine binds an unknown "--bogus" to a free argument ("project show --bogus" would look up
        // a project called --bogus). A word with a dash is an argument only after "--", as the old parser had it.
        var beforeEnd = args.TakeWhile(a => a != "--").ToHashSet(StringComparer.Ordinal);
        if (command.Arguments.SelectMany(a => result.GetResult(a)?.Tokens ?? []).Select(t => t.Value)
                .FirstOrDefault(v => v.Length > 1 && v.StartsWith('-') && beforeEnd.Contains(v)) is { } dashed)
            throw new UsageException(UnknownOption(tree, spec, dashed), spec, group);
        if (ParseError(tree, result, command, spec, group) is { } error) throw new UsageException(error, spec, group);
        if (spec is null)   // the root or a group: ParseError named the missing subcommand already
            throw new UsageException("Geef een opdracht op.");

        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (optionSpec, option) in tree.Global.Concat(tree.Options[command]))
        {
            if (result.GetResult(option) is not { Implicit: false } given) continue;
            if (spec.Offline && GlobalOptions.All.Contains(optionSpec) && !GlobalOptions.Offline.Contains(optionSpec))
                throw new UsageException($"Optie --{optionSpec.Name} hoort niet bij 'warmte {spec.Name}'.", spec);
            if (given.IdentifierTokenCount > 1 && !optionSpec.Repeatable)
                throw new UsageException($"Optie --{optionSpec.Name} is meer dan eens opgegeven.", spec);
            var givenValues = given.Tokens.Select(t => t.Value).ToList();
            options[optionSpec.Name] = optionSpec.TakesValue ? givenValues.LastOrDefault() : null;
            if (optionSpec.TakesValue) values[optionSpec.Name] = givenValues;
        }

        var arguments = command.Arguments.Select(a => result.GetResult(a)?.Tokens.FirstOrDefault()?.Value ?? "").ToList();
        foreach (var (argument, value) in spec.Arguments.Zip(arguments))
            if (string.IsNullOrWhiteSpace(value))
                throw new UsageException($"{Capitalise(argument.Description)} mag niet leeg zijn.", spec);

        return new Invocation(spec, arguments, options, values, InOrder(tree, args, command));
    }

    /// <summary>
    /// The options with a value in the order typed, as <c>--name value</c>, <c>--name=value</c> or <c>--name:value</c>
    /// (the forms System.CommandLine reads); words after <c>--</c> are arguments.
    /// </summary>
    private static List<(string Name, string Value)> InOrder(Tree tree, IReadOnlyList<string> args, Command command)
    {
        var valued = tree.Global.Concat(tree.Options.GetValueOrDefault(command) ?? []).Where(o => o.Spec.TakesValue)
            .Select(o => o.Spec.Name).ToHashSet(StringComparer.Ordinal);
        var list = new List<(string, string)>();
        for (var i = 0; i < args.Count && args[i] != "--"; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var word = args[i][2..];
            var cut = word.IndexOfAny(['=', ':']);
            var name = cut < 0 ? word : word[..cut];
            if (!valued.Contains(name)) continue;
            if (cut >= 0) list.Add((name, word[(cut + 1)..]));
            else if (i + 1 < args.Count) list.Add((name, args[++i]));
        }
        return list;
    }

    /// <summary>"--json=ja": a flag takes no value (System.CommandLine would read "ja" as a word of its own).</summary>
    private static string? FlagWithValue(Tree tree, IReadOnlyList<string> args, Command command)
    {
        var flags = tree.Global.Concat(tree.Options.GetValueOrDefault(command) ?? []).Where(o => !o.Spec.TakesValue).Select(o => "--" + o.Spec.Name).ToList();
        foreach (var arg in args.TakeWhile(a => a != "--"))
            foreach (var flag in flags)
                if (arg.StartsWith(flag + "=", StringComparison.Ordinal))
                    return $"Optie {flag} neemt geen waarde.";
        return null;
    }

    /// <summary>A word with a dash that is no option of this command, in Dutch.</summary>
    private static string UnknownOption(Tree tree, CommandSpec? spec, string word)
    {
        if (!word.StartsWith("--", StringComparison.Ordinal))
            return $"Onbekende optie '{Tokens.Shorten(word)}'. Opties beginnen met twee streepjes, bijv. --help.";
        var name = word[2..].Split('=', 2)[0];
        return spec is not null && tree.AllOptionSpecs.Any(o => o.Name == name)
            ? $"Optie --{Tokens.Shorten(name)} hoort niet bij 'warmte {spec.Name}'."
            : $"Onbekende optie '--{Tokens.Shorten(name)}'.";
    }

    /// <summary>The first thing System.CommandLine found wrong, in Dutch; null when nothing.</summary>
    private static string? ParseError(Tree tree, ParseResult result, Command command, CommandSpec? spec, string? group)
    {
        if (result.UnmatchedTokens.FirstOrDefault() is { } unmatched)
        {
            if (unmatched.Length > 1 && unmatched.StartsWith('-')) return UnknownOption(tree, spec, unmatched);
            if (command == tree.Root)
                return $"Onbekende opdracht '{Tokens.Shorten(unmatched)}'. Kies uit: {string.Join(", ", Commands.TopWords)}.";
            if (spec is null)
                return $"Onbekende opdracht 'warmte {group} {Tokens.Shorten(unmatched)}'. Kies uit: {Subcommands(command)}.";
            return $"Onverwacht argument '{Tokens.Shorten(unmatched)}'.";
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
                    return $"Ongeldige waarde voor {option.Option.Name}.";
                case ArgumentResult argument when spec is not null && argument.Tokens.Count == 0:
                    var index = command.Arguments.IndexOf(argument.Argument);
                    return $"Geef {spec.Arguments[Math.Max(0, index)].Description} op.";
                case CommandResult when command == tree.Root:
                    return "Geef een opdracht op.";
                case CommandResult when spec is null:
                    return $"Geef bij 'warmte {group}' een opdracht op: {Subcommands(command)}.";
            }
        }
        return result.Errors.Count > 0 ? $"Deze opdrachtregel klopt niet; zie warmte {tree.PathOf(command)} --help.".Replace("warmte  ", "warmte ") : null;
    }

    private static string Subcommands(Command command) => string.Join(", ", command.Subcommands.Select(c => c.Name));

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
