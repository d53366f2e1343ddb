using System.Collections.Immutable;
using ClosedXML.Excel;
using Warmte.CashFlow;
using Warmte.Cooperatives;
using Warmte.Grants;
using static Warmte.Spreadsheets.Export.SheetFormat;

namespace Warmte.Spreadsheets.Export;

/// <summary>Where the formula parts of a project sheet landed, for checks and links.</summary>
public sealed record ProjectSheetLayout(string SheetName, BusinessCaseLayout? BusinessCase, CashLayout? Cash);

/// <summary>The monthly cash table: one row per month from <see cref="FirstRow"/>, opening and closing as formulas.</summary>
public sealed record CashLayout(int FirstRow, int Months, int OpeningColumn, int ClosingColumn);

/// <summary>
/// One project on one sheet, section under section: the project's facts, its business case with
/// live formulas, its grants' tranche timeline, and the cash position per month with the stall
/// months marked, and the ALV's realisatiebesluit with tenant consent per complex. Each section is
/// a function (sheet, project, first row) → next free row; a new section is one more entry in
/// <see cref="Sections"/>.
/// </summary>
public static class ProjectSheet
{
    public delegate int Section(IXLWorksheet sheet, ProjectExport project, int row, SectionResults results);

    /// <summary>What the sections report back: the layouts of their formula parts.</summary>
    public sealed class SectionResults
    {
        public BusinessCaseLayout? BusinessCase { get; set; }
        public CashLayout? Cash { get; set; }
    }

    public static readonly ImmutableArray<Section> Sections = [Facts, BusinessCase, Tranches, CashPosition, DecisionsAndConsent];

    public static ProjectSheetLayout Write(XLWorkbook workbook, ProjectExport project, ISet<string> takenNames)
    {
        var sheet = workbook.AddWorksheet(SheetName(project.Project.Id, takenNames));
        var results = new SectionResults();
        var row = 1;
        foreach (var section in Sections) row = section(sheet, project, row, results) + 1;
        var years = project.BusinessCase?.Inputs.HorizonYears ?? 0;
        Widths(sheet, [48, 18, 18, .. Enumerable.Repeat(15.0, Math.Max(years, 10))]);
        sheet.SheetView.FreezeColumns(1);
        return new ProjectSheetLayout(sheet.Name, results.BusinessCase, results.Cash);
    }

    private static int Facts(IXLWorksheet sheet, ProjectExport p, int row, SectionResults results)
    {
        var project = p.Project;
        sheet.Cell(row, 1).SetValue($"{project.Name} ({project.Id})").Style.Font.SetBold().Font.SetFontSize(14);
        row += 2;
        void Fact(string label, Action<IXLCell> set)
        {
            sheet.Cell(row, 1).SetValue(label);
            set(sheet.Cell(row, 2));
            row++;
        }
        Fact("Coöperatie", c => c.SetValue(p.CooperativeName));
        Fact("Soort", c => c.SetValue(CooperativeRules.DutchKind(p.Kind)));
        Fact("Fase", c => c.SetValue(project.Phase.ToString()));
        Fact("In deze fase sinds", c => c.SetDate(project.PhaseSince));
        Fact("Maanden in fase", c => c.SetValue(project.MonthsInPhase));
        Fact("Woningequivalenten", c => c.SetValue(project.Woningequivalenten));
        Fact("Geplande aansluitingen", c => c.SetValue(project.PlannedConnections));
        Fact("Techniek", c => c.SetValue(project.Technology ?? ""));
        Fact("Volgende open poortvoorwaarde", c => c.SetValue(project.NextUnmetCondition ?? "geen"));
        Fact("Open signalen", c => c.SetValue(p.Alerts.Length));
        foreach (var alert in p.Alerts)
        {
            sheet.Cell(row, 2).SetValue($"{alert.Severity switch { Alerts.AlertSeverity.High => "hoog", Alerts.AlertSeverity.Medium => "middel", _ => "laag" }}: {alert.Message}");
            row++;
        }
        return row;
    }

