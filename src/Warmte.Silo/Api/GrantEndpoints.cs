using System.Collections.Immutable;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

public sealed record PlannedTrancheRequest(decimal? Amount, string? PlannedOn);

public sealed record CreateGrantRequest(
    string? Id, string? Funder, string? Scheme, decimal? AmountGranted, string? DecidedOn, string? Conditions,
    bool? EarnedBack, bool? PreviousAccountingFirst, PlannedTrancheRequest[]? Tranches, int? ReviewNormDays, string? FunderId = null,
    bool? FirstTrancheAdvance = null)
{
    public CreateGrant ToCommand(Validation v) => new()
    {
        Id = Id, Funder = Funder, FunderId = FunderId, Scheme = Scheme, AmountGranted = AmountGranted, DecidedOn = RequestBody.Date(v, "decidedOn", DecidedOn),
        Conditions = Conditions, EarnedBack = EarnedBack, PreviousAccountingFirst = PreviousAccountingFirst, ReviewNormDays = ReviewNormDays,
        FirstTrancheAdvance = FirstTrancheAdvance,
        Tranches = Tranches is null ? null : [.. Tranches.Select((t, i) => new PlannedTranche
        {
            Amount = t?.Amount, PlannedOn = RequestBody.Date(v, $"tranches[{i}].plannedOn", t?.PlannedOn),
        })],
    };
}

public sealed record TranchePlanRequest(PlannedTrancheRequest?[]? Tranches)
{
    public ImmutableArray<PlannedTranche?> ToCommand(Validation v) =>
        [.. (Tranches ?? []).Select((t, i) => t is null ? null : new PlannedTranche
        {
            Amount = t.Amount, PlannedOn = RequestBody.Date(v, $"tranches[{i}].plannedOn", t.PlannedOn),
        })];
}

public sealed record TrancheStepRequest(string? On, decimal? Amount, string? PeriodFrom, string? PeriodTo, string[]? Documents, string? Reason)
{
    public TrancheCommand ToCommand(TrancheAction action, Validation v) => new()
    {
        Action = action, On = RequestBody.Date(v, "on", On), Amount = Amount,
        PeriodFrom = RequestBody.Date(v, "periodFrom", PeriodFrom), PeriodTo = RequestBody.Date(v, "periodTo", PeriodTo),
        Documents = Documents is null ? null : [.. Documents], Reason = Reason,
    };
}

/// <summary>
/// Grants and their tranches. Requesting and accounting are the cooperative board's; approving,
/// rejecting and paying the financier's. Send an Idempotency-Key header to make a retry safe.
/// </summary>
public static class GrantEndpoints
{
    private static readonly ImmutableDictionary<string, TrancheAction> Actions = new Dictionary<string, TrancheAction>
    {
        ["request"] = TrancheAction.Request,
        ["accounting"] = TrancheAction.SubmitAccounting,
        ["approve"] = TrancheAction.Approve,
        ["reject"] = TrancheAction.Reject,
        ["pay"] = TrancheAction.Pay,
    }.ToImmutableDictionary();

    public static void MapGrantEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/projects/{id}/grants").WithTags("Subsidies en tranches");

        group.MapGet("/", async (string id, IGrainFactory grains, IClock clock) =>
            await Answers.Project(grains, id) is null
                ? Problems.NotFound("Project", id)
                : Answers.Ok(await Checked(grains, id, await grains.GetGrain<IGrantsGrain>(id).Grants(), clock)))
            .WithSummary("Subsidies van een project met betaald, openstaand, doorlooptijden en waarschuwingen bij de verantwoordingen");

        group.MapGet("/{grantId}", async (string id, string grantId, IGrainFactory grains, IClock clock) =>
            await Answers.Project(grains, id) is not null && await grains.GetGrain<IGrantsGrain>(id).Grant(grantId) is { } grant
                ? Answers.Ok((await Checked(grains, id, [grant], clock))[0])
                : Problems.NotFound("Subsidie", $"{id}/{grantId}")).WithSummary("Eén subsidie met zijn tranches en hun stappen (de laatste 100 per tranche; alle via …/steps)");

