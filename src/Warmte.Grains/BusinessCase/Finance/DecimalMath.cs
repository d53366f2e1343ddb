namespace Warmte.BusinessCase.Finance;

/// <summary>
/// Powers, exponential and logarithm in <see cref="decimal"/>, so that money calculations never pass
/// through <see cref="double"/> and give the same digits on every machine. Relative precision is about
/// 1e-26 for results in the normal decimal range; results below 1e-28 become 0 (decimal underflow), and
/// results above <see cref="decimal.MaxValue"/> throw <see cref="OverflowException"/>.
/// </summary>
public static class DecimalMath
{
    /// <summary>ln 2 to 28 decimals.</summary>
    public const decimal Ln2 = 0.6931471805599453094172321215m;

    private const decimal Sqrt2 = 1.4142135623730950488016887242m;
    private const decimal HalfSqrt2 = 0.7071067811865475244008443621m;
    private const decimal TwoPow32 = 4294967296m;

    /// <summary>
    /// <paramref name="x"/> to an integer power by repeated squaring. Negative exponents raise 1/x, so a
    /// large base with a negative exponent underflows gracefully instead of overflowing on the way.
    /// </summary>
    /// <exception cref="OverflowException">The result exceeds the decimal range.</exception>
    public static decimal PowInt(decimal x, int n)
    {
        if (n == 0) return 1m;
        if (n < 0)
        {
            if (x == 0) throw new DivideByZeroException("0 raised to a negative power.");
            return PowInt(1m / x, n == int.MinValue ? throw new OverflowException("Exponent too large.") : -n);
        }
        try
        {
            var result = 1m;
            var square = x;
            var e = (uint)n;
            while (true)
            {
                if ((e & 1) != 0) result *= square;
                e >>= 1;
                if (e == 0) return result;
                square *= square;
            }
        }
        catch (OverflowException ex)
        {
            throw new OverflowException($"{x}^{n} exceeds the decimal range.", ex);
        }
    }

    /// <summary>
    /// (1 + <paramref name="a"/>)^<paramref name="n"/> − 1 for n ≥ 0, computed on the "minus one"
    /// representation (x·y − 1 = a + b + ab) so the result keeps its full relative precision when a is
    /// tiny, where 1 + a would already have rounded the information away. For −1 ≤ a ≤ 0 the result stays
    /// in [−1, 0] and never overflows.
    /// </summary>
    public static decimal PowOnePlusMinusOne(decimal a, int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Exponent must be zero or positive.");
        try
        {
            var result = 0m;
            var square = a;
            var e = (uint)n;
            while (e != 0)
            {
                if ((e & 1) != 0) result = result + square + result * square;
                e >>= 1;
                if (e == 0) break;
                square *= square + 2m;
            }
            return result;
        }
        catch (OverflowException ex)
        {
            throw new OverflowException($"(1 + {a})^{n} exceeds the decimal range.", ex);
        }
    }

    /// <summary>e^x. Returns 0 when the result is below the smallest decimal (x below about −64.5).</summary>
    /// <exception cref="OverflowException">x above about 66.54 (e^x beyond <see cref="decimal.MaxValue"/>).</exception>
    public static decimal Exp(decimal x)
    {
        if (x == 0) return 1m;
        if (x < -66m) return 0m;
        if (x > 66.6m) throw new OverflowException($"e^{x} exceeds the decimal range.");

        // Range reduction: x = k·ln2 + m/128 + s with |s| ≤ 1/256, so e^x = 2^k · e^(m/128) · e^s, with
        // e^(m/128) from a table and e^s from 10 Taylor terms (multiplications only, no divisions).
        // 2^96 is just beyond decimal, so k stops at 95 (r then reaches ~0.87, still inside the table).
        var k = Math.Min(95, (int)decimal.Round(x / Ln2, MidpointRounding.ToEven));
        var r = x - k * Ln2;
        var m = (int)decimal.Round(r * ExpTableSteps, MidpointRounding.ToEven);
        var s = r - m * ExpTableStep;
        var series = InverseFactorials[^1];
        for (var i = InverseFactorials.Length - 2; i >= 0; i--) series = series * s + InverseFactorials[i];
        var mantissa = ExpTable[m + ExpTableSteps] * series;
        try
        {
            // 2^|k| is an exact integer for |k| ≤ 95, so scaling costs one rounding at most.
            return k >= 0 ? mantissa * PowInt(2m, k) : mantissa / PowInt(2m, -k);
        }
        catch (OverflowException ex)
        {
            throw new OverflowException($"e^{x} exceeds the decimal range.", ex);
        }
    }

