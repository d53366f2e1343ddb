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

    /// <summary>
    /// The options every request body is read with. The OpenAPI document describes the bodies with the same
    /// configuration (<see cref="Configure"/> is applied to ASP.NET's JSON options too, see WarmteHost), so the field
    /// names, number forms and "no unknown fields" it shows are the ones this reader accepts.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = Configure(WarmteJson.Create());
        // Locked as the first read would lock it, with the reflection resolver, so its type metadata (GetTypeInfo) can be read.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The reader's configuration: <see cref="WarmteJson"/> and no unknown fields.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        WarmteJson.Configure(options);
        // A misspelt field would otherwise be silently ignored and the caller would not know.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        return options;
    }

    /// <summary>
    /// Declares that the route's handler reads a <typeparamref name="T"/> body with <see cref="ReadAsync{T}"/>: the
    /// OpenAPI document then describes that body (<see cref="OpenApiBodies"/>). The reader checks the declaration, so the
    /// two cannot drift: a handler that reads another type than its route declares fails on its first request (and in
    /// the tests), instead of documenting the wrong body.
    /// </summary>
    public static RouteHandlerBuilder ReadsBody<T>(this RouteHandlerBuilder route) where T : class =>
        route.WithMetadata(new StrictJsonBody(typeof(T)));

    /// <summary>Most field errors one answer lists when a body has several fields of the wrong type.</summary>
    public const int MaxTypeErrors = 50;

    /// <summary>
    /// Reads the body into a <typeparamref name="T"/>, or answers the problem. A field of the wrong type or an unknown
    /// field does not hide the others (tester6 T13): each such field is named, then left out and the rest read again, so
    /// one answer lists them all; <paramref name="alsoCheck"/>, when given, then checks what is left with the rules the
    /// handler would apply (its errors on fields already named are dropped). The request is refused either way.
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request,
        Func<T, Task<IEnumerable<FieldError>>>? alsoCheck = null) where T : class
    {
        if (request.HttpContext.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<StrictJsonBody>()?.Type != typeof(T))
            throw new InvalidOperationException(
                $"{endpoint.DisplayName} reads a {typeof(T).Name} body, but its route declares "
                + $"{endpoint.Metadata.GetMetadata<StrictJsonBody>()?.Type.Name ?? "none"}: add .ReadsBody<{typeof(T).Name}>() to the route.");
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
            var sent = ParseNode(body);
            var first = ErrorOf<T>(ex, sent);
            var errors = new List<FieldError> { first };
            // The body is JSON but a field is wrong: leave each wrong field out and read again, so every one is named.
            if (first.Field != "body" && ParseNode(body) is { } node)
            {
                T? rest = null;
                var error = first;
                try
                {
                    while (errors.Count <= MaxTypeErrors && Remove(node, error.Field))
                    {
                        try
                        {
                            rest = node.Deserialize<T>(Options);
                            break;
                        }
                        catch (JsonException next)
                        {
                            error = ErrorOf<T>(next, sent, position: false);
                            if (error.Field == "body" || errors.Any(e => e.Field == error.Field)) break;
                            errors.Add(error);
                        }
                    }
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException
                                              or System.Text.RegularExpressions.RegexMatchTimeoutException)
                {
                    // Text the reader took but the rest cannot be written again for the second read (a lone surrogate,
                    // "\ud800", is refused when written): answer the errors found so far (the abuse campaign's find).
                    rest = null;
                }
                if (rest is not null && alsoCheck is not null)
                    foreach (var more in await alsoCheck(rest))
                        if (!errors.Any(e => e.Field == more.Field)) errors.Add(more);
            }
            return (null, Problems.From(Refusal.Invalid(errors)));
        }
    }

    /// <summary>The field error a <see cref="JsonException"/> stands for: an unknown field, a wrong value or type, or no JSON object ("body").</summary>
    /// <param name="position">Whether to say where in the body (line, position): only true for the body as sent, not for the rest read again.</param>
    private static FieldError ErrorOf<T>(JsonException ex, System.Text.Json.Nodes.JsonNode? body, bool position = true)
    {
        var field = FieldOf(ex.Path);
        var reason = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "is geen bekend veld."
            : ex.Path is null or "$"
                ? "is geen geldig JSON-object."
                : JsonFieldHints.Reason(typeof(T), ex.Path, body, position ? Position(ex) : "");
        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal) && UnmappedName(ex.Message) is { } name)
            field = UnmappedPath(ex.Path, name);
        return new FieldError(field, reason);
    }

    private static System.Text.Json.Nodes.JsonNode? ParseNode(byte[] body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = Options.AllowTrailingCommas,
                CommentHandling = Options.ReadCommentHandling, MaxDepth = Options.MaxDepth == 0 ? 64 : Options.MaxDepth });
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Leaves the field at <paramref name="field"/> ("members[0].joinedOn", "members[2]") out of <paramref name="root"/>:
    /// a property is removed, an item of a list becomes null (the others keep their index, so later errors name the
    /// items as the caller sent them). False when the path does not lead to anything that could be left out.
    /// </summary>
    private static bool Remove(System.Text.Json.Nodes.JsonNode root, string field)
    {
        var steps = System.Text.RegularExpressions.Regex.Matches(field.StartsWith('[') ? field : "." + field,
            @"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]", default, TimeSpan.FromSeconds(1));
        if (steps.Count == 0 || string.Concat(steps.Select(m => m.Value)) != (field.StartsWith('[') ? field : "." + field)) return false;
        System.Text.Json.Nodes.JsonNode? parent = root;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var last = i == steps.Count - 1;
            if (step.Groups["index"].Success)
            {
                if (parent is not System.Text.Json.Nodes.JsonArray array || !int.TryParse(step.Groups["index"].Value, out var index) || index >= array.Count) return false;
                if (last)
                {
                    if (array[index] is null) return false;
                    array[index] = null;
                    return true;
                }
                parent = array[index];
                continue;
            }
            var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
            if (parent is not System.Text.Json.Nodes.JsonObject obj) return false;
            // The reader matches names case-insensitively; find the property as the caller spelt it.
            var key = obj.Select(p => p.Key).FirstOrDefault(k => k == name) ?? obj.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (key is null) return false;
            if (last) return obj.Remove(key);
            parent = obj[key];
        }
        return false;
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

    /// <summary>
    /// The whole path of an unknown field ("members[1].lidSinds", tester finding A12: it was named "lidSinds" alone):
    /// the reader's path is the object the field was found in, or already ends with the field.
    /// </summary>
    private static string UnmappedPath(string? path, string name)
    {
        var at = FieldOf(path);
        if (at == "body") return name;
        return at == name || at.EndsWith("." + name, StringComparison.Ordinal) || at.EndsWith("['" + name + "']", StringComparison.Ordinal) ? at : $"{at}.{name}";
    }

    private static string? UnmappedName(string message)
    {
        // "The JSON property 'foo' could not be mapped to any .NET member contained in type ..."
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }

    /// <summary>What the field expects ("; schrijf JJJJ-MM-DD, …"): <see cref="JsonFieldHints.Expected"/>, shared with the JSON files.</summary>
    internal static string Expected(Type root, string? path) => JsonFieldHints.Expected(root, path);

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

/// <summary>Route metadata: the handler reads a body of <see cref="Type"/> with <see cref="RequestBody.ReadAsync{T}"/>.</summary>
public sealed record StrictJsonBody(Type Type);
