using Warmte.Common;
using Warmte.Serialization;

namespace Warmte.Silo.Api;

/// <summary>Turns domain outcomes into HTTP answers.</summary>
public static class Answers
{
    public static IResult Ok<T>(T value) => Results.Json(value, WarmteJson.Default);

    public static IResult From<T>(Outcome<T> outcome) =>
        outcome.IsOk ? Ok(outcome.Value) : Problems.From(outcome.Refusal!);

    public static IResult Created<T>(Outcome<T> outcome, string location) =>
        outcome.IsOk
            ? Results.Json(outcome.Value, WarmteJson.Default, statusCode: StatusCodes.Status201Created)
                .WithLocation(location)
            : Problems.From(outcome.Refusal!);

    private static IResult WithLocation(this IResult result, string location) => new LocatedResult(result, location);

    private sealed class LocatedResult(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>Validates page/pageSize query values for audit trails.</summary>
    public static IResult? Paging(int? page, int? pageSize, out int p, out int size)
    {
        p = page ?? 1;
        size = pageSize ?? 50;
        var v = new Validation();
        if (p < 1) v.Add("page", "moet 1 of hoger zijn.");
        if (size is < 1 or > Audit.AuditTrail.MaxPageSize) v.Add("pageSize", $"moet tussen 1 en {Audit.AuditTrail.MaxPageSize} liggen.");
        return v.HasErrors ? Problems.From(v.ToRefusal()) : null;
    }
}
