using NodaTime;

namespace Warmte.BusinessCase.Finance;

/// <summary>
/// The spreadsheet financial functions (PMT, IPMT, PPMT, NPV, IRR, XNPV, XIRR) with the argument order,
/// sign conventions and edge cases of Excel and LibreOffice Calc, computed in <see cref="decimal"/>.
/// Money paid out is negative, money received positive: <c>Pmt(0.03m, 30, 7_800_000m)</c> is the
/// (negative) yearly payment on a loan of 7.8 M received. Rates are fractions (0.03 = 3%) and must be
/// greater than −100%.
/// </summary>
/// <remarks>
/// Where the spreadsheets disagree this follows Excel and LibreOffice: IPMT of the first period with
/// payments at the start is 0 (Gnumeric returns the end-of-period interest divided by 1 + rate there).
/// IRR and XIRR do not imitate the spreadsheets' plain Newton iteration, which may return a different
/// root or fail depending on the guess; they return the root closest to the guess (see <see cref="Irr"/>).
/// Results too large for decimal throw <see cref="OverflowException"/> naming the function. The formulas are
/// rearranged so that only powers of magnitude at most 1 occur: long terms and high rates neither overflow
/// nor cancel (where (1+r)^n exceeds ~1e12 a double-based spreadsheet's IPMT/PPMT lose all digits:
/// Gnumeric gives IPMT(5;100;100;1e6) = 1.05e66 instead of −4,166,666.67).
/// </remarks>
public static class SpreadsheetFunctions
{
    /// <summary>The guess spreadsheets use when none is given.</summary>
    public const decimal DefaultGuess = 0.1m;

    /// <summary>Lowest rate IRR/XIRR look at: −99.99%.</summary>
    public const decimal MinimumIrr = -0.9999m;

    /// <summary>Highest rate IRR/XIRR look at: +1,000,000%.</summary>
    public const decimal MaximumIrr = 10_000m;

    /// <summary>
    /// The payment per period of an annuity: <c>pv·(1+r)^n + pmt·(1 + r·type)·((1+r)^n − 1)/r + fv = 0</c>;
    /// at rate 0 <c>−(pv + fv)/nper</c>.
    /// </summary>
    public static decimal Pmt(decimal rate, int nper, decimal pv, decimal fv = 0, bool atStart = false)
    {
        RequireRate(rate, nameof(rate));
        RequirePeriods(nper);
        return Guard("PMT", () =>
        {
            if (rate == 0) return -(pv + fv) / nper;
            var timing = atStart ? 1m + rate : 1m;
            if (rate > 0)
            {
                // Divide the textbook formula by (1+r)^n so only g = (1+r)^−n appears, which lies in (0, 1]:
                // no overflow for long terms or high rates. g − 1 is computed directly for precision.
                var gm1 = GrowthMinusOne(rate, -nper);
                return -(pv + fv * (1m + gm1)) * rate / (timing * -gm1);
            }
            var fm1 = GrowthMinusOne(rate, nper);
            return -(pv * (1m + fm1) + fv) * rate / (timing * fm1);
        });
    }

    /// <summary>
    /// The interest part of payment <paramref name="per"/> (1-based) of an annuity, as
    /// <c>IPMT(rate; per; nper; pv; fv; type)</c>. With payments at the start the first period has no
    /// interest (0), as in Excel and LibreOffice.
    /// </summary>
    public static decimal Ipmt(decimal rate, int per, int nper, decimal pv, decimal fv = 0, bool atStart = false)
    {
        RequireRate(rate, nameof(rate));
        RequirePeriods(nper);
        RequirePeriod(per, nper);
        return Guard("IPMT", () => InterestPart(rate, per, nper, pv, fv, atStart));
    }

    /// <summary>The principal part of payment <paramref name="per"/>: <c>PMT − IPMT</c>.</summary>
    public static decimal Ppmt(decimal rate, int per, int nper, decimal pv, decimal fv = 0, bool atStart = false)
    {
        RequireRate(rate, nameof(rate));
        RequirePeriods(nper);
        RequirePeriod(per, nper);
        return Guard("PPMT", () => Pmt(rate, nper, pv, fv, atStart) - InterestPart(rate, per, nper, pv, fv, atStart));
    }

