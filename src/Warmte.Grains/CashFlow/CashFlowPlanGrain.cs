using System.Collections.Immutable;
using NodaTime;
using System.Text.Json;
using Warmte.Alerts;
using Warmte.Common;
using Warmte.Grants;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.CashFlow;

/// <summary>A project's saved cash-flow plan: the file as sent, who saved it and when.</summary>
[GenerateSerializer, Immutable]
public sealed record CashFlowPlanInfo(
    [property: Id(0)] string Name, [property: Id(1)] string SavedBy, [property: Id(2)] Instant SavedAt, [property: Id(3)] string PlanJson);

/// <summary>
/// The cash-flow plan of one project (key: the project's id) and its simulations. The funder's
/// lead times are taken from what actually happened on this project's grants as soon as one
/// tranche went from request to payment; until then the plan's own setting is used.
/// </summary>
public interface ICashFlowPlanGrain : IGrainWithStringKey
{
    Task<Outcome<CashFlowPlanInfo>> Save(string planJson, string actor);

    Task<CashFlowPlanInfo?> Get();

    /// <summary>One regime from the plan's start, with the outlook taken at <paramref name="today"/>; null without a plan.</summary>
    Task<Outcome<CashFlowResult>> Simulate(Regime regime, YearMonth today);

    Task<RegimeComparison?> Compare(YearMonth today);

    /// <summary>Today's outlook under the current regime (tranches after accounting); null without a plan.</summary>
    Task<Outlook?> Outlook(YearMonth today);

    /// <summary>Books money actually spent; the same idempotency key books once.</summary>
    Task<Outcome<SpendingBooking>> Book(BookSpending command, string actor, string? idempotencyKey);

    /// <summary>
    /// Corrects booking <paramref name="bookingId"/> with a new booking of the difference and a reason
    /// (<see cref="SpendingLedger.Correct"/>); the same idempotency key corrects once.
    /// </summary>
    Task<Outcome<SpendingBooking>> Correct(string bookingId, CorrectSpending command, string actor, string? idempotencyKey);

    /// <summary>The bookings of <paramref name="month"/> as they stand, in the order they were made.</summary>
    Task<ImmutableArray<SpendingBooking>> Bookings(YearMonth month);

    /// <summary>
    /// The bookings of a range of months (<see cref="SpendingRanges.Resolve"/>: one month, from–to, or the most recent
    /// booked months), read from the journal by tag range, with where earlier and later bookings are; refused for a
    /// range that is too wide or does not hold. One page of those months' bookings (<see cref="SpendingPages"/>; page from 1,
    /// pageSize clamped to 1–<see cref="SpendingPages.MaxPageSize"/>), with how many the months hold.
    /// </summary>
    Task<Outcome<SpendingListing>> Spending(YearMonth? month, YearMonth? from, YearMonth? to, int page = 1, int pageSize = SpendingPages.DefaultPageSize);

    /// <summary>
    /// Spending per month and kind of work (the project workbook's budget sheet), folded from the journal's bookings in
    /// pages of months (<see cref="SpendingRanges.Pages"/>); the state keeps nothing per kind, so its size does not grow
    /// with the months and kinds booked.
    /// </summary>
    Task<ImmutableArray<MonthKindSpending>> SpendingByKind();

    /// <summary>Sets month totals per kind of work (a spreadsheet import), all or nothing; the same totals again change nothing.</summary>
    Task<Outcome<MonthTotalsResult>> SetTotals(ImmutableArray<MonthTotal?> totals, string actor, bool dryRun = false);

    /// <summary>The actual cash line up to <paramref name="today"/>: the plan's opening balance, tranches paid, spending booked.</summary>
    Task<ActualCashPosition> Position(YearMonth today);

    /// <summary>The board states how many work months are done by the end of a month (and whether the work stood still).</summary>
    Task<Outcome<ProgressReport>> ReportProgress(ReportProgress command, string actor);

    Task<ImmutableArray<ProgressReport>> ProgressReports();

