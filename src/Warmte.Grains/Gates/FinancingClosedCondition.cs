using Warmte.BusinessCase.Versions;

namespace Warmte.Gates;

/// <summary>
/// Met when the latest saved business-case version closes: sources cover uses and no tested year
/// falls below the lender's minimum DSCR. The evidence quotes the version and its figures.
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
        return new ConditionResult(Key, Description, k.FinancingCloses, evidence);
    }
}
