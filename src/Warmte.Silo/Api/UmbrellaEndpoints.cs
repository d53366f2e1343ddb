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
        }).WithSummary("Koepel aanmaken (admin)");

        group.MapGet("/{id}", async (string id, IGrainFactory grains) =>
            Slug.IsValid(id) && await grains.GetGrain<IUmbrellaGrain>(id).Compare() is { } comparison
                ? Results.Json(comparison, Alerts.WideViewJson.Options)
                : Problems.NotFound("Koepel", id)).WithSummary("Vergelijking van de leden naast elkaar");
    }
}
