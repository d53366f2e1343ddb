using System.Collections.Immutable;
using NodaTime;
using Warmte.Common;

namespace Warmte.Members;

/// <summary>
/// A cooperative's retention periods for personal data (AVG storage limitation), kept in its member
/// register. Null: no automatic removal (the board erases on request only).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PrivacySettings
{
    /// <summary>Months after a member left (leftOn) until their name and address are erased automatically.</summary>
    [Id(0)] public int? FormerMemberRetentionMonths { get; init; }

    /// <summary>Months after a complex's consent gate was decided until its answers per address are removed; the counts remain.</summary>
    [Id(1)] public int? ConsentAnswerRetentionMonths { get; init; }
}

/// <summary>The body of PUT /cooperatives/{id}/privacy.</summary>
[GenerateSerializer, Immutable]
public sealed record SetPrivacySettings
{
    [Id(0)] public int? FormerMemberRetentionMonths { get; init; }
    [Id(1)] public int? ConsentAnswerRetentionMonths { get; init; }
}

/// <summary>What a retention pass or an erasure did.</summary>
[GenerateSerializer, Immutable]
public sealed record RetentionResult(
    [property: Id(0)] ImmutableArray<string> ErasedMembers,
    [property: Id(1)] int ConsentAnswersRemoved);

/// <summary>
/// Everything the register stores about one member, for that member (AVG access): the current
/// entry and the register's facts about them, oldest first. The API adds ALV and consent data.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MemberRecordExport(
    [property: Id(0)] Member Member,
    [property: Id(1)] ImmutableArray<MemberFactView> History);

/// <summary>One register fact about a member as the export shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record MemberFactView(
    [property: Id(0)] Instant At,
    [property: Id(1)] string? Actor,
    [property: Id(2)] MemberFact Fact);

/// <summary>
/// A register change as a journal fact (kind <c>member</c>, tag = member number). Never a name or an
/// address: those are personal data and live only in the member's current row, which erasure can
/// clear; the journal stays append-only (docs/storage.md, "Current rows and personal data").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MemberFact
{
    /// <summary>"created", "updated", "rejoined" (a write-out withdrawn) or "erased".</summary>
    [Id(0)] public required string Change { get; init; }
    [Id(1)] public required string Number { get; init; }
    [Id(2)] public MemberCategory Category { get; init; }
    [Id(3)] public decimal Woningequivalenten { get; init; }
    [Id(4)] public LocalDate JoinedOn { get; init; }
    [Id(5)] public LocalDate? LeftOn { get; init; }
    [Id(6)] public bool EligibleToVote { get; init; }
    /// <summary>The name changed (its value is not in the journal).</summary>
    [Id(7)] public bool NameChanged { get; init; }
    /// <summary>The address changed (its value is not in the journal).</summary>
    [Id(8)] public bool AddressChanged { get; init; }
    /// <summary>The e-mail address changed (its value is not in the journal).</summary>
    [Id(9)] public bool EmailChanged { get; init; }

    public static MemberFact Of(string change, Member member, Member? before) => new()
    {
        Change = change, Number = member.Number, Category = member.Category, Woningequivalenten = member.Woningequivalenten,
        JoinedOn = member.JoinedOn, LeftOn = member.LeftOn, EligibleToVote = member.EligibleToVote,
        NameChanged = before is not null && before.Name != member.Name,
        AddressChanged = before is not null && (before.Address != member.Address || before.Street != member.Street || before.Town != member.Town),
        EmailChanged = before is not null && before.Email != member.Email,
    };
}

/// <summary>Rules for members' privacy (AVG), pure: erasure of former members and retention periods.</summary>
public static class MemberPrivacyRules
{
    /// <summary>The name an erased member keeps: it says what happened, not who it was.</summary>
    public const string ErasedName = "(gewist)";

    /// <summary>Longest retention period one can set: 50 years.</summary>
    public const int MaxRetentionMonths = 600;

    public static Outcome<PrivacySettings> Set(SetPrivacySettings command)
    {
        var v = new Validation();
        Months(v, "formerMemberRetentionMonths", command.FormerMemberRetentionMonths);
        Months(v, "consentAnswerRetentionMonths", command.ConsentAnswerRetentionMonths);
        if (v.HasErrors) return v.ToRefusal();
        return Outcome<PrivacySettings>.Ok(new PrivacySettings
        {
            FormerMemberRetentionMonths = command.FormerMemberRetentionMonths,
            ConsentAnswerRetentionMonths = command.ConsentAnswerRetentionMonths,
        });
    }

    private static void Months(Validation v, string field, int? months)
    {
        if (months is { } m && m is < 0 or > MaxRetentionMonths)
            v.Add(field, $"moet tussen 0 en {MaxRetentionMonths} maanden liggen (of leeg: niet automatisch).");
    }

