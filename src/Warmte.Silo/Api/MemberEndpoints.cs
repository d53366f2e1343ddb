using System.Collections.Immutable;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Members;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

/// <param name="JoinedOn">The join date of every member sent without one.</param>
/// <param name="SkipInvalid">True: register the good members and list the others' problems under "skipped"; default: all or nothing.</param>
public sealed record RegisterMembersRequest(ImmutableArray<MemberInput?>? Members, NodaTime.LocalDate? JoinedOn = null, bool? SkipInvalid = null);

/// <summary>
/// The member register. Names and addresses go only to the cooperative's own board and admins;
/// every role can read the summary (counts per category, eligible voters).
/// </summary>
public static class MemberEndpoints
{
    public static void MapMemberEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/cooperatives/{id}/members").WithTags("Ledenregister");

        group.MapGet("/", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return PersonalData(id);
            return Answers.Ok(await grains.GetGrain<IMemberRegisterGrain>(id).Members());
        }).WithSummary("Alle leden met persoonsgegevens (bestuur van de coöperatie en beheerders)");

        group.MapGet("/summary", async (string id, IGrainFactory grains) =>
            await Missing(grains, id) ?? Answers.Ok(await grains.GetGrain<IMemberRegisterGrain>(id).Summary()))
            .WithSummary("Aantallen leden, stemgerechtigden en woningequivalenten per categorie (iedereen)");

        group.MapGet("/audit", async (string id, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return PersonalData(id);
            return Answers.Ok(await grains.GetGrain<IMemberRegisterGrain>(id).GetAudit(p, size));
        }).WithSummary("Audittrail van het ledenregister");

        group.MapGet("/{number}", async (string id, string number, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return PersonalData(id);
            return await grains.GetGrain<IMemberRegisterGrain>(id).Member(number) is { } member
                ? Answers.Ok(member)
                : Problems.NotFound("Lid", $"{id}/{number}");
        }).WithSummary("Eén lid");

        group.MapPost("/", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var (body, problem) = await RequestBody.ReadAsync<RegisterMembersRequest>(http.Request);
            if (problem is not null) return problem;
            if (body!.Members is not { } members) return Problems.Invalid("members", "is verplicht.");
            var options = new RegisterOptions { JoinedOn = body.JoinedOn, SkipInvalid = body.SkipInvalid ?? false };
            return Answers.From(await grains.GetGrain<IMemberRegisterGrain>(id).Register(members, http.User.Actor(), options));
        }).WithSummary("Leden registreren of bijwerken op lidnummer, alles of niets (bulk; skipInvalid: alleen de goede, joinedOn: datum voor leden zonder)");

        group.MapPut("/{number}", async (string id, string number, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var (body, problem) = await RequestBody.ReadAsync<MemberInput>(http.Request);
            if (problem is not null) return problem;
            if (body!.Number is { } inBody && MemberRules.NormaliseNumber(inBody) != MemberRules.NormaliseNumber(number))
                return Problems.Invalid("number", $"'{Slug.Truncate(inBody)}' verschilt van het lidnummer in het adres ('{Slug.Truncate(number)}').");
            var outcome = await grains.GetGrain<IMemberRegisterGrain>(id).Register([body with { Number = number }], http.User.Actor());
            if (!outcome.IsOk)
                return Problems.From(outcome.Refusal! with
                {
                    // One member: name the fields as the caller sent them, without "members[0].".
                    Errors = [.. outcome.Refusal!.Errors.Select(e => e with { Field = e.Field.Replace("members[0].", "") })],
                });
            return Answers.Ok(await grains.GetGrain<IMemberRegisterGrain>(id).Member(number));
        }).WithSummary("Eén lid registreren of bijwerken");
    }

    /// <summary>404 when the cooperative does not exist; null otherwise.</summary>
    internal static async Task<IResult?> Missing(IGrainFactory grains, string id) =>
        Slug.IsValid(id) && await grains.GetGrain<ICooperativeGrain>(id).Exists() ? null : Problems.NotFound("Coöperatie", id);

    internal static IResult PersonalData(string id) =>
        Problems.Forbidden($"Persoonsgegevens van de leden van '{id}' zijn alleen voor het bestuur van de coöperatie en beheerders; gebruik de samenvatting.");

    private static IResult Forbidden(string id) =>
        Problems.Forbidden($"Alleen het bestuur van '{id}' of een beheerder houdt het ledenregister bij.");
}
