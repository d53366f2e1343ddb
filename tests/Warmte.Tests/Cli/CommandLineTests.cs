using NodaTime;
using Warmte.Client;

namespace Warmte.Tests.Cli;

/// <summary>
/// Argument parsing (System.CommandLine, with its tree built from the command table), help and usage errors:
/// no service involved.
/// </summary>
public sealed class CommandLineTests
{
    private static Invocation Invocation(params string[] args) => Assert.IsType<Invocation>(CommandLine.Parse(args));

    private static HelpRequest HelpFor(params string[] args) => Assert.IsType<HelpRequest>(CommandLine.Parse(args));

    private static UsageException UsageError(params string[] args) => Assert.Throws<UsageException>(() => CommandLine.Parse(args));

    [Fact]
    public void Options_may_stand_before_between_and_after_the_words()
    {
        var call = Invocation("--json", "project", "--url", "http://x:1", "show", "wg-terrein", "--token", "wt_abc");
        Assert.Same(Commands.ProjectShow, call.Command);
        Assert.Equal(["wg-terrein"], call.Arguments);
        Assert.True(call.Flag(GlobalOptions.Json));
        Assert.Equal("http://x:1", call.Option(GlobalOptions.Url));
        Assert.Equal("wt_abc", call.Option(GlobalOptions.Token));
    }

    [Fact]
    public void Advance_takes_its_options_as_separate_words_or_with_an_equals_sign()
    {
        var call = Invocation("project", "advance", "wg-terrein", "--to=Realisatie", "--date", "2024-12-14",
            "--by", "ALV", "--rationale=Realisatiebesluit met 96% = ruim genoeg");
        Assert.Same(Commands.ProjectAdvance, call.Command);
        Assert.Equal("Realisatie", call.Option(Commands.To));
        Assert.Equal("2024-12-14", call.Option(Commands.Date));
        Assert.Equal("ALV", call.Option(Commands.By));
        Assert.Equal("Realisatiebesluit met 96% = ruim genoeg", call.Option(Commands.Rationale));
    }

    [Fact]
    public void The_word_after_a_value_option_is_its_value_even_when_it_starts_with_a_dash()
    {
        var call = Invocation("project", "advance", "p1", "--by", "-", "--rationale", "--geen reden--");
        Assert.Equal("-", call.Option(Commands.By));
        Assert.Equal("--geen reden--", call.Option(Commands.Rationale));
    }

    [Fact]
    public void An_argument_starting_with_an_at_sign_is_a_value_not_a_response_file()
    {
        var call = Invocation("project", "advance", "@p1", "--by", "@bestuur", "--rationale", "r");
        Assert.Equal(["@p1"], call.Arguments);
        Assert.Equal("@bestuur", call.Option(Commands.By));
    }

    [Fact]
    public void A_double_dash_ends_the_options()
    {
        var call = Invocation("project", "show", "--", "--raar-id");
        Assert.Equal(["--raar-id"], call.Arguments);
    }

    [Theory]
    [InlineData(new[] { "status" }, "status")]
    [InlineData(new[] { "cooperative", "list" }, "cooperative list")]
    [InlineData(new[] { "cooperative", "show", "ketelhuiswg" }, "cooperative show")]
    [InlineData(new[] { "project", "show", "wg-terrein" }, "project show")]
    [InlineData(new[] { "project", "advance", "wg-terrein", "--by", "ALV", "--rationale", "r" }, "project advance")]
    public void Every_command_is_recognised(string[] args, string name) =>
        Assert.Equal(name, Invocation(args).Command.Name);

    [Fact]
    public void Help_is_asked_for_in_several_ways()
    {
        Assert.Equal(new HelpRequest(null, null), HelpFor("--help"));
        Assert.Equal(new HelpRequest(null, null), HelpFor("-h"));
        Assert.Equal(new HelpRequest(null, null), HelpFor("help"));
        Assert.Equal(new HelpRequest(null, "project"), HelpFor("project", "--help"));
        Assert.Equal(new HelpRequest(null, "cooperative"), HelpFor("help", "cooperative"));
        Assert.Equal(Commands.ProjectAdvance, HelpFor("project", "advance", "-h").Command);
        Assert.Equal(Commands.ProjectShow, HelpFor("help", "project", "show").Command);
        // Help wins over a missing argument: the user is asking how to use it.
        Assert.Equal(Commands.CooperativeShow, HelpFor("cooperative", "show", "--help").Command);
    }

