using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Orleans.Concurrency;
using Warmte.BusinessCase.Versions;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Journal;
using Warmte.Projects;
using Warmte.Serialization;
using Warmte.Umbrellas;

namespace Warmte.Alerts;

/// <summary>A portfolio row as a financier of one funder sees it (only that funder's grants).</summary>
[GenerateSerializer, Immutable]
public sealed record FunderPortfolioRow([property: Id(0)] string FunderId, [property: Id(1)] PortfolioRow Row);

/// <summary>
/// What the wide views show of one project, computed as of one day by the same functions the views
/// used per project (<see cref="Portfolio.Row(ProjectFacts)"/>, <see cref="UmbrellaRules.Finance"/>, the
/// project's <see cref="ProjectSummary"/>): stored in warmte_project_summary and read in one query.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProjectSummaryRow
{
    [Id(0)] public required string ProjectId { get; init; }
    [Id(1)] public required string CooperativeId { get; init; }
    [Id(2)] public required LocalDate AsOf { get; init; }
    /// <summary>The project's line in its cooperative (and so in the umbrella comparison).</summary>
    [Id(3)] public required ProjectSummary Line { get; init; }
    /// <summary>The money side in the umbrella comparison.</summary>
    [Id(4)] public required ProjectFinance Finance { get; init; }
    /// <summary>The portfolio row over all grants; null when the project has none (not in the portfolio).</summary>
    [Id(5)] public PortfolioRow? Portfolio { get; init; }
    /// <summary>Per funder of one of its grants, the row that funder's financier sees.</summary>
    [Id(6)] public ImmutableArray<FunderPortfolioRow> ByFunder { get; init; } = [];

    /// <summary>The row a financier with <paramref name="funderScope"/> (null: every funder) sees; null when none.</summary>
    public PortfolioRow? PortfolioFor(string? funderScope) =>
        funderScope is null ? Portfolio : ByFunder.FirstOrDefault(f => f.FunderId == funderScope)?.Row;

    /// <summary>Pure: the summary of a project from its facts, its line and its latest business case.</summary>
    public static ProjectSummaryRow Of(ProjectFacts facts, ProjectSummary line, FinancingStatus? financing) => new()
    {
        ProjectId = facts.Project.Id,
        CooperativeId = facts.Project.CooperativeId,
        AsOf = facts.Today,
        Line = line,
        Finance = UmbrellaRules.Finance(facts.Grants, financing, facts.Alerts.Length),
        Portfolio = facts.Grants.IsEmpty ? null : Alerts.Portfolio.Row(facts),
        ByFunder =
        [
            .. facts.Grants.Select(g => g.Grant.FunderId).Where(f => f is not null).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(f => new FunderPortfolioRow(f!, Alerts.Portfolio.Row(facts with { Grants = [.. facts.Grants.Where(g => g.Grant.FunderId == f)] }))),
        ],
    };
}

/// <summary>
/// Keeps one project's summary for the wide views (key: the project's id). The journal's commit
/// path counts every commit concerning the project in the same transaction (so a stored summary
/// is known stale from the moment the change is committed); this grain recomputes it after
/// <see cref="ProjectChanged"/>, on the daily reminder, or when a read finds it stale.
/// </summary>
public interface IProjectSummaryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sent after a commit: (unless deferred) recomputes the summary and re-evaluates the alerts.
    /// One-way: the committing grain must not wait for this grain, which may itself be reading
    /// that grain for a summary (a cycle of two waiting grains).
    /// </summary>
    [OneWay]
    Task Changed();

    /// <summary>Recomputes and stores the summary if a change is pending. Sent by <see cref="Changed"/>.</summary>
    [OneWay]
    Task Refresh();

    /// <summary>Computes, stores and answers today's summary (a wide read found it stale, old or missing); null when the project does not exist.</summary>
    Task<ProjectSummaryRow?> Current();
}

public sealed class ProjectSummaryGrain(IJournalStore store, IClock clock) : Grain, IProjectSummaryGrain
{
    private string ProjectId => this.GetPrimaryKeyString();

    /// <summary>A change was raised that no refresh has picked up yet (coalesces a burst of changes into one refresh).</summary>
    private bool _changed;

    public async Task Changed()
    {
        if (AlertEvaluation.IsDeferred) return;
        _changed = true;
        await this.AsReference<IProjectSummaryGrain>().Refresh();
        await GrainFactory.GetGrain<IAlertWatchGrain>(ProjectId).Evaluate();
    }