    private static int BusinessCase(IXLWorksheet sheet, ProjectExport p, int row, SectionResults results)
    {
        if (p.BusinessCase is not { } bc)
        {
            Section(sheet, row++, "Businesscase");
            sheet.Cell(row++, 1).SetValue("Er is voor dit project nog geen businesscase opgeslagen.");
            return row;
        }
        sheet.Cell(row++, 1).SetValue(
            $"Businesscaseversie {bc.Version}, opgeslagen door {bc.SavedBy} op {DutchFormat.Date(Common.AmsterdamTime.DateOf(bc.SavedAt))}.");
        var layout = BusinessCaseSheet.Write(sheet, bc.Inputs, row);
        results.BusinessCase = layout;
        return layout.NextRow;
    }

    private static int Tranches(IXLWorksheet sheet, ProjectExport p, int row, SectionResults results)
    {
        Section(sheet, row++, "Subsidies en tranches");
        if (p.Grants.IsEmpty)
        {
            sheet.Cell(row++, 1).SetValue("Geen subsidies vastgelegd.");
            return row;
        }
        string[] header = ["Subsidie (financier, regeling)", "Tranche", "Gepland bedrag", "Gepland op", "Status", "Aangevraagd",
            "Verantwoording ingediend", "Goedgekeurd", "Afgekeurd", "Uitbetaald", "Bedrag uitbetaald", "Dagen aanvraag → betaling"];
        for (var i = 0; i < header.Length; i++) sheet.Cell(row, i + 1).SetValue(header[i]);
        Header(sheet.Range(row, 1, row, header.Length));
        row++;
        foreach (var view in p.Grants)
        {
            var grant = view.Grant;
            foreach (var t in grant.Tranches)
            {
                sheet.Cell(row, 1).SetValue($"{grant.Funder}, {grant.Scheme}");
                sheet.Cell(row, 2).SetValue(t.Number);
                sheet.Cell(row, 3).SetMoney(t.PlannedAmount);
                sheet.Cell(row, 4).SetDate(t.PlannedOn);
                sheet.Cell(row, 5).SetValue(TrancheStatusName(t.Status));
                sheet.Cell(row, 6).SetDate(t.DateOf(TrancheStatus.Aangevraagd));
                sheet.Cell(row, 7).SetDate(t.DateOf(TrancheStatus.VerantwoordingIngediend));
                sheet.Cell(row, 8).SetDate(t.DateOf(TrancheStatus.Goedgekeurd));
                sheet.Cell(row, 9).SetDate(t.DateOf(TrancheStatus.Afgekeurd));
                sheet.Cell(row, 10).SetDate(t.DateOf(TrancheStatus.Uitbetaald));
                sheet.Cell(row, 11).SetMoney(t.PaidAmount);
                if (t.DateOf(TrancheStatus.Aangevraagd) is { } requested && t.DateOf(TrancheStatus.Uitbetaald) is { } paid)
                    sheet.Cell(row, 12).SetValue(NodaTime.Period.DaysBetween(requested, paid));
                row++;
            }
            sheet.Cell(row, 1).SetValue($"Totaal {grant.Scheme}: toegekend, uitbetaald, openstaand").Style.Font.SetItalic();
            sheet.Cell(row, 3).SetMoney(grant.AmountGranted);
            sheet.Cell(row, 11).SetMoney(view.TotalPaid);
            sheet.Cell(row, 12).SetMoney(view.Outstanding);
            row++;
        }
        return row;
    }

