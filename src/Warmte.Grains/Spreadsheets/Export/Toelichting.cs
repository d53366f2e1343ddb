using ClosedXML.Excel;
using static Warmte.Spreadsheets.Export.SheetFormat;

namespace Warmte.Spreadsheets.Export;

/// <summary>
/// The "Toelichting" sheet: when the export was made, what each overview column means, how the
/// project sheets work, the colours, and the assumptions of every business case. Without an overview
/// sheet (a single project) the column list is left out.
/// </summary>
public static class Toelichting
{
    public const string Name = "Toelichting";

    public static void Write(IXLWorksheet sheet, ExportContext context, string? overviewName, IReadOnlyList<OverviewColumn> columns,
        IEnumerable<ProjectExport> projects)
    {
        var row = 1;
        sheet.Cell(row++, 1).SetValue("Toelichting").Style.Font.SetBold().Font.SetFontSize(14);
        sheet.Cell(row, 1).SetValue("Geëxporteerd op");
        sheet.Cell(row++, 2).SetMoment(context.ExportedAt);
        if (context.ExportedBy is { } by)
        {
            sheet.Cell(row, 1).SetValue("Door");
            sheet.Cell(row++, 2).SetValue(by);
        }
        sheet.Cell(row, 1).SetValue("Bron");
        sheet.Cell(row++, 2).SetValue("Warmtenet, stand van de gegevens op het moment van export (tijden in Amsterdamse tijd).");
        row++;

        if (overviewName is not null)
        {
            Section(sheet, row++, $"Kolommen van het blad {overviewName}");
            foreach (var column in columns)
            {
                sheet.Cell(row, 1).SetValue(column.Header).Style.Font.SetBold();
                sheet.Cell(row++, 2).SetValue(column.Meaning);
            }
            row++;
        }

        Section(sheet, row++, "Projectbladen");
        string[] notes =
        [
            "Elk project heeft een eigen blad (naam = project-id): feiten, businesscase, subsidies en tranches, kaspositie per maand.",
            "Businesscase: gele cellen zijn invoer (waarden uit het opgeslagen model); de jaartabel en de kengetallen zijn formules over die invoer. Verander een geel vak en alles rekent mee.",
            "Zonder wijziging geven de formules na herberekening precies de uitkomst van de Warmtenet-rekenkern (op de cent); dat wordt bij elke build gecontroleerd met Gnumeric.",
            "De formules volgen de rekenkern: bedragen afgerond op centen waar de kern boekt, omzet naar het gemiddelde aandeel aangesloten over de twaalf maandeinden, leningen per jaar vanaf het jaar van opname, NPV zoals de spreadsheetfunctie NPV (eerste jaar één periode verdisconteerd).",
            "Niet als formule: de LLCR en de toets aan de ACM-maximumtarieven (zie de API of warmte model evaluate).",
            "Kaspositie per maand: de werkelijke kaslijn zoals warmte cash-timeline die toont: werkelijk tot en met deze maand (betaalde tranches, geboekte uitgaven; 'werkelijk + plan' waar ook geplande uitgaven meetellen die nog niet geboekt zijn: de vaste kosten van de lopende maand, of zonder boekingen de uitgaven van het plan tot nu), daarna verwacht vanaf de werkelijke stand onder het huidige regime (volgende tranche pas na goedgekeurde verantwoording), met de doorlooptijden die de financier bij dit project werkelijk haalde. Eind = begin + ontvangen − uitgaven is een formule. Rode maanden zijn windstilte. De simulatie van het plan vanaf de start staat op de kasstroompagina en in warmte cashflow.",
            "Stemmingen en instemming: het realisatiebesluit van de ALV met de exacte aantallen en de regel uit de statuten, en de instemming van huurders per complex tegen de drempel (standaard 70% van alle huurhuishoudens; geen antwoord telt als niet akkoord). Namen en adressen van leden en huurders staan nooit in de export.",
        ];
        foreach (var note in notes) sheet.Cell(row++, 1).SetValue(note);
        row++;

        Section(sheet, row++, "Kleuren en notatie");
        sheet.Cell(row, 1).SetValue("Geel");
        sheet.Cell(row, 1).Style.Fill.BackgroundColor = InputFill;
        sheet.Cell(row++, 2).SetValue("Invoer van de businesscase.");
        sheet.Cell(row, 1).SetValue("Rood");
        sheet.Cell(row, 1).Style.Fill.BackgroundColor = RiskFill;
        sheet.Cell(row++, 2).SetValue("Project met risico (overzicht) of maand met windstilte (kaspositie).");
        sheet.Cell(row, 1).SetValue("Getallen");
        sheet.Cell(row++, 2).SetValue("Bedragen in euro's met centen, percentages en datums (dd-mm-jjjj) in de notatie van uw spreadsheet (nl-NL: € 7.800.000,00).");
        row++;

        Section(sheet, row++, "Aannames in de businesscases");
        sheet.Cell(row, 1).SetValue("Project");
        sheet.Cell(row, 2).SetValue("Veld");
        sheet.Cell(row, 3).SetValue("Redenering");
        sheet.Cell(row, 4).SetValue("Bron");
        Header(sheet.Range(row, 1, row, 4));
        row++;
        var any = false;
        foreach (var project in projects)
        {
            if (project.BusinessCase is not { } bc) continue;
            foreach (var note in bc.Inputs.Assumptions)
            {
                any = true;
                sheet.Cell(row, 1).SetValue(project.Project.Id);
                sheet.Cell(row, 2).SetValue(note.Field);
                sheet.Cell(row, 3).SetValue(note.Reasoning);
                sheet.Cell(row, 4).SetValue(note.Source ?? "");
                row++;
            }
        }
        if (!any) sheet.Cell(row++, 1).SetValue("Geen aannames: er is geen businesscase opgeslagen of het model noemt er geen.");
        Widths(sheet, 34, 70, 70, 30);
        sheet.Column(2).Style.Alignment.WrapText = true;
        sheet.Column(3).Style.Alignment.WrapText = true;
    }
}
