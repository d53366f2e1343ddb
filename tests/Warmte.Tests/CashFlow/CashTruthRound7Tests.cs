using System.Collections.Immutable;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Client;
using Warmte.Grants;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Tester 7's cash findings (/work/tester7-report.md), with the tester's own projects on 07-12-2026:
/// T2 west-zon (tranche paid, nothing booked), T3 zuid-net and west-net (today's month and a stall that began months ago),
/// T5 west-net (the grant used up), T6 the outlook's own texts. Expected figures are worked out by hand in each test.
/// </summary>
public sealed class CashTruthRound7Tests
{
    private static readonly LocalDate Today = new(2026, 12, 7);
    private static readonly YearMonth ThisMonth = new(2026, 12);

    // /tmp/t7/w2-plan.json: 6 work months at € 25.000 + € 5.000 organisation.
    private const string WestZonPlan = """
        { "formatVersion": 1, "name": "West fase 2", "startMonth": "2026-10", "openingBalance": 0,
          "phases": [ {"name":"Ontwerp","months":6,"budget":200000} ],
          "workPlan": [ {"name":"Organisatie","kind":"organisation","monthlyCost":5000,"runsDuringStall":true},
                        {"name":"Ontwerp","kind":"design","monthlyCost":25000} ],
          "grant": {"name":"Startsubsidie","funder":"Gemeente Amsterdam","amount":200000,"tranches":[100000,100000]},
          "leadTimes": {"requestToApprovedMonths":3,"approvedToPaidMonths":1} }
        """;

    // /tmp/t7/zuid-plan.json: 24 work months at € 12.000, of which € 3.000 organisation runs on in a stall.
    private const string ZuidPlan = """
        { "formatVersion": 1, "name": "Zuidwarmte ontwikkeling", "startMonth": "2025-01", "openingBalance": 20000,
          "phases": [ {"name":"Ontwerp","months":12,"budget":150000}, {"name":"Contracten","months":12,"budget":150000} ],
          "workPlan": [
            {"name":"Organisatie","kind":"organisation","monthlyCost":3000,"runsDuringStall":true},
            {"name":"Ontwerp","kind":"design","monthlyCost":9000,"phase":"Ontwerp"},
            {"name":"Contracten","kind":"contracts","monthlyCost":9000,"phase":"Contracten"} ],
          "grant": {"name":"Ontwikkelsubsidie Zuid","funder":"Gemeente Amsterdam","amount":300000,"tranches":[100000,100000,100000],"waitsForAccounting":true},
          "leadTimes": {"requestToApprovedMonths":3,"approvedToPaidMonths":1} }
        """;

    // /tmp/t7/west-plan.json: 20 work months at € 10.000, of which € 1.500 organisation runs on in a stall.
    private const string WestPlan = """
        { "formatVersion": 1, "name": "West ontwikkeling", "startMonth": "2025-06", "openingBalance": 0,
          "phases": [ {"name":"Haalbaarheid","months":20,"budget":200000} ],
          "workPlan": [
            {"name":"Organisatie","kind":"organisation","monthlyCost":1500,"runsDuringStall":true},
            {"name":"Adviseurs","kind":"advisers","monthlyCost":8500} ],
          "grant": {"name":"PAW West","funder":"Rijk (PAW)","amount":200000,"tranches":[100000,100000],"waitsForAccounting":true},
          "leadTimes": {"requestToApprovedMonths":2,"approvedToPaidMonths":1} }
        """;

    private static CashFlowPlan Plan(string json) => PlanReaderTests.Read(JsonNode.Parse(json)!.AsObject());

    private static TrancheStep Step(TrancheStatus to, LocalDate on) =>
        new() { To = to, On = on, Actor = "t", RecordedAt = Instant.FromUtc(2025, 1, 1, 0, 0) };

