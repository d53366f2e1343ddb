using System.Text.RegularExpressions;

namespace Warmte.Common;

/// <summary>
/// Identifiers of cooperatives, projects, umbrellas, deliverables and milestones are slugs:
/// lower-case letters, digits and hyphens, starting with a letter. They appear in URLs and
/// CLI arguments, so they must survive both without escaping.
/// </summary>
public static partial class Slug
{
    public const int MaxLength = 64;

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? value) =>
        value is { Length: >= 2 and <= MaxLength } && Pattern().IsMatch(value);

    /// <summary>Validates <paramref name="value"/> as a slug, recording a field error if it is not one.</summary>
    /// <param name="example">A valid id of the same kind for the message (a proposal's example is a proposal id, tester T10i).</param>
    public static string Check(Validation validation, string field, string? value, string example = "ketelhuiswg")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            validation.Add(field, "is verplicht.");
            return string.Empty;
        }
        if (!IsValid(value))
            validation.Add(field,
                $"'{Truncate(value)}' is geen geldige id: gebruik 2 tot {MaxLength} kleine letters, cijfers en koppeltekens, beginnend met een letter (bijv. '{example}').");
        return value;
    }

    /// <summary>
    /// A sent value as a message may echo it: at most 40 characters, never cut inside a surrogate pair, lone surrogates
    /// replaced by U+FFFD — a JSON writer refuses text that is not well-formed UTF-16, and a refusal must not become a 500
    /// (the abuse campaign's "\ud800").
    /// </summary>
    public static string Truncate(string value)
    {
        var safe = WellFormed(value);
        if (safe.Length <= 40) return safe;
        var cut = char.IsHighSurrogate(safe[39]) ? 39 : 40;
        return safe[..cut] + "…";
    }

    /// <summary><paramref name="value"/> with every lone surrogate replaced by U+FFFD (the same string when there is none).</summary>
    public static string WellFormed(string value)
    {
        System.Text.StringBuilder? fixedUp = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
            if (pair)
            {
                fixedUp?.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                fixedUp ??= new System.Text.StringBuilder(value.Length).Append(value, 0, i);
                fixedUp.Append('\uFFFD');
                continue;
            }
            fixedUp?.Append(c);
        }
        return fixedUp?.ToString() ?? value;
    }
}
