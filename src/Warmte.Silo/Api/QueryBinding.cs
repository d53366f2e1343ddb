using System.Text.RegularExpressions;
using Warmte.Common;

namespace Warmte.Silo.Api;

/// <summary>
/// A query parameter ASP.NET could not bind (<c>?page=abc</c> for an <c>int?</c>) becomes the API's
/// usual 400 invalid-input naming the parameter (<c>errors.page</c>), for every endpoint, instead of
/// an anonymous 400 "Fout" (tester finding F17).
/// </summary>
public static partial class QueryBinding
{
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[A-Za-z_][A-Za-z0-9_]*)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "(?<type>[^"]+) (?<name>[A-Za-z_][A-Za-z0-9_]*)" was not provided""")]
    private static partial Regex NotProvided();

    /// <summary>
    /// Refuses a query parameter the endpoint does not know with a 400 naming it, instead of answering as if it was not
    /// there (tester7: <c>/api/portfolio?funderId=x</c> and <c>cash-timeline?from=…&amp;months=…</c> were silently ignored).
    /// <paramref name="known"/> are the parameters it reads; <paramref name="note"/> says where the asked-for thing is instead.
    /// </summary>
    public static RouteHandlerBuilder KnownQuery(this RouteHandlerBuilder route, string[] known, string? note = null) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var unknown = context.HttpContext.Request.Query.Keys
                .Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count == 0) return await next(context);
            var accepted = known.Length == 0 ? "deze vraag kent geen queryparameters" : $"deze vraag kent alleen {string.Join(", ", known.Select(k => $"'{k}'"))}";
            return Problems.From(Common.Refusal.Invalid(unknown.Select(k => new FieldError(Slug.Truncate(k),
                $"is geen bekende queryparameter: {accepted}{(note is null ? "" : "; " + note)}.")).ToArray()));
        });

    /// <summary>The refusal naming the parameter, or null when the exception is not about binding one.</summary>
    public static Refusal? RefusalOf(BadHttpRequestException bad)
    {
        if (FailedToBind().Match(bad.Message) is { Success: true } m)
        {
            // "int? page", "Nullable<int> page" or "Int32 page", depending on how the endpoint declares it.
            var type = m.Groups["type"].Value.Replace("Nullable<", "").TrimEnd('>', '?').ToLowerInvariant() switch
            {
                "int32" or "int64" or "int16" => "int",
                var t => t,
            };
            var value = m.Groups["value"].Value;
            var what = type switch
            {
                "int" or "long" or "short" => WholeNumberOutOfRange(value, type) ?? "geen geheel getal",
                "decimal" or "double" or "float" => "geen getal",
                "bool" => "geen ja/nee (true of false)",
                _ => "geen geldige waarde",
            };
            return Common.Refusal.Invalid(m.Groups["name"].Value, $"'{Slug.Truncate(value)}' is {what}.");
        }
        if (NotProvided().Match(bad.Message) is { Success: true } missing)
            return Common.Refusal.Invalid(missing.Groups["name"].Value, "is verplicht.");
        return null;
    }

    /// <summary>
    /// "te groot (hoogstens …)" or "te klein (minstens …)" when <paramref name="text"/> is a whole number the parameter's
    /// type cannot hold (<c>?page=2147483648</c> is a whole number, only too large: tester8 T10); null when it is no whole number.
    /// </summary>
    private static string? WholeNumberOutOfRange(string text, string type)
    {
        if (!System.Numerics.BigInteger.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return null;
        var (min, max) = type switch
        {
            "long" => ((System.Numerics.BigInteger)long.MinValue, (System.Numerics.BigInteger)long.MaxValue),
            "short" => (short.MinValue, short.MaxValue),
            _ => ((System.Numerics.BigInteger)int.MinValue, (System.Numerics.BigInteger)int.MaxValue),
        };
        var nl = System.Globalization.CultureInfo.GetCultureInfo("nl-NL");
        return number > max ? $"te groot (hoogstens {max.ToString("N0", nl)})"
            : number < min ? $"te klein (minstens {min.ToString("N0", nl)})"
            : null;
    }
}
