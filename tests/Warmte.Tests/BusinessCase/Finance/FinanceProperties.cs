using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using System.Numerics;
using NodaTime;
using Warmte.BusinessCase.Finance;
using static Warmte.BusinessCase.Finance.SpreadsheetFunctions;

namespace Warmte.Tests.BusinessCase.Finance;

/// <summary>Properties of the loan schedules and the spreadsheet functions over random inputs.</summary>
public sealed class FinanceProperties
{
    /// <summary>Any valid terms, from one cent to a billion euros, −5%..50%, 1..100 years, any grace.</summary>
    private static Arbitrary<LoanTerms> AnyTerms() =>
        (from cents in Gen.OneOf(Gen.Choose(1, 1000), Gen.Choose(1, int.MaxValue), Gen.Choose(1, 1_000_000).Select(c => c * 100))
         from rateBp in Gen.Choose(-50_000, 500_000) // in 1/1,000,000
         from term in Gen.Choose(1, 100)
         from grace in Gen.Choose(0, term - 1)
         from type in Gen.Elements(Enum.GetValues<RepaymentType>())
         select new LoanTerms(cents / 100m * (cents % 7 == 0 ? 1000m : 1m), rateBp / 1_000_000m, term, type, grace))
            .ToArbitrary();

    /// <summary>Realistic municipal/bank terms: €1,000..€100 M, −5%..15%, up to 60 years.</summary>
    private static Arbitrary<LoanTerms> RealisticTerms(RepaymentType type) =>
        (from euros in Gen.Choose(1_000, 100_000_000)
         from cents in Gen.Choose(0, 99)
         from rateBp in Gen.Choose(-500, 1500) // basis points
         from term in Gen.Choose(1, 60)
         from grace in Gen.Choose(0, term - 1)
         select new LoanTerms(euros + cents / 100m, rateBp / 10_000m, term, type, grace))
            .ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Schedules_repay_the_principal_to_the_cent() =>
        Prop.ForAll(AnyTerms(), terms =>
        {
            var schedule = LoanSchedule.Build(terms);
            Assert.Equal(terms.TermYears, schedule.Length);
            Assert.Equal(terms.Principal, schedule.Sum(y => y.Principal));
            Assert.Equal(0m, schedule[^1].ClosingBalance);
            Assert.Equal(terms.Principal, schedule[0].OpeningBalance);
            for (var i = 0; i < schedule.Length; i++)
            {
                var y = schedule[i];
                Assert.Equal(i + 1, y.Year);
                Assert.Equal(y.Payment, y.Interest + y.Principal);
                Assert.Equal(y.ClosingBalance, y.OpeningBalance - y.Principal);
                Assert.True(y.ClosingBalance >= 0, $"negative balance in year {y.Year}");
                Assert.All(new[] { y.Interest, y.Principal, y.Payment, y.OpeningBalance }, a => Assert.Equal(a, decimal.Round(a, 2)));
                if (i > 0) Assert.Equal(schedule[i - 1].ClosingBalance, y.OpeningBalance);
                if (y.Year <= terms.GraceYears) Assert.Equal(0m, y.Principal);
            }
        });

    [Property(MaxTest = 300)]
    public Property Annuity_payments_are_constant_except_the_last() =>
        Prop.ForAll(RealisticTerms(RepaymentType.Annuity), terms =>
        {
            var schedule = LoanSchedule.Build(terms);
            var repaying = schedule.Skip(terms.GraceYears).ToArray();
            var payment = repaying[0].Payment;
            Assert.All(repaying[..^1], y => Assert.Equal(payment, y.Payment));
            // The last payment only absorbs the rounding of the cents: at most a cent a year, compounded.
            var growth = 1m + Math.Abs(terms.AnnualRate);
            var bound = 0.01m * growth * Enumerable.Range(0, repaying.Length).Sum(k => DecimalMath.PowInt(growth, k));
            Assert.True(Math.Abs(repaying[^1].Payment - payment) <= bound, $"last {repaying[^1].Payment} vs {payment}, bound {bound}");
        });

    [Property(MaxTest = 300)]
    public Property Linear_pays_less_interest_than_annuity_at_a_positive_rate() =>
        Prop.ForAll(RealisticTerms(RepaymentType.Linear), terms =>
        {
            if (terms.AnnualRate <= 0 || terms.TermYears - terms.GraceYears < 2) return;
            var linear = LoanSchedule.Build(terms).Sum(y => y.Interest);
            var annuity = LoanSchedule.Build(terms with { Type = RepaymentType.Annuity }).Sum(y => y.Interest);
            var bullet = LoanSchedule.Build(terms with { Type = RepaymentType.Bullet }).Sum(y => y.Interest);
            Assert.True(linear < annuity, $"linear {linear} vs annuity {annuity}");
            Assert.True(annuity < bullet, $"annuity {annuity} vs bullet {bullet}");
        });

