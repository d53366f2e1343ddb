using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.BusinessCase.Finance;

namespace Warmte.Tests.BusinessCase.Finance;

/// <summary>
/// Rounding a value known as a double with an error bound (the engine's shortcut): whenever it answers,
/// it answers what decimal.Round gives for the exact value, bit for bit (scale and sign included).
/// </summary>
public sealed class CertifiedRoundingProperties
{
    /// <summary>Decimals of money-like size, many of them on or within a hair of a rounding midpoint or a whole unit.</summary>
    private static Arbitrary<(decimal Value, int Decimals, double Slack)> Cases() =>
        (from decimals in Gen.Elements(2, 4, 6)
         from units in Gen.Choose(-2_000_000_000, 2_000_000_000)
         from kind in Gen.Choose(0, 4)
         from noise in Gen.Choose(-1000, 1000)
         from scale in Gen.Choose(0, 20)
         from slack in Gen.Elements(0.0, 1e-12, 1e-6, 0.3)
         let unit = 1m / (decimal)Math.Pow(10, decimals)
         let value = kind switch
         {
             0 => units * unit + unit / 2,                                  // exactly a midpoint
             1 => units * unit + unit / 2 + noise * 1e-20m,                 // a hair from a midpoint
             2 => units * unit,                                             // exactly a whole unit
             3 => decimal.Round(units * unit * 1.000123456789m, scale),     // anywhere, any scale
             _ => units * unit + noise * 1e-18m,                            // a hair from a whole unit
         }
         select (value, decimals, slack)).ToArbitrary();

    [Property(MaxTest = 2000)]
    public Property Answers_only_what_decimal_round_gives() =>
        Prop.ForAll(Cases(), c =>
        {
            var estimate = (double)c.Value;
            // A valid bound: at least the conversion's error (a few units in the last place), plus some slack.
            var error = Math.Abs(estimate) * 4 * CertifiedRounding.Unit + c.Slack * Math.Pow(10, -c.Decimals);
            var shortcut = CertifiedRounding.TryRound(estimate, error, c.Decimals);
            if (shortcut is not { } s) return;
            var expected = decimal.Round(c.Value, c.Decimals, MidpointRounding.AwayFromZero);
            Assert.Equal(decimal.GetBits(expected), decimal.GetBits(s));
        });

