using Warmte.Alv;
using Warmte.Common;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

/// <summary>
/// The ALV of a cooperative: statutes (decision rules), meetings, proposals, ballots or tallies,
/// and closing a proposal. Writing is the cooperative's board's (or an admin's); every role reads
/// the results, only the board and admins see who voted what.
/// </summary>
public static class AlvEndpoints
{
    public static void MapAlvEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/cooperatives/{id}/alv").WithTags("ALV: statuten, vergaderingen en besluiten");

        group.MapGet("/statutes", async (string id, IGrainFactory grains) =>
            await MemberEndpoints.Missing(grains, id) ?? Answers.Ok(await StatutesAnswer(Alv(grains, id), await Alv(grains, id).Statutes(), id)))
            .WithSummary("De besluitregels uit de statuten (standaard en per besluitsoort)");

        group.MapPut("/statutes", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var (body, problem) = await RequestBody.ReadAsync<SetStatutes>(http.Request);
            if (problem is not null) return problem;
            var alv = Alv(grains, id);
            var outcome = await alv.SetStatutes(body!, http.User.Actor());
            // The answer is the GET's, with its warnings: what these statutes do not reach, what they may surprise with (tester10 T3, T4).
            return outcome.IsOk ? Answers.Ok(await StatutesAnswer(alv, outcome.Value!, id)) : Answers.From(outcome);
        })
            .ReadsBody<SetStatutes>().WithSummary("Besluitregels vastleggen: quorum, meerderheid, onthoudingen, volmachten, weging, oproeptermijn");

        group.MapGet("/meetings", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            var alv = Alv(grains, id);
            var statutes = await alv.Statutes();
            var withMembers = http.User.CanSeePersonalDataOf(id);
            // Counted as closing will count (tester4 T5): the same figures as …/turnout and …/online.
            var meetings = await alv.CountedMeetings(null);
            // Whether each meeting has online voting, so that the dashboard asks …/online only where there is one (no 404s).
            var online = await Task.WhenAll(meetings.Select(m => grains.GetGrain<global::Warmte.Voting.IOnlineVotingGrain>($"{id}/{m.Id}").View()));
            return Answers.Ok(meetings.Select((m, i) => MeetingView.Of(m, statutes, withMembers) with { OnlineVoting = online[i] is not null }).ToArray());
        }).WithSummary("Alle ALV-vergaderingen met voorstellen en uitslagen");

        group.MapGet("/meetings/{meetingId}", async (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            var alv = Alv(grains, id);
            return (await alv.CountedMeetings(meetingId)).FirstOrDefault() is { } meeting
                ? Answers.Ok(MeetingView.Of(meeting, await alv.Statutes(), http.User.CanSeePersonalDataOf(id)))
                : Problems.NotFound("Vergadering", $"{id}/{meetingId}");
        }).WithSummary("Eén vergadering");

        group.MapPost("/meetings", (string id, HttpContext http, IGrainFactory grains) =>
            Write<CreateMeeting, Meeting>(id, http, grains, (alv, body, actor) => alv.CreateMeeting(body, actor), created: m => $"/api/cooperatives/{id}/alv/meetings/{m.Id}", view: Sealed))
            .ReadsBody<CreateMeeting>().WithSummary("Vergadering vastleggen (datum, oproepdatum, agenda)");

        group.MapPatch("/meetings/{meetingId}", async (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
        {
            string? onlineChange = null;
            return await Write<UpdateMeeting, Meeting>(id, http, grains, async (alv, body, actor) =>
            {
                var updated = await alv.UpdateMeeting(meetingId, body, actor);
                // A planned online voting (no codes) follows the new date, or lapses when its first day no longer fits (tester5 T6).
                if (updated.IsOk) onlineChange = await FollowOnline(grains, id, meetingId, actor);
                return updated;
            }, view: async (alv, meeting) => await Sealed(alv, meeting) is MeetingView v ? v with { OnlineVotingChange = onlineChange } : meeting);
        }).ReadsBody<UpdateMeeting>().WithSummary("Vergadering corrigeren: datum en oproepdatum zolang er niets op is vastgelegd, de titel altijd");

        group.MapDelete("/meetings/{meetingId}", async (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var alv = Alv(grains, id);
            var outcome = await alv.DeleteMeeting(meetingId, http.User.Actor());
            if (!outcome.IsOk) return Answers.From(outcome);
            // A planned online voting (no codes) lapses with its meeting, so a new meeting under the same id starts clean (tester5 T6).
            var onlineChange = await FollowOnline(grains, id, meetingId, http.User.Actor());
            return Answers.Ok(MeetingView.Of(outcome.Value!, await alv.Statutes(), withMembers: true) with { OnlineVotingChange = onlineChange });
        }).WithSummary("Vergadering verwijderen waarop niets is vastgelegd (verkeerd ingevoerd)");

        group.MapPost("/meetings/{meetingId}/proposals", (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
            Write<ProposalInput, Meeting>(id, http, grains, (alv, body, actor) => alv.AddProposal(meetingId, body, actor), view: Sealed))
            .ReadsBody<ProposalInput>().WithSummary("Voorstel toevoegen: een agendapunt vóór de vergadering, of een correctie op een gesloten besluit");

        group.MapPost("/meetings/{meetingId}/attendance", async (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
        {
            AttendanceRecorded? recorded = null;
            return await Write<RecordAttendance, Meeting>(id, http, grains, async (alv, body, actor) =>
            {
                var outcome = await alv.RecordAttendance(meetingId, body, actor);
                if (!outcome.IsOk) return outcome.Refusal!;
                recorded = outcome.Value!;
                return Outcome<Meeting>.Ok(recorded.Meeting);
            }, view: async (alv, meeting) => await Sealed(alv, meeting) is MeetingView v
                ? v with { Added = recorded?.Added, AlreadyPresent = recorded?.AlreadyPresent }
                : meeting);
        })
            .ReadsBody<RecordAttendance>().WithSummary("Presentielijst aanvullen (aanwezige leden)");

        group.MapPost("/meetings/{meetingId}/proposals/{proposalId}/ballots", (string id, string meetingId, string proposalId, HttpContext http, IGrainFactory grains) =>
            Write<CastBallot, Proposal>(id, http, grains, (alv, body, actor) => alv.CastBallot(meetingId, proposalId, body, actor), view: SealedProposal(meetingId)))
            .ReadsBody<CastBallot>().WithSummary("Stem van één lid (eventueel bij volmacht); een lid stemt één keer per voorstel");

        group.MapPost("/meetings/{meetingId}/proposals/{proposalId}/ballots/batch", async (string id, string meetingId, string proposalId, HttpContext http, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            var (body, problem) = await RequestBody.ReadAsync<CastBallotsRequest>(http.Request);
            if (problem is not null) return problem;
            if (body!.Ballots is not { Length: > 0 } ballots) return Problems.Invalid("ballots", "is verplicht: minstens één stem.");
            var nulls = ballots.Select((b, i) => (b, i)).Where(x => x.b is null).Select(x => new FieldError($"ballots[{x.i}]", "is leeg.")).ToList();
            if (nulls.Count > 0) return Problems.From(Refusal.Invalid(nulls));
            return Answers.From(await Alv(grains, id).CastBallots(meetingId, proposalId, [.. ballots.Select(b => b!)], http.User.Actor(),
                body.SkipInvalid ?? false, body.DryRun ?? false));
        }).ReadsBody<CastBallotsRequest>().WithSummary("Stemmen van een lijst (warmte import ballots): alles of niets; skipInvalid: alleen de goede; dryRun: alleen controleren");

        group.MapPut("/meetings/{meetingId}/proposals/{proposalId}/tally", (string id, string meetingId, string proposalId, HttpContext http, IGrainFactory grains) =>
            Write<RecordTally, Proposal>(id, http, grains, (alv, body, actor) => alv.RecordTally(meetingId, proposalId, body, actor), view: SealedProposal(meetingId)))
            .ReadsBody<RecordTally>().WithSummary("Telling van de papieren stemming met presentielijst en volmachten");

        group.MapPost("/meetings/{meetingId}/proposals/{proposalId}/close", async (string id, string meetingId, string proposalId, HttpContext http, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
            return Answers.From(await Alv(grains, id).Close(meetingId, proposalId, http.User.Actor()));
        }).WithSummary("Voorstel sluiten: de uitslag ligt daarna vast");

        group.MapGet("/meetings/{meetingId}/attendance", async (string id, string meetingId, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return MemberEndpoints.PersonalData(id);
            return await Alv(grains, id).Attendance(meetingId, p, size) is { } list ? Answers.Ok(list) : Problems.NotFound("Vergadering", $"{id}/{meetingId}");
        }).KnownQuery(["page", "pageSize"]).WithSummary("Presentielijst van een vergadering, per pagina (uit de journal)");

        group.MapGet("/meetings/{meetingId}/proposals/{proposalId}/ballots", async (string id, string meetingId, string proposalId, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return MemberEndpoints.PersonalData(id);
            return await Alv(grains, id).Ballots(meetingId, proposalId, p, size) is { } list ? Answers.Ok(list) : Problems.NotFound("Voorstel", $"{id}/{meetingId}/{proposalId}");
        }).KnownQuery(["page", "pageSize"]).WithSummary("Stemmen op een voorstel, per pagina: wie (en na sluiten wat, behalve bij geheime stemming)");

        group.MapGet("/meetings/{meetingId}/proposals/{proposalId}/tally", async (string id, string meetingId, string proposalId, HttpContext http, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return MemberEndpoints.PersonalData(id);
            var alv = Alv(grains, id);
            if (await alv.TallyOf(meetingId, proposalId) is not { } tally) return Problems.NotFound("Telling", $"{id}/{meetingId}/{proposalId}");
            // Sealed until closed: the list is shown, the counts only after closing.
            var closed = (await alv.Meeting(meetingId))?.Proposals.FirstOrDefault(x => x.Id == proposalId)?.Closed is not null;
            return Answers.Ok(new
            {
                tally.Present, tally.Proxies, tally.RecordedBy, tally.RecordedAt, Sealed = !closed,
                For = closed ? tally.For : (decimal?)null, Against = closed ? tally.Against : (decimal?)null, Abstain = closed ? tally.Abstain : (decimal?)null,
            });
        }).WithSummary("De papieren telling met presentielijst en volmachten (aantallen pas na sluiten)");

        group.MapGet("/meetings/{meetingId}/proposals/{proposalId}/turnout", async (string id, string meetingId, string proposalId, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            return await Alv(grains, id).Turnout(meetingId, proposalId) is { } turnout ? Answers.Ok(turnout) : Problems.NotFound("Voorstel", $"{id}/{meetingId}/{proposalId}");
        }).WithSummary("Opkomst: hoeveel leden gestemd hebben, per kanaal (geen uitslag zolang het voorstel open is)");

        group.MapGet("/meetings/{meetingId}/proposals/{proposalId}/receipts", async (string id, string meetingId, string proposalId, IGrainFactory grains) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            var alv = Alv(grains, id);
            if (await alv.Receipts(meetingId, proposalId) is { } published) return Answers.Ok(published);
            return await alv.Turnout(meetingId, proposalId) is null
                ? Problems.NotFound("Voorstel", $"{id}/{meetingId}/{proposalId}")
                : Answers.From<PublishedReceipts>(Refusal.Conflict("proposal-open", "De ontvangstcodes worden gepubliceerd als het voorstel gesloten is."));
        }).WithSummary("Na sluiten: alle ontvangstcodes per keuze, zodat elk lid zijn stem kan nagaan");

        group.MapGet("/audit", async (string id, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return MemberEndpoints.PersonalData(id);
            return Answers.Ok(await Alv(grains, id).GetAudit(p, size));
        }).KnownQuery(["page", "pageSize"]).WithSummary("Audittrail van de ALV");
    }

    private static IAlvGrain Alv(IGrainFactory grains, string id) => grains.GetGrain<IAlvGrain>(id);

    /// <summary>
    /// The statutes as they apply (law-derived overrides marked <c>derived</c>), plus <c>input</c>: the board's own statutes in the
    /// shape PUT takes, so a caller can read, change a field of <c>input</c> and send it back (tester finding A12; without the
    /// derived overrides, which would otherwise be frozen at today's default: tester10 T1), and <c>warnings</c> (Dutch).
    /// </summary>
    private static async Task<System.Text.Json.Nodes.JsonNode> StatutesAnswer(IAlvGrain alv, Statutes statutes, string id)
    {
        var answer = System.Text.Json.JsonSerializer.SerializeToNode(statutes, Warmte.Serialization.WarmteJson.Default)!;
        answer.AsObject().Remove("overridesChosen"); // storage's marker; every override read here is the board's or marked derived
        answer["input"] = System.Text.Json.JsonSerializer.SerializeToNode(AlvRules.AsInput(statutes), Warmte.Serialization.WarmteJson.Default);
        answer["derivedOverrides"] = System.Text.Json.JsonSerializer.SerializeToNode(
            statutes.Overrides.Where(o => o.Derived).Select(o => AlvRules.AsInput(o.Rule, o.Type)).ToArray(), Warmte.Serialization.WarmteJson.Default);
        var warnings = RuleWarnings.ForStatutes(statutes, await alv.Meetings(), id);
        answer["warnings"] = new System.Text.Json.Nodes.JsonArray([.. warnings.Select(w => (System.Text.Json.Nodes.JsonNode?)w)]);
        return answer;
    }

    private static IResult Forbidden(string id) =>
        Problems.Forbidden($"Alleen het bestuur van '{id}' of een beheerder legt ALV-vergaderingen en stemmen vast.");

    private static async Task<IResult> Write<TBody, TResult>(
        string id, HttpContext http, IGrainFactory grains, Func<IAlvGrain, TBody, string, Task<Outcome<TResult>>> command,
        Func<TResult, string>? created = null, Func<IAlvGrain, TResult, Task<object>>? view = null) where TBody : class
    {
        if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
        if (!http.User.CanWriteCooperative(id)) return Forbidden(id);
        var (body, problem) = await RequestBody.ReadAsync<TBody>(http.Request);
        if (problem is not null) return problem;
        var alv = Alv(grains, id);
        var outcome = await command(alv, body!, http.User.Actor());
        if (!outcome.IsOk || view is null) return created is not null && outcome.IsOk ? Answers.Created(outcome, created(outcome.Value!)) : Answers.From(outcome);
        // Answers show the view: counts, no totals of an open proposal (sealed until closed).
        var shown = Outcome<object>.Ok(await view(alv, outcome.Value!));
        return created is not null ? Answers.Created(shown, created(outcome.Value!)) : Answers.From(shown);
    }

    /// <summary>
    /// Asks the meeting's online voting to follow a correction or removal the ALV has committed, for the answer's sentence.
    /// The ALV committed the follow-up with the correction (its outbox) and sends it again itself when this call fails or
    /// the process stops before it (docs/members-and-decisions.md, "A corrected meeting and its online voting"), so a
    /// failure here is not the user's: the correction stands and the answer says the online voting follows shortly.
    /// </summary>
    private static async Task<string?> FollowOnline(IGrainFactory grains, string id, string meetingId, string actor)
    {
        try
        {
            return await grains.GetGrain<Warmte.Voting.IOnlineVotingGrain>($"{id}/{meetingId}").MeetingChanged(actor);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return OnlinePending;
        }
    }

    /// <summary>The answer's sentence when the online follow-up did not complete within the request.</summary>
    public const string OnlinePending =
        "De wijziging is vastgelegd; een eventuele online stemming van deze vergadering wordt zo dadelijk aangepast (dat lukte nu niet meteen; de dienst probeert het zelf opnieuw).";

    // Only writers see these answers, and a writer (CanWriteCooperative) is the own board or an admin: the roles that may read
    // who a closed count left out (tester9b T1); totals of open proposals stay sealed all the same.
    private static async Task<object> Sealed(IAlvGrain alv, Meeting meeting) => MeetingView.Of(meeting, await alv.Statutes(), withMembers: true);

    private static Func<IAlvGrain, Proposal, Task<object>> SealedProposal(string meetingId) => async (alv, proposal) =>
        await alv.Meeting(meetingId) is { } meeting ? ProposalView.Of(meeting, proposal, await alv.Statutes(), withMembers: true) : proposal;
}

/// <summary>A list of ballots for one proposal (<c>POST …/ballots/batch</c>).</summary>
public sealed record CastBallotsRequest(CastBallot?[]? Ballots, bool? SkipInvalid, bool? DryRun);
