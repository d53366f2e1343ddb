using NodaTime;

namespace Warmte.Gates;

/// <summary>
/// A named document or decision a gate asks for (e.g. the feasibility study, the
/// realisatiebesluit), marked present on a date with an optional reference to where it lives.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Deliverable
{
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required LocalDate PresentOn { get; init; }
    [Id(2)] public string? Reference { get; init; }
    [Id(3)] public required string RecordedBy { get; init; }
    [Id(4)] public required Instant RecordedAt { get; init; }
}

/// <summary>A kind of deliverable the service knows: its key, its Dutch name, and the gate (target phase) that asks for it.</summary>
[GenerateSerializer, Immutable]
public sealed record DeliverableDefinition(
    [property: Id(0)] string Key,
    [property: Id(1)] string Name,
    [property: Id(2)] Phases.Phase Gate);
