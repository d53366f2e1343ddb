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
}

public sealed class CashPlanState
{
    public CashPlanInfo? Plan { get; set; }
}

public sealed class CashPlanGrain(
    [PersistentState("cashplan", StorageNames.Grains)] IPersistentState<CashPlanState> state,
    IClock clock) : Grain, ICashPlanGrain
{
    public const int MaxPlanBytes = 512 * 1024;

    public async Task<Outcome<CashPlanInfo>> Save(string planJson, string actor)
    {
        if (string.IsNullOrWhiteSpace(planJson)) return Refusal.Invalid("plan", "is verplicht.");
        if (planJson.Length > MaxPlanBytes) return Refusal.Invalid("plan", $"is te groot (maximaal {MaxPlanBytes / 1024} kB).");
        var read = PlanReader.Read(planJson);
        if (!read.IsOk) return Refusal.Invalid(read.Refusal!.Errors.Select(e => e with { Field = "plan." + e.Field }));
        var previous = state.State.Plan;
        state.State.Plan = new CashPlanInfo(read.Value!.Name, actor, clock.GetCurrentInstant(), planJson);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Plan = previous;
            DeactivateOnIdle();
            throw;
        }
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

    public async Task<Outlook?> Outlook(YearMonth today) =>
        await Plan() is { } plan ? CashFlowSimulator.Simulate(plan, Regime.Tranches, today).Outlook : null;

    private async Task<CashFlowPlan?> Plan()
    {
        if (state.State.Plan is not { } info) return null;
        var plan = PlanReader.Read(info.PlanJson).Value!;
        var grants = await GrainFactory.GetGrain<IFundingGrain>(this.GetPrimaryKeyString()).Grants();
        return ObservedLeadTimes.From(grants) is { } observed ? plan with { LeadTimes = observed } : plan;
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