    /// <summary>Actual up to <paramref name="today"/>, projected after it from the actual state; refused without a plan.</summary>
    Task<Outcome<CashTimeline>> Timeline(Regime regime, YearMonth today);
}

/// <summary>
/// The cash plan's current aggregate (journal snapshot): whether a plan is saved, how many bookings
/// there are and the spending per month, and the progress reports in force (one per month). Its
/// size depends on the months the project runs, not on how many bookings were made: the bookings
/// themselves are facts in the journal (<see cref="SpendingLedger"/>). The plan file (up to
/// <see cref="CashFlowPlanGrain.MaxPlanBytes"/>) is a journal row of its own, written when it is
/// saved, so a booking does not rewrite it. Nothing per kind of work is kept (the budget sheet folds the journal,
/// <see cref="CashFlowPlanGrain.SpendingByKind"/>): a snapshot that the build of 7-12-2026 wrote with
/// <c>spentByKind</c> still loads (an unknown property is skipped) and loses it at its next commit.
/// </summary>
public sealed record CashFlowPlanState
{
    /// <summary>
    /// The plan as snapshots before 6-12-2026 held it (inside the snapshot). Read as it is; the
    /// grain's next commit moves it to a <see cref="CashFlowPlanGrain.PlanFileKind"/> row and clears it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CashFlowPlanInfo? Plan { get; init; }

    /// <summary>The plan in force is the newest <see cref="CashFlowPlanGrain.PlanFileKind"/> journal row.</summary>
    public bool PlanInJournal { get; init; }

    public int BookingCount { get; init; }

    /// <summary>
    /// Spending per month, months in order (<see cref="SpendingLedger.Apply"/>). Stored in a compact
    /// form, about 20 bytes a month (<see cref="MonthSpendingJson"/>; the array of objects before it is still read).
    /// </summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(MonthSpendingJson))]
    public ImmutableArray<MonthSpending> Spent { get; init; } = [];

    /// <summary>The board's progress reports, one per month, in month order (a later report for a month replaces it; the journal keeps both).</summary>
    public ImmutableArray<ProgressReport> Progress { get; init; } = [];

    /// <summary>The state after <paramref name="facts"/>.</summary>
    public CashFlowPlanState With(IEnumerable<SpendingFact> facts) => facts.Aggregate(this, (state, fact) => state with
    {
        BookingCount = state.BookingCount + SpendingLedger.CountDelta(fact),
        Spent = SpendingLedger.Apply(state.Spent, fact),
    });

    /// <summary>The months that have bookings, in order.</summary>
    public IReadOnlyList<YearMonth> BookedMonths() => [.. Spent.Select(m => m.Month)];
}

/// <summary>
/// Thin shell around <see cref="ActualCash"/>, <see cref="SpendingLedger"/> and <see cref="WorkProgress"/>:
/// load the journaled state, call the rules, commit the new state with its facts (and the
/// idempotency key) in one transaction, answer.
/// </summary>
public sealed class CashFlowPlanGrain(IJournalStore store, IClock clock) : Grain, ICashFlowPlanGrain
{
    public const int MaxPlanBytes = 512 * 1024;

    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "cashplan";

    public const string ProgressKind = "progress";

    /// <summary>Journal rows holding a saved plan file (the newest is the plan in force).</summary>
    public const string PlanFileKind = "plan-file";

    private JournaledState<CashFlowPlanState> _journal = null!;

    // The stored plan parsed once, and the last outlook: portfolio, umbrella and alert reads ask
    // for the same outlook many times a day; before anything actual is recorded it changes only with
    // the plan, the lead times observed on the grants, the day and the grants' next payment (its key).
    private (CashFlowPlanInfo Info, CashFlowPlan Plan)? _parsed;
    private ((CashFlowPlan Plan, LocalDate Today, NextPayment? Next) Key, Outlook Outlook)? _lastOutlook;

    // The plan in force (from its journal row, or from an old snapshot that still holds it) and
    // whether the next commit must move it out of such a snapshot.
    private CashFlowPlanInfo? _plan;
    private bool _movePlan;

    private CashFlowPlanState State => _journal.State;

