using System.Collections.Immutable;
using NodaTime;
using Orleans.Runtime;
using Warmte.Common;
using Warmte.Grants;

namespace Warmte.CashFlow;

/// <summary>A project's saved cash-flow plan: the file as sent, who saved it and when.</summary>
[GenerateSerializer, Immutable]
public sealed record CashPlanInfo(
    [property: Id(0)] string Name, [property: Id(1)] string SavedBy, [property: Id(2)] Instant SavedAt, [property: Id(3)] string PlanJson);

/// <summary>
/// The cash-flow plan of one project (key: the project's id) and its simulations. The funder's
/// lead times are taken from what actually happened on this project's grants as soon as one
/// tranche went from request to payment; until then the plan's own setting is used.
/// </summary>
public interface ICashPlanGrain : IGrainWithStringKey
{
    Task<Outcome<CashPlanInfo>> Save(string planJson, string actor);

    Task<CashPlanInfo?> Get();

    /// <summary>One regime from the plan's start, with the outlook taken at <paramref name="today"/>; null without a plan.</summary>
    Task<Outcome<CashFlowResult>> Simulate(Regime regime, YearMonth today);

    Task<RegimeComparison?> Compare(YearMonth today);

    /// <summary>Today's outlook under the current regime (tranches after accounting); null without a plan.</summary>
    Task<Outlook?> Outlook(YearMonth today);

    /// <summary>Books money actually spent; the same idempotency key books once.</summary>
    Task<Outcome<SpendingBooking>> Book(BookSpending command, string actor, string? idempotencyKey);

    Task<ImmutableArray<SpendingBooking>> Bookings();

    /// <summary>Sets month totals per kind of work (a spreadsheet import), all or nothing; the same totals again change nothing.</summary>
    Task<Outcome<MonthTotalsResult>> SetTotals(ImmutableArray<MonthTotal?> totals, string actor);

    /// <summary>The actual cash line up to <paramref name="today"/>: the plan's opening balance, tranches paid, spending booked.</summary>
    Task<ActualCashPosition> Position(YearMonth today);

    /// <summary>The board states how many work months are done by the end of a month (and whether the work stood still).</summary>
    Task<Outcome<ProgressReport>> ReportProgress(ReportProgress command, string actor);

    Task<ImmutableArray<ProgressReport>> ProgressReports();

    /// <summary>Actual up to <paramref name="today"/>, projected after it from the actual state; refused without a plan.</summary>
    Task<Outcome<CashTimeline>> Timeline(Regime regime, YearMonth today);
}

public sealed class CashPlanState
{
    public CashPlanInfo? Plan { get; set; }

    public List<SpendingBooking> Bookings { get; set; } = [];

    /// <summary>Idempotency keys of bookings (key → booking id), the last thousand.</summary>
    public List<KeyValuePair<string, string>> BookingKeys { get; set; } = [];

    /// <summary>The board's progress reports, one per month (a later report for a month replaces it).</summary>
    public List<ProgressReport> Progress { get; set; } = [];
}

