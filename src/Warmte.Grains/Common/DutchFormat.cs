using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Warmte;

/// <summary>nl-NL formatting for text people read: 14-12-2024, € 7.800.000,00.</summary>
public static class DutchFormat
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("nl-NL");

    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Create("dd-MM-uuuu", Culture);

    public static string Date(LocalDate date) => DatePattern.Format(date);

    /// <summary>A month as people write it: 03-2027.</summary>
    public static string Month(YearMonth month) => $"{month.Month:00}-{month.Year}";

    public static string Money(decimal euros) => "€ " + euros.ToString("#,##0.00", Culture);

    /// <summary>Whole euros, for tables: € 343.906.</summary>
    public static string Euros(decimal euros) => "€ " + decimal.Round(euros, 0, MidpointRounding.AwayFromZero).ToString("#,##0", Culture);

    public static string Number(decimal value) => value.ToString("#,##0.##", Culture);

    /// <summary>The noun for a count: singular for exactly one, else plural ("1 maand", "0 maanden", "2,5 onthoudingen").</summary>
    public static string Noun(decimal count, string singular, string plural) => count == 1 ? singular : plural;

    /// <summary>A ratio such as a DSCR, always with two decimals: 1,30.</summary>
    public static string Ratio(decimal value) => value.ToString("0.00", Culture);

    /// <summary>A fraction as a Dutch percentage: 0.0325 → "3,25%".</summary>
    public static string Percent(decimal fraction, int decimals = 2) =>
        (fraction * 100m).ToString("0." + new string('0', decimals), Culture) + "%";
}
