using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodaTime;
using Orleans.Concurrency;
using Warmte.BusinessCase.Versions;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Grants;
using Warmte.Journal;
using Warmte.Milestones;
using Warmte.Projects;
using Warmte.Serialization;
using Warmte.Umbrellas;

namespace Warmte.Alerts;

/// <summary>
/// What the wide views show of one project, stored in warmte_project_summary and read in one query.
/// It holds only what does not move with the calendar (the project's line, its money side, and the
/// inputs of the day-dependent figures: phase start, open milestones, grants with their tranche
/// dates, the cash outlook per month); the figures of a given day — months in phase, alerts with
/// their days overdue, the next expected payment, the runway — are derived from it at read time by
/// the same pure functions the per-project computation uses (<see cref="ProjectView.MonthsSince"/>,
/// <see cref="AlertRules"/>, <see cref="Alerts.Portfolio.Row(string, string, string, Phases.Phase, IEnumerable{MilestoneStatus}, ImmutableArray{GrantView}, LocalDate, CashFlow.Outlook?)"/>).
/// So a row stays correct across midnight; it only runs out when the cash outlook it holds does
/// (<see cref="Covers"/>). docs/storage.md, "Project summaries".
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProjectSummaryRow
{
    [Id(0)] public required string ProjectId { get; init; }
    [Id(1)] public required string CooperativeId { get; init; }
    /// <summary>The day it was computed (the day-dependent figures below are of that day).</summary>
    [Id(2)] public required LocalDate AsOf { get; init; }
    /// <summary>The project's line in its cooperative (and so in the umbrella comparison); <see cref="LineOn"/> for a given day.</summary>
    [Id(3)] public required ProjectSummary Line { get; init; }
    /// <summary>The money side in the umbrella comparison; <see cref="FinanceOn"/> for a given day.</summary>
    [Id(4)] public required ProjectFinance Finance { get; init; }
    /// <summary>The inputs of the day-dependent figures; null in a row of the release before (then recomputed).</summary>
    [Id(5)] public SummaryCalendar? Calendar { get; init; }

    /// <summary>
    /// Whether the row can answer for <paramref name="day"/>: it has its inputs and, for a project with a cash plan, that month's outlook
    /// in the current form (<see cref="SummaryCalendar.OutlookVersion"/>);
    /// and, with a business case, its lowest cash balance and the lender's minimum DSCR (a row stored by a release before them lacks the cash
    /// gap beside "financiering rond" or what "Risico" compares the DSCR with).
    /// </summary>
    public bool Covers(LocalDate day) =>
        Calendar is { } c && (!c.HasCashPlan || c.OutlookVersion >= SummaryCalendar.CurrentOutlookVersion && OutlookIndex(day) is { } i && i < c.Outlooks.Length)
        && (Finance.FinancingCloses is null || Finance.LowestCashBalance is not null && Finance.LenderMinDscr is not null);

    // The outlooks are stored by the month they were computed for: [0] the month of AsOf, [1] the month
    // after. Not by the outlook's own "today", which a plan that has not started or has ended sets to
    // its own first or last month.
    private int? OutlookIndex(LocalDate day)
    {
        var months = Period.Between(AsOf.ToYearMonth().OnDayOfMonth(1), day.ToYearMonth().OnDayOfMonth(1), PeriodUnits.Months).Months;
        return months is 0 or 1 ? months : null;
    }

    private CashFlow.Outlook? OutlookOn(LocalDate day) =>
        Calendar!.HasCashPlan ? Calendar.Outlooks[OutlookIndex(day) ?? throw new InvalidOperationException($"The summary of {ProjectId} does not cover {day}.")] : null;

    private ImmutableArray<MilestoneStatus> MilestonesOn(LocalDate day) => [.. Calendar!.OpenMilestones.Select(m => MilestoneStatus.Of(m, day))];

    /// <summary>The project's line on <paramref name="day"/> (months in phase counted to that day).</summary>
    public ProjectSummary LineOn(LocalDate day) =>
        Line with { MonthsInPhase = ProjectView.MonthsSince(Line.PhaseSince, day) };

    /// <summary>The money side on <paramref name="day"/> (its open alerts and runway are that day's).</summary>
    public ProjectFinance FinanceOn(LocalDate day)
    {
        var outlook = OutlookOn(day);
        return Finance with
        {
            OpenAlerts = AlertRules.For(ProjectId, Calendar!.Phase, MilestonesOn(day), Calendar.Grants, day, outlook).Length + Calendar.GateAlerts.Length,
            RunwayMonths = outlook?.RunwayMonths,
            CashShortFrom = outlook?.CashShortFrom,
            Shortfall = outlook?.Shortfall,
        };
    }

    /// <summary>
    /// The portfolio row on <paramref name="day"/> a financier with <paramref name="funderScope"/> sees
    /// (null: every funder; otherwise only that funder's grants); null when it has no such grant.
    /// </summary>
    public PortfolioRow? PortfolioOn(LocalDate day, string? funderScope)
    {
        var grants = funderScope is null ? Calendar!.Grants : [.. Calendar!.Grants.Where(g => g.Grant.FunderId == funderScope)];
        if (grants.IsEmpty) return null;
        var row = Alerts.Portfolio.Row(ProjectId, Line.Name, CooperativeId, Calendar.Phase, MilestonesOn(day), grants, day, OutlookOn(day));
        var alerts = Calendar.GateAlerts.IsEmpty ? row.Alerts : AlertRules.With(row.Alerts, Calendar.GateAlerts);
        // The forecasts dated from when first seen (AlertSince), as the row recorded them: not "today" on every read.
        return row with { Alerts = AlertSince.Apply(alerts, AlertSince.FirstSeen(Calendar.Observed)) };
    }

    /// <summary>
    /// The funders whose portfolio shows this row: the distinct <see cref="Grant.FunderId"/>s of its
    /// grants (ordinal, as <see cref="PortfolioOn"/> compares them), in order. For every funder id
    /// <c>f</c>, <c>PortfolioOn(day, f)</c> is a row exactly when <c>f</c> is among them
    /// (<c>ProjectSummaryFunderTests</c>); the funder index (warmte_project_summary_funder) stores them.
    /// Null for a row without its calendar inputs (the release before's): its funders are not known.
    /// </summary>
    public IReadOnlyList<string>? Funders() =>
        Calendar is null ? null : [.. Calendar.Grants.Select(g => g.Grant.FunderId).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Pure: the summary of a project from its facts, its line, its latest business case and (with a
    /// cash plan) its outlook of the month after <see cref="ProjectFacts.Today"/>.
    /// </summary>
    public static ProjectSummaryRow Of(ProjectFacts facts, ProjectSummary line, FinancingStatus? financing, CashFlow.Outlook? nextMonth = null) => new()
    {
        ProjectId = facts.Project.Id,
        CooperativeId = facts.Project.CooperativeId,
        AsOf = facts.Today,
        Line = line with { MonthsInPhase = ProjectView.MonthsSince(line.PhaseSince, facts.Today) },
        Finance = UmbrellaRules.Finance(facts.Grants, financing, facts.Alerts.Length),
        Calendar = new SummaryCalendar
        {
            Phase = facts.Project.Phase,
            OpenMilestones =
            [
                .. facts.Project.Milestones.Where(m => !m.Done)
                    .Select(m => new Milestone { Key = m.Key, Name = m.Name, BaselineOn = m.BaselineOn, PlannedOn = m.PlannedOn, ActualOn = m.ActualOn, SlippingSince = m.SlippingSince }),
            ],
            Grants = [.. facts.Grants.Select(SummaryCalendar.Trim)],
            HasCashPlan = facts.Outlook is not null,
            Outlooks = facts.Outlook is { } now ? nextMonth is null ? [now] : [now, nextMonth] : [],
            OutlookVersion = SummaryCalendar.CurrentOutlookVersion,
            GateAlerts = facts.GateAlerts.IsDefault ? [] : facts.GateAlerts,
            Observed = [.. facts.Alerts.Where(a => AlertSince.IsObserved(a.Kind))],
        },
    };
}

/// <summary>The inputs of a project's day-dependent figures, as the summary stores them (none of it moves with the calendar).</summary>
[GenerateSerializer, Immutable]
public sealed record SummaryCalendar
{
    [Id(0)] public required Phases.Phase Phase { get; init; }
    /// <summary>The milestones not done yet, in the project's order (by planned date): they become overdue.</summary>
    [Id(1)] public required ImmutableArray<Milestone> OpenMilestones { get; init; }
    /// <summary>The grants, trimmed to what the alerts and the portfolio read (<see cref="Trim"/>).</summary>
    [Id(2)] public required ImmutableArray<GrantView> Grants { get; init; }
    /// <summary>Whether the project has a cash plan (its outlook depends on the month).</summary>
    [Id(3)] public required bool HasCashPlan { get; init; }
    /// <summary>With a cash plan: the outlook of the month computed and of the month after.</summary>
    [Id(4)] public ImmutableArray<CashFlow.Outlook> Outlooks { get; init; } = [];
    /// <summary>The alerts on the evidence of a passed gate (<see cref="GateEvidence"/>): they do not move with the calendar.</summary>
    [Id(5)] public ImmutableArray<Alert> GateAlerts { get; init; } = [];
    /// <summary>
    /// The form of <see cref="Outlooks"/>: <see cref="CurrentOutlookVersion"/> when this build computed them. An outlook stored by a
    /// build before the cash-short fields (<see cref="CashFlow.Outlook.CashShortFrom"/>, 709d2d7) reads those fields as null, which
    /// would say "the cash stays above zero" of a project that runs short; a row without this stamp (0: written before it, or by an
    /// older build started on the database after the upgrade) therefore does not <see cref="ProjectSummaryRow.Covers"/> any day and
    /// is recomputed before it is answered. Raise it when the stored outlook gains a field whose default would say something wrong.
    /// </summary>
    [Id(6)] public int OutlookVersion { get; init; }
    /// <summary>
    /// The alerts whose start is known only from when first seen (<see cref="AlertSince.IsObserved"/>), dated as at computation:
    /// a later day's alerts keep their date instead of that day's.
    /// </summary>
    [Id(7)] public ImmutableArray<Alert> Observed { get; init; } = [];

    /// <summary>
    /// 1: the outlooks carry <see cref="CashFlow.Outlook.CashShortFrom"/>, <see cref="CashFlow.Outlook.Shortfall"/> and <see cref="CashFlow.Outlook.ShortfallMonth"/>.
    /// 2: and <see cref="CashFlow.Outlook.WorkDoneIn"/> and <see cref="CashFlow.Outlook.MoneyToFind"/> (tester7 T5/T6: without them a stored
    /// outlook would say "tot het einde van het werk" with no month, and never "geld op"), computed by the round-7 rules (today's fixed
    /// costs, stalls dated from their start, the plan's spending when nothing is booked).
    /// 3: and <see cref="CashFlow.Outlook.PaymentsInGap"/>, <see cref="CashFlow.Outlook.LastPaymentInGap"/> and <see cref="CashFlow.Outlook.CashBuffer"/>
    /// (tester9a T1: without them a stored outlook says "er komt geen betaling meer" while tranches are still expected), with
    /// <see cref="CashFlow.Outlook.MoneyToFind"/> net of those payments.
    /// </summary>
    public const int CurrentOutlookVersion = 3;

    /// <summary>
    /// A grant with what the alerts and the portfolio row read of it: its terms, the totals and lead
    /// times already computed, and only the tranches that were requested and are not paid yet (the
    /// alerts and the next expected payment look at no other), each with the date of its last step to each status
    /// (what <see cref="Tranche.DateOf"/> answers, as the grants state keeps it); no steps, the accounting and
    /// the conditions are left out. A plan of 100 tranches of which one is requested keeps one.
    /// </summary>
    public static GrantView Trim(GrantView view) => view with
    {
        Grant = view.Grant with
        {
            Conditions = null,
            Tranches =
            [
                .. view.Grant.Tranches.Where(t => t.Status != TrancheStatus.Uitbetaald && t.DateOf(TrancheStatus.Aangevraagd) is not null).Select(t => t.Kept() with { Accounting = null }),
            ],
        },
    };
}

/// <summary>
/// Keeps one project's summary for the wide views (key: the project's id). The journal's commit
/// path counts every commit concerning the project in the same transaction (so a stored summary
/// is known stale from the moment the change is committed); this grain recomputes it after
/// <see cref="ProjectChanged"/>, on the daily reminder (which keeps a cash plan's two months of
/// outlook rolling), or when a read finds it stale or run out.
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

    /// <summary>Computes, stores and answers the summary (a wide read found it stale, run out or missing); null when the project does not exist.</summary>
    Task<ProjectSummaryRow?> Current();
}

public sealed class ProjectSummaryGrain(IJournalStore store, IClock clock) : Grain, IProjectSummaryGrain
{
    private string ProjectId => this.GetPrimaryKeyString();

    /// <summary>A change was raised that no refresh has picked up yet (coalesces a burst of changes into one refresh).</summary>
    private bool _changed;

    /// <summary>The gate evidence kept between recomputations: most follow a booking, which cannot move it.</summary>
    private GateEvidenceCache? _gate;

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
        try
        {
            await Current();
        }
        catch (Journal.StorageFullException)
        {
            // A full disk (one-way call: Orleans would log a warning with a stack per refresh). The full disk has its
            // one warning per episode; the row stays stale and is computed again on the next change or read.
        }
    }

    public async Task<ProjectSummaryRow?> Current()
    {
        _changed = false;
        try
        {
            // The count of commits first: one that lands while the grains are read leaves the row stale.
            var changes = await store.ProjectChangesAsync(ProjectId);
            var row = await ComputeAsync(GrainFactory, ProjectId, AmsterdamTime.Today(clock), _gate ??= new GateEvidenceCache(store));
            try
            {
                if (row is null) await store.DeleteProjectSummaryAsync(ProjectId);
                else await store.WriteProjectSummaryAsync(ProjectId, row.CooperativeId, row.AsOf, ProjectSummaryCodec.Encode(row), changes, clock.GetCurrentInstant(), row.Funders());
            }
            catch (Journal.StorageFullException)
            {
                // A full disk refuses the stored copy, not the read: the views answer the row computed now (review17 #1); it
                // stays stale in the table and is written on the next change or read once there is room.
                _changed = true;
            }
            return row;
        }
        catch
        {
            _changed = true; // the stored row stays stale; the next read or change computes again
            throw;
        }
    }

    /// <summary>The project's summary today, read from its grains as the views did per project; null when it does not exist.</summary>
    public static async Task<ProjectSummaryRow?> ComputeAsync(IGrainFactory grains, string projectId, LocalDate today, GateEvidenceCache? gate = null)
    {
        var line = grains.GetGrain<IProjectGrain>(projectId).GetSummary();
        var financing = grains.GetGrain<IBusinessCaseGrain>(projectId).Financing();
        var facts = await ProjectFacts.LoadAsync(grains, projectId, today, gate);
        if (facts is null || await line is not { } summary) return null;
        // With a cash plan the outlook moves with the month: the next month's too, so the row lasts past the 1st.
        var nextMonth = facts.Outlook is null ? null : await grains.GetGrain<CashFlow.ICashFlowPlanGrain>(projectId).Outlook(today.ToYearMonth().PlusMonths(1));
        return ProjectSummaryRow.Of(facts, summary, await financing, nextMonth);
    }
}

