using System.Reflection;
using System.Text.RegularExpressions;
using Warmte.Alerts;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Alerts;

/// <summary>
/// Every alert kind the rules can raise has a Dutch label in the one table (<see cref="AlertKinds"/>). The kinds are
/// read from the code that raises them (every <c>new Alert(</c> in the grains' sources), so a kind added later
/// without a label fails here rather than showing up raw in the CLI.
/// </summary>
public sealed partial class AlertKindLabelTests
{
    [GeneratedRegex(@"new\s+Alert\(\s*[^,]+,\s*([^,]+?)\s*,", RegexOptions.Singleline)]
    private static partial Regex AlertConstruction();

    /// <summary>The kind argument of every alert the grains construct, resolved to its string value.</summary>
    private static List<(string Where, string Kind)> RaisedKinds()
    {
        var grains = typeof(AlertKinds).Assembly;
        var kinds = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(RepoFiles.Path("src", "Warmte.Grains"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            foreach (Match m in AlertConstruction().Matches(File.ReadAllText(file)))
            {
                var argument = m.Groups[1].Value;
                var where = $"{Path.GetFileName(file)}: {argument}";
                if (argument.StartsWith('"')) kinds.Add((where, argument.Trim('"')));
                else
                {
                    // A constant, written Type.Name: look it up in the grains assembly.
                    var dot = argument.LastIndexOf('.');
                    Assert.True(dot > 0, $"{where}: an alert kind must be a literal or a constant written Type.Name (preferably AlertKinds.Name).");
                    var type = grains.GetTypes().Single(t => t.Name == argument[..dot].Split('.')[^1]);
                    var field = type.GetField(argument[(dot + 1)..], BindingFlags.Public | BindingFlags.Static);
                    Assert.True(field is { IsLiteral: true }, $"{where}: not a constant of {type.FullName}.");
                    kinds.Add((where, (string)field!.GetRawConstantValue()!));
                }
            }
        }
        return kinds;
    }

    [Fact]
    public void Every_alert_kind_the_rules_can_raise_has_a_Dutch_label()
    {
        var raised = RaisedKinds();
        // The rules and the gate-evidence alerts raise alerts in several places: finding none means the scan is broken.
        Assert.True(raised.Count >= 10, $"Found only {raised.Count} alert constructions: {string.Join("; ", raised)}");
        Assert.Contains(raised, r => r.Where.StartsWith("GateEvidence.cs", StringComparison.Ordinal));
        foreach (var (where, kind) in raised)
        {
            Assert.True(AlertKinds.Labels.TryGetValue(kind, out var label), $"{where}: kind '{kind}' has no Dutch label in AlertKinds.Labels.");
            Assert.False(string.IsNullOrWhiteSpace(label) || label == kind, $"{where}: kind '{kind}' has no real label ('{label}').");
        }
    }

    [Fact]
    public void Every_constant_kind_has_a_label_and_no_two_kinds_share_one()
    {
        var constants = typeof(AlertKinds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotEmpty(constants);
        Assert.All(constants, k => Assert.True(AlertKinds.Labels.ContainsKey(k), $"'{k}' has no label."));
        Assert.Equal(AlertKinds.Labels.Count, AlertKinds.Labels.Values.Distinct().Count());
    }

    [Fact]
    public void An_unknown_kind_from_a_newer_server_is_shown_as_it_is()
    {
        Assert.Equal("iets-nieuws", AlertKinds.Label("iets-nieuws"));
        Assert.Equal("windstilte dreigt", AlertKinds.Label("runway-low"));
    }
}