    [Theory]
    [InlineData(new string[0], "Geef een opdracht op")]
    [InlineData(new[] { "frobnicate" }, "Onbekende opdracht 'frobnicate'")]
    [InlineData(new[] { "project" }, "Geef bij 'warmte project' een opdracht op: create, show, deliverable, advance")]
    [InlineData(new[] { "project", "delete", "p1" }, "Onbekende opdracht 'warmte project delete'")]
    [InlineData(new[] { "project", "show" }, "Geef de id van het project")]
    [InlineData(new[] { "cooperative", "show" }, "Geef de id van de coöperatie")]
    [InlineData(new[] { "project", "show", "a", "b" }, "Onverwacht argument 'b'")]
    [InlineData(new[] { "status", "extra" }, "Onverwacht argument 'extra'")]
    [InlineData(new[] { "project", "show", " " }, "mag niet leeg zijn")]
    [InlineData(new[] { "status", "--to", "Beheer" }, "Optie --to hoort niet bij 'warmte status'")]
    [InlineData(new[] { "status", "--bogus" }, "Onbekende optie '--bogus'")]
    [InlineData(new[] { "status", "-x" }, "Onbekende optie '-x'")]
    [InlineData(new[] { "project", "show", "--bogus" }, "Onbekende optie '--bogus'")]
    [InlineData(new[] { "project", "advance", "--bogus", "x" }, "Onbekende optie '--bogus'")]
    [InlineData(new[] { "project", "show", "--to" }, "Optie --to hoort niet bij 'warmte project show'")]
    [InlineData(new[] { "status", "--url" }, "Optie --url verwacht een waarde")]
    [InlineData(new[] { "status", "--json=ja" }, "Optie --json neemt geen waarde")]
    [InlineData(new[] { "status", "--json", "--json" }, "Optie --json is meer dan eens opgegeven")]
    public void Wrong_command_lines_are_usage_errors_with_a_dutch_message(string[] args, string message) =>
        Assert.Contains(message, UsageError(args).Message);

    public static TheoryData<string> EveryCommand() => [.. Commands.All.Select(c => c.Name)];

    /// <summary>A command line that gives every argument and every option of <paramref name="command"/>, values made up from their names.</summary>
    private static string[] FullCommandLine(CommandSpec command) =>
    [
        .. command.Words,
        .. command.Arguments.Select(a => "arg-" + a.Name),
        .. command.Options.SelectMany(o => o.TakesValue ? new[] { "--" + o.Name, "waarde-" + o.Name } : ["--" + o.Name]),
    ];

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void Every_command_of_the_table_is_parsed_with_all_its_arguments_and_options(string name)
    {
        var command = Commands.All.Single(c => c.Name == name);
        var call = Invocation(FullCommandLine(command));

        Assert.Same(command, call.Command);
        Assert.Equal(command.Arguments.Select(a => "arg-" + a.Name), call.Arguments);
        foreach (var option in command.Options)
        {
            Assert.True(call.Flag(option), $"--{option.Name} of {name} was not seen");
            if (option.TakesValue) Assert.Equal("waarde-" + option.Name, call.Option(option));
        }
    }

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void Every_command_of_the_table_takes_its_options_in_any_order_and_in_equals_form(string name)
    {
        var command = Commands.All.Single(c => c.Name == name);
        string[] line =
        [
            .. command.Words,
            .. command.Options.AsEnumerable().Reverse().Select(o => o.TakesValue ? $"--{o.Name}=w={o.Name}" : "--" + o.Name),
            .. command.Arguments.Select(a => "arg-" + a.Name),
            "--json",
        ];
        var call = Invocation(line);
        Assert.Same(command, call.Command);
        Assert.Equal(command.Arguments.Select(a => "arg-" + a.Name), call.Arguments);
        Assert.True(call.Flag(GlobalOptions.Json));
        foreach (var option in command.Options.Where(o => o.TakesValue))
            Assert.Equal("w=" + option.Name, call.Option(option));
    }

