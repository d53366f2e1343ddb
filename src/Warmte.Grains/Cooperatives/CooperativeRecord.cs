using System.Collections.Immutable;
using NodaTime;
using Warmte.Phases;

namespace Warmte.Cooperatives;

/// <summary>What a cooperative mainly does; it decides what support it needs (domain brief, APEC).</summary>
public enum CooperativeKind
{
    /// <summary>Warmtenet: area-based heat network (e.g. KetelhuisWG).</summary>
    HeatNetwork,
    /// <summary>Area-based local generation (e.g. a neighbourhood solar roof).</summary>
    LocalGeneration,
    /// <summary>City-wide generation (e.g. wind and solar for members across the city).</summary>
    CityWideGeneration,
    /// <summary>Communication and behaviour.</summary>
    Communication,
}

[GenerateSerializer, Immutable]
public sealed record CooperativeRecord
{
    [Id(0)] public required string Id { get; init; }
    /// <summary>The name in the statutes, e.g. "Coöperatie KetelhuisWG U.A.".</summary>
    [Id(1)] public required string StatutoryName { get; init; }
    [Id(2)] public required CooperativeKind Kind { get; init; }
    [Id(3)] public required string Municipality { get; init; }
    [Id(4)] public LocalDate? FoundedOn { get; init; }
    [Id(5)] public ImmutableArray<string> Umbrellas { get; init; } = [];
    [Id(6)] public ImmutableArray<string> Projects { get; init; } = [];
    [Id(7)] public required Instant CreatedAt { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CreateCooperative
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? StatutoryName { get; init; }
    [Id(2)] public string? Kind { get; init; }
    [Id(3)] public string? Municipality { get; init; }
    [Id(4)] public LocalDate? FoundedOn { get; init; }
    [Id(5)] public ImmutableArray<string>? Umbrellas { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record UpdateCooperative
{
    [Id(0)] public string? StatutoryName { get; init; }
    [Id(1)] public string? Kind { get; init; }
    [Id(2)] public string? Municipality { get; init; }
    [Id(3)] public LocalDate? FoundedOn { get; init; }
}

/// <summary>A project in one line, as cooperative and umbrella overviews show it.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectSummary
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required Phase Phase { get; init; }
    [Id(3)] public required LocalDate PhaseSince { get; init; }
    [Id(4)] public required int MonthsInPhase { get; init; }
    [Id(5)] public required int Woningequivalenten { get; init; }
    /// <summary>Description of the first unmet condition of the next gate; null when none or no next gate.</summary>
    [Id(6)] public string? NextUnmetCondition { get; init; }
    [Id(7)] public required Instant LastChangeAt { get; init; }
}

/// <summary>A cooperative with one line per project.</summary>
[GenerateSerializer, Immutable]
public sealed record CooperativeView
{
    [Id(0)] public required CooperativeRecord Cooperative { get; init; }
    [Id(1)] public required ImmutableArray<ProjectSummary> Projects { get; init; }
}
