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
    [Id(3)] public ImmutableArray<string> Documents { get; init; } = [];
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
    [Id(7)] public ImmutableArray<TrancheStep> Steps { get; init; } = [];

    /// <summary>The date of the latest step; later steps may not be dated before it.</summary>
    public LocalDate? LastStepOn => Steps.IsEmpty ? null : Steps[^1].On;

    public LocalDate? DateOf(TrancheStatus status) => Steps.LastOrDefault(s => s.To == status)?.On;
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
