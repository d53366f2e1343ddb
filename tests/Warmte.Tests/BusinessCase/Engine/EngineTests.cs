using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.BusinessCase.Model;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.BusinessCase.Engine;

public sealed class EngineTests
{
    internal static Inputs Ketelhuis() => ModelReader.Read(RepoFiles.Read("models", "ketelhuiswg.json")).Value!;

    [Fact]
    public void Ketelhuiswg_sources_cover_uses_at_financial_close_as_in_the_seed()
    {
        var kpis = BusinessCaseEngine.Evaluate(Ketelhuis()).Kpis;
        var su = kpis.SourcesAndUses;
        Assert.Equal(30_000_000m, su.Uses);
        Assert.Equal(2_500_000m, su.ThirdParty);
        Assert.Equal(7_800_000m, su.Loans);
        Assert.InRange(su.Subsidies, 13_000_000m, 13_500_000m);              // "just over € 13 M"
        Assert.InRange(su.ConnectionFees + su.BoilerBuyOff, 6_500_000m, 7_000_000m); // "almost € 7 M"
        Assert.True(su.Covered);
        Assert.Equal(su.Sources - su.Uses, su.Surplus);
    }

    [Fact]
    public void The_municipal_loan_at_three_percent_closes_and_a_commercial_rate_does_not()
    {
        var x = Ketelhuis();
        var cells = LoanGrid.Simulate(x, [0.03m, 0.07m], [33], [RepaymentType.Annuity], [3]);
        Assert.True(cells.Single(c => c.AnnualRate == 0.03m).Closes);
        Assert.False(cells.Single(c => c.AnnualRate == 0.07m).Closes);
    }

    [Fact]
    public void Every_year_adds_up_cash_and_investments_to_the_cent()
    {
        var x = Ketelhuis();
        var e = BusinessCaseEngine.Evaluate(x);
        Assert.Equal(x.HorizonYears, e.Years.Length);
        var cash = 0m;
        foreach (var y in e.Years)
        {
            Assert.Equal(y.Revenue - y.Opex, y.Ebitda);
            Assert.Equal(y.Ebitda - y.MraContribution, y.Cfads);
            Assert.Equal(y.Interest + y.Principal + y.GuaranteeFee, y.DebtService);
            Assert.Equal(y.Revenue - y.Opex - y.Replacements - y.DebtService - y.InitialInvestment + y.Subsidies + y.ConnectionFees
                         + y.LoanDrawdowns + y.MemberCapital + y.ThirdPartyFunding, y.NetCashFlow);
            cash += y.NetCashFlow;
            Assert.Equal(cash, y.CashBalance);
            Assert.Equal(decimal.Round(y.Revenue, 2), y.Revenue);
        }
        Assert.Equal(30_000_000m, e.Years.Sum(y => y.InitialInvestment));
        Assert.Equal(7_800_000m, e.Years.Sum(y => y.Principal));
        // The construction months add up to the investments spent in those months.
        Assert.Equal(e.ConstructionMonths.Sum(m => m.Investment),
            e.ConstructionMonths[^1].CumulativeInvestment - (e.ConstructionMonths[0].CumulativeInvestment - e.ConstructionMonths[0].Investment));
        Assert.Equal(28, e.ConstructionMonths.Length); // May 2025 .. Aug 2027
        Assert.Equal(1.0m, e.ConstructionMonths[^1].ConnectedShareAtEnd > 0.66m ? 1.0m : 0m);
    }

    [Fact]
    public void Niet_meer_dan_nu_and_the_acm_caps_are_checked_per_year()
    {
        var x = Ketelhuis();
        var e = BusinessCaseEngine.Evaluate(x);
        var first = e.Years[0];
        Assert.Equal(600m + 30m * 42m, first.HouseholdHeatCost);
        Assert.Equal(2000m, first.ReferenceGasCost);
        Assert.True(first.NietMeerDanNu);
        Assert.True(first.WithinAcmCap);                       // 2025 cap: € 43.79/GJ and € 760.77
        Assert.Null(e.Years[5].WithinAcmCap);                  // no cap data for 2030

        var expensive = BusinessCaseEngine.Evaluate(x with { TariffFactor = 1.2m });
        Assert.False(expensive.Years[0].WithinAcmCap);         // € 50.40/GJ is above the cap
        Assert.Contains(2025, expensive.Kpis.NietMeerDanNuBreaches); // € 2,232 > € 2,000
    }

