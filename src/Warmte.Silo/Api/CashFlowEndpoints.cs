using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

public sealed record SaveCashFlowPlanRequest(JsonElement? Plan);

public sealed record BookSpendingRequest(string? Month, string? Kind, decimal? Amount, string? Note)
{
    public BookSpending ToCommand(Validation v) =>
        new() { Month = Months.Parse(Month, "month", v), Kind = Kind, Amount = Amount, Note = Note };
}

public sealed record CorrectSpendingRequest(decimal? Amount, string? Reason)
{
    public CorrectSpending ToCommand() => new() { Amount = Amount, Reason = Reason };
}

public sealed record ReportProgressRequest(string? Month, int? WorkMonthsDone, bool? Stalled)
{
    public ReportProgress ToCommand(Validation v) =>
        new() { Month = Months.Parse(Month, "month", v), WorkMonthsDone = WorkMonthsDone, Stalled = Stalled };
}

/// <summary>A month as JJJJ-MM in a request body.</summary>
internal static class Months
{
    public static YearMonth? Parse(string? text, string field, Validation v)
    {
        if (text is null) return null;
        var parsed = NodaTime.Text.YearMonthPattern.Iso.Parse(text.Trim());
        if (parsed.Success) return parsed.Value;
        v.Add(field, $"'{Slug.Truncate(text)}' is geen maand; gebruik JJJJ-MM, bijv. 2026-10.");
        return null;
    }
}

public sealed record MonthTotalRequest(string? Month, string? Kind, decimal? Amount, string? Note);

public sealed record SetMonthTotalsRequest(MonthTotalRequest?[]? Totals)
{
    public System.Collections.Immutable.ImmutableArray<MonthTotal?> ToCommand(Validation v) =>
        [.. (Totals ?? []).Select((t, i) => t is null ? null : new MonthTotal
        {
            Month = Month(v, $"totals[{i}].month", t.Month), Kind = t.Kind, Amount = t.Amount, Note = t.Note,
        })];

    private static YearMonth? Month(Validation v, string field, string? text)
    {
        if (text is null) return null;
        var parsed = NodaTime.Text.YearMonthPattern.Iso.Parse(text.Trim());
        if (parsed.Success) return parsed.Value;
        v.Add(field, $"'{Slug.Truncate(text)}' is geen maand; gebruik JJJJ-MM, bijv. 2026-10.");
        return null;
    }
}

/// <summary>
/// <c>GET …/spending</c>: the months answered (<c>from</c>, <c>to</c>; null when nothing is booked), the request that
/// answers the bookings before them (<c>earlier</c>) and after them (<c>later</c>), null when there are none, the
/// project's totals over every month, and one page of the months' bookings in the order they were made: <c>page</c>,
/// <c>pageSize</c>, <c>total</c> (the bookings of those months, every page; also the <c>X-Total-Count</c> header) and
/// <c>next</c>, the request for the next page of the same months (null on the last).
/// </summary>
public sealed record SpendingListAnswer(
    YearMonth? From, YearMonth? To, string? Earlier, string? Later, int TotalBookings, decimal TotalAmount,
    int Page, int PageSize, int Total, string? Next,
    System.Collections.Immutable.ImmutableArray<SpendingBooking> Items)
{
    public static SpendingListAnswer Of(string projectId, SpendingListing listing, string? asked) => new(
        listing.From, listing.To,
        listing.EarlierTo is { } to ? $"/api/projects/{projectId}/spending?to={SpendingLedger.Tag(to)}" : null,
        listing.LaterFrom is { } from ? $"/api/projects/{projectId}/spending?from={SpendingLedger.Tag(from)}" : null,
        listing.TotalBookings, listing.TotalAmount, listing.Page, listing.PageSize, listing.Total,
        listing.HasNextPage ? $"/api/projects/{projectId}/spending?{NextQuery(listing, asked)}" : null,
        listing.Items);

    /// <summary>
    /// The same months as from–to when they fit one request (so a month booked meanwhile does not move the pages), else the
    /// months as asked (a default range of 24 booked months may span more than 120 calendar months); then the next page.
    /// </summary>
    private static string NextQuery(SpendingListing listing, string? asked)
    {
        var months = listing.From is { } f && listing.To is { } t && SpendingRanges.MonthsFrom(f, t) <= SpendingRanges.MaxMonths
            ? $"from={SpendingLedger.Tag(f)}&to={SpendingLedger.Tag(t)}&"
            : string.IsNullOrEmpty(asked) ? "" : asked + "&";
        return $"{months}page={listing.Page + 1}&pageSize={listing.PageSize}";
    }
}

