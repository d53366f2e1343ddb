using System.Collections.Immutable;
using ClosedXML.Excel;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Spreadsheets.Import;

namespace Warmte.Spreadsheets.Export;

/// <summary>
/// "Begroting": the project's budget and actual spending per month and category, in exactly the
/// layout <c>warmte import budget</c> reads, so a treasurer can take the export, change it and import
/// it again (and importing it unchanged changes nothing).
/// </summary>
public static class BudgetSheet
{
    public const string Name = "Begroting";

    /// <summary>
    /// One row per work package per work month, in the calendar month the cash timeline does that work month
    /// (<paramref name="calendar"/>, the budget frame the import places a budget on, so an unchanged export imports as
    /// "werkplan ongewijzigd"; without one the plan's start month is work month 1 and nothing stalls; a work month after
    /// the cash line's end — the money runs out first — is in the month the calendar places it as if the money came), the month's booked spending of that
    /// category in its first row (or a row of its own when the plan has nothing of that category that month).
    /// <paramref name="spent"/> is the spending per month and kind, folded from the cash plan's journal in pages of months
    /// (<see cref="ICashFlowPlanGrain.SpendingByKind"/>). Pure.
    /// </summary>
    public static ImmutableArray<BudgetRow> Lines(CashFlowPlan? plan, IEnumerable<MonthKindSpending> spent, WorkCalendar? calendar = null)
    {
        var rows = new List<BudgetRow>();
        if (plan is not null)
        {
            var frame = calendar ?? WorkCalendar.Straight(plan.StartMonth, plan.WorkMonths);
            foreach (var package in plan.WorkPlan)
                for (var w = package.FromMonth; w <= Math.Min(package.ToMonth, plan.WorkMonths); w++)
                    if (frame.MonthOf(w) is { } month)
                        rows.Add(new BudgetRow(month, package.Kind, package.MonthlyCost, null, package.RunsDuringStall, package.Name));
        }
        foreach (var actual in spent.Where(s => s.Bookings > 0))
        {
            var index = rows.FindIndex(r => r.Month == actual.Month && r.Kind == actual.Kind);
            if (index >= 0) rows[index] = rows[index] with { Actual = actual.Amount };
            else rows.Add(new BudgetRow(actual.Month, actual.Kind, null, actual.Amount, BudgetImport.RunsDuringStallByDefault(actual.Kind), null));
        }
        return [.. rows.OrderBy(r => r.Month).ThenBy(r => r.Kind)];
    }

    public static void Write(IXLWorksheet sheet, ImmutableArray<BudgetRow> lines)
    {
        var headers = BudgetImport.Columns.Select(c => c.Label).ToArray();
        for (var c = 0; c < headers.Length; c++) sheet.Cell(1, c + 1).SetValue(headers[c]).Style.Font.Bold = true;
        var row = 2;
        foreach (var line in lines)
        {
            sheet.Cell(row, 1).SetValue(NodaTime.Text.YearMonthPattern.Iso.Format(line.Month));
            sheet.Cell(row, 2).SetValue(BudgetImport.KindLabel(line.Kind));
            if (line.Planned is { } planned) sheet.Cell(row, 3).SetValue(planned).Style.NumberFormat.Format = SheetFormat.Euro;
            if (line.Actual is { } actual) sheet.Cell(row, 4).SetValue(actual).Style.NumberFormat.Format = SheetFormat.Euro;
            sheet.Cell(row, 5).SetValue(line.RunsDuringStall ? "ja" : "nee");
            if (line.Name is { } name) sheet.Cell(row, 6).SetValue(name);
            row++;
        }
        sheet.SheetView.FreezeRows(1);
        double[] widths = [10, 14, 14, 14, 12, 40];
        for (var c = 0; c < widths.Length; c++) sheet.Column(c + 1).Width = widths[c];
    }
}
