using Warmte.Common;

namespace Warmte.TenantConsent;

/// <summary>The tenant consent of one project (key: the project's id), per complex.</summary>
public interface ITenantConsentGrain : IGrainWithStringKey
{
    /// <param name="withAddresses">Only for the cooperative's board and admins: the answers per address.</param>
    Task<ConsentStatus> Status(bool withAddresses);

    Task<Outcome<ConsentStatus>> SetComplex(string complexId, SetComplex command, string actor);

    Task<Outcome<ConsentStatus>> RemoveComplex(string complexId, string actor);

    Task<Outcome<ConsentStatus>> RecordDeclarations(string complexId, RecordDeclarations command, string actor);

    Task<Outcome<ConsentStatus>> SetApplicability(SetApplicability command, string actor);

    Task<Audit.AuditPage> GetAudit(int page, int pageSize);
}