    [Fact]
    public void Leaves_midpoints_whole_units_and_signed_zeros_to_decimal()
    {
        Assert.Null(CertifiedRounding.TryRound(0.125, 1e-15, 2));   // a midpoint: 0.13 or 0.12 depends on the exact value
        Assert.Null(CertifiedRounding.TryRound(1.5, 1e-15, 0));
        Assert.Null(CertifiedRounding.TryRound(0.12, 1e-15, 2));    // 0.12 exactly would keep its own decimals
        Assert.Null(CertifiedRounding.TryRound(-0.001, 1e-9, 2));   // −0.00: decimal keeps the sign
        Assert.Equal("0.13", CertifiedRounding.TryRound(0.1251, 1e-9, 2)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("-7.3580", CertifiedRounding.TryRound(-7.357951, 1e-9, 4)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The engine's own rounding to cents, ratios and factors gives decimal.Round's bits, scale and sign included.</summary>
public sealed class DecimalRoundingProperties
{
    private static Arbitrary<(decimal Value, int Decimals)> Cases() =>
        (from lo in Gen.Choose(int.MinValue, int.MaxValue)
         from mid in Gen.Choose(int.MinValue, int.MaxValue)
         from hi in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, int.MaxValue)))
         from small in Gen.Choose(-3_000_000, 3_000_000)
         from negative in Gen.Elements(true, false)
         from scale in Gen.Choose(0, 28)
         from decimals in Gen.Choose(0, 12)
         from kind in Gen.Choose(0, 3)
         let value = kind switch
         {
             0 => new decimal(lo, mid, hi, negative, (byte)scale),
             1 => new decimal(small, 0, 0, negative, (byte)scale),
             // Exactly half a unit of the last kept decimal, at any scale: the midpoints themselves.
             2 => new decimal(small, 0, 0, negative, (byte)Math.Min(28, decimals + 1)) * 10m + (negative ? -5m : 5m) / (decimal)Math.Pow(10, Math.Min(27, decimals + 1)),
             _ => new decimal(lo, mid, 0, negative, (byte)scale),
         }
         select (value, decimals)).ToArbitrary();

    [Property(MaxTest = 5000)]
    public Property Equals_decimal_round_away_from_zero_bit_for_bit() =>
        Prop.ForAll(Cases(), c =>
            Assert.Equal(decimal.GetBits(decimal.Round(c.Value, c.Decimals, MidpointRounding.AwayFromZero)),
                decimal.GetBits(DecimalRounding.AwayFromZero(c.Value, c.Decimals))));
}

/// <summary>
/// The engine's fused operations: <c>Product</c> gives decimal's own <c>AwayFromZero(a * b)</c> bit for bit, and
/// <c>Quotient</c> gives the exact quotient rounded half away from zero (checked against big-integer arithmetic).
/// </summary>
public sealed class DecimalProductAndQuotientProperties
{
    private static Gen<decimal> Decimals() =>
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        from mid in Gen.Frequency((2, Gen.Constant(0)), (2, Gen.Choose(int.MinValue, int.MaxValue)))
        from hi in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(0, int.MaxValue)))
        from negative in Gen.Elements(true, false)
        from scale in Gen.Choose(0, 28)
        from zero in Gen.Frequency((30, Gen.Constant(false)), (1, Gen.Constant(true)))
        select zero ? new decimal(0, 0, 0, negative, (byte)scale) : new decimal(lo, mid, hi, negative, (byte)scale);

    [Property(MaxTest = 5000)]
    public Property Product_equals_rounding_decimals_own_product_bit_for_bit() =>
        Prop.ForAll(Decimals().ToArbitrary(), Decimals().ToArbitrary(), Gen.Choose(0, 12).ToArbitrary(), (a, b, decimals) =>
        {
            decimal product;
            try { product = a * b; }
            catch (OverflowException)
            {
                Assert.Throws<OverflowException>(() => DecimalRounding.Product(a, b, decimals));
                return;
            }
            Assert.Equal(decimal.GetBits(DecimalRounding.AwayFromZero(product, decimals)), decimal.GetBits(DecimalRounding.Product(a, b, decimals)));
        });

    [Property(MaxTest = 500)]
    public Property Product_of_engine_sized_values_equals_decimal() =>
        Prop.ForAll(Gen.Choose(-500_000_000, 500_000_000).ToArbitrary(), Gen.Choose(0, 4).ToArbitrary(), Gen.Choose(0, 2_000_000_000).ToArbitrary(),
            (units, scale, factor) =>
            {
                var amount = new decimal(Math.Abs(units), 0, 0, units < 0, (byte)scale);
                var index = factor / 1_000_000_000m; // a ten-decimal index such as 1.2189944201
                Assert.Equal(decimal.GetBits(DecimalRounding.AwayFromZero(amount * index, 2)), decimal.GetBits(DecimalRounding.Product(amount, index, 2)));
            });

    /// <summary>a / b rounded half away from zero to the given decimals, in big integers, as a decimal of that scale (null: too large for one).</summary>
    private static decimal? Exact(decimal a, decimal b, int decimals)
    {
        static (System.Numerics.BigInteger Mantissa, int Scale) Parts(decimal d)
        {
            var bits = decimal.GetBits(d);
            var m = (new System.Numerics.BigInteger((uint)bits[2]) << 64) | (new System.Numerics.BigInteger((uint)bits[1]) << 32) | (uint)bits[0];
            return (m, (bits[3] >> 16) & 0xFF);
        }
        var (ma, sa) = Parts(a);
        var (mb, sb) = Parts(b);
        var numerator = ma * System.Numerics.BigInteger.Pow(10, sb + decimals);
        var denominator = mb * System.Numerics.BigInteger.Pow(10, sa);
        var q = System.Numerics.BigInteger.DivRem(numerator, denominator, out var r);
        if (2 * r >= denominator) q++;
        if (q >= System.Numerics.BigInteger.One << 96) return null;
        var negative = (decimal.GetBits(a)[3] ^ decimal.GetBits(b)[3]) < 0; // the sign bits, as decimal's own operations (a zero keeps its sign)
        var bytes = q.ToByteArray(isUnsigned: true, isBigEndian: false);
        Array.Resize(ref bytes, 12);
        return new decimal(BitConverter.ToInt32(bytes, 0), BitConverter.ToInt32(bytes, 4), BitConverter.ToInt32(bytes, 8), negative, (byte)decimals);
    }

    private static Gen<decimal> Divisors() =>
        Gen.OneOf(
            // 1 + VAT and other rates with a few decimals
            from bp in Gen.Choose(1, 100_000) from scale in Gen.Choose(0, 5) select new decimal(bp, 0, 0, false, (byte)scale),
            from units in Gen.Choose(1, int.MaxValue) from negative in Gen.Elements(true, false) from scale in Gen.Choose(0, 7)
            select new decimal(units, 0, 0, negative, (byte)scale));

    [Property(MaxTest = 5000)]
    public Property Quotient_is_the_exact_quotient_rounded_half_away_from_zero() =>
        Prop.ForAll(Decimals().ToArbitrary(), Divisors().ToArbitrary(), Gen.Choose(0, 4).ToArbitrary(), (a, b, decimals) =>
        {
            var exactPath = b.Scale + decimals <= 9;
            if (exactPath && Exact(a, b, decimals) is { } exact)
            {
                Assert.Equal(decimal.GetBits(exact), decimal.GetBits(DecimalRounding.Quotient(a, b, decimals)));
                return;
            }
            decimal quotient;
            try { quotient = a / b; }
            catch (OverflowException)
            {
                Assert.Throws<OverflowException>(() => DecimalRounding.Quotient(a, b, decimals));
                return;
            }
            Assert.Equal(decimal.GetBits(DecimalRounding.AwayFromZero(quotient, decimals)), decimal.GetBits(DecimalRounding.Quotient(a, b, decimals)));
        });

    [Property(MaxTest = 2000)]
    public Property Quotient_rounds_exact_midpoints_away_from_zero() =>
        Prop.ForAll(Gen.Choose(-1_000_000_000, 1_000_000_000).ToArbitrary(), Gen.Choose(1, 50).ToArbitrary(), (cents, vatPercent) =>
        {
            // a = (cents + ½) / 100 × (1 + VAT): exactly a midpoint once divided by 1 + VAT.
            var onePlusVat = 1m + vatPercent / 100m;
            var a = (cents + (cents < 0 ? -0.5m : 0.5m)) / 100m * onePlusVat;
            var expected = (cents + (cents < 0 ? -1m : 1m)) / 100m;
            Assert.Equal(expected, DecimalRounding.Quotient(a, onePlusVat, 2));
        });
}

