using System.Collections.Immutable;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Members;
using Warmte.Serialization;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

/// <param name="JoinedOn">The join date of every member sent without one.</param>
/// <param name="SkipInvalid">True: register the good members and list the others' problems under "skipped"; default: all or nothing.</param>
/// <summary>Body of <c>POST …/members/{number}/leave</c>.</summary>
public sealed record LeaveRequest(NodaTime.LocalDate? LeftOn);

/// <param name="DryRun">True: check and count against the stored register (created, updated, unchanged, erased rows), store nothing.</param>
public sealed record RegisterMembersRequest(ImmutableArray<MemberInput?>? Members, NodaTime.LocalDate? JoinedOn = null, bool? SkipInvalid = null, bool? DryRun = null);

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
        }).KnownQuery(["page", "pageSize"]).WithSummary("Audittrail van het ledenregister");

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
            // A field of the wrong type is answered together with what the register's rules find in the rest (tester6 T13).
            var (body, problem) = await RequestBody.ReadAsync<RegisterMembersRequest>(http.Request, rest => CheckOnly(grains, id, http, rest.Members, rest.JoinedOn));
            if (problem is not null) return problem;
            if (body!.Members is not { } members) return Problems.Invalid("members", "is verplicht.");
            var options = new RegisterOptions { JoinedOn = body.JoinedOn, SkipInvalid = body.SkipInvalid ?? false, DryRun = body.DryRun ?? false };
            var registered = await grains.GetGrain<IMemberRegisterGrain>(id).Register(members, http.User.Actor(), options);
            // The rows left out are listed as a refusal's errors are: the first ones and a count of the rest (tester9b T9).
            if (registered.Value is { } result && result.Skipped.Length > Problems.MaxListedErrors)
                registered = Outcome<RegistrationResult>.Ok(result with { Skipped = [.. Problems.Capped(result.Skipped, "members")] });
            return Answers.From(registered);
        }).ReadsBody<RegisterMembersRequest>().WithSummary("Leden registreren of bijwerken op lidnummer, alles of niets (bulk; skipInvalid: alleen de goede, joinedOn: datum voor leden zonder, "
                       + "dryRun: alleen controleren); een veld dat ontbreekt houdt zijn waarde, een gewist lid blijft gewist (erased)");

        group.MapPut("/{number}", async (string id, string number, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var (body, problem) = await RequestBody.ReadAsync<MemberInput>(http.Request, async rest =>
                (await CheckOnly(grains, id, http, [rest with { Number = number }], null)).Select(e => e with { Field = e.Field.Replace("members[0].", "") }));
            if (problem is not null) return problem;
            if (body!.Number is { } inBody && MemberRules.NormaliseNumber(inBody) != MemberRules.NormaliseNumber(number))
                return Problems.Invalid("number", $"'{Slug.Truncate(inBody)}' verschilt van het lidnummer in het adres ('{Slug.Truncate(number)}').");
            var outcome = await grains.GetGrain<IMemberRegisterGrain>(id).Register([body with { Number = number }], http.User.Actor());
            // An erased member is never filled again (review F1): for one member that is a refusal, not a skipped row.
            if (outcome.IsOk && outcome.Value!.Erased is [var erased, ..])
                return Problems.From(Refusal.Conflict("member-erased", "L" + erased.Reason[1..], [erased with { Field = "number" }]));
            if (!outcome.IsOk)
                return Problems.From(outcome.Refusal! with
                {
                    // One member: name the fields as the caller sent them, without "members[0].".
                    Errors = [.. outcome.Refusal!.Errors.Select(e => e with { Field = e.Field.Replace("members[0].", "") })],
                });
            return Answers.Ok(await grains.GetGrain<IMemberRegisterGrain>(id).Member(number));
        }).ReadsBody<MemberInput>().WithSummary("Eén lid registreren of bijwerken");

        // ---- privacy (AVG): erasure, access, retention ----

        group.MapPost("/{number}/leave", async (string id, string number, HttpContext http, IGrainFactory grains, NodaTime.IClock clock) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var (body, problem) = await RequestBody.ReadAsync<LeaveRequest>(http.Request);
            if (problem is not null) return problem;
            if (body!.LeftOn is not { } leftOn) return Problems.Invalid("leftOn", "is verplicht: de dag waarop het lid geen lid meer is (JJJJ-MM-DD).");
            var left = await grains.GetGrain<IMemberRegisterGrain>(id).Leave(number, leftOn, http.User.Actor());
            if (!left.IsOk) return Answers.From(left);
            // Say what the write-out takes out of the count of open meetings (tester5 T10h): the member's own votes, and the
            // online votes they cast for others with a proxy. Nothing is changed by this: the count leaves them out by the register.
            var dropped = await VotesNoLongerCounted(grains, id, left.Value!.Number, leftOn);
            // Closed meetings on or after leftOn where the member counted (tester6 T5): their results stand as counted; say so.
            var alv = grains.GetGrain<Warmte.Alv.IAlvGrain>(id);
            var counted = await alv.CountedAtClosedMeetings(left.Value.Number, leftOn);
            var stand = counted.IsEmpty ? [] : Warmte.Alv.AlvRules.ClosedResultsStand(left.Value.Number, await alv.Meetings(), counted, AmsterdamTime.Today(clock),
                await alv.Statutes());
            if (dropped.Count == 0 && stand.IsEmpty) return Answers.Ok(left.Value);
            var answer = System.Text.Json.JsonSerializer.SerializeToNode(left.Value, WarmteJson.Default)!.AsObject();
            if (dropped.Count > 0)
                answer["votesNotCounted"] = new System.Text.Json.Nodes.JsonArray([.. dropped.Select(d => System.Text.Json.Nodes.JsonValue.Create(d))]);
            if (!stand.IsEmpty)
                answer["closedResultsStand"] = new System.Text.Json.Nodes.JsonArray([.. stand.Select(d => System.Text.Json.Nodes.JsonValue.Create(d))]);
            return Results.Json(answer, WarmteJson.Default);
        }).ReadsBody<LeaveRequest>().WithSummary("Een lid uitschrijven: leftOn vastleggen (daarna kan een oud-lid gewist worden)");

        group.MapPost("/{number}/rejoin", async (string id, string number, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            return Answers.From(await grains.GetGrain<IMemberRegisterGrain>(id).Rejoin(number, http.User.Actor()));
        }).WithSummary("Een uitschrijving intrekken (leftOn leeg, in de audittrail); niet voor een gewist lid");

        group.MapPost("/{number}/erase", async (string id, string number, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            return Answers.From(await grains.GetGrain<IMemberRegisterGrain>(id).Erase(number, http.User.Actor()));
        }).WithSummary("Naam en adres van een oud-lid wissen (AVG); lidnummer, aantallen en stemmen blijven geldig");

        group.MapGet("/{number}/export", async (string id, string number, HttpContext http, IGrainFactory grains, NodaTime.IClock clock) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return PersonalData(id);
            var export = await MemberDataExport.CollectAsync(grains, id, number, clock.GetCurrentInstant());
            return export is null ? Problems.NotFound("Lid", $"{id}/{number}") : Answers.Ok(export);
        }).WithSummary("Alles wat over één lid is opgeslagen, voor dat lid (AVG-inzage): register en historie, ALV, instemming op het adres");

        var privacy = api.MapGroup("/cooperatives/{id}/privacy").WithTags("Ledenregister");

        privacy.MapGet("/", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return PersonalData(id);
            return Answers.Ok(await grains.GetGrain<IMemberRegisterGrain>(id).Privacy());
        }).WithSummary("Bewaartermijnen voor persoonsgegevens (oud-leden, antwoorden huurdersinstemming)");

        privacy.MapPut("/", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var (body, problem) = await RequestBody.ReadAsync<SetPrivacySettings>(http.Request);
            if (problem is not null) return problem;
            return Answers.From(await grains.GetGrain<IMemberRegisterGrain>(id).SetPrivacy(body!, http.User.Actor()));
        }).ReadsBody<SetPrivacySettings>().WithSummary("Bewaartermijnen instellen (maanden; leeg: niet automatisch); een dagelijkse ronde past ze toe");

        privacy.MapPost("/retention-run", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            return Answers.Ok(await grains.GetGrain<IMemberRegisterGrain>(id).ApplyRetention(http.User.Actor()));
        }).WithSummary("De bewaartermijnen nu toepassen (anders dagelijks)");
    }

    /// <summary>404 when the cooperative does not exist; null otherwise.</summary>
    internal static async Task<IResult?> Missing(IGrainFactory grains, string id) =>
        Slug.IsValid(id) && await grains.GetGrain<ICooperativeGrain>(id).Exists() ? null : Problems.NotFound("Coöperatie", id);

    internal static IResult PersonalData(string id) =>
        // Names the summary where it is (tester9a T14: "gebruik de samenvatting" did not say which).
        Problems.Forbidden($"Persoonsgegevens van de leden van '{id}' zijn alleen voor het bestuur van de coöperatie en beheerders. "
                           + $"De aantallen per categorie (zonder namen) staan in de samenvatting: GET /api/cooperatives/{id}/members/summary, of warmte members {id}.");

    private static IResult Forbidden(string id) =>
        Problems.Forbidden($"Alleen het bestuur van '{id}' of een beheerder houdt het ledenregister bij.");

    /// <summary>
    /// The register's field errors for <paramref name="members"/> without storing anything (a dry run), for a request that
    /// is refused anyway because a field had the wrong type: the answer then names every problem at once (tester6 T13).
    /// </summary>
    private static async Task<IEnumerable<FieldError>> CheckOnly(IGrainFactory grains, string id, HttpContext http,
        ImmutableArray<MemberInput?>? members, NodaTime.LocalDate? joinedOn)
    {
        if (members is not { } list) return [];
        var checkedOnly = await grains.GetGrain<IMemberRegisterGrain>(id).Register(list, http.User.Actor(), new RegisterOptions { JoinedOn = joinedOn, DryRun = true });
        return checkedOnly.IsOk ? [] : checkedOnly.Refusal!.Errors;
    }

    /// <summary>
    /// One Dutch phrase per vote that no longer counts once <paramref name="number"/> is not a member on the meeting date:
    /// on proposals still open of meetings on or after <paramref name="leftOn"/>.
    /// </summary>
    private static async Task<List<string>> VotesNoLongerCounted(IGrainFactory grains, string id, string number, NodaTime.LocalDate leftOn)
    {
        var alv = grains.GetGrain<Warmte.Alv.IAlvGrain>(id);
        var phrases = new List<string>();
        foreach (var meeting in (await alv.Meetings()).Where(m => m.Date >= leftOn && m.Proposals.Any(p => p.Closed is null)))
        {
            foreach (var proposal in meeting.Proposals.Where(p => p.Closed is null))
                if (await alv.VotedBy(meeting.Id, proposal.Id, number) is { } mark)
                    phrases.Add($"de stem van lid {number} op voorstel '{proposal.Id}' van vergadering '{meeting.Id}'"
                                + (mark.ProxyHolder is { } h ? $" (bij volmacht uitgebracht door lid {h})" : ""));
            // Votes the member carried for others that the board entered (a ballot with them as proxy holder, or a proxy on the
            // paper tally): through a holder who may not vote, they no longer count either. Online ones follow below, worded for online.
            foreach (var held in (await alv.ProxyVotesHeldBy(meeting.Id, number)).Where(h => h.Channel != Warmte.Alv.BallotChannel.Online))
                phrases.Add(held.Channel == Warmte.Alv.BallotChannel.Tally
                    ? $"de volmacht van lid {held.Giver} die lid {number} op de papieren telling van voorstel '{held.ProposalId}' van vergadering '{meeting.Id}' droeg (lid {held.Giver} kan nu zelf stemmen of een ander volmacht geven; corrigeer de telling)"
                    : $"de stem die lid {number} bij volmacht uitbracht voor lid {held.Giver} op voorstel '{held.ProposalId}' van vergadering '{meeting.Id}' (door het bestuur vastgelegd; lid {held.Giver} kan nu zelf stemmen of een ander volmacht geven)");
            var online = grains.GetGrain<Warmte.Voting.IOnlineVotingGrain>($"{id}/{meeting.Id}");
            foreach (var cast in await online.ProxyVotesCastBy(number))
                phrases.Add($"de online stem die lid {number} bij volmacht uitbracht voor lid {cast.Giver} op voorstel '{cast.ProposalId}' van vergadering '{meeting.Id}' (lid {cast.Giver} kan nu zelf stemmen of een ander volmacht geven)");
        }
        return phrases;
    }
}

