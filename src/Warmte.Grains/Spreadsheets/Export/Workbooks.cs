using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using Warmte.Alerts;
using static Warmte.Spreadsheets.Export.SheetFormat;

namespace Warmte.Spreadsheets.Export;

/// <summary>The .xlsx media type and how a workbook becomes the bytes of a download.</summary>
public static class XlsxFile
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// A new workbook that spreadsheets recalculate when they open it: the formulas are stored without
    /// cached values (ClosedXML does not compute them), so the first thing Excel or LibreOffice does is compute.
    /// </summary>
    public static XLWorkbook New() => new() { FullCalculationOnLoad = true };

    /// <summary>
    /// Saves through ClosedXML, then copies the package part by part (see <see cref="CopyPart"/>).
    /// </summary>
    public static void Save(XLWorkbook workbook, Stream stream)
    {
        using var raw = new MemoryStream();
        SaveAsClosedXmlWrites(workbook, raw);
        raw.Position = 0;
        using var source = new ZipArchive(raw, ZipArchiveMode.Read);
        using var target = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var entry in source.Entries)
        {
            using var to = target.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open();
            CopyPart(entry, to);
        }
    }

    /// <summary>
    /// ClosedXML's own package, not yet fit to hand out: <see cref="CopyPart"/> each entry. No calculation chain:
    /// it is an optional cache that spreadsheets rebuild, and writing it costs more than the sheets themselves for
    /// thousands of formulas.
    /// </summary>
    internal static void SaveAsClosedXmlWrites(XLWorkbook workbook, Stream stream) =>
        workbook.SaveAs(stream, new SaveOptions { GenerateCalculationChain = false, EvaluateFormulasBeforeSaving = false });

    // ClosedXML 0.95 writes <tableParts count="0"/> into every sheet it writes, tables or not, and Gnumeric warns
    // "Unexpected element 'x:tableParts'" on each (tester T14). An empty list says nothing, so it is left out.
    private static readonly Regex EmptyTableParts = new(@"<(?:\w+:)?tableParts count=""0""\s*/>", RegexOptions.CultureInvariant);

    /// <summary>Copies one part of a ClosedXML package into <paramref name="to"/>, a worksheet without its empty table list.</summary>
    internal static void CopyPart(ZipArchiveEntry entry, Stream to)
    {
        using var from = entry.Open();
        if (!entry.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) || !entry.FullName.EndsWith(".xml", StringComparison.Ordinal))
        {
            from.CopyTo(to);
            return;
        }
        using var reader = new StreamReader(from, Encoding.UTF8);
        var xml = EmptyTableParts.Replace(reader.ReadToEnd(), "");
        using var writer = new StreamWriter(to, new UTF8Encoding(false), leaveOpen: true);
        writer.Write(xml);
    }

    /// <summary>The file's bytes.</summary>
    public static byte[] ToBytes(XLWorkbook workbook)
    {
        using var stream = new MemoryStream();
        Save(workbook, stream);
        return stream.ToArray();
    }

    /// <summary>The file's bytes, the streamed sheets written into it.</summary>
    public static byte[] ToBytes(ExportWorkbook workbook) => workbook.ToBytes();

    /// <summary>A download's file name: what is in it and the date, e.g. "apec-2026-11-22.xlsx".</summary>
    public static string FileName(string what, ExportContext context) =>
        $"{what}-{context.Today:yyyy'-'MM'-'dd}.xlsx";
}

