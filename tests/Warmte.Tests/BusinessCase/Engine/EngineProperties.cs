using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
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
}
