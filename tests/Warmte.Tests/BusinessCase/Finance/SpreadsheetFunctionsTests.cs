using NodaTime;
using Warmte.BusinessCase.Finance;
using static Warmte.BusinessCase.Finance.SpreadsheetFunctions;

namespace Warmte.Tests.BusinessCase.Finance;

/// <summary>
/// Known values. Reference digits come from Gnumeric 1.12.55 (long double, ~19 digits), cross-checked
/// where noted with LibreOffice Calc; the spreadsheet engine test recomputes many more cases live.
/// </summary>
public sealed class SpreadsheetFunctionsTests
{
    private static void Near(decimal expected, decimal actual, decimal tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual} (tolerance {tolerance})");

    [Fact]
    public void Pmt_of_the_KetelhuisWG_municipal_loan()
    {
        // 7.8 M at 3% over 30 years: Gnumeric -397950.22269797013726, LibreOffice -397950.22269797.
        var pmt = Pmt(0.03m, 30, 7_800_000m);
        Near(-397_950.22269797013726m, pmt, 1e-12m);
        Assert.Equal(-397_950.22m, decimal.Round(pmt, 2));
        Near(-386_359.43951259236627m, Pmt(0.03m, 30, 7_800_000m, 0, atStart: true), 1e-12m);
    }

    [Fact]
    public void Pmt_at_rate_zero_is_exact()
    {
        Assert.Equal(-110m, Pmt(0m, 10, 1000m, 100m, atStart: true));
        Assert.Equal(-100m, Pmt(0m, 10, 1000m));
    }

    [Fact]
    public void Pmt_closed_form_small_cases()
    {
        // 1000 over 2 periods at 10%: 1000·0.1·1.21/0.21 = 576.190476...
        Near(-576.19047619047619047619047619m, Pmt(0.1m, 2, 1000m), 1e-24m);
        // A single period repays principal and interest.
        Near(-1030m, Pmt(0.03m, 1, 1000m), 1e-20m);
        // Paying into a future value only.
        Near(-1000m / 2.1m, Pmt(0.1m, 2, 0, 1000m), 1e-24m);
    }

    [Fact]
    public void Pmt_does_not_overflow_for_long_terms_or_high_rates()
    {
        // (1.5)^1000 is far beyond decimal, the payment is not: interest only, 50% of the principal.
        Assert.Equal(-500_000m, decimal.Round(Pmt(0.5m, 1000, 1_000_000m), 10));
        // A tiny rate keeps its precision: close to −(pv)/n, slightly more.
        var tiny = Pmt(1e-12m, 30, 7_800_000m);
        Near(-260_000.00000403000000001947833m, tiny, 1e-16m);
        // Interest and principal where (1+r)^n is far beyond double: spreadsheets cancel catastrophically
        // here (Gnumeric's IPMT(5,100,100,1e6) is 1.05e66). The last payment 5e6 carries interest on 5e6/6.
        Near(-5_000_000m, Pmt(5m, 100, 1_000_000m), 1e-20m);
        Near(-5_000_000m * 5m / 6m, Ipmt(5m, 100, 100, 1_000_000m), 1e-18m);
        Near(-5_000_000m / 6m, Ppmt(5m, 100, 100, 1_000_000m), 1e-18m);
        Near(-5_000_000m, Ipmt(5m, 50, 100, 1_000_000m), 1e-18m);
        // Negative rates work: payments below principal/n.
        Assert.True(Pmt(-0.02m, 30, 7_800_000m) > -260_000m);
    }

    [Fact]
    public void Ipmt_and_ppmt_follow_excel()
    {
        Assert.Equal(-100m, Ipmt(0.1m, 1, 3, 1000m));
        // Payments at the start: no interest in the first period (Excel, LibreOffice; Gnumeric differs).
        Assert.Equal(0m, Ipmt(0.1m, 1, 3, 1000m, 0, atStart: true));
        Near(-63.444108761329305133m, Ipmt(0.1m, 2, 3, 1000m, 0, atStart: true), 1e-15m);
        Near(-33.232628398791540777m, Ipmt(0.1m, 3, 3, 1000m, 0, atStart: true), 1e-15m);
        Assert.Equal(Pmt(0.1m, 3, 1000m, 0, true), Ppmt(0.1m, 1, 3, 1000m, 0, atStart: true));
        // First year of the municipal loan: 3% of 7.8 M.
        Assert.Equal(-234_000m, decimal.Round(Ipmt(0.03m, 1, 30, 7_800_000m), 20));
        Assert.Equal(0m, Ipmt(0m, 5, 10, 1000m));
        Assert.Equal(-100m, Ppmt(0m, 5, 10, 1000m));
    }

