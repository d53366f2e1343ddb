using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warmte.Common;

/// <summary>
/// Reads a user's JSON file (a business-case model, a cash-flow plan) strictly: unknown keys are
/// refused, comments and trailing commas allowed, and any problem becomes a field error with its
/// path, so the user learns which line of their file to fix.
/// </summary>
public static class JsonFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <param name="root">What the file is called in messages about the whole file ("model", "plan").</param>
    /// <param name="format">The format's Dutch name for unknown-key messages ("modelformaat").</param>
    public static Outcome<T> Read<T>(string json, string root, string format) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) is { } value
                ? Outcome<T>.Ok(value)
                : Refusal.Invalid(root, "is leeg.");
        }
        catch (JsonException ex)
        {
            // For an unknown key the path already ends in that key: "$.sources.loans[0].rentevoet".
            var field = ex.Path is null or "$" ? root : ex.Path.TrimStart('$', '.');
            var unmapped = ex.Message.Contains("could not be mapped", StringComparison.Ordinal);
            if (unmapped) return Refusal.Invalid(field, $"is geen bekend veld van het {format}.");
            // A value of the wrong form: say which form the field takes, and what to write when the value shows it (tester7 T15).
            var document = Parse(json);
            return Refusal.Invalid(field, document is null || ex.Path is null or "$"
                ? "heeft een ongeldige waarde of is geen geldige JSON."
                : JsonFieldHints.Reason(typeof(T), ex.Path, document, ""));
        }
    }

    /// <summary>The file as a JSON tree (comments and trailing commas allowed, as above); null when it is not JSON.</summary>
    private static System.Text.Json.Nodes.JsonNode? Parse(string json)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: new JsonDocumentOptions
                { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
