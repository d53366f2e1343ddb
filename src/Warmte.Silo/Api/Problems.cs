using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Warmte.Common;
using Warmte.Serialization;

namespace Warmte.Silo.Api;

/// <summary>
/// RFC 7807 problem details for every refusal: a status, a stable "code", a Dutch title and
/// detail, and for bad input an "errors" object mapping each field to its reasons.
/// </summary>
public static class Problems
{
    public static IResult From(Refusal refusal)
    {
        var (status, title) = refusal.Kind switch
        {
            RefusalKind.Invalid => (StatusCodes.Status400BadRequest, "Ongeldige invoer"),
            RefusalKind.NotFound => (StatusCodes.Status404NotFound, "Niet gevonden"),
            _ => (StatusCodes.Status409Conflict, "Niet mogelijk in de huidige toestand"),
        };
        return Result(status, refusal.Code, title, refusal.Message, refusal.Errors);
    }

    public static IResult Invalid(string field, string reason) => From(Refusal.Invalid(field, reason));

    public static IResult NotFound(string what, string id) => From(Refusal.NotFound(what, id));

    public static IResult Forbidden(string detail) =>
        Result(StatusCodes.Status403Forbidden, "forbidden", "Geen toegang", detail, []);

    public static IResult Result(int status, string code, string title, string detail, IEnumerable<FieldError> errors)
    {
        var problem = Build(status, code, title, detail, errors);
        return new CodedResult(code, Results.Json(problem, WarmteJson.Default, "application/problem+json", status));
    }

    public static Task Write(HttpContext context, int status, string code, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        context.Items[Operations.RefusalRecording.ProblemCodeItem] = code;
        return context.Response.WriteAsync(JsonSerializer.Serialize(Build(status, code, title, detail, []), WarmteJson.Default));
    }

    /// <summary>Leaves the problem code where the refusal audit finds it, then writes the document.</summary>
    private sealed class CodedResult(string code, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Items[Operations.RefusalRecording.ProblemCodeItem] = code;
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>
    /// Most field errors one problem document lists (tester9b T9: a 227 kB list of members with missing fields was answered
    /// with 1.1 MB): the first ones, then one line "en nog N fouten" under "body". A type error list stops earlier
    /// (<see cref="RequestBody.MaxTypeErrors"/>).
    /// </summary>
    public const int MaxListedErrors = 100;

    /// <summary>The first <see cref="MaxListedErrors"/> errors, and a line on <paramref name="field"/> counting the others.</summary>
    public static IReadOnlyList<FieldError> Capped(IEnumerable<FieldError> errors, string field = "body")
    {
        var list = errors as IReadOnlyList<FieldError> ?? [.. errors];
        if (list.Count <= MaxListedErrors) return list;
        var more = list.Count - MaxListedErrors;
        return [.. list.Take(MaxListedErrors), new FieldError(field, NotListed(more))];
    }

    /// <summary>"en nog 6.400 fouten, niet getoond: …".</summary>
    public static string NotListed(int more) =>
        $"en nog {more.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"))} {(more == 1 ? "fout" : "fouten")}, niet getoond "
        + $"(een antwoord noemt de eerste {MaxListedErrors}): verbeter deze en stuur opnieuw, of stuur minder tegelijk.";

    private static ProblemDetails Build(int status, string code, string title, string detail, IEnumerable<FieldError> errors)
    {
        errors = Capped(errors);
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://warmtenet.local/problems/{code}",
        };
        problem.Extensions["code"] = code;
        // Field names as the serializer's dictionary policy wrote them (camelCase), except a header's: 'Idempotency-Key'
        // is named as the client sends it, not 'idempotency-Key'.
        var grouped = new System.Text.Json.Nodes.JsonObject();
        foreach (var field in errors.GroupBy(e => e.Field))
            grouped[field.Key == Answers.IdempotencyHeader ? field.Key : JsonNamingPolicy.CamelCase.ConvertName(field.Key)] =
                new System.Text.Json.Nodes.JsonArray([.. field.Select(e => System.Text.Json.Nodes.JsonValue.Create(e.Reason))]);
        if (grouped.Count > 0) problem.Extensions["errors"] = grouped;
        return problem;
    }
}