    public async Task Refresh()
    {
        if (!_changed) return;
        await Current();
    }

    public async Task<ProjectSummaryRow?> Current()
    {
        _changed = false;
        try
        {
            // The count of commits first: one that lands while the grains are read leaves the row stale.
            var changes = await store.ProjectChangesAsync(ProjectId);
            var row = await ComputeAsync(GrainFactory, ProjectId, AmsterdamTime.Today(clock));
            if (row is null) await store.DeleteProjectSummaryAsync(ProjectId);
            else await store.WriteProjectSummaryAsync(ProjectId, row.CooperativeId, row.AsOf, JsonSerializer.Serialize(row, WarmteJson.Default), changes, clock.GetCurrentInstant());
            return row;
        }
        catch
        {
            _changed = true; // the stored row stays stale; the next read or change computes again
            throw;
        }
    }

    /// <summary>The project's summary today, read from its grains as the views did per project; null when it does not exist.</summary>
    public static async Task<ProjectSummaryRow?> ComputeAsync(IGrainFactory grains, string projectId, LocalDate today)
    {
        var line = grains.GetGrain<IProjectGrain>(projectId).GetSummary();
        var financing = grains.GetGrain<IBusinessCaseGrain>(projectId).Financing();
        var facts = await ProjectFacts.LoadAsync(grains, projectId, today);
        return facts is not null && await line is { } summary ? ProjectSummaryRow.Of(facts, summary, await financing) : null;
    }
}

/// <summary>
/// The wide views' one read of the summaries: every stored row in one query; rows that are stale,
/// of an earlier day, or missing are recomputed through their grain (a bounded number at a time).
/// </summary>
public static class ProjectSummaries
{
    private const int RecomputeAtOnce = 16;

    public static async Task<IReadOnlyDictionary<string, ProjectSummaryRow>> ReadAsync(
        IJournalStore store, IGrainFactory grains, IReadOnlyCollection<string> projectIds, LocalDate today)
    {
        var stored = await store.ReadProjectSummariesAsync();
        var wanted = projectIds.ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, ProjectSummaryRow>(StringComparer.Ordinal);
        foreach (var s in stored)
            if (wanted.Contains(s.ProjectId) && !s.Stale && s.AsOf == today)
                rows[s.ProjectId] = JsonSerializer.Deserialize<ProjectSummaryRow>(s.Summary, WarmteJson.Default)!;
        var missing = wanted.Where(id => !rows.ContainsKey(id)).ToList();
        var recomputed = new ProjectSummaryRow?[missing.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, missing.Count), new ParallelOptions { MaxDegreeOfParallelism = RecomputeAtOnce },
            async (i, _) => recomputed[i] = await grains.GetGrain<IProjectSummaryGrain>(missing[i]).Current());
        foreach (var row in recomputed.OfType<ProjectSummaryRow>())
            if (row.AsOf == today) rows[row.ProjectId] = row;
            else if (await ProjectSummaryGrain.ComputeAsync(grains, row.ProjectId, today) is { } now) rows[row.ProjectId] = now; // midnight passed in between
        return rows;
    }

    /// <summary>The cooperatives' records in one query (their journal snapshots), in the order asked; unknown ones left out.</summary>
    public static async Task<IReadOnlyList<CooperativeRecord>> CooperativesAsync(IJournalStore store, IReadOnlyCollection<string> ids)
    {
        var snapshots = await store.LoadManyAsync(CooperativeGrain.JournalType, ids);
        return
        [
            .. ids.Select(id => snapshots.GetValueOrDefault(id))
                .Select(s => s is null ? null : JsonSerializer.Deserialize<RecordState<CooperativeRecord>>(s.State, WarmteJson.Default)?.Record)
                .OfType<CooperativeRecord>(),
        ];
    }

    /// <summary>A cooperative with its projects' lines, as <see cref="ICooperativeGrain.Get"/> answers it, from the summaries.</summary>
    public static CooperativeView View(CooperativeRecord cooperative, IReadOnlyDictionary<string, ProjectSummaryRow> summaries) => new()
    {
        Cooperative = cooperative,
        Projects = [.. cooperative.Projects.Select(p => summaries.GetValueOrDefault(p)?.Line).OfType<ProjectSummary>()],
    };
}
