using System.Collections.Immutable;
using ClosedXML.Excel;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// Empty, documented import templates: a sheet with a title and the header row the import looks
/// for (required columns bold), and a "Toelichting" sheet saying what goes in each column. A filled
/// template imports cleanly.
/// </summary>
public static class Templates
{
    public sealed record Template(string Kind, string Title, ImmutableArray<ColumnSpec> Columns, ImmutableDictionary<string, string> Help);

    public static readonly ImmutableDictionary<string, Template> All = new[]
    {
        new Template("members", "Ledenlijst", Imports.MemberColumns, new Dictionary<string, string>
        {
            ["number"] = "Uniek binnen de coöperatie; 1 tot 20 letters, cijfers, '.', '/' of '-'. Een bekend nummer wordt bijgewerkt.",
            ["name"] = "Naam van het lid.",
            ["category"] = "eigenaar-bewoner, huurder, bedrijf of overig.",
            ["woningequivalenten"] = "Geheel getal, standaard 1.",
            ["postcode"] = "Nederlandse postcode, bijv. 1054 AB.",
            ["huisnummer"] = "Geheel getal.",
            ["toevoeging"] = "Letters en cijfers, bijv. A of 2H.",
            ["joinedOn"] = "Datum (14-12-2024 of een datumcel); niet in de toekomst.",
            ["leftOn"] = "Datum van uitschrijving; leeg als het lid nog lid is.",
            ["eligibleToVote"] = "ja of nee (standaard ja): stemgerechtigd volgens de statuten.",
        }.ToImmutableDictionary()),
        new Template("ballots", "Stemlijst", Imports.BallotColumns, new Dictionary<string, string>
        {
            ["memberNumber"] = "Lidnummer van het lid dat stemt.",
            ["choice"] = "voor, tegen of onthouding.",
            ["proxyHolder"] = "Lidnummer van de aanwezige gevolmachtigde, als het lid bij volmacht stemt.",
        }.ToImmutableDictionary()),
        new Template("consent", "Akkoordverklaringen huurders", Imports.ConsentColumns, new Dictionary<string, string>
        {
            ["postcode"] = "Postcode van het huuradres, bijv. 1054 AB.",
            ["huisnummer"] = "Geheel getal.",
            ["toevoeging"] = "Letters en cijfers.",
            ["response"] = "akkoord of geweigerd (ja/nee mag ook). Geen antwoord: laat de rij weg.",
            ["on"] = "Datum van het antwoord; niet vóór het voorstel aan de huurders.",
        }.ToImmutableDictionary()),
    }.ToImmutableDictionary(t => t.Kind);

    public const int HeaderRow = 3;

    public static void Write(Template template, Stream output)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet(template.Title.Length <= 31 ? template.Title : template.Title[..31]);
        sheet.Cell(1, 1).SetValue($"{template.Title} — vul de rijen vanaf rij {HeaderRow + 1} in; vetgedrukte kolommen zijn verplicht.");
        sheet.Cell(1, 1).Style.Font.SetBold();
        for (var i = 0; i < template.Columns.Length; i++)
        {
            var column = template.Columns[i];
            var cell = sheet.Cell(HeaderRow, i + 1);
            cell.SetValue(column.Label);
            cell.Style.Font.Bold = column.Required;
            cell.Style.Fill.BackgroundColor = XLColor.FromHtml("#DDEBF7");
            // Text columns stay text, so "0012" or "1054 AB" is not turned into a number.
            sheet.Column(i + 1).Style.NumberFormat.Format = column.Field is "joinedOn" or "leftOn" or "on" ? "dd-mm-yyyy" : "@";
            sheet.Column(i + 1).Width = Math.Max(14, column.Label.Length + 4);
        }
        sheet.SheetView.FreezeRows(HeaderRow);

        var help = workbook.AddWorksheet("Toelichting");
        help.Cell(1, 1).SetValue("Kolom");
        help.Cell(1, 2).SetValue("Verplicht");
        help.Cell(1, 3).SetValue("Wat erin hoort");
        help.Cell(1, 4).SetValue("Ook herkend als kopje");
        help.Row(1).Style.Font.SetBold();
        for (var i = 0; i < template.Columns.Length; i++)
        {
            var column = template.Columns[i];
            help.Cell(i + 2, 1).SetValue(column.Label);
            help.Cell(i + 2, 2).SetValue(column.Required ? "ja" : "nee");
            help.Cell(i + 2, 3).SetValue(template.Help.GetValueOrDefault(column.Field, ""));
            help.Cell(i + 2, 4).SetValue(string.Join(", ", column.Synonyms));
        }
        help.Column(1).Width = 22;
        help.Column(2).Width = 10;
        help.Column(3).Width = 80;
        help.Column(4).Width = 60;
        workbook.SaveAs(output);
    }
}