    /// <summary>1/i! for i = 0..9: enough terms for |s| ≤ 1/256 to reach 1e-30.</summary>
    private static readonly decimal[] InverseFactorials = BuildInverseFactorials(10);

    private const int ExpTableSteps = 128;
    private const decimal ExpTableStep = 1m / ExpTableSteps;

    /// <summary>e^(m/128) for m = −128..128 (|r| ≤ 1), computed once by the plain Taylor series.</summary>
    private static readonly decimal[] ExpTable =
        Enumerable.Range(-ExpTableSteps, 2 * ExpTableSteps + 1).Select(m => ExpSeries(m * ExpTableStep)).ToArray();

    private static decimal[] BuildInverseFactorials(int count)
    {
        var result = new decimal[count];
        var factorial = 1m;
        for (var i = 0; i < count; i++)
        {
            if (i > 0) factorial *= i;
            result[i] = 1m / factorial;
        }
        return result;
    }

    /// <summary>Σ x^i/i! until the terms vanish; only for |x| ≤ 1 (table construction).</summary>
    private static decimal ExpSeries(decimal x)
    {
        var sum = 1m;
        var term = 1m;
        for (var i = 1; i < 80; i++)
        {
            term = term * x / i;
            if (term == 0) break;
            sum += term;
        }
        return sum;
    }

    /// <summary>Natural logarithm of a positive number.</summary>
    public static decimal Ln(decimal x)
    {
        if (x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "Logarithm of a number that is not positive.");
        if (x == 1) return 0m;

        // Range reduction: x = m·2^k with m in [√2/2, √2], then ln m = 2·atanh((m−1)/(m+1)), whose series
        // in s² (s ≤ 0.172) converges in ~19 terms.
        var k = 0;
        var m = x;
        while (m > TwoPow32) { m /= TwoPow32; k += 32; }
        while (m < 1m / TwoPow32) { m *= TwoPow32; k -= 32; }
        while (m > Sqrt2) { m /= 2m; k++; }
        while (m < HalfSqrt2) { m *= 2m; k--; }

        var s = (m - 1m) / (m + 1m);
        var s2 = s * s;
        var power = s;
        var sum = s;
        for (var j = 1; j < InverseOdds.Length; j++)
        {
            power *= s2;
            var term = power * InverseOdds[j];
            if (term == 0) break;
            sum += term;
        }
        return k * Ln2 + 2m * sum;
    }

    /// <summary>1/(2j+1): multiplying is much faster than dividing in decimal.</summary>
    private static readonly decimal[] InverseOdds = Enumerable.Range(0, 40).Select(j => 1m / (2 * j + 1)).ToArray();

    /// <summary>
    /// <paramref name="x"/>^<paramref name="y"/> for x &gt; 0 (or x = 0 with y &gt; 0). Integer exponents go
    /// through <see cref="PowInt"/> so whole periods give exactly the same digits as the periodic functions.
    /// </summary>
    public static decimal Pow(decimal x, decimal y)
    {
        if (y == 0) return 1m;
        if (x == 0)
        {
            if (y > 0) return 0m;
            throw new DivideByZeroException("0 raised to a negative power.");
        }
        if (x < 0) throw new ArgumentOutOfRangeException(nameof(x), x, "Fractional power of a negative number.");
        if (y == decimal.Truncate(y) && Math.Abs(y) <= int.MaxValue) return PowInt(x, (int)y);
        return Exp(y * Ln(x));
    }
}
