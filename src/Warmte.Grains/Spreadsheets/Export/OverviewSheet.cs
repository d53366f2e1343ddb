using System.Collections.Immutable;
using ClosedXML.Excel;
using NodaTime;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Umbrellas;
using static Warmte.Spreadsheets.Export.SheetFormat;

namespace Warmte.Spreadsheets.Export;

/// <summary>A column of an overview sheet: its header, what it means (for the Toelichting), width and format.</summary>
public sealed record OverviewColumn(string Header, string Meaning, double Width, string? Format = null);

/// <summary>
/// The umbrella's "Overzicht": one row per cooperative and project, as the umbrella comparison
/// lists them (cooperatives by name, their projects by name; a cooperative without projects has
/// one row). Frozen header, autofilter, euro and percentage formats, and a "Risico" column whose
/// formula marks the row red when the project is at risk.
/// </summary>
public static class OverviewSheet
{
    public const string Name = "Overzicht";

    /// <summary>Fewer months of runway than this before a foreseen gap marks a project at risk (the comparison's rule).</summary>
    public const int RiskRunwayMonths = UmbrellaRules.RiskRunwayMonths;

    public static readonly ImmutableArray<OverviewColumn> Columns =
    [
        new("Coöperatie", "Statutaire naam van de coöperatie.", 34),
        new("Soort", "Warmtenet, lokale opwek, stadsbrede opwek of communicatie en gedrag.", 18),
        new("Project", "Naam van het project; leeg als de coöperatie nog geen project heeft.", 30),
        new("Fase", "Huidige fase: Initiatief, Haalbaarheid, Ontwikkeling, Realisatie, Beheer of Gestopt.", 14),
        new("Maanden in fase", "Hele maanden sinds het project de huidige fase in ging.", 10, Whole),
        new("Woningequivalenten", "Omvang van het project in woningequivalenten.", 12, Whole),
        new("Leden", "Aantal leden van de coöperatie vandaag volgens het ledenregister (leeg als de coöperatie geen register bijhoudt of geen project heeft).", 10, Whole),
        new("Investering", "Totale investering (bestedingen) volgens de laatst opgeslagen businesscase.", 18, Euro),
        new("Subsidie toegekend", "Som van de toegekende subsidies.", 18, Euro),
        new("Subsidie uitbetaald", "Som van de uitbetaalde tranches.", 18, Euro),
        new("Subsidie openstaand", "Toegekend min uitbetaald.", 18, Euro),
        new("Lening hoofdsom", "Som van de hoofdsommen van de leningen in de businesscase.", 18, Euro),
        new("Lening rente", "Rente van de leningen, gewogen naar hoofdsom.", 10, Percent),
        new("Lening looptijd", "Langste looptijd van de leningen, in jaren.", 10, Whole),
        new("Min. DSCR", "Laagste DSCR (CFADS / schuldendienst) in de jaren waarin de geldgever toetst.", 10, Ratio),
        new("Min. DSCR geldgever", "De minimale DSCR die de geldgever eist (convenant).", 10, Ratio),
        new("NPV", "Netto contante waarde van de projectkasstroom bij de disconteringsvoet van de businesscase.", 18, Euro),
        new("Bronnen − bestedingen", "Financiering min investering bij financial close: negatief is een tekort.", 18, Euro),
        new("Financiering rond", "Of de financiering sluit volgens de laatst opgeslagen businesscase (bronnen dekken bestedingen, geen convenantbreuk, schuld afgelost); met het kastekort in de tijd ernaast als de kas in een jaar onder nul komt: 'ja, overbrugging € 343.906 in 2027'.", 20),
        new("Overbrugging nodig", "Hoeveel de kas in het slechtste jaar van de businesscase onder nul komt (0: nooit); zoveel overbruggingsgeld is nodig, ook als de financiering sluit.", 18, Euro),
        new("Runway (maanden)", RunwayExplanation, 10, Whole),
        new("Kas leeg vanaf", PortfolioWorkbook.CashShortExplanation, 10, SheetFormat.Month),
        new("Kastekort", PortfolioWorkbook.ShortfallExplanation, 16, Euro),
        new("Open signalen", "Aantal open signalen (runway, verantwoording te laat, mijlpaal loopt uit, aanvraag ligt te lang).", 10, Whole),
        new("Volgende open poortvoorwaarde", "De eerste voorwaarde van de volgende fasepoort die nog niet vervuld is.", 40),
        new("Laatste wijziging", "Datum en tijd (Amsterdam) van de laatste wijziging aan het project.", 17, Moment),
        new("Risico", $"Formule: ja als de min. DSCR onder die van de geldgever ligt, de bronnen de bestedingen niet dekken, de runway korter is dan {RiskRunwayMonths} maanden of er open signalen zijn. De rij kleurt dan rood.", 8),
        new("Blad", "Link naar het projectblad met de businesscase, tranches en kaspositie.", 14),
    ];

