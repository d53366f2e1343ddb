using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Grants;

/// <summary>
/// Where a tranche stands. The Dutch names are the ones the cooperatives and funders use; the
/// order is the order of the steps (a rejected accounting goes back to be resubmitted).
/// </summary>
public enum TrancheStatus
{
    Gepland,
    Aangevraagd,
    VerantwoordingIngediend,
    Goedgekeurd,
    Afgekeurd,
    Uitbetaald,
}

/// <summary>The accounting (verantwoording) submitted with a tranche: what was spent in which period, and where the documents are.</summary>
[GenerateSerializer, Immutable]
public sealed record Accounting
{
    [Id(0)] public required decimal AmountSpent { get; init; }
    [Id(1)] public required LocalDate PeriodFrom { get; init; }
    [Id(2)] public required LocalDate PeriodTo { get; init; }
    /// <summary>
    /// The document references sent with it. Kept in the accounting step's journal row, not in the grants state (issue 15):
    /// null in the state and in the grants list; the grant's own read fills it from that row.
    /// </summary>
    [Id(3)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<string>? Documents { get; init; }
}

/// <summary>One step in a tranche's life: what happened, on which date, who entered it and when.</summary>
[GenerateSerializer, Immutable]
public sealed record TrancheStep
{
    [Id(0)] public required TrancheStatus To { get; init; }
    [Id(1)] public required LocalDate On { get; init; }
    [Id(2)] public required string Actor { get; init; }
    [Id(3)] public required Instant RecordedAt { get; init; }
    [Id(4)] public string? Detail { get; init; }
    /// <summary>The accounting submitted with this step (an accounting step only), with its documents.</summary>
    [Id(5)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Accounting? Accounting { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record Tranche
{
    [Id(0)] public required int Number { get; init; }
    [Id(1)] public required decimal PlannedAmount { get; init; }
    [Id(2)] public LocalDate? PlannedOn { get; init; }
    [Id(3)] public required TrancheStatus Status { get; init; }
    [Id(4)] public Accounting? Accounting { get; init; }
    [Id(5)] public string? RejectionReason { get; init; }
    [Id(6)] public decimal? PaidAmount { get; init; }
    /// <summary>
    /// Every step, oldest first — only where the journal was read for them: the grant's own read (the most recent
    /// <see cref="GrantsGrain.StepsInGrantRead"/> per tranche). The grants state keeps no steps (issue 15: 300 rejected
    /// accountings made it 99 KB, rewritten per step); each step is a journal row (kind <c>tranche-step</c>, tag
    /// <c>grant/number</c>). Null in the state and in the grants list. Snapshots and summary rows written before
    /// carry them here, and <see cref="DateOf"/> still reads them until the upgrade moves them (<see cref="GrantsUpgrade"/>).
    /// </summary>
    [Id(7)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<TrancheStep>? Steps { get; init; }

    // The date of the latest step to each status: all that the rules, lead times, forecast, alerts and exports read of
    // the steps. Bounded (five dates), so the state does not grow with the number of steps.
    [Id(8)] public LocalDate? RequestedOn { get; init; }
    [Id(9)] public LocalDate? AccountedOn { get; init; }
    [Id(10)] public LocalDate? ApprovedOn { get; init; }
    [Id(11)] public LocalDate? RejectedOn { get; init; }
    [Id(12)] public LocalDate? PaidOn { get; init; }
    /// <summary>How many steps the tranche has had (its journal rows).</summary>
    [Id(13)] public int StepCount { get; init; }

    /// <summary>
    /// Approved without an accounting: paid (or to be paid) as an advance on the grant decision (<see cref="Grant.FirstTrancheAdvance"/>).
    /// Its request-to-approval time is the funder's look at a request, not its review of an accounting, so the lead times
    /// that forecast the next accounting's review leave it out.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore] // derived from the kept dates: neither state nor answer
    public bool ApprovedAsAdvance =>
        DateOf(TrancheStatus.Goedgekeurd) is not null && DateOf(TrancheStatus.VerantwoordingIngediend) is null && Accounting is null;

    /// <summary>
    /// The date of the latest step; later steps may not be dated before it. Step dates never run backwards within a
    /// tranche, so it is the latest of the kept dates.
    /// </summary>
    public LocalDate? LastStepOn =>
        new[] { RequestedOn, AccountedOn, ApprovedOn, RejectedOn, PaidOn }.Max() ?? (Steps is { IsDefaultOrEmpty: false } s ? s[^1].On : null);

    /// <summary>The date of the latest step to <paramref name="status"/> (null: never).</summary>
    public LocalDate? DateOf(TrancheStatus status) =>
        Kept(status) ?? Steps?.LastOrDefault(s => s.To == status)?.On;

    private LocalDate? Kept(TrancheStatus status) => status switch
    {
        TrancheStatus.Aangevraagd => RequestedOn,
        TrancheStatus.VerantwoordingIngediend => AccountedOn,
        TrancheStatus.Goedgekeurd => ApprovedOn,
        TrancheStatus.Afgekeurd => RejectedOn,
        TrancheStatus.Uitbetaald => PaidOn,
        _ => null,
    };

    /// <summary>This tranche after one more step to <paramref name="to"/> on <paramref name="on"/>: that status's date and the count.</summary>
    public Tranche After(TrancheStatus to, LocalDate on) => (to switch
    {
        TrancheStatus.Aangevraagd => this with { RequestedOn = on },
        TrancheStatus.VerantwoordingIngediend => this with { AccountedOn = on },
        TrancheStatus.Goedgekeurd => this with { ApprovedOn = on },
        TrancheStatus.Afgekeurd => this with { RejectedOn = on },
        TrancheStatus.Uitbetaald => this with { PaidOn = on },
        _ => this,
    }) with { StepCount = StepCount + 1 };

    /// <summary>
    /// The tranche as the state keeps it: the dates and the count folded from steps it still carries (a snapshot or a
    /// summary row written before the steps moved to the journal), no steps, and the accounting without its documents.
    /// </summary>
    public Tranche Kept()
    {
        var kept = this;
        if (Steps is { IsDefaultOrEmpty: false } steps && StepCount == 0)
            kept = steps.Aggregate(this with { Steps = null }, (t, step) => t.After(step.To, step.On));
        return kept with { Steps = null, Accounting = Accounting is null ? null : Accounting with { Documents = null } };
    }
}

/// <summary>
/// A grant (subsidie or voorfinanciering) to a project, with its tranche plan. The key within the
/// project is a slug such as "paw".
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Grant
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string ProjectId { get; init; }
    [Id(2)] public required string Funder { get; init; }
    [Id(3)] public required string Scheme { get; init; }
    [Id(4)] public required decimal AmountGranted { get; init; }
    [Id(5)] public required LocalDate DecidedOn { get; init; }
    [Id(6)] public string? Conditions { get; init; }
    /// <summary>Must be earned back in operation (a pre-financing rather than a gift).</summary>
    [Id(7)] public required bool EarnedBack { get; init; }
    /// <summary>A tranche is paid only after the previous tranche's accounting was approved (default on).</summary>
    [Id(8)] public required bool PreviousAccountingFirst { get; init; }
    [Id(9)] public ImmutableArray<Tranche> Tranches { get; init; } = [];
    [Id(10)] public required Instant CreatedAt { get; init; }
    /// <summary>The funder's own norm for handling a request, in days (default 90): longer raises an alert.</summary>
    [Id(11)] public int ReviewNormDays { get; init; } = DefaultReviewNormDays;
    /// <summary>
    /// The funder's account (a slug such as "gemeente-amsterdam"): a token with role
    /// <c>financier:&lt;funderId&gt;</c> decides on this grant's tranches and sees it in its portfolio.
    /// Null: only a financier for all funders (or an admin) decides on it.
    /// </summary>
    [Id(12)] public string? FunderId { get; init; }
    /// <summary>
    /// The first tranche is paid as an advance (voorschot) on the grant decision: approved from Aangevraagd without an
    /// accounting, then paid; the accounting of that money goes with the next tranche's request (tester T3). Default on
    /// for grants recorded from 7-12-2026; a grant stored before has no such field and reads false, so it keeps behaving
    /// as it did (every tranche after its own accounting).
    /// </summary>
    [Id(13)] public bool FirstTrancheAdvance { get; init; }

    public const int DefaultReviewNormDays = 90;

    public decimal TotalPaid => Tranches.Sum(t => t.PaidAmount ?? 0m);

    public decimal Outstanding => AmountGranted - TotalPaid;
}

// Commands, unvalidated (see ProjectRules for why everything is optional).

[GenerateSerializer, Immutable]
public sealed record PlannedTranche
{
    [Id(0)] public decimal? Amount { get; init; }
    [Id(1)] public LocalDate? PlannedOn { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CreateGrant
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Funder { get; init; }
    [Id(2)] public string? Scheme { get; init; }
    [Id(3)] public decimal? AmountGranted { get; init; }
    [Id(4)] public LocalDate? DecidedOn { get; init; }
    [Id(5)] public string? Conditions { get; init; }
    [Id(6)] public bool? EarnedBack { get; init; }
    [Id(7)] public bool? PreviousAccountingFirst { get; init; }
    [Id(8)] public ImmutableArray<PlannedTranche>? Tranches { get; init; }
    [Id(9)] public int? ReviewNormDays { get; init; }
    [Id(10)] public string? FunderId { get; init; }
    /// <summary>Pay the first tranche as an advance (default true); false for a funder that pays every tranche after its accounting.</summary>
    [Id(11)] public bool? FirstTrancheAdvance { get; init; }
}

/// <summary>One step on a tranche: which, when, and the step's own details.</summary>
[GenerateSerializer, Immutable]
public sealed record TrancheCommand
{
    [Id(0)] public required TrancheAction Action { get; init; }
    [Id(1)] public LocalDate? On { get; init; }
    /// <summary>Accounting: amount spent; payment: amount paid.</summary>
    [Id(2)] public decimal? Amount { get; init; }
    [Id(3)] public LocalDate? PeriodFrom { get; init; }
    [Id(4)] public LocalDate? PeriodTo { get; init; }
    [Id(5)] public ImmutableArray<string>? Documents { get; init; }
    [Id(6)] public string? Reason { get; init; }
}

public enum TrancheAction { Request, SubmitAccounting, Approve, Reject, Pay }
