using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using NodaTime;
using Warmte.Alv;
using Warmte.Spreadsheets.Export;
using Warmte.TenantConsent;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// The project sheets of the umbrella, project and portfolio workbooks are streamed into the file as
/// XML (ClosedXML's object model took minutes for 1,000 projects). The file a coordinator gets must be
/// the one ClosedXML would have written: read back, every cell has the same value, formula, number
/// format, fill and font as the same sheet written through ClosedXML, and the package is valid
/// Open XML (Excel opens it without a repair prompt).
/// </summary>
public sealed class StreamedSheetTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("warmte-streamed-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>KetelhuisWG with everything a project sheet can show: members, the realisatiebesluit, consent per complex (one missed), text to escape.</summary>
    private static ProjectExport Everything()
    {
        var rule = Statutes.LegalDefaults.Default;
        var result = VoteCounting.Decide(rule, new VoteTotals(96, 4, 0), 120, 100, 3, secondMeeting: false);
        ComplexStatus Complex(string id, int agreed, bool reached) => new()
        {
            Id = id, Name = "Complex " + id, Corporation = "Stadgenoot", RentedHomes = 100, Agreed = agreed, Refused = 10, NoResponse = 90 - agreed,
            Threshold = new Share(7, 10), Required = 70, Reached = reached, AgreedPercent = agreed, ObjectionPeriodEnds = reached ? new LocalDate(2025, 4, 1) : null,
            Forecast = new ConsentForecast { AgreementsPerWeek = 1.5m, Explanation = "Op dit tempo gehaald\nin week 12." },
        };
        return ReferenceExport.KetelhuisWg() with
        {
            CooperativeName = "Coöperatie _x0041_ \u0001KetelhuisWG U.A. ",
            Members = new Members.MemberSummary
            {
                CooperativeId = "ketelhuiswg", On = ReferenceExport.Today, Members = 120, EligibleToVote = 110, Woningequivalenten = 900,
                ByCategory = [], FormerMembers = 2,
            },
            Realisatiebesluit = new DecisionStatus
            {
                MeetingId = "alv-2024-12", MeetingDate = new LocalDate(2024, 12, 14), ProposalId = "realisatie", Title = "Realisatiebesluit", Result = result,
            },
            Consent = new ConsentStatus
            {
                ProjectId = "wg-terrein", On = ReferenceExport.Today, Complexes = [Complex("a", 80, true), Complex("b", 40, false)],
                AllReached = false, RentedHomes = 200, Agreed = 120, AgreedPercent = 60m,
            },
        };
    }

    [Fact]
    public void A_streamed_project_sheet_reads_back_cell_for_cell_as_the_same_sheet_written_through_closedxml()
    {
        foreach (var project in new[] { Everything(), ReferenceExport.Zonnedak(), ReferenceExport.Zonnedak() with { BusinessCase = null } })
        {
            var streamed = Path.Combine(_dir.FullName, "streamed.xlsx");
            using (var workbook = ProjectWorkbook.Write(project, ReferenceExport.Context)) File.WriteAllBytes(streamed, workbook.ToBytes());
            var direct = Path.Combine(_dir.FullName, "direct.xlsx");
            using (var workbook = XlsxFile.New())
            {
                ProjectSheet.Write(workbook, project, new HashSet<string>());
                File.WriteAllBytes(direct, XlsxFile.ToBytes(workbook));
            }

            using var a = new XLWorkbook(direct);
            using var b = new XLWorkbook(streamed);
            var expected = a.Worksheet(project.Project.Id);
            var actual = b.Worksheet(project.Project.Id);
            var differences = new List<string>();
            var addresses = expected.CellsUsed(XLCellsUsedOptions.All).Select(c => c.Address.ToString())
                .Union(actual.CellsUsed(XLCellsUsedOptions.All).Select(c => c.Address.ToString())).ToList();
            Assert.True(addresses.Count > (project.BusinessCase is null ? 20 : 1000), $"{project.Project.Id}: only {addresses.Count} cells");
            foreach (var address in addresses)
            {
                var x = expected.Cell(address);
                var y = actual.Cell(address);
                void Same<T>(string what, Func<IXLCell, T> of)
                {
                    if (!EqualityComparer<T>.Default.Equals(of(x), of(y))) differences.Add($"{address} {what}: ClosedXML {of(x)}, streamed {of(y)}");
                }
                Same("formula", c => c.FormulaA1);
                Same("type", c => c.HasFormula ? default : c.DataType);
                Same("value", c => c.HasFormula ? "" : c.GetString());
                Same("number format", c => c.Style.NumberFormat.Format);
                Same("number format id", c => c.Style.NumberFormat.NumberFormatId);
                Same("fill", c => c.Style.Fill.BackgroundColor.Color.ToArgb());
                Same("bold", c => c.Style.Font.Bold);
                Same("italic", c => c.Style.Font.Italic);
                Same("font size", c => c.Style.Font.FontSize);
                Same("font", c => c.Style.Font.FontName);
                Same("wrap", c => c.Style.Alignment.WrapText);
            }
            for (var column = 1; column <= 40; column++)
                if (expected.Column(column).Width != actual.Column(column).Width)
                    differences.Add($"column {column} width: ClosedXML {expected.Column(column).Width}, streamed {actual.Column(column).Width}");
            if (expected.SheetView.SplitColumn != actual.SheetView.SplitColumn) differences.Add("frozen columns differ");
            Assert.True(differences.Count == 0, $"{project.Project.Id}: {differences.Count} differences:\n" + string.Join("\n", differences.Take(40)));
        }
    }

    [Fact]
    public void The_umbrella_workbook_with_streamed_sheets_is_valid_open_xml()
    {
        var file = Path.Combine(_dir.FullName, "apec.xlsx");
        using (var workbook = UmbrellaWorkbook.Write(ReferenceExport.Umbrella(Everything(), ReferenceExport.Zonnedak()), ReferenceExport.Context))
            File.WriteAllBytes(file, workbook.ToBytes());
        using var document = SpreadsheetDocument.Open(file, false);
        var errors = new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2013).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} validation errors:\n" + string.Join("\n", errors.Take(30)));
        // Every sheet of the package is there, the project sheets with their formulas.
        var sheets = document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal(["Overzicht", "wg-terrein", "zonnedak-sporthal", "Toelichting"], sheets);
    }

    [Theory]
    [InlineData("gewoon", "gewoon")]
    [InlineData("a\u0001b", "a_x0001_b")]
    [InlineData("_x0041_", "_x005F_x0041_")]
    [InlineData("_xyz_", "_xyz_")]
    [InlineData("😀", "😀")]
    public void Text_the_xml_cannot_carry_is_escaped_as_spreadsheets_expect(string text, string written) =>
        Assert.Equal(written, SharedStrings.Escape(text));
}