/// <summary>
/// The umbrella workbook the APEC coordinators compare cooperatives in: "Overzicht", one sheet
/// per project (in the overview's order), and "Toelichting".
/// </summary>
public static class UmbrellaWorkbook
{
    public static ExportWorkbook Write(UmbrellaExport export, ExportContext context)
    {
        var workbook = new ExportWorkbook();
        var overview = workbook.AddWorksheet(OverviewSheet.Name);
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { OverviewSheet.Name, Toelichting.Name };
        var names = new Dictionary<string, string>();
        var ordered = export.Comparison.Rows.Select(r => r.ProjectId).OfType<string>().Distinct()
            .Select(id => export.Projects.GetValueOrDefault(id)).OfType<ProjectExport>().ToList();
        foreach (var project in ordered) names[project.Project.Id] = ProjectSheet.Add(workbook, project, taken);
        OverviewSheet.Write(overview, export.Comparison, export.Projects, names);
        Toelichting.Write(workbook.AddWorksheet(Toelichting.Name), context, OverviewSheet.Name, OverviewSheet.Columns, ordered);
        return workbook;
    }
}

/// <summary>One project: its sheet and the Toelichting.</summary>
public static class ProjectWorkbook
{
    public static ExportWorkbook Write(ProjectExport project, ExportContext context)
    {
        var workbook = new ExportWorkbook();
        ProjectSheet.Add(workbook, project, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Toelichting.Name, BudgetSheet.Name });
        if (!project.Budget.IsEmpty) BudgetSheet.Write(workbook.AddWorksheet(BudgetSheet.Name), project.Budget);
        Toelichting.Write(workbook.AddWorksheet(Toelichting.Name), context, null, [], [project]);
        return workbook;
    }
}

/// <summary>
/// The financier's portfolio: "Portefeuille" (every funded project, most urgent first, with
/// totals as formulas), one sheet per project, and "Toelichting".
/// </summary>
public static class PortfolioWorkbook
{
    public const string Name = "Portefeuille";

    public static readonly ImmutableArray<OverviewColumn> Columns =
    [
        new("Project", "Naam van het project.", 30),
        new("Coöperatie", "Statutaire naam van de coöperatie.", 30),
        new("Fase", "Huidige fase van het project.", 14),
        new("Toegekend", "Som van de toegekende subsidies en voorfinancieringen.", 18, Euro),
        new("Uitbetaald", "Som van de uitbetaalde tranches.", 18, Euro),
        new("Openstaand", "Toegekend min uitbetaald.", 18, Euro),
        new("Volgende betaling verwacht", "Eerstverwachte aangevraagde, nog niet betaalde tranche: aanvraagdatum plus de mediane doorlooptijd van aanvraag tot betaling (of de norm); goedgekeurd: goedkeuringsdatum plus de mediane tijd tot betaling (of 30 dagen); afgekeurd: vanaf vandaag opnieuw de hele doorlooptijd.", 14, Date),
        new("Verwacht bedrag", "Gepland bedrag van die tranche.", 18, Euro),
        new("Runway (maanden)", OverviewSheet.RunwayExplanation, 10, Whole),
        new("Kas leeg vanaf", CashShortExplanation, 10, SheetFormat.Month),
        new("Kastekort", ShortfallExplanation, 16, Euro),
        new("Open signalen", "Aantal open signalen.", 10, Whole),
        new("Ernstigste signaal", "hoog, middel of laag; een project met een hoog signaal kleurt rood.", 10),
        new("Signalen", "De open signalen zelf.", 60),
        new("Blad", "Link naar het projectblad.", 14),
    ];

    /// <summary>What "Kas leeg vanaf" means (the Toelichting).</summary>
    public const string CashShortExplanation =
        "De eerste maand vanaf vandaag waarin de kas onder nul sluit: de vaste kosten zijn dan niet meer te betalen, hoe lang het werk ook "
        + "doorloopt (kasvooruitblik van het project, huidig regime). Leeg: de kas blijft op of boven nul, of geen plan.";

    /// <summary>What "Kastekort" means (the Toelichting).</summary>
    public const string ShortfallExplanation =
        "Met 'Kas leeg vanaf': het diepste tekort vanaf vandaag (min het laagste eindsaldo van een maand), zoals de kasvooruitblik van het project het noemt.";

