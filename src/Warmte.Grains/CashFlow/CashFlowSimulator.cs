using System.Collections.Immutable;
using NodaTime;

namespace Warmte.CashFlow;

/// <summary>
/// The cash-flow and stall (windstilte) simulator: a development plan month by month under one
/// financing regime. Pure and deterministic: no clock, no I/O; money is booked in cents.
/// </summary>
/// <remarks>
/// Each month, in this order:
/// 1. payments due this month arrive (a payment is usable in the month it arrives); in the bridge
///    regime a tranche first repays the bridge loan;
/// 2. the next work month is done if cash after its cost (plus the restart cost after a stall) stays
///    at or above the buffer, drawing the bridge loan if that is what it takes; otherwise the month
///    is stalled and only the fixed costs (packages that run during a stall) are paid, even if cash
///    goes below the buffer or below zero (unpaid bills are still costs);
/// 3. interest on the bridge loan accrues and is added to it;
/// 4. at the month's end, requests and accountings go out and approvals come in.
/// The simulation ends when the work is done, or when the work is stalled and no payment is on its
/// way (the plan's money has run out).
/// </remarks>
public static class CashFlowSimulator
{
    /// <summary>A safety stop; any valid plan ends long before (≤ 360 work months, ≤ 100 payments, each ≤ 120 months away).</summary>
    public const int MaxMonths = 20_000;

    /// <summary>
    /// Simulates one regime. <paramref name="today"/> is where the runway outlook is taken (default the
    /// plan's today, else its start). The bridge regime needs a plan with a bridge loan.
    /// </summary>
    public static CashFlowResult Simulate(CashFlowPlan plan, Regime regime, YearMonth? today = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // PlanReader guarantees these; a plan built in code must too.
        if (plan.Phases.IsDefaultOrEmpty || plan.WorkPlan.IsDefault || plan.Grant.Tranches.IsDefaultOrEmpty)
            throw new ArgumentException("A plan needs at least one phase and one tranche.", nameof(plan));
        if (regime == Regime.Bridge && plan.BridgeLoan is null)
            throw new ArgumentException("The bridge regime needs a plan with a bridge loan.", nameof(regime));
        return new Run(plan, regime).Execute(today ?? plan.Today ?? plan.StartMonth);
    }