/// <summary>
/// Everything stored about one member, for that member (AVG access): the register entry and its
/// facts, ALV attendance and open ballots (read through IAlvGrain's public reads), and consent
/// answers at the member's address in the cooperative's projects.
/// </summary>
public sealed record MemberDataExport(
    string CooperativeId, string MemberNumber, NodaTime.Instant ExportedAt, MemberRecordExport Register,
    ImmutableArray<MemberDataExport.Attendance> AlvAttendance, ImmutableArray<MemberDataExport.BallotCast> AlvBallots,
    ImmutableArray<TenantConsent.AddressAnswer> ConsentAnswers, string Note,
    bool MayVoteToday = false, string VotingRight = "")
{
    /// <param name="Present">On the attendance list of the meeting (or of a tallied proposal).</param>
    /// <param name="RepresentedBy">The proxy holder who represented the member in a tallied proposal.</param>
    /// <param name="HolderFor">Members this member held a proxy for.</param>
    public sealed record Attendance(string MeetingId, string Title, NodaTime.LocalDate Date, bool Present, string? ProposalId,
        string? RepresentedBy, ImmutableArray<string> HolderFor);

    public sealed record BallotCast(string MeetingId, string ProposalId, string Title, string Choice, string? ProxyHolder,
        string? CastFor, decimal Weight, NodaTime.Instant RecordedAt);

    public static async Task<MemberDataExport?> CollectAsync(IGrainFactory grains, string cooperativeId, string number, NodaTime.Instant now)
    {
        if (await grains.GetGrain<IMemberRegisterGrain>(cooperativeId).Export(number) is not { } register) return null;
        var n = register.Member.Number;
        var attendance = ImmutableArray.CreateBuilder<Attendance>();
        var ballots = ImmutableArray.CreateBuilder<BallotCast>();
        // Ballots, tallies and attendance are journal rows of the ALV grain (docs/members-and-decisions.md,
        // "Where the votes are kept"): read through its paged reads, every page.
        var alv = grains.GetGrain<Alv.IAlvGrain>(cooperativeId);
        foreach (var meeting in await alv.Meetings())
        {
            if (await AllAttendance(alv, meeting.Id) is var present && (present.Contains(n) || meeting.Present.Contains(n)))
                attendance.Add(new Attendance(meeting.Id, meeting.Title, meeting.Date, true, null, null, []));
            foreach (var proposal in meeting.Proposals)
            {
                if ((await alv.TallyOf(meeting.Id, proposal.Id) ?? proposal.Tally) is { } tally)
                {
                    var holderFor = tally.Proxies.Where(p => p.Holder == n).Select(p => p.Member).ToImmutableArray();
                    var by = tally.Proxies.FirstOrDefault(p => p.Member == n)?.Holder;
                    if (tally.Present.Contains(n) || by is not null || holderFor.Length > 0)
                        attendance.Add(new Attendance(meeting.Id, meeting.Title, meeting.Date, tally.Present.Contains(n), proposal.Id, by, holderFor));
                }
                // A choice is shown where the board may see it: open ballots of closed proposals (sealed
                // while open; never for a secret ballot, whose choice is not linked to the member anywhere).
                foreach (var ballot in (await AllBallots(alv, meeting.Id, proposal.Id)).Where(b => b.MemberNumber == n || b.ProxyHolder == n))
                    ballots.Add(new BallotCast(meeting.Id, proposal.Id, proposal.Title, ballot.Choice?.ToString() ?? "(niet zichtbaar)", ballot.ProxyHolder,
                        ballot.MemberNumber == n ? null : ballot.MemberNumber, ballot.Weight, ballot.RecordedAt));
            }
        }
        var consent = ImmutableArray.CreateBuilder<TenantConsent.AddressAnswer>();
        if (register.Member.Address is { } address)
            foreach (var project in await grains.GetGrain<ICooperativeGrain>(cooperativeId).ProjectIds())
                consent.AddRange(await grains.GetGrain<TenantConsent.ITenantConsentGrain>(project).AnswersAt(address));
        var note = register.Member.ErasedOn is { } erased
            ? $"Naam en adres zijn op {DutchFormat.Date(erased)} gewist; daarom zijn er geen antwoorden op een adres te vinden."
            : "Registergegevens, historie van wijzigingen (zonder oude namen en adressen: die bewaren we niet), aanwezigheid en stemmen op ALV's, en antwoorden over huurdersinstemming op dit adres.";
        // Stemrecht today (tester finding F19): the register's eligibleToVote is the statutes' requirement,
        // not whether a member who left may still vote.
        var today = AmsterdamTime.DateOf(now);
        var m = register.Member;
        var votingRight = m.LeftOn is { } left && left <= today
            ? $"Geen stemrecht: oud-lid, uitgeschreven op {DutchFormat.Date(left)} (eligibleToVote is de eis van de statuten, niet het stemrecht van vandaag)."
            : m.JoinedOn > today ? $"Geen stemrecht: pas lid vanaf {DutchFormat.Date(m.JoinedOn)}."
            : m.EligibleToVote ? "Stemgerechtigd." : "Niet stemgerechtigd volgens de statuten.";
        return new MemberDataExport(cooperativeId, n, now, register, attendance.ToImmutable(), ballots.ToImmutable(), consent.ToImmutable(), note,
            m.MayVoteOn(today), votingRight);
    }

    private static async Task<List<Alv.BallotLine>> AllBallots(Alv.IAlvGrain alv, string meetingId, string proposalId)
    {
        var all = new List<Alv.BallotLine>();
        for (var page = 1; await alv.Ballots(meetingId, proposalId, page, 500) is { Items.Length: > 0 } p; page++)
        {
            all.AddRange(p.Items);
            if (all.Count >= p.Total) break;
        }
        return all;
    }

    private static async Task<HashSet<string>> AllAttendance(Alv.IAlvGrain alv, string meetingId)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; await alv.Attendance(meetingId, page, 500) is { Items.Length: > 0 } p; page++)
        {
            all.UnionWith(p.Items);
            if (all.Count >= p.Total) break;
        }
        return all;
    }
}