    [Property(MaxTest = 300)]
    public Property Ppmt_adds_up_to_the_principal_and_ipmt_plus_ppmt_is_pmt() =>
        Prop.ForAll(
            (from rateBp in Gen.Choose(-9_000, 100_000)
             from nper in Gen.Choose(1, 120)
             from pv in Gen.Choose(-10_000_000, 10_000_000)
             from fv in Gen.Choose(-1_000_000, 1_000_000)
             from atStart in Gen.Elements(true, false)
             select (Rate: rateBp / 10_000m, Nper: nper, Pv: (decimal)pv, Fv: (decimal)fv, AtStart: atStart)).ToArbitrary(),
            c =>
            {
                var pmt = Pmt(c.Rate, c.Nper, c.Pv, c.Fv, c.AtStart);
                var principal = 0m;
                for (var per = 1; per <= c.Nper; per++)
                {
                    var ipmt = Ipmt(c.Rate, per, c.Nper, c.Pv, c.Fv, c.AtStart);
                    var ppmt = Ppmt(c.Rate, per, c.Nper, c.Pv, c.Fv, c.AtStart);
                    Assert.True(Math.Abs(pmt - (ipmt + ppmt)) <= 1e-24m * (1 + Math.Abs(pmt)), $"IPMT {ipmt} + PPMT {ppmt} vs PMT {pmt}");
                    principal += ppmt;
                }
                var scale = 1m + Math.Abs(c.Pv) + Math.Abs(c.Fv) + Math.Abs(pmt) * c.Nper;
                // The balance runs from pv to −fv. With payments at the start, the interest of the last period
                // (on −fv/(1+r)) is accrued after the last payment, so no IPMT contains it.
                var expected = -(c.Pv + c.Fv) + (c.AtStart ? c.Fv * c.Rate / (1 + c.Rate) : 0m);
                Assert.True(Math.Abs(principal - expected) <= 1e-18m * scale, $"Σ PPMT {principal} vs {expected}");
            });

    /// <summary>Cash flows of a project: an outlay, then flows of either sign, sometimes only one sign.</summary>
    private static Arbitrary<decimal[]> CashFlows() =>
        (from outlay in Gen.Choose(1, 50_000_000)
         from flows in Gen.Choose(-2_000_000, 5_000_000).ArrayOf()
         from pattern in Gen.Choose(0, 3)
         select Flows(pattern, outlay, flows))
            .ToArbitrary();

    private static decimal[] Flows(int pattern, int outlay, int[] flows) => pattern switch
    {
        0 => [-(decimal)outlay, .. flows.Select(f => (decimal)Math.Abs(f))],
        1 => [outlay, .. flows.Select(f => -(decimal)Math.Abs(f))],
        _ => [-(decimal)outlay, .. flows.Select(f => (decimal)f)],
    };

    /// <summary>Σ values[i]/(1+r)^i, using NPV for the discounting.</summary>
    private static decimal NpvAtPeriodZero(decimal rate, decimal[] values) =>
        values.Length == 1 ? values[0] : values[0] + Npv(rate, values[1..]);

    /// <summary>
    /// Σ values[i]/(1+r)^i times (1+r)^(n−1) when r &lt; 0 (which keeps the sign and cannot overflow), and the
    /// same sum over absolute values as the scale for a relative check.
    /// </summary>
    private static (decimal Value, decimal Scale) ScaledNpv(decimal rate, decimal[] values)
    {
        var value = 0m;
        var scale = 0m;
        var z = rate >= 0 ? 1m / (1m + rate) : 1m + rate;
        for (var i = 0; i < values.Length; i++)
        {
            var weight = DecimalMath.PowInt(z, rate >= 0 ? i : values.Length - 1 - i);
            value += values[i] * weight;
            scale += Math.Abs(values[i]) * weight;
        }
        return (value, scale);
    }

