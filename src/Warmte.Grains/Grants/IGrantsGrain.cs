using System.Collections.Immutable;
using Warmte.Audit;
using Warmte.Common;

namespace Warmte.Grants;

/// <summary>
/// The grants of one project and their tranches; the key is the project's id. Every command may
/// carry an idempotency key: the same key with the same command has one effect, however often it
/// is sent; the same key with a different command is refused.
/// </summary>
public interface IGrantsGrain : IGrainWithStringKey
{
    Task<ImmutableArray<GrantView>> Grants();

    /// <summary>One grant with each tranche's steps read from the journal (the most recent <see cref="GrantsGrain.StepsInGrantRead"/> per tranche).</summary>
    Task<GrantView?> Grant(string grantId);

    /// <summary>A page of one tranche's steps, oldest first; null when the grant or the tranche is unknown.</summary>
    Task<TrancheStepPage?> Steps(string grantId, int tranche, int page, int pageSize);

    Task<Outcome<GrantView>> CreateGrant(CreateGrant command, string actor, string? idempotencyKey);

    Task<Outcome<GrantView>> Step(string grantId, int tranche, TrancheCommand command, string actor, string? idempotencyKey);

    /// <summary>A new tranche plan (see <see cref="GrantRules.Replan"/>); the same plan again changes nothing.</summary>
    Task<Outcome<GrantView>> Replan(string grantId, ImmutableArray<PlannedTranche?> tranches, string actor);

    Task<AuditPage> GetAudit(int page, int pageSize);
}
