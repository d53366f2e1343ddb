using Warmte.Common;
using Warmte.Projects;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

public static class ProjectEndpoints
{
    public static void MapProjectEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/projects").WithTags("Projecten");

        group.MapGet("/{id}", async (string id, IGrainFactory grains) =>
            await Answers.Project(grains, id) is { } view
                ? Answers.Ok(view)
                : Problems.NotFound("Project", id)).WithSummary("Eén project: fase, historie, poortchecklist, mijlpalen");

        group.MapGet("/{id}/gate", async (string id, IGrainFactory grains) =>
            await Answers.Project(grains, id) is { } view
                ? Answers.Ok(new { project = view.Id, phase = view.Phase, nextGate = view.NextGate })
                : Problems.NotFound("Project", id)).WithSummary("Checklist van de volgende poort");

        group.MapPatch("/{id}", (string id, HttpContext http, IGrainFactory grains) =>
            Write(id, http, grains, (UpdateProjectRequest body, Validation _) => body.ToCommand(), (g, c, actor) => g.Update(c, actor)))
            .ReadsBody<UpdateProjectRequest>().WithSummary("Projectgegevens wijzigen");

        group.MapPost("/{id}/transitions", (string id, HttpContext http, IGrainFactory grains) =>
            Write(id, http, grains, (TransitionRequestBody body, Validation v) => body.ToCommand(v), (g, c, actor) => g.Transition(c, actor)))
            .ReadsBody<TransitionRequestBody>().WithSummary("Poortbesluit: go naar de volgende fase, no-go terug, of Gestopt");

        group.MapPut("/{id}/deliverables/{key}", (string id, string key, HttpContext http, IGrainFactory grains) =>
            Write(id, http, grains, (DeliverableRequest body, Validation v) => body.ToCommand(v), (g, c, actor) => g.RecordDeliverable(key, c, actor)))
            .ReadsBody<DeliverableRequest>().WithSummary("Document of besluit als aanwezig vastleggen");

        group.MapDelete("/{id}/deliverables/{key}", (string id, string key, HttpContext http, IGrainFactory grains) =>
            Write(id, http, grains, NoBody, (g, _, actor) => g.WithdrawDeliverable(key, actor)))
            .WithSummary("Vastgelegd document of besluit intrekken");

        group.MapPut("/{id}/milestones/{key}", (string id, string key, HttpContext http, IGrainFactory grains) =>
            Write(id, http, grains, (MilestoneRequest body, Validation v) => body.ToCommand(v), (g, c, actor) => g.SetMilestone(key, c, actor)))
            .ReadsBody<MilestoneRequest>().WithSummary("Mijlpaal aanmaken of bijwerken");

        group.MapDelete("/{id}/milestones/{key}", (string id, string key, HttpContext http, IGrainFactory grains) =>
            Write(id, http, grains, NoBody, (g, _, actor) => g.RemoveMilestone(key, actor)))
            .WithSummary("Mijlpaal verwijderen");

        group.MapGet("/{id}/audit", async (string id, int? page, int? pageSize, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            return Slug.IsValid(id) && await grains.GetGrain<IProjectGrain>(id).GetAudit(p, size) is { } trail
                ? Answers.Ok(trail)
                : Problems.NotFound("Project", id);
        }).KnownQuery(["page", "pageSize"]).WithSummary("Audittrail van een project, nieuwste eerst");
    }

    /// <summary>Marks a write without a request body (DELETE).</summary>
    private static readonly Func<NoRequestBody, Validation, NoRequestBody> NoBody = (b, _) => b;

    public sealed record NoRequestBody;

    /// <summary>
    /// The common shape of a project write: the project must exist (404), the caller must be its
    /// cooperative's board or an admin (403), the body must parse and its dates be valid (400),
    /// and only then does the grain decide. Nothing reaches the grain before all input checks pass.
    /// </summary>
    private static async Task<IResult> Write<TBody, TCommand>(
        string id, HttpContext http, IGrainFactory grains,
        Func<TBody, Validation, TCommand> build,
        Func<IProjectGrain, TCommand, string, Task<Outcome<ProjectView>>> act)
        where TBody : class
    {
        if (!Slug.IsValid(id)) return Problems.NotFound("Project", id);
        var grain = grains.GetGrain<IProjectGrain>(id);
        // A project never changes cooperative, so this check cannot go stale before the write.
        if (await grain.Get() is not { } project) return Problems.NotFound("Project", id);
        var cooperativeId = project.CooperativeId;
        if (!http.User.CanWriteCooperative(cooperativeId))
            return Problems.Forbidden($"Alleen het bestuur van '{cooperativeId}' of een beheerder mag dit project wijzigen.");
        TBody body;
        if (typeof(TBody) == typeof(NoRequestBody))
            body = (TBody)(object)new NoRequestBody();
        else
        {
            var (parsed, problem) = await RequestBody.ReadAsync<TBody>(http.Request);
            if (problem is not null) return problem;
            body = parsed!;
        }
        var v = new Validation();
        var command = build(body, v);
        if (v.HasErrors) return Problems.From(v.ToRefusal());
        return Answers.From(await act(grain, command, http.User.Actor()));
    }
}