    // "Something changed on this project" at most once a second: one per booking cost more than the booking.
    private CoalescedProjectChange _changed = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _journal = new JournaledState<CashFlowPlanState>(store, JournalType, this.GetPrimaryKeyString());
        _changed = new CoalescedProjectChange(this, GrainFactory, this.GetPrimaryKeyString());
        await _journal.LoadAsync();
        await LoadPlanAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _changed.RaisePending();

    private async Task LoadPlanAsync()
    {
        _movePlan = State.Plan is not null;
        _plan = State.Plan ?? (State.PlanInJournal
            ? (await _journal.ReadAsync(new JournalQuery(PlanFileKind, NewestFirst: true, Take: 1))).Select(JournaledState<CashFlowPlanState>.Payload<CashFlowPlanInfo>).FirstOrDefault()
            : null);
    }

    /// <summary>
    /// The grain's one commit: <see cref="JournaledState{TState}.CommitAsync"/>, and on the first
    /// commit over an old snapshot the plan moves out of it (a plan-file row after the entries, so
    /// the seqs the caller counted on stay right).
    /// </summary>
    private async Task Commit(CashFlowPlanState newState, IReadOnlyList<JournalAppend> entries, Instant now, IdempotencyRecord? key = null)
    {
        if (_movePlan && _plan is { } plan)
        {
            newState = newState with { Plan = null, PlanInJournal = true };
            entries = [.. entries, PlanFileEntry(plan)];
        }
        try
        {
            await _journal.CommitAsync(newState, entries, now, key);
        }
        catch
        {
            try { await LoadPlanAsync(); } catch { /* the journal reloads at the next call; so does the plan */ }
            throw;
        }
        _movePlan = false;
    }

    /// <summary>The journal row of a saved plan file.</summary>
    public static JournalAppend PlanFileEntry(CashFlowPlanInfo plan) =>
        JournaledState<CashFlowPlanState>.Entry(PlanFileKind, null, plan.SavedAt, plan.SavedBy, plan);

    public async Task<Outcome<CashFlowPlanInfo>> Save(string planJson, string actor)
    {
        if (string.IsNullOrWhiteSpace(planJson)) return Refusal.Invalid("plan", "is verplicht.");
        if (planJson.Length > MaxPlanBytes) return Refusal.Invalid("plan", $"is te groot (maximaal {MaxPlanBytes / 1024} kB).");
        var read = PlanReader.Read(planJson);
        if (!read.IsOk) return Refusal.Invalid(read.Refusal!.Errors.Select(e => e with { Field = "plan." + e.Field }));
        await _journal.EnsureLoadedAsync();
        // The same plan again (a retried PUT) stores nothing and answers the plan as first saved: no second plan-file row.
        if (State.PlanInJournal && _plan is { } same && same.PlanJson == planJson) return Outcome<CashFlowPlanInfo>.Ok(same);
        var now = clock.GetCurrentInstant();
        var info = new CashFlowPlanInfo(read.Value!.Name, actor, now, planJson);
        // The file goes into its own journal row; the snapshot only says there is one.
        _movePlan = false;
        await Commit(State with { Plan = null, PlanInJournal = true }, [PlanFileEntry(info)], now);
        _plan = info;
        await ProjectChanged();
        return Outcome<CashFlowPlanInfo>.Ok(info);
    }

    public Task<CashFlowPlanInfo?> Get() => Task.FromResult(_plan);

    public async Task<Outcome<CashFlowResult>> Simulate(Regime regime, YearMonth today)
    {
        if (await Facts() is not { } facts) return Refusal.NotFound("Kasstroomplan van project", this.GetPrimaryKeyString());
        if (!CashFlowSimulator.RegimesFor(facts.Plan).Contains(regime))
            return Refusal.Invalid("regime", "dit plan heeft geen overbruggingslening; kies Tranches of Milestones.");
        // The months are the plan's simulation; the outlook is the project's one answer (ProjectCash).
        return Outcome<CashFlowResult>.Ok(ProjectCash.Simulation(facts, regime, DayOf(today)));
    }

