using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Phases;

namespace Warmte.Umbrellas;

/// <summary>An umbrella of cooperatives, such as APEC (Amsterdamse Producerende Energiecoöperaties).</summary>
[GenerateSerializer, Immutable]
public sealed record UmbrellaRecord
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public ImmutableArray<string> Members { get; init; } = [];
    [Id(3)] public required Instant CreatedAt { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CreateUmbrella
{
    [Id(0)] public string? Name { get; init; }
}

/// <summary>One line of the side-by-side comparison: a cooperative with one of its projects (or none yet).</summary>
[GenerateSerializer, Immutable]
public sealed record UmbrellaRow
{
    [Id(0)] public required string CooperativeId { get; init; }
    [Id(1)] public required string CooperativeName { get; init; }
    [Id(2)] public required CooperativeKind Kind { get; init; }
    [Id(3)] public string? ProjectId { get; init; }
    [Id(4)] public string? ProjectName { get; init; }
    [Id(5)] public Phase? Phase { get; init; }
    [Id(6)] public int? MonthsInPhase { get; init; }
    [Id(7)] public int? Woningequivalenten { get; init; }
    [Id(8)] public string? NextUnmetCondition { get; init; }
    [Id(9)] public Instant? LastChangeAt { get; init; }
    [Id(10)] public ProjectFinance? Finance { get; init; }
    /// <summary>
    /// The cooperative's members today (its register), on its project rows; null without a project or without a register
    /// (no members). The same "Leden" in the API, the page and the workbook (tester T10).
    /// </summary>
    [Id(11)] public int? Members { get; init; }
}

/// <summary>The money side of a project in the comparison: grants and the latest business case.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectFinance
{
    [Id(0)] public required decimal SubsidiesGranted { get; init; }
    [Id(1)] public required decimal SubsidiesPaid { get; init; }
    [Id(2)] public required decimal SubsidiesOutstanding { get; init; }
    /// <summary>From the latest saved business-case version; null when none was saved.</summary>
    [Id(3)] public decimal? Investment { get; init; }
    [Id(4)] public decimal? SourcesMinusUses { get; init; }
    [Id(5)] public decimal? Npv { get; init; }
    [Id(6)] public decimal? MinDscr { get; init; }
    [Id(7)] public bool? FinancingCloses { get; init; }
    [Id(8)] public required int OpenAlerts { get; init; }
    /// <summary>
    /// The lowest cash balance of the latest business case and its year: the gap in time beside
    /// <see cref="FinancingCloses"/> (docs/business-case-model.md). Null without a business case, and in a
    /// summary stored by a release before them (<see cref="Alerts.ProjectSummaryRow.Covers"/> then has it recomputed).
    /// </summary>
    [Id(9)] public decimal? LowestCashBalance { get; init; }
    [Id(10)] public int? LowestCashBalanceYear { get; init; }
    /// <summary>
    /// The cash outlook's runway on the day asked (<see cref="Alerts.ProjectSummaryRow.FinanceOn"/>): months of work until the money
    /// runs out, 0 in a stall; null when it lasts until the work is done or without a cash plan. Not stored: derived per day.
    /// </summary>
    [Id(11)] public int? RunwayMonths { get; init; }
    /// <summary>The minimum DSCR the lender of the latest business case demands (its covenant); null without one.</summary>
    [Id(12)] public decimal? LenderMinDscr { get; init; }
    /// <summary>The cash outlook's month the cash goes below zero and the deepest shortfall (as the portfolio has them); derived per day, like the runway.</summary>
    [Id(13)] public YearMonth? CashShortFrom { get; init; }
    [Id(14)] public decimal? Shortfall { get; init; }

    /// <summary>
    /// "Who needs help": the one rule behind "Risico" everywhere (the workbook writes it as a formula over the same cells):
    /// the min. DSCR below the lender's, sources short of uses, less than <see cref="UmbrellaRules.RiskRunwayMonths"/> months of
    /// runway, or open alerts.
    /// </summary>
    public bool AtRisk =>
        (MinDscr is { } dscr && LenderMinDscr is { } lender && dscr < lender)
        || SourcesMinusUses < 0m
        || RunwayMonths < UmbrellaRules.RiskRunwayMonths
        || OpenAlerts > 0;

    /// <summary>How much bridging money the lowest year needs (0 when the cash never goes below zero); null without it.</summary>
    public decimal? BridgingNeeded => LowestCashBalance is { } lowest ? BusinessCase.Engine.CashGap.BridgingNeeded(lowest) : null;

    /// <summary>"ja", "nee" or "ja, overbrugging € 343.906 in 2027" (<see cref="BusinessCase.Engine.CashGap.Brief"/>); null without a business case.</summary>
    public string? FinancingClosesText => FinancingCloses is { } closes
        ? LowestCashBalance is { } lowest && LowestCashBalanceYear is { } year ? BusinessCase.Engine.CashGap.Brief(closes, lowest, year) : closes ? "ja" : "nee"
        : null;
}

[GenerateSerializer, Immutable]
public sealed record UmbrellaComparison
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required LocalDate AsOf { get; init; }
    [Id(3)] public required ImmutableArray<UmbrellaRow> Rows { get; init; }
}

