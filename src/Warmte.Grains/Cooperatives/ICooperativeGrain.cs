using Warmte.Audit;
using Warmte.Common;
using Warmte.Projects;

namespace Warmte.Cooperatives;

/// <summary>A cooperative; the key is its slug (e.g. "ketelhuiswg").</summary>
public interface ICooperativeGrain : IGrainWithStringKey
{
    /// <summary>Creates the cooperative, registers it in the directory and joins the named umbrellas.</summary>
    Task<Outcome<CooperativeView>> Create(CreateCooperative command, string actor);

    /// <summary>The cooperative with a line per project, or null when it does not exist.</summary>
    Task<CooperativeView?> Get();

    /// <summary>Whether the cooperative exists, without asking its projects for their summaries.</summary>
    Task<bool> Exists();

    /// <summary>The ids of its projects (empty when it does not exist), without activating the projects.</summary>
    Task<string[]> ProjectIds();

    Task<Outcome<CooperativeView>> Update(UpdateCooperative command, string actor);

    /// <summary>Creates a project of this cooperative.</summary>
    Task<Outcome<ProjectView>> CreateProject(CreateProject command, string actor);

    /// <summary>Joins an existing umbrella (e.g. "apec").</summary>
    Task<Outcome<CooperativeView>> JoinUmbrella(string umbrellaId, string actor);

    Task<AuditPage?> GetAudit(int page, int pageSize);
}