    [Fact]
    public void No_option_of_a_command_has_the_name_of_a_general_option()
    {
        var general = GlobalOptions.All.Select(o => o.Name).ToHashSet();
        Assert.Empty(Commands.All.SelectMany(c => c.Options.Where(o => general.Contains(o.Name)).Select(o => $"{c.Name} --{o.Name}")));
    }

    [Fact]
    public void A_repeatable_option_keeps_every_value_in_order_and_a_single_one_refuses_a_second()
    {
        var command = Commands.All.First(c => c.Options.Any(o => o.Repeatable));
        var repeatable = command.Options.First(o => o.Repeatable);
        var call = Invocation([.. FullCommandLine(command), "--" + repeatable.Name, "tweede", $"--{repeatable.Name}=derde"]);
        Assert.Equal(["waarde-" + repeatable.Name, "tweede", "derde"], call.All(repeatable));

        var single = command.Options.First(o => o.TakesValue && !o.Repeatable);
        Assert.Contains($"Optie --{single.Name} is meer dan eens opgegeven",
            UsageError([.. FullCommandLine(command), "--" + single.Name, "nog een"]).Message);
    }

    [Fact]
    public void The_general_network_options_are_refused_by_name_on_commands_that_work_without_the_service()
    {
        foreach (var offline in Commands.All.Where(c => c.Offline))
        foreach (var option in new[] { GlobalOptions.Url, GlobalOptions.Token, GlobalOptions.Timeout })
        {
            Assert.Contains($"Optie --{option.Name} hoort niet bij 'warmte {offline.Name}'",
                UsageError([.. FullCommandLine(offline), "--" + option.Name, "x"]).Message);
            Assert.Contains($"Optie --{option.Name} hoort niet bij 'warmte {offline.Name}'",
                UsageError(["--" + option.Name, "x", .. FullCommandLine(offline)]).Message);
        }
    }

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task Every_command_of_the_table_has_its_dutch_help_with_examples(string name)
    {
        var command = Commands.All.Single(c => c.Name == name);
        foreach (var help in new[] { "--help", "-h" })
        {
            var result = await CliHarness.Run(null, null, [.. command.Words, help]);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal("", result.Err);
            Assert.Contains($"warmte {name}: {command.Summary}", result.Out);
            Assert.Contains("  " + command.Usage, result.Out);
            Assert.Contains("  " + command.Examples[0], result.Out);
            foreach (var option in command.Options) Assert.Contains(option.Display, result.Out);
            Assert.DoesNotContain("Usage:", result.Out);
        }
    }

