using NodaTime;

namespace Warmte.Milestones;

/// <summary>
/// A planned moment in a project ("start bouw", "laatste aansluiting"). The baseline is the
/// first planned date and never changes, so re-planning shows up as slip instead of hiding it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Milestone
{
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required LocalDate BaselineOn { get; init; }
    [Id(3)] public required LocalDate PlannedOn { get; init; }
    [Id(4)] public LocalDate? ActualOn { get; init; }
    /// <summary>
    /// The day the plan was first moved a month or more past the baseline, kept while it stays there (the "Sinds" of the
    /// slip alert); null when it is not slipping, or when it slipped before this day was kept.
    /// </summary>
    [Id(5)] public LocalDate? SlippingSince { get; init; }

    /// <summary>Whether <paramref name="plannedOn"/> lies a whole month or more past <paramref name="baselineOn"/> (what the slip alert asks).</summary>
    public static bool Slips(LocalDate baselineOn, LocalDate plannedOn) => Period.Between(baselineOn, plannedOn, PeriodUnits.Months).Months > 0;
}

/// <summary>A milestone as read today: how far it slipped against its baseline, and whether it is overdue.</summary>
[GenerateSerializer, Immutable]
public sealed record MilestoneStatus
{
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required LocalDate BaselineOn { get; init; }
    [Id(3)] public required LocalDate PlannedOn { get; init; }
    [Id(4)] public LocalDate? ActualOn { get; init; }
    /// <summary>Days late against the baseline (negative: early). For an open milestone, the slip known today.</summary>
    [Id(5)] public required int SlipDays { get; init; }
    /// <summary>Whole calendar months late against the baseline (negative: early).</summary>
    [Id(6)] public required int SlipMonths { get; init; }
    /// <summary>Planned date passed without an actual date.</summary>
    [Id(7)] public required bool Overdue { get; init; }
    [Id(8)] public required bool Done { get; init; }
    /// <summary>See <see cref="Milestone.SlippingSince"/>.</summary>
    [Id(9)] public LocalDate? SlippingSince { get; init; }

    /// <summary>
    /// Done: actual vs baseline. Open: the latest of the planned date and today (a milestone that
    /// has not happened by today is at least that late) vs baseline.
    /// </summary>
    public static MilestoneStatus Of(Milestone milestone, LocalDate today)
    {
        var overdue = milestone.ActualOn is null && milestone.PlannedOn < today;
        var expected = milestone.ActualOn ?? (overdue ? today : milestone.PlannedOn);
        return new MilestoneStatus
        {
            Key = milestone.Key,
            Name = milestone.Name,
            BaselineOn = milestone.BaselineOn,
            PlannedOn = milestone.PlannedOn,
            ActualOn = milestone.ActualOn,
            SlipDays = Period.Between(milestone.BaselineOn, expected, PeriodUnits.Days).Days,
            SlipMonths = Period.Between(milestone.BaselineOn, expected, PeriodUnits.Months).Months,
            Overdue = overdue,
            Done = milestone.ActualOn is not null,
            SlippingSince = milestone.SlippingSince,
        };
    }
}
