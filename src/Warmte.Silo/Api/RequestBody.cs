using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using Warmte.Common;
using Warmte.Serialization;

namespace Warmte.Silo.Api;

/// <summary>
/// Reads a JSON request body into a request record, turning every way it can be wrong (empty,
/// not JSON, wrong type, unknown field, number out of range) into a 400 that names the field.
/// </summary>
public static class RequestBody
{
    public const int MaxBytes = 256 * 1024;

    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = WarmteJson.Create();
        // A misspelt field would otherwise be silently ignored and the caller would not know.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        return options;
    }

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request) where T : class
    {
        // Kestrel refuses a larger body too (MaxRequestBodySize); reading through our own bound keeps
        // the limit when the app runs behind a server that does not, and covers chunked bodies.
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        byte[]? body;
        try
        {
            body = await ReadAtMostAsync(request.Body, MaxBytes, request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }
        if (body is null) return (null, TooLarge());
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, Options);
            return value is null ? (null, Problems.Invalid("body", "is verplicht: stuur een JSON-object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            var reason = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "is geen bekend veld."
                : ex.Path is null or "$"
                    ? "is geen geldig JSON-object."
                    : $"heeft een ongeldige waarde of type{Position(ex)}.";
            if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
                field = UnmappedName(ex.Message) ?? field;
            return (null, Problems.Invalid(field, reason));
        }
    }

    /// <summary>413 with a problem document naming the body; the same answer whether Kestrel or this reader noticed.</summary>
    public static IResult TooLarge() =>
        Problems.Result(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Verzoek te groot",
            $"De body is groter dan {MaxBytes / 1024} kB; stuur minder gegevens per verzoek.",
            [new FieldError("body", $"is te groot (maximaal {MaxBytes / 1024} kB).")]);

    /// <summary>The whole body, or null when it is longer than <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream stream, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string FieldOf(string? path)
    {
        if (path is null or "$") return "body";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string? UnmappedName(string message)
    {
        // "The JSON property 'foo' could not be mapped to any .NET member contained in type ..."
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }

    private static string Position(JsonException ex) =>
        ex.LineNumber is { } line ? $" (regel {line + 1}, positie {(ex.BytePositionInLine ?? 0) + 1})" : "";

    /// <summary>Parses an ISO date (JJJJ-MM-DD) from a request field; null text stays null.</summary>
    public static LocalDate? Date(Validation validation, string field, string? text)
    {
        if (text is null) return null;
        var result = LocalDatePattern.Iso.Parse(text.Trim());
        if (result.Success) return result.Value;
        validation.Add(field, $"'{Slug.Truncate(text)}' is geen geldige datum; gebruik JJJJ-MM-DD, bijv. 2024-12-14.");
        return null;
    }
}