    private static Tranche Paid(int number, LocalDate requested, LocalDate approved, LocalDate paidOn, decimal amount = 100_000m) => new()
    {
        Number = number, PlannedAmount = amount, Status = TrancheStatus.Uitbetaald, PaidAmount = amount,
        Accounting = new Accounting { AmountSpent = 0m, PeriodFrom = requested.PlusMonths(-1), PeriodTo = requested },
        Steps = [Step(TrancheStatus.Aangevraagd, requested), Step(TrancheStatus.Goedgekeurd, approved), Step(TrancheStatus.Uitbetaald, paidOn)],
    };

    private static Tranche Planned(int number, decimal amount = 100_000m) => new() { Number = number, PlannedAmount = amount, Status = TrancheStatus.Gepland };

    private static GrantView View(string id, decimal granted, params Tranche[] tranches) => GrantView.Of(new Grant
    {
        Id = id, ProjectId = "p", Funder = "Gemeente Amsterdam", Scheme = id, AmountGranted = granted,
        DecidedOn = new LocalDate(2024, 11, 1), EarnedBack = false, PreviousAccountingFirst = true, Tranches = [.. tranches],
        CreatedAt = Instant.FromUtc(2024, 11, 1, 0, 0),
    });

    private static ImmutableArray<MonthSpending> Spending(params (string Month, decimal Amount)[] months) =>
        [.. months.GroupBy(m => m.Month).Select(g => new MonthSpending(NodaTime.Text.YearMonthPattern.Iso.Parse(g.Key).Value, g.Sum(m => m.Amount), g.Count(), []))];

    private static ProgressReport Report(int year, int month, int done, bool stalled) =>
        new(new YearMonth(year, month), done, stalled, "bestuur", Instant.FromUtc(2026, 12, 1, 0, 0));

    private static string Cli(CashTimeline timeline)
    {
        var output = new StringWriter();
        CashFlowViews.CashTimeline(timeline, "p", output);
        return System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\s+", " ");
    }

    // ---- T2: west-zon, tranche 1 paid 01-10-2026, nothing booked ----

    /// <summary>gem-w2: requested 01-09, approved 20-09, paid 01-10-2026 (€ 100.000); tranche 2 not requested.</summary>
    private static CashFacts WestZon() => new(Plan(WestZonPlan),
        [View("gem-w2", 200_000m, Paid(1, new LocalDate(2026, 9, 1), new LocalDate(2026, 9, 20), new LocalDate(2026, 10, 1)), Planned(2))], [], []);

    [Fact]
    public void T2_work_taken_from_the_plan_takes_the_plans_spending_up_to_today_too()
    {
        var timeline = ProjectCash.Timeline(WestZon(), Regime.Tranches, Today);

        // The plan has worked 10, 11 and 12-2026 at € 30.000: € 100.000 − € 90.000 = € 10.000 at the end of today's month.
        Assert.Equal(3, timeline.State.WorkMonthsDone);
        Assert.Equal(10_000m, timeline.State.Cash);
        Assert.Equal(10_000m, timeline.Actual.Balance);
        Assert.Equal(100_000m, timeline.Actual.BookedBalance);
        Assert.Equal([30_000m, 30_000m, 30_000m], timeline.Actual.Months.Where(m => m.Month >= new YearMonth(2026, 10)).Select(m => m.Planned));
        // € 10.000 does not pay work month 4 (€ 30.000): the gap is next month, one month of runway from today, and with the
        // observed lead time of 1 month (requested 09 → paid 10) the request must go out in 12-2026.
        var o = timeline.Outlook;
        Assert.Equal(OutlookState.GapAhead, o.State);
        Assert.Equal(1, o.RunwayMonths);
        Assert.Equal(new YearMonth(2027, 1), o.GapStart);
        Assert.Equal(ThisMonth, o.RequestBy);
        Assert.True(o.WorkFromPlan);
        // The cash-flow answer (the page, warmte cashflow) says the same as the plan's own outlook.
        var simulation = ProjectCash.Simulation(WestZon(), Regime.Tranches, Today);
        Assert.Equal((o.State, o.RunwayMonths, o.GapStart), (simulation.Outlook.State, simulation.Outlook.RunwayMonths, simulation.Outlook.GapStart));
        Assert.Equal((simulation.PlanOutlook!.State, simulation.PlanOutlook.GapStart), (o.State, o.GapStart));

        var cli = Cli(timeline);
        Assert.DoesNotContain("Het geld reikt tot het einde van het werk", cli);
        Assert.Contains("Saldo nu: € 10.000,00 met € 90.000,00 geplande uitgaven die nog niet geboekt zijn (geboekt saldo € 100.000,00)", cli);
        Assert.Contains("uiterlijk in 12-2026 de deur uit", cli);
    }

