using Warmte.Common;
using Warmte.Registry;
using Warmte.Silo.Auth;
using Warmte.Umbrellas;

namespace Warmte.Silo.Api;

public static class UmbrellaEndpoints
{
    public static void MapUmbrellaEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/umbrellas").WithTags("Koepels");

        group.MapGet("/", async (IGrainFactory grains) =>
        {
            var ids = await grains.GetGrain<IRegistryGrain>(0).Umbrellas();
            var records = await Task.WhenAll(ids.Select(id => grains.GetGrain<IUmbrellaGrain>(id).Get()));
            return Answers.Ok(records.OfType<UmbrellaRecord>().ToArray());
        }).WithSummary("Alle koepels");

        group.MapPost("/", async (HttpContext http, IGrainFactory grains) =>
        {
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) maakt koepels aan.");
            var (body, problem) = await RequestBody.ReadAsync<CreateUmbrellaRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var id = Slug.Check(v, "id", body!.Id);
            v.Text("name", body.Name);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            return Answers.Created(await grains.GetGrain<IUmbrellaGrain>(id).Create(body.ToCommand(), http.User.Actor()), $"/api/umbrellas/{id}");
        }).ReadsBody<CreateUmbrellaRequest>().WithSummary("Koepel aanmaken (admin)");

        group.MapGet("/{id}", async (string id, IGrainFactory grains, ILoggerFactory logs) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            return Slug.IsValid(id) && await grains.GetGrain<IUmbrellaGrain>(id).Compare() is { } comparison
                ? WideViewAnswer.Json(comparison, logs, "Umbrella comparison", started)
                : Problems.NotFound("Koepel", id);
        }).WithSummary("Vergelijking van de leden naast elkaar");
    }
}

/// <summary>
/// A wide view's answer (the same JSON as <c>Results.Json</c> with <see cref="Alerts.WideViewJson.Options"/>),
/// serialised here so that its cost shows in the wide views' timings (log category Warmte.WideViews, Debug).
/// </summary>
internal static class WideViewAnswer
{
    public static IResult Json<T>(T answer, ILoggerFactory logs, string view, long started)
    {
        var serialising = System.Diagnostics.Stopwatch.GetTimestamp();
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(answer, Alerts.WideViewJson.Options);
        var log = logs.CreateLogger(Alerts.ProjectSummaries.LogCategory);
        if (log.IsEnabled(LogLevel.Debug))
            log.LogDebug("{View} answer: endpoint {Endpoint:F1} ms, serialised {Serialise:F1} ms ({Bytes} bytes)", view,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                System.Diagnostics.Stopwatch.GetElapsedTime(serialising).TotalMilliseconds, body.Length);
        return Results.Bytes(body, "application/json; charset=utf-8");
    }
}
