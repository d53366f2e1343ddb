using System.Collections.Immutable;
using ClosedXML.Excel;
using Warmte.Alerts;
using Warmte.Client;
using Warmte.Spreadsheets.Export;
using Warmte.Tests.Spreadsheets;

namespace Warmte.Tests.Alerts;

/// <summary>
/// Every alert severity has one Dutch label (<see cref="AlertSeverityLabels"/>), and the CLI and the spreadsheet exports
/// show that same label: before, each kept its own mapping.
/// </summary>
public sealed class AlertSeverityLabelTests
{
    /// <summary>What boards and funders read, written out here rather than taken from the table under test.</summary>
    private static readonly Dictionary<AlertSeverity, string> Expected = new()
    {
        [AlertSeverity.Low] = "laag",
        [AlertSeverity.Medium] = "middel",
        [AlertSeverity.High] = "hoog",
    };

    [Fact]
    public void Every_severity_has_a_distinct_Dutch_label()
    {
        var severities = Enum.GetValues<AlertSeverity>();
        Assert.NotEmpty(severities);
        foreach (var severity in severities)
        {
            Assert.True(AlertSeverityLabels.Labels.TryGetValue(severity, out var label), $"{severity} has no Dutch label in AlertSeverityLabels.Labels.");
            Assert.False(string.IsNullOrWhiteSpace(label) || label == severity.ToString(), $"{severity} has no real label ('{label}').");
            Assert.Equal(Expected[severity], label);
        }
        Assert.Equal(AlertSeverityLabels.Labels.Count, AlertSeverityLabels.Labels.Values.Distinct().Count());
    }

    [Fact]
    public void An_unknown_severity_from_a_newer_server_is_shown_as_it_is_and_a_missing_one_as_a_dash()
    {
        Assert.Equal("Kritiek", Nl.Severity("Kritiek"));
        Assert.Equal("3", Nl.Severity("3"));
        Assert.Equal("high", Nl.Severity("high"));
        Assert.Equal(Nl.None, Nl.Severity(null));
    }

    [Theory]
    [InlineData(AlertSeverity.Low)]
    [InlineData(AlertSeverity.Medium)]
    [InlineData(AlertSeverity.High)]
    public void The_CLI_and_the_exports_show_the_same_label_for_a_severity(AlertSeverity severity)
    {
        // The CLI reads the severity as the API writes it: the enum's name.
        var cli = Nl.Severity(severity.ToString());
        Assert.Equal(Expected[severity], cli);

        var ketelhuis = ReferenceExport.KetelhuisWg();
        var alert = new Alert(ketelhuis.Project.Id, AlertKinds.PaymentPending, severity, ReferenceExport.Today, "Betaling blijft uit", "PAW");
        var project = ketelhuis with { Alerts = [alert] };
        var row = Portfolio.Row(project.Project, project.Grants, ReferenceExport.Today, project.CashFlow?.Outlook) with { Alerts = [alert] };
        var export = new PortfolioExport(ReferenceExport.Today, [row], ImmutableDictionary<string, ProjectExport>.Empty.Add(project.Project.Id, project));
        byte[] bytes;
        using (var written = PortfolioWorkbook.Write(export, ReferenceExport.Context)) bytes = XlsxFile.ToBytes(written);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));

        // The portfolio's "worst alert" column and the project sheet's alert line.
        var sheet = workbook.Worksheet("Portefeuille");
        Assert.Equal(cli, sheet.Cell(2, PortfolioWorkbook.WorstColumn).GetString());
        var projectSheet = workbook.Worksheet(sheet.Cell(2, PortfolioWorkbook.SheetColumn).GetString());
        var signals = projectSheet.RowsUsed().Single(r => r.Cell(1).GetString() == "Open signalen");
        Assert.Equal($"{cli}: Betaling blijft uit", projectSheet.Cell(signals.RowNumber() + 1, 2).GetString());
    }
}
