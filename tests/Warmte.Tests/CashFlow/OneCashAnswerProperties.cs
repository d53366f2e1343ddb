using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Grants;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Tester finding F5/F5b: one project had three answers to "how long does the money last" (cash page
/// 3 months, portfolio 53) and three expected dates for the next tranche. Every view now derives
/// from <see cref="ProjectCash"/>: for any tranche and spending history they agree — and (review2 F2)
/// on a date that follows the funder's lead times for the stage each tranche reached.
/// </summary>
public sealed class OneCashAnswerProperties
{
    private static readonly TrancheStatus[] Path =
        [TrancheStatus.Aangevraagd, TrancheStatus.VerantwoordingIngediend, TrancheStatus.Goedgekeurd, TrancheStatus.Uitbetaald];

    /// <summary>A grant of 1..6 tranches; tranche i got <c>stages[i]</c> steps along request → accounting → approval → payment (later ones no further than earlier ones), some rejected.</summary>
    private static Gen<(int[] Stages, int[] Gaps, bool RejectLast, int TodayAfter, int[] Spending)> Histories() =>
        from count in Gen.Choose(1, 6)
        from stages in Gen.ArrayOf(Gen.Choose(0, 4), count)
        from gaps in Gen.ArrayOf(Gen.Choose(0, 300), count * 4)
        from reject in Gen.Elements(true, false)
        from todayAfter in Gen.Choose(0, 500)
        from spending in Gen.ArrayOf(Gen.Choose(0, 400_000), 36)
        select (stages.OrderByDescending(s => s).ToArray(), gaps, reject, todayAfter, spending);

    [Property(MaxTest = 200)]
    public Property Every_view_gives_the_same_runway_and_the_same_next_payment() =>
        Prop.ForAll(CashFlowProperties.AnyPlan(), Histories().ToArbitrary(), (shape, history) =>
        {
            var plan = CashFlowProperties.Plan(shape);
            var (grant, last) = Grant(plan, history.Stages, history.Gaps, history.RejectLast);
            var today = last.PlusDays(history.TodayAfter);
            var spent = history.Spending.Select((amount, i) => (Month: plan.StartMonth.PlusMonths(i), Amount: (decimal)amount))
                .Where(s => s.Amount > 0 && s.Month <= today.ToYearMonth())
                .Select(s => new MonthSpending(s.Month, s.Amount, 1, [])).ToImmutableArray();
            var facts = new CashFacts(plan, [GrantView.Of(grant)], spent, []);

            var outlook = ProjectCash.Outlook(facts, today);
            var page = ProjectCash.Simulation(facts, Regime.Tranches, today);          // GET …/cashflow, the cash page, the exports
            var row = Portfolio.Row("p", "P", "c", Phases.Phase.Realisatie, [], facts.Grants, today, outlook);

            Assert.Equal(outlook, page.Outlook);
            Assert.Equal(outlook.RunwayMonths, row.RunwayMonths);
            Assert.Equal(outlook.NextPayment?.ExpectedOn, row.NextExpectedPayment);
            Assert.Equal(outlook.NextPayment?.Amount, row.NextExpectedAmount);
            Assert.Equal(facts.HasActuals ? OutlookBasis.Actual : OutlookBasis.Plan, outlook.Basis);
            // Review2's observation on the plan basis: no "request by" in the past from simulated requests, and every
            // cash alert says it is the plan's simulation without bookings (and only then).
            foreach (var o in new[] { outlook, page.PlanOutlook }.OfType<Outlook>().Where(o => o.Basis == OutlookBasis.Plan))
                Assert.True(o.RequestBy is null || o.RequestBy >= o.Today, $"plan-basis requestBy {o.RequestBy} before {o.Today}");
            foreach (var alert in row.Alerts.Where(a => a.Subject == "kas"))
                Assert.Equal(outlook.Basis == OutlookBasis.Plan, alert.Message.Contains("Dit is het plan gesimuleerd vanaf de start", StringComparison.Ordinal));
            // Tester A7: a paid tranche is a real fact; with nothing booked about the work the answer is the actual balance with
            // the plan's spending from where the plan has the work today, and every cash alert says so (and only then).
            var paid = grant.Tranches.Any(t => t.Status == TrancheStatus.Uitbetaald);
            Assert.Equal(paid || !spent.IsEmpty, facts.HasActuals);
            Assert.Equal(paid && spent.IsEmpty, outlook.WorkFromPlan);
            foreach (var alert in row.Alerts.Where(a => a.Subject == "kas"))
                Assert.Equal(outlook.WorkFromPlan, alert.Message.Contains("nog geen uitgaven of voortgang geboekt: gerekend met het werkelijke saldo", StringComparison.Ordinal));
            if (!facts.HasActuals) return;

            var timeline = ProjectCash.Timeline(facts, Regime.Tranches, today);       // GET …/cash-timeline
            Assert.Equal(outlook, timeline.Outlook);
            // The timeline's work position: reported, estimated from the spending booked, or (only tranches paid) the plan's today.
            Assert.Equal(outlook.WorkFromPlan ? ProgressSource.Planned : ProgressSource.EstimatedFromSpending, timeline.State.ProgressSource);
            if (outlook.WorkFromPlan)
                Assert.Equal(ProjectCash.PlannedWorkMonthsDone(plan, Regime.Tranches, today.ToYearMonth()), timeline.State.WorkMonthsDone);
            Assert.NotNull(page.PlanOutlook);
            // Every tranche on its way: the timeline expects it in the month of the date the funder's lead times give
            // for the stage it reached (next month at the earliest: this month is actual); the next payment is the earliest.
            var view = facts.Grants[0];
            foreach (var t in grant.Tranches)
            {
                if (Expected(view, t, today) is not { } on)
                {
                    Assert.DoesNotContain(timeline.State.ExpectedPayments, p => p.Number == t.Number);
                    continue;
                }
                var month = on.ToYearMonth() > today.ToYearMonth() ? on.ToYearMonth() : today.ToYearMonth().PlusMonths(1);
                Assert.Contains(timeline.State.ExpectedPayments, p => p.Number == t.Number && p.Month == month);
                Assert.NotNull(outlook.NextPayment);
                Assert.True(outlook.NextPayment!.ExpectedOn <= on);
            }
            if (outlook.NextPayment is { } next) Assert.Equal(Expected(view, grant.Tranches.Single(t => t.Number == next.Number), today), next.ExpectedOn);
        });

    /// <summary>
    /// Review2 F2, written out from the funder's lead times on this grant (days, medians) rather than taken from
    /// the rule: requested or under review → request + request-to-payment; approved → approval + approval-to-payment
    /// (30 days while no approved tranche was paid); rejected → resubmitted, so today + the whole request-to-payment;
    /// never before today. Null for a tranche not requested or paid.
    /// </summary>
    /// <summary>A median in days (it may be a half: the mean of the two middle values) as whole days, rounded up (tester T4).</summary>
    private static int? Up(decimal? days) => days is { } d ? (int)Math.Ceiling(d) : null;

    private static LocalDate? Expected(GrantView view, Tranche t, LocalDate today)
    {
        if (t.Status is TrancheStatus.Gepland or TrancheStatus.Uitbetaald) return null;
        var lead = view.LeadTimes;
        var due = t.Status switch
        {
            TrancheStatus.Goedgekeurd => t.DateOf(TrancheStatus.Goedgekeurd)!.Value.PlusDays(Up(lead.ApprovalToPaymentDays) ?? 30),
            TrancheStatus.Afgekeurd => today.PlusDays(Up(lead.RequestToPaymentDays) ?? view.Grant.ReviewNormDays),
            _ => t.DateOf(TrancheStatus.Aangevraagd)!.Value.PlusDays(Up(lead.RequestToPaymentDays) ?? view.Grant.ReviewNormDays),
        };
        // Tester T4: an accounting in review for longer than the norm (from its request) gets the longer of the norm and the
        // observed review time again from today, then the time to payment — not "today".
        var inReview = Period.Between(t.DateOf(TrancheStatus.Aangevraagd)!.Value, today, PeriodUnits.Days).Days;
        if (due < today && t.Status == TrancheStatus.VerantwoordingIngediend && inReview > view.Grant.ReviewNormDays)
            return today.PlusDays(Math.Max(view.Grant.ReviewNormDays, Up(lead.RequestToApprovalDays) ?? 0) + (Up(lead.ApprovalToPaymentDays) ?? 30));
        return due < today ? today : due;
    }

    [Property(MaxTest = 300)]
    public Property An_approved_tranche_is_expected_by_the_funders_approval_time_and_a_rejected_one_not_before_a_whole_new_lead_time() =>
        Prop.ForAll(CashFlowProperties.AnyPlan(), Histories().ToArbitrary(), (shape, history) =>
        {
            var (grant, last) = Grant(CashFlowProperties.Plan(shape), history.Stages, history.Gaps, history.RejectLast);
            var today = last.PlusDays(history.TodayAfter);
            var view = GrantView.Of(grant);
            foreach (var t in grant.Tranches)
            {
                var on = PaymentExpectation.ExpectedOn(view, t, today);
                if (t.Status is TrancheStatus.Gepland or TrancheStatus.Uitbetaald) { Assert.Null(on); continue; }
                Assert.NotNull(on);
                Assert.True(on >= today, $"tranche {t.Number} ({t.Status}) expected {on} before today {today}");
                if (t.Status == TrancheStatus.Goedgekeurd && view.LeadTimes.ApprovalToPaymentDays is { } toPayment)
                {
                    var due = t.DateOf(TrancheStatus.Goedgekeurd)!.Value.PlusDays((int)Math.Ceiling(toPayment));
                    Assert.True(on <= (due < today ? today : due), $"approved tranche {t.Number} expected {on}, later than approval + {toPayment} days ({due})");
                }
                if (t.Status == TrancheStatus.Afgekeurd)
                {
                    var earliest = t.DateOf(TrancheStatus.Afgekeurd)!.Value.PlusDays(Up(view.LeadTimes.RequestToPaymentDays) ?? grant.ReviewNormDays);
                    Assert.True(on >= earliest, $"rejected tranche {t.Number} expected {on}, before rejection + the lead ({earliest})");
                }
            }
        });

    private static (Grant Grant, LocalDate Last) Grant(CashFlowPlan plan, int[] stages, int[] gaps, bool rejectLast)
    {
        var day = plan.StartMonth.OnDayOfMonth(1);
        var g = 0;
        var tranches = new List<Tranche>();
        for (var i = 0; i < stages.Length; i++)
        {
            var steps = new List<TrancheStep>();
            var status = TrancheStatus.Gepland;
            for (var s = 0; s < stages[i]; s++)
            {
                day = day.PlusDays(gaps[g++]);
                status = rejectLast && i == stages.Length - 1 && Path[s] == TrancheStatus.Goedgekeurd ? TrancheStatus.Afgekeurd : Path[s];
                steps.Add(new TrancheStep { To = status, On = day, Actor = "t", RecordedAt = Instant.FromUtc(2020, 1, 1, 0, 0) });
                if (status == TrancheStatus.Afgekeurd) break;
            }
            tranches.Add(new Tranche
            {
                Number = i + 1, PlannedAmount = 100_000m, Status = status, Steps = [.. steps],
                Accounting = stages[i] >= 2 ? new Accounting { AmountSpent = 100_000m, PeriodFrom = day, PeriodTo = day } : null,
                PaidAmount = status == TrancheStatus.Uitbetaald ? 100_000m : null,
            });
        }
        return (new Grant
        {
            Id = "paw", ProjectId = "p", Funder = "Fonds", Scheme = "Subsidie", AmountGranted = 100_000m * stages.Length,
            DecidedOn = plan.StartMonth.OnDayOfMonth(1), EarnedBack = false, PreviousAccountingFirst = true,
            CreatedAt = Instant.FromUtc(2020, 1, 1, 0, 0), Tranches = [.. tranches],
        }, day);
    }
}
