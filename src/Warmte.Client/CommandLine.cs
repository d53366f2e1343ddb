namespace Warmte.Client;

/// <summary>An option: a flag (<c>--json</c>) or one that takes a value (<c>--to Realisatie</c>, <c>--to=Realisatie</c>).</summary>
internal sealed record OptionSpec(string Name, string? ValueName, string Description)
{
    public bool TakesValue => ValueName is not null;

    public string Display => TakesValue ? $"--{Name} <{ValueName}>" : $"--{Name}";

    /// <summary>May be given more than once (<c>--doc a --doc b</c>); every value is kept, in order.</summary>
    public bool Repeatable { get; init; }
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

/// <summary>The words and options of a command line, before the command is known.</summary>
internal sealed class Tokens
{
    public List<string> Words { get; } = [];

    public Dictionary<string, string?> Options { get; } = new(StringComparer.Ordinal);

    /// <summary>Every value of each option that takes one, in order (more than one only for repeatable options).</summary>
    public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);

    public bool Help => Options.ContainsKey(GlobalOptions.Help.Name);

    /// <summary>
    /// Splits arguments into words and options. Options may stand anywhere, as <c>--name value</c>
    /// or <c>--name=value</c>; <c>--</c> ends the options, so a later word may start with a dash.
    /// The word after an option that takes a value is always its value, even if it starts with a dash.
    /// </summary>
    public static Tokens Parse(IReadOnlyList<string> args, IEnumerable<OptionSpec> known)
    {
        var options = known.DistinctBy(o => o.Name).ToDictionary(o => o.Name, StringComparer.Ordinal);
        var result = new Tokens();
        var onlyWords = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (onlyWords || arg == "-" || !arg.StartsWith('-'))
            {
                result.Words.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                onlyWords = true;
                continue;
            }
            if (arg == "-h")
            {
                result.Options[GlobalOptions.Help.Name] = null;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"Onbekende optie '{Shorten(arg)}'. Opties beginnen met twee streepjes, bijv. --help.");

            var body = arg[2..];
            var equals = body.IndexOf('=');
            var name = equals < 0 ? body : body[..equals];
            string? inlineValue = equals < 0 ? null : body[(equals + 1)..];
            if (!options.TryGetValue(name, out var spec))
                throw new UsageException($"Onbekende optie '--{Shorten(name)}'.");
            if (result.Options.ContainsKey(name) && !spec.Repeatable)
                throw new UsageException($"Optie --{name} is meer dan eens opgegeven.");

            string? value = null;
            if (spec.TakesValue)
            {
                if (inlineValue is not null) value = inlineValue;
                else if (i + 1 < args.Count) value = args[++i];
                else throw new UsageException($"Optie --{name} verwacht een waarde: {spec.Display}.");
            }
            else if (inlineValue is not null)
                throw new UsageException($"Optie --{name} neemt geen waarde.");
            result.Options[name] = value;
            if (value is not null)
            {
                if (!result.Values.TryGetValue(name, out var values)) result.Values[name] = values = [];
                values.Add(value);
            }
        }
        return result;
    }

    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>What the command line asks for: help on a topic, or running a command.</summary>
internal abstract record Request;

/// <summary>Print help: the general help (null command, null group), a group's or a command's.</summary>
internal sealed record HelpRequest(CommandSpec? Command, string? Group) : Request;

/// <summary>Run <paramref name="Command"/> with its positional arguments and the options given.</summary>
internal sealed record Invocation(
    CommandSpec Command, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Options,
    IReadOnlyDictionary<string, List<string>>? Values = null) : Request
{
    public string? Option(OptionSpec option) => Options.TryGetValue(option.Name, out var value) ? value : null;

    /// <summary>Every value given for a repeatable option, in order; empty when it was not given.</summary>
    public IReadOnlyList<string> All(OptionSpec option) =>
        Values is not null && Values.TryGetValue(option.Name, out var values) ? values : [];

    public bool Flag(OptionSpec option) => Options.ContainsKey(option.Name);
}

/// <summary>Turns arguments into a <see cref="Request"/>, or throws a <see cref="UsageException"/>.</summary>
internal static class CommandLine
{
    public static Request Parse(IReadOnlyList<string> args)
    {
        var tokens = Tokens.Parse(args, GlobalOptions.All.Concat(Commands.All.SelectMany(c => c.Options)));
        var words = tokens.Words;

        if (words.Count > 0 && words[0] == "help")
        {
            // "warmte help project advance" is the same as "warmte project advance --help".
            words = words.Skip(1).ToList();
            tokens.Options[GlobalOptions.Help.Name] = null;
        }

        if (words.Count == 0)
            return tokens.Help ? new HelpRequest(null, null) : throw new UsageException("Geef een opdracht op.");

        var command = Commands.All
            .Where(c => c.Words.Count <= words.Count && c.Words.SequenceEqual(words.Take(c.Words.Count)))
            .MaxBy(c => c.Words.Count);

        if (command is null)
        {
            var group = words[0];
            if (!Commands.Groups.Contains(group))
                throw new UsageException($"Onbekende opdracht '{Tokens.Shorten(group)}'. Kies uit: {string.Join(", ", Commands.TopWords)}.");
            if (words.Count == 1)
                return tokens.Help
                    ? new HelpRequest(null, group)
                    : throw new UsageException($"Geef bij 'warmte {group}' een opdracht op: {string.Join(", ", Commands.InGroup(group).Select(c => c.Words[1]))}.",
                        group: group);
            throw new UsageException(
                $"Onbekende opdracht 'warmte {group} {Tokens.Shorten(words[1])}'. Kies uit: {string.Join(", ", Commands.InGroup(group).Select(c => c.Words[1]))}.",
                group: group);
        }

        if (tokens.Help) return new HelpRequest(command, null);

        var allowed = GlobalOptions.For(command).Concat(command.Options).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in tokens.Options.Keys)
            if (!allowed.Contains(name))
                throw new UsageException($"Optie --{name} hoort niet bij 'warmte {command.Name}'.", command);

        var arguments = words.Skip(command.Words.Count).ToList();
        if (arguments.Count < command.Arguments.Count)
            throw new UsageException($"Geef {command.Arguments[arguments.Count].Description} op.", command);
        if (arguments.Count > command.Arguments.Count)
            throw new UsageException($"Onverwacht argument '{Tokens.Shorten(arguments[command.Arguments.Count])}'.", command);
        foreach (var (argument, value) in command.Arguments.Zip(arguments))
            if (string.IsNullOrWhiteSpace(value))
                throw new UsageException($"{Capitalise(argument.Description)} mag niet leeg zijn.", command);

        return new Invocation(command, arguments, tokens.Options, tokens.Values);
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
