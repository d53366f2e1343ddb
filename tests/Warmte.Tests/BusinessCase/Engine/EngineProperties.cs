using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.BusinessCase.Engine;

namespace Warmte.Tests.BusinessCase.Engine;

/// <summary>Rules that hold for every variation of the reference model, not only the reference itself.</summary>
public sealed class EngineProperties
{
    private static readonly Inputs Reference = EngineTests.Ketelhuis();

    private static Arbitrary<decimal> Rates() => Gen.Choose(0, 1200).Select(bp => bp / 10_000m).ToArbitrary();

    [Property(MaxTest = 60)]
    public Property Min_dscr_never_rises_when_the_rate_rises() =>
        Prop.ForAll(Rates(), Rates(), (a, b) =>
        {
            var (low, high) = a <= b ? (a, b) : (b, a);
            var loan = Reference.Loans[0];
            decimal? MinDscr(decimal rate) => BusinessCaseEngine.Evaluate(
                Reference with { Loans = [loan with { Terms = loan.Terms with { AnnualRate = rate } }] }, EvaluationDepth.Ratios).Kpis.MinDscr;
            Assert.True(MinDscr(high) <= MinDscr(low), $"{low} -> {MinDscr(low)}, {high} -> {MinDscr(high)}");
        });

    [Property(MaxTest = 25)]
    public Property Scaling_every_amount_leaves_the_ratios_unchanged() =>
        Prop.ForAll(Gen.Elements(2m, 3m, 10m).ToArbitrary(), k =>
        {
            var x = Reference;
            var scaled = x with
            {
                Investments = [.. x.Investments.Select(i => i with { Amount = i.Amount * k })],
                Subsidies = [.. x.Subsidies.Select(s => s with { Amount = s.Amount * k })],
                FeePerConnection = x.FeePerConnection * k,
                BoilerBuyOffPerConnection = x.BoilerBuyOffPerConnection * k,
                MemberCapital = x.MemberCapital * k,
                Loans = [.. x.Loans.Select(l => l with { Terms = l.Terms with { Principal = l.Terms.Principal * k } })],
                Revenue = x.Revenue with { FixedTariffPerYear = x.Revenue.FixedTariffPerYear * k, VariableTariffPerGj = x.Revenue.VariableTariffPerGj * k, ReferenceGasCostPerYear = x.Revenue.ReferenceGasCostPerYear * k },
                Opex = x.Opex with
                {
                    ElectricityPricePerKwh = x.Opex.ElectricityPricePerKwh * k, OrganisationPerYear = x.Opex.OrganisationPerYear * k,
                    InsurancePerYear = x.Opex.InsurancePerYear * k, ThirdPartyFeePerYear = x.Opex.ThirdPartyFeePerYear * k,
                },
            };
            var a = BusinessCaseEngine.Evaluate(x).Kpis;
            var b = BusinessCaseEngine.Evaluate(scaled).Kpis;
            // Amounts are booked in cents, so ratios agree to within rounding, not bit for bit.
            Assert.InRange(b.MinDscr!.Value - a.MinDscr!.Value, -0.0002m, 0.0002m);
            Assert.InRange(b.Llcr!.Value - a.Llcr!.Value, -0.0002m, 0.0002m);
            Assert.InRange(b.Irr!.Value - a.Irr!.Value, -0.00001m, 0.00001m);
            Assert.InRange(b.Npv - a.Npv * k, -k * 5m, k * 5m);
            Assert.Equal(a.MinDscrYear, b.MinDscrYear);
        });

    [Property(MaxTest = 40)]
    public Property A_higher_tariff_never_lowers_the_min_dscr_or_the_npv() =>
        Prop.ForAll(Gen.Choose(50, 200).ToArbitrary(), Gen.Choose(50, 200).ToArbitrary(), (a, b) =>
        {
            var (low, high) = a <= b ? (a / 100m, b / 100m) : (b / 100m, a / 100m);
            var l = BusinessCaseEngine.Evaluate(Reference with { TariffFactor = low }, EvaluationDepth.Ratios).Kpis;
            var h = BusinessCaseEngine.Evaluate(Reference with { TariffFactor = high }, EvaluationDepth.Ratios).Kpis;
            Assert.True(h.MinDscr >= l.MinDscr);
            Assert.True(h.Npv >= l.Npv);
        });

