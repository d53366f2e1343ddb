using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Warmte.BusinessCase.Finance;

/// <summary>
/// <c>decimal.Round(value, decimals, MidpointRounding.AwayFromZero)</c>, bit for bit, faster for the values
/// the engine books: a mantissa within 64 bits takes one division by a constant power of ten (which the JIT
/// turns into a multiplication), one within 96 bits one 128-bit division. Plus the engine's two fused
/// operations, <see cref="Product"/> and <see cref="Quotient"/>. All of it is decimal arithmetic done on
/// decimal's own integer representation: exact, never binary floating point.
/// </summary>
internal static class DecimalRounding
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Bits
    {
        public uint Flags;
        public uint High;
        public ulong Low;
    }

    public static decimal AwayFromZero(decimal value, int decimals)
    {
        var bits = Unsafe.As<decimal, Bits>(ref value);
        var scale = (int)((bits.Flags >> 16) & 0xFF);
        if (scale <= decimals) return value;
        if (bits.High != 0) return Wide(bits, scale, decimals);
        var low = bits.Low;
        ulong q, p;
        switch (scale - decimals)
        {
            case 1: q = low / 10UL; p = 10UL; break;
            case 2: q = low / 100UL; p = 100UL; break;
            case 3: q = low / 1_000UL; p = 1_000UL; break;
            case 4: q = low / 10_000UL; p = 10_000UL; break;
            case 5: q = low / 100_000UL; p = 100_000UL; break;
            case 6: q = low / 1_000_000UL; p = 1_000_000UL; break;
            case 7: q = low / 10_000_000UL; p = 10_000_000UL; break;
            case 8: q = low / 100_000_000UL; p = 100_000_000UL; break;
            case 9: q = low / 1_000_000_000UL; p = 1_000_000_000UL; break;
            case 10: q = low / 10_000_000_000UL; p = 10_000_000_000UL; break;
            case 11: q = low / 100_000_000_000UL; p = 100_000_000_000UL; break;
            case 12: q = low / 1_000_000_000_000UL; p = 1_000_000_000_000UL; break;
            case 13: q = low / 10_000_000_000_000UL; p = 10_000_000_000_000UL; break;
            case 14: q = low / 100_000_000_000_000UL; p = 100_000_000_000_000UL; break;
            case 15: q = low / 1_000_000_000_000_000UL; p = 1_000_000_000_000_000UL; break;
            case 16: q = low / 10_000_000_000_000_000UL; p = 10_000_000_000_000_000UL; break;
            case 17: q = low / 100_000_000_000_000_000UL; p = 100_000_000_000_000_000UL; break;
            case 18: q = low / 1_000_000_000_000_000_000UL; p = 1_000_000_000_000_000_000UL; break;
            case 19: q = low / 10_000_000_000_000_000_000UL; p = 10_000_000_000_000_000_000UL; break;
            default: return decimal.Round(value, decimals, MidpointRounding.AwayFromZero);
        }
        var remainder = low - q * p;
        if (remainder >= p - remainder) q++; // half or more: away from zero (the sign is kept apart)
        var result = new Bits { Flags = (bits.Flags & 0x8000_0000u) | ((uint)decimals << 16), High = 0, Low = q };
        return Unsafe.As<Bits, decimal>(ref result);
    }

    /// <summary>
    /// <c>AwayFromZero(a * b, decimals)</c>, bit for bit, without building the product as a decimal first: when
    /// both mantissas fit in 64 bits, their product in 96 bits and the scales add up to at most 28, decimal's
    /// multiplication is exact (mantissas multiplied, scales added), so the same product is rounded here
    /// directly. Anything else (and a zero product, whose sign decimal decides) goes through decimal itself.
    /// </summary>
    public static decimal Product(decimal a, decimal b, int decimals)
    {
        var x = Unsafe.As<decimal, Bits>(ref a);
        var y = Unsafe.As<decimal, Bits>(ref b);
        if ((x.High | y.High) == 0)
        {
            var scale = ((x.Flags >> 16) & 0xFF) + ((y.Flags >> 16) & 0xFF);
            var high = Math.BigMul(x.Low, y.Low, out var low);
            if (scale <= 28 && high <= uint.MaxValue && (high | low) != 0)
            {
                var product = new Bits { Flags = ((x.Flags ^ y.Flags) & 0x8000_0000u) | (scale << 16), High = (uint)high, Low = low };
                return AwayFromZero(Unsafe.As<Bits, decimal>(ref product), decimals);
            }
        }
        return AwayFromZero(a * b, decimals);
    }

    /// <summary>
    /// a × b rounded to <paramref name="decimals"/> half away from zero, exactly (one rounding, never two):
    /// when both mantissas fit in 64 bits the 128-bit product is rounded in integers, also where decimal's own
    /// multiplication would first round it to 28 digits. Where decimal's product is exact this is
    /// <see cref="Product"/>, bit for bit; values beyond 64-bit mantissas go through <see cref="Product"/>.
    /// </summary>
    public static decimal ExactProduct(decimal a, decimal b, int decimals)
    {
        var x = Unsafe.As<decimal, Bits>(ref a);
        var y = Unsafe.As<decimal, Bits>(ref b);
        if ((x.High | y.High) == 0)
        {
            var scale = (int)(((x.Flags >> 16) & 0xFF) + ((y.Flags >> 16) & 0xFF));
            var drop = scale - decimals;
            if (drop > 0 && drop <= 19)
            {
                var high = Math.BigMul(x.Low, y.Low, out var low);
                var p = PowersOfTen[drop];
                var q = UInt128.DivRem(new UInt128(high, low), p);
                var quotient = q.Quotient;
                var remainder = (ulong)q.Remainder;
                if (remainder >= p - remainder) quotient++;
                if (quotient >> 96 == 0 && quotient != 0)
                {
                    var result = new Bits { Flags = ((x.Flags ^ y.Flags) & 0x8000_0000u) | ((uint)decimals << 16), High = (uint)(quotient >> 64), Low = (ulong)quotient };
                    return Unsafe.As<Bits, decimal>(ref result);
                }
            }
        }
        return Product(a, b, decimals);
    }

    /// <summary>
    /// a / b rounded to <paramref name="decimals"/> half away from zero, exactly (no intermediate rounding to
    /// 28 digits), always with <paramref name="decimals"/> decimals (zero too): in 128-bit integers when a's
    /// mantissa fits in 96 bits, b's in 32, and b's scale plus <paramref name="decimals"/> is at most 9 —
    /// amounts divided by a rate such as 1 + VAT. Otherwise <c>AwayFromZero(a / b, decimals)</c>, which can
    /// differ from the exact result only when a / b lies within 10^-28 of a rounding midpoint, and can carry
    /// fewer decimals (decimal's division drops trailing zeros).
    /// </summary>
    public static decimal Quotient(decimal a, decimal b, int decimals)
    {
        var x = Unsafe.As<decimal, Bits>(ref a);
        var y = Unsafe.As<decimal, Bits>(ref b);
        var scaleA = (int)((x.Flags >> 16) & 0xFF);
        var scaleB = (int)((y.Flags >> 16) & 0xFF);
        if (y.High == 0 && y.Low <= uint.MaxValue && y.Low != 0 && scaleB + decimals <= 9)
        {
            // a / b × 10^decimals = A × 10^(scaleB + decimals) / (B × 10^scaleA), with A < 2^96, B < 2^32.
            var numerator = new UInt128(x.High, x.Low) * PowersOfTen[scaleB + decimals];
            var denominator = (UInt128)y.Low * WidePowersOfTen[scaleA];
            var q = UInt128.DivRem(numerator, denominator);
            var quotient = q.Quotient;
            if (q.Remainder >= denominator - q.Remainder) quotient++;
            if (quotient >> 96 == 0)
            {
                var result = new Bits { Flags = ((x.Flags ^ y.Flags) & 0x8000_0000u) | ((uint)decimals << 16), High = (uint)(quotient >> 64), Low = (ulong)quotient };
                return Unsafe.As<Bits, decimal>(ref result);
            }
        }
        return AwayFromZero(a / b, decimals);
    }

    private static readonly UInt128[] WidePowersOfTen = [.. Enumerable.Range(0, 29).Select(UInt128Power)];

    private static UInt128 UInt128Power(int n)
    {
        UInt128 p = 1;
        for (var i = 0; i < n; i++) p *= 10;
        return p;
    }

    private static readonly ulong[] PowersOfTen =
    [
        1UL, 10UL, 100UL, 1_000UL, 10_000UL, 100_000UL, 1_000_000UL, 10_000_000UL, 100_000_000UL, 1_000_000_000UL,
        10_000_000_000UL, 100_000_000_000UL, 1_000_000_000_000UL, 10_000_000_000_000UL, 100_000_000_000_000UL,
        1_000_000_000_000_000UL, 10_000_000_000_000_000UL, 100_000_000_000_000_000UL, 1_000_000_000_000_000_000UL,
        10_000_000_000_000_000_000UL,
    ];

    /// <summary>A 96-bit mantissa (products of amounts and 28-digit factors): the same rounding in 128-bit integers.</summary>
    private static decimal Wide(Bits bits, int scale, int decimals)
    {
        var drop = scale - decimals;
        if (drop > 19) return decimal.Round(Unsafe.As<Bits, decimal>(ref bits), decimals, MidpointRounding.AwayFromZero);
        var p = PowersOfTen[drop];
        var mantissa = new UInt128(bits.High, bits.Low);
        var q = mantissa / p;
        var remainder = (ulong)(mantissa - q * p);
        if (remainder >= p - remainder) q++;
        // The quotient of a 96-bit mantissa by at least 10 fits in 96 bits; rounding up cannot overflow them.
        var result = new Bits { Flags = (bits.Flags & 0x8000_0000u) | ((uint)decimals << 16), High = (uint)(q >> 64), Low = (ulong)q };
        return Unsafe.As<Bits, decimal>(ref result);
    }
}