    [Fact]
    public void T2_the_cash_line_with_the_plans_spending_adds_up_month_by_month_into_the_projection()
    {
        var timeline = ProjectCash.Timeline(WestZon(), Regime.Tranches, Today);
        AssertOneLine(timeline);
    }

    private static void AssertOneLine(CashTimeline timeline)
    {
        var cash = timeline.Actual.OpeningBalance;
        foreach (var m in timeline.Actual.Months)
        {
            Assert.Equal(cash, m.Opening);
            Assert.Equal(m.Opening + m.Received - m.Spent, m.Closing);
            cash = m.Closing;
        }
        Assert.Equal(cash, timeline.Actual.Balance);
        Assert.Equal(cash, timeline.State.Cash);
        if (timeline.Projection is { } projection) Assert.Equal(cash, projection.Months[0].Opening);
    }

    /// <summary>
    /// For any plan: when the tranches recorded as paid are the plan's own (paid in the months its simulation pays them, nothing
    /// booked), the actual basis starts from the plan's own position today — the same cash and the same work done — and the cash
    /// line adds up into the projection.
    /// </summary>
    [Property(MaxTest = 150)]
    public Property T2_paid_as_planned_and_nothing_booked_the_actual_state_is_the_plans_own_state_today() =>
        Prop.ForAll(CashFlowProperties.AnyPlan(), Gen.Choose(0, 40).ToArbitrary(), (shape, offset) =>
        {
            var plan = CashFlowProperties.Plan(shape) with { BridgeLoan = null };
            var month = plan.StartMonth.PlusMonths(offset);
            var simulated = CashFlowSimulator.Simulate(plan, Regime.Tranches, month);
            var paid = simulated.Months.Where(m => m.Month <= month)
                .SelectMany(m => m.Events.Where(e => e.Kind == EventKind.TranchePaid).Select(e => (m.Month, e.Amount, Number: e.Number!.Value)))
                .ToList();
            // Paid only (no request date): no lead time is observed, so the plan's own lead times stay.
            var tranches = plan.Grant.Tranches.Select((amount, i) => paid.FirstOrDefault(p => p.Number == i + 1) is { Amount: > 0m } p
                ? new Tranche
                {
                    Number = i + 1, PlannedAmount = amount, Status = TrancheStatus.Uitbetaald, PaidAmount = p.Amount,
                    Steps = [Step(TrancheStatus.Uitbetaald, p.Month.OnDayOfMonth(1))],
                }
                : Planned(i + 1, amount)).ToArray();
            var facts = new CashFacts(plan, [View("g", plan.Grant.Amount, tranches)], [], []);
            var today = month.OnDayOfMonth(15);
            var timeline = ProjectCash.Timeline(facts, Regime.Tranches, today);
            if (paid.Count == 0) return; // nothing paid: the plan basis, not this rule
            var upTo = simulated.Months.Where(m => m.Month <= month).ToList();
            Assert.Equal(upTo.Count(m => m.Status == MonthStatus.Working), timeline.State.WorkMonthsDone);
            Assert.Equal(upTo[^1].Closing, timeline.State.Cash);
            AssertOneLine(timeline);
        });

    // ---- T3: zuid-net, today's month and a stall that began in 09-2026 ----

