using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;

namespace Warmte.BusinessCase.Analysis;

/// <summary>A solved value, or why there is none.</summary>
public sealed record Solution(decimal? Value, string Explanation);

/// <summary>
/// The values a financier asks for, solved by bisection on the engine: the lowest tariff, the
/// highest interest rate and the largest loan at which every tested year still meets the target
/// DSCR. The engine is monotone in each (DSCR rises with tariff, falls with rate and principal),
/// which is what makes bisection valid.
/// </summary>
public static class Solvers
{
    private const int Iterations = 48;

    /// <summary>Meets the lender's target: no tested year below the target DSCR (no debt: NPV ≥ 0).</summary>
    public static bool MeetsTarget(Inputs x, Evaluation e) =>
        e.Kpis.MinDscr is { } min ? min >= x.TargetDscr : e.Kpis.Npv >= 0m;

    /// <summary>The lowest factor on both tariffs (1 = the model's tariffs) that meets the target.</summary>
    public static Solution BreakEvenTariff(Inputs x)
    {
        var low = 0m;
        var high = 20m;
        if (!MeetsTarget(x, Evaluate(x with { TariffFactor = high })))
            return new(null, "Ook bij 20 keer het tarief wordt de doel-DSCR niet gehaald.");
        if (MeetsTarget(x, Evaluate(x with { TariffFactor = low })))
            return new(0m, "De doel-DSCR wordt zelfs zonder tariefinkomsten gehaald.");
        for (var i = 0; i < Iterations; i++)
        {
            var mid = (low + high) / 2m;
            if (MeetsTarget(x, Evaluate(x with { TariffFactor = mid }))) high = mid; else low = mid;
        }
        var factor = Math.Ceiling(high * 10_000m) / 10_000m;
        return new(factor, $"Laagste tariefniveau: {DutchFormat.Percent(factor)} van de tarieven in het model "
                           + $"(vast {DutchFormat.Money(x.Revenue.FixedTariffPerYear * factor)} per jaar, variabel {DutchFormat.Money(x.Revenue.VariableTariffPerGj * factor)} per GJ, prijspeil {x.PriceBaseYear}).");
    }

    /// <summary>The highest annual rate on loan <paramref name="loanIndex"/> that meets the target, within −5%..50%.</summary>
    public static Solution HighestAffordableRate(Inputs x, int loanIndex = 0)
    {
        if (x.Loans.Length <= loanIndex) return new(null, "Het model heeft geen lening om te variëren.");
        Inputs WithRate(decimal rate) => x with { Loans = x.Loans.SetItem(loanIndex, x.Loans[loanIndex] with { Terms = x.Loans[loanIndex].Terms with { AnnualRate = rate } }) };
        var low = -0.05m;
        var high = 0.5m;
        if (!MeetsTarget(x, Evaluate(WithRate(low))))
            return new(null, "Zelfs bij −5% rente wordt de doel-DSCR niet gehaald.");
        if (MeetsTarget(x, Evaluate(WithRate(high))))
            return new(high, "Ook bij 50% rente wordt de doel-DSCR gehaald.");
        for (var i = 0; i < Iterations; i++)
        {
            var mid = (low + high) / 2m;
            if (MeetsTarget(x, Evaluate(WithRate(mid)))) low = mid; else high = mid;
        }
        var rate = Math.Floor(low * 100_000m) / 100_000m;
        return new(rate, $"Hoogste rente op de lening van {x.Loans[loanIndex].Lender} waarbij de DSCR elk jaar ten minste {DutchFormat.Ratio(x.TargetDscr)} is: {DutchFormat.Percent(rate, 3)}.");
    }

    /// <summary>The largest principal of loan <paramref name="loanIndex"/> the cash flows carry at the target DSCR (debt sizing), in whole euros.</summary>
    public static Solution LargestLoan(Inputs x, int loanIndex = 0)
    {
        if (x.Loans.Length <= loanIndex) return new(null, "Het model heeft geen lening om te variëren.");
        Inputs WithPrincipal(decimal principal) => x with { Loans = x.Loans.SetItem(loanIndex, x.Loans[loanIndex] with { Terms = x.Loans[loanIndex].Terms with { Principal = principal } }) };
        var low = 1m;
        var high = Math.Max(1_000m, x.Investments.Sum(i => i.Amount) * 10m);
        if (!MeetsTarget(x, Evaluate(WithPrincipal(low))))
            return new(0m, "De kasstromen dragen geen lening bij de doel-DSCR.");
        for (var i = 0; i < 64 && high - low > 1m; i++)
        {
            var mid = Math.Floor((low + high) / 2m);
            if (MeetsTarget(x, Evaluate(WithPrincipal(mid)))) low = mid; else high = mid;
        }
        return new(low, $"Grootste lening van {x.Loans[loanIndex].Lender} bij een DSCR van ten minste {DutchFormat.Ratio(x.TargetDscr)}: {DutchFormat.Money(low)}.");
    }

    private static Evaluation Evaluate(Inputs x) => BusinessCaseEngine.Evaluate(x, EvaluationDepth.Ratios);
}