    private const int MinDscrColumn = 15, LenderColumn = 16, SurplusColumn = 18, ClosesColumn = 19, BridgingColumn = 20, RunwayColumn = 21,
        CashShortColumn = 22, ShortfallColumn = 23, AlertsColumn = 24, ConditionColumn = 25, ChangedColumn = 26, RiskColumn = 27, SheetColumn = 28;

    public static void Write(IXLWorksheet sheet, UmbrellaComparison comparison, IReadOnlyDictionary<string, ProjectExport> projects,
        IReadOnlyDictionary<string, string> sheetNames)
    {
        for (var i = 0; i < Columns.Length; i++) sheet.Cell(1, i + 1).SetValue(Columns[i].Header);
        var row = 2;
        foreach (var r in comparison.Rows)
        {
            var detail = r.ProjectId is { } id ? projects.GetValueOrDefault(id) : null;
            sheet.Cell(row, 1).SetValue(r.CooperativeName);
            sheet.Cell(row, 2).SetValue(CooperativeRules.DutchKind(r.Kind));
            sheet.Cell(row, 3).SetValue(r.ProjectName ?? "");
            if (r.Phase is { } phase) sheet.Cell(row, 4).SetValue(phase.ToString());
            if (r.MonthsInPhase is { } months) sheet.Cell(row, 5).SetValue(months);
            if (r.Woningequivalenten is { } weq) sheet.Cell(row, 6).SetValue(weq);
            if (r.Members is { } members) sheet.Cell(row, 7).SetValue(members);
            if (r.Finance is { } f)
            {
                if (f.Investment is { } investment) sheet.Cell(row, 8).SetValue(investment);
                sheet.Cell(row, 9).SetValue(f.SubsidiesGranted);
                sheet.Cell(row, 10).SetValue(f.SubsidiesPaid);
                sheet.Cell(row, 11).SetValue(f.SubsidiesOutstanding);
                if (f.MinDscr is { } minDscr) sheet.Cell(row, MinDscrColumn).SetValue(minDscr);
                if (f.Npv is { } npv) sheet.Cell(row, 17).SetValue(npv);
                if (f.SourcesMinusUses is { } surplus) sheet.Cell(row, SurplusColumn).SetValue(surplus);
                if (f.FinancingClosesText is { } closes) sheet.Cell(row, ClosesColumn).SetValue(closes);
                if (f.BridgingNeeded is { } bridging) sheet.Cell(row, BridgingColumn).SetValue(bridging);
                sheet.Cell(row, AlertsColumn).SetValue(f.OpenAlerts);
            }
            if (detail?.BusinessCase is { } bc)
            {
                var loans = bc.Inputs.Loans;
                if (!loans.IsEmpty)
                {
                    var principal = loans.Sum(l => l.Terms.Principal);
                    sheet.Cell(row, 12).SetValue(principal);
                    sheet.Cell(row, 13).SetValue(decimal.Round(loans.Sum(l => l.Terms.Principal * l.Terms.AnnualRate) / principal, 6));
                    sheet.Cell(row, 14).SetValue(loans.Max(l => l.Terms.TermYears));
                }
            }
            if (r.Finance?.LenderMinDscr is { } lenderMin) sheet.Cell(row, LenderColumn).SetValue(lenderMin);
            // The comparison's runway (the page's and the API's), so "Risico" reads the same figure everywhere.
            if (r.Finance?.RunwayMonths is { } runway) sheet.Cell(row, RunwayColumn).SetValue(runway);
            // The same outlook figures as the financier's portfolio (its "Kas leeg vanaf" and "Kastekort"), from the comparison's row.
            if (r.Finance?.CashShortFrom is { } shortFrom)
            {
                sheet.Cell(row, CashShortColumn).SetMonth(shortFrom);
                if (r.Finance.Shortfall is { } shortfall) sheet.Cell(row, ShortfallColumn).SetValue(shortfall);
            }
            sheet.Cell(row, ConditionColumn).SetValue(r.NextUnmetCondition ?? "");
            if (r.LastChangeAt is { } changed) sheet.Cell(row, ChangedColumn).SetMoment(changed);
            if (r.ProjectId is not null)
            {
                string Col(int c) => Letters(c) + row;
                sheet.Cell(row, RiskColumn).FormulaA1 =
                    $"IF(OR(AND(ISNUMBER({Col(MinDscrColumn)}),ISNUMBER({Col(LenderColumn)}),{Col(MinDscrColumn)}<{Col(LenderColumn)}),"
                    + $"AND(ISNUMBER({Col(SurplusColumn)}),{Col(SurplusColumn)}<0),AND(ISNUMBER({Col(RunwayColumn)}),{Col(RunwayColumn)}<{RiskRunwayMonths}),"
                    + $"{Col(AlertsColumn)}>0),\"ja\",\"nee\")";
                if (sheetNames.TryGetValue(r.ProjectId, out var target))
                {
                    sheet.Cell(row, SheetColumn).SetValue(target);
                    sheet.Cell(row, SheetColumn).Hyperlink = new XLHyperlink($"{Quoted(target)}!A1");
                }
            }
            row++;
        }
        Finish(sheet, Columns, row - 1, $"${Letters(RiskColumn)}2=\"ja\"");
    }

