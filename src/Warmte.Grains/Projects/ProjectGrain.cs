using NodaTime;
using Orleans.Runtime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Gates;

namespace Warmte.Projects;

/// <summary>Thin shell around <see cref="ProjectRules"/>: load, apply, persist, answer.</summary>
public sealed class ProjectGrain(
    [PersistentState("project", StorageNames.Grains)] IPersistentState<RecordState<ProjectRecord>> state,
    IClock clock) : Grain, IProjectGrain
{
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

    public Task<ProjectView?> Get() =>
        Task.FromResult(state.State.Record is { } p ? ProjectView.Of(p, Rules, Today) : null);

    public Task<ProjectSummary?> GetSummary()
    {
        if (state.State.Record is not { } p) return Task.FromResult<ProjectSummary?>(null);
        var view = ProjectView.Of(p, Rules, Today);
        return Task.FromResult<ProjectSummary?>(new ProjectSummary
        {
            Id = p.Id, Name = p.Name, Phase = p.Phase, PhaseSince = p.PhaseSince, MonthsInPhase = view.MonthsInPhase,
            Woningequivalenten = p.Woningequivalenten, NextUnmetCondition = view.NextUnmetCondition,
            LastChangeAt = state.State.Audit.Count > 0 ? state.State.Audit[^1].At : p.CreatedAt,
        });
    }

    public Task<Outcome<ProjectView>> Update(UpdateProject command, string actor) =>
        Apply(actor, p => ProjectRules.Update(p, command));

    public Task<Outcome<ProjectView>> Transition(TransitionRequest request, string actor) =>
        Apply(actor, p => ProjectRules.Transition(p, request, Rules, Today, actor, clock.GetCurrentInstant()));

    public Task<Outcome<ProjectView>> RecordDeliverable(string key, RecordDeliverable command, string actor) =>
        Apply(actor, p => ProjectRules.RecordDeliverable(p, key, command, Today, actor, clock.GetCurrentInstant()));

    public Task<Outcome<ProjectView>> WithdrawDeliverable(string key, string actor) =>
        Apply(actor, p => ProjectRules.WithdrawDeliverable(p, key));

    public Task<Outcome<ProjectView>> SetMilestone(string key, SetMilestone command, string actor) =>
        Apply(actor, p => ProjectRules.SetMilestone(p, key, command, Today));

    public Task<Outcome<ProjectView>> RemoveMilestone(string key, string actor) =>
        Apply(actor, p => ProjectRules.RemoveMilestone(p, key));

    public Task<AuditPage?> GetAudit(int page, int pageSize) =>
        Task.FromResult(state.State.Record is null ? null : AuditTrail.Page(state.State.Audit, page, pageSize));

    private async Task<Outcome<ProjectView>> Apply(
        string actor, Func<ProjectRecord, Outcome<Change<ProjectRecord>>> rule, bool mustExist = true)
    {
        var current = state.State.Record;
        if (mustExist && current is null) return Refusal.NotFound("Project", Id);
        var refusal = await state.ApplyAsync(rule(current!), actor, clock.GetCurrentInstant(), DeactivateOnIdle);
        return refusal ?? Outcome<ProjectView>.Ok(ProjectView.Of(state.State.Record!, Rules, Today));
    }
}
