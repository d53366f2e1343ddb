using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;

namespace Warmte.Silo.Api;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) with the request bodies the handlers read. Bodies are read by
/// <see cref="RequestBody"/> (unknown fields and type errors named by path, in Dutch), not by ASP.NET's parameter
/// binding, so ASP.NET does not know them; every route that reads one declares it with
/// <see cref="RequestBody.ReadsBody{T}"/>, and this adds that type's schema to the operation (tester finding A18).
/// The schema comes from ASP.NET's JSON options, which are configured as the reader's (<see cref="RequestBody.Configure"/>):
/// camelCase names, numbers as numbers, enums by name, and <c>additionalProperties: false</c> (unknown fields refused).
/// Its <c>required</c> lists are the reader's: only what the reader itself refuses to do without (today nothing —
/// which fields a command needs is checked after reading, and answered with a 400 naming the field).
/// </summary>
public static class OpenApiBodies
{
    public const string ContentType = "application/json";

    public const string BodyDescription =
        "JSON-object. Veldnamen zoals hier (camelCase; hoofdletters maken bij het lezen niet uit). Onbekende velden en "
        + "waarden van het verkeerde type worden geweigerd: 400 (application/problem+json) met het pad van het veld, "
        + "bijv. members[1].lidSinds. Welke velden een opdracht nodig heeft, wordt na het lezen gecontroleerd (400 met het veld).";

    public static void Configure(OpenApiOptions options)
    {
        // NodaTime's converters write ISO text; without this their schema is {} ("anything").
        options.AddSchemaTransformer((schema, context, _) =>
        {
            DescribeNodaTime(schema, context.JsonTypeInfo.Type);
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<StrictJsonBody>().LastOrDefault() is not { } body) return;
            var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
            AlignWithReader(schema, body.Type, depth: 0);
            operation.RequestBody = new OpenApiRequestBody
            {
                // An empty body is refused (400 "body": is verplicht), so the body is required even where every field is optional.
                Required = true,
                Description = BodyDescription,
                Content = new Dictionary<string, OpenApiMediaType> { [ContentType] = new() { Schema = schema } },
            };
        });
    }

    /// <summary>
    /// The properties the reader cannot do without (<see cref="ReaderRequires"/>), in the body's schema and the schemas
    /// of the objects and lists inside it. ASP.NET lists every constructor parameter as required; the reader does not
    /// (a record's parameter left out is read as null), so the document would refuse bodies the service accepts.
    /// </summary>
    private static void AlignWithReader(IOpenApiSchema schema, Type type, int depth)
    {
        if (depth > 16 || schema is not OpenApiSchema own) return;
        if (DescribeNodaTime(own, type)) return; // (the schema transformer does not reach objects inside lists)
        type = Nullable.GetUnderlyingType(type) ?? type;
        var info = RequestBody.Options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                var required = info.Properties.Where(ReaderRequires).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                own.Required = required.Count > 0 ? required : null;
                foreach (var property in info.Properties)
                    if (own.Properties?.TryGetValue(property.Name, out var inner) == true)
                        AlignWithReader(inner, property.PropertyType, depth + 1);
                break;
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } element && own.Items is { } items:
                AlignWithReader(items, element, depth + 1);
                break;
            case JsonTypeInfoKind.Dictionary when info.ElementType is { } value && own.AdditionalProperties is { } values:
                AlignWithReader(values, value, depth + 1);
                break;
        }
    }

    /// <summary>A NodaTime date, instant or month as the string it is written as; false for other types.</summary>
    private static bool DescribeNodaTime(OpenApiSchema schema, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        var (format, pattern) = (underlying ?? type) switch
        {
            var t when t == typeof(LocalDate) => ("date", null),
            var t when t == typeof(Instant) => ("date-time", null),
            var t when t == typeof(YearMonth) => ((string?)null, @"^\d{4}-\d{2}$"),
            _ => ("", null),
        };
        if (format == "") return false;
        schema.Type = underlying is null ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
        schema.Format = format;
        schema.Pattern = pattern;
        return true;
    }

    /// <summary>Whether the request reader refuses a body without this property (a <c>required</c> member, or a constructor parameter when the options say so).</summary>
    public static bool ReaderRequires(JsonPropertyInfo property) =>
        property.IsRequired
        || (property.Options.RespectRequiredConstructorParameters && property.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false });
}