    [Property(MaxTest = 300)]
    public Property Npv_at_the_irr_is_zero() =>
        Prop.ForAll(CashFlows(), Gen.Choose(-90, 200).Select(g => (decimal?)(g / 100m)).ToArbitrary(), (values, guess) =>
        {
            var irr = Irr(values, guess);
            var positives = values.Any(v => v > 0);
            var negatives = values.Any(v => v < 0);
            if (!positives || !negatives)
            {
                Assert.Null(irr);
                return;
            }
            // One sign change, a positive NPV at 0% and a negative one at the top of the range: exactly one
            // root, and it is inside the range.
            if (values[0] < 0 && values.Skip(1).All(v => v >= 0) && values.Sum() > 0 && NpvAtPeriodZero(MaximumIrr, values) < 0)
                Assert.NotNull(irr);
            if (irr is not { } r) return;
            Assert.InRange(r, MinimumIrr, MaximumIrr);
            var (npv, scale) = ScaledNpv(r, values);
            Assert.True(Math.Abs(npv) <= 1e-20m * scale, $"NPV {npv} at IRR {r} (scale {scale})");
        });

    [Property(MaxTest = 200)]
    public Property Irr_is_null_when_flows_have_one_sign() =>
        Prop.ForAll(Gen.Choose(0, 10_000_000).ArrayOf().ToArbitrary(), Gen.Elements(1m, -1m).ToArbitrary(), (flows, sign) =>
        {
            var values = flows.Select(f => sign * f).ToArray();
            if (values.Length == 0) return;
            Assert.Null(Irr(values));
            var dates = values.Select((_, i) => new LocalDate(2025, 1, 1).PlusDays(i * 91)).ToArray();
            Assert.Null(Xirr(values, dates));
        });

    /// <summary>Dated flows: an outlay on the first date, the rest at random later dates (in any order).</summary>
    private static Arbitrary<(decimal[] Values, LocalDate[] Dates)> DatedFlows() =>
        (from flows in CashFlows().Generator
         from offsets in Gen.Choose(1, 40 * 365).ArrayOf(flows.Length)
         select (flows, flows.Select((_, i) => new LocalDate(2024, 2, 29).PlusDays(i == 0 ? 0 : offsets[i])).ToArray()))
            .ToArbitrary();

    [Property(MaxTest = 100)]
    public Property Xnpv_at_the_xirr_is_zero() =>
        Prop.ForAll(DatedFlows(), flows =>
        {
            var (values, dates) = flows;
            var xirr = Xirr(values, dates);
            if (!values.Any(v => v > 0) || !values.Any(v => v < 0))
            {
                Assert.Null(xirr);
                return;
            }
            if (values[0] < 0 && values.Skip(1).All(v => v >= 0) && values.Sum() > 0 && Xnpv(MaximumIrr, values, dates) < 0)
                Assert.NotNull(xirr);
            if (xirr is not { } r) return;
            Assert.InRange(r, MinimumIrr, MaximumIrr);
            // Near −100% XNPV itself leaves the decimal range; as for IRR, check it times (1+r)^T there.
            var years = dates.Select(d => Period.DaysBetween(dates[0], d) / 365m).ToArray();
            var (npv, scale) = (0m, 0m);
            for (var i = 0; i < values.Length; i++)
            {
                var weight = r >= 0
                    ? DecimalMath.Pow(1m / (1m + r), years[i])
                    : DecimalMath.Pow(1m + r, years.Max() - years[i]);
                npv += values[i] * weight;
                scale += Math.Abs(values[i]) * weight;
            }
            Assert.True(Math.Abs(npv) <= 1e-20m * scale, $"XNPV {npv} at XIRR {r} (scale {scale})");
        });

    [Property(MaxTest = 100)]
    public Property Xnpv_and_xirr_on_yearly_dates_agree_with_npv_and_irr() =>
        Prop.ForAll(CashFlows(), Gen.Choose(-500, 2000).ToArbitrary(), (values, rateBp) =>
        {
            var rate = rateBp / 10_000m;
            var dates = values.Select((_, i) => new LocalDate(2025, 3, 1).PlusDays(365 * i)).ToArray();
            var npv = NpvAtPeriodZero(rate, values);
            var xnpv = Xnpv(rate, values, dates);
            Assert.True(Math.Abs(npv - xnpv) <= 1e-20m * (1 + Math.Abs(npv) + values.Sum(Math.Abs)), $"NPV {npv} vs XNPV {xnpv}");
            var irr = Irr(values);
            var xirr = Xirr(values, dates);
            Assert.Equal(irr is null, xirr is null);
            if (irr is { } a && xirr is { } b) Assert.True(Math.Abs(a - b) <= 1e-18m * (1 + Math.Abs(a)), $"IRR {a} vs XIRR {b}");
        });