    /// <summary>
    /// Net present value of values at the end of periods 1, 2, …: <c>Σ values[i] / (1+rate)^(i+1)</c>.
    /// As in spreadsheets the first value is discounted one period; add an initial outlay at time 0 separately.
    /// </summary>
    public static decimal Npv(decimal rate, IReadOnlyList<decimal> values)
    {
        RequireRate(rate, nameof(rate));
        RequireValues(values);
        return Guard("NPV", () =>
        {
            // Horner from the last value: one division per value, each rounding only once.
            var onePlus = 1m + rate;
            var acc = 0m;
            for (var i = values.Count - 1; i >= 0; i--) acc = (acc + values[i]) / onePlus;
            return acc;
        });
    }

    /// <summary>
    /// Internal rate of return of values at periods 0, 1, 2, …: the rate r with <c>Σ values[i]/(1+r)^i = 0</c>
    /// (the first value is not discounted, as in spreadsheets).
    /// </summary>
    /// <returns>
    /// The rate, or null when there is none: no sign change in the values, or no root between −99.99% and
    /// +1,000,000%. When there are several roots (more than one sign change in the values), the root closest
    /// to <paramref name="guess"/> (default 10%, as in spreadsheets) is returned; on a tie the lower rate.
    /// </returns>
    /// <remarks>
    /// Never returns a value that is not a root. The roots are isolated in double precision with proven
    /// error bounds (cells nearest the guess first, each proven root-free, proven monotone, or split) and
    /// the chosen one is refined in decimal by Newton's method; when that finds nothing, a scan in decimal
    /// answers. Where double cannot decide (values within their rounding error of zero, as between roots a
    /// thousandth apart) a cell is decided in exact arithmetic (Descartes' rule of signs, signs at its ends), and
    /// a root double cannot bracket is refined by bisection with exact signs: tested with up to eight roots a few
    /// thousandths apart. A root where the NPV touches zero without crossing it (even multiplicity), or two roots
    /// closer than ~1e-13 in 1/(1+r), are not reported. Solved to about 1e-25 in the rate (about 1e-15 among
    /// clustered roots, where the NPV is too flat for more). Cost for 30 years: a few µs in double plus one or two
    /// decimal NPV evaluations (~7 µs each); clustered roots take milliseconds; see docs/performance.md.
    /// </remarks>
    public static decimal? Irr(IReadOnlyList<decimal> values, decimal? guess = null) => Irr(values, guess, null);

    /// <summary>
    /// <c>decimal.Round(Irr(values), decimals, MidpointRounding.AwayFromZero)</c>, the same bits, faster: when the
    /// root's double bracket already decides the rounding, the decimal refinement is skipped (the business-case
    /// engine reports the IRR to six decimals).
    /// </summary>
    internal static decimal? IrrRounded(IReadOnlyList<decimal> values, int decimals) => Irr(values, null, decimals);

    private static decimal? Irr(IReadOnlyList<decimal> values, decimal? guess, int? roundTo)
    {
        RequireValues(values);
        var target = guess ?? DefaultGuess;
        RequireRate(target, nameof(guess));
        if (!HasSignChange(values)) return null;

        var n = values.Count;
        var coefficients = new decimal[n];
        for (var i = 0; i < n; i++) coefficients[i] = values[i];
        var reversed = new decimal[n];
        for (var i = 0; i < n; i++) reversed[i] = values[n - 1 - i];

        // r ≥ 0: x = 1/(1+r) in (0, 1], NPV = P(x) = Σ v_i x^i.
        // r < 0: y = 1+r in (0, 1), NPV·y^(n−1) = Σ v_i y^(n−1−i): same sign, same roots, no overflow.
        // The fast isolation in double answers almost always. When it finds no root, the slower scan in
        // decimal gets the last word, so "no IRR" is never said merely because double precision ran out
        // (it did with five roots within 1.5 points of each other).
        if (PolynomialRootFinder.ClosestRoot(coefficients, reversed, target, roundTo) is { } fast) return fast;
        var exponents = new decimal[n];
        var reversedExponents = new decimal[n];
        for (var i = 0; i < n; i++) { exponents[i] = i; reversedExponents[i] = n - 1 - i; }
        var slow = RootFinder.ClosestRoot(new PowerSumRegion(coefficients, exponents), new PowerSumRegion(coefficients, reversedExponents),
            int.MaxValue, int.MaxValue, target);
        return roundTo is { } places && slow is { } r ? decimal.Round(r, places, MidpointRounding.AwayFromZero) : slow;
    }