    public async Task<RegimeComparison?> Compare(YearMonth today) =>
        await Plan() is { } plan ? CashFlowSimulator.Compare(plan, today) : null;

    public async Task<Outlook?> Outlook(YearMonth today)
    {
        if (await Facts() is not { } facts) return null;
        // Once anything actual is recorded (a tranche requested, spending, progress), the outlook is
        // taken from where the project really is; before that, the plan simulated from its start
        // (ProjectCash.Outlook, the one answer every view shows).
        var day = DayOf(today);
        if (facts.HasActuals) return ProjectCash.Outlook(facts, day);
        // Cached on everything the plan-basis answer depends on (review2 F3: keyed on the stored plan alone, a
        // tranche step left the old outlook, and its alert, in the portfolio): the plan with the lead times
        // observed on the grants, the day, and the next payment the grants' tranches give.
        var key = (facts.PlanWithObservedLeadTimes, day, PaymentExpectation.Next(facts.Grants, day));
        if (_lastOutlook is { } last && last.Key == key) return last.Outlook;
        var outlook = ProjectCash.Outlook(facts, day, key.Item3);
        _lastOutlook = (key, outlook);
        return outlook;
    }

    /// <summary>The day an outlook for <paramref name="month"/> is taken on: today in this month, else the month's first day.</summary>
    private LocalDate DayOf(YearMonth month) =>
        AmsterdamTime.Today(clock) is var today && today.ToYearMonth() == month ? today : month.OnDayOfMonth(1);

    /// <summary>A booking, once per idempotency key (<see cref="Once"/>).</summary>
    public async Task<Outcome<SpendingBooking>> Book(BookSpending command, string actor, string? idempotencyKey)
    {
        await _journal.EnsureLoadedAsync();
        var now = clock.GetCurrentInstant();
        var outcome = ActualCash.Book(command, AmsterdamTime.Today(clock).ToYearMonth(),
            "b-" + Guid.NewGuid().ToString("N")[..12], actor, now);
        return await Once(outcome, idempotencyKey, (stored, _) => Same(stored, command), Fingerprint, now);
    }

    /// <summary>
    /// A correction: a booking of its own (kind "spending", tagged with the corrected booking's month), so
    /// the month's sum, the cash line and everything computed from them follow, and the journal keeps the
    /// mistake and its correction side by side; once per idempotency key (<see cref="Once"/>). Reads only
    /// what the rule needs: the corrected booking's row by its id (one indexed lookup,
    /// <see cref="IJournalStore.FindBookingAsync"/>) for its month, then that month's bookings — where the
    /// booking and every correction of it are — as <see cref="SetTotals"/> does; not every booking of the project.
    /// </summary>
    public async Task<Outcome<SpendingBooking>> Correct(string bookingId, CorrectSpending command, string actor, string? idempotencyKey)
    {
        await _journal.EnsureLoadedAsync();
        var fingerprint = CorrectionFingerprint(bookingId, command);
        var row = await store.FindBookingAsync(JournalType, this.GetPrimaryKeyString(), bookingId);
        ImmutableArray<SpendingBooking> monthBookings = row is null ? [] : await BookingsOf(JournaledState<CashFlowPlanState>.Payload<SpendingFact>(row).Booking.Month);
        var now = clock.GetCurrentInstant();
        var outcome = SpendingLedger.Correct(bookingId, command, monthBookings, "c-" + Guid.NewGuid().ToString("N")[..12], actor, now);
        return await Once(outcome, idempotencyKey, (_, key) => key.Fingerprint == fingerprint, _ => fingerprint, now);
    }

