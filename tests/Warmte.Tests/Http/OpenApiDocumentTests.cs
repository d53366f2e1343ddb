using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Warmte.Alv;
using Warmte.Members;
using Warmte.Silo.Api;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) describes the request body of every write operation, as the strict
/// reader (<see cref="RequestBody"/>) reads it (tester finding A18: integrators had to read docs/api.md). What the
/// reader accepts is derived from the reader's own options (<see cref="RequestBody.Options"/>), never a copied list.
/// </summary>
public sealed class OpenApiDocumentTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<JsonElement> Document()
    {
        var answer = await Server.Client(token: null).Get("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        return answer.Body;
    }

    /// <summary>Every route in the route table that declares the body its handler reads: (method, document path, body type).</summary>
    private IReadOnlyList<(string Method, string Path, Type Body)> BodyRoutes() =>
        [.. ((IEndpointRouteBuilder)Server.App).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<StrictJsonBody>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m =>
                (m.ToLowerInvariant(), DocumentPath(e.RoutePattern.RawText!), e.Metadata.GetMetadata<StrictJsonBody>()!.Type)))];

    /// <summary>"/api/projects/{id}/business-cases/{version:int}/loan-grid" as the document names it (no constraints, no trailing slash).</summary>
    private static string DocumentPath(string pattern)
    {
        var path = Regex.Replace(pattern, @"\{([^}:]+):[^}]+\}", "{$1}");
        path = "/" + path.Trim('/');
        return path;
    }

    private static JsonElement BodySchema(JsonElement document, string method, string path)
    {
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var operations), $"{path} is not in the document");
        Assert.True(operations.TryGetProperty(method, out var operation), $"{method.ToUpperInvariant()} {path} is not in the document");
        Assert.True(operation.TryGetProperty("requestBody", out var body), $"{method.ToUpperInvariant()} {path} has no requestBody");
        Assert.True(body.GetProperty("required").GetBoolean(), $"{method.ToUpperInvariant()} {path}: the body is not marked required");
        return body.GetProperty("content").GetProperty("application/json").GetProperty("schema");
    }

    [Fact]
    public async Task Every_route_that_reads_a_body_has_a_request_body_schema_matching_the_reader()
    {
        var document = await Document();
        var routes = BodyRoutes();
        // The write operations of docs/api.md that take a body: far more than a handful (a route table without the
        // declarations would pass the loop below vacuously).
        Assert.True(routes.Count >= 40, $"only {routes.Count} routes declare the body they read");
        foreach (var (method, path, type) in routes)
            AssertMatchesReader(BodySchema(document, method, path), type, $"{method.ToUpperInvariant()} {path}");
    }

    [Fact]
    public async Task Write_operations_without_a_declared_body_read_none()
    {
        // Every write in the document either has a body that a route declares, or its route reads none: a write that
        // reads a body without declaring it fails (RequestBody checks the declaration), so no write is left without one.
        var document = await Document();
        var declared = BodyRoutes().Select(r => (r.Method, r.Path)).ToHashSet();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "post" or "put" or "patch" or "delete"))
                Assert.Equal(declared.Contains((operation.Name, path.Name)), operation.Value.TryGetProperty("requestBody", out _));
    }

    public static TheoryData<string, string, Type> Samples => new()
    {
        { "post", "/api/projects/{id}/spending", typeof(BookSpendingRequest) },
        { "post", "/api/cooperatives/{id}/members", typeof(RegisterMembersRequest) },
        { "put", "/api/cooperatives/{id}/members/{number}", typeof(MemberInput) },
        { "post", "/api/cooperatives/{id}/alv/meetings", typeof(CreateMeeting) },
        { "post", "/api/cooperatives/{id}/alv/meetings/{meetingId}/proposals/{proposalId}/ballots/batch", typeof(CastBallotsRequest) },
        { "post", "/api/projects/{id}/business-cases", typeof(SaveBusinessCaseRequest) },
        { "put", "/api/cooperatives/{id}/alv/statutes", typeof(SetStatutes) },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task The_body_of_a_sample_operation_has_the_field_names_the_reader_accepts(string method, string path, Type type)
    {
        var schema = BodySchema(await Document(), method, path);
        var names = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(RequestBody.Options.GetTypeInfo(type).Properties.Select(p => p.Name).Order(StringComparer.Ordinal), names);
        AssertMatchesReader(schema, type, $"{method.ToUpperInvariant()} {path}");
    }

    [Fact]
    public async Task A_body_made_from_the_documented_schema_is_not_refused_for_an_unknown_field_or_a_type()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var document = await Document();
        var calls = new (string Method, string Path, string Url)[]
        {
            ("post", "/api/projects/{id}/spending", $"api/projects/{project}/spending"),
            ("post", "/api/cooperatives/{id}/members", $"api/cooperatives/{coop}/members"),
            ("post", "/api/cooperatives/{id}/alv/meetings", $"api/cooperatives/{coop}/alv/meetings"),
            ("post", "/api/cooperatives/{id}/alv/meetings/{meetingId}/proposals/{proposalId}/ballots/batch", $"api/cooperatives/{coop}/alv/meetings/alv-x/proposals/p1/ballots/batch"),
            ("post", "/api/projects/{id}/business-cases", $"api/projects/{project}/business-cases"),
            ("put", "/api/cooperatives/{id}/alv/statutes", $"api/cooperatives/{coop}/alv/statutes"),
            ("post", "/api/projects/{id}/consent/complexes/{complexId}/declarations", $"api/projects/{project}/consent/complexes/c1/declarations"),
        };
        foreach (var (method, path, url) in calls)
        {
            // Every documented property, each with a value of its documented type: the reader must take all of them.
            var body = Example(BodySchema(document, method, path), depth: 0)!.ToJsonString();
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using var response = await admin.SendAsync(request);
            var raw = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"{url}: {raw}");
            Assert.DoesNotContain("is geen bekend veld", raw);
            Assert.DoesNotContain("heeft een ongeldige waarde of type", raw);
            Assert.DoesNotContain("is geen geldig JSON-object", raw);
        }
        // And the reader does refuse a field the document does not list (the example test above could not fail otherwise).
        var unknown = await admin.Post($"api/projects/{project}/spending", new { month = "2026-01", kind = "Civiel", amount = 10m, bedrag = 10m });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("bedrag", unknown.ErrorFields);
    }

    [Fact]
    public async Task The_document_parses_without_errors_in_an_OpenAPI_reader()
    {
        var answer = await Server.Client(token: null).Get("openapi/v1.json");
        var read = OpenApiDocument.Parse(answer.Raw, "json");
        Assert.NotNull(read.Document);
        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Empty(read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())!);
        // The reader sees the bodies too (a parse that dropped them would pass the checks above).
        var spending = read.Document.Paths["/api/projects/{id}/spending"].Operations![HttpMethod.Post];
        Assert.Contains("amount", spending.RequestBody!.Content!["application/json"].Schema!.Properties!.Keys);
    }

    [Fact]
    public async Task A_handler_that_reads_another_body_than_its_route_declares_fails_instead_of_documenting_the_wrong_body()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        Delegate read = async (HttpContext http) => (await RequestBody.ReadAsync<JoinUmbrellaRequest>(http.Request)).Problem ?? Results.NoContent();
        app.MapPost("/declared", read).ReadsBody<JoinUmbrellaRequest>();
        app.MapPost("/drifted", read).ReadsBody<UpdateProjectRequest>();
        app.MapPost("/undeclared", read);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        async Task<HttpStatusCode> Post(string path, string json) =>
            (await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode;

        Assert.Equal(HttpStatusCode.NoContent, await Post("/declared", """{"umbrellaId": "koepel"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/declared", """{"koepel": "koepel"}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, await Post("/drifted", """{"umbrellaId": "koepel"}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, await Post("/undeclared", """{"umbrellaId": "koepel"}"""));
        await app.StopAsync();
    }

    /// <summary>
    /// The schema against the reader's view of <paramref name="type"/>: the same property names, unknown fields refused,
    /// required exactly what the reader cannot do without; the same for the objects and lists inside it.
    /// </summary>
    private static void AssertMatchesReader(JsonElement schema, Type type, string where, int depth = 0)
    {
        if (depth > 16) return;
        type = Nullable.GetUnderlyingType(type) ?? type;
        var info = RequestBody.Options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object: // (NodaTime values and JsonElement have converters: Kind None, a value, no properties)
                Assert.True(schema.TryGetProperty("properties", out var properties), $"{where}: no properties in {schema}");
                Assert.Equal(
                    info.Properties.Select(p => p.Name).Order(StringComparer.Ordinal),
                    properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
                Assert.True(schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False,
                    $"{where}: unknown fields are refused, the schema must say additionalProperties: false");
                var required = schema.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal).ToArray() : [];
                Assert.Equal(info.Properties.Where(ReaderRequires).Select(p => p.Name).Order(StringComparer.Ordinal), required);
                foreach (var property in info.Properties)
                    AssertMatchesReader(properties.GetProperty(property.Name), property.PropertyType, $"{where} {property.Name}", depth + 1);
                break;
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } element:
                Assert.True(schema.TryGetProperty("items", out var items), $"{where}: a list without items");
                AssertMatchesReader(items, element, $"{where}[]", depth + 1);
                break;
        }
    }

    /// <summary>What makes the reader refuse a body without the property, read from the reader's options, not from the document.</summary>
    private static bool ReaderRequires(JsonPropertyInfo property) =>
        property.IsRequired
        || (property.Options.RespectRequiredConstructorParameters && property.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false });

    /// <summary>A value of the schema's type: every property of an object, one element in a list, the first of an enum.</summary>
    private static JsonNode? Example(JsonElement schema, int depth)
    {
        if (schema.TryGetProperty("enum", out var choices)) return JsonNode.Parse(choices.EnumerateArray().First(c => c.ValueKind != JsonValueKind.Null).GetRawText());
        var types = !schema.TryGetProperty("type", out var type) ? [] :
            type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (types.Contains("object") || schema.TryGetProperty("properties", out _))
        {
            var node = new JsonObject();
            if (depth < 6 && schema.TryGetProperty("properties", out var properties))
                foreach (var property in properties.EnumerateObject())
                    node[property.Name] = Example(property.Value, depth + 1);
            return node;
        }
        if (types.Contains("array"))
            return depth < 6 && schema.TryGetProperty("items", out var items) ? new JsonArray(Example(items, depth + 1)) : new JsonArray();
        if (types.Contains("string"))
            return format switch
            {
                "date" => "2026-01-31",
                "date-time" => "2026-01-31T09:30:00Z",
                _ when schema.TryGetProperty("pattern", out _) => "2026-01",
                _ => "x",
            };
        if (types.Contains("integer")) return 1;
        if (types.Contains("number")) return 1.5m;
        if (types.Contains("boolean")) return true;
        if (types.Contains("null")) return null;
        return new JsonObject(); // {}: anything (a plan or model as a JSON object)
    }
}
