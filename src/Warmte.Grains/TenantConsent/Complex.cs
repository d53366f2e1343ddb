using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;
using Warmte.Members;

namespace Warmte.TenantConsent;

public enum ConsentResponse
{
    Akkoord,
    Geweigerd,
}

/// <summary>One tenant household's answer, per address; a later answer from the same address replaces the earlier one.</summary>
[GenerateSerializer, Immutable]
public sealed record Declaration
{
    [Id(0)] public required DutchAddress Address { get; init; }
    [Id(1)] public required ConsentResponse Response { get; init; }
    [Id(2)] public required LocalDate On { get; init; }
    [Id(3)] public required string RecordedBy { get; init; }
    [Id(4)] public required Instant RecordedAt { get; init; }
}

/// <summary>A building complex (bouwkundige eenheid) of a housing corporation whose tenants must consent.</summary>
[GenerateSerializer, Immutable]
public sealed record Complex
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    /// <summary>The housing corporation, e.g. Stadgenoot.</summary>
    [Id(2)] public required string Corporation { get; init; }
    /// <summary>Rented homes in the complex: every tenant household counts, also those that never answer.</summary>
    [Id(3)] public required int RentedHomes { get; init; }
    [Id(4)] public required Share Threshold { get; init; }
    /// <summary>When the renovation proposal went to the tenants; the objection period runs from here.</summary>
    [Id(5)] public LocalDate? ProposalDate { get; init; }
    [Id(6)] public LocalDate? Deadline { get; init; }
    /// <summary>
    /// Only in snapshots of releases before the current rows: the answers per address. The upgrade
    /// moves them to current rows (<see cref="ConsentUpgrade"/>); new snapshots keep it empty.
    /// </summary>
    [Id(7)] public ImmutableArray<Declaration> Declarations { get; init; } = [];
    /// <summary>Addresses that answered Akkoord: the count the gate needs, kept when the answers themselves are removed.</summary>
    [Id(8)] public int Agreed { get; init; }
    [Id(9)] public int Refused { get; init; }
    /// <summary>The earliest answer date (forecast pace, proposal date check).</summary>
    [Id(10)] public LocalDate? FirstAnswerOn { get; init; }
    /// <summary>
    /// The day the service recorded the threshold met (the write that made it met); null while not met. The
    /// retention clock of the answers per address counts from it (<see cref="DecidedOn"/>), shown as
    /// <c>thresholdRecordedOn</c>. Not the legal date: that is <see cref="MetOn"/> (tester T2).
    /// </summary>
    [Id(11)] public LocalDate? ReachedOn { get; init; }
    /// <summary>The day the answers per address were removed after the retention period; only the counts remain.</summary>
    [Id(12)] public LocalDate? AnswersRemovedOn { get; init; }
    /// <summary>
    /// The threshold <see cref="ReachedOn"/> was judged by; null in complexes stored before it was kept (then the
    /// stored <see cref="Threshold"/>, what was judged then). A date met under another threshold (2/3 stored
    /// before the law's 70% was enforced) is not carried over (review2 F6).
    /// </summary>
    [Id(13)] public Share? ReachedUnder { get; init; }
    /// <summary>
    /// The date of the answer that met the threshold judged now: the day from which the answers' own dates have met it
    /// without interruption (<see cref="ConsentAsOf.MetSince"/>), the same day the gate's evidence names ("gehaald op").
    /// Set on every write from the complex's history (tester T2); null while not met, and in complexes stored before it
    /// was kept (then the view derives it from the history on reading).
    /// </summary>
    [Id(14)] public LocalDate? MetOn { get; init; }
    /// <summary>The date of the latest answer that withdrew an agreement (Akkoord replaced by Geweigerd); null when none is known (tester T8.3).</summary>
    [Id(15)] public LocalDate? LastWithdrawalOn { get; init; }
    /// <summary>
    /// The day the service recorded the complex as not meeting its threshold: the write that made it unmet (its creation,
    /// a withdrawn answer, more homes). Null while met, and when not known (a complex stored before it was kept, tester T9).
    /// A gate-evidence alert on a fallen complex dates from it (<see cref="Alerts.GateEvidence"/>).
    /// </summary>
    [Id(16)] public LocalDate? UnmetSince { get; init; }

    public int Answers => Agreed + Refused;

    /// <summary>When the gate was decided: the day the threshold was met, or else the deadline once it has passed.</summary>
    public LocalDate? DecidedOn(LocalDate today) => ReachedOn ?? (Deadline is { } d && d < today ? d : null);
}