    /// <summary>
    /// Net present value of values at arbitrary dates: <c>Σ values[i] / (1+rate)^((dates[i] − dates[0])/365)</c>.
    /// No date may precede the first (as in Excel).
    /// </summary>
    public static decimal Xnpv(decimal rate, IReadOnlyList<decimal> values, IReadOnlyList<LocalDate> dates)
    {
        RequireRate(rate, nameof(rate));
        var years = YearFractions(values, dates);
        return Guard("XNPV", () =>
        {
            var onePlus = 1m + rate;
            var lnOnePlus = DecimalMath.Ln(onePlus);
            var sum = 0m;
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] == 0) continue;
                sum += values[i] * DiscountFactor(onePlus, lnOnePlus, years[i]);
            }
            return sum;
        });
    }

    /// <summary>
    /// The rate at which <see cref="Xnpv"/> is zero, or null when there is none (no sign change, or no
    /// root between −99.99% and +1,000,000%). Several roots: the one closest to <paramref name="guess"/>,
    /// as for <see cref="Irr"/>.
    /// </summary>
    /// <remarks>
    /// Fractional powers go through decimal exp/ln, so XIRR is slower than IRR: about 1 ms for 30 dated
    /// flows with one sign change, tens of ms when several sign changes force a grid scan.
    /// </remarks>
    public static decimal? Xirr(IReadOnlyList<decimal> values, IReadOnlyList<LocalDate> dates, decimal? guess = null)
    {
        var years = YearFractions(values, dates);
        var target = guess ?? DefaultGuess;
        RequireRate(target, nameof(guess));
        if (!HasSignChange(values)) return null;

        // Merge flows on the same date and order by time: Descartes' rule of signs holds for sums of
        // exponentials with exponents in order, so one sign change still means one root.
        var merged = values.Select((v, i) => (Years: years[i], Value: v))
            .GroupBy(f => f.Years)
            .Select(g => (Years: g.Key, Value: g.Sum(f => f.Value)))
            .Where(f => f.Value != 0)
            .OrderBy(f => f.Years)
            .ToArray();
        var mergedValues = merged.Select(f => f.Value).ToArray();
        if (!HasSignChange(mergedValues)) return null;
        var last = merged[^1].Years;

        // r ≥ 0: x = 1/(1+r), Σ v_i x^t_i.  r < 0: y = 1+r, Σ v_i y^(T − t_i) (the NPV times y^T).
        // With one sign change each side holds at most one root; otherwise scan both sides.
        var bound = SignChanges(mergedValues) == 1 ? 1 : int.MaxValue;
        return RootFinder.ClosestRoot(
            new PowerSumRegion(mergedValues, merged.Select(f => f.Years).ToArray()),
            new PowerSumRegion(mergedValues, merged.Select(f => last - f.Years).ToArray()),
            bound, bound, target);
    }

    // ----- internals -----

    /// <summary>(1 + rate)^n − 1, for a negative n via the base 1/(1+rate) − 1 = −rate/(1+rate).</summary>
    private static decimal GrowthMinusOne(decimal rate, int n) =>
        n >= 0 ? DecimalMath.PowOnePlusMinusOne(rate, n) : DecimalMath.PowOnePlusMinusOne(-rate / (1m + rate), -n);

    /// <summary>
    /// IPMT as Excel defines it: <c>FV(rate, per−1, pmt, pv, 0)·rate</c> at the end of periods, and with
    /// payments at the start 0 for the first period, otherwise <c>(FV(rate, per−2, pmt, pv, 1) − pmt)·rate</c>,
    /// which equals the end-of-period value divided by 1 + rate.
    /// </summary>
    private static decimal InterestPart(decimal rate, int per, int nper, decimal pv, decimal fv, bool atStart)
    {
        if (rate == 0) return 0m;
        if (atStart && per == 1) return 0m;
        var interest = -BalanceAfter(rate, per - 1, nper, pv, fv) * rate;
        return atStart ? interest / (1m + rate) : interest;
    }

    /// <summary>
    /// Outstanding balance (in pv's sign) after <paramref name="k"/> periods of the end-of-period annuity
    /// from pv to −fv in nper periods, in closed form: <c>[pv((1+r)^n − (1+r)^k) − fv((1+r)^k − 1)] / ((1+r)^n − 1)</c>,
    /// rearranged so that only powers of magnitude at most 1 appear.
    /// </summary>
    private static decimal BalanceAfter(decimal rate, int k, int nper, decimal pv, decimal fv)
    {
        if (rate > 0)
        {
            var gm1 = GrowthMinusOne(rate, -nper);      // (1+r)^−n − 1
            var hm1 = GrowthMinusOne(rate, k - nper);   // (1+r)^−(n−k) − 1
            return (pv * hm1 + fv * (hm1 - gm1)) / gm1;
        }
        var fm1 = GrowthMinusOne(rate, nper);           // (1+r)^n − 1
        var cm1 = GrowthMinusOne(rate, k);              // (1+r)^k − 1
        return (pv * (fm1 - cm1) - fv * cm1) / fm1;
    }

    private static decimal DiscountFactor(decimal onePlus, decimal lnOnePlus, decimal years)
    {
        if (years == 0) return 1m;
        // Whole years take the integer power (repeated squaring) instead of exp/ln: faster and one rounding fewer.
        if (years == decimal.Truncate(years) && years <= int.MaxValue) return DecimalMath.PowInt(onePlus, -(int)years);
        return DecimalMath.Exp(-years * lnOnePlus);
    }

    /// <summary>Years from the first date, as days/365 (Excel's XNPV/XIRR convention, leap days included).</summary>
    private static decimal[] YearFractions(IReadOnlyList<decimal> values, IReadOnlyList<LocalDate> dates)
    {
        RequireValues(values);
        ArgumentNullException.ThrowIfNull(dates);
        if (dates.Count != values.Count)
            throw new ArgumentException($"Got {values.Count} values but {dates.Count} dates; they must pair up.", nameof(dates));
        var first = dates[0];
        var years = new decimal[dates.Count];
        for (var i = 0; i < dates.Count; i++)
        {
            var days = Period.DaysBetween(first, dates[i]);
            if (days < 0)
                throw new ArgumentException($"Date {dates[i]:uuuu-MM-dd} (index {i}) precedes the first date {first:uuuu-MM-dd}.", nameof(dates));
            years[i] = days % 365 == 0 ? days / 365 : days / 365m;
        }
        return years;
    }

    private static bool HasSignChange(IReadOnlyList<decimal> values)
    {
        bool positive = false, negative = false;
        for (var i = 0; i < values.Count; i++)
        {
            var sign = Math.Sign(values[i]);
            positive |= sign > 0;
            negative |= sign < 0;
        }
        return positive && negative;
    }

    private static int SignChanges(IReadOnlyList<decimal> values)
    {
        var changes = 0;
        var last = 0;
        foreach (var v in values)
        {
            var sign = Math.Sign(v);
            if (sign == 0) continue;
            if (last != 0 && sign != last) changes++;
            last = sign;
        }
        return changes;
    }

    private static void RequireRate(decimal rate, string name)
    {
        if (rate <= -1m)
            throw new ArgumentOutOfRangeException(name, rate, "The rate must be greater than -100% (-1).");
    }

    private static void RequirePeriods(int nper)
    {
        if (nper <= 0)
            throw new ArgumentOutOfRangeException(nameof(nper), nper, "The number of periods must be at least 1.");
    }

    private static void RequirePeriod(int per, int nper)
    {
        if (per < 1 || per > nper)
            throw new ArgumentOutOfRangeException(nameof(per), per, $"The period must lie in 1..{nper}.");
    }

    private static void RequireValues(IReadOnlyList<decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("At least one value is needed.", nameof(values));
    }

    private static decimal Guard(string function, Func<decimal> compute)
    {
        try
        {
            return compute();
        }
        catch (OverflowException ex)
        {
            throw new OverflowException($"{function} exceeds the decimal range for these arguments.", ex);
        }
        catch (DivideByZeroException ex)
        {
            throw new OverflowException($"{function} exceeds the decimal range for these arguments.", ex);
        }
    }
}
