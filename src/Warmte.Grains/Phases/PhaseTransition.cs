using NodaTime;

namespace Warmte.Phases;

/// <summary>
/// One gate decision in a project's history: from which phase to which, on what date, decided by
/// whom (e.g. "ALV", "Stuurgroep"), and why. Recorded once, never changed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PhaseTransition
{
    [Id(0)] public required Phase From { get; init; }
    [Id(1)] public required Phase To { get; init; }
    [Id(2)] public required TransitionKind Kind { get; init; }
    [Id(3)] public required LocalDate DecidedOn { get; init; }
    [Id(4)] public required string DecidedBy { get; init; }
    [Id(5)] public required string Rationale { get; init; }
    /// <summary>The token name of whoever entered the decision.</summary>
    [Id(6)] public required string RecordedBy { get; init; }
    [Id(7)] public required Instant RecordedAt { get; init; }
}
