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
        if (addition is not null) problems.AddRange(AdditionProblems(addition, match.Groups["number"].Value.Trim()));
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
        if (a.Length > 0) problems.AddRange(AdditionProblems(a, number?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(p => ("toevoeging", p)));
        return problems.Count > 0
            ? (null, problems.ToImmutable())
            : (new HouseNumber(number!.Value, l.Length == 0 ? null : l.ToUpperInvariant(), a.Length == 0 ? null : a.ToUpperInvariant()), []);
    }

    // A floor as Amsterdam lists write it: "2 hoog", "2hoog", "2e hoog", "2-hoog". Not a BAG toevoeging; the BAG writes the floor
    // as the toevoeging itself (14-2), and which form a building has (2, II, 2HG) is the register's, so it is not guessed.
    [GeneratedRegex(@"^(?<floor>[0-9]{1,2})\s*(?:e\s*|ste\s*|de\s*)?-?\s*hoog$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FloorWords();

    private static IEnumerable<string> AdditionProblems(string addition, string? number)
    {
        var upper = addition.ToUpperInvariant();
        if (FloorWords().Match(addition.Trim()) is { Success: true } floor)
        {
            // One message for one cell (tester10 T10), with the form to write.
            var f = floor.Groups["floor"].Value.TrimStart('0') is { Length: > 0 } d ? d : "0";
            yield return $"toevoeging '{Short(addition)}' is een verdieping in woorden: {f} hoog = verdieping {f}; schrijf {(number is { Length: > 0 } ? number : "<huisnummer>")}-{f} "
                         + "(of de toevoeging zoals de BAG die kent).";
            yield break;
        }
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
/// "1091GM Wibautstraat 20", "1091 gm, Wibautstraat 20-H". Postcode and house number identify the
/// address; the street (before the house number) and the town (after the postcode, or after a last
/// comma: "Dapperstraat 14-H, Amsterdam") are read too, for the member register's postal address.
/// The house number is the first part after the street that starts with a digit and reads as one.
/// </summary>
public static partial class AddressLine
{
    /// <summary>
    /// What one address cell says. <see cref="Doubt"/> (Dutch) is set when the line also reads another
    /// way ("Laan 1940 45": 1940-45 on Laan, or 45 on "Laan 1940"): the first reading is kept and the
    /// import warns, so nothing is guessed silently.
    /// </summary>
    public sealed record Parts(string? HouseNumberText, string? Postcode, string? Street, string? Town, string? Problem, string? Doubt);

    // Optional ", 1091 GM Amsterdam" (or without comma) at the end.
    [GeneratedRegex(@"[,\s]+(?<postcode>[1-9][0-9]{3}\s?[A-Za-z]{2})\b(?:\s+(?<town>[^\d,]*))?$", RegexOptions.CultureInvariant)]
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
        var parts = Read(line);
        return (parts.HouseNumberText, parts.Postcode, parts.Problem);
    }

    /// <summary>Everything the line says: house number part, postcode, street and town when present, a problem or a doubt.</summary>
    public static Parts Read(string? line)
    {
        var t = (line ?? "").Replace('\u00A0', ' ').Trim();
        if (t.Length == 0) return new(null, null, null, null, "is verplicht.", null);
        string? postcode = null, town = null;
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
                    return new(null, postcode, null, null, $"'{Short(line!.Trim())}' heeft twee verschillende postcodes ({Short(postcode)} en {again.Groups["postcode"].Value}); "
                                                 + "geef er één (bijv. Wibautstraat 14-H, 1091 GM Amsterdam).", null);
                town = TownText(again.Groups["town"].Value);
                t = t[..again.Index].Trim();
            }
        }
        // A trailing postcode, unless it is the house number itself ("Keizersgracht 1234 ab": 1234 with toevoeging AB).
        else if (TrailingPostcode().Match(t) is { Success: true } pc && t[..pc.Index].Any(char.IsAsciiDigit))
        {
            postcode = pc.Groups["postcode"].Value;
            town = TownText(pc.Groups["town"].Value);
            t = t[..pc.Index].Trim();
        }
        // No town after a postcode: a last comma part without digits that cannot be part of a house number
        // ("Dapperstraat 14-H, Amsterdam"; not ", H" or ", hs", which stay with the number and are refused there).
        if (town is null && t.LastIndexOf(',') is var comma and > 0 && t[(comma + 1)..].Trim() is { Length: > 0 } tail
            && !tail.Any(char.IsAsciiDigit) && HouseNumber.Parse("1 " + tail).Value is null && t[..comma].Any(char.IsAsciiDigit))
        {
            town = TownText(tail);
            t = t[..comma].Trim();
        }
        if (streetOptional && t.Length > 0 && char.IsAsciiDigit(t[0]) && HouseNumber.Parse(t).Value is not null)
            return new(t, postcode, null, town, null, null);
        // The house number is the first digit group after the street whose rest reads as a house
        // number ("Wibautstraat 14 1" is 14 with toevoeging 1; "1e Oosterparkstraat 9a" is 9A).
        for (var i = 1; i < t.Length; i++)
        {
            if (!char.IsAsciiDigit(t[i]) || !char.IsWhiteSpace(t[i - 1])) continue;
            var candidate = t[i..];
            var street = StreetText(t[..i]);
            if (HouseNumber.Parse(candidate).Value is { } house && street is not null)
                return new(candidate, postcode, street, town, null, Doubt(line!, street, candidate, house));
        }
        var whole = StreetAndNumber().Match(t);
        if (whole.Success) // parsed again by the caller, which names the problems
            return new(whole.Groups["number"].Value, postcode, StreetText(whole.Groups["street"].Value), town, null, null);
        var shown = $"'{Short(line!.Trim())}'";
        return postcode is not null
            ? new(null, postcode, null, town, $"{shown}: postcode {Short(postcode)} gevonden maar geen huisnummer (bijv. {postcode} Wibautstraat 14-H of Wibautstraat 14-H, {postcode}).", null)
            : new(null, null, null, town, $"{shown} heeft geen huisnummer (bijv. Wibautstraat 14-H, 1091 GM Amsterdam).", null);
    }

    /// <summary>
    /// A later digit group inside the house number part that reads as a house number on its own ("1940 45", "14 1")
    /// means the street could end in the first number: both readings are named.
    /// </summary>
    private static string? Doubt(string line, string street, string candidate, HouseNumber house)
    {
        for (var j = 1; j < candidate.Length; j++)
        {
            if (!char.IsAsciiDigit(candidate[j]) || !char.IsWhiteSpace(candidate[j - 1])) continue;
            if (HouseNumber.Parse(candidate[j..]).Value is not { } other) continue;
            return $"'{Short(line.Trim())}' is gelezen als straat {street}, huisnummer {house}; het kan ook straat "
                   + $"{street} {candidate[..j].Trim()}, huisnummer {other} zijn. Controleer het adres, of zet straat en huisnummer "
                   + "in aparte kolommen (Straat, Huisnummer); de rij wordt wel ingelezen.";
        }
        return null;
    }

    private static string? StreetText(string text) =>
        text.Trim().TrimEnd(',').Trim() is { Length: > 0 } s ? string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : null;

    private static string? TownText(string text) =>
        text.Trim() is { Length: > 0 } s ? string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : null;

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Compact(string postcode) => new([.. postcode.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);
}