public sealed class CashPlanGrain(
    [PersistentState("cashplan", StorageNames.Grains)] IPersistentState<CashPlanState> state,
    IClock clock) : Grain, ICashPlanGrain
{
    public const int MaxPlanBytes = 512 * 1024;

    // The stored plan parsed once, and the last outlook: portfolio, umbrella and alert reads ask
    // for the same outlook many times a day, and it only changes with the plan, the lead times or
    // the month.
    private (CashPlanInfo Info, CashFlowPlan Plan)? _parsed;
    private (CashFlowPlan Plan, YearMonth Today, Outlook Outlook)? _lastOutlook;

    public async Task<Outcome<CashPlanInfo>> Save(string planJson, string actor)
    {
        if (string.IsNullOrWhiteSpace(planJson)) return Refusal.Invalid("plan", "is verplicht.");
        if (planJson.Length > MaxPlanBytes) return Refusal.Invalid("plan", $"is te groot (maximaal {MaxPlanBytes / 1024} kB).");
        var read = PlanReader.Read(planJson);
        if (!read.IsOk) return Refusal.Invalid(read.Refusal!.Errors.Select(e => e with { Field = "plan." + e.Field }));
        state.State.Plan = new CashPlanInfo(read.Value!.Name, actor, clock.GetCurrentInstant(), planJson);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(this.GetPrimaryKeyString()).Evaluate();
        return Outcome<CashPlanInfo>.Ok(state.State.Plan);
    }

    public Task<CashPlanInfo?> Get() => Task.FromResult(state.State.Plan);

    public async Task<Outcome<CashFlowResult>> Simulate(Regime regime, YearMonth today)
    {
        if (await Plan() is not { } plan) return Refusal.NotFound("Kasstroomplan van project", this.GetPrimaryKeyString());
        if (!CashFlowSimulator.RegimesFor(plan).Contains(regime))
            return Refusal.Invalid("regime", "dit plan heeft geen overbruggingslening; kies Tranches of Milestones.");
        return Outcome<CashFlowResult>.Ok(CashFlowSimulator.Simulate(plan, regime, today));
    }

    public async Task<RegimeComparison?> Compare(YearMonth today) =>
        await Plan() is { } plan ? CashFlowSimulator.Compare(plan, today) : null;

    public async Task<Outlook?> Outlook(YearMonth today)
    {
        if (await PlanWithGrants() is not (var plan, var grants)) return null;
        // Once the board records actuals (spending or progress), the outlook is taken from where the
        // project really is; before that, the plan simulated from its start is all there is.
        if (state.State.Bookings.Count > 0 || state.State.Progress.Count > 0)
            return TimelineOf(plan, grants, Regime.Tranches, today).Outlook;
        if (_lastOutlook is { } last && last.Today == today && last.Plan == plan) return last.Outlook;
        var outlook = CashFlowSimulator.Simulate(plan, Regime.Tranches, today).Outlook;
        _lastOutlook = (plan, today, outlook);
        return outlook;
    }

    public async Task<Outcome<SpendingBooking>> Book(BookSpending command, string actor, string? idempotencyKey)
    {
        if (idempotencyKey is not null && state.State.BookingKeys.FirstOrDefault(k => k.Key == idempotencyKey) is { Value: { } seenId }
            && state.State.Bookings.FirstOrDefault(b => b.Id == seenId) is { } seen)
            return Same(seen, command) ? Outcome<SpendingBooking>.Ok(seen)
                : Refusal.Conflict("idempotency-key-reused", "Deze idempotency-sleutel is al gebruikt voor een andere boeking.");
        var today = AmsterdamTime.Today(clock);
        var outcome = ActualCash.Book(command, state.State.Bookings.Count, today.ToYearMonth(),
            "b-" + Guid.NewGuid().ToString("N")[..12], actor, clock.GetCurrentInstant());
        if (!outcome.IsOk) return outcome;
        state.State.Bookings.Add(outcome.Value!);
        if (idempotencyKey is not null)
        {
            state.State.BookingKeys.Add(new(idempotencyKey, outcome.Value!.Id));
            if (state.State.BookingKeys.Count > 1000) state.State.BookingKeys.RemoveAt(0);
        }
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(this.GetPrimaryKeyString()).Evaluate();
        return outcome;
    }

    public async Task<Outcome<MonthTotalsResult>> SetTotals(ImmutableArray<MonthTotal?> totals, string actor)
    {
        var outcome = ActualCash.SetTotals(state.State.Bookings, totals, AmsterdamTime.Today(clock).ToYearMonth(), actor, clock.GetCurrentInstant());
        if (!outcome.IsOk) return outcome.Refusal!;
        var (bookings, result) = outcome.Value;
        if (result.Created + result.Updated + result.Removed == 0) return Outcome<MonthTotalsResult>.Ok(result);
        state.State.Bookings = [.. bookings];
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(this.GetPrimaryKeyString()).Evaluate();
        return Outcome<MonthTotalsResult>.Ok(result);
    }

    public Task<ImmutableArray<SpendingBooking>> Bookings() => Task.FromResult(state.State.Bookings.ToImmutableArray());

    public async Task<ActualCashPosition> Position(YearMonth today)
    {
        var grants = await GrainFactory.GetGrain<IFundingGrain>(this.GetPrimaryKeyString()).Grants();
        return Actual(StoredPlan(), grants, today);
    }

    public async Task<Outcome<ProgressReport>> ReportProgress(ReportProgress command, string actor)
    {
        if (StoredPlan() is not { } plan)
            return Refusal.Invalid("plan", "dit project heeft nog geen kasstroomplan; de voortgang wordt in werkmaanden van dat plan gemeld.");
        var outcome = WorkProgress.Check(plan, state.State.Progress, command, AmsterdamTime.Today(clock).ToYearMonth(), actor, clock.GetCurrentInstant());
        if (!outcome.IsOk) return outcome;
        var report = outcome.Value!;
        if (state.State.Progress.FirstOrDefault(r => r.Month == report.Month) is { } same
            && same.WorkMonthsDone == report.WorkMonthsDone && same.Stalled == report.Stalled)
            return Outcome<ProgressReport>.Ok(same);
        state.State.Progress.RemoveAll(r => r.Month == report.Month);
        state.State.Progress.Add(report);
        state.State.Progress.Sort((a, b) => a.Month.CompareTo(b.Month));
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(this.GetPrimaryKeyString()).Evaluate();
        return outcome;
    }

    public Task<ImmutableArray<ProgressReport>> ProgressReports() => Task.FromResult(state.State.Progress.ToImmutableArray());

    public async Task<Outcome<CashTimeline>> Timeline(Regime regime, YearMonth today)
    {
        if (await PlanWithGrants() is not (var plan, var grants)) return Refusal.NotFound("Kasstroomplan van project", this.GetPrimaryKeyString());
        if (regime == Regime.Milestones || !CashFlowSimulator.RegimesFor(plan).Contains(regime))
            return Refusal.Invalid("regime", plan.BridgeLoan is null
                ? "vanaf de werkelijke stand rekent alleen Tranches (dit plan heeft geen overbruggingslening)."
                : "vanaf de werkelijke stand rekenen Tranches en Bridge; voorfinanciering per fase vergelijkt u met warmte regimes.");
        return Outcome<CashTimeline>.Ok(TimelineOf(plan, grants, regime, today));
    }

    private CashTimeline TimelineOf(CashFlowPlan plan, ImmutableArray<GrantView> grants, Regime regime, YearMonth today)
    {
        var actual = Actual(plan, grants, today);
        var tranches = grants.SelectMany(g => g.Grant.Tranches.OrderBy(t => t.Number)).ToList();
        return CashTimeline.Build(plan, regime, actual, tranches, WorkProgress.Latest(state.State.Progress, today));
    }

    private ActualCashPosition Actual(CashFlowPlan? plan, IEnumerable<GrantView> grants, YearMonth today)
    {
        var received = grants.SelectMany(g => g.Grant.Tranches)
            .Where(t => t.PaidAmount is not null && t.DateOf(TrancheStatus.Uitbetaald) is not null)
            .Select(t => (Month(t.DateOf(TrancheStatus.Uitbetaald)!.Value), t.PaidAmount!.Value));
        return ActualCash.Position(plan?.OpeningBalance ?? 0m, plan?.StartMonth, received, state.State.Bookings, today);
    }

    private static bool Same(SpendingBooking booked, BookSpending command) =>
        booked.Month == command.Month && booked.Amount == command.Amount
        && booked.Note == (string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim())
        && string.Equals(booked.Kind.ToString(), command.Kind?.Trim(), StringComparison.OrdinalIgnoreCase);

    private static YearMonth Month(LocalDate date) => new(date.Year, date.Month);

    private CashFlowPlan? StoredPlan()
    {
        if (state.State.Plan is not { } info) return null;
        if (_parsed is not { } parsed || !ReferenceEquals(parsed.Info, info))
            _parsed = parsed = (info, PlanReader.Read(info.PlanJson).Value!);
        return parsed.Plan;
    }

    private async Task<CashFlowPlan?> Plan() => await PlanWithGrants() is (var plan, _) ? plan : null;

    /// <summary>The stored plan with the lead times observed on the project's grants, and those grants (one call to the funding grain).</summary>
    private async Task<(CashFlowPlan Plan, ImmutableArray<GrantView> Grants)?> PlanWithGrants()
    {
        if (StoredPlan() is not { } plan) return null;
        var grants = await GrainFactory.GetGrain<IFundingGrain>(this.GetPrimaryKeyString()).Grants();
        return (ObservedLeadTimes.From(grants) is { } observed ? plan with { LeadTimes = observed } : plan, grants);
    }
}

/// <summary>Turns a project's real tranche history into the simulator's lead times (whole months, median).</summary>
public static class ObservedLeadTimes
{
    public static FunderLeadTimes? From(IEnumerable<GrantView> grants)
    {
        var observations = grants
            .SelectMany(g => g.Grant.Tranches)
            .Select(t => (Requested: t.DateOf(TrancheStatus.Aangevraagd), Approved: t.DateOf(TrancheStatus.Goedgekeurd), Paid: t.DateOf(TrancheStatus.Uitbetaald)))
            .Where(t => t.Requested is not null && t.Approved is not null && t.Paid is not null)
            .Select(t => new LeadTimeObservation(
                YearMonth(t.Requested!.Value), YearMonth(t.Approved!.Value), YearMonth(t.Paid!.Value)))
            .ToImmutableArray();
        return observations.IsEmpty ? null : FunderLeadTimes.FromObservations(observations);
    }

    private static YearMonth YearMonth(LocalDate date) => new(date.Year, date.Month);
}
