using NodaTime;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Registry;
using Warmte.Projects;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

public static class CooperativeEndpoints
{
    public static void MapCooperativeEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/cooperatives").WithTags("Coöperaties");

        group.MapGet("/", async (IGrainFactory grains) =>
        {
            var ids = await grains.GetGrain<IRegistryGrain>(0).Cooperatives();
            var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICooperativeGrain>(id).Get()));
            return Answers.Ok(views.OfType<CooperativeView>().ToArray());
        }).WithSummary("Alle coöperaties met hun projecten");

        group.MapPost("/", async (HttpContext http, IGrainFactory grains, IClock clock) =>
        {
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) maakt coöperaties aan.");
            var (body, problem) = await RequestBody.ReadAsync<CreateCooperativeRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors || !Slug.IsValid(command.Id))
                return Problems.From(Merge(v, CooperativeRules.Create(command, AmsterdamTime.Today(clock), clock.GetCurrentInstant()).Refusal));
            var outcome = await grains.GetGrain<ICooperativeGrain>(command.Id!).Create(command, http.User.Actor());
            return Answers.Created(outcome, $"/api/cooperatives/{command.Id}");
        }).ReadsBody<CreateCooperativeRequest>().WithSummary("Coöperatie aanmaken (admin)");

        group.MapGet("/{id}", async (string id, IGrainFactory grains) =>
            Slug.IsValid(id) && await grains.GetGrain<ICooperativeGrain>(id).Get() is { } view
                ? Answers.Ok(view)
                : Problems.NotFound("Coöperatie", id)).WithSummary("Eén coöperatie met haar projecten");

        group.MapPatch("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (!Slug.IsValid(id)) return Problems.NotFound("Coöperatie", id);
            if (!http.User.CanWriteCooperative(id)) return Problems.Forbidden($"Alleen het bestuur van '{id}' of een beheerder mag dit wijzigen.");
            var (body, problem) = await RequestBody.ReadAsync<UpdateCooperativeRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            return Answers.From(await grains.GetGrain<ICooperativeGrain>(id).Update(command, http.User.Actor()));
        }).ReadsBody<UpdateCooperativeRequest>().WithSummary("Gegevens van een coöperatie wijzigen");

        group.MapPost("/{id}/projects", async (string id, HttpContext http, IGrainFactory grains, IClock clock) =>
        {
            if (!Slug.IsValid(id)) return Problems.NotFound("Coöperatie", id);
            if (!http.User.CanWriteCooperative(id)) return Problems.Forbidden($"Alleen het bestuur van '{id}' of een beheerder maakt hier projecten aan.");
            var (body, problem) = await RequestBody.ReadAsync<CreateProjectRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors || !Slug.IsValid(command.Id))
                return Problems.From(Merge(v, ProjectRules.Create(id, command, AmsterdamTime.Today(clock), clock.GetCurrentInstant()).Refusal));
            var outcome = await grains.GetGrain<ICooperativeGrain>(id).CreateProject(command, http.User.Actor());
            return Answers.Created(outcome, $"/api/projects/{command.Id}");
        }).ReadsBody<CreateProjectRequest>().WithSummary("Project aanmaken bij een coöperatie");

        group.MapPost("/{id}/umbrellas", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (!Slug.IsValid(id)) return Problems.NotFound("Coöperatie", id);
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) wijzigt het lidmaatschap van een koepel.");
            var (body, problem) = await RequestBody.ReadAsync<JoinUmbrellaRequest>(http.Request);
            if (problem is not null) return problem;
            if (string.IsNullOrWhiteSpace(body!.UmbrellaId)) return Problems.Invalid("umbrellaId", "is verplicht.");
            return Answers.From(await grains.GetGrain<ICooperativeGrain>(id).JoinUmbrella(body.UmbrellaId, http.User.Actor()));
        }).ReadsBody<JoinUmbrellaRequest>().WithSummary("Coöperatie lid maken van een koepel (admin)");

        group.MapGet("/{id}/audit", async (string id, int? page, int? pageSize, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            return Slug.IsValid(id) && await grains.GetGrain<ICooperativeGrain>(id).GetAudit(p, size) is { } trail
                ? Answers.Ok(trail)
                : Problems.NotFound("Coöperatie", id);
        }).KnownQuery(["page", "pageSize"]).WithSummary("Audittrail van een coöperatie, nieuwste eerst");
    }

    /// <summary>Field errors from request parsing plus those the domain found, reported together.</summary>
    internal static Refusal Merge(Validation parsing, Refusal? domain) =>
        Refusal.Invalid(parsing.Errors.Concat(domain?.Errors ?? []).DistinctBy(e => e.Field));
}
