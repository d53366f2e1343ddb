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
        // A field given twice is refused too (tester9b T10): the last one would win, while a proxy or a log that reads the
        // first sees another request.
        options.AllowDuplicateProperties = false;
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
            if (RepeatedProperty(body) is { } repeated)
            {
                // Named, with the reader's own first error when that is another field (a parsed body with a property twice
                // cannot be walked for the rest).
                var twice = new FieldError(FieldOf(repeated), "staat meer dan één keer in het verzoek; geef elk veld één keer.");
                var reader = ErrorOf<T>(ex, null);
                List<FieldError> found = [twice];
                if (reader.Field != "body" && reader.Field != twice.Field && !twice.Field.StartsWith(reader.Field + ".", StringComparison.Ordinal)
                    && !twice.Field.StartsWith(reader.Field + "[", StringComparison.Ordinal))
                    found.Insert(0, reader);
                return (null, Problems.From(Refusal.Invalid(found)));
            }
            var sent = ParseNode(body);
            var first = ErrorOf<T>(ex, sent);
            var errors = new List<FieldError> { first };
            // The body is JSON but a field is wrong: one walk over the parsed body names every wrong field and leaves it out,
            // then what is left is read once (for alsoCheck). Before, the body was read again per wrong field (up to 50 times).
            if (first.Field != "body" && ParseNode(body) is { } node)
            {
                T? rest = null;
                try
                {
                    var walk = new FieldWalk(Options, typeof(T), sent);
                    walk.Object(node, Options.GetTypeInfo(typeof(T)), "$");
                    // The walk meets the reader's first error first; that one keeps its position in the body.
                    errors.AddRange(walk.Errors.Where(e => e.Field != first.Field).Take(MaxTypeErrors - errors.Count + 1));
                    if (!walk.Stopped && errors.Count <= MaxTypeErrors)
                    {
                        walk.Prune();
                        rest = ReadRest<T>(node, sent, errors);
                    }
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException
                                              or System.Text.RegularExpressions.RegexMatchTimeoutException)
                {
                    // Text the reader took but that cannot be written again for a read of the parts (a lone surrogate,
                    // "\ud800", is refused when written), or a property twice: answer the reader's own error (the abuse campaign's find).
                    errors = [first];
                    rest = null;
                }
                if (rest is not null && alsoCheck is not null)
                    foreach (var more in await alsoCheck(rest))
                        if (!errors.Any(e => e.Field == more.Field)) errors.Add(more);
            }
            return (null, Problems.From(Refusal.Invalid(errors)));
        }
    }

    /// <summary>
    /// The body with the wrong fields left out, read once. Should that read still find a field the walk let through, it is
    /// named and left out too, as the reader did field by field before the walk; a body-wide error (a required field left
    /// out) ends it without a value.
    /// </summary>
    private static T? ReadRest<T>(System.Text.Json.Nodes.JsonNode node, System.Text.Json.Nodes.JsonNode? sent, List<FieldError> errors) where T : class
    {
        while (true)
        {
            try
            {
                return node.Deserialize<T>(Options);
            }
            catch (JsonException next)
            {
                var error = ErrorOf<T>(next, sent, position: false);
                if (error.Field == "body" || errors.Any(e => e.Field == error.Field)) return null;
                errors.Add(error);
                if (errors.Count > MaxTypeErrors || !Remove(node, error.Field)) return null;
            }
        }
    }

    /// <summary>
    /// One walk over a parsed body along the request type's JSON contract, in document order: an unknown property, or a
    /// value its member's type does not take (read on its own with the same options), is a field error with the path the
    /// reader would name. A wrong property is left out, a wrong item of a list becomes null (the others keep their index).
    /// <see cref="Stopped"/> where the reader, reading again without the field, could not go on either: a required member
    /// left out, or a null item in a list of plain values.
    /// </summary>
    private sealed class FieldWalk(JsonSerializerOptions options, Type root, System.Text.Json.Nodes.JsonNode? sent)
    {
        private readonly List<Action> removals = [];
        public List<FieldError> Errors { get; } = [];
        public bool Stopped { get; private set; }
        private bool Full => Stopped || Errors.Count > MaxTypeErrors;

        public void Prune()
        {
            foreach (var remove in removals) remove();
        }

        public void Object(System.Text.Json.Nodes.JsonNode node, System.Text.Json.Serialization.Metadata.JsonTypeInfo info, string path)
        {
            if (node is not System.Text.Json.Nodes.JsonObject obj) return;
            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            foreach (var (key, value) in obj.ToList())
            {
                if (Full) return;
                var at = Child(path, key);
                var property = info.Properties.FirstOrDefault(p => p.Name == key) ?? info.Properties.FirstOrDefault(p => string.Equals(p.Name, key, comparison));
                if (property is null)
                {
                    Errors.Add(new FieldError(FieldOf(at), "is geen bekend veld."));
                    removals.Add(() => obj.Remove(key));
                    continue;
                }
                if (!Value(value, property.PropertyType, at))
                {
                    removals.Add(() => obj.Remove(key));
                    // Read again without it, the whole body is refused ("body"): the reader could not go on (a required member
                    // inside a list item is left to the read of the rest, which names it as the reader does).
                    if (property.IsRequired && path == "$") Stopped = true;
                }
            }
        }

        /// <summary>Checks one value against <paramref name="type"/>; false when it is wrong (and named).</summary>
        private bool Value(System.Text.Json.Nodes.JsonNode? value, Type type, string path)
        {
            // A nullable list or object (ImmutableArray<string?>?) is walked as the list or object itself.
            if (value is not null && Nullable.GetUnderlyingType(type) is { } underlying) type = underlying;
            var info = options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object when value is System.Text.Json.Nodes.JsonObject:
                    Object(value, info, path);
                    return true;
                case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable when value is System.Text.Json.Nodes.JsonArray array && info.ElementType is { } element:
                    for (var i = 0; i < array.Count && !Full; i++)
                    {
                        if (Value(array[i], element, $"{path}[{i}]")) continue;
                        var index = i;
                        removals.Add(() => array[index] = null);
                        // A list of plain values cannot hold the null: the reader would stop at the same place.
                        if (element.IsValueType && Nullable.GetUnderlyingType(element) is null) Stopped = true;
                    }
                    return true;
                case System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary when value is System.Text.Json.Nodes.JsonObject map && info.ElementType is { } item:
                    foreach (var (key, entry) in map.ToList())
                    {
                        if (Full) break;
                        if (!Value(entry, item, Child(path, key))) removals.Add(() => map.Remove(key));
                    }
                    return true;
            }
            try
            {
                value.Deserialize(type, options);
                return true;
            }
            catch (JsonException ex)
            {
                // The error's path inside the value (a converter that reads an object) continues the value's own path.
                var at = ex.Path is null or "$" ? path : path + ex.Path[1..];
                var field = FieldOf(at);
                // The same reason as the reader's first error gets (a number sent as Dutch text: what to write instead).
                var reason = JsonFieldHints.Reason(root, at, sent, "");
                if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
                {
                    reason = "is geen bekend veld.";
                    if (UnmappedName(ex.Message) is { } name) field = UnmappedPath(at, name);
                }
                Errors.Add(new FieldError(field, reason));
                return false;
            }
        }

        // As System.Text.Json writes a path: "$.name", or "$['a name']" for a name with a character that would break the path.
        private static string Child(string path, string name) =>
            name.AsSpan().IndexOfAny(". '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029") >= 0 ? $"{path}['{name}']" : $"{path}.{name}";
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

    /// <summary>
    /// The path ("$.members", "$.members[2].name") of the first property that an object of the body has twice (names
    /// compared as the reader compares them), or null when there is none or the body is no JSON.
    /// </summary>
    private static string? RepeatedProperty(byte[] body)
    {
        var comparer = Options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions
        {
            AllowTrailingCommas = Options.AllowTrailingCommas, CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = Options.MaxDepth == 0 ? 64 : Options.MaxDepth,
        });
        var scopes = new Stack<Scope>();
        string ValuePath() => scopes.TryPeek(out var top)
            ? top.Names is null ? $"{top.Path}[{top.Index}]" : $"{top.Path}.{top.Current}"
            : "$";
        void ValueDone()
        {
            if (scopes.TryPeek(out var top) && top.Names is null) top.Index++;
        }
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push(new Scope(ValuePath(), new HashSet<string>(comparer)));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push(new Scope(ValuePath(), null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        ValueDone();
                        break;
                    case JsonTokenType.PropertyName:
                        var top = scopes.Peek();
                        top.Current = reader.GetString();
                        if (!top.Names!.Add(top.Current!)) return $"{top.Path}.{top.Current}";
                        break;
                    default:
                        ValueDone();
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
        return null;
    }

    private sealed class Scope(string path, HashSet<string>? names)
    {
        public string Path { get; } = path;
        public HashSet<string>? Names { get; } = names;
        public string? Current { get; set; }
        public int Index { get; set; }
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
