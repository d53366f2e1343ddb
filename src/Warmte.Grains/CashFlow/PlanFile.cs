namespace Warmte.CashFlow;

// The cash-flow plan file, format version 1 (docs/cashflow-plan.md documents every field and
// unit). Money in euros, months as "JJJJ-MM", durations in whole months. Everything is optional at
// the type level so that validation can name every missing field at once instead of the JSON
// reader failing on the first.

public sealed record PlanFile
{
    public int? FormatVersion { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Calendar month of the first work month, "2019-01".</summary>
    public string? StartMonth { get; init; }
    /// <summary>The month the runway outlook is taken at; default StartMonth.</summary>
    public string? Today { get; init; }
    public decimal? OpeningBalance { get; init; }
    public decimal? CashBuffer { get; init; }
    public decimal? RestartCost { get; init; }
    public List<PhaseEntry?>? Phases { get; init; }
    public List<WorkPackageEntry?>? WorkPlan { get; init; }
    public GrantEntry? Grant { get; init; }
    public LeadTimesEntry? LeadTimes { get; init; }
    public BridgeLoanEntry? BridgeLoan { get; init; }
    public List<AssumptionEntry?>? Assumptions { get; init; }
    /// <summary>Milestone regime: months a phase may close late and still get the next budget at once; absent = no check.</summary>
    public int? MilestoneMarginMonths { get; init; }
}

public sealed record PhaseEntry
{
    public string? Name { get; init; }
    /// <summary>Work months the phase takes when nothing stalls.</summary>
    public int? Months { get; init; }
    /// <summary>What the funder makes available at the start of the phase in the milestone regime.</summary>
    public decimal? Budget { get; init; }
    public List<MilestoneEntry?>? Milestones { get; init; }
}

public sealed record MilestoneEntry
{
    public string? Name { get; init; }
    /// <summary>Work month within the phase (1 = its first) at whose end the milestone is met; default the phase's last.</summary>
    public int? Month { get; init; }
    /// <summary>Calendar months the work waits after reaching it before it is met (a permit, a vote); default 0.</summary>
    public int? DelayMonths { get; init; }
}

public sealed record WorkPackageEntry
{
    public string? Name { get; init; }
    /// <summary>design, businessCase, contracts, communication, organisation or advisers.</summary>
    public string? Kind { get; init; }
    /// <summary>Euros per work month.</summary>
    public decimal? MonthlyCost { get; init; }
    /// <summary>Runs through this phase; or give fromMonth/toMonth; neither = the whole programme.</summary>
    public string? Phase { get; init; }
    /// <summary>First work month of the programme (1-based).</summary>
    public int? FromMonth { get; init; }
    /// <summary>Last work month of the programme; default fromMonth.</summary>
    public int? ToMonth { get; init; }
    /// <summary>A fixed cost that runs on during a stall (organisation, communication). Default false.</summary>
    public bool? RunsDuringStall { get; init; }
}

public sealed record GrantEntry
{
    public string? Name { get; init; }
    public string? Funder { get; init; }
    public decimal? Amount { get; init; }
    /// <summary>Tranches of this size, the last one the remainder; or give tranches.</summary>
    public decimal? TrancheSize { get; init; }
    /// <summary>The tranche amounts in order; they add up to amount.</summary>
    public List<decimal?>? Tranches { get; init; }
    /// <summary>Each next tranche only after the previous tranche's accounting is approved. Default true.</summary>
    public bool? WaitsForAccounting { get; init; }
}

public sealed record LeadTimesEntry
{
    public int? RequestToApprovedMonths { get; init; }
    public int? ApprovedToPaidMonths { get; init; }
    /// <summary>Tranches as they went; when present, the median replaces the two settings.</summary>
    public List<ObservationEntry?>? Observed { get; init; }
}

public sealed record ObservationEntry
{
    public string? Requested { get; init; }
    public string? Approved { get; init; }
    public string? Paid { get; init; }
}

public sealed record BridgeLoanEntry
{
    /// <summary>The most that may be outstanding (drawn plus capitalised interest), euros.</summary>
    public decimal? Size { get; init; }
    /// <summary>Yearly rate as a fraction (0.03 = 3%).</summary>
    public decimal? AnnualRate { get; init; }
}

public sealed record AssumptionEntry
{
    public string? Field { get; init; }
    public string? Reasoning { get; init; }
    public string? Source { get; init; }
}
