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

    /// <summary>The project, or null when the id is not a slug or no such project exists (answer 404).</summary>
    public static async Task<Projects.ProjectView?> Project(IGrainFactory grains, string id) =>
        Slug.IsValid(id) ? await grains.GetGrain<Projects.IProjectGrain>(id).Get() : null;

    /// <summary>
    /// The project's cooperative (for access checks), or null when there is no such project; computes no view.
    /// Kept per host once known (<see cref="ProjectCooperatives"/>: a project never changes cooperative).
    /// </summary>
    public static ValueTask<string?> ProjectCooperative(HttpContext http, string id) =>
        http.RequestServices.GetRequiredService<ProjectCooperatives>().Of(id);

    /// <summary>Whether a project exists, without computing its full view.</summary>
    public static async Task<bool> ProjectExists(IGrainFactory grains, string id) =>
        Slug.IsValid(id) && await grains.GetGrain<Projects.IProjectGrain>(id).GetSummary() is not null;

    /// <summary>Reads the optional Idempotency-Key header; a present but empty or over-long key is a 400.</summary>
    public static IResult? IdempotencyKey(HttpContext http, out string? key)
    {
        key = http.Request.Headers[IdempotencyHeader].FirstOrDefault()?.Trim();
        return key is { Length: 0 or > 200 } ? Problems.Invalid(IdempotencyHeader, "moet 1 tot 200 tekens zijn.") : null;
    }

    public const string IdempotencyHeader = "Idempotency-Key";

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