    /// <summary>The columns a reader looks up (1-based), named so a new column moves them in one place.</summary>
    public const int CashShortColumn = 10, ShortfallColumn = 11, AlertsColumn = 12, WorstColumn = 13, MessagesColumn = 14, SheetColumn = 15;

    public static ExportWorkbook Write(PortfolioExport export, ExportContext context)
    {
        var workbook = new ExportWorkbook();
        var sheet = workbook.AddWorksheet(Name);
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Name, Toelichting.Name };
        var projects = export.Rows.Select(r => export.Projects.GetValueOrDefault(r.ProjectId)).OfType<ProjectExport>().ToList();
        var names = projects.ToDictionary(p => p.Project.Id, p => ProjectSheet.Add(workbook, p, taken));
        for (var i = 0; i < Columns.Length; i++) sheet.Cell(1, i + 1).SetValue(Columns[i].Header);
        var row = 2;
        foreach (var r in export.Rows)
        {
            sheet.Cell(row, 1).SetValue(r.ProjectName);
            var project = export.Projects.GetValueOrDefault(r.ProjectId);
            sheet.Cell(row, 2).SetValue(project?.CooperativeName ?? r.CooperativeName ?? r.CooperativeId);
            sheet.Cell(row, 3).SetValue(r.Phase.ToString());
            sheet.Cell(row, 4).SetValue(r.Granted);
            sheet.Cell(row, 5).SetValue(r.Paid);
            sheet.Cell(row, 6).SetValue(r.Outstanding);
            sheet.Cell(row, 7).SetDate(r.NextExpectedPayment);
            if (r.NextExpectedAmount is { } amount) sheet.Cell(row, 8).SetValue(amount);
            // The same definition as APEC's overview (tester T7): only when money runs out ahead.
            if (OverviewSheet.RunwayBeforeGap(project) is { } runway) sheet.Cell(row, 9).SetValue(runway);
            // The portfolio row's own figures (the project's outlook), as the portfolio page and the CLI show them.
            if (r.CashShortFrom is { } shortFrom) sheet.Cell(row, CashShortColumn).SetMonth(shortFrom);
            if (r.Shortfall is { } shortfall) sheet.Cell(row, ShortfallColumn).SetValue(shortfall);
            sheet.Cell(row, AlertsColumn).SetValue(r.Alerts.Length);
            sheet.Cell(row, WorstColumn).SetValue(Severity(r.WorstSeverity));
            sheet.Cell(row, MessagesColumn).SetValue(string.Join(" | ", r.Alerts.Select(a => a.Message)));
            if (names.TryGetValue(r.ProjectId, out var target))
            {
                sheet.Cell(row, SheetColumn).SetValue(target);
                sheet.Cell(row, SheetColumn).Hyperlink = new XLHyperlink($"{Quoted(target)}!A1");
            }
            row++;
        }
        var last = row - 1;
        OverviewSheet.Finish(sheet, Columns, last, $"${Letters(WorstColumn)}2=\"hoog\"");
        // Totals below the filtered rows, as formulas: they follow a coordinator's corrections.
        var totals = row + 1;
        sheet.Cell(totals, 1).SetValue("Totaal").Style.Font.SetBold();
        for (var c = 4; c <= 6; c++)
        {
            var cell = sheet.Cell(totals, c);
            cell.FormulaA1 = last >= 2 ? $"SUM({Letters(c)}2:{Letters(c)}{last})" : "0";
            cell.Style.NumberFormat.Format = Euro;
            cell.Style.Font.SetBold();
        }
        Toelichting.Write(workbook.AddWorksheet(Toelichting.Name), context, Name, Columns, projects);
        return workbook;
    }

    /// <summary>The row of the totals (granted, paid, outstanding in columns D, E, F) for a portfolio of <paramref name="projects"/> rows.</summary>
    public static int TotalsRow(int projects) => projects + 3;

    private static string Severity(AlertSeverity? severity) => severity is { } s ? AlertSeverityLabels.Label(s) : "";
}
