using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Members;

/// <summary>The member categories a heat cooperative distinguishes (domain: owner-occupiers, tenants, businesses).</summary>
public enum MemberCategory
{
    EigenaarBewoner,
    Huurder,
    Bedrijf,
    Overig,
}

/// <summary>
/// A Dutch address as the register keeps it, in BAG's parts: postcode "1051 AB", huisnummer, optional
/// huisletter (one letter) and optional huisnummertoevoeging. <see cref="Huisletter"/> was added later
/// (Id 3, JSON "huisletter"): records stored before have none and load and show as they were.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DutchAddress(
    [property: Id(0)] string Postcode,
    [property: Id(1)] int Huisnummer,
    [property: Id(2)] string? Toevoeging,
    [property: Id(3)] string? Huisletter = null)
{
    /// <summary>The house number in BAG/PDOK display: "14", "9A", "14-H", "14A-2".</summary>
    public string HouseNumberText => new HouseNumber(Huisnummer, Huisletter, Toevoeging).ToString();

    /// <summary>"1051 AB 14-H".</summary>
    public override string ToString() => $"{Postcode} {HouseNumberText}";
}

/// <summary>
/// One member of a cooperative. <see cref="EligibleToVote"/> is the statutes' restriction
/// (e.g. KetelhuisWG: paying members who live or work on the terrain); membership itself runs
/// from <see cref="JoinedOn"/> up to, not including, <see cref="LeftOn"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Member
{
    [Id(0)] public required string Number { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required MemberCategory Category { get; init; }
    [Id(3)] public required decimal Woningequivalenten { get; init; }
    /// <summary>Null only after erasure (AVG): a former member's address is removed, the number and counts stay.</summary>
    [Id(4)] public required DutchAddress? Address { get; init; }
    [Id(5)] public required LocalDate JoinedOn { get; init; }
    [Id(6)] public LocalDate? LeftOn { get; init; }
    [Id(7)] public required bool EligibleToVote { get; init; }
    /// <summary>
    /// The day the former member's name and address were erased (AVG; on request or after the
    /// cooperative's retention period). <see cref="Name"/> is then <see cref="MemberPrivacyRules.ErasedName"/>
    /// and <see cref="Address"/> null; number, category, woningequivalenten and dates stay for counts and votes.
    /// </summary>
    [Id(8)] public LocalDate? ErasedOn { get; init; }
    /// <summary>
    /// Optional e-mail address (added later, Id 9, JSON "email": members stored before have none and load
    /// unchanged). Personal data like name and address: only in the current row, erased with them.
    /// Used to mail the member's voting code (docs/members-and-decisions.md, "Online voting").
    /// </summary>
    [Id(9)] public string? Email { get; init; }
    /// <summary>
    /// Optional street name ("Wibautstraat"; added later, Id 10, JSON "street": members stored before have none). With
    /// <see cref="Town"/> it completes the postal address the printed voting-code letter needs (tester6 T8). Personal data like
    /// the rest of the address: only in the current row, erased with it.
    /// </summary>
    [Id(10)] public string? Street { get; init; }
    /// <summary>Optional town (woonplaats, "Amsterdam"; Id 11, JSON "town"). See <see cref="Street"/>.</summary>
    [Id(11)] public string? Town { get; init; }

    /// <summary>Whether a letter can be posted: postcode and house number (always, unless erased), street and town.</summary>
    /// <remarks>Derived, so not written: neither into the stored member rows nor into the register's answer, which keeps its fields.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasPostalAddress => IsPostalAddress(Address, Street, Town);

    /// <summary>The one rule for a postable address (the register and the voting-code letters use it): postcode and house
    /// number, street and town all known.</summary>
    public static bool IsPostalAddress(DutchAddress? home, string? street, string? town) =>
        home is not null && !string.IsNullOrEmpty(street) && !string.IsNullOrEmpty(town);

    public bool IsMemberOn(LocalDate date) => JoinedOn <= date && (LeftOn is not { } left || date < left);

    public bool MayVoteOn(LocalDate date) => EligibleToVote && IsMemberOn(date);
}

/// <summary>A member as a caller sends it (bulk import or one at a time); every field is checked by <see cref="MemberRules"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record MemberInput
{
    [Id(0)] public string? Number { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public string? Category { get; init; }
    /// <summary>Up to two decimals (a café may count 2.5); default 1.</summary>
    [Id(3)] public decimal? Woningequivalenten { get; init; }
    [Id(4)] public string? Postcode { get; init; }
    [Id(5)] public int? Huisnummer { get; init; }
    [Id(6)] public string? Toevoeging { get; init; }
    /// <summary>The BAG huisletter (one letter), e.g. the A of 9A.</summary>
    [Id(10)] public string? Huisletter { get; init; }
    [Id(7)] public LocalDate? JoinedOn { get; init; }
    [Id(8)] public LocalDate? LeftOn { get; init; }
    [Id(9)] public bool? EligibleToVote { get; init; }
    /// <summary>Optional: one e-mail address ("naam@voorbeeld.nl").</summary>
    [Id(11)] public string? Email { get; init; }
    /// <summary>Optional: the street name without house number ("Wibautstraat"). Not given: the stored one stays; empty text clears it.</summary>
    [Id(12)] public string? Street { get; init; }
    /// <summary>Optional: the town (woonplaats, "Amsterdam"). Not given: the stored one stays; empty text clears it.</summary>
    [Id(13)] public string? Town { get; init; }
}

/// <summary>What a bulk registration did: a re-registered member number updates, never duplicates.</summary>
[GenerateSerializer, Immutable]
public sealed record RegistrationResult(
    [property: Id(0)] int Created,
    [property: Id(1)] int Updated,
    [property: Id(2)] int Unchanged)
{
    /// <summary>With <see cref="RegisterOptions.SkipInvalid"/>: the problems of the members that were left out ("members[3].postcode").</summary>
    [Id(3)] public ImmutableArray<Common.FieldError> Skipped { get; init; } = [];

    /// <summary>
    /// Rows about members whose name and address were erased (AVG), left as they were ("members[3].number": "… gewist op
    /// 06-12-2026 (AVG) …"): an erased member is never filled again by a list or a PUT (review F1).
    /// </summary>
    [Id(4)] public ImmutableArray<Common.FieldError> Erased { get; init; } = [];

    /// <summary>True when nothing was stored: the caller asked only to check (<see cref="RegisterOptions.DryRun"/>).</summary>
    [Id(5)] public bool DryRun { get; init; }
}

/// <summary>How a bulk registration treats the list (API body fields <c>joinedOn</c> and <c>skipInvalid</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record RegisterOptions
{
    /// <summary>The join date of every member sent without one (a treasurer's list without that column).</summary>
    [Id(0)] public LocalDate? JoinedOn { get; init; }

    /// <summary>Register the good members and answer the problems of the others; default false: all or nothing.</summary>
    [Id(1)] public bool SkipInvalid { get; init; }

    /// <summary>Only check and count against the stored register (new, updated, unchanged, erased rows); store nothing.</summary>
    [Id(2)] public bool DryRun { get; init; }
}

/// <summary>
/// The register without personal data: what every role may see (counts and woningequivalenten
/// per category, members and eligible voters today).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MemberSummary
{
    [Id(0)] public required string CooperativeId { get; init; }
    [Id(1)] public required LocalDate On { get; init; }
    [Id(2)] public required int Members { get; init; }
    [Id(3)] public required int EligibleToVote { get; init; }
    [Id(4)] public required decimal Woningequivalenten { get; init; }
    [Id(5)] public required ImmutableArray<CategoryCount> ByCategory { get; init; }
    [Id(6)] public required int FormerMembers { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CategoryCount(
    [property: Id(0)] MemberCategory Category,
    [property: Id(1)] int Members,
    [property: Id(2)] decimal Woningequivalenten);

/// <summary>The stored member who joined first (lowest number among equal dates): a founding date may not lie after <see cref="JoinedOn"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record FirstJoined(
    [property: Id(0)] string Number,
    [property: Id(1)] LocalDate JoinedOn);

/// <summary>Who may vote on a date, with each voter's weight in woningequivalenten (for weighted statutes).</summary>
[GenerateSerializer, Immutable]
public sealed record Voter(
    [property: Id(0)] string Number,
    [property: Id(1)] decimal Woningequivalenten);

/// <summary>The answer to "may these members vote on this date": the voters found, and why the others may not.</summary>
[GenerateSerializer, Immutable]
public sealed record EligibilityCheck(
    [property: Id(0)] ImmutableArray<Voter> Voters,
    [property: Id(1)] ImmutableDictionary<string, string> Refused);

/// <summary>The size of the electorate on a date: eligible members and their total woningequivalenten.</summary>
[GenerateSerializer, Immutable]
public sealed record Electorate(
    [property: Id(0)] LocalDate On,
    [property: Id(1)] int Members,
    [property: Id(2)] decimal Woningequivalenten);