    /// <summary>What "Runway (maanden)" means, in both workbooks' Toelichting (APEC's overview and the financier's portfolio).</summary>
    public const string RunwayExplanation =
        "Maanden dat het werk doorgaat tot de volgende voorziene windstilte (kasstroomplan, huidig regime). Leeg: geen tekort voorzien "
        + "(het geld reikt tot het werk klaar is) of geen plan.";

    /// <summary>
    /// Runway only when money runs out ahead (a gap, a stall now, or out of funding); null otherwise. The one
    /// definition of the "Runway (maanden)" column in every workbook (tester T7: the portfolio showed the months
    /// to the end of the work where APEC's overview was empty), so the Risico rule "runway &lt; 6" reads one thing.
    /// </summary>
    public static int? RunwayBeforeGap(ProjectExport? project) => RunwayBeforeGap(project?.CashFlow?.Outlook);

    /// <inheritdoc cref="RunwayBeforeGap(ProjectExport?)"/>
    public static int? RunwayBeforeGap(CashFlow.Outlook? outlook) => outlook?.RunwayMonths; // the outlook follows the same rule now

    /// <summary>Header style, formats, widths, frozen header, autofilter, and red rows where <paramref name="riskFormula"/> (written for row 2) holds.</summary>
    public static void Finish(IXLWorksheet sheet, IReadOnlyList<OverviewColumn> columns, int lastRow, string? riskFormula)
    {
        Header(sheet.Range(1, 1, 1, columns.Count));
        sheet.Row(1).Style.Alignment.WrapText = true;
        for (var i = 0; i < columns.Count; i++)
        {
            sheet.Column(i + 1).Width = columns[i].Width;
            if (columns[i].Format is { } format && lastRow >= 2) sheet.Range(2, i + 1, lastRow, i + 1).Style.NumberFormat.Format = format;
        }
        sheet.SheetView.FreezeRows(1);
        sheet.Range(1, 1, Math.Max(lastRow, 1), columns.Count).SetAutoFilter();
        if (riskFormula is not null && lastRow >= 2)
            sheet.Range(2, 1, lastRow, columns.Count).AddConditionalFormat().WhenIsTrue(riskFormula).Fill.SetBackgroundColor(RiskFill);
    }
}
