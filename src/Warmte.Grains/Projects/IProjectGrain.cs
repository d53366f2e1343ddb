using Warmte.Audit;
using Warmte.Common;
using Warmte.Cooperatives;

namespace Warmte.Projects;

/// <summary>A heat-network project; the key is its slug (e.g. "wg-terrein").</summary>
public interface IProjectGrain : IGrainWithStringKey
{
    /// <summary>Creates the project; called by its cooperative's grain, which links it.</summary>
    Task<Outcome<ProjectView>> Create(string cooperativeId, CreateProject command, string actor);

    /// <summary>The project as read today, or null when it does not exist.</summary>
    Task<ProjectView?> Get();

    Task<ProjectSummary?> GetSummary();

    /// <summary>The owning cooperative's id, or null when the project does not exist; asks no other grain.</summary>
    Task<string?> CooperativeId();

    Task<Outcome<ProjectView>> Update(UpdateProject command, string actor);

    Task<Outcome<ProjectView>> Transition(TransitionRequest request, string actor);

    Task<Outcome<ProjectView>> RecordDeliverable(string key, RecordDeliverable command, string actor);

    Task<Outcome<ProjectView>> WithdrawDeliverable(string key, string actor);

    Task<Outcome<ProjectView>> SetMilestone(string key, SetMilestone command, string actor);

    Task<Outcome<ProjectView>> RemoveMilestone(string key, string actor);

    Task<AuditPage?> GetAudit(int page, int pageSize);

    /// <summary>The Wet collectieve warmte check of the project as it stands; null when it does not exist.</summary>
    Task<Wcw.WcwAssessment?> Wcw();

    Task<Outcome<ProjectView>> SetWcwProfile(SetWcwProfile command, string actor);
}
