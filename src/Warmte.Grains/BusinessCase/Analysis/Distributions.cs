namespace Warmte.BusinessCase.Analysis;

/// <summary>How an uncertain input is spread between its low and high value.</summary>
public enum Distribution
{
    /// <summary>Every value between low and high equally likely (mostLikely is not used).</summary>
    Uniform,
    /// <summary>Density rising linearly from low to mostLikely and falling linearly to high.</summary>
    Triangular,
    /// <summary>Beta-PERT: a beta distribution on [low, high] with its mode at mostLikely and shape λ = 4, so that the mean is (low + 4·mostLikely + high) / 6.</summary>
    Pert,
}

/// <summary>
/// Sampling of the three distributions, reproducible bit for bit on any machine: decimal arithmetic, and for
/// PERT only IEEE-754 double operations that are exactly rounded (+ − × ÷ and the bit-exact exponent split of
/// <see cref="Ln"/>), never Math.Log/Exp/Pow, whose last bit differs between C libraries.
/// Every sample lies in [low, high]; low = mostLikely = high gives exactly that value.
/// </summary>
public static class Distributions
{
    public static decimal Sample(ref Xoshiro256 random, Distribution distribution, decimal low, decimal mostLikely, decimal high)
    {
        if (low == high) return low;
        var value = distribution switch
        {
            Distribution.Uniform => low + (high - low) * random.NextUnit(),
            Distribution.Triangular => Triangular(ref random, low, mostLikely, high),
            Distribution.Pert => low + (high - low) * Unit(Beta(ref random, mostLikely == low ? 0d : (double)((mostLikely - low) / (high - low)))),
            _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
        };
        // Decimal's last-digit rounding must not step outside the range.
        return Math.Clamp(value, low, high);
    }

    /// <summary>
    /// Triangular without a square root: it is the mixture of the rising part (weight c, the mode's position) and
    /// the falling part (weight 1 − c). The maximum of two uniforms has the rising density 2x and their minimum the
    /// falling density 2(1 − x), so low + (mode − low)·max(u₁, u₂) and mode + (high − mode)·min(u₁, u₂) are the parts.
    /// </summary>
    private static decimal Triangular(ref Xoshiro256 random, decimal low, decimal mode, decimal high)
    {
        var pick = random.NextUnit();
        var u1 = random.NextUnit();
        var u2 = random.NextUnit();
        return pick * (high - low) < mode - low
            ? low + (mode - low) * Math.Max(u1, u2)
            : mode + (high - mode) * Math.Min(u1, u2);
    }

    /// <summary>
    /// Beta(1 + 4c, 1 + 4(1 − c)) on [0, 1], c the mode's position, by rejection from the uniform: x is kept when
    /// u·g(c) ≤ g(x) with g(x) = x^(4c)·(1 − x)^(4(1 − c)), compared as logarithms. g is largest at its mode c, so
    /// this is exact; on average at most five tries (c at an end). Returns x as a multiple of 2^−53.
    /// </summary>
    private static long Beta(ref Xoshiro256 random, double c)
    {
        var a = 4d * c;
        var b = 4d * (1d - c);
        var top = LnG(c, a, b);
        while (true)
        {
            var k = random.NextUnitSteps();
            var x = k / (double)Xoshiro256.UnitSteps;
            var u = (random.NextUnitSteps() + 1) / (double)Xoshiro256.UnitSteps; // (0, 1]: its logarithm is finite
            var g = LnG(x, a, b);
            if (!double.IsNegativeInfinity(g) && Ln(u) + top <= g) return k;
        }
    }

    private static double LnG(double x, double a, double b)
    {
        var result = 0d;
        if (a != 0d) result += x == 0d ? double.NegativeInfinity : a * Ln(x);
        if (b != 0d) result += x == 1d ? double.NegativeInfinity : b * Ln(1d - x);
        return result;
    }

    private static decimal Unit(long steps) => steps / (decimal)Xoshiro256.UnitSteps;

    private const double Ln2 = 0.6931471805599453;
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>
    /// Natural logarithm of a positive normal double from exactly rounded operations only: x = m·2^e split from the
    /// bits (m in [√½, √2)), then ln m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …) with s = (m − 1)/(m + 1), |s| ≤ 0.172,
    /// summed to s²³ (the next term is below 1e-18 of the result). About 1e-16 relative error, the same bits everywhere.
    /// </summary>
    public static double Ln(double x)
    {
        if (!(x > 0d) || !double.IsNormal(x)) throw new ArgumentOutOfRangeException(nameof(x), "positive normal numbers only");
        var bits = BitConverter.DoubleToInt64Bits(x);
        var e = (int)((bits >> 52) & 0x7FF) - 1023;
        var m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | (1023L << 52));
        if (m > Sqrt2)
        {
            m *= 0.5;
            e++;
        }
        var s = (m - 1d) / (m + 1d);
        var s2 = s * s;
        var series = 1d / 23d;
        for (var k = 21; k >= 1; k -= 2) series = 1d / k + s2 * series;
        return e * Ln2 + 2d * s * series;
    }
}
