using System.Globalization;

namespace Warmte.Client;

/// <summary>
/// Reads an amount in euros as people type it: "1000000", Dutch "1.000.000,00" or "1000000,50", and
/// "1000000.00". Anything that could mean two different amounts ("1.000", "1,500": a thousand or one?)
/// is refused rather than guessed; so are more than two decimals and amounts of zero or less.
/// </summary>
internal static class Amounts
{
    /// <summary>Digits before the decimal separator at most: beyond that no amount is plausible (and decimal stays exact).</summary>
    public const int MaxWholeDigits = 15;

    /// <summary>The largest amount <see cref="TryParse"/> reads.</summary>
    public const decimal MaxAmount = 999_999_999_999_999.99m;

    /// <summary>The amount, or a <see cref="UsageException"/> of <paramref name="command"/> that says what to type instead.</summary>
    public static decimal Parse(string text, OptionSpec option, CommandSpec? command = null) =>
        TryParse(text, out var amount, out var problem)
            ? amount
            : throw new UsageException($"'{Tokens.Shorten(text)}' bij --{option.Name}: {problem}", command);

    public static bool TryParse(string? text, out decimal amount, out string problem)
    {
        amount = 0m;
        problem = "";
        var s = (text ?? "").Trim();
        if (s.StartsWith('€')) s = s[1..].Trim();
        if (s.Length == 0)
        {
            problem = "geef een bedrag in euro's, bijv. 1000000 of 1.000.000,00.";
            return false;
        }
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            problem = "een bedrag is groter dan 0 en zonder teken, bijv. 1000000.";
            return false;
        }
        if (s.Any(c => !char.IsAsciiDigit(c) && c != '.' && c != ','))
        {
            problem = "alleen cijfers, punten en komma's; bijv. 1000000, 1.000.000,00 of 1000000.00.";
            return false;
        }

        // The decimal separator, if any, is the last separator; every other separator groups thousands.
        var last = s.LastIndexOfAny(['.', ',']);
        string whole, cents;
        if (last < 0)
        {
            whole = s;
            cents = "";
        }
        else
        {
            var mark = s[last];
            var other = mark == '.' ? ',' : '.';
            var before = s[..last];
            var after = s[(last + 1)..];
            var marks = s.Count(c => c == mark);
            var hasOther = before.Contains(other);
            if (marks > 1 && hasOther)
            {
                problem = "punten en komma's staan door elkaar; schrijf bijv. 1.000.000,00 of 1000000.00.";
                return false;
            }
            if (marks > 1)
            {
                // "1.000.000" or "1,000,000": the same mark more than once can only group thousands.
                if (!Grouped(s, mark))
                {
                    problem = $"de groepen tussen de {Name(mark)} kloppen niet; schrijf bijv. 1.000.000 of 1000000.";
                    return false;
                }
                whole = s.Replace(mark.ToString(), "", StringComparison.Ordinal);
                cents = "";
            }
            else if (hasOther)
            {
                // "1.000.000,00" or "1,000,000.00": the other mark groups thousands, this one starts the cents.
                if (!Grouped(before, other))
                {
                    problem = $"de groepen tussen de {Name(other)} kloppen niet; schrijf bijv. 1.000.000,00 of 1000000.00.";
                    return false;
                }
                if (after.Length is < 1 or > 2)
                {
                    problem = after.Length == 0
                        ? "na het decimaalteken ontbreken de centen."
                        : "meer dan twee decimalen; bedragen zijn in euro's en centen.";
                    return false;
                }
                whole = before.Replace(other.ToString(), "", StringComparison.Ordinal);
                cents = after;
            }
            else if (after.Length == 3 && before.TrimStart('0').Length > 0)
            {
                var thousand = before + after;
                var one = before + "." + after;
                problem = $"dat is dubbelzinnig: bedoelt u {Nl.Money(decimal.Parse(thousand, CultureInfo.InvariantCulture))} "
                          + $"of {Nl.Money(decimal.Parse(one, CultureInfo.InvariantCulture))}? "
                          + $"Schrijf het bedrag zonder scheidingsteken ({thousand}) of met centen (bijv. {Nl.Money(decimal.Parse(thousand, CultureInfo.InvariantCulture))[2..]}).";
                return false;
            }
            else if (after.Length is 1 or 2 && before.Length > 0)
            {
                whole = before;
                cents = after;
            }
            else
            {
                problem = after.Length == 0 || before.Length == 0
                    ? "een punt of komma hoort tussen cijfers, bijv. 1000,50."
                    : "meer dan twee decimalen; bedragen zijn in euro's en centen.";
                return false;
            }
        }

        if (whole.Length is 0 or > MaxWholeDigits)
        {
            // Name the limit (tester6 T17); the service may allow less for what the amount is for, and then names its own.
            problem = whole.Length == 0 ? "geef een bedrag in euro's, bijv. 1000000." : $"dat bedrag is onwaarschijnlijk groot: hoogstens {MaxWholeDigits} cijfers vóór de komma ({Nl.Money(MaxAmount)}).";
            return false;
        }
        amount = decimal.Parse(cents.Length == 0 ? whole : whole + "." + cents, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (amount <= 0m)
        {
            problem = "een bedrag is groter dan 0.";
            return false;
        }
        return true;
    }

    /// <summary>"1.000.000": a first group of 1 to 3 digits, then groups of exactly 3, separated by <paramref name="mark"/>.</summary>
    private static bool Grouped(string text, char mark)
    {
        var groups = text.Split(mark);
        return groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3);
    }

    private static string Name(char mark) => mark == '.' ? "punten" : "komma's";
}
