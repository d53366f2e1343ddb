using System.Collections.Immutable;
using NodaTime;
using Warmte.Common;

namespace Warmte.Members;

/// <summary>
/// The member register of one cooperative (key: the cooperative's id). Personal data leaves this
/// grain only through <see cref="Members"/>; the API hands that to the cooperative's board and
/// admins, everyone else gets <see cref="Summary"/>.
/// </summary>
public interface IMemberRegisterGrain : IGrainWithStringKey
{
    /// <summary>Registers or updates members by member number, all or nothing.</summary>
    Task<Outcome<RegistrationResult>> Register(ImmutableArray<MemberInput?> members, string actor);

    /// <summary>
    /// Registers or updates members with options: a join date for members without one, and (only when
    /// asked) registering the good members and answering the problems of the others.
    /// </summary>
    Task<Outcome<RegistrationResult>> Register(ImmutableArray<MemberInput?> members, string actor, RegisterOptions options);

    Task<ImmutableArray<Member>> Members();

    Task<Member?> Member(string number);

    Task<MemberSummary> Summary();

    /// <summary>
    /// Stores the members-today row (warmte_member_count) for the register as it is, in a commit of its own: for a
    /// register whose row is missing or was not written by its last commit (the start-up pass after an upgrade).
    /// </summary>
    Task StoreCount();

    /// <summary>The stored member (also one who left) with the earliest join date; null for an empty register.</summary>
    Task<FirstJoined?> FirstJoined();

    Task<EligibilityCheck> Eligibility(ImmutableArray<string> numbers, LocalDate on);

    Task<Electorate> Electorate(LocalDate on);

    Task<Audit.AuditPage> GetAudit(int page, int pageSize);

    /// <summary>The cooperative's retention periods for personal data (AVG).</summary>
    Task<PrivacySettings> Privacy();

    Task<Outcome<PrivacySettings>> SetPrivacy(SetPrivacySettings command, string actor);

    /// <summary>Records that a member leaves (or left) on <paramref name="leftOn"/>: the register's <c>leftOn</c>, nothing else changes.</summary>
    Task<Outcome<Member>> Leave(string number, LocalDate leftOn, string actor);

    /// <summary>Withdraws a write-out (clears <c>leftOn</c>), audited; refused for an erased member. The only way a <c>leftOn</c> is cleared.</summary>
    Task<Outcome<Member>> Rejoin(string number, string actor);

    /// <summary>Erases a former member's name and address (AVG, on request); number, counts and votes stay valid.</summary>
    Task<Outcome<Member>> Erase(string number, string actor);

    /// <summary>Runs the retention pass now (the daily reminder runs it too): erases former members and consent answers past their period.</summary>
    Task<RetentionResult> ApplyRetention(string actor);

    /// <summary>What the register stores about one member: the entry and its facts (AVG access); null when unknown.</summary>
    Task<MemberRecordExport?> Export(string number);
}