/// <summary>A project's tenant consent: its complexes, or a statement that it connects no rented homes.</summary>
[GenerateSerializer, Immutable]
public sealed record ConsentRecord
{
    [Id(0)] public ImmutableArray<Complex> Complexes { get; init; } = [];
    /// <summary>Set when the project connects no rented homes, with the reason; then no consent is needed.</summary>
    [Id(1)] public string? NotApplicableReason { get; init; }

    public static readonly ConsentRecord Empty = new();
}

// ---- commands ----

[GenerateSerializer, Immutable]
public sealed record SetComplex
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string? Corporation { get; init; }
    [Id(2)] public int? RentedHomes { get; init; }
    /// <summary>"70%" or "7/10"; default 70%, or every tenant below ten homes.</summary>
    [Id(3)] public string? Threshold { get; init; }
    [Id(4)] public LocalDate? ProposalDate { get; init; }
    [Id(5)] public LocalDate? Deadline { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record DeclarationInput
{
    [Id(0)] public string? Postcode { get; init; }
    [Id(1)] public int? Huisnummer { get; init; }
    [Id(2)] public string? Toevoeging { get; init; }
    [Id(3)] public string? Response { get; init; }
    [Id(4)] public LocalDate? On { get; init; }
    /// <summary>The BAG huisletter (one letter), e.g. the A of 9A.</summary>
    [Id(5)] public string? Huisletter { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record RecordDeclarations
{
    [Id(0)] public ImmutableArray<DeclarationInput?>? Declarations { get; init; }

    /// <summary>
    /// True: record the good answers and list the problems of the others under <see cref="ConsentStatus.Skipped"/>
    /// ("declarations[3].on"); default: all or nothing. A call that is wrong as a whole is still refused.
    /// </summary>
    [Id(1)] public bool? SkipInvalid { get; init; }

    /// <summary>True: check only, with the same rules and the same stored answers; the answer is the status as it would be, nothing is stored.</summary>
    [Id(2)] public bool? DryRun { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record SetApplicability
{
    /// <summary>True: the project connects no rented homes (give the reason); false: consent is needed again.</summary>
    [Id(0)] public bool? NotApplicable { get; init; }
    [Id(1)] public string? Reason { get; init; }
}

// ---- views ----

/// <summary>When, at the pace so far, the threshold will be reached.</summary>
[GenerateSerializer, Immutable]
public sealed record ConsentForecast
{
    /// <summary>Agreements per week since the proposal (or the first answer), two decimals.</summary>
    [Id(0)] public required decimal AgreementsPerWeek { get; init; }
    /// <summary>The date the threshold is reached at that pace; null without pace or when out of reach.</summary>
    [Id(1)] public LocalDate? ExpectedOn { get; init; }
    /// <summary>Null without a deadline or an expected date.</summary>
    [Id(2)] public bool? BeforeDeadline { get; init; }
    [Id(3)] public required string Explanation { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record ComplexStatus
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Corporation { get; init; }
    [Id(3)] public required int RentedHomes { get; init; }
    [Id(4)] public required int Agreed { get; init; }
    [Id(5)] public required int Refused { get; init; }
    /// <summary>Households that have not answered; they count as not agreeing.</summary>
    [Id(6)] public required int NoResponse { get; init; }
    [Id(7)] public required Share Threshold { get; init; }
    /// <summary>The smallest number of agreements that meets the threshold.</summary>
    [Id(8)] public required int Required { get; init; }
    [Id(9)] public required bool Reached { get; init; }
    /// <summary>Agreed as a percentage of all rented homes, two decimals (for reading; the verdict is exact).</summary>
    [Id(10)] public required decimal AgreedPercent { get; init; }
    [Id(11)] public LocalDate? ProposalDate { get; init; }
    [Id(12)] public LocalDate? ObjectionPeriodEnds { get; init; }
    [Id(13)] public LocalDate? Deadline { get; init; }
    [Id(14)] public required ConsentForecast Forecast { get; init; }
    /// <summary>Only for the cooperative's board and admins: the answers per address.</summary>
    [Id(15)] public ImmutableArray<Declaration>? Declarations { get; init; }
    [Id(16)] public LocalDate? ReachedOn { get; init; }
    /// <summary>Set when the answers per address were removed after the retention period: then only the counts remain.</summary>
    [Id(17)] public LocalDate? AnswersRemovedOn { get; init; }
    /// <summary>
    /// Why the complex is judged otherwise than one might expect: fewer than ten homes (every tenant must
    /// agree) or a stored threshold below the law's 70% (judged at 70%). Null otherwise.
    /// </summary>
    [Id(18)] public string? Note { get; init; }
    /// <summary>
    /// Set when the complex meets its threshold but <see cref="ReachedOn"/> is not the stored day: derived from the
    /// answers' dates, or unknown (null) because an older build judged it under another threshold (review3 F6).
    /// </summary>
    [Id(19)] public string? ReachedOnNote { get; init; }
    /// <summary>
    /// The day the service recorded the threshold met (the write that made it met), which can be later than
    /// <see cref="ReachedOn"/> when answers are typed in late; the retention of the answers per address counts from it.
    /// Null while not met or when not known.
    /// </summary>
    [Id(20)] public LocalDate? ThresholdRecordedOn { get; init; }
    /// <summary>The date of the latest answer that withdrew an agreement; null when none is known. Compared with <see cref="ObjectionPeriodEnds"/> by the gate-evidence alert.</summary>
    [Id(21)] public LocalDate? LastWithdrawalOn { get; init; }
    /// <summary>The day the service recorded the complex as not meeting its threshold (<see cref="Complex.UnmetSince"/>); null while met or not known.</summary>
    [Id(22)] public LocalDate? UnmetSince { get; init; }
}

/// <summary>A page of the answers per address of one complex (GET .../complexes/{complexId}/declarations).</summary>
[GenerateSerializer, Immutable]
public sealed record DeclarationPage(
    [property: Id(0)] int Page,
    [property: Id(1)] int PageSize,
    [property: Id(2)] int Total,
    [property: Id(3)] ImmutableArray<Declaration> Entries);

/// <summary>
/// An answer as a journal fact (kind <c>declaration</c>, tag = the complex): what was answered and
/// when, never the address (personal data lives only in the answer's current row; docs/storage.md).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeclarationFact(
    [property: Id(0)] ConsentResponse Response,
    [property: Id(1)] LocalDate On,
    [property: Id(2)] ConsentResponse? Replaced);

[GenerateSerializer, Immutable]
public sealed record ConsentStatus
{
    [Id(0)] public required string ProjectId { get; init; }
    [Id(1)] public required LocalDate On { get; init; }
    [Id(2)] public required ImmutableArray<ComplexStatus> Complexes { get; init; }
    [Id(3)] public string? NotApplicableReason { get; init; }
    /// <summary>Consent is in place: not applicable, or reached in every complex (and there is at least one).</summary>
    [Id(4)] public required bool AllReached { get; init; }
    [Id(5)] public required int RentedHomes { get; init; }
    [Id(6)] public required int Agreed { get; init; }
    [Id(7)] public required decimal AgreedPercent { get; init; }

    /// <summary>
    /// Only in the answer to recording answers with <see cref="RecordDeclarations.SkipInvalid"/>: the problems of
    /// the answers that were left out, each on its item ("declarations[3].on"); empty when none were.
    /// </summary>
    [Id(8)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<Common.FieldError>? Skipped { get; init; }

    /// <summary>Only in the answer to a <see cref="RecordDeclarations.DryRun"/>: true, and nothing was stored (the counts are as they would be).</summary>
    [Id(9)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? DryRun { get; init; }

    /// <summary>
    /// Only in the answer to recording answers: the answers of the call that a later answer of the same address
    /// replaced, each as {index, by} (declarations[index] replaced by declarations[by]); not recorded.
    /// </summary>
    [Id(10)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<SupersededAnswer>? Superseded { get; init; }

    /// <summary>The same status without per-address answers (personal data).</summary>
    public ConsentStatus WithoutAddresses() =>
        this with { Complexes = [.. Complexes.Select(c => c with { Declarations = null })] };
}