    /// <summary>
    /// The one idempotent write of a booking or a correction, in the shape every keyed write has
    /// (<see cref="IdempotentWrite.OnceAsync"/>): the rules first, the key committed with the fact, read only when the
    /// commit is refused or the rules refuse; a stored key answers with its booking when it stands for the same request
    /// (<paramref name="same"/>), 409 <c>idempotency-key-reused</c> when not.
    /// </summary>
    private Task<Outcome<SpendingBooking>> Once(Outcome<SpendingBooking> outcome, string? idempotencyKey,
        Func<SpendingBooking, IdempotencyRecord, bool> same, Func<SpendingBooking, string> fingerprint, Instant now) =>
        IdempotentWrite.OnceAsync(outcome, idempotencyKey,
            // Every key of this grain is stored with the booking it made; a key without one answers nothing.
            findKey: async key => await _journal.FindIdempotencyAsync(key) is { Answer: not null } seen ? seen : null,
            replay: seen => Replay(seen, same),
            commit: async (booking, key) =>
            {
                var fact = new SpendingFact(SpendingChange.Booked, booking);
                await Commit(State.With([fact]), [SpendingEntry(fact)], now,
                    key is null ? null : new IdempotencyRecord(key, fingerprint(booking), JsonSerializer.Serialize(booking, WarmteJson.Default), _journal.NextSeq));
                await ProjectChanged();
                return booking;
            });

    /// <summary>The answer of a key used before: its booking when it stands for the same request, 409 when it does not.</summary>
    private static Outcome<SpendingBooking> Replay(IdempotencyRecord seen, Func<SpendingBooking, IdempotencyRecord, bool> same)
    {
        var stored = JsonSerializer.Deserialize<SpendingBooking>(seen.Answer!, WarmteJson.Default)!;
        return same(stored, seen) ? Outcome<SpendingBooking>.Ok(stored)
            : Refusal.Conflict("idempotency-key-reused", "Deze idempotency-sleutel is al gebruikt voor een andere boeking of correctie.");
    }

    /// <summary>What an idempotency key of a correction stands for: the booking, the amount it should have been, the reason.</summary>
    public static string CorrectionFingerprint(string bookingId, CorrectSpending command) =>
        $"correction:{bookingId}:{command.Amount?.ToString("0.00########", System.Globalization.CultureInfo.InvariantCulture)}:{command.Reason?.Trim()}";

    public async Task<Outcome<MonthTotalsResult>> SetTotals(ImmutableArray<MonthTotal?> totals, string actor, bool dryRun = false)
    {
        await _journal.EnsureLoadedAsync();
        // Only the months the request names are read: a total's id holds its month, and a total is the
        // month's total for its kind, so the bookings made one by one in those months count too.
        var existing = new List<SpendingBooking>();
        foreach (var month in totals.Select(t => t?.Month).OfType<YearMonth>().Distinct())
            existing.AddRange(await BookingsOf(month));
        var now = clock.GetCurrentInstant();
        var outcome = SpendingLedger.SetTotals(existing, totals, AmsterdamTime.Today(clock).ToYearMonth(), actor, now);
        if (!outcome.IsOk) return outcome.Refusal!;
        var (facts, result) = outcome.Value;
        if (facts.IsEmpty || dryRun) return Outcome<MonthTotalsResult>.Ok(result);
        await Commit(State.With(facts), [.. facts.Select(SpendingEntry)], now);
        await ProjectChanged();
        return Outcome<MonthTotalsResult>.Ok(result);
    }

    public Task<ImmutableArray<SpendingBooking>> Bookings(YearMonth month) => BookingsOf(month);