    /// <summary>
    /// gem-ontw: tranche 1 requested 01-12-2024, paid 15-01-2025 (45 days); tranche 2 requested 30-09-2025, paid 05-02-2026 (128 days);
    /// tranche 3 requested with its accounting on 20-11-2026, so expected 20-11-2026 + 87 days = 15-02-2027.
    /// Spending as /tmp/t7/zuid-totals.json (€ 222.000); the board reported 17 work months, stalled, for 11-2026.
    /// </summary>
    private static CashFacts Zuid(params GrantView[] more)
    {
        var t3 = new Tranche
        {
            Number = 3, PlannedAmount = 100_000m, Status = TrancheStatus.VerantwoordingIngediend,
            Accounting = new Accounting { AmountSpent = 111_000m, PeriodFrom = new LocalDate(2026, 2, 1), PeriodTo = new LocalDate(2026, 10, 31) },
            Steps = [Step(TrancheStatus.Aangevraagd, new LocalDate(2026, 11, 20)), Step(TrancheStatus.VerantwoordingIngediend, new LocalDate(2026, 11, 20))],
        };
        var grant = View("gem-ontw", 300_000m,
            Paid(1, new LocalDate(2024, 12, 1), new LocalDate(2025, 1, 5), new LocalDate(2025, 1, 15)),
            Paid(2, new LocalDate(2025, 9, 30), new LocalDate(2026, 1, 25), new LocalDate(2026, 2, 5)),
            t3);
        var spending = new List<(string, decimal)>();
        for (var m = new YearMonth(2025, 1); m <= new YearMonth(2026, 11); m = m.PlusMonths(1)) spending.Add((Iso(m), 3_000m));
        for (var m = new YearMonth(2025, 1); m <= new YearMonth(2025, 10); m = m.PlusMonths(1)) spending.Add((Iso(m), 9_000m));
        spending.Add(("2026-02", 9_000m));
        spending.Add(("2026-03", 9_000m));
        for (var m = new YearMonth(2026, 4); m <= new YearMonth(2026, 8); m = m.PlusMonths(1)) spending.Add((Iso(m), 9_000m));
        return new CashFacts(Plan(ZuidPlan), [grant, .. more], Spending([.. spending]), [Report(2026, 11, 17, stalled: true)]);
    }

    private static string Iso(YearMonth m) => NodaTime.Text.YearMonthPattern.Iso.Format(m);

    [Fact]
    public void T3_todays_month_keeps_its_fixed_costs_and_the_shortfall_is_counted_by_hand()
    {
        var facts = Zuid();
        Assert.Equal(222_000m, facts.Spent.Sum(m => m.Amount));
        var timeline = ProjectCash.Timeline(facts, Regime.Tranches, Today);

        // € 20.000 + € 200.000 − € 222.000 = € -2.000 at the end of 11-2026; December's € 3.000 organisation: € -5.000;
        // January stands still (€ 3.000 more): € -8.000; tranche 3 comes in 02-2027.
        Assert.Equal(-2_000m, timeline.Actual.BookedBalance);
        var december = timeline.Actual.Months[^1];
        Assert.Equal((ThisMonth, 3_000m, 3_000m, -5_000m), (december.Month, december.Spent, december.Planned, december.Closing));
        Assert.Equal(-5_000m, timeline.State.Cash);
        var o = timeline.Outlook;
        Assert.Equal(8_000m, o.Shortfall);
        Assert.Equal(new YearMonth(2027, 1), o.ShortfallMonth);
        Assert.Equal(ThisMonth, o.CashShortFrom);
        Assert.Contains("tekort € 8.000,00 in 01-2027", o.CashShortText);
        AssertOneLine(timeline);
    }

