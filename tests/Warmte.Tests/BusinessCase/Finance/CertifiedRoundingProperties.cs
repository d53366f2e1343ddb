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
