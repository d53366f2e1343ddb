using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// The built <c>warmte</c> program as a separate process, as a user runs it: help per group and verb, usage errors
/// with their documented exit code 1 (2 stays "service or sign-in problem"), and Tab completion in a real bash.
/// </summary>
public sealed class WarmteProgramTests
{
    [Theory]
    [InlineData("--help", "warmte <opdracht> [argumenten] [opties]")]
    [InlineData("-h", "warmte <opdracht> [argumenten] [opties]")]
    [InlineData("help", "warmte <opdracht> [argumenten] [opties]")]
    [InlineData("project|--help", "warmte project <opdracht> [argumenten] [opties]")]
    [InlineData("tranche|-h", "warmte tranche <opdracht> [argumenten] [opties]")]
    [InlineData("import|--help", "warmte import <opdracht> [argumenten] [opties]")]
    [InlineData("project|advance|--help", "warmte project advance <id> [opties]")]
    [InlineData("help|tranche|account", "warmte tranche account <project> <subsidie> <nr> [opties]")]
    [InlineData("model|montecarlo|-h", "warmte model montecarlo <bestand> [opties]")]
    [InlineData("export|apec|--help", "warmte export apec [opties]")]
    [InlineData("completion|--help", "warmte completion <shell> [opties]")]
    [InlineData("--json|cooperative|show|--help", "warmte cooperative show <id> [opties]")]
    public async Task Help_per_group_and_verb_prints_dutch_usage_and_exits_0(string commandLine, string usage)
    {
        var result = await BuiltProgram.Warmte(commandLine.Split('|'));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Err);
        Assert.Contains("Gebruik:", result.Out);
        Assert.Contains("  " + usage, result.Out);
        Assert.Contains("Voorbeeld", result.Out);
        Assert.DoesNotContain("Usage:", result.Out);
    }

    [Theory]
    [InlineData("status|--kleur|rood", "Onbekende optie '--kleur'")]
    [InlineData("--kleur|status", "Onbekende optie '--kleur'")]
    [InlineData("project|show|wg-terrein|--to|Beheer", "Optie --to hoort niet bij 'warmte project show'")]
    [InlineData("projects|show", "Onbekende opdracht 'projects'")]
    [InlineData("project|remove|p1", "Onbekende opdracht 'warmte project remove'")]
    [InlineData("project|show|p1|p2", "Onverwacht argument 'p2'")]
    [InlineData("project|show", "Geef de id van het project")]
    [InlineData("status|--timeout", "Optie --timeout verwacht een waarde")]
    [InlineData("model|evaluate|m.json|--url|http://127.0.0.1:1", "Optie --url hoort niet bij 'warmte model evaluate'")]
    public async Task A_usage_error_exits_1_with_a_dutch_message_and_contacts_no_service(string commandLine, string message)
    {
        // WARMTE_URL is a free port (BuiltProgram): had warmte tried to reach the service, it would have exited 2, not 1.
        var result = await BuiltProgram.Warmte(["--json", .. commandLine.Split('|')]);
        Assert.True(result.ExitCode == WarmteCli.BadInput, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Err);
        Assert.Contains("Gebruik: warmte", result.Err);
        Assert.Contains("--help", result.Err);
        Assert.DoesNotContain("Unrecognized", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }

    [Fact]
    public async Task A_reachable_failure_still_exits_2_so_usage_errors_and_service_problems_stay_apart()
    {
        var result = await BuiltProgram.Warmte("status", "--url", $"http://127.0.0.1:{FreePort.Next()}", "--timeout", "5");
        Assert.True(result.ExitCode == WarmteCli.ServiceProblem, result.ToString());
        Assert.Contains("niet bereiken", result.Err);
    }

    [Fact]
    public async Task Long_work_shows_no_progress_when_stderr_is_not_a_terminal()
    {
        // Long enough (seconds) for the progress display to start on a terminal; here stderr is a pipe.
        var result = await BuiltProgram.Warmte("model", "montecarlo", RepoFiles.Path("models", "ketelhuiswg.json"), "--runs", "100000", "--seed", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("100.000", result.Out);
        Assert.Equal("", result.Err);
    }

    [Theory]
    [InlineData("warmte project adv", "advance")]
    [InlineData("warmte project advance wg-terrein --to Rea", "Realisatie")]
    [InlineData("warmte tranche ap", "approve")]
    [InlineData("warmte completion b", "bash")]
    public async Task The_bash_completion_script_completes_in_a_real_bash(string typed, string expected)
    {
        var script = await BuiltProgram.Warmte("completion", "bash");
        Assert.True(script.ExitCode == 0, script.ToString());
        var file = Path.Combine(Path.GetTempPath(), $"warmte-completion-{Guid.NewGuid():N}.bash");
        await File.WriteAllTextAsync(file, script.Out);
        try
        {
            // What bash does on Tab: set COMP_* for the line typed so far and call the function the script registered.
            var probe = $$"""
                source '{{file}}'
                COMP_LINE='{{typed}}'; COMP_POINT=${#COMP_LINE}; read -r -a COMP_WORDS <<< "$COMP_LINE"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                $(complete -p warmte | sed -E 's/.* -F ([^ ]+) .*/\1/')
                printf '%s\n' "${COMPREPLY[@]}"
                """;
            var result = await BuiltProgram.Run("bash", ["-c", probe], new Dictionary<string, string?>
            {
                ["PATH"] = BuiltProgram.WarmteFolder + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["WARMTE_URL"] = null, ["WARMTE_TOKEN"] = null,
            });
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal([expected], result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