    [Fact]
    public void T3_a_stall_the_board_reported_is_dated_from_when_it_began()
    {
        var timeline = ProjectCash.Timeline(Zuid(), Regime.Tranches, Today);

        // Work month 17 (contracts) was the last booked, in 08-2026; 09, 10 and 11 booked only the € 3.000 organisation, and the board
        // reported 11-2026 stalled. So the work has stood still since 09-2026: 09-2026 … 01-2027 is 5 months before tranche 3 in 02-2027.
        Assert.Equal(new YearMonth(2026, 9), timeline.State.StalledSince);
        var o = timeline.Outlook;
        Assert.Equal(OutlookState.InStall, o.State);
        Assert.Equal(new YearMonth(2026, 9), o.GapStart);
        Assert.Equal(5, o.GapMonths);
        Assert.Equal(new YearMonth(2027, 2), o.MoneyExpected);
        Assert.Contains("Het werk ligt stil sinds 09-2026 (5 maanden in totaal)", Cli(timeline));
        Assert.DoesNotContain("sinds 01-2027", Cli(timeline));
    }

    [Fact]
    public void T3_the_stall_start_walks_back_over_reports_and_fixed_cost_months_only()
    {
        var plan = Plan(ZuidPlan);
        // Nothing says the work stood still: no stall start.
        Assert.Null(ActualState.StallStart(plan, Spending(("2026-11", 12_000m)), [], 17, ThisMonth));
        // A month with more than the fixed costs booked ends the walk; a month without anything booked or reported too.
        Assert.Equal(new YearMonth(2026, 11), ActualState.StallStart(plan, Spending(("2026-10", 12_000m), ("2026-11", 3_000m)), [], 17, ThisMonth));
        Assert.Equal(new YearMonth(2026, 11), ActualState.StallStart(plan, Spending(("2026-09", 3_000m), ("2026-11", 3_000m)), [], 17, ThisMonth));
        // A report "not stalled" ends it, even with only fixed costs booked; a report "stalled" counts without bookings.
        Assert.Null(ActualState.StallStart(plan, Spending(("2026-11", 3_000m)), [Report(2026, 11, 17, stalled: false)], 17, ThisMonth));
        Assert.Equal(new YearMonth(2026, 10), ActualState.StallStart(plan, [], [Report(2026, 10, 17, true), Report(2026, 11, 17, true)], 17, ThisMonth));
        // Work done: nothing to wait for.
        Assert.Null(ActualState.StallStart(plan, Spending(("2026-11", 3_000m)), [], 24, ThisMonth));
    }

    [Fact]
    public void Today_s_month_with_only_its_fixed_costs_booked_so_far_carries_a_stall_on_but_does_not_begin_one()
    {
        var plan = Plan(ZuidPlan);
        // Worked last month, the rent of this month booked on its first day: the month is under way, nothing stands still (and no restart cost).
        Assert.Null(ActualState.StallStart(plan, Spending(("2026-11", 12_000m), ("2026-12", 3_000m)), [], 17, ThisMonth));
        // Only fixed costs last month too: the stall began last month and goes on.
        Assert.Equal(new YearMonth(2026, 11), ActualState.StallStart(plan, Spending(("2026-10", 12_000m), ("2026-11", 3_000m), ("2026-12", 3_000m)), [], 17, ThisMonth));
        // The board says this month stands still: that begins it, whatever is booked.
        Assert.Equal(ThisMonth, ActualState.StallStart(plan, Spending(("2026-11", 12_000m), ("2026-12", 3_000m)), [Report(2026, 12, 17, true)], 17, ThisMonth));
        // More than the fixed costs booked this month: working, whatever last month was.
        Assert.Null(ActualState.StallStart(plan, Spending(("2026-11", 3_000m), ("2026-12", 12_000m)), [], 17, ThisMonth));
    }