    /// <summary>
    /// Flows with known IRRs: the coefficients of −1000·Π(y − (1 + r_k))·(y² − 2ay + a² + b²)^c in y = 1 + r
    /// (the optional quadratic adds a complex pair, which is not an IRR). Roots are whole tenths of a percent.
    /// </summary>
    private static Arbitrary<(decimal[] Values, decimal[] Roots, decimal Guess)> KnownRoots() =>
        // Roots at least 0.1 apart: XIRR's root finder scans 100 cells and resolves at most a pair of
        // roots inside one cell (close roots for IRR: the next property).
        (from roots in Gen.Choose(-600, 1500).Select(r => r / 1000m).ArrayOf()
             .Where(a => a.Length is >= 1 and <= 4 && a.Distinct().Order().Zip(a.Distinct().Order().Skip(1)).All(p => p.Second - p.First >= 0.1m))
         from complexPair in Gen.Elements(true, false)
         from guess in Gen.Choose(-500, 1600).Select(g => g / 1000m)
         select (Expand(roots.Distinct().ToArray(), complexPair), roots.Distinct().ToArray(), guess))
            .ToArbitrary();

    private static decimal[] Expand(decimal[] roots, bool complexPair)
    {
        decimal[] poly = [-1000m]; // highest power first
        IEnumerable<decimal[]> factors = roots.Select(r => new[] { 1m, -(1m + r) });
        if (complexPair) factors = factors.Append([1m, -2.2m, 1.21m + 0.09m]); // y = 1.1 ± 0.3i
        foreach (var f in factors)
        {
            var next = new decimal[poly.Length + f.Length - 1];
            for (var i = 0; i < poly.Length; i++)
                for (var j = 0; j < f.Length; j++)
                    next[i + j] += poly[i] * f[j];
            poly = next;
        }
        // Σ v_i y^(d−i) = 0: the values are the coefficients from the highest power down.
        return poly;
    }

    [Property(MaxTest = 200)]
    public Property Irr_and_xirr_return_the_known_root_closest_to_the_guess() =>
        Prop.ForAll(KnownRoots(), c =>
        {
            var ordered = c.Roots.OrderBy(r => Math.Abs(r - c.Guess)).ThenBy(r => r).ToArray();
            // Skip near-ties, where rounding in the last digits may legitimately pick either.
            if (ordered.Length > 1 && Math.Abs(Math.Abs(ordered[0] - c.Guess) - Math.Abs(ordered[1] - c.Guess)) < 1e-9m) return;
            var expected = ordered[0];
            var irr = Irr(c.Values, c.Guess);
            Assert.True(irr is { } r && Math.Abs(r - expected) <= 1e-18m,
                $"IRR {irr} for flows [{string.Join(", ", c.Values)}], roots [{string.Join(", ", c.Roots)}], guess {c.Guess}; expected {expected}");
            var dates = c.Values.Select((_, i) => new LocalDate(2030, 1, 1).PlusDays(365 * i)).ToArray();
            var xirr = Xirr(c.Values, dates, c.Guess);
            Assert.True(xirr is { } x && Math.Abs(x - expected) <= 1e-18m, $"XIRR {xirr}, expected {expected}");
        });

    /// <summary>Two to five roots packed within a few hundredths (each 0.001..0.01 from the next), somewhere in −30%..100%.</summary>
    private static Arbitrary<(decimal[] Values, decimal[] Roots, decimal Guess)> ClusteredRoots() => ClusteredRoots(1, 4);

    /// <summary>
    /// <paramref name="minGaps"/> + 1 to <paramref name="maxGaps"/> + 1 roots, each 0.001..0.01 from the next, somewhere in
    /// −30%..100%; the guess within 6 points of the first root.
    /// </summary>
    private static Arbitrary<(decimal[] Values, decimal[] Roots, decimal Guess)> ClusteredRoots(int minGaps, int maxGaps) =>
        (from first in Gen.Choose(-300, 1000).Select(r => r / 1000m)
         from gapCount in Gen.Choose(minGaps, maxGaps)
         from gaps in Gen.Choose(1, 10).Select(g => g / 1000m).ArrayOf(gapCount)
         from complexPair in Gen.Elements(true, false)
         from offset in Gen.Choose(-60, 60).Select(g => g / 1000m)
         let roots = gaps.Aggregate(new List<decimal> { first }, (list, gap) => { list.Add(list[^1] + gap); return list; }).ToArray()
         select (Expand(roots, complexPair), roots, first + offset))
            .ToArbitrary();

    // Up to five roots a few thousandths apart (within 4 points). Between such roots the NPV is smaller than
    // double's rounding error, so the root finder decides those cells in exact arithmetic (Descartes' rule of
    // signs); before that it could miss the closest root of a cluster of four or five.
    [Property(MaxTest = 200)]
    public Property Irr_finds_the_root_closest_to_the_guess_among_roots_a_thousandth_apart() =>
        Prop.ForAll(ClusteredRoots(), c => AssertClosestRoot(c, 1e-14m));

