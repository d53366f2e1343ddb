using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.BusinessCase.Model;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.BusinessCase.Engine;

/// <summary>
/// The engine computes DSCRs, the LLCR and the IRR by double-precision shortcuts with proven error bounds, and
/// the NPVs by an exact-rounding decimal Horner (docs/performance.md). These properties recompute each KPI from
/// the engine's own yearly table, for random variations of both reference models: the ratios and the IRR the
/// straightforward way in decimal, requiring the same decimal — value and number of decimals (compared as
/// text, so 1,25 and 1,2500 differ) — and the NPVs exactly, in big integers, to the cent.
/// </summary>
public sealed class ShortcutProperties
{
    private static readonly Inputs[] Models =
    [
        EngineTests.Ketelhuis(),
        ModelReader.Read(RepoFiles.Read("models", "zonnedak-sporthal.json")).Value!,
    ];

    private static Arbitrary<Inputs> Variations() =>
        (from model in Gen.Elements(Models)
         from tariff in Gen.Choose(60, 160)
         from capex in Gen.Choose(80, 140)
         from discountBp in Gen.Choose(-400, 1600)
         from rateBp in Gen.Choose(-200, 1000)
         from term in Gen.Choose(8, 40)
         from grace in Gen.Choose(0, 4)
         from type in Gen.Elements(Enum.GetValues<RepaymentType>())
         from electricity in Gen.Choose(50, 160)
         select model with
         {
             TariffFactor = tariff / 100m,
             CapexFactor = capex / 100m,
             DiscountRate = discountBp / 10_000m,
             Loans = [.. model.Loans.Select(l => l with { Terms = l.Terms with { AnnualRate = rateBp / 10_000m, TermYears = term, GraceYears = Math.Min(grace, term - 1), Type = type } })],
             Opex = model.Opex with { ElectricityPricePerKwh = model.Opex.ElectricityPricePerKwh * electricity / 100m },
         }).ToArbitrary();

    /// <summary>NPV as a spreadsheet computes it, by Horner's rule with the discount factor 1/(1+rate) in decimal.</summary>
    private static decimal Npv(decimal rate, IEnumerable<decimal> values)
    {
        var discount = 1m / (1m + rate);
        var acc = 0m;
        foreach (var v in values.Reverse()) acc = (acc + v) * discount;
        return acc;
    }

    /// <summary>
    /// The NPVs (money) are the exact NPV — a fraction of big integers — rounded half away from zero to the
    /// cent, and always two decimals. The engine's own computation is within 1e-7 € of the exact value, so where
    /// the exact NPV lies that close to a half cent either neighbouring cent is accepted (never met by chance).
    /// </summary>
    private static void AssertExactNpvToTheCent(decimal rate, IEnumerable<decimal> values, decimal actual)
    {
        // NPV = Σ v_i / (1+r)^(i+1) with r = R / 10^k and v_i = V_i / 100 (cents): in cents, over the common
        // denominator (10^k + R)^n, it is Σ V_i · 10^(k(i+1)) · (10^k + R)^(n−i−1).
        var (rateMantissa, rateScale) = Parts(rate);
        var one = BigInteger.Pow(10, rateScale);
        var onePlusRate = one + rateMantissa;
        var flows = values.ToArray();
        var n = flows.Length;
        var numerator = BigInteger.Zero;
        for (var i = 0; i < n; i++)
        {
            var (m, scale) = Parts(flows[i]);
            numerator += m * BigInteger.Pow(10, 2 - scale) * BigInteger.Pow(one, i + 1) * BigInteger.Pow(onePlusRate, n - i - 1);
        }
        var denominator = BigInteger.Pow(onePlusRate, n);
        var cents = BigInteger.DivRem(BigInteger.Abs(numerator), denominator, out var remainder);
        var twice = 2 * remainder;
        if (twice >= denominator) cents++;
        var expected = (decimal)(numerator.Sign < 0 ? -cents : cents) / 100m;
        Assert.Equal(2, actual.Scale);
        // Distance of the exact value to the half cent, in cents: |2·remainder − denominator| / (2·denominator).
        var nearHalfCent = BigInteger.Abs(twice - denominator) * 100_000 < denominator * 2; // within 1e-5 cent = 1e-7 €
        if (nearHalfCent) Assert.True(Math.Abs(actual - expected) <= 0.01m);
        else Assert.Equal(expected, actual);
    }

    /// <summary>A decimal's signed integer mantissa and its scale (decimals); the scale is at most 2 for the amounts here.</summary>
    private static (BigInteger Mantissa, int Scale) Parts(decimal d)
    {
        var bits = decimal.GetBits(d);
        var m = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | (uint)bits[0];
        return (bits[3] < 0 ? -m : m, (bits[3] >> 16) & 0xFF);
    }

    private static string Cents(decimal v) => (v.Scale <= 2 ? v : decimal.Round(v, 2, MidpointRounding.AwayFromZero)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Ratio(decimal v) => decimal.Round(v, 4, MidpointRounding.AwayFromZero).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Text(decimal? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Property(MaxTest = 150)]
    public Property The_kpis_equal_a_straightforward_decimal_computation_from_the_yearly_table() =>
        Prop.ForAll(Variations(), x =>
        {
            var e = BusinessCaseEngine.Evaluate(x);
            var years = e.Years;
            AssertExactNpvToTheCent(x.DiscountRate, years.Select(y => y.ProjectCashFlow), e.Kpis.Npv);
            AssertExactNpvToTheCent(x.DiscountRate, years.Select(y => y.NetCashFlow - y.MemberCapital), e.Kpis.NpvAfterFinancing);
            foreach (var y in years)
                Assert.Equal(y.DebtService > 0m ? Ratio(y.Cfads / y.DebtService) : null, Text(y.Dscr));

            var irr = SpreadsheetFunctions.Irr([.. years.Select(y => y.ProjectCashFlow)]);
            Assert.Equal(irr is { } i ? decimal.Round(i, 6, MidpointRounding.AwayFromZero).ToString(System.Globalization.CultureInfo.InvariantCulture) : null, Text(e.Kpis.Irr));

            // LLCR: NPV of CFADS from the first tested year to the last maturity, at the principal-weighted rate,
            // over the debt outstanding at the start of that year (all of it is repaid from then on, or left at the end).
            var first = years.ToList().FindIndex(y => y.CovenantTested);
            if (first < 0 || e.Kpis.Llcr is null) return;
            var rate = x.Loans.Sum(l => l.Terms.Principal * l.Terms.AnnualRate) / x.Loans.Sum(l => l.Terms.Principal);
            var maturity = Math.Min(x.Loans.Max(l => l.MaturityYear), x.EndYear) - x.StartYear;
            var debt = years.Skip(first).Sum(y => y.Principal) + e.Kpis.DebtOutstandingAtEnd;
            Assert.Equal(Ratio(Npv(rate, years.Skip(first).Take(maturity - first + 1).Select(y => y.Cfads)) / debt), Text(e.Kpis.Llcr));
        });
}
