using System.Collections.Immutable;
using NodaTime;
using Warmte.Gates;
using Warmte.Milestones;
using Warmte.Phases;

namespace Warmte.Projects;

/// <summary>A heat-network project as stored: its details, its phase and the full, append-only phase history.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectRecord
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string CooperativeId { get; init; }
    [Id(2)] public required string Name { get; init; }
    /// <summary>Woningequivalenten: homes plus business connections expressed as homes.</summary>
    [Id(3)] public required int Woningequivalenten { get; init; }
    [Id(4)] public required int PlannedConnections { get; init; }
    [Id(5)] public string? Technology { get; init; }
    [Id(6)] public required Phase Phase { get; init; }
    /// <summary>The date the current phase began: the start date or the last gate decision.</summary>
    [Id(7)] public required LocalDate PhaseSince { get; init; }
    [Id(8)] public ImmutableArray<PhaseTransition> History { get; init; } = [];
    [Id(9)] public ImmutableArray<Deliverable> Deliverables { get; init; } = [];
    [Id(10)] public ImmutableArray<Milestone> Milestones { get; init; } = [];
    [Id(11)] public required LocalDate StartedOn { get; init; }
    [Id(12)] public required Instant CreatedAt { get; init; }
    /// <summary>What the project declared for the Wet collectieve warmte check; null until set.</summary>
    [Id(13)] public Wcw.WcwProfile? Wcw { get; init; }
}

// Commands carry what the caller sent, still unvalidated: optional where the caller may omit a
// value, so the domain can name every missing field instead of failing on the first.

[GenerateSerializer, Immutable]
public sealed record CreateProject
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public int? Woningequivalenten { get; init; }
    [Id(3)] public int? PlannedConnections { get; init; }
    [Id(4)] public string? Technology { get; init; }
    [Id(5)] public LocalDate? StartedOn { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record UpdateProject
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public int? Woningequivalenten { get; init; }
    [Id(2)] public int? PlannedConnections { get; init; }
    [Id(3)] public string? Technology { get; init; }
}

/// <summary>A gate decision: the phase to go to, when, by whom, and why.</summary>
[GenerateSerializer, Immutable]
public sealed record TransitionRequest
{
    [Id(0)] public string? To { get; init; }
    [Id(1)] public LocalDate? DecidedOn { get; init; }
    [Id(2)] public string? DecidedBy { get; init; }
    [Id(3)] public string? Rationale { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record RecordDeliverable
{
    [Id(0)] public LocalDate? PresentOn { get; init; }
    [Id(1)] public string? Reference { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record SetMilestone
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public LocalDate? PlannedOn { get; init; }
    [Id(2)] public LocalDate? ActualOn { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record SetWcwProfile
{
    [Id(0)] public decimal? PublicSharePercent { get; init; }
    [Id(1)] public bool? MixedSetup { get; init; }
    [Id(2)] public bool? LegalEntity { get; init; }
    [Id(3)] public bool? SustainableMainSource { get; init; }
    [Id(4)] public bool? NoProfitMotive { get; init; }
    [Id(5)] public bool? OpenVoluntaryMembership { get; init; }
    [Id(6)] public bool? MemberControl { get; init; }
}