    [Fact]
    public void The_maintenance_reserve_saves_for_the_heat_pump_replacement_before_it_falls_due()
    {
        var e = BusinessCaseEngine.Evaluate(Ketelhuis());
        var replacementYear = e.Years.Single(y => y.Replacements > 0m);
        Assert.Equal(2047, replacementYear.Year); // heat pumps finished 2027, 20-year life
        // Saved in the twenty years up to and including the year it falls due (to within rounding).
        var saved = e.Years.Where(y => y.Year is > 2027 and <= 2047).Sum(y => y.MraContribution);
        Assert.InRange(saved - replacementYear.Replacements, -1m, 1m);
        Assert.True(replacementYear.MraBalance >= -1m);
    }

    [Fact]
    public void The_solvers_find_values_that_just_meet_the_target()
    {
        var x = Ketelhuis();
        var tariff = Solvers.BreakEvenTariff(x).Value!.Value;
        Assert.True(Solvers.MeetsTarget(x, BusinessCaseEngine.Evaluate(x with { TariffFactor = tariff })));
        Assert.False(Solvers.MeetsTarget(x, BusinessCaseEngine.Evaluate(x with { TariffFactor = tariff - 0.001m })));

        var rate = Solvers.HighestAffordableRate(x).Value!.Value;
        Assert.True(rate > 0.03m);
        var loan = x.Loans[0];
        Assert.True(Solvers.MeetsTarget(x, BusinessCaseEngine.Evaluate(x with { Loans = [loan with { Terms = loan.Terms with { AnnualRate = rate } }] })));
        Assert.False(Solvers.MeetsTarget(x, BusinessCaseEngine.Evaluate(x with { Loans = [loan with { Terms = loan.Terms with { AnnualRate = rate + 0.001m } }] })));

        var largest = Solvers.LargestLoan(x).Value!.Value;
        Assert.True(largest > 7_800_000m);
        Assert.False(Solvers.MeetsTarget(x, BusinessCaseEngine.Evaluate(x with { Loans = [loan with { Terms = loan.Terms with { Principal = largest + 10_000m } }] })));
    }

    [Fact]
    public void Stress_tests_hurt_and_the_tornado_is_sorted_by_swing()
    {
        var x = Ketelhuis();
        var scenarios = StressTests.Run(x);
        var baseline = scenarios.Single(s => s.Key == "basis");
        Assert.All(scenarios.Where(s => s.Key != "basis"), s => Assert.True(s.Npv <= baseline.Npv, s.Key));
        Assert.True(scenarios.Single(s => s.Key == "rente-plus-2").MinDscr < baseline.MinDscr);
        var bars = StressTests.Tornado(x);
        Assert.Equal(bars.OrderByDescending(b => b.NpvSwing).Select(b => b.Input), bars.Select(b => b.Input));
    }

    [Fact]
    public void Monte_carlo_with_the_same_seed_gives_the_same_result_and_orders_its_percentiles()
    {
        var x = Ketelhuis();
        var a = MonteCarlo.Run(x, 600, seed: 7);
        var b = MonteCarlo.Run(x, 600, seed: 7);
        var c = MonteCarlo.Run(x, 600, seed: 8);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a, Warmte.Serialization.WarmteJson.Default),
            System.Text.Json.JsonSerializer.Serialize(b, Warmte.Serialization.WarmteJson.Default));
        Assert.NotEqual(a.NpvP50, c.NpvP50);
        Assert.True(a.NpvP10 <= a.NpvP50 && a.NpvP50 <= a.NpvP90);
        Assert.True(a.MinDscrP10 <= a.MinDscrP50 && a.MinDscrP50 <= a.MinDscrP90);
        Assert.InRange(a.ProbabilityMinDscrBelowOne, 0m, 1m);
    }

    [Fact]
    public void Evaluation_is_deterministic()
    {
        var x = Ketelhuis();
        var json1 = System.Text.Json.JsonSerializer.Serialize(BusinessCaseEngine.Evaluate(x), Warmte.Serialization.WarmteJson.Default);
        var json2 = System.Text.Json.JsonSerializer.Serialize(BusinessCaseEngine.Evaluate(x), Warmte.Serialization.WarmteJson.Default);
        Assert.Equal(json1, json2);
    }
}