/// <summary>
/// The wide views' read of the summaries: the stored rows in one query, decoded
/// (<see cref="ProjectSummaryCodec"/>); rows that are stale (a commit since), run out (a cash
/// outlook of another month) or missing are recomputed through their grain (a bounded number at a
/// time). A new day alone recomputes nothing: the day's figures are derived from the row
/// (<see cref="ProjectSummaryRow.LineOn"/>, <see cref="ProjectSummaryRow.FinanceOn"/>,
/// <see cref="ProjectSummaryRow.PortfolioOn"/>). No grain is activated for a project whose row is current.
/// </summary>
public static class ProjectSummaries
{
    private const int RecomputeAtOnce = 16;

    /// <summary>The log category of the wide views' timings (Debug: each read's phases).</summary>
    public const string LogCategory = "Warmte.WideViews";

    /// <summary>What a wide view reads: the cooperatives' records (in the order asked) and their projects' summaries.</summary>
    public sealed record WideRead(IReadOnlyList<CooperativeRecord> Cooperatives, IReadOnlyDictionary<string, ProjectSummaryRow> Summaries);

    /// <summary>
    /// The cooperatives' records and the summaries of their projects: the snapshots and the
    /// cooperatives' summary rows are queried at the same time (two queries, one round trip of wall time).
    /// </summary>
    public static async Task<WideRead> ReadCooperativesAsync(
        IJournalStore store, IGrainFactory grains, IReadOnlyCollection<string> cooperativeIds, LocalDate today, ILogger? log = null)
    {
        var started = Stopwatch.GetTimestamp();
        var snapshots = started;
        var cooperativesRead = CooperativesAsync(store, cooperativeIds).ContinueWith(t => { snapshots = Stopwatch.GetTimestamp(); return t; }, TaskScheduler.Default).Unwrap();
        var stored = await store.ReadProjectSummariesAsync(cooperativeIds);
        var queried = Stopwatch.GetTimestamp();
        var cooperatives = await cooperativesRead;
        var summaries = await CompleteAsync(stored, grains, [.. cooperatives.SelectMany(c => c.Projects).Distinct()], today, log, Stopwatch.GetElapsedTime(started, queried));
        if (log?.IsEnabled(LogLevel.Debug) == true)
            log.LogDebug("Wide read: {Cooperatives} cooperatives' snapshots {Snapshots:F1} ms (at the same time as the summaries' query)",
                cooperatives.Count, Stopwatch.GetElapsedTime(started, snapshots).TotalMilliseconds);
        return new WideRead(cooperatives, summaries);
    }

