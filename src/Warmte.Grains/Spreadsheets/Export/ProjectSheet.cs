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
    public delegate int Section(SheetCells sheet, ProjectExport project, int row, SectionResults results);

    /// <summary>What the sections report back: the layouts of their formula parts.</summary>
    public sealed class SectionResults
    {
        public BusinessCaseLayout? BusinessCase { get; set; }
        public CashLayout? Cash { get; set; }
    }

    public static readonly ImmutableArray<Section> Sections = [Facts, BusinessCase, Tranches, CashPosition, DecisionsAndConsent];

    /// <summary>The project's sheet through ClosedXML's object model (tests, small workbooks).</summary>
    public static ProjectSheetLayout Write(XLWorkbook workbook, ProjectExport project, ISet<string> takenNames) =>
        Write(new ClosedXmlCells(workbook.AddWorksheet(SheetName(project.Project.Id, takenNames))), project);

    /// <summary>The project's sheet as a streamed sheet of <paramref name="workbook"/>, written when it is saved; its name.</summary>
    public static string Add(ExportWorkbook workbook, ProjectExport project, ISet<string> takenNames)
    {
        var name = SheetName(project.Project.Id, takenNames);
        workbook.AddStreamedSheet(name, sheet => Write(sheet, project));
        return name;
    }

    public static ProjectSheetLayout Write(SheetCells sheet, ProjectExport project)
    {
        var results = new SectionResults();
        var row = 1;
        foreach (var section in Sections) row = section(sheet, project, row, results) + 1;
        var years = project.BusinessCase?.Inputs.HorizonYears ?? 0;
        sheet.Widths([48, 18, 18, .. Enumerable.Repeat(15.0, Math.Max(years, 10))]);
        sheet.FreezeColumns(1);
        return new ProjectSheetLayout(sheet.Name, results.BusinessCase, results.Cash);
    }

    private static int Facts(SheetCells sheet, ProjectExport p, int row, SectionResults results)
    {
        var project = p.Project;
        sheet.Value(row, 1, $"{project.Name} ({project.Id})");
        sheet.Bold(row, 1);
        sheet.FontSize(row, 1, 14);
        row += 2;
        void Fact(string label, Action<int> set)
        {
            sheet.Value(row, 1, label);
            set(row);
            row++;
        }
        Fact("Coöperatie", r => sheet.Value(r, 2, p.CooperativeName));
        Fact("Soort", r => sheet.Value(r, 2, CooperativeRules.DutchKind(p.Kind)));
        Fact("Fase", r => sheet.Value(r, 2, project.Phase.ToString()));
        Fact("In deze fase sinds", r => sheet.Date(r, 2, project.PhaseSince));
        Fact("Maanden in fase", r => sheet.Value(r, 2, project.MonthsInPhase));
        Fact("Woningequivalenten", r => sheet.Value(r, 2, project.Woningequivalenten));
        Fact("Geplande aansluitingen", r => sheet.Value(r, 2, project.PlannedConnections));
        Fact("Techniek", r => sheet.Value(r, 2, project.Technology ?? ""));
        Fact("Volgende open poortvoorwaarde", r => sheet.Value(r, 2, project.NextUnmetCondition ?? "geen"));
        Fact("Open signalen", r => sheet.Value(r, 2, p.Alerts.Length));
        foreach (var alert in p.Alerts)
        {
            sheet.Value(row, 2, $"{Alerts.AlertSeverityLabels.Label(alert.Severity)}: {alert.Message}");
            row++;
        }
        return row;
    }

    private static int BusinessCase(SheetCells sheet, ProjectExport p, int row, SectionResults results)
    {
        if (p.BusinessCase is not { } bc)
        {
            sheet.Section(row++, "Businesscase");
            sheet.Value(row++, 1, "Er is voor dit project nog geen businesscase opgeslagen.");
            return row;
        }
        sheet.Value(row++, 1, 
            $"Businesscaseversie {bc.Version}, opgeslagen door {bc.SavedBy} op {DutchFormat.Date(Common.AmsterdamTime.DateOf(bc.SavedAt))}.");
        var layout = BusinessCaseSheet.Write(sheet, bc.Inputs, row);
        results.BusinessCase = layout;
        return layout.NextRow;
    }

    private static int Tranches(SheetCells sheet, ProjectExport p, int row, SectionResults results)
    {
        sheet.Section(row++, "Subsidies en tranches");
        if (p.Grants.IsEmpty)
        {
            sheet.Value(row++, 1, "Geen subsidies vastgelegd.");
            return row;
        }
        string[] header = ["Subsidie (financier, regeling)", "Tranche", "Gepland bedrag", "Gepland op", "Status", "Aangevraagd",
            "Verantwoording ingediend", "Goedgekeurd", "Afgekeurd", "Uitbetaald", "Bedrag uitbetaald", "Dagen aanvraag → betaling"];
        for (var i = 0; i < header.Length; i++) sheet.Value(row, i + 1, header[i]);
        sheet.Header(row, 1, header.Length);
        row++;
        foreach (var view in p.Grants)
        {
            var grant = view.Grant;
            foreach (var t in grant.Tranches)
            {
                sheet.Value(row, 1, $"{grant.Funder}, {grant.Scheme}");
                sheet.Value(row, 2, t.Number);
                sheet.Money(row, 3, t.PlannedAmount);
                sheet.Date(row, 4, t.PlannedOn);
                sheet.Value(row, 5, TrancheStatusName(grant, t));
                sheet.Date(row, 6, t.DateOf(TrancheStatus.Aangevraagd));
                sheet.Date(row, 7, t.DateOf(TrancheStatus.VerantwoordingIngediend));
                sheet.Date(row, 8, t.DateOf(TrancheStatus.Goedgekeurd));
                sheet.Date(row, 9, t.DateOf(TrancheStatus.Afgekeurd));
                sheet.Date(row, 10, t.DateOf(TrancheStatus.Uitbetaald));
                sheet.Money(row, 11, t.PaidAmount);
                if (t.DateOf(TrancheStatus.Aangevraagd) is { } requested && t.DateOf(TrancheStatus.Uitbetaald) is { } paid)
                    sheet.Value(row, 12, NodaTime.Period.DaysBetween(requested, paid));
                row++;
            }
            sheet.Value(row, 1, $"Totaal {grant.Scheme}: toegekend, uitbetaald, openstaand");
            sheet.Italic(row, 1);
            sheet.Money(row, 3, grant.AmountGranted);
            sheet.Money(row, 11, view.TotalPaid);
            sheet.Money(row, 12, view.Outstanding);
            row++;
        }
        return row;
    }

    private static int CashPosition(SheetCells sheet, ProjectExport p, int row, SectionResults results)
    {
        if (p.CashFlow is not { } cash)
        {
            sheet.Section(row++, "Kaspositie per maand (huidig regime: tranche na goedgekeurde verantwoording)");
            sheet.Value(row++, 1, "Geen kasstroomplan vastgelegd.");
            return row;
        }
        // The actual cash line, as warmte cash-timeline shows it (tester T3: the sheet showed the plan simulated from its start,
        // € -4.000 in a month whose real balance was € 57.713,40, under an outlook taken from the real state).
        if (p.CashTimeline is { } timeline) return ActualCashLine(sheet, timeline, row, results);
        return PlanSimulation(sheet, cash, row, results);
    }

    /// <summary>The outlook line above a cash table: runway, gap, money needed by, request by, and the cash below zero (tester T2).</summary>
    private static string OutlookLine(Outlook o) =>
        o.State == OutlookState.StoppedAtCap
            ? $"Vooruitblik per {DutchFormat.Month(o.Today)}: {o.Note ?? Outlook.StoppedAtCapText}"
            : $"Vooruitblik per {DutchFormat.Month(o.Today)}: "
              // One phrase per state, the cash short first (tester T6): "werk ligt stil (sinds 09-2026)", not "0 maanden runway".
              + o.MoneyLastsText
              // moneyLastsText names the money to find when no payment restarts the work (tester9a T1).
              + (o.RunsOut ? ""
                  : o.GapStart is { } gap && o.State != OutlookState.InStall ? $", windstilte vanaf {DutchFormat.Month(gap)} ({o.GapMonths} {DutchFormat.Noun(o.GapMonths ?? 0, "maand", "maanden")})"
                  : o.State == OutlookState.InStall && o.GapMonths is { } length ? $" ({length} {DutchFormat.Noun(length, "maand", "maanden")} in totaal)" : "")
              + (o.MoneyNeededBy is { } by ? $", geld nodig uiterlijk {DutchFormat.Month(by)}" : "")
              + (o.RequestBy is { } request ? $", aanvraag uiterlijk {DutchFormat.Month(request)}" : "") + "."
              + (o.CashShortText is { } shortText ? " " + shortText : "");

    private static readonly string[] CashHeader =
        ["Maand", "Soort", "Status", "Fase", "Begin", "Ontvangen", "Uitgaven", "Eind (= begin + ontvangen − uitgaven)", "Werkmaand", "Gebeurtenissen"];

    /// <summary>
    /// The actual months up to today (tranches paid, spending booked), then the months expected from the actual state: one row
    /// per month, opening (from the second row) and closing as formulas. The outlook above it is the project's one answer.
    /// </summary>
    private static int ActualCashLine(SheetCells sheet, CashTimeline t, int row, SectionResults results)
    {
        sheet.Section(row++, $"Kaspositie per maand: werkelijk t/m {DutchFormat.Month(t.Today)}, daarna verwacht (huidig regime: tranche na goedgekeurde verantwoording)");
        sheet.Value(row++, 1, OutlookLine(t.Outlook));
        foreach (var cap in t.State.CappedTranches) sheet.Value(row++, 1, "Let op: " + cap.Text);
        if (t.Actual.OpeningBalanceNote is { } opening) sheet.Value(row++, 1, "Let op: " + opening);
        if (t.Projection is { } projection)
        {
            sheet.Value(row++, 1, $"Windstiltes in de verwachting: {projection.Summary.StallCount}, samen {projection.Summary.MonthsStalled} "
                                  + $"{DutchFormat.Noun(projection.Summary.MonthsStalled, "maand", "maanden")}; extra kosten door stilstand:");
            sheet.Money(row - 1, 3, projection.Summary.ExtraCost);
        }
        sheet.Value(row++, 1, "Werkelijk = betaalde tranches en geboekte uitgaven; werkelijk + plan = ook de geplande uitgaven die nog niet geboekt zijn "
                              + "(de vaste kosten van de lopende maand, of zonder boekingen de uitgaven van het plan tot nu); "
                              + "verwacht = vanaf de werkelijke stand met de aangevraagde tranches en het plan. "
                              + "Rood gemarkeerde maanden zijn windstilte: het geld dekt het werk niet, alleen de vaste kosten lopen door. "
                              + "Het kasstroomplan gesimuleerd vanaf de start staat op de kasstroompagina (warmte cashflow).");
        for (var i = 0; i < CashHeader.Length; i++) sheet.Value(row, i + 1, CashHeader[i]);
        sheet.Header(row, 1, CashHeader.Length);
        row++;
        var first = row;
        void Chain(decimal opening, decimal received, decimal spent)
        {
            if (row == first) sheet.Money(row, 5, opening);
            else
            {
                sheet.Formula(row, 5, $"H{row - 1}");
                sheet.Format(row, 5, Euro);
            }
            sheet.Money(row, 6, received);
            sheet.Money(row, 7, spent);
            sheet.Formula(row, 8, $"E{row}+F{row}-G{row}");
            sheet.Format(row, 8, Euro);
        }
        foreach (var m in t.Actual.Months)
        {
            sheet.Month(row, 1, m.Month);
            sheet.Value(row, 2, m.Planned == 0m ? "werkelijk" : "werkelijk + plan");
            Chain(m.Opening, m.Received, m.Spent);
            // The plan's spending where nothing is booked (testers T2, T3), said in the row.
            if (m.Planned != 0m) sheet.Value(row, 10, $"waarvan {DutchFormat.Money(m.Planned)} gepland, nog niet geboekt");
            row++;
        }
        var projected = t.Projection?.Months ?? [];
        foreach (var m in projected)
        {
            sheet.Month(row, 1, m.Month);
            sheet.Value(row, 2, "verwacht");
            sheet.Value(row, 3, m.Status switch { MonthStatus.Stalled => "windstilte", MonthStatus.Waiting => "wacht op mijlpaal", _ => "werk" });
            sheet.Value(row, 4, m.Phase);
            Chain(m.Opening, m.Received, m.Spent);
            sheet.Value(row, 9, m.WorkMonth);
            sheet.Value(row, 10, string.Join("; ", m.Events.Select(EventText)));
            if (m.Status == MonthStatus.Stalled) sheet.Fill(row, 1, CashHeader.Length - 1, StallFill);
            row++;
        }
        results.Cash = new CashLayout(first, t.Actual.Months.Length + projected.Length, 5, 8);
        // Where the table ends, and why (tester T3: it stopped at "windstilte begint" without a word).
        sheet.Value(row++, 1, t.Projection switch
        {
            null => "Het werkplan is af; er valt niets meer te verwachten.",
            { Summary.Completed: true } done => $"Het werk is volgens de verwachting klaar in {DutchFormat.Month(done.Summary.CompletedIn!.Value)}.",
            { Outlook.State: OutlookState.StoppedAtCap } => Outlook.StoppedAtCapText,
            var stopped => $"De verwachting stopt in {DutchFormat.Month(stopped.Months[^1].Month)}: het werk ligt stil en daarna komt er geen geld meer; "
                           + "zonder nieuwe financiering komt het werk niet af.",
        });
        return row;
    }

    /// <summary>Without the actual cash line (a caller that has only the plan): the plan simulated from its start, titled as the plan.</summary>
    private static int PlanSimulation(SheetCells sheet, CashFlowResult cash, int row, SectionResults results)
    {
        sheet.Section(row++, "Kasstroomplan per maand: simulatie van het plan vanaf de start (geen werkelijke stand; huidig regime: tranche na goedgekeurde verantwoording)");
        sheet.Value(row++, 1, OutlookLine(cash.Outlook));
        sheet.Value(row++, 1, $"Windstiltes: {cash.Summary.StallCount}, samen {cash.Summary.MonthsStalled} {DutchFormat.Noun(cash.Summary.MonthsStalled, "maand", "maanden")}; extra kosten door stilstand:");
        sheet.Money(row - 1, 3, cash.Summary.ExtraCost);
        sheet.Value(row++, 1, "Rood gemarkeerde maanden zijn windstilte: het geld dekte het werk niet, alleen de vaste kosten liepen door.");
        string[] header = ["Maand", "Status", "Fase", "Begin", "Ontvangen", "Uitgaven", "Eind (= begin + ontvangen − uitgaven)", "Werkmaand", "Gebeurtenissen"];
        for (var i = 0; i < header.Length; i++) sheet.Value(row, i + 1, header[i]);
        sheet.Header(row, 1, header.Length);
        row++;
        var first = row;
        foreach (var m in cash.Months)
        {
            sheet.Month(row, 1, m.Month);
            sheet.Value(row, 2, m.Status switch { MonthStatus.Stalled => "windstilte", MonthStatus.Waiting => "wacht op mijlpaal", _ => "werk" });
            sheet.Value(row, 3, m.Phase);
            if (row == first) sheet.Money(row, 4, m.Opening);
            else
            {
                sheet.Formula(row, 4, $"G{row - 1}");
                sheet.Format(row, 4, Euro);
            }
            sheet.Money(row, 5, m.Received);
            sheet.Money(row, 6, m.Spent);
            sheet.Formula(row, 7, $"D{row}+E{row}-F{row}");
            sheet.Format(row, 7, Euro);
            sheet.Value(row, 8, m.WorkMonth);
            sheet.Value(row, 9, string.Join("; ", m.Events.Select(EventText)));
            if (m.Status == MonthStatus.Stalled) sheet.Fill(row, 1, header.Length - 1, StallFill);
            row++;
        }
        results.Cash = new CashLayout(first, cash.Months.Length, 4, 7);
        return row;
    }

    private static readonly XLColor ConsentMissedFill = XLColor.FromHtml("#F8D7DA");

    /// <summary>The status, and "(voorschot)" for a first tranche paid as an advance (tester T3): why its accounting date is empty.</summary>
    public static string TrancheStatusName(Grant grant, Tranche tranche) =>
        TrancheStatusName(tranche.Status)
        + (tranche.ApprovedAsAdvance || (tranche.Status == TrancheStatus.Aangevraagd && GrantRules.IsAdvance(grant, tranche.Number)) ? " (voorschot)" : "");

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
    private static int DecisionsAndConsent(SheetCells sheet, ProjectExport p, int row, SectionResults results)
    {
        sheet.Section(row++, "Stemmingen en instemming");
        if (p.Members is { Members: > 0 } m)
            sheet.Value(row++, 1, $"Ledenregister: {m.Members} {DutchFormat.Noun(m.Members, "lid", "leden")}, waarvan {m.EligibleToVote} stemgerechtigd ({DutchFormat.Date(m.On)}).");
        if (p.Realisatiebesluit is { } d)
        {
            var r = d.Result;
            string[] header = ["Realisatiebesluit (ALV)", "Datum", "Uitslag", "Voor", "Tegen", "Onthouding", "Percentage voor", "Aanwezig of vertegenwoordigd", "Stemgerechtigd"];
            for (var i = 0; i < header.Length; i++) sheet.Value(row, i + 1, header[i]);
            sheet.Header(row, 1, header.Length);
            row++;
            sheet.Value(row, 1, $"{d.Title} ({d.MeetingId}/{d.ProposalId}{(d.Corrects is null ? "" : ", correctie op " + d.Corrects)})");
            sheet.Date(row, 2, d.MeetingDate);
            sheet.Value(row, 3, r.Outcome switch { Alv.DecisionOutcome.Aangenomen => "Aangenomen", Alv.DecisionOutcome.Verworpen => "Verworpen", _ => "Geen quorum" });
            sheet.Value(row, 4, r.For);
            sheet.Value(row, 5, r.Against);
            sheet.Value(row, 6, r.Abstain);
            sheet.Value(row, 7, r.ForPercent / 100m);
            sheet.Format(row, 7, "0.00%");
            sheet.Value(row, 8, r.PresentOrRepresented);
            sheet.Value(row, 9, r.EligibleMembers);
            row++;
            sheet.Value(row++, 1, r.Describe());
        }
        else sheet.Value(row++, 1, "De ALV heeft over dit project nog geen realisatiebesluit genomen.");
        row++;
        if (p.Consent is not { } c) return row;
        if (c.NotApplicableReason is { } reason)
        {
            sheet.Value(row++, 1, $"Huurdersinstemming: niet van toepassing ({reason}).");
            return row;
        }
        if (c.Complexes.IsEmpty)
        {
            sheet.Value(row++, 1, "Huurdersinstemming: nog geen complexen vastgelegd.");
            return row;
        }
        string[] columns = ["Complex (huurdersinstemming)", "Corporatie", "Huurwoningen", "Akkoord", "Geweigerd", "Geen antwoord", "Drempel", "Nodig", "Gehaald", "Bezwaartermijn tot", "Prognose"];
        for (var i = 0; i < columns.Length; i++) sheet.Value(row, i + 1, columns[i]);
        sheet.Header(row, 1, columns.Length);
        row++;
        foreach (var x in c.Complexes)
        {
            sheet.Value(row, 1, x.Name);
            sheet.Value(row, 2, x.Corporation);
            sheet.Value(row, 3, x.RentedHomes);
            sheet.Value(row, 4, x.Agreed);
            sheet.Value(row, 5, x.Refused);
            sheet.Value(row, 6, x.NoResponse);
            sheet.Value(row, 7, x.Threshold.ToString());
            sheet.Value(row, 8, x.Required);
            sheet.Value(row, 9, x.Reached ? "ja" : "nee");
            if (x.ObjectionPeriodEnds is { } ends) sheet.Date(row, 10, ends);
            sheet.Value(row, 11, x.Forecast.Explanation);
            if (!x.Reached) sheet.Fill(row, 1, columns.Length, ConsentMissedFill);
            row++;
        }
        return row;
    }
}
