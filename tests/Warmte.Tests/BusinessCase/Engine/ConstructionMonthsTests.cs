using System.Text.Json.Nodes;
using NodaTime;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Model;

namespace Warmte.Tests.BusinessCase.Engine;

/// <summary>Format 2: monthly drawdowns and connections in the construction years, indexed investments, and format 1 files.</summary>
public sealed class ConstructionMonthsTests
{
    private static Inputs Read(JsonObject model)
    {
        var outcome = ModelReader.Read(model.ToJsonString());
        Assert.True(outcome.IsOk, string.Join("; ", outcome.Refusal?.Errors.Select(e => $"{e.Field}: {e.Reason}") ?? []));
        return outcome.Value!;
    }

    /// <summary>The reference model written as format 1: no format 2 fields, the loan drawn whole in 2025.</summary>
    private static JsonObject KetelhuisAsFormat1()
    {
        var model = ModelReaderTests.Ketelhuis();
        model["formatVersion"] = 1;
        foreach (var item in model["investments"]!.AsArray()) item!.AsObject().Remove("fixedPrice");
        var loan = model["sources"]!["loans"]![0]!.AsObject();
        loan.Remove("drawdowns");
        loan["drawdownYear"] = 2025;
        model["revenues"]!.AsObject().Remove("rampUpMonths");
        model.Remove("uncertainties");
        return model;
    }

    [Fact]
    public void The_loan_is_drawn_month_by_month_and_interest_during_construction_is_paid_on_the_balance_drawn()
    {
        var e = BusinessCaseEngine.Evaluate(EngineTests.Ketelhuis());
        // Drawn 20% in May and September 2025, January and May 2026, 10% in September 2026 and January 2027.
        Assert.Equal(7_800_000m, e.ConstructionMonths.Sum(m => m.LoanDrawdown));
        Assert.Equal(1_560_000m, e.ConstructionMonths.Single(m => m.Month == new YearMonth(2025, 5)).LoanDrawdown);
        Assert.Equal(3_120_000m, e.ConstructionMonths.Single(m => m.Month == new YearMonth(2025, 12)).LoanDrawn);
        Assert.Equal(7_800_000m, e.ConstructionMonths[^1].LoanDrawn);
        Assert.Equal([3_120_000m, 3_900_000m, 780_000m], e.Years.Take(3).Select(y => y.LoanDrawdowns));

        // 2025: 1.56 M for 8 months and 1.56 M for 4 months at 3%: 0.03 × 18.72 M / 12.
        Assert.Equal(46_800m, e.Years[0].Interest);
        // 2026: 4.68 M all year, 1.56 M from May, 0.78 M from September.
        Assert.Equal(179_400m, e.Years[1].Interest);
        Assert.Equal(234_000m, e.Years[2].Interest);
        Assert.Equal(46_800m + 179_400m + 234_000m, e.Kpis.InterestDuringConstruction);
        // Paid, not capitalised: the repayments add up to the principal drawn.
        Assert.Equal(7_800_000m, e.Years.Sum(y => y.Principal));
        Assert.All(e.Years.Take(3), y => Assert.Equal(0m, y.Principal));
    }