    [Fact]
    public void Npv_discounts_the_first_value_one_period()
    {
        Near(4.8159278737791134484m, Npv(0.1m, [1m, 2m, 3m]), 1e-18m);
        Assert.Equal(6m, Npv(0m, [1m, 2m, 3m]));
        Assert.Equal(100m / 1.1m, Npv(0.1m, [100m]));
    }

    [Fact]
    public void Irr_known_values()
    {
        Near(0.06394102980498531937m, Irr([-100m, 50m, 60m])!.Value, 1e-18m);
        Assert.Equal(0m, Irr([-100m, 100m]));
        Assert.Equal(0m, Irr([100m, -100m]));
        Near(-0.5m, Irr([-100m, 50m])!.Value, 1e-24m);
        Near(99m, Irr([-1m, 100m])!.Value, 1e-20m);
        // Investment of 30 M returning 1.8 M for 30 years: below 5%.
        var project = Irr([-30_000_000m, .. Enumerable.Repeat(1_800_000m, 30)])!.Value;
        Assert.InRange(project, 0.04m, 0.05m);
        Near(0m, -30_000_000m + Npv(project, Enumerable.Repeat(1_800_000m, 30).ToArray()), 1e-15m);
        // The annuity identity: the IRR of a loan's payments is its rate.
        Near(0.03m, Irr([7_800_000m, .. Enumerable.Repeat(Pmt(0.03m, 30, 7_800_000m), 30)])!.Value, 1e-22m);
    }

    [Fact]
    public void Irr_says_no_irr_instead_of_junk()
    {
        Assert.Null(Irr([1m, 2m, 3m]));
        Assert.Null(Irr([-1m, -2m, 0m]));
        Assert.Null(Irr([0m, 0m]));
        Assert.Null(Irr([-5m]));
        // Roots exist but outside −99.99% .. +1,000,000%.
        Assert.Null(Irr([-100m, 0.001m]));
        Assert.Null(Irr([-1m, 100_000m]));
    }

    [Fact]
    public void Irr_with_several_roots_returns_the_one_closest_to_the_guess()
    {
        // −1000(1+r)³ + 3600(1+r)² − 4310(1+r) + 1716 has roots 10%, 20%, 30%.
        decimal[] flows = [-1000m, 3600m, -4310m, 1716m];
        Near(0.1m, Irr(flows)!.Value, 1e-22m);
        Near(0.2m, Irr(flows, 0.19m)!.Value, 1e-22m);
        Near(0.3m, Irr(flows, 0.9m)!.Value, 1e-22m);
        Near(0.1m, Irr(flows, -0.5m)!.Value, 1e-22m);
        Near(0.2m, Irr(flows, 0.24m)!.Value, 1e-22m);
        Near(0.3m, Irr(flows, 0.26m)!.Value, 1e-22m);
        // Two roots 0.2 percentage points apart, between the same grid points: found by the slope check.
        decimal[] close = [1m, -2.102m, 1.1046m];
        Near(0.05m, Irr(close, 0m)!.Value, 1e-22m);
        Near(0.052m, Irr(close, 0.1m)!.Value, 1e-22m);
        // Roots at −50% and +100%.
        decimal[] wide = [1m, -2.5m, 1m];
        Near(-0.5m, Irr(wide, -0.4m)!.Value, 1e-22m);
        Near(1m, Irr(wide, 0.8m)!.Value, 1e-22m);
    }

    [Fact]
    public void Xnpv_and_xirr_known_values()
    {
        LocalDate[] dates = [new(2020, 1, 1), new(2021, 1, 1), new(2022, 6, 1)];
        decimal[] values = [-100m, 50m, 60m];
        Near(-6.900138102734019889m, Xnpv(0.1m, values, dates), 1e-17m);
        Near(0.055633441169027359605m, Xirr(values, dates)!.Value, 1e-18m);

        // Excel's documentation example: XIRR 0.373362535 (Excel shows 9 digits; Gnumeric 0.3733625335188315103),
        // XNPV(9%) 2086.65.
        LocalDate[] excelDates = [new(2008, 1, 1), new(2008, 3, 1), new(2008, 10, 30), new(2009, 2, 15), new(2009, 4, 1)];
        decimal[] excelValues = [-10_000m, 2750m, 4250m, 3250m, 2750m];
        Near(0.3733625335188315103m, Xirr(excelValues, excelDates)!.Value, 1e-18m);
        Assert.Equal(2086.65m, decimal.Round(Xnpv(0.09m, excelValues, excelDates), 2));
    }

