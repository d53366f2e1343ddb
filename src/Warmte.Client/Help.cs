namespace Warmte.Client;

/// <summary>The Dutch help texts: general, per group and per command, each with examples.</summary>
internal static class Help
{
    public static void Write(HelpRequest request, TextWriter output)
    {
        if (request.Command is { } command) WriteCommand(command, output);
        else if (request.Group is { } group) WriteGroup(group, output);
        else WriteGeneral(output);
    }

    public static void WriteGeneral(TextWriter output)
    {
        output.WriteLine("warmte: werken met Warmtenet, het volgsysteem voor coöperatieve warmtenetten.");
        output.WriteLine();
        output.WriteLine("Gebruik:");
        output.WriteLine("  warmte <opdracht> [argumenten] [opties]");
        output.WriteLine();
        output.WriteLine("Opdrachten:");
        // Long command lines ("tranche account <project> <subsidie> <nr>") get their summary on the next line.
        var width = Math.Min(ListWidth, Commands.All.Max(c => ListName(c).Length) + 2);
        var sections = Sections
            .Select(section => (Title: section.Title, Members: Commands.All.Where(c => section.Words.Contains(c.Words[0])).ToList()))
            .Append((Title: "Overig", Members: Commands.All.Where(c => !Sections.Any(section => section.Words.Contains(c.Words[0]))).ToList()))
            .Where(section => section.Members.Count > 0);
        foreach (var section in sections)
        {
            output.WriteLine($" {section.Title}");
            CommandLineText.WriteRows(section.Members.Select(c => (ListName(c), c.Summary)), output, width);
        }
        output.WriteLine();
        WriteGlobalOptions(output);
        output.WriteLine();
        output.WriteLine("Voorbeelden:");
        foreach (var command in Commands.All)
            output.WriteLine("  " + command.Examples[0]);
        output.WriteLine();
        output.WriteLine("De opdrachten model, loan en cashflow simulate rekenen een model- of planbestand (JSON) door op deze");
        output.WriteLine("computer; daarvoor zijn de dienst, --url en een token niet nodig. Voorbeelden staan in de map models.");
        output.WriteLine("warmte cashflow <project> en warmte regimes <project> rekenen het kasstroomplan dat bij de dienst is");
        output.WriteLine("opgeslagen, met de doorlooptijden die de financier bij het project werkelijk haalde.");
        output.WriteLine();
        output.WriteLine("warmte export apec|project|portfolio haalt een Excel-werkmap (.xlsx) bij de dienst en schrijft haar naar --out;");
        output.WriteLine("de businesscase staat erin als formules over gele invoervakken, zodat u kunt doorrekenen.");
        output.WriteLine();
        output.WriteLine("Tranchestappen (warmte tranche ...) gaan met een idempotentiesleutel naar de dienst en de uitvoer noemt");
        output.WriteLine("haar. Mislukt de verbinding of verloopt de wachttijd, herhaal dan dezelfde opdracht met");
        output.WriteLine("--idempotency-key <sleutel>: de stap wordt hoogstens één keer vastgelegd.");
        output.WriteLine();
        output.WriteLine("Adres en token: --url en --token, anders WARMTE_URL en WARMTE_TOKEN, anders het configuratiebestand");
        output.WriteLine("~/.config/warmte/config (of het pad in WARMTE_CONFIG) met de regels url = https://... en token = wt_...");
        output.WriteLine("(chmod 600: het token is geheim; een token in een bestand dat anderen kunnen lezen wordt geweigerd).");
        output.WriteLine("http:// alleen naar deze machine; naar een andere machine https:// (of bewust WARMTE_INSECURE=1).");
        output.WriteLine();
        output.WriteLine("Meer over één opdracht: warmte <opdracht> --help, bijv. warmte project advance --help");
        output.WriteLine();
        WriteExitCodes(output);
    }

    public static void WriteGroup(string group, TextWriter output)
    {
        var commands = Commands.InGroup(group).ToList();
        output.WriteLine("Gebruik:");
        output.WriteLine($"  warmte {group} <opdracht> [argumenten] [opties]");
        output.WriteLine();
        output.WriteLine("Opdrachten:");
        WriteCommandList(commands, output);
        output.WriteLine();
        output.WriteLine("Voorbeelden:");
        foreach (var command in commands)
            output.WriteLine("  " + command.Examples[0]);
        output.WriteLine();
        output.WriteLine($"Meer over één opdracht: warmte {group} <opdracht> --help");
    }

