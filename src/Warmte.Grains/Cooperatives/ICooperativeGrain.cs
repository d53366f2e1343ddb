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

    /// <summary>
    /// The ids of its projects (empty when it does not exist), without activating the projects. Interleaves: the member
    /// register asks it while this grain may be waiting on the register (a founding date checked against the members).
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<string[]> ProjectIds();

    /// <summary>
    /// The founding date (null when unknown or the cooperative does not exist), without asking the projects for their
    /// summaries as <see cref="Get"/> does (review3 F8: every member write built the whole view). Interleaves, as
    /// <see cref="ProjectIds"/>: <see cref="Update"/> waits on the member register, which asks this during a write.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<NodaTime.LocalDate?> FoundedOn();

    Task<Outcome<CooperativeView>> Update(UpdateCooperative command, string actor);

    /// <summary>Creates a project of this cooperative.</summary>
    Task<Outcome<ProjectView>> CreateProject(CreateProject command, string actor);

    /// <summary>Joins an existing umbrella (e.g. "apec").</summary>
    Task<Outcome<CooperativeView>> JoinUmbrella(string umbrellaId, string actor);

    Task<AuditPage?> GetAudit(int page, int pageSize);
}