    /// <summary>
    /// Projects the plan forward from the project's actual state (<see cref="ActualState"/>): the months
    /// after <c>from.Month</c>, with the payments and approvals already on their way, the plan's later
    /// tranches requested as its rule says, and the outlook taken at the first projected month. Only the
    /// tranche regimes apply (the milestone regime pays phase budgets, which an actual tranche history
    /// does not have); null when the work is already done.
    /// </summary>
    public static CashFlowResult? SimulateFrom(CashFlowPlan plan, ActualState from, Regime regime = Regime.Tranches)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(from);
        if (regime == Regime.Milestones) throw new ArgumentException("Projecting from the actual state needs a tranche regime.", nameof(regime));
        if (regime == Regime.Bridge && plan.BridgeLoan is null)
            throw new ArgumentException("The bridge regime needs a plan with a bridge loan.", nameof(regime));
        if (from.WorkMonthsDone >= plan.WorkMonths) return null;
        return new Run(plan, regime).ExecuteFrom(from);
    }

    /// <summary>The regimes this plan can be compared on: the bridge regime only when it has a bridge loan.</summary>
    public static ImmutableArray<Regime> RegimesFor(CashFlowPlan plan) =>
        plan.BridgeLoan is null ? [Regime.Tranches, Regime.Milestones] : [Regime.Tranches, Regime.Milestones, Regime.Bridge];

    /// <summary>Every regime the plan allows, on the same plan, side by side.</summary>
    public static RegimeComparison Compare(CashFlowPlan plan, YearMonth? today = null) =>
        new(plan.Name, [.. RegimesFor(plan).Select(r => Simulate(plan, r, today))]);

    /// <summary>Money is booked in cents, half away from zero.</summary>
    internal static decimal Cents(decimal euros) => decimal.Round(euros, 2, MidpointRounding.AwayFromZero);

    /// <summary>A payment due; <paramref name="Grant"/> names the grant of a tranche already requested (its own number), null for the plan's own.</summary>
    private sealed record Payment(YearMonth Month, decimal Amount, int Number, string? Grant = null);

    private sealed record Approval(YearMonth Month, decimal Accounted, int Number, string? Grant = null);

    /// <summary>The state of one simulation; used once.</summary>
    private sealed class Run
    {
        private readonly CashFlowPlan _plan;
        private readonly Regime _regime;
        private readonly BridgeLoan? _bridge;
        private readonly int _workMonths;
        // Cost of work month w (index w, 1-based): everything, and the part that runs on during a stall.
        private readonly decimal[] _fullCost;
        private readonly decimal[] _fixedCost;

        private readonly List<Payment> _payments = [];
        private readonly List<Approval> _approvals = [];
        private readonly List<MonthResult> _months = [];
        private readonly List<MilestoneReached> _milestones = [];

        private decimal _cash;
        private int _done;
        private decimal _paid;
        private decimal _spent;
        private decimal _submitted;
        private decimal _approved;
        private decimal _bridgeOutstanding;
        private decimal _interest;
        private int _nextTranche;
        // From the actual state: what the plan's later tranches may still bring together (tester T1); null = no cap.
        private decimal? _grantLeft;
        // From the actual state: the month the work began to stand still, when it stands still today (tester T3).
        private YearMonth? _stalledSince;
        private bool _stalledToday;
        private bool _requestOpen;
        private bool _finished;
        // Milestones reached and waited for (their delay), the months still to wait, and waited so far.
        private readonly List<PlanMilestone> _waitingFor = [];
        private int _waitLeft;
        private int _waited;

        public Run(CashFlowPlan plan, Regime regime)
        {
            _plan = plan;
            _regime = regime;
            _bridge = regime == Regime.Bridge ? plan.BridgeLoan : null;
            _workMonths = plan.WorkMonths;
            _fullCost = plan.WorkMonthCosts();
            _fixedCost = plan.WorkMonthCosts(fixedOnly: true);
        }

        private bool UsesTranches => _regime != Regime.Milestones;

        public CashFlowResult Execute(YearMonth today)
        {
            _cash = _plan.OpeningBalance;
            // The plan starts at the grant decision: the first tranche, or the first phase's budget, comes with it.
            if (UsesTranches)
            {
                _payments.Add(new Payment(_plan.StartMonth, _plan.Grant.Tranches[0], 1));
                _nextTranche = 1;
                _requestOpen = true;
            }
            else _payments.Add(new Payment(_plan.StartMonth, _plan.Phases[0].Budget, 1));
            return Simulate(_plan.StartMonth, today, stalledBefore: false);
        }

        /// <summary>From the actual state at the end of its month onwards (tranche regimes only).</summary>
        public CashFlowResult ExecuteFrom(ActualState from)
        {
            _cash = from.Cash;
            _done = Math.Clamp(from.WorkMonthsDone, 0, _workMonths);
            _paid = from.GrantPaid;
            _spent = from.Spent;
            _submitted = from.AccountingSubmitted;
            _approved = from.AccountingApproved;
            _nextTranche = Math.Min(from.TranchesStarted, _plan.Grant.Tranches.Length);
            _grantLeft = from.GrantLeft;
            _stalledSince = from.StalledSince;
            _stalledToday = from.Stalled || from.StalledSince is not null;
            foreach (var payment in from.ExpectedPayments) _payments.Add(new Payment(payment.Month, payment.Amount, payment.Number, payment.Scheme));
            foreach (var approval in from.ExpectedApprovals) _approvals.Add(new Approval(approval.Month, approval.AccountedTotal, approval.Number, approval.Scheme));
            _requestOpen = _payments.Count > 0;
            // The outlook is read at the first projected month but dated today, the actual month (tester T16: the cash timeline
            // said "per 12-2026" while the JSON and the exports said 2027-01); its runway counts from today inclusive.
            var first = from.Month.PlusMonths(1);
            // Resuming after a stall that goes on today pays the restart cost, however the stall is known (report or stalledSince).
            return Simulate(first, first, _stalledToday, from.Month);
        }

        private CashFlowResult Simulate(YearMonth month, YearMonth today, bool stalledBefore, YearMonth? actualMonth = null)
        {
            var completed = false;
            var capped = true; // until the loop ends on its own: done, or stalled with no money coming
            for (var i = 0; i < MaxMonths; i++, month = month.PlusMonths(1))
            {
                var status = Step(month, stalledBefore, out var result);
                _months.Add(result);
                if (_finished) { completed = true; capped = false; break; }
                if (status == MonthStatus.Stalled && _payments.Count == 0) { capped = false; break; }
                stalledBefore = status == MonthStatus.Stalled;
            }
            var repaidIn = completed ? SettleBridge(month) : null;
            return Result(completed, capped, today, repaidIn, actualMonth);
        }

        /// <summary>
        /// After the work is done the bridge loan still runs until the tranche already on its way repays
        /// it; its interest until then is part of the regime's cost. Returns the month it is repaid in
        /// full, or null when that payment does not cover it (or none is coming).
        /// </summary>
        private YearMonth? SettleBridge(YearMonth completedIn)
        {
            if (_bridge is null || _bridgeOutstanding == 0m) return _bridge is null ? null : completedIn;
            if (_payments.Count == 0) return null;
            var payment = _payments.MinBy(p => p.Month)!;
            var outstanding = _bridgeOutstanding;
            for (var m = completedIn.PlusMonths(1); m < payment.Month; m = m.PlusMonths(1))
            {
                var interest = Cents(outstanding * _bridge.AnnualRate / 12m);
                outstanding += interest;
                _interest += interest;
            }
            return payment.Amount >= outstanding ? payment.Month : null;
        }

        /// <summary>One calendar month: the work went on, stalled for want of money, or waited for a milestone.</summary>
        private MonthStatus Step(YearMonth month, bool stalledBefore, out MonthResult result)
        {
            var events = new List<CashFlowEvent>();
            var opening = _cash;

            // 1. Payments due this month.
            var grant = 0m;
            foreach (var payment in _payments.Where(p => p.Month == month).ToList())
            {
                grant += payment.Amount;
                _payments.Remove(payment);
                events.Add(new CashFlowEvent(UsesTranches ? EventKind.TranchePaid : EventKind.PhaseBudgetPaid, payment.Amount, payment.Number, payment.Grant));
                if (UsesTranches) _requestOpen = false;
            }
            _paid += grant;
            var repaid = 0m;
            if (_bridge is not null && grant > 0m && _bridgeOutstanding > 0m)
            {
                // "Repaid from the next tranche": as much of the loan as the tranche covers.
                repaid = Math.Min(_bridgeOutstanding, grant);
                _bridgeOutstanding -= repaid;
            }
            _cash += grant - repaid;

            // 2. Work, stall, or wait for a milestone.
            var waiting = _waitLeft > 0;
            var next = _done + 1;
            var full = _fullCost[next];
            var restart = stalledBefore ? _plan.RestartCost : 0m;
            // A bridge only bridges to money that is still to come; it is not extra funding once the grant is all paid.
            var drawRoom = _bridge is not null && (_payments.Count > 0 || MoreTranches)
                ? Math.Max(0m, _bridge.Size - _bridgeOutstanding)
                : 0m;
            var draw = 0m;
            var afterWork = _cash - full - restart;
            var working = !waiting && afterWork >= _plan.CashBuffer;
            if (!waiting && !working && _plan.CashBuffer - afterWork <= drawRoom)
            {
                draw = _plan.CashBuffer - afterWork;
                working = true;
            }

            decimal workCost = 0m, stallCost = 0m, restartCost = 0m;
            if (working)
            {
                workCost = full;
                restartCost = restart;
            }
            else
            {
                // Standing still, for want of money or for a milestone: the fixed costs run on (after the last
                // work month, those of the last one).
                stallCost = _fixedCost[Math.Min(next, _workMonths)];
                var shortOfBuffer = _plan.CashBuffer - (_cash - stallCost);
                if (shortOfBuffer > 0m) draw = Math.Min(shortOfBuffer, drawRoom);
            }
            if (draw > 0m && repaid > 0m)
            {
                // Repaying from a tranche and drawing again in the same month is one net movement; the
                // loan and the cash end the same either way.
                var net = Math.Min(draw, repaid);
                _cash += net;
                _bridgeOutstanding += net;
                draw -= net;
                repaid -= net;
            }
            _bridgeOutstanding += draw;
            if (repaid > 0m) events.Add(new CashFlowEvent(EventKind.BridgeRepaid, repaid));
            if (draw > 0m) events.Add(new CashFlowEvent(EventKind.BridgeDrawn, draw));
            _cash += draw - workCost - stallCost - restartCost;
            _spent += workCost + stallCost + restartCost;

            var status = working ? MonthStatus.Working : waiting ? MonthStatus.Waiting : MonthStatus.Stalled;
            var phase = _plan.PhaseOf(waiting ? _done : next);
            var closes = false;
            if (working)
            {
                _done = next;
                if (stalledBefore) events.Add(new CashFlowEvent(EventKind.WorkResumed, restartCost));
                var reached = phase.Milestones.Where(m => m.WorkMonth == _done).ToList();
                foreach (var milestone in reached.Where(m => m.DelayMonths == 0)) Met(milestone, phase, month, events);
                _waitingFor.AddRange(reached.Where(m => m.DelayMonths > 0));
                _waitLeft = _waitingFor.Select(m => m.DelayMonths).DefaultIfEmpty(0).Max();
                foreach (var milestone in _waitingFor) events.Add(new CashFlowEvent(EventKind.MilestoneWaiting, Number: milestone.DelayMonths, Name: milestone.Name));
                closes = _waitLeft == 0 && _done == phase.LastMonth;
            }
            else if (waiting)
            {
                _waitLeft--;
                foreach (var milestone in _waitingFor.Where(m => m.DelayMonths - 1 == _waited).ToList())
                {
                    Met(milestone, phase, month, events);
                    _waitingFor.Remove(milestone);
                }
                closes = _waitLeft == 0 && _done == phase.LastMonth;
            }
            else if (!stalledBefore) events.Add(new CashFlowEvent(EventKind.StallStarted, Name: phase.Name));
            _waited = waiting && _waitLeft > 0 ? _waited + 1 : 0;

            // 3. Interest on the bridge, monthly on the balance at the month's end, added to the loan.
            var interest = 0m;
            if (_bridge is not null && _bridgeOutstanding > 0m)
            {
                interest = Cents(_bridgeOutstanding * _bridge.AnnualRate / 12m);
                _bridgeOutstanding += interest;
                _interest += interest;
            }

            // 4. Requests, accountings and approvals at the month's end.
            _finished = closes && _done == _workMonths;
            if (_finished)
            {
                // The final accounting, for the last tranche paid (or the last phase).
                Account(month, UsesTranches ? (_requestOpen ? _nextTranche - 1 : _nextTranche) : _plan.Phases.Length, events);
                events.Add(new CashFlowEvent(EventKind.WorkCompleted));
            }
            else if (UsesTranches) RequestTranche(month, status != MonthStatus.Stalled, events);
            else if (closes)
            {
                // The Danish model: the phase's milestones are met, so the next phase's budget is there when it
                // starts — as long as the phase closed within the agreed margin; later, the budget waits for the
                // approved accounting like a tranche.
                var number = _plan.Phases.IndexOf(phase) + 1;
                Account(month, number, events);
                var late = LeadTimeObservation.MonthsBetween(_plan.StartMonth, month) - (phase.LastMonth - 1);
                var paidIn = month.PlusMonths(1);
                if (_plan.MilestoneMarginMonths is { } margin && late > margin)
                {
                    events.Add(new CashFlowEvent(EventKind.BudgetWithheld, _plan.Phases[number].Budget, number + 1, phase.Name));
                    paidIn = month.PlusMonths(_plan.LeadTimes.RequestToPaidMonths);
                }
                _payments.Add(new Payment(paidIn, _plan.Phases[number].Budget, number + 1));
            }
            foreach (var approval in _approvals.Where(a => a.Month <= month).ToList())
            {
                _approvals.Remove(approval);
                _approved = Math.Max(_approved, approval.Accounted);
                events.Add(new CashFlowEvent(EventKind.AccountingApproved, approval.Accounted, approval.Number, approval.Grant));
            }

            var received = grant + draw;
            var spent = workCost + stallCost + restartCost + repaid;
            result = new MonthResult
            {
                Month = month,
                Status = status,
                WorkMonth = waiting ? _done : next,
                Phase = phase.Name,
                Opening = opening,
                GrantReceived = grant,
                BridgeDrawn = draw,
                Received = received,
                WorkCost = workCost,
                StallCost = stallCost,
                RestartCost = restartCost,
                BridgeRepaid = repaid,
                Spent = spent,
                Closing = _cash,
                BridgeInterest = interest,
                BridgeOutstanding = _bridgeOutstanding,
                Exposure = _paid - _approved + _bridgeOutstanding,
                Events = [.. events],
            };
            return status;
        }

        private void Met(PlanMilestone milestone, PlanPhase phase, YearMonth month, List<CashFlowEvent> events)
        {
            _milestones.Add(new MilestoneReached(milestone.Name, phase.Name, milestone.WorkMonth, month));
            events.Add(new CashFlowEvent(EventKind.MilestoneMet, Name: milestone.Name));
        }

        /// <summary>The plan has a tranche still to request, and something is left of the grant for it.</summary>
        private bool MoreTranches => _nextTranche < _plan.Grant.Tranches.Length && (_grantLeft is null or > 0m);

        /// <summary>
        /// Today's regime: the request for the next tranche goes out with the accounting of what was paid
        /// so far, once that money is spent or the work has stalled for want of it. Without the
        /// accounting rule, each request goes out as soon as the previous tranche is paid.
        /// </summary>
        private void RequestTranche(YearMonth month, bool working, List<CashFlowEvent> events)
        {
            if (_requestOpen || !MoreTranches) return;
            if (_plan.Grant.WaitsForAccounting && working && _spent < _paid) return;
            var lead = _plan.LeadTimes;
            Account(month, _nextTranche, events);
            // Never more than is left of the grant (tester T1).
            var amount = Math.Min(_plan.Grant.Tranches[_nextTranche], _grantLeft ?? decimal.MaxValue);
            if (_grantLeft is not null) _grantLeft -= amount;
            events.Add(new CashFlowEvent(EventKind.TrancheRequested, amount, _nextTranche + 1));
            _payments.Add(new Payment(month.PlusMonths(lead.RequestToPaidMonths), amount, _nextTranche + 1));
            _nextTranche++;
            _requestOpen = true;
        }

        /// <summary>Accounts for what was paid and spent so far (never more than was paid); approved after the funder's review time.</summary>
        private void Account(YearMonth month, int number, List<CashFlowEvent> events)
        {
            var accountable = Math.Min(_spent, _paid);
            if (accountable <= _submitted) return;
            events.Add(new CashFlowEvent(EventKind.AccountingSubmitted, accountable - _submitted, number));
            _submitted = accountable;
            _approvals.Add(new Approval(month.PlusMonths(_plan.LeadTimes.RequestToApprovedMonths), accountable, number));
        }

        private CashFlowResult Result(bool completed, bool capped, YearMonth today, YearMonth? bridgeRepaidIn, YearMonth? actualMonth)
        {
            var months = _months.ToImmutableArray();
            var stalls = Stalls(months);
            var peak = months.MaxBy(m => m.Exposure)!;
            var lowest = months.MinBy(m => m.Closing)!;
            var stallFixed = stalls.Sum(s => s.FixedCosts);
            var restarts = months.Sum(m => m.RestartCost);
            var waitingCosts = months.Where(m => m.Status == MonthStatus.Waiting).Sum(m => m.StallCost);
            return new CashFlowResult
            {
                Name = _plan.Name,
                Regime = _regime,
                LeadTimes = _plan.LeadTimes,
                Summary = new CashFlowSummary
                {
                    Completed = completed,
                    CompletedIn = completed ? months[^1].Month : null,
                    DurationMonths = months.Length,
                    PlannedWorkMonths = _workMonths,
                    WorkMonthsDone = _done,
                    MonthsStalled = stalls.Sum(s => s.Months),
                    StallCount = stalls.Length,
                    PlannedCost = _plan.PlannedCost,
                    WorkSpent = _spent,
                    StallFixedCosts = stallFixed,
                    RestartCosts = restarts,
                    ExtraCost = stallFixed + restarts + waitingCosts,
                    MonthsWaiting = months.Count(m => m.Status == MonthStatus.Waiting),
                    WaitingCosts = waitingCosts,
                    InterestCost = _interest,
                    GrantPaid = _paid,
                    PeakExposure = peak.Exposure,
                    PeakExposureMonth = peak.Exposure > 0m ? peak.Month : null,
                    PeakBridgeOutstanding = months.Max(m => m.BridgeOutstanding),
                    BridgeOutstandingAtEnd = _bridgeOutstanding,
                    BridgeRepaidIn = bridgeRepaidIn,
                    LowestCash = lowest.Closing,
                    LowestCashMonth = lowest.Month,
                    ClosingCash = _cash,
                },
                Stalls = stalls,
                Milestones = [.. _milestones],
                Outlook = WithCash(OutlookAt(today, months, stalls, completed, capped, actualMonth), months, actualMonth),
                Months = months,
            };
        }

        private ImmutableArray<Stall> Stalls(ImmutableArray<MonthResult> months)
        {
            var stalls = ImmutableArray.CreateBuilder<Stall>();
            for (var i = 0; i < months.Length; i++)
            {
                if (months[i].Status != MonthStatus.Stalled) continue;
                var start = i;
                while (i + 1 < months.Length && months[i + 1].Status == MonthStatus.Stalled) i++;
                var resumed = i + 1 < months.Length ? months[i + 1] : null;
                var waiting = months[start].WorkMonth;
                stalls.Add(new Stall
                {
                    Start = months[start].Month,
                    Months = i - start + 1,
                    ResumedIn = resumed?.Month,
                    WorkMonth = waiting,
                    Phase = months[start].Phase,
                    StoppedWork = [.. _plan.WorkPlan.Where(p => p.ActiveIn(waiting) && !p.RunsDuringStall).Select(p => p.Name)],
                    FixedCosts = months.Skip(start).Take(i - start + 1).Sum(m => m.StallCost),
                    RestartCost = resumed?.RestartCost ?? 0m,
                });
            }
            return stalls.ToImmutable();
        }

        /// <summary>
        /// The outlook with where the cash goes below zero from today on (tester T2), and <see cref="Outlook.MoneyLastsUntil"/>
        /// then the month before: the first month from today whose closing balance is below zero, or today itself when the actual
        /// balance already is.
        /// </summary>
        private static Outlook WithCash(Outlook outlook, ImmutableArray<MonthResult> months, YearMonth? actualMonth)
        {
            var first = months[0].Month;
            var from = LeadTimeObservation.MonthsBetween(first, outlook.Today < first ? first : outlook.Today);
            if (from >= months.Length) return outlook;
            var ahead = months.Skip(from).ToList();
            // From the actual state the first projected month opens at the actual balance: below zero, the cash is short today.
            var shortNow = actualMonth is not null && ahead[0].Opening < 0m;
            YearMonth? shortFrom = shortNow ? actualMonth : ahead.FirstOrDefault(m => m.Closing < 0m)?.Month;
            if (shortFrom is not { } start) return outlook;
            var deepest = ahead.MinBy(m => m.Closing)!;
            var shortfall = Math.Max(-deepest.Closing, shortNow ? -ahead[0].Opening : 0m);
            return outlook with
            {
                CashShortFrom = start,
                Shortfall = shortfall,
                ShortfallMonth = -deepest.Closing >= shortfall ? deepest.Month : start,
                // Stopped at the cap, a month here would read as "lasts until the end of the work" where no runway is shown (review R8).
                MoneyLastsUntil = outlook.State == OutlookState.StoppedAtCap ? null : start.PlusMonths(-1),
            };
        }

        /// <param name="actualMonth">Projected from the actual state: the actual month (today), which the outlook is dated and its runway counts from; the projection's months start after it.</param>
        private Outlook OutlookAt(YearMonth today, ImmutableArray<MonthResult> months, ImmutableArray<Stall> stalls, bool completed, bool capped, YearMonth? actualMonth)
        {
            var outlook = OutlookAt(today, months, stalls, completed, capped);
            if (actualMonth is not { } actual) return outlook;
            outlook = outlook with
            {
                Today = actual,
                RunwayMonths = outlook.State == OutlookState.GapAhead && outlook.GapStart is { } gap ? LeadTimeObservation.MonthsBetween(actual, gap) : outlook.RunwayMonths,
            };
            // A stall that begins in the first projected month while nothing says the work stands still today is a gap one month
            // ahead, not a stall now (tester T2: the plan's work in 12-2026, the stall from 01-2027; "runway 1, aanvraag uiterlijk 12-2026").
            if (outlook is { State: OutlookState.InStall, GapStart: { } next } && next == actual.PlusMonths(1) && !_stalledToday)
                outlook = outlook with { State = OutlookState.GapAhead, RunwayMonths = LeadTimeObservation.MonthsBetween(actual, next) };
            // A stall that goes on from before the projection is dated from when it began (tester T3: "stil sinds 01-2027 (1 maand
            // in totaal)" for work that stood still since 09-2026), and counted in its length.
            if (outlook is { State: OutlookState.InStall, GapStart: { } projected } && _stalledSince is { } since && since < projected)
                outlook = outlook with
                {
                    GapStart = since,
                    GapMonths = outlook.GapMonths + LeadTimeObservation.MonthsBetween(since, projected),
                };
            return outlook;
        }

        private Outlook OutlookAt(YearMonth today, ImmutableArray<MonthResult> months, ImmutableArray<Stall> stalls, bool completed, bool capped)
        {
            var first = months[0].Month;
            var at = today < first ? first : today;
            var index = LeadTimeObservation.MonthsBetween(first, at);
            // Stopped at the cap: the money did not run out and the work was not done, so neither may be said (review R8).
            var stopped = new Outlook { Today = at, State = OutlookState.StoppedAtCap, Note = Outlook.StoppedAtCapText };
            if (index >= months.Length && capped) return stopped;
            if (index >= months.Length)
                return new Outlook { Today = at, State = completed ? OutlookState.Finished : OutlookState.OutOfFunding, RunwayMonths = completed ? null : 0 };

            var inStall = months[index].Status == MonthStatus.Stalled;
            var gap = inStall
                ? stalls.Last(s => s.Start <= at)
                : stalls.FirstOrDefault(s => s.Start > at);
            if (gap is null && capped) return stopped;
            var doneIn = completed ? months[^1].Month : (YearMonth?)null;
            if (gap is null)
                // The money lasts: no runway number (it would read as "runs out then"), the month the work is done instead.
                return new Outlook { Today = at, State = OutlookState.NoGapAhead, MoneyLastsUntil = doneIn, WorkDoneIn = doneIn };
            // A stall that never ends with the simulation stopping on it: no payment is coming and no tranche is left to ask for
            // (tester T5: the outlook asked for a tranche 3 of a grant of two). Then there is nothing to request and the stall has
            // no length, but there is money to find.
            var runsOut = gap.ResumedIn is null && !capped && ReferenceEquals(gap, stalls[^1]) && months[^1].Status == MonthStatus.Stalled;
            // What still comes after the gap starts and does not restart the work (tester9a T1: "er komt geen betaling meer" next to
            // tranches 2 and 3 in the same table); net of a bridge repaid from it.
            var laterPayments = runsOut ? months.Where(m => m.Month > gap.Start && m.GrantReceived > 0m).ToList() : [];
            var paymentsInGap = laterPayments.Sum(m => m.GrantReceived - m.BridgeRepaid);
            return new Outlook
            {
                Today = at,
                State = inStall ? OutlookState.InStall : OutlookState.GapAhead,
                RunwayMonths = inStall ? 0 : LeadTimeObservation.MonthsBetween(at, gap.Start),
                GapStart = gap.Start,
                GapMonths = runsOut ? null : gap.Months,
                MoneyNeededBy = gap.Start,
                MoneyExpected = gap.ResumedIn,
                // Only a tranche is requested; a phase budget comes with the milestones. None when no tranche is left.
                RequestBy = UsesTranches && !runsOut ? gap.Start.PlusMonths(-_plan.LeadTimes.RequestToPaidMonths) : null,
                MoneyToFind = runsOut ? MoneyToFind(months, gap, paymentsInGap) : null,
                PaymentsInGap = runsOut ? paymentsInGap : null,
                LastPaymentInGap = laterPayments.Count > 0 ? laterPayments[^1].Month : null,
                CashBuffer = runsOut ? _plan.CashBuffer : null,
                WorkDoneIn = doneIn,
            };
        }

        /// <summary>
        /// What is still to find when the money runs out for good at <paramref name="gap"/>: the planned cost of the work months
        /// not done (from the one the stall waits on), plus the buffer the board keeps, minus the cash at the start of the stall
        /// (after what came in that month), minus the payments that still come during the stall (<paramref name="paymentsInGap"/>: they
        /// count towards the work, tester9a T1); never below zero. The fixed costs of the stall itself are not counted: found in time,
        /// there is no stall.
        /// </summary>
        private decimal MoneyToFind(ImmutableArray<MonthResult> months, Stall gap, decimal paymentsInGap)
        {
            var first = months.First(m => m.Month == gap.Start);
            var remaining = 0m;
            for (var w = gap.WorkMonth; w <= _workMonths; w++) remaining += _fullCost[w];
            return Math.Max(0m, remaining + _plan.CashBuffer - (first.Opening + first.Received - first.BridgeRepaid) - paymentsInGap);
        }
    }
}