    [Theory]
    [InlineData("project adv", "advance")]
    [InlineData("coop", "cooperative")]
    [InlineData("project advance p1 --to Real", "Realisatie")]
    [InlineData("project advance p1 --ra", "--rationale")]
    [InlineData("--json tranche ", "account")]
    [InlineData("completion ", "zsh")]
    public async Task The_suggest_directive_completes_command_lines_from_the_table(string typed, string expected)
    {
        var result = await CliHarness.Run(null, null, $"[suggest:{typed.Length}]", typed);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Out.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Offline_commands_are_not_offered_the_network_options()
    {
        const string typed = "model evaluate m.json --t";
        var result = await CliHarness.Run(null, null, $"[suggest:{typed.Length}]", typed);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("--token", result.Out);
        Assert.DoesNotContain("--timeout", result.Out);
    }

    [Theory]
    [InlineData("Initiatief", "Haalbaarheid")]
    [InlineData("haalbaarheid", "Ontwikkeling")]
    [InlineData("Ontwikkeling", "Realisatie")]
    [InlineData("Realisatie", "Beheer")]
    [InlineData("Beheer", null)]
    [InlineData("Gestopt", null)]
    [InlineData(null, null)]
    public void The_next_phase_follows_the_phase_order(string? phase, string? next) =>
        Assert.Equal(next, Commands.NextPhase(phase));

    [Fact]
    public void Dates_are_read_as_iso_or_as_dutch_day_month_year()
    {
        Assert.Equal(new LocalDate(2024, 12, 14), Commands.ParseDate("2024-12-14"));
        Assert.Equal(new LocalDate(2024, 12, 14), Commands.ParseDate(" 14-12-2024 "));
        Assert.Null(Commands.ParseDate(null));
        // Tester T8.6: the d-m-yyyy form every view prints, with or without leading zeros, through one parser.
        Assert.Equal(new LocalDate(2024, 3, 1), Commands.ParseDate("1-3-2024"));
        Assert.Equal(new LocalDate(2024, 3, 1), Commands.ParseDate("01-03-2024"));
        Assert.Equal(new LocalDate(2024, 3, 1), Commands.ParseDate("2024-03-01"));
        var refused = Assert.Throws<UsageException>(() => Commands.ParseDate("14-2024", new OptionSpec("founded", "DD-MM-JJJJ", "Oprichtingsdatum"))).Message;
        Assert.Contains("--founded", refused);
        Assert.Contains("DD-MM-JJJJ of JJJJ-MM-DD, bijv. 1-3-2024, 01-03-2024 of 2024-03-01", refused);
        Assert.Throws<UsageException>(() => Commands.ParseDate("1-3-24"));
        Assert.Throws<UsageException>(() => Commands.ParseDate("31-2-2024"));
        Assert.Throws<UsageException>(() => Commands.ParseDate("2024-02-30"));
    }

    [Fact]
    public async Task General_help_lists_every_command_with_an_example_and_the_exit_codes()
    {
        var result = await CliHarness.Run(null, null, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Err);
        foreach (var command in Commands.All)
        {
            Assert.Contains(command.Name, result.Out);
            Assert.Contains(command.Examples[0], result.Out);
        }
        Assert.Contains("WARMTE_URL", result.Out);
        Assert.Contains("WARMTE_TOKEN", result.Out);
        Assert.Contains("Afsluitcodes", result.Out);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("cooperative list")]
    [InlineData("cooperative show")]
    [InlineData("project show")]
    [InlineData("project advance")]
    public async Task Every_command_has_dutch_help_with_an_example(string name)
    {
        var result = await CliHarness.Run(null, null, [.. name.Split(' '), "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Gebruik:", result.Out);
        Assert.Contains("Voorbeeld", result.Out);
        Assert.Contains($"  warmte {name}", result.Out);
    }

    [Fact]
    public async Task Advance_help_explains_the_defaults_of_to_and_date()
    {
        var result = await CliHarness.Run(null, null, "project", "advance", "--help");
        Assert.Contains("--to <fase>", result.Out);
        Assert.Contains("--date <JJJJ-MM-DD>", result.Out);
        Assert.Contains("standaard vandaag", result.Out);
        Assert.Contains("Zonder --to", result.Out);
    }

    [Theory]
    [InlineData("")]
    [InlineData("project|show")]
    [InlineData("status|--url|localhost:5080")]
    [InlineData("status|--url|ftp://example.nl")]
    [InlineData("status|--timeout|0")]
    [InlineData("status|--timeout|tien")]
    [InlineData("status|--token| ")]
    [InlineData("project|advance|p1|--rationale|r")]
    [InlineData("project|advance|p1|--by|ALV")]
    [InlineData("project|advance|p1|--by|ALV|--rationale|r|--date|morgen")]
    [InlineData("project|advance|p1|--by|ALV|--rationale|r|--to| ")]
    public async Task A_usage_error_exits_1_with_usage_on_stderr_and_calls_nothing(string commandLine)
    {
        string[] args = commandLine.Length == 0 ? [] : commandLine.Split('|');
        var api = new FakeApi().Get("/api/projects/p1", Samples.Project("p1", "Initiatief"));
        var result = await CliHarness.Run(CliHarness.Env(url: "http://127.0.0.1:9"), api, args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("Gebruik:", result.Err);
        Assert.Empty(api.Requests);
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_missing_required_option_of_advance_is_named()
    {
        var result = await CliHarness.Run(null, new FakeApi(), "project", "advance", "p1", "--by", "ALV");
        Assert.Contains("Optie --rationale is verplicht", result.Err);
        Assert.Contains("warmte project advance <id> [opties]", result.Err);
    }

    [Fact]
    public async Task A_token_with_spaces_or_line_breaks_is_refused_without_echoing_it()
    {
        var result = await CliHarness.Run(CliHarness.Env(token: "wt_geheim deel2"), new FakeApi(), "status");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ongeldige tekens", result.Err);
        Assert.DoesNotContain("geheim", result.Err);
    }
}
