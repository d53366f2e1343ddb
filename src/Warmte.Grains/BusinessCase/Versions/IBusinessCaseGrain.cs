using System.Collections.Immutable;
using Warmte.Common;

namespace Warmte.BusinessCase.Versions;

/// <summary>The business-case versions of one project; the key is the project's id.</summary>
public interface IBusinessCaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// Saves a new version (validated and evaluated as a whole), numbered 1, 2, 3…; once per
    /// <paramref name="idempotencyKey"/> (a retry answers the version the first try saved).
    /// </summary>
    Task<Outcome<BusinessCaseVersionInfo>> Save(string modelJson, string? note, string actor, string? idempotencyKey = null);

    /// <summary>Every version without its model text, oldest first (at most <see cref="BusinessCaseRules.MaxVersions"/>).</summary>
    Task<ImmutableArray<BusinessCaseVersionInfo>> List();

    /// <summary>A page of the versions, oldest first, read from the journal, with the total number saved.</summary>
    Task<BusinessCaseVersionPage> ListPage(int skip, int take);

    /// <summary>A version with its model text; null when there is no such version.</summary>
    Task<BusinessCaseVersion?> Get(int version);

    /// <summary>The latest version's financing verdict; null when no version was saved.</summary>
    Task<FinancingStatus?> Financing();
}
