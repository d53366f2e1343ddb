using NodaTime;
using Warmte.Alv;
using Warmte.Audit;
using Warmte.BusinessCase.Versions;
using Warmte.Phases;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Gates;
using Warmte.TenantConsent;
using Warmte.Wcw;

namespace Warmte.Projects;

/// <summary>Thin shell around <see cref="ProjectRules"/>: load, apply, persist, answer.</summary>
public sealed class ProjectGrain(
    Journal.IJournalStore store, IClock clock) : Grain, IProjectGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "project";

    private Journal.JournaledState<RecordState<ProjectRecord>> state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<RecordState<ProjectRecord>>(store, JournalType, this.GetPrimaryKeyString());
        await state.LoadAsync();
    }

    private static readonly GateRules Rules = GateRules.Default;

    private string Id => this.GetPrimaryKeyString();

    private LocalDate Today => AmsterdamTime.Today(clock);

    public async Task<Outcome<ProjectView>> Create(string cooperativeId, CreateProject command, string actor)
    {
        if (state.State.Record is { } existing)
            return Refusal.Conflict("already-exists", $"Project '{Id}' bestaat al (coöperatie '{existing.CooperativeId}').");
        if (command.Id != Id)
            return Refusal.Invalid("id", $"'{command.Id}' hoort niet bij dit project ('{Id}').");
        return await Apply(actor, _ => ProjectRules.Create(cooperativeId, command, Today, clock.GetCurrentInstant()), mustExist: false);
    }

    public async Task<ProjectView?> Get() =>
        state.State.Record is { } p ? ProjectView.Of(p, Rules, Today, await Facts(p)) : null;

    public Task<string?> CooperativeId() => Task.FromResult(state.State.Record?.CooperativeId);

    /// <summary>
    /// The grains keyed by the project whose facts are changes to it (the journal counts their commits against its summary):
    /// its last change is the newest fact of any of them, so a grant, a booking, a progress report or a business-case
    /// version moves it as a phase or a deliverable does (tester7 T10: it stayed at the project's creation).
    /// </summary>
    public static readonly IReadOnlyList<string> ChangeSources =
    [
        JournalType, Grants.GrantsGrain.JournalType, CashFlow.CashFlowPlanGrain.JournalType,
        BusinessCase.Versions.BusinessCaseGrain.JournalType, TenantConsent.TenantConsentGrain.JournalType,
    ];

    public async Task<ProjectSummary?> GetSummary()
    {
        if (state.State.Record is not { } p) return null;
        var lastFact = store.LastEntryAtAsync(Id, [.. ChangeSources]);
        var view = ProjectView.Of(p, Rules, Today, await Facts(p));
        var own = state.State.LastChangeAt ?? p.CreatedAt;
        return new ProjectSummary
        {
            Id = p.Id, Name = p.Name, Phase = p.Phase, PhaseSince = p.PhaseSince, MonthsInPhase = view.MonthsInPhase,
            Woningequivalenten = p.Woningequivalenten, NextUnmetCondition = view.NextUnmetCondition,
            LastChangeAt = await lastFact is { } last && last > own ? last : own,
        };
    }

    /// <summary>
    /// The business case, the ALV's realisatiebesluit and tenant consent matter only at the gate into
    /// Realisatie; other phases skip the calls.
    /// </summary>
    private async Task<GateFacts?> Facts(ProjectRecord project, LocalDate? decidedOn = null)
    {
        if (PhaseMachine.Next(project.Phase) == Phase.Ontwikkeling)
        {
            // The first business case counts from the first saved version (tester T6): one read of the versions' first row.
            var cases = GrainFactory.GetGrain<IBusinessCaseGrain>(project.Id);
            if (await cases.Financing() is not { } latest) return GateFacts.None;
            return new GateFacts(Financing: latest, FirstBusinessCase: (await cases.ListPage(0, 1)).Versions.FirstOrDefault());
        }
        if (PhaseMachine.Next(project.Phase) != Phase.Realisatie) return null;
        var financing = GrainFactory.GetGrain<IBusinessCaseGrain>(project.Id).Financing();
        var alv = GrainFactory.GetGrain<IAlvGrain>(project.CooperativeId);
        // A gate decision is judged against the realisatiebesluit in force on its date (review2 F4): one call answers both.
        async Task<DecisionNowAndOn> Decisions() => decidedOn is { } d
            ? await alv.DecisionNowAndOn(project.Id, DecisionType.Realisatiebesluit, d)
            : new DecisionNowAndOn(await alv.DecisionFor(project.Id, DecisionType.Realisatiebesluit), null);
        var decisions = Decisions();
        var consent = GrainFactory.GetGrain<ITenantConsentGrain>(project.Id).Status(withAddresses: false);
        // Tenant consent likewise: the answers dated on or before the decision date (tester A16).
        async Task<ConsentStatus?> ConsentOn(LocalDate day) => await GrainFactory.GetGrain<ITenantConsentGrain>(project.Id).StatusAsOf(day);
        var consentOnDate = decidedOn is { } c ? ConsentOn(c) : Task.FromResult<ConsentStatus?>(null);
        var (now, onDate) = await decisions;
        return new GateFacts(await financing, now, await consent, onDate, decidedOn, await consentOnDate);
    }

    public Task<WcwAssessment?> Wcw() =>
        Task.FromResult(state.State.Record is { } p ? WcwCheck.Assess(p.PlannedConnections, p.Wcw) : null);

    public Task<Outcome<ProjectView>> SetWcwProfile(SetWcwProfile command, string actor) =>
        Apply(actor, p => ProjectRules.SetWcwProfile(p, command));

    public Task<Outcome<ProjectView>> Update(UpdateProject command, string actor) =>
        Apply(actor, p => ProjectRules.Update(p, command));

    public async Task<Outcome<ProjectView>> Transition(TransitionRequest request, string actor)
    {
        var facts = state.State.Record is { } current ? await Facts(current, request.DecidedOn) : null;
        return await Apply(actor, p => ProjectRules.Transition(p, request, Rules, Today, actor, clock.GetCurrentInstant(), facts));
    }

    public async Task<Outcome<ProjectView>> RecordDeliverable(string key, RecordDeliverable command, string actor)
    {
        var recorded = await Apply(actor, p => ProjectRules.RecordDeliverable(p, key, command, Today, actor, clock.GetCurrentInstant()));
        if (!recorded.IsOk) return recorded;
        // A mark the saved business case contradicts is recorded with a warning, not refused (tester T6).
        var latest = await GrainFactory.GetGrain<IBusinessCaseGrain>(Id).Financing();
        return BusinessCaseDeliverables.Contradiction(key, latest) is { } warning
            ? Outcome<ProjectView>.Ok(recorded.Value! with { Warnings = System.Collections.Immutable.ImmutableArray.Create(warning) })
            : recorded;
    }

    public Task<Outcome<ProjectView>> WithdrawDeliverable(string key, string actor) =>
        Apply(actor, p => ProjectRules.WithdrawDeliverable(p, key));

    public Task<Outcome<ProjectView>> SetMilestone(string key, SetMilestone command, string actor) =>
        Apply(actor, p => ProjectRules.SetMilestone(p, key, command, Today));

    public Task<Outcome<ProjectView>> RemoveMilestone(string key, string actor) =>
        Apply(actor, p => ProjectRules.RemoveMilestone(p, key));

    public async Task<AuditPage?> GetAudit(int page, int pageSize) =>
        state.State.Record is null ? null : await state.AuditPageAsync(page, pageSize);

    private async Task<Outcome<ProjectView>> Apply(
        string actor, Func<ProjectRecord, Outcome<Change<ProjectRecord>>> rule, bool mustExist = true)
    {
        var current = state.State.Record;
        if (mustExist && current is null) return Refusal.NotFound("Project", Id);
        var refusal = await state.ApplyAsync(rule(current!), actor, clock.GetCurrentInstant(), DeactivateOnIdle);
        if (refusal is not null) return refusal;
        await Alerts.ProjectChanged.Raise(GrainFactory, Id); // alerts and the wide views' summary follow every change
        return Outcome<ProjectView>.Ok((await Get())!);
    }
}
