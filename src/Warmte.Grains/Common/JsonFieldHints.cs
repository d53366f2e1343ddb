using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NodaTime;

namespace Warmte.Common;

/// <summary>
/// A member's own description of what to write in it, used in the answer to a wrong value instead of the type's
/// generic form: a rate is "een fractie, bijv. 0.025 voor 2,5%", not just "een getal".
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class JsonFieldHintAttribute(string hint) : Attribute
{
    public string Hint { get; } = hint;
}

/// <summary>
/// What to say about a JSON value the reader could not take, for request bodies (RequestBody) and users' JSON files
/// (<see cref="JsonFile"/>) alike: the field's expected form from its type, and, when the value itself shows the
/// mistake, what to write instead ("'9.000,00' is tekst; schrijf 9000.00", tester7 T15).
/// </summary>
public static class JsonFieldHints
{
    /// <summary>
    /// The reason for the field error at <paramref name="path"/>: what is wrong with the value as sent
    /// (<paramref name="document"/>, when known) and the form the field expects; <paramref name="position"/> is the
    /// " (regel …, positie …)" to add, or empty.
    /// </summary>
    public static string Reason(Type root, string? path, JsonNode? document, string position)
    {
        var expected = Expected(root, path);
        var type = TypeAt(root, path) is { } t ? Nullable.GetUnderlyingType(t) ?? t : null;
        var numeric = type == typeof(decimal) || type == typeof(double) || type == typeof(float)
                      || type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte);
        if (numeric && ValueAt(document, path) is JsonValue value)
        {
            var whole = type != typeof(decimal) && type != typeof(double) && type != typeof(float);
            if (SentText(value) is { } sentText)
            {
                // Echoed in the answer: well-formed text only (a lone surrogate cannot be written as JSON).
                var text = Slug.WellFormed(sentText);
                // A number sent as text, often Dutch ("9.000,00"): read it by the import's rule to say exactly what to write.
                var (number, problem) = Warmte.Spreadsheets.Import.Cells.Decimal(text);
                var shown = Slug.Truncate(text);
                if (number is { } n && (!whole || n == decimal.Truncate(n)) && HintAt(root, path) is null)
                    return $"'{shown}' is tekst{position}; schrijf het getal zonder aanhalingstekens, zonder duizendtalpunten en met een punt "
                           + $"als decimaalteken: {n.ToString(CultureInfo.InvariantCulture)}.";
                if (number is not null || problem is not null && problem.Contains("dubbelzinnig", StringComparison.Ordinal))
                    return $"'{shown}' is tekst{position}" + (problem is null ? "" : $" en {problem.TrimEnd('.')}") + $"{expected}.";
            }
            else if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                // A JSON number the target cannot hold: too large, too small or too many digits (1e30 for a decimal).
                var raw = Slug.Truncate(value.ToJsonString());
                return whole && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Floor(d) == d
                    ? raw.AsSpan().IndexOfAny('e', 'E') >= 0 && Fits(type!, d)
                        // 1e9 fits an int; the reader takes whole numbers written out only (tester9b T11).
                        ? $"{raw} is in exponentnotatie geschreven{position}; schrijf het gehele getal voluit: {((long)d).ToString(CultureInfo.InvariantCulture)}."
                        : $"{raw} is te groot of te klein{position}{expected}."
                    : whole ? $"{raw} is geen geheel getal{position}{expected}."
                    : $"{raw} is als getal niet te gebruiken (te groot, te klein of te veel cijfers){position}{expected}.";
            }
        }
        return $"heeft een ongeldige waarde of type{position}{expected}.";
    }

    /// <summary>Whether the whole number <paramref name="d"/> lies within the range of the integer <paramref name="type"/>.</summary>
    private static bool Fits(Type type, double d) =>
        type == typeof(int) ? d is >= int.MinValue and <= int.MaxValue
        : type == typeof(long) ? d is > -9.2e18 and < 9.2e18
        : type == typeof(short) ? d is >= short.MinValue and <= short.MaxValue
        : type == typeof(byte) && d is >= byte.MinValue and <= byte.MaxValue;

    /// <summary>
    /// The text of a JSON string value, or null when it is no string or its text cannot be read: an escaped lone surrogate
    /// ("\ud800") makes the reader throw, and a refusal must stay a 400 (the abuse campaign's find).
    /// </summary>
    private static string? SentText(JsonValue value)
    {
        try
        {
            return value.TryGetValue<string>(out var text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The value at a reader's path ("$.rates[0]") in <paramref name="document"/>; null when not there.</summary>
    private static JsonNode? ValueAt(JsonNode? document, string? path)
    {
        if (document is null || path is null || !path.StartsWith('$')) return null;
        var node = document;
        foreach (System.Text.RegularExpressions.Match step in System.Text.RegularExpressions.Regex.Matches(
                     path[1..], @"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]", default, TimeSpan.FromSeconds(1)))
        {
            if (step.Groups["index"].Success)
            {
                if (node is not JsonArray array || !int.TryParse(step.Groups["index"].Value, out var index) || index >= array.Count) return null;
                node = array[index];
            }
            else
            {
                var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
                if (node is not JsonObject obj) return null;
                var key = obj.Select(p => p.Key).FirstOrDefault(k => k == name)
                          ?? obj.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                if (key is null) return null;
                node = obj[key];
            }
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>
    /// What the field expects, from the request type's member at <paramref name="path"/> ("; schrijf JJJJ-MM-DD, …"),
    /// so a wrong value is answered with the form to use (tester finding A10); empty when the type is not known. A member
    /// with a <see cref="JsonFieldHintAttribute"/> names its own form (a rate as a fraction, tester7 T15).
    /// </summary>
    public static string Expected(Type root, string? path)
    {
        if (HintAt(root, path) is { } hint) return "; " + hint;
        var type = TypeAt(root, path);
        if (type is null) return "";
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(LocalDate)) return "; schrijf een datum als JJJJ-MM-DD, bijv. 2025-01-31";
        if (type == typeof(YearMonth)) return "; schrijf een maand als JJJJ-MM, bijv. 2025-01";
        if (type == typeof(Instant)) return "; schrijf een tijdstip als 2025-01-31T09:30:00Z";
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float))
            return "; verwacht een getal met een punt als decimaalteken en zonder aanhalingstekens, bijv. 2.5";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte))
            return "; verwacht een geheel getal zonder aanhalingstekens, bijv. 14";
        if (type == typeof(bool)) return "; verwacht true of false (zonder aanhalingstekens)";
        if (type == typeof(string)) return "; verwacht tekst tussen aanhalingstekens";
        if (type.IsEnum) return $"; kies uit {string.Join(", ", Enum.GetNames(type))}";
        if (ElementType(type) is not null) return "; verwacht een lijst: [ … ]";
        if (type.IsClass) return "; verwacht een object: { … }";
        return "";
    }

    /// <summary>The .NET type of the member a JSON path ("$.members[0].joinedOn") names in <paramref name="root"/>; null when unknown.</summary>
    public static Type? TypeAt(Type root, string? path) => Walk(root, path).Type;

    /// <summary>The hint of the last member on the path (an item of a list takes its list's hint); null when it has none.</summary>
    private static string? HintAt(Type root, string? path) =>
        Walk(root, path).Member?.GetCustomAttributes(typeof(JsonFieldHintAttribute), true).OfType<JsonFieldHintAttribute>().FirstOrDefault()?.Hint;

    private static (Type? Type, System.Reflection.PropertyInfo? Member) Walk(Type root, string? path)
    {
        if (path is null || !path.StartsWith('$')) return (null, null);
        var type = root;
        System.Reflection.PropertyInfo? member = null;
        foreach (System.Text.RegularExpressions.Match step in System.Text.RegularExpressions.Regex.Matches(
                     path[1..], @"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]", default, TimeSpan.FromSeconds(1)))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (step.Groups["index"].Success)
            {
                type = ElementType(type);
                if (type is null) return (null, null);
                continue;
            }
            var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
            var property = type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(
                    p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), true).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name ?? p.Name,
                    name, StringComparison.OrdinalIgnoreCase));
            if (property is null) return (null, null);
            member = property;
            type = property.PropertyType;
        }
        return type == root ? (null, null) : (type, member);
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        return type.IsGenericType && type.GetGenericArguments() is [var element]
               && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? element : null;
    }
}