    /// <summary>
    /// Carried from session 16: the restart cost after a stall followed only the board's stall report for today's month, not the stall the
    /// outlook dates (<c>stalledSince</c>). Zuid with a € 5.000 restart cost, tranche 3 paid on 03-12-2026: the work has stood still since
    /// 09-2026 (the board reported 11-2026 stalled, nothing for 12-2026), so January 2027, the first work month after the stall, pays it.
    /// </summary>
    [Fact]
    public void Carried_a_stall_dated_by_stalled_since_pays_the_restart_cost_when_the_work_resumes()
    {
        var zuid = Zuid();
        var plan = Plan(ZuidPlan.Replace("\"openingBalance\": 20000,", "\"openingBalance\": 20000, \"restartCost\": 5000,"));
        Assert.Equal(5_000m, plan.RestartCost);
        var grant = View("gem-ontw", 300_000m,
            Paid(1, new LocalDate(2024, 12, 1), new LocalDate(2025, 1, 5), new LocalDate(2025, 1, 15)),
            Paid(2, new LocalDate(2025, 9, 30), new LocalDate(2026, 1, 25), new LocalDate(2026, 2, 5)),
            Paid(3, new LocalDate(2026, 11, 20), new LocalDate(2026, 11, 28), new LocalDate(2026, 12, 3)));
        var timeline = ProjectCash.Timeline(zuid with { Plan = plan, Grants = [grant] }, Regime.Tranches, Today);

        Assert.Equal(new YearMonth(2026, 9), timeline.State.StalledSince);
        Assert.True(timeline.State.Stalled);
        // € 20.000 + € 300.000 − € 222.000 − € 3.000 (December's organisation) = € 95.000; January: work month 18 (€ 12.000) and
        // the restart (€ 5.000) = € 78.000.
        Assert.Equal(95_000m, timeline.State.Cash);
        var january = timeline.Projection!.Months[0];
        Assert.Equal((new YearMonth(2027, 1), MonthStatus.Working, 18, 12_000m, 5_000m, 78_000m),
            (january.Month, january.Status, january.WorkMonth, january.WorkCost, january.RestartCost, january.Closing));
        Assert.Contains(january.Events, e => e.Kind == EventKind.WorkResumed && e.Amount == 5_000m);

        // Without anything saying the work stands still (the board reports 11-2026 as worked), no restart cost.
        var working = ProjectCash.Timeline(zuid with { Plan = plan, Grants = [grant], Progress = [Report(2026, 11, 17, stalled: false)] }, Regime.Tranches, Today);
        Assert.Null(working.State.StalledSince);
        Assert.False(working.State.Stalled);
        Assert.Equal(0m, working.Projection!.Months[0].RestartCost);
    }

    /// <summary>West-net: tranche 1 paid 10-06-2025, tranche 2 approved 01-12-2026 (so expected 31-12-2026); € 112.000 booked.</summary>
    private static CashFacts West()
    {
        var t2 = new Tranche
        {
            Number = 2, PlannedAmount = 100_000m, Status = TrancheStatus.Goedgekeurd,
            Accounting = new Accounting { AmountSpent = 100_000m, PeriodFrom = new LocalDate(2025, 6, 1), PeriodTo = new LocalDate(2026, 2, 28) },
            Steps = [Step(TrancheStatus.Aangevraagd, new LocalDate(2026, 3, 1)), Step(TrancheStatus.VerantwoordingIngediend, new LocalDate(2026, 3, 1)),
                Step(TrancheStatus.Goedgekeurd, new LocalDate(2026, 12, 1))],
        };
        var grant = View("paw-west", 200_000m, Paid(1, new LocalDate(2025, 5, 1), new LocalDate(2025, 5, 20), new LocalDate(2025, 6, 10)), t2);
        var spending = new List<(string, decimal)>();
        for (var m = new YearMonth(2025, 6); m <= new YearMonth(2026, 11); m = m.PlusMonths(1)) spending.Add((Iso(m), 1_500m));
        for (var m = new YearMonth(2025, 6); m <= new YearMonth(2026, 3); m = m.PlusMonths(1)) spending.Add((Iso(m), 8_500m));
        return new CashFacts(Plan(WestPlan), [grant], Spending([.. spending]), [Report(2026, 11, 10, stalled: true)]);
    }

