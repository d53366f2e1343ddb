using System.Collections.Immutable;
using NodaTime;
using Warmte.Grants;

namespace Warmte.CashFlow;

/// <summary>
/// Whether a cash-flow plan fits the project it is saved for (tester9a T4): a plan that starts before the project or the
/// cooperative, tranches above the grants recorded, an opening balance nobody booked. Warnings, never refusals: a board may
/// save a plan first and record its grants later, and a what-if over a whole subsidy (the KetelhuisWG model) is legitimate.
/// Pure; answered with the save (<c>PUT …/cashflow-plan</c>'s <c>warnings</c>, <c>warmte cashflow save</c>).
/// </summary>
public static class PlanFit
{
    public static ImmutableArray<string> Warnings(CashFlowPlan plan, LocalDate? projectStartedOn, LocalDate? cooperativeFoundedOn, IEnumerable<GrantView> grants)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var warnings = ImmutableArray.CreateBuilder<string>();

        // The plan's start month against the project's start and the founding: months before either are simulated work and
        // payments that never happened, which the cash page and the workbooks then show as history.
        var before = new List<string>();
        if (projectStartedOn is { } started && plan.StartMonth < started.ToYearMonth())
            before.Add($"de start van het project ({DutchFormat.Date(started)})");
        if (cooperativeFoundedOn is { } founded && plan.StartMonth < founded.ToYearMonth())
            before.Add($"de oprichting van de coöperatie ({DutchFormat.Date(founded)})");
        if (before.Count > 0)
        {
            var latest = new[] { projectStartedOn, cooperativeFoundedOn }.Where(d => d is not null).Max()!.Value.ToYearMonth();
            warnings.Add($"Het plan begint in {DutchFormat.Month(plan.StartMonth)}, vóór {string.Join(" en ", before)}: de simulatie van het plan "
                         + "vanaf de start rekent dan met werk en betalingen uit maanden waarin het project er nog niet was. "
                         + $"Beschrijft het plan dit project, zet dan startMonth op {latest.Year:0000}-{latest.Month:00} of later.");
        }

        // The plan's tranches against the grants recorded for the project: the projection from the actual state counts no more
        // than is left of the recorded grants, the plan's own simulation counts the plan's tranches.
        var recorded = grants.Sum(g => g.Grant.AmountGranted);
        var tranches = plan.Grant.Tranches.Sum();
        if (tranches > recorded)
            warnings.Add(recorded == 0m
                ? $"De tranches van het plan zijn samen {DutchFormat.Money(tranches)}, maar voor dit project is nog geen subsidie vastgelegd "
                  + "(€ 0,00). Leg de subsidie vast (warmte grant create); tot dan rekent de prognose met de tranches van het plan."
                : $"De tranches van het plan zijn samen {DutchFormat.Money(tranches)}, meer dan de subsidies die voor dit project zijn vastgelegd "
                  + $"({DutchFormat.Money(recorded)}). De prognose vanaf de werkelijke stand telt niet meer dan er over is van de vastgelegde "
                  + "subsidies; de simulatie van het plan vanaf de start telt wel alle tranches van het plan.");

        // The opening balance is the plan's assumption, not a booking: said where the cash line shows it (beginsaldo volgens plan).
        if (plan.OpeningBalance != 0m)
            warnings.Add(OpeningBalanceText(plan.OpeningBalance) + " Klopt het niet met de bank bij de start van het plan, pas dan openingBalance aan.");
        return warnings.ToImmutable();
    }

    /// <summary>The one sentence for an opening balance from the plan, in the save's warnings and with the cash position.</summary>
    public static string OpeningBalanceText(decimal openingBalance) =>
        $"Het beginsaldo van {DutchFormat.Money(openingBalance)} komt uit het kasstroomplan (beginsaldo volgens plan): een aanname, geen geboekt "
        + "bedrag. De werkelijke kaspositie telt het mee als beginsaldo volgens plan.";
}
