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
        // The house number column takes the whole number (14-H, 9A); a template needs no Huisletter or Adres column.
        new Template("members", "Ledenlijst", [.. Imports.MemberColumns.Where(c => c.Field is not ("huisletter" or "address"))], new Dictionary<string, string>
        {
            ["number"] = "Uniek binnen de coöperatie; 1 tot 20 letters, cijfers, '.', '/' of '-'. Een bekend nummer wordt bijgewerkt.",
            ["name"] = "Naam van het lid.",
            ["category"] = "eigenaar-bewoner, huurder, bedrijf of overig.",
            ["woningequivalenten"] = "Getal met hoogstens 2 decimalen (een café telt bijv. 2,5), standaard 1.",
            ["postcode"] = "Nederlandse postcode, bijv. 1054 AB of 1054AB.",
            ["huisnummer"] = "Huisnummer, met huisletter en toevoeging als u wilt: 14, 9A (huisletter A), 14-H of 14-1 (toevoeging H of 1), 14A-2. "
                             + "Een eigen lijst mag ook één kolom Adres hebben (Wibautstraat 14-H, 1091 GM Amsterdam) in plaats van Postcode en Huisnummer.",
            ["toevoeging"] = "Huisnummertoevoeging apart (hoogstens 4 letters of cijfers, bijv. H, 1, III, HS), als die niet al bij het huisnummer staat.",
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
        new Template("consent", "Akkoordverklaringen huurders", [.. Imports.ConsentColumns.Where(c => c.Field is not ("huisletter" or "address"))], new Dictionary<string, string>
        {
            ["postcode"] = "Postcode van het huuradres, bijv. 1054 AB.",
            ["huisnummer"] = "Huisnummer, met huisletter en toevoeging als u wilt: 14, 9A, 14-H, 14-1, 14A-2.",
            ["toevoeging"] = "Huisnummertoevoeging apart (hoogstens 4 letters of cijfers), als die niet al bij het huisnummer staat.",
            ["response"] = "akkoord of geweigerd (ja/nee mag ook). Geen antwoord: laat de rij weg.",
            ["on"] = "Datum van het antwoord; niet vóór het voorstel aan de huurders.",
        }.ToImmutableDictionary()),
        new Template("budget", "Begroting en realisatie", BudgetImport.Columns, new Dictionary<string, string>
        {
            ["month"] = "Kalendermaand: 2025-03, 03-2025 of maart 2025 (een datum in de maand mag ook). Begroot: een maand waarin volgens de kaslijn (warmte cash-timeline) gewerkt wordt; ligt het werk die maand stil, dan meldt de import dat en gaat de Begroot niet in het werkplan (de Werkelijk wel).",
            ["kind"] = "ontwerp, businesscase, contracten, communicatie, organisatie of adviseurs (Engels mag ook).",
            ["planned"] = "Begroot bedrag voor die maand en categorie in euro's (1.234,56). Vervangt het werkplan van het kasstroomplan.",
            ["actual"] = "Werkelijk besteed in die maand en categorie (niet in de toekomst); wordt het maandtotaal van de geboekte uitgaven. 0 haalt een eerder ingelezen totaal weg.",
            ["runsDuringStall"] = "ja: vaste kosten die doorlopen als het werk stilligt (standaard ja voor organisatie en communicatie, nee voor de rest).",
            ["name"] = "Naam van het werkpakket (standaard de categorie); zo kunnen twee pakketten van dezelfde categorie in één maand.",
        }.ToImmutableDictionary()),
        new Template("tranches", "Tranches", TrancheImport.Columns, new Dictionary<string, string>
        {
            ["number"] = "1, 2, 3, … zonder gaten.",
            ["amount"] = "Gepland bedrag van de tranche; samen hoogstens het toegekende bedrag. Een aangevraagde tranche houdt zijn bedrag.",
            ["plannedOn"] = "Geplande datum van uitbetaling (mag leeg).",
            ["requestedOn"] = "Datum van de aanvraag (bestuur).",
            ["accountedOn"] = "Datum waarop de verantwoording is ingediend (bestuur).",
            ["accountedAmount"] = "Bedrag dat in de verantwoording als besteed staat; verplicht bij een nieuwe verantwoording.",
            ["periodFrom"] = "Begin van de verantwoorde periode (standaard de dag na de vorige periode, of het subsidiebesluit).",
            ["periodTo"] = "Einde van de verantwoorde periode (standaard de datum van indienen).",
            ["approvedOn"] = "Datum van goedkeuring door de financier: alleen de financier (of een beheerder) legt dit vast.",
            ["paidOn"] = "Datum van uitbetaling door de financier: alleen de financier (of een beheerder) legt dit vast.",
            ["paidAmount"] = "Uitbetaald bedrag (standaard het geplande bedrag).",
            ["grant"] = "Optioneel: staan er tranches van meer subsidies in het blad, dan worden alleen de rijen van deze subsidie gelezen (id, regeling of 'financier, regeling').",
        }.ToImmutableDictionary()),
    }.ToImmutableDictionary(t => t.Kind);

    private static readonly ImmutableHashSet<string> DateFields =
        ["joinedOn", "leftOn", "on", "plannedOn", "requestedOn", "accountedOn", "periodFrom", "periodTo", "approvedOn", "paidOn"];

    private static readonly ImmutableHashSet<string> MoneyFields = ["planned", "actual", "amount", "accountedAmount", "paidAmount"];

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
            sheet.Column(i + 1).Style.NumberFormat.Format =
                DateFields.Contains(column.Field) ? "dd-mm-yyyy" : MoneyFields.Contains(column.Field) ? "#,##0.00" : "@";
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
