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

    public static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
