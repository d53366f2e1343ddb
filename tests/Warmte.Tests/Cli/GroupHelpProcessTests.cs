using System.Net;
using System.Net.Sockets;
using Warmte.Client;

namespace Warmte.Tests.Cli;

/// <summary>
/// Every group of the command table at any depth ("alv", "alv online", "cashflow", ...) asked for help by the built
/// <c>warmte</c> as a separate process: the help names each command under the group and no other, exits 0 with nothing
/// on stderr, and touches no network (WARMTE_URL points at a listener of the test that must see no connection).
/// </summary>
public sealed class GroupHelpProcessTests
{
    /// <summary>
    /// Every proper prefix of a command's words, worked out here from the words (not with the CLI's own grouping), so a
    /// group the program forgets is still asked for. Three-level commands such as "alv online open" give "alv" and "alv online".
    /// </summary>
    public static TheoryData<string> AllGroups()
    {
        var groups = Commands.All
            .SelectMany(c => Enumerable.Range(1, c.Words.Count - 1).Select(n => string.Join(' ', c.Words.Take(n))))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return [.. groups];
    }

    [Fact]
    public void The_table_has_a_group_two_words_deep()
    {
        // The case this test was written for: without a two-word group the theory below would prove less.
        Assert.Contains("alv online", AllGroups());
    }

    [Theory]
    [MemberData(nameof(AllGroups))]
    public async Task Help_of_every_group_lists_exactly_its_commands_and_contacts_nothing(string group)
    {
        var words = group.Split(' ');
        var members = Commands.All.Where(c => c.Words.Count > words.Length && c.Words.Take(words.Length).SequenceEqual(words)).ToList();
        Assert.NotEmpty(members);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var result = await BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. words, "--help"], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = $"http://127.0.0.1:{port}", ["WARMTE_TOKEN"] = "wt_not-a-real-token", ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Err);
        Assert.False(listener.Pending(), $"'warmte {group} --help' connected to WARMTE_URL");

        // Every command of the group as a row of the command list ("Opdrachten:", or "Verwante opdrachten" when the group
        // is a command itself, as "cashflow" is), and no command of another group anywhere in the help.
        var lines = result.Out.Split('\n').Select(l => l.TrimEnd()).ToList();
        var start = lines.FindIndex(l => l.StartsWith("Opdrachten:", StringComparison.Ordinal) || l.StartsWith("Verwante opdrachten", StringComparison.Ordinal));
        Assert.True(start >= 0, $"'warmte {group} --help' has no command list:\n{result.Out}");
        var list = lines.Skip(start + 1).TakeWhile(l => l.Length > 0).ToList();
        foreach (var member in members)
            Assert.True(list.Any(l => StartsWithCommand(l, member.Name)), $"'warmte {group} --help' does not list '{member.Name}':\n{result.Out}");
        foreach (var other in Commands.All.Except(members).Where(c => c.Name != group))
            Assert.False(lines.Any(l => StartsWithCommand(l, other.Name)), $"'warmte {group} --help' lists '{other.Name}' of another group:\n{result.Out}");
        Assert.DoesNotContain("Usage:", result.Out);
    }

    /// <summary>A help row of <paramref name="name"/>: "  alv online open &lt;project&gt; ..." or "  warmte cashflow save ..." (related commands).</summary>
    private static bool StartsWithCommand(string line, string name)
    {
        var text = line.TrimStart();
        if (text.StartsWith("warmte ", StringComparison.Ordinal)) text = text["warmte ".Length..];
        return line.StartsWith("  ", StringComparison.Ordinal)
               && (text == name || text.StartsWith(name + " ", StringComparison.Ordinal));
    }

    /// <summary>
    /// A misspelt command word with --help ("warmte alv onlin --help", "warmte alvv --help") is named with the words
    /// to choose from and exits 1 (bad input), as without --help — not answered with the group's help (exit 0) as if it were right.
    /// </summary>
    [Theory]
    [InlineData("alv onlin", "Onbekende opdracht 'warmte alv onlin'", "online")]
    [InlineData("alvv", "Onbekende opdracht 'alvv'", "alv")]
    public async Task A_misspelt_word_before_help_is_named_not_answered_with_help(string typed, string message, string choice)
    {
        var result = await BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. typed.Split(' '), "--help"], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = "http://127.0.0.1:9", ["WARMTE_TOKEN"] = "wt_not-a-real-token", ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        });
        Assert.True(result.ExitCode == WarmteCli.BadInput, result.ToString());
        Assert.Contains(message, result.Err);
        Assert.Contains(choice, result.Err);
        Assert.Equal("", result.Out);
    }
}