public static class UmbrellaRules
{
    /// <summary>Fewer months of runway than this before the money runs out marks a project at risk (<see cref="ProjectFinance.AtRisk"/>).</summary>
    public const int RiskRunwayMonths = 6;

    public static Outcome<Change<UmbrellaRecord>> Create(string id, CreateUmbrella command, Instant now)
    {
        var v = new Validation();
        Slug.Check(v, "id", id);
        var name = v.Text("name", command.Name);
        if (v.HasErrors) return v.ToRefusal();
        return Outcome<Change<UmbrellaRecord>>.Ok(new(new UmbrellaRecord { Id = id, Name = name, CreatedAt = now },
            "umbrella.created", $"Koepel '{name}' aangemaakt."));
    }

    public static Change<UmbrellaRecord> AddMember(UmbrellaRecord umbrella, string cooperativeId) =>
        umbrella.Members.Contains(cooperativeId)
            ? new(umbrella, "umbrella.member-added", $"'{cooperativeId}' was al lid.")
            : new(umbrella with { Members = umbrella.Members.Add(cooperativeId) }, "umbrella.member-added", $"'{cooperativeId}' is lid geworden.");

    /// <summary>
    /// The comparison rows, cooperatives in name order, each with its projects in name order; <paramref name="registers"/>:
    /// each cooperative's members today (by cooperative id), shown on its project rows when it has any.
    /// </summary>
    public static ImmutableArray<UmbrellaRow> Rows(IEnumerable<CooperativeView> members, IReadOnlyDictionary<string, ProjectFinance>? finance = null,
        IReadOnlyDictionary<string, int>? registers = null) =>
    [
        .. members
            .OrderBy(m => m.Cooperative.StatutoryName, StringComparer.Create(DutchFormat.Culture, true))
            .SelectMany(m => m.Projects.IsEmpty
                ? [Row(m.Cooperative, null, null, null)]
                : m.Projects.OrderBy(p => p.Name, StringComparer.Create(DutchFormat.Culture, true))
                    .Select(p => Row(m.Cooperative, p, finance?.GetValueOrDefault(p.Id), registers?.GetValueOrDefault(m.Cooperative.Id)))),
    ];

    private static UmbrellaRow Row(CooperativeRecord cooperative, ProjectSummary? project, ProjectFinance? finance, int? members) => new()
    {
        Members = project is not null && members > 0 ? members : null,
        CooperativeId = cooperative.Id,
        CooperativeName = cooperative.StatutoryName,
        Kind = cooperative.Kind,
        ProjectId = project?.Id,
        ProjectName = project?.Name,
        Phase = project?.Phase,
        MonthsInPhase = project?.MonthsInPhase,
        Woningequivalenten = project?.Woningequivalenten,
        NextUnmetCondition = project?.NextUnmetCondition,
        LastChangeAt = project?.LastChangeAt,
        Finance = finance,
    };

    public static ProjectFinance Finance(
        ImmutableArray<Grants.GrantView> grants, BusinessCase.Versions.FinancingStatus? businessCase, int openAlerts) => new()
    {
        SubsidiesGranted = grants.Sum(g => g.Grant.AmountGranted),
        SubsidiesPaid = grants.Sum(g => g.TotalPaid),
        SubsidiesOutstanding = grants.Sum(g => g.Outstanding),
        Investment = businessCase?.Kpis.Uses,
        SourcesMinusUses = businessCase?.Kpis.Surplus,
        Npv = businessCase?.Kpis.Npv,
        MinDscr = businessCase?.Kpis.MinDscr,
        FinancingCloses = businessCase?.Kpis.FinancingCloses,
        LowestCashBalance = businessCase?.Kpis.LowestCashBalance,
        LowestCashBalanceYear = businessCase?.Kpis.LowestCashBalanceYear,
        LenderMinDscr = businessCase?.Kpis.LenderMinDscr,
        OpenAlerts = openAlerts,
    };
}