    public static void WriteCommand(CommandSpec command, TextWriter output)
    {
        output.WriteLine($"warmte {command.Name}: {command.Summary}");
        output.WriteLine();
        output.WriteLine("Gebruik:");
        output.WriteLine("  " + command.Usage);
        output.WriteLine();
        foreach (var line in CommandLineText.Wrap(command.Description, 78)) output.WriteLine(line);
        if (command.Arguments.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Argumenten:");
            CommandLineText.WriteRows(command.Arguments.Select(a => ($"<{a.Name}>", a.Description)), output);
        }
        if (command.Options.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Opties:");
            CommandLineText.WriteRows(command.Options.Select(o => (o.Display, o.Description)), output);
        }
        output.WriteLine();
        if (command.Offline) WriteOfflineOptions(command, output);
        else WriteGlobalOptions(output);
        output.WriteLine();
        output.WriteLine(command.Examples.Count == 1 ? "Voorbeeld:" : "Voorbeelden:");
        foreach (var example in command.Examples) output.WriteLine("  " + example);

        // "warmte cashflow" is a command and also the group of "warmte cashflow simulate": name the others.
        var related = Commands.InGroup(command.Name).Where(c => c != command).ToList();
        if (related.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"Verwante opdrachten (meer hulp: warmte {command.Name} <opdracht> --help):");
            CommandLineText.WriteRows(related.Select(c => (c.Usage, c.Summary)), output);
        }
    }

    /// <summary>The widest left column of the general command list; longer command lines wrap.</summary>
    private const int ListWidth = 30;

    /// <summary>The sections of the general command list, by first word.</summary>
    private static readonly (string Title, string[] Words)[] Sections =
    [
        ("Dienst, coöperaties, projecten en koepels", ["status", "cooperative", "project", "umbrella", "audit"]),
        ("Subsidies, tranches en signalen", ["grant", "tranche", "portfolio"]),
        ("Kasstroom, uitgaven en windstiltes", ["cashflow", "regimes", "spending", "cash-position", "progress", "cash-timeline"]),
        ("Leden, ALV, huurdersinstemming en Wcw", ["members", "alv", "consent", "gates", "wcw", "privacy"]),
        ("Business case en leningen (zonder de dienst)", ["model", "loan"]),
        ("Business case bij de dienst: bewaarde versies, leningraster, Monte Carlo", ["business-case"]),
        ("Spreadsheets: export (.xlsx) en import (.xlsx, .xls, .ods, .csv)", ["export", "import", "template"]),
    ];

    private static string ListName(CommandSpec c) => c.Name + string.Concat(c.Arguments.Select(a => $" <{a.Name}>"));

    /// <summary>A usage error's short reminder: the command's usage line and where to find more.</summary>
    public static void WriteUsageHint(CommandSpec? command, string? group, TextWriter output)
    {
        if (command is null && group is not null)
        {
            output.WriteLine($"Gebruik: warmte {group} <opdracht> [argumenten] [opties]");
            foreach (var member in Commands.InGroup(group)) output.WriteLine("  " + member.Usage);
            output.WriteLine($"Meer hulp: warmte {group} --help");
            return;
        }
        if (command is null)
        {
            output.WriteLine("Gebruik: warmte <opdracht> [argumenten] [opties]");
            output.WriteLine("Opdrachten: " + string.Join(", ", Commands.All.Select(c => c.Name)));
            output.WriteLine("Meer hulp: warmte --help");
            return;
        }
        output.WriteLine("Gebruik: " + command.Usage);
        output.WriteLine("Voorbeeld: " + command.Examples[0]);
        output.WriteLine($"Meer hulp: warmte {command.Name} --help");
    }

    private static void WriteCommandList(IEnumerable<CommandSpec> commands, TextWriter output) =>
        CommandLineText.WriteRows(commands.Select(c => (ListName(c), c.Summary)), output);

    private static void WriteGlobalOptions(TextWriter output)
    {
        output.WriteLine("Algemene opties:");
        CommandLineText.WriteRows(GlobalOptions.All.Select(o => (o == GlobalOptions.Help ? "-h, --help" : o.Display, o.Description)), output);
    }

    /// <summary>The general options of a command that works without the service.</summary>
    private static void WriteOfflineOptions(CommandSpec command, TextWriter output)
    {
        output.WriteLine("Algemene opties:");
        CommandLineText.WriteRows(
        [
            (GlobalOptions.Json.Display, "Toon het resultaat als JSON in plaats van tabellen"),
            ("-h, --help", GlobalOptions.Help.Description),
        ], output);
        output.WriteLine("Deze opdracht werkt zonder de dienst; --url, --token en --timeout horen er niet bij.");
        output.WriteLine(command.Arguments.Count > 0 && command.Arguments[0].Name is "bestand" or "plan"
            ? "Afsluitcode 1: het bestand ontbreekt of is onleesbaar, het model is ongeldig of een optie klopt niet."
            : "Afsluitcode 1: verkeerd gebruik of ongeldige invoer, bijv. een onbekende optie of een ontbrekend argument.");
    }

    private static void WriteExitCodes(TextWriter output)
    {
        output.WriteLine("Afsluitcodes:");
        CommandLineText.WriteRows(
        [
            ("0", "gelukt"),
            ("1", "ongeldige invoer: verkeerd gebruik, een ongeldig modelbestand, of de dienst weigert het verzoek (400, 404, 409)"),
            ("2", "probleem met de dienst of de aanmelding: onbereikbaar, time-out, 401, 403 of 5xx"),
            ("3", "gedaan, maar niet voor iedereen: de stemmail bereikte niet elk lid (die leden krijgen een brief); niet opnieuw versturen"),
        ], output);
    }

    /// <summary>Greedy word wrap (shared with the silo's help).</summary>
    internal static IEnumerable<string> Wrap(string text, int width) => CommandLineText.Wrap(text, width);
}