    private static int CashPosition(IXLWorksheet sheet, ProjectExport p, int row, SectionResults results)
    {
        Section(sheet, row++, "Kaspositie per maand (huidig regime: tranche na goedgekeurde verantwoording)");
        if (p.CashFlow is not { } cash)
        {
            sheet.Cell(row++, 1).SetValue("Geen kasstroomplan vastgelegd.");
            return row;
        }
        var o = cash.Outlook;
        sheet.Cell(row++, 1).SetValue(
            $"Vooruitblik per {DutchFormat.Month(o.Today)}: {o.RunwayMonths} maanden runway"
            + (o.GapStart is { } gap ? $", windstilte vanaf {DutchFormat.Month(gap)} ({o.GapMonths} maanden)" : "")
            + (o.MoneyNeededBy is { } by ? $", geld nodig uiterlijk {DutchFormat.Month(by)}" : "")
            + (o.RequestBy is { } request ? $", aanvraag uiterlijk {DutchFormat.Month(request)}" : "") + ".");
        sheet.Cell(row++, 1).SetValue($"Windstiltes: {cash.Summary.StallCount}, samen {cash.Summary.MonthsStalled} maanden; extra kosten door stilstand:");
        sheet.Cell(row - 1, 3).SetMoney(cash.Summary.ExtraCost);
        sheet.Cell(row++, 1).SetValue("Rood gemarkeerde maanden zijn windstilte: het geld dekte het werk niet, alleen de vaste kosten liepen door.");
        string[] header = ["Maand", "Status", "Fase", "Begin", "Ontvangen", "Uitgaven", "Eind (= begin + ontvangen − uitgaven)", "Werkmaand", "Gebeurtenissen"];
        for (var i = 0; i < header.Length; i++) sheet.Cell(row, i + 1).SetValue(header[i]);
        Header(sheet.Range(row, 1, row, header.Length));
        row++;
        var first = row;
        foreach (var m in cash.Months)
        {
            sheet.Cell(row, 1).SetMonth(m.Month);
            sheet.Cell(row, 2).SetValue(m.Status == MonthStatus.Stalled ? "windstilte" : "werk");
            sheet.Cell(row, 3).SetValue(m.Phase);
            if (row == first) sheet.Cell(row, 4).SetMoney(m.Opening);
            else
            {
                sheet.Cell(row, 4).FormulaA1 = $"G{row - 1}";
                sheet.Cell(row, 4).Style.NumberFormat.Format = Euro;
            }
            sheet.Cell(row, 5).SetMoney(m.Received);
            sheet.Cell(row, 6).SetMoney(m.Spent);
            sheet.Cell(row, 7).FormulaA1 = $"D{row}+E{row}-F{row}";
            sheet.Cell(row, 7).Style.NumberFormat.Format = Euro;
            sheet.Cell(row, 8).SetValue(m.WorkMonth);
            sheet.Cell(row, 9).SetValue(string.Join("; ", m.Events.Select(EventText)));
            if (m.Status == MonthStatus.Stalled) sheet.Range(row, 1, row, header.Length - 1).Style.Fill.BackgroundColor = StallFill;
            row++;
        }
        results.Cash = new CashLayout(first, cash.Months.Length, 4, 7);
        return row;
    }

    public static string TrancheStatusName(TrancheStatus status) => status switch
    {
        TrancheStatus.VerantwoordingIngediend => "Verantwoording ingediend",
        _ => status.ToString(),
    };

    private static string EventText(CashFlowEvent e) => e.Kind switch
    {
        EventKind.TranchePaid => $"tranche {e.Number} ontvangen ({DutchFormat.Money(e.Amount)})",
        EventKind.PhaseBudgetPaid => $"fasebudget {e.Number} ontvangen ({DutchFormat.Money(e.Amount)})",
        EventKind.TrancheRequested => $"tranche {e.Number} aangevraagd",
        EventKind.AccountingSubmitted => $"verantwoording ingediend ({DutchFormat.Money(e.Amount)})",
        EventKind.AccountingApproved => "verantwoording goedgekeurd",
        EventKind.BridgeDrawn => $"overbrugging opgenomen ({DutchFormat.Money(e.Amount)})",
        EventKind.BridgeRepaid => $"overbrugging afgelost ({DutchFormat.Money(e.Amount)})",
        EventKind.StallStarted => "windstilte begint",
        EventKind.WorkResumed => "werk hervat",
        EventKind.MilestoneMet => $"mijlpaal: {e.Name}",
        EventKind.WorkCompleted => "werk klaar",
        _ => e.Kind.ToString(),
    };