    [Fact]
    public void T3_west_counts_decembers_organisation_too()
    {
        var timeline = ProjectCash.Timeline(West(), Regime.Tranches, Today);
        // € 100.000 − € 112.000 = € -12.000; December's € 1.500 organisation: € -13.500 (the tester's hand count).
        Assert.Equal(-12_000m, timeline.Actual.BookedBalance);
        Assert.Equal(-13_500m, timeline.State.Cash);
        Assert.Equal(13_500m, timeline.Outlook.Shortfall);
        Assert.Equal(new YearMonth(2026, 4), timeline.State.StalledSince);
    }

    // ---- T5: west-net, the grant used up ----

    [Fact]
    public void T5_when_no_tranche_is_left_the_outlook_asks_for_money_to_find_not_for_a_request()
    {
        var timeline = ProjectCash.Timeline(West(), Regime.Tranches, Today);
        var o = timeline.Outlook;

        // Tranche 2 (the last) in 01-2027: € -13.500 + € 100.000 = € 86.500 pays work months 11-18 (01-08-2027, € 80.000), leaving
        // € 6.500; work month 19 (€ 10.000) does not fit in 09-2027 and nothing more comes. Still to find: work months 19 and 20
        // (€ 20.000) − € 6.500 = € 13.500.
        Assert.Equal(OutlookState.GapAhead, o.State);
        Assert.Equal(new YearMonth(2027, 9), o.GapStart);
        Assert.Equal(9, o.RunwayMonths);
        Assert.True(o.RunsOut);
        Assert.Equal(13_500m, o.MoneyToFind);
        Assert.Null(o.RequestBy);
        Assert.Null(o.MoneyExpected);
        Assert.Null(o.GapMonths);
        // Nothing comes after 09-2027, so here "er komt geen betaling meer" is true (tester9a T1: only then); no buffer in this plan.
        Assert.Equal(0m, o.PaymentsInGap);
        Assert.Equal("Vanaf 09-2027 ligt het werk stil: de kas dekt de volgende werkmaand niet; er komt geen betaling meer en er is geen tranche "
                     + "meer aan te vragen. Nog te vinden € 13.500,00 om het werk af te maken.", o.RunsOutText);
        var cli = Cli(timeline);
        Assert.Contains(o.RunsOutText!, cli);
        Assert.DoesNotContain("de deur uit", cli);
        Assert.DoesNotContain("dreigt een windstilte", cli);
    }

    /// <summary>For any plan and any today: an outlook advises a request only when money is still coming, and a gap no money ends says what is to find.</summary>
    [Property(MaxTest = 200)]
    public Property T5_request_advice_only_with_a_tranche_left_and_money_to_find_when_none_is() =>
        Prop.ForAll(CashFlowProperties.AnyPlan(), Gen.Choose(0, 60).ToArbitrary(), (shape, offset) =>
        {
            var plan = CashFlowProperties.Plan(shape);
            foreach (var regime in CashFlowSimulator.RegimesFor(plan))
            {
                var o = CashFlowSimulator.Simulate(plan, regime, plan.StartMonth.PlusMonths(offset)).Outlook;
                if (o.RequestBy is not null) Assert.NotNull(o.MoneyExpected);
                if (o.State is OutlookState.GapAhead or OutlookState.InStall && o.MoneyExpected is null)
                {
                    Assert.NotNull(o.MoneyToFind);
                    Assert.True(o.MoneyToFind >= 0m);
                    Assert.Equal(decimal.Round(o.MoneyToFind!.Value, 2), o.MoneyToFind);
                }
                if (o.MoneyToFind is not null) Assert.Null(o.MoneyExpected);
            }
        });

    // ---- T6: the outlook's own texts ----

