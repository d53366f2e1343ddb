using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.BusinessCase.Model;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.BusinessCase.Engine;

/// <summary>
/// The engine computes NPVs, DSCRs, the LLCR and the IRR by double-precision shortcuts with proven error
/// bounds (docs/performance.md). These properties recompute each KPI the straightforward way, in decimal,
/// from the engine's own yearly table, for random variations of both reference models, and require the
/// same decimal — value and number of decimals (compared as text, so 1,25 and 1,2500 differ).
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

    private static string Cents(decimal v) => (v.Scale <= 2 ? v : decimal.Round(v, 2, MidpointRounding.AwayFromZero)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Ratio(decimal v) => decimal.Round(v, 4, MidpointRounding.AwayFromZero).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Text(decimal? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Property(MaxTest = 150)]
    public Property The_kpis_equal_a_straightforward_decimal_computation_from_the_yearly_table() =>
        Prop.ForAll(Variations(), x =>
        {
            var e = BusinessCaseEngine.Evaluate(x);
            var years = e.Years;
            Assert.Equal(Cents(Npv(x.DiscountRate, years.Select(y => y.ProjectCashFlow))), Text(e.Kpis.Npv));
            Assert.Equal(Cents(Npv(x.DiscountRate, years.Select(y => y.NetCashFlow - y.MemberCapital))), Text(e.Kpis.NpvAfterFinancing));
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
