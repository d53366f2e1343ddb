namespace Warmte.BusinessCase.Finance;

/// <summary>
/// A present-value function written in a variable z in (0, 1] so that no power exceeds 1: either
/// z = 1/(1+r) for rates r ≥ 0, or z = 1+r for rates r &lt; 0 (multiplied through by the largest power,
/// which keeps the sign and the roots).
/// </summary>
internal interface IRootRegion
{
    decimal Value(decimal z);

    (decimal Value, decimal Slope) ValueAndSlope(decimal z);
}

/// <summary>Σ c_i z^i by Horner's rule (IRR: the periods are whole numbers).</summary>
internal sealed class PolynomialRegion(decimal[] coefficients) : IRootRegion
{
    public decimal Value(decimal z)
    {
        var f = 0m;
        for (var i = coefficients.Length - 1; i >= 0; i--) f = f * z + coefficients[i];
        return f;
    }

    public (decimal Value, decimal Slope) ValueAndSlope(decimal z)
    {
        var f = 0m;
        var d = 0m;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            d = d * z + f;
            f = f * z + coefficients[i];
        }
        return (f, d);
    }
}

/// <summary>Σ c_i z^e_i for real exponents e_i ≥ 0 (XIRR: periods are fractions of a year).</summary>
internal sealed class PowerSumRegion(decimal[] coefficients, decimal[] exponents) : IRootRegion
{
    public decimal Value(decimal z) => ValueAndSlope(z).Value;

    public (decimal Value, decimal Slope) ValueAndSlope(decimal z)
    {
        var lnZ = DecimalMath.Ln(z);
        var f = 0m;
        var d = 0m;
        for (var i = 0; i < coefficients.Length; i++)
        {
            var e = exponents[i];
            if (e == 0)
            {
                f += coefficients[i];
                continue;
            }
            var power = DecimalMath.Exp(e * lnZ);
            f += coefficients[i] * power;
            d += coefficients[i] * e * power / z;
        }
        return (f, d);
    }
}

/// <summary>Root isolation and refinement for XIRR (grid scan in decimal); IRR uses <see cref="PolynomialRootFinder"/>, which shares the decimal solver.</summary>
internal static class RootFinder
{
    /// <summary>Grid cells per region when the values change sign more than once.</summary>
    private const int GridCells = 100;

    private const decimal Tolerance = 1e-26m;

    private static readonly decimal MinHighZ = 1m / (1m + SpreadsheetFunctions.MaximumIrr);
    private static readonly decimal MinLowZ = 1m + SpreadsheetFunctions.MinimumIrr;

    /// <summary>
    /// The root in [−99.99%, +1,000,000%] closest to <paramref name="guess"/> (ties: the lower rate), or null.
    /// <paramref name="high"/> covers r ≥ 0 as z = 1/(1+r), <paramref name="low"/> covers r &lt; 0 as z = 1+r;
    /// both equal the undiscounted sum at z = 1. <paramref name="highRoots"/> and <paramref name="lowRoots"/>
    /// bound the number of roots in each (Descartes' rule of signs; int.MaxValue when unknown): with at most
    /// one, a sign check at the ends of the range decides and no grid scan is needed.
    /// </summary>
    public static decimal? ClosestRoot(IRootRegion high, IRootRegion low, int highRoots, int lowRoots, decimal guess)
    {
        var atZero = high.Value(1m);
        var guessHigh = guess >= 0 ? 1m / (1m + guess) : (decimal?)null;
        var guessLow = guess < 0 ? 1m + guess : (decimal?)null;
        var rates = new List<decimal>();
        if (atZero == 0) rates.Add(0m);
        rates.AddRange(Roots(high, MinHighZ, highRoots, atZero, guessHigh).Select(HighRate));
        rates.AddRange(Roots(low, MinLowZ, lowRoots, atZero, guessLow).Select(LowRate));
        if (rates.Count == 0) return null;
        return rates.OrderBy(r => Math.Abs(r - guess)).ThenBy(r => r).First();
    }

    private static IEnumerable<decimal> Roots(IRootRegion region, decimal zMin, int bound, decimal atOne, decimal? start)
    {
        if (bound == 0) return [];
        if (bound == 1)
        {
            // At most one root inside the region: it is in [zMin, 1) iff the signs at the ends differ.
            var end = 1m;
            var atEnd = atOne;
            if (atOne == 0)
            {
                // Rate 0 is itself a root (the flows add up to 0). Step just inside, where the sign is the
                // opposite of the slope at 1; a double root at 1 leaves it to the scan.
                var slope = region.ValueAndSlope(1m).Slope;
                if (slope == 0) return Scan(region, zMin);
                end = 1m - 1e-12m;
                atEnd = region.Value(end);
                if (Math.Sign(atEnd) != -Math.Sign(slope)) return Scan(region, zMin);
            }
            var atMin = region.Value(zMin);
            return Math.Sign(atMin) == Math.Sign(atEnd) ? [] : [Solve(region, zMin, end, atMin, atEnd, start)];
        }
        return Scan(region, zMin);
    }

    private static decimal HighRate(decimal z) => 1m / z - 1m;

    private static decimal LowRate(decimal z) => z - 1m;

