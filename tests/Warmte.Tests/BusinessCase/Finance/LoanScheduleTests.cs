using Warmte.BusinessCase.Finance;

namespace Warmte.Tests.BusinessCase.Finance;

public sealed class LoanScheduleTests
{
    [Fact]
    public void KetelhuisWG_municipal_loan_as_annuity()
    {
        var schedule = LoanSchedule.Build(new LoanTerms(7_800_000m, 0.03m, 30, RepaymentType.Annuity));

        Assert.Equal(30, schedule.Length);
        Assert.Equal(new LoanYear(1, 7_800_000m, 234_000m, 163_950.22m, 397_950.22m, 7_636_049.78m), schedule[0]);
        Assert.All(schedule.Take(29), y => Assert.Equal(397_950.22m, y.Payment));
        // −PMT = 397,950.2227 books as 397,950.22; the 0.27 cent a year left unpaid grows at 3% into the
        // 13 cents the last year absorbs.
        Assert.Equal(397_950.35m, schedule[^1].Payment);
        Assert.Equal(7_800_000m, schedule.Sum(y => y.Principal));
        Assert.Equal(0m, schedule[^1].ClosingBalance);
        // Total interest over 30 years: 30 payments less the principal.
        Assert.Equal(schedule.Sum(y => y.Payment) - 7_800_000m, schedule.Sum(y => y.Interest));
    }

    [Fact]
    public void Linear_repays_equal_principal_and_rounds_into_the_last_year()
    {
        var schedule = LoanSchedule.Build(new LoanTerms(7_800_000m, 0.03m, 30, RepaymentType.Linear));
        Assert.All(schedule, y => Assert.Equal(260_000m, y.Principal));
        Assert.Equal(234_000m, schedule[0].Interest);
        Assert.Equal(7_800m, schedule[^1].Interest);

        var odd = LoanSchedule.Build(new LoanTerms(100m, 0.05m, 3, RepaymentType.Linear));
        Assert.Equal([33.33m, 33.33m, 33.34m], odd.Select(y => y.Principal));
        Assert.Equal([5.00m, 3.33m, 1.67m], odd.Select(y => y.Interest));
    }

    [Fact]
    public void Bullet_pays_interest_then_everything_at_the_end()
    {
        var schedule = LoanSchedule.Build(new LoanTerms(1_000_000m, 0.04m, 10, RepaymentType.Bullet));
        Assert.All(schedule.Take(9), y => Assert.Equal((40_000m, 0m, 40_000m), (y.Interest, y.Principal, y.Payment)));
        Assert.Equal(new LoanYear(10, 1_000_000m, 40_000m, 1_000_000m, 1_040_000m, 0m), schedule[^1]);
    }

    [Fact]
    public void Grace_years_are_interest_only_inside_the_term()
    {
        var schedule = LoanSchedule.Build(new LoanTerms(7_800_000m, 0.03m, 30, RepaymentType.Annuity, GraceYears: 3));
        Assert.Equal(30, schedule.Length);
        Assert.All(schedule.Take(3), y => Assert.Equal((234_000m, 0m), (y.Interest, y.Principal)));
        // The annuity runs over the remaining 27 years.
        var payment = decimal.Round(-SpreadsheetFunctions.Pmt(0.03m, 27, 7_800_000m), 2, MidpointRounding.AwayFromZero);
        Assert.All(schedule.Skip(3).Take(26), y => Assert.Equal(payment, y.Payment));
        Assert.Equal(7_800_000m, schedule.Sum(y => y.Principal));

        var linear = LoanSchedule.Build(new LoanTerms(1_000m, 0.1m, 3, RepaymentType.Linear, GraceYears: 1));
        Assert.Equal([0m, 500m, 500m], linear.Select(y => y.Principal));
    }

    [Fact]
    public void Rate_zero_and_negative_rates_work()
    {
        var free = LoanSchedule.Build(new LoanTerms(1_000m, 0m, 3, RepaymentType.Annuity));
        Assert.Equal([333.33m, 333.33m, 333.34m], free.Select(y => y.Payment));

        var negative = LoanSchedule.Build(new LoanTerms(1_000_000m, -0.05m, 10, RepaymentType.Annuity));
        Assert.All(negative, y => Assert.True(y.Interest <= 0));
        Assert.Equal(1_000_000m, negative.Sum(y => y.Principal));
        Assert.Equal(0m, negative[^1].ClosingBalance);
    }

    [Fact]
    public void A_tiny_principal_never_goes_below_zero()
    {
        var schedule = LoanSchedule.Build(new LoanTerms(0.05m, 0m, 10, RepaymentType.Linear));
        Assert.All(schedule, y => Assert.True(y.ClosingBalance >= 0));
        Assert.Equal(0.05m, schedule.Sum(y => y.Principal));
    }

    [Theory]
    [InlineData(0, 0.03, 30, 0, "Principal")]
    [InlineData(-1, 0.03, 30, 0, "Principal")]
    [InlineData(1000.001, 0.03, 30, 0, "Principal")]
    [InlineData(1000, -0.051, 30, 0, "AnnualRate")]
    [InlineData(1000, 0.501, 30, 0, "AnnualRate")]
    [InlineData(1000, 0.03, 0, 0, "TermYears")]
    [InlineData(1000, 0.03, 101, 0, "TermYears")]
    [InlineData(1000, 0.03, 30, 30, "GraceYears")]
    [InlineData(1000, 0.03, 30, -1, "GraceYears")]
    public void Invalid_terms_are_refused_naming_the_field(double principal, double rate, int term, int grace, string field)
    {
        var terms = new LoanTerms((decimal)principal, (decimal)rate, term, RepaymentType.Annuity, grace);
        Assert.Equal(field, Assert.ThrowsAny<ArgumentException>(() => LoanSchedule.Build(terms)).ParamName);
    }

    [Fact]
    public void Unknown_repayment_type_is_refused()
    {
        var terms = new LoanTerms(1000m, 0.03m, 10, (RepaymentType)7);
        Assert.Equal("Type", Assert.ThrowsAny<ArgumentException>(() => LoanSchedule.Build(terms)).ParamName);
    }

    [Fact]
    public void Extreme_valid_terms_still_close_to_the_cent()
    {
        foreach (var type in Enum.GetValues<RepaymentType>())
        {
            var schedule = LoanSchedule.Build(new LoanTerms(999_999_999_999.99m, 0.5m, 100, type, 99));
            Assert.Equal(999_999_999_999.99m, schedule.Sum(y => y.Principal));
            Assert.Equal(0m, schedule[^1].ClosingBalance);
        }
    }
}