/// <summary>The NPV's multiply-and-round: the exact product rounded once, checked in big integers.</summary>
public sealed class DecimalExactProductProperties
{
    private static Gen<decimal> Values() =>
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        from mid in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(int.MinValue, int.MaxValue)))
        from negative in Gen.Elements(true, false)
        from scale in Gen.Choose(0, 28)
        select new decimal(lo, mid, 0, negative, (byte)scale);

    [Property(MaxTest = 5000)]
    public Property Is_the_exact_product_rounded_half_away_from_zero() =>
        Prop.ForAll(Values().ToArbitrary(), Values().ToArbitrary(), Gen.Choose(0, 18).ToArbitrary(), (a, b, decimals) =>
        {
            static (System.Numerics.BigInteger M, int S) Parts(decimal d)
            {
                var bits = decimal.GetBits(d);
                return ((new System.Numerics.BigInteger((uint)bits[2]) << 64) | (new System.Numerics.BigInteger((uint)bits[1]) << 32) | (uint)bits[0], (bits[3] >> 16) & 0xFF);
            }
            var (ma, sa) = Parts(a);
            var (mb, sb) = Parts(b);
            var product = ma * mb;
            var drop = sa + sb - decimals;
            decimal actual;
            try { actual = DecimalRounding.ExactProduct(a, b, decimals); }
            catch (OverflowException)
            {
                Assert.Throws<OverflowException>(() => a * b); // only where decimal itself cannot hold the product
                return;
            }
            if (drop <= 0 || product.IsZero)
            {
                // Nothing to round (or zero): decimal's own product, rounded as the engine rounds it.
                Assert.Equal(decimal.GetBits(DecimalRounding.Product(a, b, decimals)), decimal.GetBits(actual));
                return;
            }
            var p = System.Numerics.BigInteger.Pow(10, drop);
            var q = System.Numerics.BigInteger.DivRem(product, p, out var r);
            if (2 * r >= p) q++;
            if (drop > 19 || q >= System.Numerics.BigInteger.One << 96 || q.IsZero)
                return; // handed to Product: covered by its own property
            var negative = (decimal.GetBits(a)[3] ^ decimal.GetBits(b)[3]) < 0;
            var bytes = q.ToByteArray(isUnsigned: true, isBigEndian: false);
            Array.Resize(ref bytes, 12);
            var expected = new decimal(BitConverter.ToInt32(bytes, 0), BitConverter.ToInt32(bytes, 4), BitConverter.ToInt32(bytes, 8), negative, (byte)decimals);
            Assert.Equal(decimal.GetBits(expected), decimal.GetBits(actual));
        });
}
