using System.Collections.Immutable;

namespace Warmte.Alerts;

/// <summary>
/// Every <see cref="AlertSeverity"/> with its Dutch label: the one table the CLI and the spreadsheet exports read,
/// beside <see cref="AlertKinds.Labels"/>. The enum names stay English: they are the API's stable values.
/// </summary>
public static class AlertSeverityLabels
{
    /// <summary>Severity to Dutch label, as a board or funder would say it.</summary>
    public static readonly ImmutableDictionary<AlertSeverity, string> Labels = new Dictionary<AlertSeverity, string>
    {
        [AlertSeverity.Low] = "laag",
        [AlertSeverity.Medium] = "middel",
        [AlertSeverity.High] = "hoog",
    }.ToImmutableDictionary();

    /// <summary>The Dutch label of <paramref name="severity"/>; a value outside the table is shown as its name rather than hidden.</summary>
    public static string Label(AlertSeverity severity) => Labels.TryGetValue(severity, out var label) ? label : severity.ToString();

    /// <summary>
    /// The Dutch label of a severity as the API writes it ("High"); an unknown name (a newer server) is shown as it is.
    /// Numbers are not severities here, so "3" is not read as High.
    /// </summary>
    public static string Label(string severity) =>
        !severity.Any(char.IsDigit) && Enum.TryParse<AlertSeverity>(severity, ignoreCase: false, out var parsed) && Labels.ContainsKey(parsed)
            ? Labels[parsed]
            : severity;
}