    [Fact]
    public void Xirr_says_no_irr_instead_of_junk()
    {
        LocalDate[] dates = [new(2020, 1, 1), new(2021, 1, 1)];
        Assert.Null(Xirr([1m, 2m], dates));
        Assert.Null(Xirr([-1m, 0m], dates));
        Assert.Null(Xirr([-100m, 0.001m], dates));
        // Opposite flows on the same day cancel: nothing left to solve.
        Assert.Null(Xirr([-100m, 100m], [new(2020, 1, 1), new(2020, 1, 1)]));
    }

    [Fact]
    public void Xnpv_on_365_day_steps_equals_npv()
    {
        var start = new LocalDate(2025, 1, 1);
        decimal[] values = [-7_800_000m, 400_000m, 410_000m, 420_000m, 8_000_000m];
        var dates = values.Select((_, i) => start.PlusDays(365 * i)).ToArray();
        Near(values[0] + Npv(0.03m, values[1..]), Xnpv(0.03m, values, dates), 1e-18m);
        Near(Irr(values)!.Value, Xirr(values, dates)!.Value, 1e-22m);
    }

    [Fact]
    public void Arguments_are_checked_with_the_parameter_name()
    {
        Assert.Equal("nper", Assert.ThrowsAny<ArgumentException>(() => Pmt(0.03m, 0, 1000m)).ParamName);
        Assert.Equal("rate", Assert.ThrowsAny<ArgumentException>(() => Pmt(-1m, 10, 1000m)).ParamName);
        Assert.Equal("per", Assert.ThrowsAny<ArgumentException>(() => Ipmt(0.03m, 0, 10, 1000m)).ParamName);
        Assert.Equal("per", Assert.ThrowsAny<ArgumentException>(() => Ppmt(0.03m, 11, 10, 1000m)).ParamName);
        Assert.Equal("nper", Assert.ThrowsAny<ArgumentException>(() => Ipmt(0.03m, 1, -1, 1000m)).ParamName);
        Assert.Equal("values", Assert.ThrowsAny<ArgumentException>(() => Npv(0.03m, [])).ParamName);
        Assert.Equal("rate", Assert.ThrowsAny<ArgumentException>(() => Npv(-1.5m, [1m])).ParamName);
        Assert.Equal("values", Assert.ThrowsAny<ArgumentException>(() => Irr([])).ParamName);
        Assert.Equal("guess", Assert.ThrowsAny<ArgumentException>(() => Irr([-1m, 2m], -1m)).ParamName);
        Assert.Equal("dates", Assert.ThrowsAny<ArgumentException>(() => Xnpv(0.1m, [1m, 2m], [new LocalDate(2020, 1, 1)])).ParamName);
        Assert.Equal("dates", Assert.ThrowsAny<ArgumentException>(() => Xirr([-1m, 2m], [new LocalDate(2020, 1, 1), new LocalDate(2019, 1, 1)])).ParamName);
        Assert.Equal("values", Assert.ThrowsAny<ArgumentException>(() => Xirr([], [])).ParamName);
    }

    [Fact]
    public void Overflow_fails_clearly()
    {
        // A rate just above −100% over many periods: the NPV itself is beyond decimal.
        var ex = Assert.Throws<OverflowException>(() => Npv(-0.9999m, Enumerable.Repeat(1_000_000m, 20).ToArray()));
        Assert.Contains("NPV", ex.Message);
        Assert.Throws<OverflowException>(() => Xnpv(-0.9999m, [1m, 1_000_000m], [new LocalDate(2000, 1, 1), new LocalDate(2030, 1, 1)]));
    }

    [Fact]
    public void Decimal_math_is_precise()
    {
        Near(2.7182818284590452353602874714m, DecimalMath.Exp(1m), 1e-26m);
        Near(0.3678794411714423215955237702m, DecimalMath.Exp(-1m), 1e-26m);
        Near(2.3025850929940456840179914547m, DecimalMath.Ln(10m), 1e-26m);
        Near(-46.051701859880913680359829094m, DecimalMath.Ln(1e-20m), 1e-25m);
        Near(-64.472382603833279152503760731m, DecimalMath.Ln(1e-28m), 1e-25m);
        Near(1.4142135623730950488016887242m, DecimalMath.Pow(2m, 0.5m), 1e-26m);
        Assert.Equal(1.0609m, DecimalMath.PowInt(1.03m, 2));
        Near(2.4272624711896603386424798783m, DecimalMath.PowInt(1.03m, 30), 1e-25m);
        Assert.Equal(0m, DecimalMath.Exp(-100m));
        Assert.Throws<OverflowException>(() => DecimalMath.Exp(67m));
        foreach (var x in new[] { 0.01m, 0.5m, 1.0001m, 7.3m, 1e20m, 79_000_000_000_000_000_000_000_000_000m })
            Near(1m, DecimalMath.Exp(DecimalMath.Ln(x)) / x, 1e-25m);
    }
}
