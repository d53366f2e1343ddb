[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Warmte.Tests")]

namespace Warmte.BusinessCase.Finance;

/// <summary>
/// Rounding of a value known only approximately — a <c>double</c> estimate with a proven bound on its
/// error — when the bound already decides the answer. Used only for dimensionless results the engine
/// reports to a fixed number of decimals (DSCR, LLCR, the IRR's rate): computing those in <c>double</c>
/// costs a fraction of the <c>decimal</c> arithmetic, and whenever the interval of possible values does
/// not reach a rounding boundary, every value in it (so also the exact <c>decimal</c> result) rounds
/// alike; otherwise the caller computes in <c>decimal</c>. Amounts of money never take this path: the
/// house rule is decimal for money, and an NPV in euros is computed in decimal.
/// </summary>
internal static class CertifiedRounding
{
    /// <summary>2^−53: the relative rounding error of one double operation.</summary>
    public const double Unit = 1.1102230246251565e-16;

    private static readonly double[] Powers = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

    /// <summary>
    /// <c>decimal.Round(v, decimals, MidpointRounding.AwayFromZero)</c> — bit for bit, scale included — for
    /// any v in [estimate − error, estimate + error], or null when that interval reaches a midpoint or a
    /// multiple of 10^−decimals (a decimal there might carry fewer decimals, or be a signed zero), or when
    /// the value is too large for the shortcut.
    /// </summary>
    public static decimal? TryRound(double estimate, double error, int decimals)
    {
        if (!(error >= 0) || !double.IsFinite(estimate) || !double.IsFinite(error)) return null;
        var scale = Powers[decimals];
        // The two multiplications by the power of ten round once each: widen by that.
        var lo = (estimate - error) * scale;
        var hi = (estimate + error) * scale;
        lo -= Math.Abs(lo) * 4 * Unit + double.Epsilon;
        hi += Math.Abs(hi) * 4 * Unit + double.Epsilon;
        if (!(Math.Abs(lo) < 1e15 && Math.Abs(hi) < 1e15)) return null;
        // The interval must lie strictly inside one half unit (j/2, (j+1)/2): then it holds neither a
        // midpoint nor a whole unit, and all of it rounds to the same whole number.
        var j = Math.Floor(2 * lo);
        if (!(2 * lo > j && 2 * hi < j + 1)) return null;
        var k = (long)Math.Floor((j + 1) / 2); // (m, m+½) rounds to m, (m+½, m+1) away from zero to m+1
        if (k == 0) return null; // a signed zero: leave the sign to decimal
        var magnitude = (ulong)Math.Abs(k);
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, k < 0, (byte)decimals);
    }

    /// <summary>
    /// NPV by Horner's rule as <see cref="Engine.BusinessCaseEngine"/> computes it in decimal
    /// (Σ values[i]·d^(i+1), d = 1/(1+rate)), here in double, with a bound on the distance between this
    /// estimate and that decimal result: each term carries at most ~(6i + 10) roundings of relative size
    /// <see cref="Unit"/> (conversions, the discount factor's powers, Horner's additions and
    /// multiplications), counted generously as (12n + 24)·Unit times Σ|values[i]|·d^(i+1); decimal's own
    /// rounding (28 digits) adds far less, covered by 1e-24 of the same sum.
    /// </summary>
    public static (double Estimate, double Error) Npv(decimal rate, ReadOnlySpan<decimal> values)
    {
        var d = 1.0 / (1.0 + (double)rate);
        double acc = 0, abs = 0;
        for (var i = values.Length - 1; i >= 0; i--)
        {
            var v = (double)values[i];
            acc = (acc + v) * d;
            abs = (abs + Math.Abs(v)) * d;
        }
        // Beyond ~1e25 the decimal Horner itself might overflow where this does not: no shortcut.
        if (!(abs < 1e25)) return (double.NaN, double.NaN);
        var error = abs * 1.01 * ((12.0 * values.Length + 24) * Unit + 1e-24) + 1e-20;
        return (acc, error);
    }
}