        group.MapGet("/{grantId}/tranches/{number:int}/steps", async (string id, string grantId, int number, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await Answers.Project(grains, id) is null) return Problems.NotFound("Project", id);
            if (await grains.GetGrain<IGrantsGrain>(id).Steps(grantId, number, p, size) is not { } steps)
                return Problems.NotFound("Tranche", $"{id}/{grantId}/{number}");
            http.Response.Headers["X-Total-Count"] = steps.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Answers.Ok(steps);
        }).KnownQuery(["page", "pageSize"]).WithSummary("De stappen van één tranche, oudste eerst, per pagina");

        group.MapGet("/audit", async (string id, int? page, int? pageSize, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            return await Answers.Project(grains, id) is null ? Problems.NotFound("Project", id) : Answers.Ok(await grains.GetGrain<IGrantsGrain>(id).GetAudit(p, size));
        }).KnownQuery(["page", "pageSize"]).WithSummary("Audittrail van de subsidies van een project");

        group.MapPost("/", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.Project(grains, id) is not { } project) return Problems.NotFound("Project", id);
            var user = http.User;
            if (!(user.CanWriteCooperative(project.CooperativeId) || user.IsFinancier()))
                return Problems.Forbidden("Een subsidie vastleggen kan het bestuur van de coöperatie, de financier of een beheerder.");
            if (Answers.IdempotencyKey(http, out var key) is { } badKey) return badKey;
            var (body, problem) = await RequestBody.ReadAsync<CreateGrantRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            // A grant in a funder's name is that funder's decision (tester T1): GrantRules.BoardMayRecord.
            if (!user.IsAdmin() && !user.IsFinancier() && !GrantRules.BoardMayRecord(command))
                return Problems.Forbidden(GrantRules.BoardMayNotRecord(Slug.Truncate(command.FunderId!)));
            // A financier of one funder records grants of that funder only.
            if (user.FunderScope() is { } scope)
            {
                if (command.FunderId is { } other && other != scope)
                    return Problems.Forbidden($"Deze financier legt alleen subsidies van '{scope}' vast, niet van '{Slug.Truncate(other)}'.");
                command = command with { FunderId = scope };
            }
            var outcome = await grains.GetGrain<IGrantsGrain>(id).CreateGrant(command, user.Actor(), key);
            return Answers.Created(outcome, $"/api/projects/{id}/grants/{command.Id}");
        }).ReadsBody<CreateGrantRequest>().WithSummary("Subsidie met trancheplan vastleggen");

        group.MapPut("/{grantId}/tranche-plan", async (string id, string grantId, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.Project(grains, id) is not { } project) return Problems.NotFound("Project", id);
            var user = http.User;
            var board = user.CanWriteCooperative(project.CooperativeId) && !user.IsAdmin();
            if (!(board || user.IsAdmin() || user.IsFinancier()))
                return Problems.Forbidden("Het trancheplan bijwerken kan het bestuur van de coöperatie, de financier of een beheerder.");
            // Whose plan it is, decided before the body is read (tester T16: the same plan answered 200 to the board, a change 403):
            // GrantRules.BoardMayReplan / FinancierMayReplan (docs/grants-and-tranches.md). An unknown grant is the grain's 404.
            if (await Kept(grains, id, grantId) is { } current)
            {
                if (user.IsFinancier() && !GrantRules.FinancierMayReplan(current.Grant, user.FunderScope()))
                    return Problems.Forbidden($"Over het trancheplan van subsidie '{grantId}' {WhoDecides(current.Grant.FunderId, user.FunderScope())}");
                if (board && !GrantRules.BoardMayReplan(current.Grant))
                    return Problems.Forbidden($"Het trancheplan van subsidie '{grantId}' is een besluit van financier '{current.Grant.FunderId}': "
                                              + "die (of een beheerder) past het aan. Vraag de financier om het nieuwe plan.");
            }
            var (body, problem) = await RequestBody.ReadAsync<TranchePlanRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            return Answers.From(await grains.GetGrain<IGrantsGrain>(id).Replan(grantId, command, user.Actor()));
        }).ReadsBody<TranchePlanRequest>().WithSummary("Trancheplan (bedragen en geplande data) bijwerken; aangevraagde tranches liggen vast");

        group.MapPost("/{grantId}/tranches/{number:int}/{action}", async (string id, string grantId, int number, string action, HttpContext http, IGrainFactory grains, IClock clock) =>
        {
            if (await Answers.Project(grains, id) is not { } project) return Problems.NotFound("Project", id);
            if (!Actions.TryGetValue(action, out var trancheAction)) return Problems.NotFound("Trancheactie", action);
            var user = http.User;
            var boardStep = trancheAction is TrancheAction.Request or TrancheAction.SubmitAccounting;
            if (boardStep && !user.CanWriteCooperative(project.CooperativeId))
                return Problems.Forbidden($"Aanvragen en verantwoorden doet het bestuur van '{project.CooperativeId}' (of een beheerder).");
            if (!boardStep && !(user.IsAdmin() || user.IsFinancier()))
                return Problems.Forbidden("Goedkeuren, afkeuren en uitbetalen doet de financier (of een beheerder).");
            if (!boardStep && user.FunderScope() is { } scope
                && await Kept(grains, id, grantId) is { } decided && decided.Grant.FunderId != scope)
                return Problems.Forbidden($"Over subsidie '{grantId}' {WhoDecides(decided.Grant.FunderId, scope)}");
            if (Answers.IdempotencyKey(http, out var key) is { } badKey) return badKey;
            var (body, problem) = await RequestBody.ReadAsync<TrancheStepRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(trancheAction, v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            var stepped = await grains.GetGrain<IGrantsGrain>(id).Step(grantId, number, command, user.Actor(), key);
            // The accounting's answer says at once when it claims more than was booked (tester T17).
            return Answers.From(stepped.Value is { } view ? Outcome<GrantView>.Ok((await Checked(grains, id, [view], clock))[0]) : stepped);
        }).ReadsBody<TrancheStepRequest>().WithSummary("Trancheslag: request, accounting, approve, reject of pay");
    }

    /// <summary>A grant as the state keeps it, without reading its steps (who decides on it is all these checks need).</summary>
    private static async Task<GrantView?> Kept(IGrainFactory grains, string projectId, string grantId) =>
        (await grains.GetGrain<IGrantsGrain>(projectId).Grants()).FirstOrDefault(v => v.Grant.Id == grantId);

    /// <summary>The grants with <see cref="GrantView.AccountingWarnings"/>: their accountings against the spending booked per month up to today.</summary>
    private static async Task<ImmutableArray<GrantView>> Checked(IGrainFactory grains, string projectId, ImmutableArray<GrantView> views, IClock clock)
    {
        if (!views.Any(v => v.Grant.Tranches.Any(t => t.Accounting is not null))) return views;
        var position = await grains.GetGrain<ICashFlowPlanGrain>(projectId).Position(AmsterdamTime.Today(clock).ToYearMonth());
        var booked = position.Months.Select(m => (m.Month, m.Spent)).ToList();
        return [.. views.Select(v => v with { AccountingWarnings = AccountingCheck.Warnings(v.Grant, booked) })];
    }

    /// <summary>
    /// Who decides on a grant, for a financier of another funder: its funder, or — a grant without a funder id — a
    /// financier token without a funder scope or an admin (tester A10: "de financier van 'alle financiers'" read oddly).
    /// </summary>
    private static string WhoDecides(string? funderId, string? scope) => funderId is { } funder
        ? $"beslist financier '{funder}', niet '{scope}'."
        : $"beslist een financier zonder eigen afbakening (rol financier) of een beheerder: de subsidie noemt geen financier (funderId), dus niet financier '{scope}'.";
}
