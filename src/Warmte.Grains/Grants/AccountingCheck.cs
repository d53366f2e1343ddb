using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Grants;

/// <summary>
/// Checks a grant's accountings (verantwoordingen) against the spending the board booked (tester T17: "verantwoord € 404.000"
/// stood next to € 222.000 booked, tranche 3's € 196.000 against € 111.000 booked in its period, without a word). The checks
/// warn, they do not refuse: the accounting is what the board sent the funder, the funder judges it, and the spending
/// ledger may lag (bookings are entered later, a month total is imported later), so a refusal would block a true accounting.
/// The spending is booked per month, so a period counts every month it touches. Nothing booked at all, or a period that starts
/// before the first month with spending booked: no check (the ledger does not cover it). Pure.
/// </summary>
public static class AccountingCheck
{
    /// <summary>
    /// The warnings for <paramref name="grant"/>, in Dutch, in tranche order: every tranche whose accounting is more than the
    /// spending booked in the months of its period, then the grant's accountings together against all spending booked (in the
    /// months of any of their periods). Empty when nothing was accounted or everything is covered.
    /// </summary>
    public static ImmutableArray<string> Warnings(Grant grant, IReadOnlyCollection<(YearMonth Month, decimal Spent)> booked)
    {
        var warnings = ImmutableArray.CreateBuilder<string>();
        var accounted = grant.Tranches.Where(t => t.Accounting is not null).OrderBy(t => t.Number).ToList();
        // A board that books no spending here at all keeps it elsewhere: an empty ledger says nothing about the accounting. Nor
        // does it about a period that starts before the first month with spending booked (bookings that start late).
        if (booked.Where(b => b.Spent != 0m).Select(b => (YearMonth?)b.Month).Min() is not { } firstBooked) return [];
        accounted = [.. accounted.Where(t => t.Accounting!.PeriodFrom.ToYearMonth() >= firstBooked)];
        if (accounted.Count == 0) return [];
        decimal Booked(IEnumerable<YearMonth> months)
        {
            var set = months.ToHashSet();
            return booked.Where(b => set.Contains(b.Month)).Sum(b => b.Spent);
        }
        var allMonths = new HashSet<YearMonth>();
        foreach (var tranche in accounted)
        {
            var a = tranche.Accounting!;
            var months = MonthsOf(a.PeriodFrom, a.PeriodTo).ToList();
            allMonths.UnionWith(months);
            var inPeriod = Booked(months);
            if (a.AmountSpent > inPeriod)
                warnings.Add($"Tranche {tranche.Number}: verantwoord {DutchFormat.Money(a.AmountSpent)} over {DutchFormat.Date(a.PeriodFrom)} – "
                             + $"{DutchFormat.Date(a.PeriodTo)}, maar in {Months(months)} is {DutchFormat.Money(inPeriod)} aan uitgaven geboekt "
                             + $"({DutchFormat.Money(a.AmountSpent - inPeriod)} meer verantwoord dan geboekt). Boek de uitgaven of controleer de verantwoording.");
        }
        var total = accounted.Sum(t => t.Accounting!.AmountSpent);
        var bookedTotal = Booked(allMonths);
        if (accounted.Count > 1 && total > bookedTotal)
            warnings.Add($"Samen verantwoord {DutchFormat.Money(total)} met {accounted.Count} verantwoordingen, maar in hun perioden is "
                         + $"{DutchFormat.Money(bookedTotal)} aan uitgaven geboekt; verantwoordingen over dezelfde maanden tellen in het totaal dubbel.");
        return warnings.ToImmutable();
    }

    private static IEnumerable<YearMonth> MonthsOf(LocalDate from, LocalDate to)
    {
        for (var m = from.ToYearMonth(); m <= to.ToYearMonth(); m = m.PlusMonths(1)) yield return m;
    }

    private static string Months(IReadOnlyList<YearMonth> months) =>
        months.Count == 1 ? DutchFormat.Month(months[0]) : $"{DutchFormat.Month(months[0])} – {DutchFormat.Month(months[^1])}";
}