    /// <summary>A drawdown schedule: 1..12 months from May 2025 to at most March 2027 (within the construction period and the three grace years), shares of up to 6 decimals adding up to 1.</summary>
    private static Arbitrary<ImmutableArray<Drawdown>> Schedules() =>
        (from weights in Gen.Choose(1, 1000).ArrayOf().Where(w => w.Length is >= 1 and <= 12)
         from gaps in Gen.Choose(0, 1).ArrayOf(weights.Length)
         select Schedule(weights, gaps))
            .Where(s => !s.IsEmpty)
            .ToArbitrary();

    private static ImmutableArray<Drawdown> Schedule(int[] weights, int[] gaps)
    {
        var total = weights.Sum();
        var shares = weights.Select(w => decimal.Round((decimal)w / total, 6)).ToArray();
        shares[^1] = 1m - shares[..^1].Sum();
        if (shares.Any(s => s <= 0m)) return [];
        var month = new YearMonth(2025, 5);
        var result = ImmutableArray.CreateBuilder<Drawdown>();
        for (var i = 0; i < shares.Length; i++)
        {
            result.Add(new Drawdown(month, shares[i]));
            month = month.PlusMonths(1 + gaps[i]);
        }
        return result.ToImmutable();
    }

    private static Inputs WithSchedule(ImmutableArray<Drawdown> schedule, decimal principal, decimal rate)
    {
        var loan = Reference.Loans[0];
        return Reference with
        {
            Loans = [loan with { DrawdownYear = 2025, Drawdowns = schedule, Terms = loan.Terms with { Principal = principal, AnnualRate = rate } }],
        };
    }

    [Property(MaxTest = 60)]
    public Property Drawdowns_add_up_to_the_principal_to_the_cent() =>
        Prop.ForAll(Schedules(), Gen.Choose(1, 2_000_000_000).Select(c => c / 100m).ToArbitrary(), (schedule, principal) =>
        {
            var x = WithSchedule(schedule, principal, 0.03m);
            var amounts = x.Loans[0].DrawdownAmounts();
            Assert.All(amounts, a => Assert.True(a.Amount >= 0m));
            Assert.Equal(principal, amounts.Sum(a => a.Amount));
            var e = BusinessCaseEngine.Evaluate(x, EvaluationDepth.Ratios);
            Assert.Equal(principal, e.Years.Sum(y => y.LoanDrawdowns));
            Assert.Equal(principal, e.ConstructionMonths[^1].LoanDrawn);
            Assert.Equal(principal, e.Years.Sum(y => y.Principal));
        });

    [Property(MaxTest = 40)]
    public Property Interest_during_construction_is_zero_at_rate_zero_and_never_more_than_on_the_whole_principal() =>
        Prop.ForAll(Schedules(), schedule =>
        {
            Assert.Equal(0m, BusinessCaseEngine.Evaluate(WithSchedule(schedule, 7_800_000m, 0m), EvaluationDepth.Ratios).Kpis.InterestDuringConstruction);
            var drawnLater = BusinessCaseEngine.Evaluate(WithSchedule(schedule, 7_800_000m, 0.03m), EvaluationDepth.Ratios).Kpis.InterestDuringConstruction;
            var drawnAtOnce = BusinessCaseEngine.Evaluate(WithSchedule([new Drawdown(new YearMonth(2025, 1), 1m)], 7_800_000m, 0.03m), EvaluationDepth.Ratios).Kpis.InterestDuringConstruction;
            Assert.InRange(drawnLater, 0m, drawnAtOnce);
        });

    [Property(MaxTest = 60)]
    public Property The_reserves_are_never_negative_and_never_above_their_targets() =>
        Prop.ForAll(Gen.Choose(60, 160).ToArbitrary(), Gen.Choose(80, 130).ToArbitrary(), Gen.Choose(0, 24).ToArbitrary(), (tariff, capex, delayMonths) =>
        {
            var x = Reference with
            {
                TariffFactor = tariff / 100m, CapexFactor = capex / 100m,
                Revenue = Reference.Revenue with { RampUpDelayYears = delayMonths / 12m },
            };
            foreach (var y in BusinessCaseEngine.Evaluate(x, EvaluationDepth.Ratios).Years)
            {
                Assert.InRange(y.MraBalance, 0m, y.MraTarget);
                Assert.InRange(y.DsraBalance, 0m, Math.Max(0m, y.DsraTarget));
                Assert.True(y.MraBalance + y.DsraBalance <= Math.Max(0m, y.CashBalance));
            }
        });
}