    public async Task<Outcome<SpendingListing>> Spending(YearMonth? month, YearMonth? from, YearMonth? to, int page = 1, int pageSize = SpendingPages.DefaultPageSize)
    {
        await _journal.EnsureLoadedAsync();
        var range = SpendingRanges.Resolve(State.BookedMonths(), month, from, to);
        if (!range.IsOk) return range.Refusal!;
        var (first, last, earlier, later) = range.Value!;
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, SpendingPages.MaxPageSize);
        // How many bookings the months hold comes from the state; the page itself from the journal, without the rows before it.
        var total = first is { } a && last is { } z ? State.Spent.Where(m => m.Month >= a && m.Month <= z).Sum(m => m.Bookings) : 0;
        var skip = (long)(page - 1) * pageSize;
        ImmutableArray<SpendingBooking> items = [];
        if (skip < total && first is { } f && last is { } l)
        {
            var (tagFrom, tagTo) = (SpendingLedger.Tag(f), SpendingLedger.Tag(l));
            var totals = SpendingLedger.Standing((await _journal.ReadSpendingRangeAsync(tagFrom, tagTo, SpendingRows.Totals))
                .Select(r => (r.Seq, JournaledState<CashFlowPlanState>.Payload<SpendingFact>(r))));
            var firstSingle = SpendingPages.FirstSingle(skip, totals.Length);
            var singles = await _journal.ReadSpendingRangeAsync(tagFrom, tagTo, SpendingRows.Single, firstSingle,
                SpendingPages.SinglesToRead(skip, totals.Length, pageSize));
            items = SpendingPages.Page(totals, firstSingle,
                [.. singles.Select(r => (r.Seq, JournaledState<CashFlowPlanState>.Payload<SpendingFact>(r).Booking))], skip, pageSize);
        }
        return Outcome<SpendingListing>.Ok(new SpendingListing(first, last, earlier, later,
            State.BookingCount, State.Spent.Aggregate(0m, (sum, m) => sum + m.Amount), items) { Page = page, PageSize = pageSize, Total = total });
    }

    public async Task<ImmutableArray<MonthKindSpending>> SpendingByKind()
    {
        await _journal.EnsureLoadedAsync();
        // One page of months at a time, folded and let go before the next is read: a booking, its corrections and a
        // month total's replacements share their month, so each page's fold is exactly its months' part of the whole.
        var rows = ImmutableArray.CreateBuilder<MonthKindSpending>();
        foreach (var (from, to) in SpendingRanges.Pages(State.BookedMonths(), SpendingRanges.PageBookedMonths))
            rows.AddRange(SpendingLedger.ByKind((await _journal.ReadTagRangeAsync(SpendingLedger.Kind, SpendingLedger.Tag(from), SpendingLedger.Tag(to)))
                .Select(JournaledState<CashFlowPlanState>.Payload<SpendingFact>)));
        return rows.ToImmutable();
    }

    public async Task<ActualCashPosition> Position(YearMonth today)
    {
        var grants = await GrainFactory.GetGrain<IGrantsGrain>(this.GetPrimaryKeyString()).Grants();
        return ProjectCash.Position(StoredPlan(), grants, State.Spent, today);
    }

    public async Task<Outcome<ProgressReport>> ReportProgress(ReportProgress command, string actor)
    {
        await _journal.EnsureLoadedAsync();
        if (StoredPlan() is not { } plan)
            return Refusal.Invalid("plan", "dit project heeft nog geen kasstroomplan; de voortgang wordt in werkmaanden van dat plan gemeld.");
        var now = clock.GetCurrentInstant();
        var outcome = WorkProgress.Check(plan, State.Progress, command, AmsterdamTime.Today(clock).ToYearMonth(), actor, now);
        if (!outcome.IsOk) return outcome;
        var report = outcome.Value!;
        if (State.Progress.FirstOrDefault(r => r.Month == report.Month) is { } same
            && same.WorkMonthsDone == report.WorkMonthsDone && same.Stalled == report.Stalled)
            return Outcome<ProgressReport>.Ok(same);
        var progress = State.Progress.Where(r => r.Month != report.Month).Append(report).OrderBy(r => r.Month).ToImmutableArray();
        await Commit(State with { Progress = progress },
            [JournaledState<CashFlowPlanState>.Entry(ProgressKind, SpendingLedger.Tag(report.Month), now, actor, report)], now);
        await ProjectChanged();
        return outcome;
    }

    public Task<ImmutableArray<ProgressReport>> ProgressReports() => Task.FromResult(State.Progress);

    public async Task<Outcome<CashTimeline>> Timeline(Regime regime, YearMonth today)
    {
        if (await Facts() is not { } facts) return Refusal.NotFound("Kasstroomplan van project", this.GetPrimaryKeyString());
        if (regime == Regime.Milestones || !CashFlowSimulator.RegimesFor(facts.Plan).Contains(regime))
            return Refusal.Invalid("regime", facts.Plan.BridgeLoan is null
                ? "vanaf de werkelijke stand rekent alleen Tranches (dit plan heeft geen overbruggingslening)."
                : "vanaf de werkelijke stand rekenen Tranches en Bridge; voorfinanciering per fase vergelijkt u met warmte regimes.");
        return Outcome<CashTimeline>.Ok(ProjectCash.Timeline(facts, regime, DayOf(today)));
    }

    /// <summary>The journal row of a spending fact: kind "spending", tagged with its month.</summary>
    public static JournalAppend SpendingEntry(SpendingFact fact) =>
        JournaledState<CashFlowPlanState>.Entry(SpendingLedger.Kind, SpendingLedger.Tag(fact.Booking.Month), fact.Booking.BookedAt, fact.Booking.BookedBy, fact);

    /// <summary>What an idempotency key of a booking stands for (the replay itself compares the stored booking).</summary>
    public static string Fingerprint(SpendingBooking booking) =>
        $"spending:{SpendingLedger.Tag(booking.Month)}:{booking.Kind}:{booking.Amount}:{booking.Note}";

    private async Task<ImmutableArray<SpendingBooking>> BookingsOf(YearMonth month) =>
        SpendingLedger.Bookings(await SpendingFacts(SpendingLedger.Tag(month)));

    private async Task<IEnumerable<SpendingFact>> SpendingFacts(string tag) =>
        (await _journal.ReadAsync(new JournalQuery(SpendingLedger.Kind, tag))).Select(JournaledState<CashFlowPlanState>.Payload<SpendingFact>);

    /// <summary>"Something changed on this project": alerts follow every change (one-way; at most once a second, <see cref="CoalescedProjectChange"/>).</summary>
    private Task ProjectChanged() => _changed.Raise();


    private static bool Same(SpendingBooking booked, BookSpending command) =>
        booked.Corrects is null && booked.Month == command.Month && booked.Amount == command.Amount
        && booked.Note == (string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim())
        && ActualCash.ParseKind(command.Kind) == booked.Kind;


    private CashFlowPlan? StoredPlan()
    {
        if (_plan is not { } info) return null;
        if (_parsed is not { } parsed || !ReferenceEquals(parsed.Info, info))
            _parsed = parsed = (info, PlanReader.Read(info.PlanJson).Value!);
        return parsed.Plan;
    }

    private async Task<CashFlowPlan?> Plan() => await Facts() is { } facts ? facts.PlanWithObservedLeadTimes : null;

    /// <summary>The stored plan, the project's grants (one call to the funding grain), the spending and the progress reports.</summary>
    private async Task<CashFacts?> Facts()
    {
        if (StoredPlan() is not { } plan) return null;
        var grants = await GrainFactory.GetGrain<IGrantsGrain>(this.GetPrimaryKeyString()).Grants();
        return new CashFacts(plan, grants, State.Spent, State.Progress);
    }
}

/// <summary>
/// Turns a project's real tranche history into the simulator's lead times: durations in days (request to approved
/// accounting, request to payment), their medians, and the whole months the simulation moves by (tester T11).
/// </summary>
public static class ObservedLeadTimes
{
    public static FunderLeadTimes? From(IEnumerable<GrantView> grants)
    {
        var observations = grants
            .SelectMany(g => g.Grant.Tranches)
            // An advance says nothing about how long an accounting's review takes (tester T3; as LeadTimes.Of).
            .Where(t => !t.ApprovedAsAdvance)
            .Select(t => (Requested: t.DateOf(TrancheStatus.Aangevraagd), Approved: t.DateOf(TrancheStatus.Goedgekeurd), Paid: t.DateOf(TrancheStatus.Uitbetaald)))
            .Where(t => t.Requested is not null && t.Approved is not null && t.Paid is not null)
            .Select(t => (Days(t.Requested!.Value, t.Approved!.Value), Days(t.Requested!.Value, t.Paid!.Value)))
            .ToList();
        return observations.Count == 0 ? null : FunderLeadTimes.FromDays(observations);
    }

    private static int Days(LocalDate from, LocalDate to) => Period.Between(from, to, PeriodUnits.Days).Days;
}
