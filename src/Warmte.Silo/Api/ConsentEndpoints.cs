using Warmte.Common;
using Warmte.Projects;
using Warmte.Silo.Auth;
using Warmte.TenantConsent;

namespace Warmte.Silo.Api;

/// <summary>
/// Tenant consent per complex, and the Wet collectieve warmte check of a project. Answers per
/// address are personal data: the cooperative's board and admins see them, others the counts.
/// </summary>
public static class ConsentEndpoints
{
    public static void MapConsentEndpoints(this RouteGroupBuilder api)
    {
        var consent = api.MapGroup("/projects/{id}/consent").WithTags("Huurdersinstemming");

        consent.MapGet("/", async (string id, HttpContext http, IGrainFactory grains) =>
            await Answers.ProjectCooperative(http, id) is not { } cooperativeId
                ? Problems.NotFound("Project", id)
                : Answers.Ok(await grains.GetGrain<ITenantConsentGrain>(id).Status(http.User.CanSeePersonalDataOf(cooperativeId))))
            .WithSummary("Instemming per complex en voor het hele project, met prognose");

        consent.MapPut("/complexes/{complexId}", (string id, string complexId, HttpContext http, IGrainFactory grains) =>
            Write<SetComplex>(id, http, grains, (g, body, actor) => g.SetComplex(complexId, body, actor)))
            .ReadsBody<SetComplex>().WithSummary("Complex (bouwkundige eenheid) van een woningcorporatie vastleggen of bijwerken");

        consent.MapDelete("/complexes/{complexId}", async (string id, string complexId, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.ProjectCooperative(http, id) is not { } cooperativeId) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(cooperativeId)) return Forbidden(cooperativeId);
            return Answers.From(await grains.GetGrain<ITenantConsentGrain>(id).RemoveComplex(complexId, http.User.Actor()));
        }).WithSummary("Complex zonder antwoorden verwijderen");

        consent.MapPost("/complexes/{complexId}/declarations", (string id, string complexId, HttpContext http, IGrainFactory grains) =>
            Write<RecordDeclarations>(id, http, grains, (g, body, actor) => g.RecordDeclarations(complexId, body, actor)))
            .ReadsBody<RecordDeclarations>().WithSummary("Akkoordverklaringen en weigeringen per adres vastleggen (alles of niets; skipInvalid: alleen de goede, dryRun: alleen controleren)");

        consent.MapPut("/applicability", (string id, HttpContext http, IGrainFactory grains) =>
            Write<SetApplicability>(id, http, grains, (g, body, actor) => g.SetApplicability(body, actor)))
            .ReadsBody<SetApplicability>().WithSummary("Verklaren dat het project geen huurwoningen aansluit (of dat weer intrekken)");

        consent.MapGet("/audit", async (string id, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await Answers.ProjectCooperative(http, id) is not { } cooperativeId) return Problems.NotFound("Project", id);
            if (!http.User.CanSeePersonalDataOf(cooperativeId)) return TenantData(cooperativeId);
            return Answers.Ok(await grains.GetGrain<ITenantConsentGrain>(id).GetAudit(p, size));
        }).KnownQuery(["page", "pageSize"]).WithSummary("Audittrail van de huurdersinstemming");

        consent.MapGet("/complexes/{complexId}/declarations", async (string id, string complexId, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await Answers.ProjectCooperative(http, id) is not { } cooperativeId) return Problems.NotFound("Project", id);
            if (!http.User.CanSeePersonalDataOf(cooperativeId)) return TenantData(cooperativeId);
            return await grains.GetGrain<ITenantConsentGrain>(id).DeclarationsPage(complexId, p, size) is { } answers
                ? Answers.Ok(answers)
                : Problems.NotFound("Complex", complexId);
        }).KnownQuery(["page", "pageSize"]).WithSummary("Antwoorden per adres van één complex, per pagina (bestuur en beheerders)");

        var wcw = api.MapGroup("/projects/{id}/wcw").WithTags("Wet collectieve warmte");

        wcw.MapGet("/", async (string id, IGrainFactory grains) =>
            Slug.IsValid(id) && await grains.GetGrain<IProjectGrain>(id).Wcw() is { } assessment
                ? Answers.Ok(assessment)
                : Problems.NotFound("Project", id)).WithSummary("Welke Wcw-route het project haalt en wat ontbreekt");

        wcw.MapPut("/", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.ProjectCooperative(http, id) is not { } cooperativeId) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(cooperativeId)) return Forbidden(cooperativeId);
            var (body, problem) = await RequestBody.ReadAsync<SetWcwProfile>(http.Request);
            if (problem is not null) return problem;
            var outcome = await grains.GetGrain<IProjectGrain>(id).SetWcwProfile(body!, http.User.Actor());
            return outcome.IsOk ? Answers.Ok((await grains.GetGrain<IProjectGrain>(id).Wcw())!) : Problems.From(outcome.Refusal!);
        }).ReadsBody<SetWcwProfile>().WithSummary("Wcw-gegevens vastleggen: publiek aandeel en de criteria van een warmtegemeenschap");
    }

    /// <summary>
    /// 403 for the answers per address (and their audit): tenants are not members, so the members' wording does not
    /// fit (tester4 T10h); the counts stay readable for everyone who may see the project.
    /// </summary>
    internal static IResult TenantData(string cooperativeId) =>
        Problems.Forbidden($"De antwoorden van huurders per adres zijn persoonsgegevens; alleen het bestuur van '{cooperativeId}' en beheerders zien ze. De aantallen per complex staan in de instemming van het project.");

    private static IResult Forbidden(string cooperativeId) =>
        Problems.Forbidden($"Alleen het bestuur van '{cooperativeId}' of een beheerder legt dit vast.");

    private static async Task<IResult> Write<TBody>(
        string id, HttpContext http, IGrainFactory grains, Func<ITenantConsentGrain, TBody, string, Task<Outcome<ConsentStatus>>> command)
        where TBody : class
    {
        if (await Answers.ProjectCooperative(http, id) is not { } cooperativeId) return Problems.NotFound("Project", id);
        if (!http.User.CanWriteCooperative(cooperativeId)) return Forbidden(cooperativeId);
        var (body, problem) = await RequestBody.ReadAsync<TBody>(http.Request);
        if (problem is not null) return problem;
        return Answers.From(await command(grains.GetGrain<ITenantConsentGrain>(id), body!, http.User.Actor()));
    }
}