    // Six to eight such roots (within 7 points). Here the NPV between roots is so flat that a root finder which
    // pruned by its unproven double estimate of a root skipped the closer root's cell, and decimal's rounding
    // error alone moved a root by up to ~3e-6; the roots are checked to be real in exact arithmetic first (the
    // expansion in decimal may round the coefficients). Run once with MaxTest = 20,000 (no failure).
    [Property(MaxTest = 100)]
    public Property Irr_finds_the_root_closest_to_the_guess_among_six_to_eight_roots_a_thousandth_apart() =>
        Prop.ForAll(ClusteredRoots(5, 7), c =>
        {
            AssertRootsAreReal(c.Values, c.Roots);
            AssertClosestRoot(c, 1e-14m);
        });

    // Counterexamples of the property above (before the fix: 0.554 and 0.250, roots of the cluster but not the closest).
    [Theory]
    [InlineData(new[] { 0.53, 0.538, 0.543, 0.551, 0.554, 0.563, 0.572, 0.582 }, 0.56, 0.563)]
    [InlineData(new[] { 0.237, 0.241, 0.248, 0.25, 0.257, 0.258, 0.263, 0.265 }, 0.254, 0.257)]
    public void Irr_returns_the_closest_of_eight_clustered_roots(double[] rootValues, double guess, double expected)
    {
        var roots = rootValues.Select(r => (decimal)r).ToArray();
        var values = Expand(roots, complexPair: false);
        AssertRootsAreReal(values, roots);
        var irr = Irr(values, (decimal)guess);
        Assert.True(irr is { } r && Math.Abs(r - (decimal)expected) <= 1e-14m, $"IRR {irr}, expected {expected}");
    }

    /// <summary>
    /// The flows' NPV, in exact rational arithmetic, changes sign between neighbouring roots and beyond the outer
    /// ones: a real root lies between each pair of midpoints (the polynomial's degree leaves room for no more).
    /// </summary>
    private static void AssertRootsAreReal(decimal[] values, decimal[] roots)
    {
        var sorted = roots.Order().ToArray();
        var points = new List<decimal> { sorted[0] - 0.0005m };
        points.AddRange(sorted.Zip(sorted.Skip(1), (a, b) => (a + b) / 2));
        points.Add(sorted[^1] + 0.0005m);
        var signs = points.Select(r => ExactNpvSign(values, 1 + r)).ToArray();
        Assert.True(signs.Zip(signs.Skip(1)).All(p => p.First * p.Second < 0),
            $"The flows do not have real roots at [{string.Join(", ", roots)}]: NPV signs {string.Join(" ", signs)}");
    }

    /// <summary>The exact sign of Σ v_i·y^(d−i) (the NPV times (1+r)^d at y = 1 + r), in integers.</summary>
    private static int ExactNpvSign(decimal[] values, decimal y)
    {
        static (BigInteger Mantissa, int Scale) Split(decimal d)
        {
            var bits = decimal.GetBits(d);
            var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
            return (d < 0 ? -mantissa : mantissa, d.Scale);
        }
        // Horner in y = m/10^s, each step brought to a common scale: acc·y + v_i.
        var (ym, ys) = Split(y);
        BigInteger acc = 0;
        var scale = 0;
        foreach (var v in values)
        {
            acc *= ym;
            scale += ys;
            var (vm, vs) = Split(v);
            if (vs > scale) { acc *= BigInteger.Pow(10, vs - scale); scale = vs; }
            acc += vm * BigInteger.Pow(10, scale - vs);
        }
        return acc.Sign;
    }

    private static void AssertClosestRoot((decimal[] Values, decimal[] Roots, decimal Guess) c, decimal tolerance)
    {
        var ordered = c.Roots.OrderBy(r => Math.Abs(r - c.Guess)).ThenBy(r => r).ToArray();
        if (ordered.Length > 1 && Math.Abs(Math.Abs(ordered[0] - c.Guess) - Math.Abs(ordered[1] - c.Guess)) < 1e-9m) return;
        var irr = Irr(c.Values, c.Guess);
        // Close roots make the NPV flat between them, so the last digits are less certain than for lone roots.
        Assert.True(irr is { } r && Math.Abs(r - ordered[0]) <= tolerance,
            $"IRR {irr} for roots [{string.Join(", ", c.Roots)}], guess {c.Guess}; expected {ordered[0]}");
    }
}