    [Fact]
    public void T6_with_the_cash_short_the_end_of_the_work_is_the_work_and_the_cash_short_comes_first()
    {
        // T1's scenario: a grant of € 2.000.000 requested with its accounting on 02-11-2026 (review norm 90 days: 31-01-2027).
        var extra = View("nep-gem", 2_000_000m, new Tranche
        {
            Number = 1, PlannedAmount = 2_000_000m, Status = TrancheStatus.VerantwoordingIngediend,
            Accounting = new Accounting { AmountSpent = 1m, PeriodFrom = new LocalDate(2026, 11, 1), PeriodTo = new LocalDate(2026, 11, 2) },
            Steps = [Step(TrancheStatus.Aangevraagd, new LocalDate(2026, 11, 2)), Step(TrancheStatus.VerantwoordingIngediend, new LocalDate(2026, 11, 2))],
        });
        var timeline = ProjectCash.Timeline(Zuid(extra), Regime.Tranches, Today);
        var o = timeline.Outlook;

        // € 2 mln in 01-2027 pays work months 18-24: done in 07-2027. The cash is below zero now (€ -2.000 booked, € -5.000 with December).
        Assert.Equal(OutlookState.NoGapAhead, o.State);
        Assert.Equal(new YearMonth(2027, 7), o.WorkDoneIn);
        Assert.Equal(ThisMonth, o.CashShortFrom);
        Assert.Equal(new YearMonth(2026, 11), o.MoneyLastsUntil);
        Assert.Equal("kas leeg in 12-2026", o.MoneyLastsText);
        Assert.StartsWith("De kas is leeg in 12-2026", o.Headline);
        Assert.EndsWith("Er komt geen windstilte meer; het werk is klaar in 07-2027.", o.Headline);
        var cli = Cli(timeline);
        Assert.DoesNotContain("einde van het werk (11-2026)", cli);
        Assert.Contains("Er komt geen windstilte meer; het werk is klaar in 07-2027.", cli);
        Assert.True(cli.IndexOf("De kas is leeg in 12-2026", StringComparison.Ordinal) < cli.IndexOf("Er komt geen windstilte meer", StringComparison.Ordinal));
    }

    [Fact]
    public void T6_one_phrase_per_state_for_the_money_lasts_column()
    {
        var today = ThisMonth;
        Assert.Equal("werk ligt stil (sinds 09-2026)",
            new Outlook { Today = today, State = OutlookState.InStall, RunwayMonths = 0, GapStart = new YearMonth(2026, 9) }.MoneyLastsText);
        Assert.Equal("nog 9 maanden", new Outlook { Today = today, State = OutlookState.GapAhead, RunwayMonths = 9, GapStart = new YearMonth(2027, 9) }.MoneyLastsText);
        Assert.Equal("nog 1 maand", new Outlook { Today = today, State = OutlookState.GapAhead, RunwayMonths = 1, GapStart = new YearMonth(2027, 1) }.MoneyLastsText);
        // The work stands still, which is what the figures say (tester9a T1: "geld op" next to a balance that never went below zero).
        Assert.Equal("werk ligt stil vanaf 09-2027, nog te vinden € 5,00",
            new Outlook { Today = today, State = OutlookState.GapAhead, RunwayMonths = 9, GapStart = new YearMonth(2027, 9), MoneyToFind = 5m }.MoneyLastsText);
        // The cash short takes precedence over a work runway (west-net: "nog 9 maanden" next to "De kas is leeg in 12-2026").
        Assert.Equal("kas leeg in 12-2026", new Outlook
        {
            Today = today, State = OutlookState.GapAhead, RunwayMonths = 9, GapStart = new YearMonth(2027, 9), CashShortFrom = today, Shortfall = 1m,
        }.MoneyLastsText);
        Assert.Equal("tot het einde van het werk (05-2031)",
            new Outlook { Today = today, State = OutlookState.NoGapAhead, WorkDoneIn = new YearMonth(2031, 5), MoneyLastsUntil = new YearMonth(2031, 5) }.MoneyLastsText);
        // West-net from its facts: the cash short first, then the stall, never "nog 0 maanden".
        var west = ProjectCash.Timeline(West(), Regime.Tranches, Today).Outlook;
        Assert.Equal("kas leeg in 12-2026", west.MoneyLastsText);
    }
}
