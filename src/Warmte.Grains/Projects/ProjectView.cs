using System.Collections.Immutable;
using NodaTime;
using Warmte.Gates;
using Warmte.Milestones;
using Warmte.Phases;

namespace Warmte.Projects;

/// <summary>A project as a reader sees it today: the record plus the next gate's checklist and milestone slips.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string CooperativeId { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required int Woningequivalenten { get; init; }
    [Id(4)] public required int PlannedConnections { get; init; }
    [Id(5)] public string? Technology { get; init; }
    [Id(6)] public required Phase Phase { get; init; }
    [Id(7)] public required LocalDate PhaseSince { get; init; }
    /// <summary>Whole months since the current phase began.</summary>
    [Id(8)] public required int MonthsInPhase { get; init; }
    [Id(9)] public required LocalDate StartedOn { get; init; }
    [Id(10)] public required ImmutableArray<PhaseTransition> History { get; init; }
    /// <summary>The checklist of the gate into the next phase; null in Beheer and Gestopt.</summary>
    [Id(11)] public GateChecklist? NextGate { get; init; }
    [Id(12)] public required ImmutableArray<Deliverable> Deliverables { get; init; }
    [Id(13)] public required ImmutableArray<MilestoneStatus> Milestones { get; init; }
    [Id(14)] public required Instant CreatedAt { get; init; }
    [Id(15)] public Wcw.WcwProfile? Wcw { get; init; }
    /// <summary>
    /// Only in the answer to marking a deliverable: what the system's own facts say against it (tester T6: "Financiering rond"
    /// ticked while the latest business case needs bridging). Recorded all the same; null elsewhere and left out of the JSON.
    /// </summary>
    [Id(16)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<string>? Warnings { get; init; }

    /// <summary>The first unmet condition of the next gate, as "description: evidence"; null if none.</summary>
    public string? NextUnmetCondition =>
        NextGate?.Unmet.FirstOrDefault() is { } c ? c.Description : null;

    /// <summary>Whole months from <paramref name="since"/> to <paramref name="today"/> (0 before it).</summary>
    public static int MonthsSince(LocalDate since, LocalDate today) =>
        since > today ? 0 : Period.Between(since, today, PeriodUnits.Months).Months;

    public static ProjectView Of(ProjectRecord record, GateRules rules, LocalDate today, GateFacts? facts = null) => new()
    {
        Id = record.Id,
        CooperativeId = record.CooperativeId,
        Name = record.Name,
        Woningequivalenten = record.Woningequivalenten,
        PlannedConnections = record.PlannedConnections,
        Technology = record.Technology,
        Phase = record.Phase,
        PhaseSince = record.PhaseSince,
        MonthsInPhase = MonthsSince(record.PhaseSince, today),
        StartedOn = record.StartedOn,
        History = record.History,
        NextGate = rules.NextGate(new GateContext(record, today, facts)),
        Deliverables = record.Deliverables,
        Milestones = [.. record.Milestones.OrderBy(m => m.PlannedOn).Select(m => MilestoneStatus.Of(m, today))],
        CreatedAt = record.CreatedAt,
        Wcw = record.Wcw,
    };
}