    /// <summary>
    /// The member with name, address and e-mail address erased. Only a former member (left on or before
    /// <paramref name="today"/>): a current member's data is needed for the register the law asks for.
    /// An already erased member is returned unchanged.
    /// </summary>
    public static Outcome<Member> Erase(Member? member, string number, LocalDate today, string cooperativeId = "<coöperatie>")
    {
        if (member is null) return Refusal.NotFound("Lid", number);
        if (member.ErasedOn is not null) return Outcome<Member>.Ok(member);
        if (member.LeftOn is not { } left || left > today)
            return Refusal.Conflict("member-not-former",
                $"Lid {member.Number} is nog lid{(member.LeftOn is { } l ? $" tot {DutchFormat.Date(l)}" : "")}; alleen gegevens van oud-leden worden gewist. "
                + $"Schrijf het lid eerst uit met: warmte member leave {cooperativeId} {member.Number} --on JJJJ-MM-DD (API: POST …/members/{member.Number}/leave met leftOn).");
        return Outcome<Member>.Ok(Erased(member, today));
    }

    public static Member Erased(Member member, LocalDate today) =>
        member with { Name = ErasedName, Address = null, Street = null, Town = null, Email = null, ErasedOn = today };

    /// <summary>
    /// Former members whose retention period has passed on <paramref name="today"/> and who are not erased yet, by number.
    /// Never throws, whatever dates are stored (review F7: a leftOn near 9999 from an older build made the pass overflow the
    /// calendar and stop for every member of the cooperative).
    /// </summary>
    public static ImmutableArray<Member> DueForErasure(IEnumerable<Member> register, int? months, LocalDate today) =>
        months is not { } m ? [] :
        [.. register.Where(x => x.ErasedOn is null && x.LeftOn is { } left && RetentionPassed(left, Math.Max(0, m), today))
            .OrderBy(x => x.Number, StringComparer.Ordinal)];

    /// <summary>
    /// What a retention pass that stopped half-way did and did not do, in Dutch (a later commit failed after earlier ones
    /// landed: "er is niets bewaard" would be false). <paramref name="erased"/>: the former members erased; <paramref name="cleared"/>:
    /// the projects whose consent answers were gone through, with how many answers went; <paramref name="pending"/>: the
    /// projects not gone through yet. The same run again does the rest (docs/operations.md, "A full disk").
    /// </summary>
    public static string PartlyApplied(IReadOnlyList<string> erased, IReadOnlyList<(string Project, int Removed)> cleared, IReadOnlyList<string> pending)
    {
        var done = new List<string>();
        if (erased.Count > 0)
            done.Add($"naam en adres van {erased.Count} {DutchFormat.Noun(erased.Count, "oud-lid", "oud-leden")} gewist ({Listed(erased, 10)})");
        var removed = cleared.Where(c => c.Removed > 0).ToList();
        if (removed.Count > 0)
            done.Add($"{removed.Sum(c => c.Removed)} {DutchFormat.Noun(removed.Sum(c => c.Removed), "antwoord", "antwoorden")} per adres van de "
                     + $"huurdersinstemming verwijderd ({Projects(removed.Select(c => c.Project).ToList())})");
        var notYet = pending.Count == 0 ? "" :
            $"; de antwoorden per adres van {Projects(pending)} zijn nog niet nagelopen";
        return $"De bewaartermijnen zijn maar deels toegepast: {(done.Count > 0 ? string.Join(" en ", done) : "niets gewist")}{notYet}.";
    }

    private static string Projects(IReadOnlyList<string> ids) =>
        $"{DutchFormat.Noun(ids.Count, "project", "projecten")} {Listed([.. ids.Select(p => $"'{p}'")], 10)}";

    /// <summary>"a, b en c"; more than <paramref name="max"/> as the first ones and "en nog n".</summary>
    private static string Listed(IReadOnlyList<string> items, int max)
    {
        if (items.Count > max) return $"{string.Join(", ", items.Take(max))} en nog {items.Count - max}";
        return items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} en {items[^1]}";
    }

    /// <summary>
    /// Whether <paramref name="left"/> plus <paramref name="months"/> (≥ 0) lies on or before <paramref name="today"/>, as
    /// <c>left.PlusMonths(months) &lt;= today</c> but without overflowing: a sum past the calendar's last month lies after any today.
    /// </summary>
    public static bool RetentionPassed(LocalDate left, int months, LocalDate today)
    {
        if (left > today) return false;
        var monthsToCalendarEnd = (LocalDate.MaxIsoValue.Year - (long)left.Year) * 12 + (12 - left.Month);
        return months <= monthsToCalendarEnd && left.PlusMonths(months) <= today;
    }
}
