using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Versions;

namespace Warmte.Gates;

/// <summary>
/// Met when the latest saved business-case version closes: sources cover uses and no tested year
/// falls below the lender's minimum DSCR. The evidence quotes the version and its figures, and warns of a
/// cash gap in time (a year whose cash balance is below zero), which does not stop the gate.
/// </summary>
public sealed class FinancingClosedCondition : IGateCondition
{
    public string Key => "financiering-sluit";

    public string Description => "Business case sluit (bronnen ≥ bestedingen, DSCR ≥ minimum van de financier)";

    public ConditionResult Evaluate(GateContext context)
    {
        if (context.Known.Financing is not { } f)
            return new ConditionResult(Key, Description, false, "Nog geen business case bewaard.");
        var k = f.Kpis;
        var dscr = k.MinDscr is { } min
            ? $"min. DSCR {DutchFormat.Ratio(min)} ({k.MinDscrYear}) tegen minimum {DutchFormat.Ratio(k.LenderMinDscr)}"
            : "geen lening";
        var evidence = $"Versie {f.Version} van {DutchFormat.Date(Common.AmsterdamTime.DateOf(f.SavedAt))}: bronnen {DutchFormat.Money(k.Sources)}, bestedingen {DutchFormat.Money(k.Uses)} ({(k.Surplus >= 0 ? "overschot" : "tekort")} {DutchFormat.Money(Math.Abs(k.Surplus))}); {dscr}.";
        // A cash gap in time does not stop the gate (closing is sources ≥ uses over the horizon, domain.md's BC2 asks
        // no more), but the people deciding must see it beside the verdict.
        if (CashGap.Shortfall(k.LowestCashBalance, k.LowestCashBalanceYear) is { } shortfall)
            evidence += k.FinancingCloses
                ? $" Let op: de financiering sluit op papier, maar {shortfall}."
                : $" Bovendien {shortfall}.";
        return new ConditionResult(Key, Description, k.FinancingCloses, evidence);
    }
}