    /// <summary>"Stemmingen en instemming": the realisatiebesluit in force and tenant consent per complex (counts only).</summary>
    private static int DecisionsAndConsent(IXLWorksheet sheet, ProjectExport p, int row, SectionResults results)
    {
        Section(sheet, row++, "Stemmingen en instemming");
        if (p.Members is { Members: > 0 } m)
            sheet.Cell(row++, 1).SetValue($"Ledenregister: {m.Members} leden, waarvan {m.EligibleToVote} stemgerechtigd ({DutchFormat.Date(m.On)}).");
        if (p.Realisatiebesluit is { } d)
        {
            var r = d.Result;
            string[] header = ["Realisatiebesluit (ALV)", "Datum", "Uitslag", "Voor", "Tegen", "Onthouding", "Percentage voor", "Aanwezig of vertegenwoordigd", "Stemgerechtigd"];
            for (var i = 0; i < header.Length; i++) sheet.Cell(row, i + 1).SetValue(header[i]);
            Header(sheet.Range(row, 1, row, header.Length));
            row++;
            sheet.Cell(row, 1).SetValue($"{d.Title} ({d.MeetingId}/{d.ProposalId}{(d.Corrects is null ? "" : ", correctie op " + d.Corrects)})");
            sheet.Cell(row, 2).SetDate(d.MeetingDate);
            sheet.Cell(row, 3).SetValue(r.Outcome switch { Alv.DecisionOutcome.Aangenomen => "Aangenomen", Alv.DecisionOutcome.Verworpen => "Verworpen", _ => "Geen quorum" });
            sheet.Cell(row, 4).SetValue(r.For);
            sheet.Cell(row, 5).SetValue(r.Against);
            sheet.Cell(row, 6).SetValue(r.Abstain);
            sheet.Cell(row, 7).SetValue(r.ForPercent / 100m);
            sheet.Cell(row, 7).Style.NumberFormat.Format = "0.00%";
            sheet.Cell(row, 8).SetValue(r.PresentOrRepresented);
            sheet.Cell(row, 9).SetValue(r.EligibleMembers);
            row++;
            sheet.Cell(row++, 1).SetValue(r.Describe());
        }
        else sheet.Cell(row++, 1).SetValue("De ALV heeft over dit project nog geen realisatiebesluit genomen.");
        row++;
        if (p.Consent is not { } c) return row;
        if (c.NotApplicableReason is { } reason)
        {
            sheet.Cell(row++, 1).SetValue($"Huurdersinstemming: niet van toepassing ({reason}).");
            return row;
        }
        if (c.Complexes.IsEmpty)
        {
            sheet.Cell(row++, 1).SetValue("Huurdersinstemming: nog geen complexen vastgelegd.");
            return row;
        }
        string[] columns = ["Complex (huurdersinstemming)", "Corporatie", "Huurwoningen", "Akkoord", "Geweigerd", "Geen antwoord", "Drempel", "Nodig", "Gehaald", "Bezwaartermijn tot", "Prognose"];
        for (var i = 0; i < columns.Length; i++) sheet.Cell(row, i + 1).SetValue(columns[i]);
        Header(sheet.Range(row, 1, row, columns.Length));
        row++;
        foreach (var x in c.Complexes)
        {
            sheet.Cell(row, 1).SetValue(x.Name);
            sheet.Cell(row, 2).SetValue(x.Corporation);
            sheet.Cell(row, 3).SetValue(x.RentedHomes);
            sheet.Cell(row, 4).SetValue(x.Agreed);
            sheet.Cell(row, 5).SetValue(x.Refused);
            sheet.Cell(row, 6).SetValue(x.NoResponse);
            sheet.Cell(row, 7).SetValue(x.Threshold.ToString());
            sheet.Cell(row, 8).SetValue(x.Required);
            sheet.Cell(row, 9).SetValue(x.Reached ? "ja" : "nee");
            if (x.ObjectionPeriodEnds is { } ends) sheet.Cell(row, 10).SetDate(ends);
            sheet.Cell(row, 11).SetValue(x.Forecast.Explanation);
            if (!x.Reached) sheet.Range(row, 1, row, columns.Length).Style.Fill.SetBackgroundColor(XLColor.FromHtml("#F8D7DA"));
            row++;
        }
        return row;
    }
}