    [Fact]
    public void Connections_follow_the_monthly_plan_and_their_fees_add_up_to_the_year()
    {
        var x = EngineTests.Ketelhuis();
        var e = BusinessCaseEngine.Evaluate(x);
        var months = e.ConstructionMonths.ToDictionary(m => m.Month);
        Assert.Equal(0.2m, months[new YearMonth(2026, 6)].ConnectedShareAtEnd);
        Assert.Equal(200m, months[new YearMonth(2026, 6)].ConnectionsAtEnd);       // 1,000 connections
        Assert.Equal(1.0m, months[new YearMonth(2027, 8)].ConnectedShareAtEnd);    // last connection August 2027
        // Between plan points the share grows linearly: April 2026 lies a third of the way from March (10%) to June (20%).
        Assert.Equal(0.1333333333m, months[new YearMonth(2026, 4)].ConnectedShareAtEnd);
        foreach (var year in new[] { 2026, 2027 })
            Assert.Equal(e.Years.Single(y => y.Year == year).ConnectionFees,
                e.ConstructionMonths.Where(m => m.Month.Year == year).Sum(m => m.ConnectionFees));
        // Revenue follows the average of the twelve month-end shares: 2026 averages the monthly plan.
        decimal[] monthEnds = [0.05m + 0.05m / 3, 0.05m + 0.1m / 3, 0.1m, 0.1m + 0.1m / 3, 0.1m + 0.2m / 3, 0.2m,
                               0.24m, 0.28m, 0.32m, 0.32m + 0.13m / 3, 0.32m + 0.26m / 3, 0.45m];
        var expected = monthEnds.Sum() / 12m;
        Assert.InRange(e.Years[1].ConnectedWeq - 1500m * expected, -0.01m, 0.01m);
    }

    [Fact]
    public void A_format_1_file_still_loads_with_its_meaning_and_format_2_fields_in_it_are_refused_with_the_upgrade()
    {
        var x = Read(KetelhuisAsFormat1());
        var e = BusinessCaseEngine.Evaluate(x);
        Assert.Equal(30_000_000m, e.Kpis.SourcesAndUses.Uses);          // format 1: initial spending not indexed
        Assert.Equal(7_800_000m, e.Years[0].LoanDrawdowns);              // drawn whole in January 2025
        Assert.Equal(234_000m, e.Years[0].Interest);
        Assert.Equal(7_800_000m, e.ConstructionMonths[0].LoanDrawn);    // before construction starts in May

        var mixed = KetelhuisAsFormat1();
        mixed["sources"]!["loans"]![0]!["drawdowns"] = new JsonArray(new JsonObject { ["month"] = "2025-05", ["share"] = 1 });
        mixed["investments"]![1]!["fixedPrice"] = false;
        mixed["uncertainties"] = ModelReaderTests.Ketelhuis()["uncertainties"]!.DeepClone();
        var refusal = ModelReader.Read(mixed.ToJsonString()).Refusal!;
        Assert.Contains(refusal.Errors, e => e.Field == "uncertainties" && e.Reason.Contains("formatVersion op 2"));
        Assert.Contains(refusal.Errors, e => e.Field == "sources.loans[0].drawdowns" && e.Reason.Contains("formatVersion op 2"));
        Assert.Contains(refusal.Errors, e => e.Field == "investments[1].fixedPrice");
    }

