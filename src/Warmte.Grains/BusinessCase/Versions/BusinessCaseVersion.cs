using System.Collections.Immutable;
using NodaTime;
using Warmte.BusinessCase.Engine;

namespace Warmte.BusinessCase.Versions;

/// <summary>The KPIs a saved model version produced when it was saved, kept with it.</summary>
[GenerateSerializer, Immutable]
public sealed record KpiSummary
{
    [Id(0)] public required decimal Uses { get; init; }
    [Id(1)] public required decimal Sources { get; init; }
    [Id(2)] public required decimal Surplus { get; init; }
    [Id(3)] public required decimal Npv { get; init; }
    [Id(4)] public decimal? Irr { get; init; }
    [Id(5)] public decimal? MinDscr { get; init; }
    [Id(6)] public int? MinDscrYear { get; init; }
    [Id(7)] public required decimal LenderMinDscr { get; init; }
    [Id(8)] public required bool FinancingCloses { get; init; }
    [Id(9)] public required decimal LowestCashBalance { get; init; }
    [Id(10)] public required int LowestCashBalanceYear { get; init; }
    [Id(11)] public required ImmutableArray<int> CovenantBreaches { get; init; }
    /// <summary>
    /// The funding gap in time (0 when the cash never goes below zero). Derived from the stored lowest balance, not
    /// stored itself: versions saved before it existed show their gap too.
    /// </summary>
    public decimal BridgingNeeded => CashGap.BridgingNeeded(LowestCashBalance);

    public static KpiSummary Of(Inputs inputs, Kpis kpis) => new()
    {
        Uses = kpis.SourcesAndUses.Uses,
        Sources = kpis.SourcesAndUses.Sources,
        Surplus = kpis.SourcesAndUses.Surplus,
        Npv = kpis.Npv,
        Irr = kpis.Irr,
        MinDscr = kpis.MinDscr,
        MinDscrYear = kpis.MinDscrYear,
        LenderMinDscr = inputs.MinDscr,
        FinancingCloses = kpis.FinancingCloses,
        LowestCashBalance = kpis.LowestCashBalance,
        LowestCashBalanceYear = kpis.LowestCashBalanceYear,
        CovenantBreaches = kpis.CovenantBreaches,
    };
}

/// <summary>One saved version of a project's business-case model: the file as sent, who saved it, when, and its KPIs.</summary>
[GenerateSerializer, Immutable]
public sealed record BusinessCaseVersion
{
    [Id(0)] public required int Version { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? Note { get; init; }
    [Id(3)] public required string SavedBy { get; init; }
    [Id(4)] public required Instant SavedAt { get; init; }
    [Id(5)] public required string ModelJson { get; init; }
    [Id(6)] public required KpiSummary Kpis { get; init; }
}

/// <summary>A version without its model text, for listings.</summary>
[GenerateSerializer, Immutable]
public sealed record BusinessCaseVersionInfo(
    [property: Id(0)] int Version, [property: Id(1)] string Name, [property: Id(2)] string? Note,
    [property: Id(3)] string SavedBy, [property: Id(4)] Instant SavedAt, [property: Id(5)] KpiSummary Kpis)
{
    public static BusinessCaseVersionInfo Of(BusinessCaseVersion v) => new(v.Version, v.Name, v.Note, v.SavedBy, v.SavedAt, v.Kpis);
}

/// <summary>What the gate into Realisatie needs to know of the financing: the latest saved version's verdict.</summary>
[GenerateSerializer, Immutable]
public sealed record FinancingStatus(
    [property: Id(0)] int Version, [property: Id(1)] Instant SavedAt, [property: Id(2)] KpiSummary Kpis);

/// <summary>A page of a project's versions (oldest first) and how many there are in all.</summary>
[GenerateSerializer, Immutable]
public sealed record BusinessCaseVersionPage(
    [property: Id(0)] int Total, [property: Id(1)] ImmutableArray<BusinessCaseVersionInfo> Versions);