    /// <summary>
    /// What one funder's portfolio needs: the summaries of the cooperatives' projects that may have a
    /// grant of <paramref name="funderId"/> — the current rows the funder index lists for it, every
    /// stale or not-indexed row, and any project without a row (computed here) — instead of every
    /// project's row. The caller filters with <see cref="ProjectSummaryRow.PortfolioOn"/> as before, so
    /// the answer is the one the full read gives: a project left out has a current row whose funders,
    /// recorded with it, do not include <paramref name="funderId"/>. The cooperatives' snapshots (which
    /// projects exist) are read at the same time.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ProjectSummaryRow>> ReadFunderAsync(
        IJournalStore store, IGrainFactory grains, IReadOnlyCollection<string> cooperativeIds, string funderId, LocalDate today, ILogger? log = null)
    {
        var started = Stopwatch.GetTimestamp();
        var snapshots = started;
        var cooperativesRead = CooperativesAsync(store, cooperativeIds).ContinueWith(t => { snapshots = Stopwatch.GetTimestamp(); return t; }, TaskScheduler.Default).Unwrap();
        var stored = await store.ReadFunderProjectSummariesAsync(funderId);
        var queried = Stopwatch.GetTimestamp();
        var cooperatives = await cooperativesRead;
        var projects = cooperatives.SelectMany(c => c.Projects).ToHashSet(StringComparer.Ordinal);
        // The rows read (of existing projects), and the projects without any row.
        List<string> wanted = [.. stored.Rows.Select(r => r.ProjectId).Where(projects.Contains), .. projects.Where(p => !stored.StoredProjectIds.Contains(p))];
        var summaries = await CompleteAsync(stored.Rows, grains, wanted, today, log, Stopwatch.GetElapsedTime(started, queried));
        if (log?.IsEnabled(LogLevel.Debug) == true)
            log.LogDebug("Wide read: {Cooperatives} cooperatives' snapshots {Snapshots:F1} ms (at the same time as the summaries' query); funder {Funder}: {Rows} rows of {Stored}",
                cooperatives.Count, Stopwatch.GetElapsedTime(started, snapshots).TotalMilliseconds, funderId, stored.Rows.Count, stored.StoredProjectIds.Count);
        return summaries;
    }

    /// <summary>The summaries of <paramref name="projectIds"/> (reads every stored row).</summary>
    public static async Task<IReadOnlyDictionary<string, ProjectSummaryRow>> ReadAsync(
        IJournalStore store, IGrainFactory grains, IReadOnlyCollection<string> projectIds, LocalDate today, ILogger? log = null)
    {
        var started = Stopwatch.GetTimestamp();
        var stored = await store.ReadProjectSummariesAsync();
        return await CompleteAsync(stored, grains, projectIds, today, log, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<IReadOnlyDictionary<string, ProjectSummaryRow>> CompleteAsync(
        IReadOnlyList<StoredProjectSummary> stored, IGrainFactory grains, IReadOnlyCollection<string> projectIds, LocalDate today, ILogger? log, TimeSpan query)
    {
        var started = Stopwatch.GetTimestamp();
        var wanted = projectIds.ToHashSet(StringComparer.Ordinal);
        var rows = new Dictionary<string, ProjectSummaryRow>(wanted.Count, StringComparer.Ordinal);
        var bytes = 0L;
        foreach (var s in stored)
        {
            bytes += s.Summary.Length;
            if (wanted.Contains(s.ProjectId) && !s.Stale && ProjectSummaryCodec.Decode(s.Summary) is { } row && row.Covers(today))
                rows[s.ProjectId] = row;
        }
        var decoded = Stopwatch.GetTimestamp();
        var missing = wanted.Where(id => !rows.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            var recomputed = new ProjectSummaryRow?[missing.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, missing.Count), new ParallelOptions { MaxDegreeOfParallelism = RecomputeAtOnce },
                async (i, _) => recomputed[i] = await grains.GetGrain<IProjectSummaryGrain>(missing[i]).Current());
            foreach (var row in recomputed.OfType<ProjectSummaryRow>())
                if (row.Covers(today)) rows[row.ProjectId] = row;
                else if (await ProjectSummaryGrain.ComputeAsync(grains, row.ProjectId, today) is { } now) rows[row.ProjectId] = now; // a month began in between
        }
        if (log?.IsEnabled(LogLevel.Debug) == true)
            log.LogDebug("Summaries read: {Rows} rows, {Bytes} bytes; query {Query:F1} ms, decode {Decode:F1} ms, recompute {Recomputed} in {Recompute:F1} ms",
                stored.Count, bytes, query.TotalMilliseconds, Stopwatch.GetElapsedTime(started, decoded).TotalMilliseconds,
                missing.Count, Stopwatch.GetElapsedTime(decoded).TotalMilliseconds);
        return rows;
    }

    /// <summary>The cooperatives' records in one query (their journal snapshots), in the order asked; unknown ones left out.</summary>
    public static async Task<IReadOnlyList<CooperativeRecord>> CooperativesAsync(IJournalStore store, IReadOnlyCollection<string> ids)
    {
        var snapshots = await store.LoadManyAsync(CooperativeGrain.JournalType, ids);
        return
        [
            .. ids.Select(id => snapshots.GetValueOrDefault(id))
                .Select(s => s is null ? null : JsonSerializer.Deserialize<RecordState<CooperativeRecord>>(s.State, WideViewJson.Options)?.Record)
                .OfType<CooperativeRecord>(),
        ];
    }

    /// <summary>A cooperative with its projects' lines on <paramref name="day"/>, as <see cref="ICooperativeGrain.Get"/> answers it, from the summaries.</summary>
    public static CooperativeView View(CooperativeRecord cooperative, IReadOnlyDictionary<string, ProjectSummaryRow> summaries, LocalDate day) => new()
    {
        Cooperative = cooperative,
        Projects = [.. cooperative.Projects.Select(p => summaries.GetValueOrDefault(p)?.LineOn(day)).OfType<ProjectSummary>()],
    };
}
