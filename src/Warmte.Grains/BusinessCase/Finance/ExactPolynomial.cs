using System.Numerics;

namespace Warmte.BusinessCase.Finance;

/// <summary>
/// A polynomial Σ c_i z^i with decimal coefficients, evaluated exactly: the coefficients scaled to
/// integers, and every point a double, which is a dyadic rational m/2^K. The IRR root finder asks it
/// only where double arithmetic cannot decide (values within their rounding-error bound of zero, as
/// between roots a thousandth apart), so its cost (BigInteger arithmetic, O(n²) per cell) is rarely paid.
/// </summary>
internal sealed class ExactPolynomial
{
    private readonly BigInteger[] _c;

    public ExactPolynomial(decimal[] coefficients)
    {
        var scale = 0;
        foreach (var c in coefficients) scale = Math.Max(scale, c.Scale);
        _c = new BigInteger[coefficients.Length];
        for (var i = 0; i < _c.Length; i++)
        {
            var c = coefficients[i];
            var bits = decimal.GetBits(c);
            var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
            if (c < 0) mantissa = -mantissa;
            _c[i] = mantissa * BigInteger.Pow(10, scale - c.Scale);
        }
    }

    /// <summary>The exact sign of the polynomial at z (−1, 0 or 1).</summary>
    public int Sign(double z)
    {
        var (m, k) = Dyadic(z);
        // p(z)·2^(K·n) = Σ c_i m^i 2^(K(n−i)), by Horner's rule.
        var n = _c.Length - 1;
        var acc = _c[n];
        for (var i = n - 1; i >= 0; i--) acc = acc * m + (_c[i] << (k * (n - i)));
        return acc.Sign;
    }

    /// <summary>
    /// Descartes' rule of signs on the open cell (a, b), 0 &lt; a &lt; b: the number of sign changes in the
    /// coefficients of (1+x)^n·p((a + b·x)/(1 + x)), which maps x in (0, ∞) onto z in (a, b). It is at least
    /// the number of roots in the cell and has the same parity: 0 proves the cell root-free, 1 proves exactly
    /// one (simple, so crossing) root.
    /// </summary>
    public int SignChanges(double a, double b)
    {
        var (ma, ka) = Dyadic(a);
        var (mb, kb) = Dyadic(b);
        var k = Math.Max(ka, kb);
        var aNum = ma << (k - ka);
        var bNum = mb << (k - kb);
        // With z = (A + B·x)/(2^K·(1 + x)): T = Σ c_i (A + B·x)^i (2^K·(1 + x))^(n−i), by Horner's rule,
        // carrying the power of 2^K·(1 + x) along.
        var n = _c.Length - 1;
        var t = new BigInteger[n + 1];
        var power = new BigInteger[n + 1];
        t[0] = _c[n];
        power[0] = BigInteger.One;
        for (var i = n - 1; i >= 0; i--)
        {
            var degree = n - i; // of t and power after this step
            for (var j = degree; j >= 1; j--)
            {
                t[j] = bNum * t[j - 1] + (j < degree ? aNum * t[j] : BigInteger.Zero);
                power[j] = (power[j - 1] + (j < degree ? power[j] : BigInteger.Zero)) << k;
            }
            t[0] *= aNum;
            power[0] <<= k;
            if (!_c[i].IsZero)
                for (var j = 0; j <= degree; j++) t[j] += _c[i] * power[j];
        }
        var changes = 0;
        var last = 0;
        foreach (var coefficient in t)
        {
            var sign = coefficient.Sign;
            if (sign == 0) continue;
            if (last != 0 && sign != last) changes++;
            last = sign;
        }
        return changes;
    }

    /// <summary>
    /// The root in (a, b) when the exact signs differ there (<paramref name="signA"/> at a, the other at b; a zero
    /// counts as positive): bisection with exact signs until a and b are adjacent doubles, or a point where the
    /// value is exactly zero (returned as both ends).
    /// </summary>
    public (double Lo, double Hi) Bisect(double a, double b, int signA)
    {
        for (var i = 0; i < 2100; i++)
        {
            var m = a + (b - a) / 2;
            if (m <= a || m >= b) break;
            var sign = Sign(m);
            if (sign == 0) return (m, m);
            if (sign == signA) a = m; else b = m;
        }
        return (a, b);
    }

    /// <summary>A double z in [1e-6, 1] as a decimal, to decimal's 28 digits (the cast keeps only 15).</summary>
    public static decimal ToDecimal(double z)
    {
        var (m, k) = Dyadic(z);
        var power = 1m;
        for (var i = 0; i < k; i++) power *= 2;
        return (decimal)m / power;
    }

    /// <summary>z = m / 2^k exactly, for a positive finite double (trailing zero bits dropped, k ≥ 0 for z ≤ 2^52).</summary>
    private static (BigInteger M, int K) Dyadic(double z)
    {
        var bits = BitConverter.DoubleToInt64Bits(z);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        exponent -= 1075;
        while (mantissa != 0 && (mantissa & 1) == 0 && exponent < 0)
        {
            mantissa >>= 1;
            exponent++;
        }
        return exponent >= 0 ? (new BigInteger(mantissa) << exponent, 0) : (new BigInteger(mantissa), -exponent);
    }
}
