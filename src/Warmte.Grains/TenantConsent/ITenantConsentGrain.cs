using Warmte.Common;

namespace Warmte.TenantConsent;

/// <summary>The tenant consent of one project (key: the project's id), per complex.</summary>
public interface ITenantConsentGrain : IGrainWithStringKey
{
    /// <param name="withAddresses">Only for the cooperative's board and admins: the answers per address.</param>
    Task<ConsentStatus> Status(bool withAddresses);

    /// <summary>
    /// The consent as it stood on <paramref name="on"/>, by the answers' own dates (each address's latest answer dated on or
    /// before it; <see cref="ConsentAsOf"/>), without addresses: what a gate decision dated <paramref name="on"/> is judged by.
    /// </summary>
    Task<ConsentStatus> StatusAsOf(NodaTime.LocalDate on);

    Task<Outcome<ConsentStatus>> SetComplex(string complexId, SetComplex command, string actor);

    Task<Outcome<ConsentStatus>> RemoveComplex(string complexId, string actor);

    Task<Outcome<ConsentStatus>> RecordDeclarations(string complexId, RecordDeclarations command, string actor);

    Task<Outcome<ConsentStatus>> SetApplicability(SetApplicability command, string actor);

    Task<Audit.AuditPage> GetAudit(int page, int pageSize);

    /// <summary>A page of the answers per address of one complex (board and admins), in address order; null when the complex is unknown.</summary>
    Task<DeclarationPage?> DeclarationsPage(string complexId, int page, int pageSize);

    /// <summary>The stored answers at one address, in every complex (AVG access export).</summary>
    Task<System.Collections.Immutable.ImmutableArray<AddressAnswer>> AnswersAt(Members.DutchAddress address);

    /// <summary>Removes the answers per address of complexes decided at least <paramref name="months"/> months ago; the counts remain. Returns how many were removed.</summary>
    Task<int> ApplyRetention(int months, string actor);
}

/// <summary>A consent answer found at an address (AVG access export).</summary>
[GenerateSerializer, Immutable]
public sealed record AddressAnswer(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string ComplexId,
    [property: Id(2)] Declaration Declaration);