/// <summary>
/// A project's cash-flow plan and its simulation: the monthly cash line, stalls and today's
/// outlook under each financing regime, with the funder's lead times observed on this project.
/// </summary>
public static class CashFlowEndpoints
{
    public static void MapCashFlowEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/projects/{id}").WithTags("Kasstroom");

        group.MapPut("/cashflow-plan", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.Project(grains, id) is not { } project) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(project.CooperativeId))
                return Problems.Forbidden($"Alleen het bestuur van '{project.CooperativeId}' of een beheerder legt het kasstroomplan vast.");
            var (body, problem) = await RequestBody.ReadAsync<SaveCashFlowPlanRequest>(http.Request);
            if (problem is not null) return problem;
            if (body!.Plan is not { ValueKind: JsonValueKind.Object } plan) return Problems.Invalid("plan", "is verplicht: het plan als JSON-object.");
            var saved = await grains.GetGrain<ICashFlowPlanGrain>(id).Save(plan.GetRawText(), http.User.Actor());
            if (!saved.IsOk) return Problems.From(saved.Refusal!);
            // Saved, with what does not fit the project said (tester9a T4): warnings, not a refusal.
            var founded = await grains.GetGrain<ICooperativeGrain>(project.CooperativeId).FoundedOn();
            var grants = await grains.GetGrain<IGrantsGrain>(id).Grants();
            return Answers.Ok(Info(saved.Value!, read => PlanFit.Warnings(read, project.StartedOn, founded, grants)));
        }).ReadsBody<SaveCashFlowPlanRequest>().WithSummary("Kasstroomplan (ontwikkelbudget, werkplan, subsidie, doorlooptijden) vastleggen");

        group.MapGet("/cashflow-plan", async (string id, IGrainFactory grains) =>
            Slug.IsValid(id) && await grains.GetGrain<ICashFlowPlanGrain>(id).Get() is { } info
                ? Answers.Ok(new { name = info.Name, savedBy = info.SavedBy, savedAt = info.SavedAt, plan = JsonDocument.Parse(info.PlanJson).RootElement })
                : Problems.NotFound("Kasstroomplan van project", id)).WithSummary("Het vastgelegde kasstroomplan");

        group.MapGet("/cashflow", async (string id, string? regime, IGrainFactory grains, IClock clock) =>
        {
            if (!Slug.IsValid(id)) return Problems.NotFound("Project", id);
            if (ParseRegime(regime) is not { } chosen) return Problems.Invalid("regime", "kies Tranches, Milestones of Bridge.");
            return Answers.From(await grains.GetGrain<ICashFlowPlanGrain>(id).Simulate(chosen, ThisMonth(clock)));
        }).KnownQuery(["regime"]).WithSummary("Kaspositie per maand, windstiltes en de vooruitblik vanaf vandaag");

        group.MapPost("/spending", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            // Only the project's cooperative, for the access check: the whole project view (its phase's
            // gate facts from three other grains) was computed per booking and then thrown away.
            if (await Answers.ProjectCooperative(http, id) is not { } cooperative) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(cooperative))
                return Problems.Forbidden($"Uitgaven boekt het bestuur van '{cooperative}' (of een beheerder).");
            if (Answers.IdempotencyKey(http, out var key) is { } badKey) return badKey;
            var (body, problem) = await RequestBody.ReadAsync<BookSpendingRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            return Answers.Created(await grains.GetGrain<ICashFlowPlanGrain>(id).Book(command, http.User.Actor(), key), $"/api/projects/{id}/spending");
        }).ReadsBody<BookSpendingRequest>().WithSummary("Werkelijke uitgaven van een maand boeken (per soort werk)");

        group.MapPost("/spending/{bookingId}/correction", async (string id, string bookingId, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.ProjectCooperative(http, id) is not { } cooperative) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(cooperative))
                return Problems.Forbidden($"Uitgaven corrigeert het bestuur van '{cooperative}' (of een beheerder).");
            if (bookingId.Length > Slug.MaxLength) return Problems.NotFound("Boeking", Slug.Truncate(bookingId));
            if (Answers.IdempotencyKey(http, out var key) is { } badKey) return badKey;
            var (body, problem) = await RequestBody.ReadAsync<CorrectSpendingRequest>(http.Request);
            if (problem is not null) return problem;
            var plan = grains.GetGrain<ICashFlowPlanGrain>(id);
            var corrected = await plan.Correct(bookingId, body!.ToCommand(), http.User.Actor(), key);
            if (!corrected.IsOk) return Problems.From(corrected.Refusal!);
            // A month total imported from the budget no longer matches the month after this correction: the answer says so (tester T8.8).
            var notice = MonthTotalNotice.After(corrected.Value!, await plan.Bookings(corrected.Value!.Month));
            return Answers.Created(Outcome<SpendingCorrectionAnswer>.Ok(SpendingCorrectionAnswer.Of(corrected.Value!, notice)), $"/api/projects/{id}/spending");
        }).ReadsBody<CorrectSpendingRequest>().WithSummary("Een boeking corrigeren: een nieuwe boeking van het verschil, met reden (de oorspronkelijke blijft staan)");

        group.MapPut("/spending/totals", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.Project(grains, id) is not { } project) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(project.CooperativeId))
                return Problems.Forbidden($"Uitgaven boekt het bestuur van '{project.CooperativeId}' (of een beheerder).");
            // ?dryRun=true: the same rules on the same bookings, nothing stored (the budget import's check before it sends).
            var dryRun = http.Request.Query["dryRun"].ToString() switch { "" or "false" => (bool?)false, "true" => true, _ => null };
            if (dryRun is null) return Problems.Invalid("dryRun", "is true of false.");
            var (body, problem) = await RequestBody.ReadAsync<SetMonthTotalsRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            return Answers.From(await grains.GetGrain<ICashFlowPlanGrain>(id).SetTotals(command, http.User.Actor(), dryRun.Value));
        }).ReadsBody<SetMonthTotalsRequest>().WithSummary("Maandtotalen per soort werk vastleggen (spreadsheetimport): hetzelfde nog eens verandert niets, 0 haalt weg");

        group.MapGet("/spending", async (string id, string? month, string? from, string? to, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            // Never every booking of the project (issue 15): one month, a from–to range (at most 120 months), or without
            // either the most recent 24 months with bookings; read from the journal by month range. The answer says which
            // months it holds and where earlier and later bookings are, and is one page of those months' bookings
            // (tester8 T7: a busy year was one answer of 437 KB), as every other history read.
            var v = new Validation();
            var one = month is null ? null : Months.Parse(month, "month", v);
            var first = from is null ? null : Months.Parse(from, "from", v);
            var last = to is null ? null : Months.Parse(to, "to", v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (!await Answers.ProjectExists(grains, id)) return Problems.NotFound("Project", id);
            var listing = await grains.GetGrain<ICashFlowPlanGrain>(id).Spending(one, first, last, p, size);
            if (!listing.IsOk) return Problems.From(listing.Refusal!);
            http.Response.Headers["X-Total-Count"] = listing.Value!.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var asked = string.Join("&", new[] { ("month", one), ("from", first), ("to", last) }
                .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={SpendingLedger.Tag(q.Item2!.Value)}"));
            return Answers.Ok(SpendingListAnswer.Of(id, listing.Value!, asked));
        }).KnownQuery(["month", "from", "to", "page", "pageSize"]).WithSummary("Geboekte uitgaven van een reeks maanden (?month=JJJJ-MM, ?from=JJJJ-MM&to=JJJJ-MM, of de laatste 24 maanden met boekingen), per pagina (page, pageSize), met waar eerdere en latere staan");

        group.MapGet("/cash-position", async (string id, IGrainFactory grains, IClock clock) =>
        {
            if (!await Answers.ProjectExists(grains, id)) return Problems.NotFound("Project", id);
            var plan = grains.GetGrain<ICashFlowPlanGrain>(id);
            // hasPlan: whether …/cashflow, …/regimes and …/cash-timeline have a plan to answer with, so the cash page
            // asks them only then (no 404 in the browser console for a project without a plan; tester A10).
            var answer = JsonSerializer.SerializeToNode(await plan.Position(ThisMonth(clock)), Warmte.Serialization.WarmteJson.Default)!.AsObject();
            answer["hasPlan"] = await plan.Get() is not null;
            return Answers.Ok(answer);
        }).WithSummary("Werkelijke kaspositie per maand tot vandaag: betaalde tranches en geboekte uitgaven; hasPlan zegt of er een kasstroomplan is");

        group.MapPut("/progress", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.ProjectCooperative(http, id) is not { } cooperative) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(cooperative))
                return Problems.Forbidden($"De voortgang meldt het bestuur van '{cooperative}' (of een beheerder).");
            var (body, problem) = await RequestBody.ReadAsync<ReportProgressRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var command = body!.ToCommand(v);
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            return Answers.From(await grains.GetGrain<ICashFlowPlanGrain>(id).ReportProgress(command, http.User.Actor()));
        }).ReadsBody<ReportProgressRequest>().WithSummary("Voortgang melden: werkmaanden van het plan gedaan aan het eind van een maand (en of het werk stillag)");

        group.MapGet("/progress", async (string id, IGrainFactory grains) =>
            await Answers.ProjectExists(grains, id)
                ? Answers.Ok(await grains.GetGrain<ICashFlowPlanGrain>(id).ProgressReports())
                : Problems.NotFound("Project", id)).WithSummary("De voortgangsmeldingen van het bestuur");

        group.MapGet("/cash-timeline", async (string id, string? regime, IGrainFactory grains, IClock clock) =>
        {
            if (!await Answers.ProjectExists(grains, id)) return Problems.NotFound("Project", id);
            if (ParseRegime(regime) is not { } chosen) return Problems.Invalid("regime", "kies Tranches of Bridge.");
            return Answers.From(await grains.GetGrain<ICashFlowPlanGrain>(id).Timeline(chosen, ThisMonth(clock)));
        }).KnownQuery(["regime"], "het antwoord heeft altijd alle maanden, werkelijk en geprojecteerd (de samenvatting telt ze allemaal); "
                                  + "kies de rijen zelf, zoals warmte cash-timeline --from en --months doen")
            .WithSummary("Eén kaslijn: werkelijk tot vandaag, daarna geprojecteerd vanaf de werkelijke stand");

        group.MapGet("/regimes", async (string id, IGrainFactory grains, IClock clock) =>
            Slug.IsValid(id) && await grains.GetGrain<ICashFlowPlanGrain>(id).Compare(ThisMonth(clock)) is { } comparison
                ? Answers.Ok(comparison)
                : Problems.NotFound("Kasstroomplan van project", id)).WithSummary("Financieringsregimes naast elkaar");
    }

    /// <summary>The regime named in the query (default Tranches); null for a name that is not one (numbers too).</summary>
    private static Regime? ParseRegime(string? text) =>
        text is null ? Regime.Tranches
        : !text.Any(char.IsDigit) && Enum.TryParse(text, ignoreCase: true, out Regime chosen) && Enum.IsDefined(chosen) ? chosen
        : null;

    private static YearMonth ThisMonth(IClock clock) => AmsterdamTime.Today(clock).ToYearMonth();

    /// <summary>The saved plan's name and who saved it, with the money it still has to find beyond the grant (tester T10).</summary>
    private static object Info(CashFlowPlanInfo info, Func<CashFlowPlan, ImmutableArray<string>> warnings)
    {
        var plan = PlanReader.Read(info.PlanJson) is { IsOk: true } read ? read.Value : null;
        return new
        {
            name = info.Name, savedBy = info.SavedBy, savedAt = info.SavedAt,
            moneyToFind = plan?.MoneyToFind ?? 0m, moneyToFindNotes = plan?.MoneyToFindNotes ?? [],
            warnings = plan is null ? [] : warnings(plan),
        };
    }
}