    [Theory]
    [InlineData("[{\"month\": \"2025-05\", \"share\": 0.5}, {\"month\": \"2025-09\", \"share\": 0.4}]", "sources.loans[0].drawdowns")]
    [InlineData("[{\"month\": \"2025-05\", \"share\": 0.5}, {\"month\": \"2025-03\", \"share\": 0.5}]", "sources.loans[0].drawdowns[1].month")]
    [InlineData("[{\"month\": \"2025-05\", \"share\": 0.5}, {\"month\": \"2028-01\", \"share\": 0.5}]", "sources.loans[0].drawdowns[1].month")]
    [InlineData("[{\"month\": \"2025-05\", \"share\": 0}, {\"month\": \"2025-09\", \"share\": 1}]", "sources.loans[0].drawdowns[0].share")]
    [InlineData("[]", "sources.loans[0].drawdowns")]
    public void Bad_drawdowns_are_refused_by_path(string drawdowns, string field)
    {
        var model = ModelReaderTests.Ketelhuis();
        model["sources"]!["loans"]![0]!["drawdowns"] = JsonNode.Parse(drawdowns);
        // 2028 lies after the three grace years 2025-2027: repayment would start before the whole principal is drawn.
        var errors = ModelReader.Read(model.ToJsonString()).Refusal!.Errors;
        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void Drawdown_year_and_drawdowns_together_and_a_monthly_share_outside_its_year_ends_are_refused()
    {
        var model = ModelReaderTests.Ketelhuis();
        model["sources"]!["loans"]![0]!["drawdownYear"] = 2025;
        model["revenues"]!["rampUpMonths"]![2]!["connectedShare"] = 0.5;   // March 2026 above the 45% of end 2026
        model["revenues"]!["rampUpMonths"]![3]!["month"] = "2026-12";      // December is the year end
        var fields = ModelReader.Read(model.ToJsonString()).Refusal!.Errors.Select(e => e.Field).ToList();
        Assert.Contains("sources.loans[0].drawdownYear", fields);
        Assert.Contains("revenues.rampUpMonths[2].connectedShare", fields);
        Assert.Contains("revenues.rampUpMonths[3].month", fields);
    }

    [Fact]
    public void Indexation_applies_to_initial_and_replacement_spending_from_the_same_price_level()
    {
        var model = ModelReaderTests.Ketelhuis();
        var pumps = model["investments"]![3]!.AsObject();             // € 5 M heat pumps, Oct 2025 - Mar 2027, 2%/year, 20 years, 70%
        pumps["fixedPrice"] = false;
        var e = BusinessCaseEngine.Evaluate(Read(model));
        // 18 months of € 277,777.78 (the last € 277,777.74): 3 in 2025 at 2025 prices, 12 in 2026 at +2%, 3 in 2027 at +4.04%.
        var expected = 3 * 277_777.78m
                       + 12 * 283_333.34m                                // 277,777.78 × 1.02
                       + 2 * 289_000.00m + 288_999.96m;                  // × 1.0404 (the last month 277,777.74 × 1.0404)
        var fixedPrice = BusinessCaseEngine.Evaluate(EngineTests.Ketelhuis());
        Assert.Equal(30_000_000m + expected - 5_000_000m, e.Kpis.SourcesAndUses.Uses);
        Assert.Equal(fixedPrice.Years[1].InitialInvestment + 12 * (283_333.34m - 277_777.78m), e.Years[1].InitialInvestment);
        // The replacement in 2047 is indexed on the same series: 5 M × 70% × 1.02^22, whether or not the initial price was fixed.
        Assert.Equal(decimal.Round(3_500_000m * Warmte.BusinessCase.Finance.DecimalMath.PowInt(1.02m, 22), 2, MidpointRounding.AwayFromZero),
            e.Years.Single(y => y.Year == 2047).Replacements);
        Assert.Equal(fixedPrice.Years.Single(y => y.Year == 2047).Replacements, e.Years.Single(y => y.Year == 2047).Replacements);
    }

    [Fact]
    public void The_maintenance_reserve_target_stands_next_to_the_dsra_and_shortfalls_are_named()
    {
        var e = BusinessCaseEngine.Evaluate(EngineTests.Ketelhuis());
        var beforeReplacement = e.Years.Single(y => y.Year == 2046);
        // Nineteen of the twenty yearly savings for the heat pumps replaced in 2047 (and the later items' first years).
        Assert.Equal(e.Years.Where(y => y.Year <= 2046).Sum(y => y.MraContribution), beforeReplacement.MraTarget);
        Assert.Equal(2046, e.Kpis.PeakMraTargetYear);
        Assert.Equal(beforeReplacement.MraTarget, e.Kpis.PeakMraTarget);
        Assert.Equal(e.Years.Max(y => y.DsraTarget), e.Kpis.PeakDsraTarget);
        Assert.All(e.Years, y =>
        {
            Assert.InRange(y.MraBalance, 0m, y.MraTarget);
            Assert.InRange(y.DsraBalance, 0m, Math.Max(0m, y.DsraTarget));
            Assert.Equal(e.Kpis.ReserveShortfallYears.Contains(y.Year), y.MraBalance < y.MraTarget || y.DsraBalance < y.DsraTarget);
        });
        // A year whose cash does not reach the targets holds all its (positive) cash in the reserves.
        Assert.All(e.Years.Where(y => e.Kpis.ReserveShortfallYears.Contains(y.Year)),
            y => Assert.Equal(Math.Max(0m, y.CashBalance), y.MraBalance + y.DsraBalance));
    }
}