    /// <summary>All roots found on [zMin, 1) by a grid scan; z = 1 itself is the caller's.</summary>
    private static List<decimal> Scan(IRootRegion region, decimal zMin)
    {
        var roots = new List<decimal>();
        var z = new decimal[GridCells + 1];
        var f = new decimal[GridCells + 1];
        var d = new decimal[GridCells + 1];
        for (var j = 0; j <= GridCells; j++)
        {
            z[j] = j == GridCells ? 1m : zMin + (1m - zMin) * j / GridCells;
            (f[j], d[j]) = region.ValueAndSlope(z[j]);
            if (f[j] == 0 && j < GridCells) roots.Add(z[j]);
        }
        for (var j = 0; j < GridCells; j++)
        {
            var sa = Math.Sign(f[j]);
            var sb = Math.Sign(f[j + 1]);
            if (sa == 0 || sb == 0) continue;
            if (sa != sb)
            {
                roots.Add(Solve(region, z[j], z[j + 1], f[j], f[j + 1], null));
                continue;
            }
            // Same sign at both ends, but the slope turns: two roots may hide between the grid points.
            if (Math.Sign(d[j]) * Math.Sign(d[j + 1]) < 0) roots.AddRange(HiddenPair(region, z[j], z[j + 1], f[j], f[j + 1], d[j]));
        }
        return roots;
    }

    /// <summary>
    /// Homes in on the extremum between a and b (where the slope changes sign) by the Illinois variant of
    /// regula falsi on the slope; as soon as the value there has the other sign, the brackets either side
    /// are solved. Roots closer together than ~1e-15 in z count as a double root and are not reported.
    /// </summary>
    private static IEnumerable<decimal> HiddenPair(IRootRegion region, decimal a, decimal b, decimal fa, decimal fb, decimal da)
    {
        var lo = a;
        var hi = b;
        var dLo = da;
        var dHi = region.ValueAndSlope(b).Slope;
        var side = 0;
        for (var i = 0; i < 100 && hi - lo > 1e-15m; i++)
        {
            var mid = Chord(lo, hi, dLo, dHi);
            if (mid <= lo || mid >= hi) mid = (lo + hi) / 2m;
            var (fm, dm) = region.ValueAndSlope(mid);
            if (fm == 0) return [mid];
            if (Math.Sign(fm) != Math.Sign(fa))
                return [Solve(region, a, mid, fa, fm, null), Solve(region, mid, b, fm, fb, null)];
            if (dm == 0) break;
            if (Math.Sign(dm) == Math.Sign(dLo))
            {
                lo = mid;
                dLo = dm;
                // Illinois: halve the stale end's weight when the same end survives twice, so the
                // interval shrinks from both sides.
                if (side == -1) dHi /= 2m;
                side = -1;
            }
            else
            {
                hi = mid;
                dHi = dm;
                if (side == 1) dLo /= 2m;
                side = 1;
            }
        }
        return [];
    }

    /// <summary>
    /// Newton's method kept inside a shrinking bracket, falling back to bisection whenever the Newton step
    /// would leave the bracket or not halve it (Numerical Recipes' rtsafe). fa and fb have opposite signs.
    /// Starts at <paramref name="start"/> when it lies inside the bracket (the caller's guess, which is
    /// usually close), otherwise where the chord crosses zero.
    /// </summary>
    private static decimal Solve(IRootRegion region, decimal a, decimal b, decimal fa, decimal fb, decimal? start)
    {
        if (fa == 0) return a;
        if (fb == 0) return b;
        // Orient so the value is negative at lo and positive at hi.
        var (lo, hi) = fa < 0 ? (a, b) : (b, a);
        var z = start is { } s && s > Math.Min(a, b) && s < Math.Max(a, b) ? s : Chord(a, b, fa, fb);
        return SolveOriented(region, lo, hi, z);
    }

    /// <summary>
    /// <see cref="Solve"/> for a bracket already oriented: the value is negative at <paramref name="lo"/> and
    /// positive at <paramref name="hi"/> (lo may lie above hi). Starts at <paramref name="z"/>, inside the bracket.
    /// </summary>
    internal static decimal SolveOriented(IRootRegion region, decimal lo, decimal hi, decimal z)
    {
        var dxOld = Math.Abs(hi - lo);
        var dx = dxOld;
        var (f, df) = region.ValueAndSlope(z);
        for (var i = 0; i < 500; i++)
        {
            if (f == 0) return z;
            if (f < 0) lo = z;
            else hi = z;
            // Signs only: the products themselves could exceed the decimal range for very large flows.
            var newtonLeavesBracket = df == 0 || Math.Sign((z - hi) * df - f) * Math.Sign((z - lo) * df - f) >= 0;
            if (newtonLeavesBracket || Math.Abs(2m * f) > Math.Abs(dxOld * df))
            {
                dxOld = dx;
                dx = (hi - lo) / 2m;
                var previous = z;
                z = lo + dx;
                if (z == lo || z == previous) return z;
            }
            else
            {
                dxOld = dx;
                dx = f / df;
                var previous = z;
                z -= dx;
                if (z == previous) return z;
            }
            if (Math.Abs(dx) < Tolerance) return z;
            (f, df) = region.ValueAndSlope(z);
        }
        return z;
    }

    /// <summary>Where the straight line through (a, fa) and (b, fb) crosses zero, or the midpoint if that fails.</summary>
    private static decimal Chord(decimal a, decimal b, decimal fa, decimal fb)
    {
        try
        {
            var z = a - fa * ((b - a) / (fb - fa));
            if (z > Math.Min(a, b) && z < Math.Max(a, b)) return z;
        }
        catch (OverflowException)
        {
        }
        return (a + b) / 2m;
    }
}
