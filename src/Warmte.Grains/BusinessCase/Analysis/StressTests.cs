using System.Collections.Immutable;
using Warmte.BusinessCase.Engine;

namespace Warmte.BusinessCase.Analysis;

/// <summary>The outcome of one scenario next to the base case.</summary>
public sealed record ScenarioResult(string Key, string Description, decimal Npv, decimal NpvAfterFinancing, decimal? MinDscr, int? MinDscrYear, bool Closes, decimal LowestCashBalance, int LowestCashBalanceYear)
{
    /// <summary>The gap in time beside <see cref="Closes"/>: how far the lowest cash balance is below zero (0 when it never is).</summary>
    public decimal BridgingNeeded => CashGap.BridgingNeeded(LowestCashBalance);
}

/// <summary>One input varied down and up, all else equal: one bar of a tornado chart.</summary>
public sealed record SensitivityBar(string Input, string Description, decimal NpvLow, decimal NpvHigh, decimal? MinDscrLow, decimal? MinDscrHigh)
{
    public decimal NpvSwing => Math.Abs(NpvHigh - NpvLow);
}

/// <summary>Stress tests lenders ask for, and one-at-a-time sensitivity (tornado data).</summary>
public static class StressTests
{
    /// <summary>Named variations of the inputs; each is applied alone to the base case.</summary>
    public static readonly ImmutableArray<(string Key, string Description, Func<Inputs, Inputs> Apply)> Scenarios =
    [
        ("basis", "Basisscenario", x => x),
        ("volloop-1-jaar-later", "Volloopplan één jaar trager", x => x with { Revenue = x.Revenue with { RampUpDelayYears = 1m } }),
        ("volloop-2-jaar-later", "Volloopplan twee jaar trager", x => x with { Revenue = x.Revenue with { RampUpDelayYears = 2m } }),
        ("investering-plus-10", "Investeringen 10% hoger", x => x with { CapexFactor = 1.10m }),
        ("investering-plus-20", "Investeringen 20% hoger", x => x with { CapexFactor = 1.20m }),
        ("stroom-plus-25", "Elektriciteitsprijs 25% hoger", x => x with { Opex = x.Opex with { ElectricityPricePerKwh = x.Opex.ElectricityPricePerKwh * 1.25m } }),
        ("stroom-plus-50", "Elektriciteitsprijs 50% hoger", x => x with { Opex = x.Opex with { ElectricityPricePerKwh = x.Opex.ElectricityPricePerKwh * 1.5m } }),
        ("rente-plus-1", "Rente 1 procentpunt hoger", x => ShiftRates(x, 0.01m)),
        ("rente-plus-2", "Rente 2 procentpunt hoger", x => ShiftRates(x, 0.02m)),
        ("tarief-min-10", "Tarieven 10% lager", x => x with { TariffFactor = x.TariffFactor * 0.9m }),
    ];

    public static ImmutableArray<ScenarioResult> Run(Inputs x) =>
    [
        .. Scenarios.Select(s =>
        {
            var e = BusinessCaseEngine.Evaluate(s.Apply(x), EvaluationDepth.Ratios);
            return new ScenarioResult(s.Key, s.Description, e.Kpis.Npv, e.Kpis.NpvAfterFinancing, e.Kpis.MinDscr, e.Kpis.MinDscrYear, e.Kpis.FinancingCloses, e.Kpis.LowestCashBalance, e.Kpis.LowestCashBalanceYear);
        }),
    ];

    /// <summary>Each input −<paramref name="swing"/> and +<paramref name="swing"/> (default 10%), sorted by NPV swing, largest first.</summary>
    public static ImmutableArray<SensitivityBar> Tornado(Inputs x, decimal swing = 0.10m)
    {
        (string, string, Func<Inputs, decimal, Inputs>)[] inputs =
        [
            ("tarief", "Tarieven", (i, f) => i with { TariffFactor = i.TariffFactor * f }),
            ("investering", "Investeringen", (i, f) => i with { CapexFactor = i.CapexFactor * f }),
            ("warmtevraag", "Warmtevraag per woningequivalent", (i, f) => i with { Revenue = i.Revenue with { HeatDemandGjPerWeq = i.Revenue.HeatDemandGjPerWeq * f } }),
            ("stroomprijs", "Elektriciteitsprijs", (i, f) => i with { Opex = i.Opex with { ElectricityPricePerKwh = i.Opex.ElectricityPricePerKwh * f } }),
            ("organisatie", "Organisatiekosten", (i, f) => i with { Opex = i.Opex with { OrganisationPerYear = i.Opex.OrganisationPerYear * f } }),
            ("rente", "Rente", (i, f) => i with { Loans = [.. i.Loans.Select(l => l with { Terms = l.Terms with { AnnualRate = Math.Clamp(l.Terms.AnnualRate * f, -0.05m, 0.5m) } })] }),
            ("subsidie", "Subsidies", (i, f) => i with { Subsidies = [.. i.Subsidies.Select(s => s with { Amount = BusinessCaseEngine.Cents(s.Amount * f) })] }),
        ];
        return
        [
            .. inputs.Select(input =>
            {
                var (key, description, apply) = input;
                var low = BusinessCaseEngine.Evaluate(apply(x, 1m - swing), EvaluationDepth.Ratios).Kpis;
                var high = BusinessCaseEngine.Evaluate(apply(x, 1m + swing), EvaluationDepth.Ratios).Kpis;
                return new SensitivityBar(key, description, low.Npv, high.Npv, low.MinDscr, high.MinDscr);
            }).OrderByDescending(b => b.NpvSwing),
        ];
    }

    private static Inputs ShiftRates(Inputs x, decimal points) =>
        x with { Loans = [.. x.Loans.Select(l => l with { Terms = l.Terms with { AnnualRate = Math.Min(0.5m, l.Terms.AnnualRate + points) } })] };
}
