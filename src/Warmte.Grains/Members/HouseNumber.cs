using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Warmte.Members;

/// <summary>
/// A house number as the national address register (BAG) has it: <see cref="Number"/> (huisnummer,
/// 1–99999), an optional <see cref="Letter"/> (huisletter, one letter A–Z) and an optional
/// <see cref="Addition"/> (huisnummertoevoeging, 1–4 letters or digits). Letters are kept upper case.
/// <para>
/// Written forms (see docs/spreadsheet-import.md for the table): a hyphen or slash always introduces
/// the toevoeging (<c>14-H</c>, <c>14-1</c>, <c>14-III</c>, <c>9-A</c>: Amsterdam's BAG practice for
/// floors and "huis"); one letter directly after the number or after a space is the huisletter
/// (<c>14H</c>, <c>9A</c>, <c>9 a</c>, <c>14 H</c>); anything else after a space, or more than one
/// letter attached, is the toevoeging (<c>14 hs</c>, <c>14hs</c>, <c>14 1</c>, <c>14 III</c>);
/// letter and toevoeging together as <c>14A-2</c> or <c>14 A 2</c>.
/// </para>
/// <para>
/// Display (<see cref="ToString"/>) follows the BAG/PDOK convention <c>huisnummer</c> +
/// <c>huisletter</c> + <c>-toevoeging</c>: <c>14</c>, <c>9A</c>, <c>14-H</c>, <c>14A-2</c>. Parsing
/// the display gives the same value back.
/// </para>
/// </summary>
public readonly partial record struct HouseNumber(int Number, string? Letter, string? Addition)
{
    public const int MinNumber = 1;
    public const int MaxNumber = 99_999;
    public const int MaxAdditionLength = 4;

    [GeneratedRegex(@"^(?<number>[0-9]+)(?<rest>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Leading();

    // One letter, then the end or a separator (space, hyphen, slash) and the toevoeging.
    [GeneratedRegex(@"^\s*(?<letter>[A-Za-z])(?:\s*[-/\s]\s*(?<addition>.+))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex LetterFirst();

    [GeneratedRegex(@"^[A-Z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AdditionChars();

    /// <summary>"14", "9A", "14-H", "14A-2": BAG/PDOK display.</summary>
    public override string ToString() => $"{Number}{Letter}{(Addition is null ? "" : "-" + Addition)}";

    /// <summary>Reads a house number as people write it; the value, or every problem found (in Dutch, without the field name).</summary>
    public static (HouseNumber? Value, ImmutableArray<string> Problems) Parse(string? text)
    {
        var t = Clean(text);
        if (t.Length == 0) return (null, ["is verplicht."]);
        var match = Leading().Match(t);
        if (!match.Success)
            return (null, [$"'{Short(t)}' begint niet met een huisnummer (bijv. 14, 14-H, 9A)."]);
        var problems = ImmutableArray.CreateBuilder<string>();
        var digits = match.Groups["number"].Value.TrimStart('0');
        var number = digits.Length is 0 or > 5 ? 0 : int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        if (number is < MinNumber or > MaxNumber)
            problems.Add($"huisnummer {Short(match.Groups["number"].Value)} moet tussen {MinNumber} en {MaxNumber} liggen.");
        var rest = match.Groups["rest"].Value;
        string? letter = null, addition = null;
        if (rest.Trim().Length == 0) { }
        else if (rest.TrimStart() is ['-' or '/', .. var afterSeparator])
            addition = afterSeparator.Trim();
        else if (LetterFirst().Match(rest) is { Success: true } lf)
        {
            letter = lf.Groups["letter"].Value.ToUpperInvariant();
            if (lf.Groups["addition"].Success) addition = lf.Groups["addition"].Value.Trim();
        }
        else addition = rest.Trim();
        if (addition is not null) problems.AddRange(AdditionProblems(addition));
        return problems.Count > 0
            ? (null, problems.ToImmutable())
            : (new HouseNumber(number, letter, addition is null ? null : addition.ToUpperInvariant()), []);
    }

    public static bool TryParse(string? text, out HouseNumber value, out ImmutableArray<string> problems)
    {
        var (parsed, found) = Parse(text);
        value = parsed ?? default;
        problems = found;
        return parsed is not null;
    }

    /// <summary>
    /// Checks the three parts given separately (API fields or separate columns); every problem with
    /// the part it is about ("huisnummer", "huisletter", "toevoeging"). Blank letter/addition is none.
    /// </summary>
    public static (HouseNumber? Value, ImmutableArray<(string Part, string Reason)> Problems) Of(int? number, string? letter, string? addition)
    {
        var problems = ImmutableArray.CreateBuilder<(string, string)>();
        if (number is not { } n) problems.Add(("huisnummer", "is verplicht."));
        else if (n is < MinNumber or > MaxNumber) problems.Add(("huisnummer", $"moet tussen {MinNumber} en {MaxNumber} liggen."));
        var l = Clean(letter);
        if (l.Length > 0 && !(l.Length == 1 && char.IsAsciiLetter(l[0])))
            problems.Add(("huisletter", $"'{Short(l)}' is geen huisletter: één letter A–Z."));
        var a = Clean(addition);
        if (a.Length > 0 && a[0] is '-' or '/') a = a[1..].Trim(); // "-H" in a Toevoeging column
        if (a.Length > 0) problems.AddRange(AdditionProblems(a).Select(p => ("toevoeging", p)));
        return problems.Count > 0
            ? (null, problems.ToImmutable())
            : (new HouseNumber(number!.Value, l.Length == 0 ? null : l.ToUpperInvariant(), a.Length == 0 ? null : a.ToUpperInvariant()), []);
    }

    private static IEnumerable<string> AdditionProblems(string addition)
    {
        var upper = addition.ToUpperInvariant();
        if (upper.Length == 0) yield return "de toevoeging na '-' ontbreekt.";
        else if (!AdditionChars().IsMatch(upper))
            yield return $"toevoeging '{Short(addition)}' mag alleen letters en cijfers bevatten (bijv. H, 1, III, HS).";
        if (upper.Length > MaxAdditionLength)
            yield return $"toevoeging '{Short(addition)}' is langer dan {MaxAdditionLength} tekens.";
    }

    /// <summary>Trimmed, with a non-breaking space as a space and the dashes word processors make (– — ‐ ‑) as a hyphen.</summary>
    private static string Clean(string? text) =>
        (text ?? "").Replace('\u00A0', ' ').Replace('\u2013', '-').Replace('\u2014', '-').Replace('\u2010', '-').Replace('\u2011', '-').Trim();

    private static string Short(string text) => text.Length <= 20 ? text : text[..20] + "…";
}

/// <summary>
/// Dutch postcodes: four digits (not starting with 0) and two letters, written <c>1053AB</c>,
/// <c>1053 ab</c> or <c>1053 AB</c>; kept as <c>1053 AB</c>. SA, SD and SS are never issued.
/// </summary>
public static partial class Postcode
{
    [GeneratedRegex(@"^([1-9][0-9]{3})[\s-]*([A-Z]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>"1053 AB", or null when the text is not a Dutch postcode.</summary>
    public static string? Normalise(string? text)
    {
        var match = Pattern().Match((text ?? "").Replace('\u00A0', ' ').Trim().ToUpperInvariant());
        if (!match.Success) return null;
        var letters = match.Groups[2].Value;
        return letters is "SA" or "SD" or "SS" ? null : $"{match.Groups[1].Value} {letters}";
    }
}

/// <summary>
/// A whole address written in one cell: "Wibautstraat 14-H", "Wibautstraat 14 H, 1091 GM Amsterdam",
/// "1e Oosterparkstraat 9a", or postcode first as corporations export it: "1091 GM Wibautstraat 20",
/// "1091GM Wibautstraat 20", "1091 gm, Wibautstraat 20-H". The street and place are not kept (postcode
/// and house number identify the address); the house number is the first part after the street that
/// starts with a digit and reads as one.
/// </summary>
public static partial class AddressLine
{
    // Optional ", 1091 GM Amsterdam" (or without comma) at the end.
    [GeneratedRegex(@"[,\s]+(?<postcode>[1-9][0-9]{3}\s?[A-Za-z]{2})\b(?:\s+[^\d,]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingPostcode();

    // "1091 GM Wibautstraat 20", "1091GM, Wibautstraat 20-H": four digits and two letters, then a space or comma.
    [GeneratedRegex(@"^(?<postcode>[0-9]{4}[\s-]*[A-Za-z]{2})(?:(?:\s*,\s*|\s+)(?<rest>.*))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex LeadingPostcode();

    // Street (at least one character, ending in a non-digit followed by a space), then the house number.
    [GeneratedRegex(@"^(?<street>.*\S)\s+(?<number>[0-9].*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex StreetAndNumber();

    /// <summary>
    /// The house number part and a postcode if the line has one (first or last); a problem saying what
    /// was found when no house number is (a postcode without a house number, or neither).
    /// </summary>
    public static (string? HouseNumberText, string? Postcode, string? Problem) Split(string? line)
    {
        var t = (line ?? "").Replace('\u00A0', ' ').Trim();
        if (t.Length == 0) return (null, null, "is verplicht.");
        string? postcode = null;
        var streetOptional = false;
        if (LeadingPostcode().Match(t) is { Success: true } lead)
        {
            // Postcode first: what follows is the street and number, or the number alone ("1091 GM 20-H").
            postcode = lead.Groups["postcode"].Value;
            t = lead.Groups["rest"].Value.Trim().TrimStart(',').Trim();
            streetOptional = true;
            // Both first and last ("1091 GM Wibautstraat 20, 1091 GM Amsterdam", as some corporations export it): the
            // same postcode is said twice; two different ones cannot both be the address's (review3 F10).
            if (TrailingPostcode().Match(t) is { Success: true } again && t[..again.Index].Any(char.IsAsciiDigit))
            {
                if (Compact(again.Groups["postcode"].Value) != Compact(postcode))
                    return (null, postcode, $"'{Short(line!.Trim())}' heeft twee verschillende postcodes ({Short(postcode)} en {again.Groups["postcode"].Value}); "
                                            + "geef er één (bijv. Wibautstraat 14-H, 1091 GM Amsterdam).");
                t = t[..again.Index].Trim();
            }
        }
        // A trailing postcode, unless it is the house number itself ("Keizersgracht 1234 ab": 1234 with toevoeging AB).
        else if (TrailingPostcode().Match(t) is { Success: true } pc && t[..pc.Index].Any(char.IsAsciiDigit))
        {
            postcode = pc.Groups["postcode"].Value;
            t = t[..pc.Index].Trim();
        }
        if (streetOptional && t.Length > 0 && char.IsAsciiDigit(t[0]) && HouseNumber.Parse(t).Value is not null)
            return (t, postcode, null);
        // The house number is the first digit group after the street whose rest reads as a house
        // number ("Wibautstraat 14 1" is 14 with toevoeging 1; "1e Oosterparkstraat 9a" is 9A).
        for (var i = 1; i < t.Length; i++)
        {
            if (!char.IsAsciiDigit(t[i]) || !char.IsWhiteSpace(t[i - 1])) continue;
            var candidate = t[i..];
            if (HouseNumber.Parse(candidate).Value is not null && t[..i].Trim().Length > 0)
                return (candidate, postcode, null);
        }
        var whole = StreetAndNumber().Match(t);
        if (whole.Success) return (whole.Groups["number"].Value, postcode, null); // parsed again by the caller, which names the problems
        var shown = $"'{Short(line!.Trim())}'";
        return postcode is not null
            ? (null, postcode, $"{shown}: postcode {Short(postcode)} gevonden maar geen huisnummer (bijv. {postcode} Wibautstraat 14-H of Wibautstraat 14-H, {postcode}).")
            : (null, null, $"{shown} heeft geen huisnummer (bijv. Wibautstraat 14-H, 1091 GM Amsterdam).");
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Compact(string postcode) => new([.. postcode.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);
}
