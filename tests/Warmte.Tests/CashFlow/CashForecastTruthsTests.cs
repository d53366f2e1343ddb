using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Client;
using Warmte.Grants;
using Warmte.Serialization;
using Warmte.Spreadsheets.Export;
using Warmte.Tests.Spreadsheets;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Tester 6's cash findings, with the tester's own scenario where it matters: cooperative Oosterwarmte's plan (/tmp/t6/files/plan.json),
/// grant gem-ontw of € 300.000 in 3 × € 100.000, tranche 2 paid € 150.000 on 01-12-2026, today 07-12-2026.
/// T1: the forecast never counts on more than is left of the grant. T2: a balance below zero in a stall is said. T3: the project
/// sheet shows the actual cash line. T4: the median of lead times is the real median. T10: phase budgets above the grant are
/// allowed and show the money still to find. T16: one outlook month in every view.
/// </summary>
public sealed class CashForecastTruthsTests
{
    private const string TesterPlan = """
        {"formatVersion":1,"name":"Oosterwarmte ontwikkeling","description":"Testplan","startMonth":"2025-04","openingBalance":20000,"cashBuffer":10000,"restartCost":5000,
        "phases":[{"name":"Ontwerp","months":12,"budget":180000,"milestones":[{"name":"Ontwerp gereed"}]},{"name":"Businesscase","months":12,"budget":120000,"milestones":[{"name":"BC gereed"}]}],
        "workPlan":[{"name":"Organisatie","kind":"organisation","monthlyCost":4000,"runsDuringStall":true},{"name":"Ontwerp","kind":"design","monthlyCost":15000,"phase":"Ontwerp"},{"name":"Businesscase","kind":"businessCase","monthlyCost":10000,"phase":"Businesscase"}],
        "grant":{"name":"Ontwikkelsubsidie","funder":"Gemeente Amsterdam","amount":300000,"trancheSize":100000,"waitsForAccounting":true},
        "leadTimes":{"requestToApprovedMonths":6,"approvedToPaidMonths":1},"assumptions":[]}
        """;

    private static readonly LocalDate Today = new(2026, 12, 7);

    private static CashFlowPlan Plan(string json = TesterPlan) => PlanReaderTests.Read(JsonNode.Parse(json)!.AsObject());

    private static TrancheStep Step(TrancheStatus to, LocalDate on) =>
        new() { To = to, On = on, Actor = "t", RecordedAt = Instant.FromUtc(2025, 1, 1, 0, 0) };

    /// <summary>A tranche through request, accounting, approval and payment on the dates given; paid <paramref name="paid"/>.</summary>
    private static Tranche Paid(int number, LocalDate requested, LocalDate approved, LocalDate paidOn, decimal paid) => new()
    {
        Number = number, PlannedAmount = 100_000m, Status = TrancheStatus.Uitbetaald, PaidAmount = paid,
        Accounting = new Accounting { AmountSpent = 90_000m, PeriodFrom = requested.PlusMonths(-6), PeriodTo = requested },
        Steps =
        [
            Step(TrancheStatus.Aangevraagd, requested), Step(TrancheStatus.VerantwoordingIngediend, requested.PlusDays(1)),
            Step(TrancheStatus.Goedgekeurd, approved), Step(TrancheStatus.Uitbetaald, paidOn),
        ],
    };

    private static Tranche Planned(int number) => new() { Number = number, PlannedAmount = 100_000m, Status = TrancheStatus.Gepland };

    private static GrantView View(params Tranche[] tranches) => GrantView.Of(new Grant
    {
        Id = "gem-ontw", ProjectId = "oost-net", Funder = "Gemeente Amsterdam", Scheme = "Ontwikkelsubsidie", AmountGranted = 300_000m,
        DecidedOn = new LocalDate(2025, 3, 1), EarnedBack = false, PreviousAccountingFirst = true, Tranches = [.. tranches],
        CreatedAt = Instant.FromUtc(2025, 3, 1, 0, 0),
    });

    /// <summary>
    /// The tester's two tranches: request → approval 233 and 309 days, approval → payment 11 and 16, request → payment 244 and 325;
    /// tranche 2 paid € 150.000 on 01-12-2026 instead of the planned € 100.000. Tranche 3 is still planned.
    /// </summary>
    private static GrantView TesterGrant() => View(
        Paid(1, new LocalDate(2025, 4, 1), new LocalDate(2025, 11, 20), new LocalDate(2025, 12, 1), 100_000m),
        Paid(2, new LocalDate(2026, 1, 10), new LocalDate(2026, 11, 15), new LocalDate(2026, 12, 1), 150_000m),
        Planned(3));

    /// <summary>€ 10.000 booked in each month from 04-2025 to 11-2026: 20 months, € 200.000.</summary>
    private static ImmutableArray<MonthSpending> TenThousandAMonth() =>
        [.. Enumerable.Range(0, 20).Select(i => new MonthSpending(new YearMonth(2025, 4).PlusMonths(i), 10_000m, 1, []))];

    private static CashFacts TesterFacts() => new(Plan(), [TesterGrant()], TenThousandAMonth(), []);

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    // ---- T1 ----

    [Fact]
    public void T1_the_projection_counts_on_only_what_is_left_of_the_grant_after_an_over_payment_and_says_so()
    {
        var timeline = ProjectCash.Timeline(TesterFacts(), Regime.Tranches, Today);

        // € 300.000 granted, € 100.000 + € 150.000 paid: € 50.000 left, not the planned € 100.000 of tranche 3.
        var received = timeline.Projection!.Months.SelectMany(m => m.Events).Where(e => e.Kind == EventKind.TranchePaid).ToList();
        Assert.Equal(50_000m, received.Sum(e => e.Amount));
        var cap = Assert.Single(timeline.State.CappedTranches);
        Assert.Equal((3, 100_000m, 50_000m), (cap.Number, cap.Planned, cap.Projected));

        const string said = "Ontwikkelsubsidie, tranche 3 telt in de prognose voor € 50.000,00 in plaats van € 100.000,00: meer is er niet over van de subsidie.";
        var cli = new StringWriter();
        CashFlowViews.CashTimeline(timeline, "oost-net", cli);
        Assert.Contains("Let op: " + said, Flat(cli.ToString()));

        // warmte grant show: the grant as the API sends it.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(TesterGrant(), WarmteJson.Default));
        var shown = new StringWriter();
        GrantViews.Grant(json.RootElement, shown);
        Assert.Contains("Let op: " + said, Flat(shown.ToString()));
    }

    [Fact]
    public void T1_a_requested_tranche_after_an_over_payment_is_expected_for_what_is_left_and_nothing_when_nothing_is()
    {
        var requested = new Tranche
        {
            Number = 3, PlannedAmount = 100_000m, Status = TrancheStatus.Aangevraagd, Steps = [Step(TrancheStatus.Aangevraagd, new LocalDate(2026, 12, 2))],
        };
        var grants = ImmutableArray.Create(View(TesterGrant().Grant.Tranches[0], TesterGrant().Grant.Tranches[1], requested));
        Assert.Equal(50_000m, PaymentExpectation.Next(grants, Today)!.Amount);
        var state = ProjectCash.Timeline(new CashFacts(Plan(), grants, TenThousandAMonth(), []), Regime.Tranches, Today).State;
        Assert.Equal(50_000m, Assert.Single(state.ExpectedPayments).Amount);
        Assert.Equal(0m, state.GrantLeft);

        // Tranche 2 paid € 200.000: the grant is all paid, so the requested tranche 3 brings nothing.
        var allPaid = ImmutableArray.Create(View(TesterGrant().Grant.Tranches[0],
            TesterGrant().Grant.Tranches[1] with { PaidAmount = 200_000m }, requested));
        Assert.Null(PaymentExpectation.Next(allPaid, Today));
        Assert.Empty(ProjectCash.Timeline(new CashFacts(Plan(), allPaid, TenThousandAMonth(), []), Regime.Tranches, Today).State.ExpectedPayments);
    }

    /// <summary>A grant of the plan's tranches; the first <c>Paid</c> of them paid (each 0–250% of plan), the next perhaps requested.</summary>
    private static Gen<(int[] PaidPercent, bool RequestNext, int[] Spending)> Payments() =>
        from count in Gen.Choose(0, 4)
        from paid in Gen.ArrayOf(Gen.Choose(0, 250), count)
        from requestNext in Gen.Elements(true, false)
        from spending in Gen.ArrayOf(Gen.Choose(0, 300_000), 24)
        select (paid, requestNext, spending);

    [Property(MaxTest = 200)]
    public Property T1_projected_receipts_of_a_grant_never_exceed_its_total_minus_what_is_paid() =>
        Prop.ForAll(CashFlowProperties.AnyPlan(), Payments().ToArbitrary(), (shape, history) =>
        {
            var plan = CashFlowProperties.Plan(shape);
            var start = plan.StartMonth.OnDayOfMonth(1);
            var tranches = new List<Tranche>();
            var day = start;
            for (var i = 0; i < plan.Grant.Tranches.Length; i++)
            {
                var planned = plan.Grant.Tranches[i];
                if (i < history.PaidPercent.Length)
                {
                    var amount = decimal.Round(planned * history.PaidPercent[i] / 100m, 2);
                    tranches.Add(Paid(i + 1, day, day.PlusDays(60), day.PlusDays(70), amount) with { PlannedAmount = planned });
                    day = day.PlusDays(100);
                }
                else if (i == history.PaidPercent.Length && history.RequestNext)
                    tranches.Add(new Tranche { Number = i + 1, PlannedAmount = planned, Status = TrancheStatus.Aangevraagd, Steps = [Step(TrancheStatus.Aangevraagd, day)] });
                else tranches.Add(new Tranche { Number = i + 1, PlannedAmount = planned, Status = TrancheStatus.Gepland });
            }
            var grant = new Grant
            {
                Id = "g", ProjectId = "p", Funder = "F", Scheme = "S", AmountGranted = plan.Grant.Amount, DecidedOn = start,
                EarnedBack = false, PreviousAccountingFirst = true, Tranches = [.. tranches], CreatedAt = Instant.FromUtc(2020, 1, 1, 0, 0),
            };
            var today = day.PlusDays(10);
            var spent = history.Spending.Select((a, i) => new MonthSpending(plan.StartMonth.PlusMonths(i), a, a > 0 ? 1 : 0, []))
                .Where(m => m.Bookings > 0 && m.Month <= today.ToYearMonth()).ToImmutableArray();
            var paid = tranches.Sum(t => t.PaidAmount ?? 0m);
            var left = Math.Max(0m, grant.AmountGranted - paid);

            var timeline = ProjectCash.Timeline(new CashFacts(plan, [GrantView.Of(grant)], spent, []), Regime.Tranches, today);
            var projected = (timeline.Projection?.Months ?? []).SelectMany(m => m.Events).Where(e => e.Kind == EventKind.TranchePaid).Sum(e => e.Amount);
            Assert.True(projected <= left, $"projected {projected} > granted {grant.AmountGranted} − paid {paid}");
            Assert.True(GrantRemainder.Projected(grant).Values.Sum() <= left);
            Assert.True(PaymentExpectation.Next([GrantView.Of(grant)], today) is not { } next || next.Amount <= left);
        });

    // ---- T2 ----

    /// <summary>
    /// A plan small enough to follow by hand: start 01-2026, nothing in the bank, buffer 0; 6 work months of € 1.000 organisation
    /// (runs on in a stall) + € 9.000 design; grant € 60.000 in 2 × € 30.000, the next after accounting; 5 + 1 months lead time.
    /// 01–03: work (30.000 → 0); the request goes out at the end of 03 and is paid in 09. 04–08 stall: € 1.000 a month with no
    /// money, so the cash closes at −1.000 in 04 … −5.000 in 08.
    /// </summary>
    private const string SmallPlan = """
        {"formatVersion":1,"name":"Klein","startMonth":"2026-01","openingBalance":0,"cashBuffer":0,"restartCost":0,
        "phases":[{"name":"Ontwerp","months":6,"budget":60000}],
        "workPlan":[{"name":"Organisatie","kind":"organisation","monthlyCost":1000,"runsDuringStall":true},{"name":"Ontwerp","kind":"design","monthlyCost":9000}],
        "grant":{"name":"S","funder":"F","amount":60000,"trancheSize":30000,"waitsForAccounting":true},
        "leadTimes":{"requestToApprovedMonths":5,"approvedToPaidMonths":1}}
        """;

    [Fact]
    public void T2_the_outlook_says_when_the_cash_goes_below_zero_and_by_how_much_and_the_money_lasts_until_the_month_before()
    {
        var plan = Plan(SmallPlan);
        var result = CashFlowSimulator.Simulate(plan, Regime.Tranches, new YearMonth(2026, 1));
        var o = result.Outlook;
        Assert.Equal((OutlookState.GapAhead, 3, new YearMonth(2026, 4)), (o.State, o.RunwayMonths, o.GapStart));
        Assert.Equal(new YearMonth(2026, 4), o.CashShortFrom);
        Assert.Equal((5_000m, new YearMonth(2026, 8)), (o.Shortfall, o.ShortfallMonth));
        Assert.Equal(new YearMonth(2026, 3), o.MoneyLastsUntil);
        const string said = "De kas is leeg in 04-2026 (tekort € 5.000,00 in 08-2026): de vaste kosten zijn dan niet meer te betalen.";
        Assert.Equal(said, o.CashShortText);

        // The API (the cash page reads cashShortText), the CLI and the alerts say the same.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(o, WarmteJson.Default));
        Assert.Equal(said, json.RootElement.GetProperty("cashShortText").GetString());
        Assert.Equal("2026-03", json.RootElement.GetProperty("moneyLastsUntil").GetString());
        var cli = new StringWriter();
        CashFlowViews.Timeline(plan, result, "plan.json", cli);
        Assert.Contains(said, Flat(cli.ToString()));
        var alert = Assert.Single(AlertRules.For("p", Phases.Phase.Ontwikkeling, [], [], new LocalDate(2026, 1, 15), o), a => a.Kind == "cash-short");
        Assert.Equal(AlertSeverity.High, alert.Severity);
        Assert.StartsWith(said, alert.Message);

        // From 09-2026 on the cash stays at or above zero: nothing to say.
        var later = CashFlowSimulator.Simulate(plan, Regime.Tranches, new YearMonth(2026, 9)).Outlook;
        Assert.Null(later.CashShortFrom);
        Assert.Null(later.CashShortText);
    }

    [Fact]
    public void T2_from_the_actual_state_a_projected_balance_below_zero_is_said_in_the_cash_timeline()
    {
        // The tester's scenario without the over-payment: € 100.000 each for tranches 1 and 2, € 200.000 spent; the projection runs
        // the work until the money is gone and then pays € 4.000 of organisation a month while waiting for tranche 3.
        var facts = TesterFacts() with { Grants = [View(TesterGrant().Grant.Tranches[0], TesterGrant().Grant.Tranches[1] with { PaidAmount = 100_000m }, Planned(3))] };
        var t = ProjectCash.Timeline(facts, Regime.Tranches, Today);
        var months = t.Projection!.Months;
        // Written out from the month table: the first month that closes below zero and the lowest closing from there.
        var first = months.First(m => m.Closing < 0m);
        Assert.Equal(first.Month, t.Outlook.CashShortFrom);
        Assert.Equal(-months.Min(m => m.Closing), t.Outlook.Shortfall);
        Assert.Equal(first.Month.PlusMonths(-1), t.Outlook.MoneyLastsUntil);
        var cli = new StringWriter();
        CashFlowViews.CashTimeline(t, "oost-net", cli);
        Assert.Contains($"De kas is leeg in {first.Month.Month:00}-{first.Month.Year}", Flat(cli.ToString()));
    }

    [Fact]
    public void T16_a_payment_due_today_is_shown_with_the_portfolios_date_and_why_the_line_has_it_next_month()
    {
        // Tranche 3 requested on 02-01-2026: with the observed 284,5 days (285 whole) it was due 14-10-2026, so it is expected today.
        var requested = new Tranche
        {
            Number = 3, PlannedAmount = 100_000m, Status = TrancheStatus.Aangevraagd, Steps = [Step(TrancheStatus.Aangevraagd, new LocalDate(2026, 1, 2))],
        };
        var grants = ImmutableArray.Create(View(TesterGrant().Grant.Tranches[0], TesterGrant().Grant.Tranches[1], requested));
        var facts = new CashFacts(Plan(), grants, TenThousandAMonth(), []);
        var row = Portfolio.Row("oost-net", "Oost-net", "oosterwarmte", Phases.Phase.Ontwikkeling, [], grants, Today, ProjectCash.Outlook(facts, Today));
        Assert.Equal(Today, row.NextExpectedPayment);
        var timeline = ProjectCash.Timeline(facts, Regime.Tranches, Today);
        var payment = Assert.Single(timeline.State.ExpectedPayments);
        Assert.Equal((new YearMonth(2027, 1), Today, true), (payment.Month, payment.ExpectedOn, payment.DueBeforeProjection));
        var cli = new StringWriter();
        CashFlowViews.CashTimeline(timeline, "oost-net", cli);
        Assert.Contains("Ontwikkelsubsidie, tranche 3: € 50.000,00, verwacht op 07-12-2026 (nu of te laat; deze maand telt als werkelijk, dus in de verwachting in 01-2027)",
            Flat(cli.ToString()));
    }

    // ---- T3 ----

    [Fact]
    public void T3_the_project_sheet_shows_the_actual_cash_line_as_the_cash_timeline_does()
    {
        var facts = TesterFacts();
        var project = ReferenceExport.Project(Domain.ProjectRulesTests.NewProject() with { Id = "oost-net", Name = "Oost-net" }, "Oosterwarmte",
                Cooperatives.CooperativeKind.HeatNetwork, ReferenceExport.Model("zonnedak-sporthal.json"), facts.Grants,
                ProjectCash.Simulation(facts, Regime.Tranches, Today))
            with { CashTimeline = ProjectCash.Timeline(facts, Regime.Tranches, Today) };
        using var workbook = new XLWorkbook();
        var layout = ProjectSheet.Write(workbook, project, new HashSet<string>());
        var sheet = workbook.Worksheet(layout.SheetName);
        Assert.Contains(sheet.CellsUsed(c => !c.HasFormula), c => c.GetString().StartsWith("Kaspositie per maand: werkelijk t/m 12-2026, daarna verwacht", StringComparison.Ordinal));
        Assert.DoesNotContain(sheet.CellsUsed(c => !c.HasFormula), c => c.GetString().StartsWith("Windstiltes: ", StringComparison.Ordinal));

        // 04-2025 … 11-2026 actual (20 months), 12-2026 actual with its fixed costs not booked yet (tester7 T3), then expected;
        // the row of 12-2026 ends at € 20.000 opening + € 250.000 received − € 200.000 booked − € 4.000 organisation of
        // December (runs whatever the work does, nothing booked yet) = € 66.000.
        var cash = layout.Cash!;
        var rows = Enumerable.Range(cash.FirstRow, cash.Months).ToList();
        Assert.Equal(20, rows.Count(r => sheet.Cell(r, 2).GetString() == "werkelijk"));
        Assert.Equal("werkelijk + plan", sheet.Cell(rows[20], 2).GetString());
        Assert.All(rows.Skip(21), r => Assert.Equal("verwacht", sheet.Cell(r, 2).GetString()));
        var december = rows.Single(r => sheet.Cell(r, 1).GetDateTime() == new DateTime(2026, 12, 1));
        Assert.Equal(december, rows[20]);
        Assert.Equal(150_000d, sheet.Cell(december, 6).GetDouble());
        Assert.Equal(4_000d, sheet.Cell(december, 7).GetDouble());
        Assert.Equal(66_000d, Convert.ToDouble(sheet.Cell(december, cash.ClosingColumn).Value, System.Globalization.CultureInfo.InvariantCulture), 2);
        Assert.Equal(20_000d, sheet.Cell(cash.FirstRow, cash.OpeningColumn).GetDouble());
        // Where the table ends, in words.
        var end = sheet.Cell(cash.FirstRow + cash.Months, 1).GetString();
        Assert.True(end.StartsWith("Het werk is volgens de verwachting klaar in", StringComparison.Ordinal)
                    || end.StartsWith("De verwachting stopt in", StringComparison.Ordinal), end);
    }

    // ---- T4 ----

    [Fact]
    public void T4_the_median_is_the_middle_value_or_the_mean_of_the_two_middle_values()
    {
        Assert.Equal(271m, Median.Of([309, 233]));
        Assert.Equal(13.5m, Median.Of([16, 11]));
        Assert.Equal(5m, Median.Of([9, 1, 5]));
        Assert.Equal(4.5m, Median.Of([10, 1, 3, 6]));
        Assert.Null(Median.Of(Array.Empty<int>()));
    }

    [Fact]
    public void T4_grant_lead_times_are_the_real_median_over_two_three_and_four_paid_tranches()
    {
        // Two: the tester's tranches. 233/309 → 271; 11/16 → 13,5; 244/325 → 284,5.
        var two = TesterGrant().LeadTimes;
        Assert.Equal((2, 271m, 13.5m, 284.5m), (two.Observations, two.RequestToApprovalDays, two.ApprovalToPaymentDays, two.RequestToPaymentDays));

        // Three and four: request → approval 100, 200, 400 (+ 50); approval → payment 10 each.
        var d = new LocalDate(2020, 1, 1);
        Tranche T(int n, int toApproval) => Paid(n, d.PlusDays(1000 * n), d.PlusDays(1000 * n + toApproval), d.PlusDays(1000 * n + toApproval + 10), 100_000m);
        var three = View(T(1, 100), T(2, 400), T(3, 200)).LeadTimes;
        Assert.Equal((3, 200m, 10m, 210m), (three.Observations, three.RequestToApprovalDays, three.ApprovalToPaymentDays, three.RequestToPaymentDays));
        var four = GrantView.Of(View(T(1, 100), T(2, 400), T(3, 200)).Grant with { Tranches = [T(1, 100), T(2, 400), T(3, 200), T(4, 50)] }).LeadTimes;
        Assert.Equal((4, 150m, 10m, 160m), (four.Observations, four.RequestToApprovalDays, four.ApprovalToPaymentDays, four.RequestToPaymentDays));

        // warmte grant show prints the median, halves included.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(TesterGrant(), WarmteJson.Default));
        var shown = new StringWriter();
        GrantViews.Grant(json.RootElement, shown);
        var text = Flat(shown.ToString());
        Assert.Contains("Aanvraag → goedkeuring: 271 dagen", text);
        Assert.Contains("Goedkeuring → betaling: 13,5 dagen", text);
        Assert.Contains("Aanvraag → betaling: 284,5 dagen", text);
    }

    [Fact]
    public void T4_the_funders_lead_times_in_months_are_the_real_median_rounded_up_for_the_simulation()
    {
        // Months request → approved: 8 and 11 → 9,5 (simulated as 10); approved → paid: 0 and 1 → 0,5 (simulated as 1).
        var two = FunderLeadTimes.FromObservations([
            new LeadTimeObservation(new YearMonth(2025, 1), new YearMonth(2025, 9), new YearMonth(2025, 9)),
            new LeadTimeObservation(new YearMonth(2026, 1), new YearMonth(2026, 12), new YearMonth(2027, 1))]);
        Assert.Equal((9.5m, 0.5m, 10, 1), (two.RequestToApprovedMedian, two.ApprovedToPaidMedian, two.RequestToApprovedMonths, two.ApprovedToPaidMonths));
        // Three: 8, 11, 9 → 9.
        var three = FunderLeadTimes.FromObservations([
            new LeadTimeObservation(new YearMonth(2025, 1), new YearMonth(2025, 9), new YearMonth(2025, 9)),
            new LeadTimeObservation(new YearMonth(2026, 1), new YearMonth(2026, 12), new YearMonth(2027, 1)),
            new LeadTimeObservation(new YearMonth(2027, 1), new YearMonth(2027, 10), new YearMonth(2027, 12))]);
        Assert.Equal((9m, 1m, 9, 1), (three.RequestToApprovedMedian, three.ApprovedToPaidMedian, three.RequestToApprovedMonths, three.ApprovedToPaidMonths));

        // The cash timeline says the median and what the simulation counts with.
        var plan = Plan() with { LeadTimes = two };
        var cli = new StringWriter();
        CashFlowViews.Timeline(plan, CashFlowSimulator.Simulate(plan, Regime.Tranches), "plan.json", cli);
        Assert.Contains("9,5 maanden (gerekend als 10 hele maanden) van aanvraag tot goedgekeurde verantwoording, 0,5 maanden (gerekend als 1 hele maand) tot betaling (mediaan van 2 waarnemingen)",
            Flat(cli.ToString()));
    }

    // ---- T10 ----

    [Fact]
    public void T10_phase_budgets_above_the_grant_are_allowed_and_the_difference_is_money_still_to_find()
    {
        // The tester's plan with phases of € 300.000 + € 200.000 against the € 300.000 grant.
        var json = JsonNode.Parse(TesterPlan)!.AsObject();
        json["phases"]![0]!["budget"] = 300_000;
        json["phases"]![1]!["budget"] = 200_000;
        var read = PlanReader.Read(json.ToJsonString());
        Assert.True(read.IsOk, string.Join("; ", read.Refusal?.Errors.Select(e => e.Reason) ?? []));
        var plan = read.Value!;
        Assert.Equal(200_000m, plan.BudgetsAboveGrant);
        // Planned cost € 396.000 (4.000 × 24 + 15.000 × 12 + 10.000 × 12) against € 300.000 grant + € 20.000 opening: € 76.000.
        Assert.Equal(76_000m, plan.CostAboveFunding);
        Assert.Equal(200_000m, plan.MoneyToFind);
        Assert.Contains(plan.MoneyToFindNotes, n => n.StartsWith(
            "De fasebudgetten samen (€ 500.000,00) zijn € 200.000,00 meer dan de subsidie (€ 300.000,00): dat geld is nog te vinden", StringComparison.Ordinal));

        // The milestone regime pays the budgets in full; the CLI shows the plan with the money still to find.
        var milestones = CashFlowSimulator.Simulate(plan, Regime.Milestones);
        Assert.Equal(300_000m, milestones.Months[0].GrantReceived);
        var cli = new StringWriter();
        CashFlowViews.Timeline(plan, milestones, "plan.json", cli);
        Assert.Contains("Nog te vinden: € 200.000,00. De fasebudgetten samen (€ 500.000,00)", Flat(cli.ToString()));

        // A plan the grant covers has nothing to find.
        Assert.Equal(0m, PlanReaderTests.Ketelhuis().MoneyToFind);
        Assert.Empty(PlanReaderTests.Ketelhuis().MoneyToFindNotes);
    }

    // ---- T16 ----

    [Fact]
    public void T16_the_outlook_month_is_todays_month_in_the_cash_timeline_the_cashflow_answer_the_cli_and_the_project_sheet()
    {
        var facts = TesterFacts();
        var timeline = ProjectCash.Timeline(facts, Regime.Tranches, Today);
        var cashflow = ProjectCash.Simulation(facts, Regime.Tranches, Today);           // GET …/cashflow, warmte cashflow, the exports
        var december = new YearMonth(2026, 12);
        Assert.Equal(OutlookBasis.Actual, cashflow.Outlook.Basis);
        Assert.Equal((december, december, december), (timeline.Today, timeline.Outlook.Today, cashflow.Outlook.Today));
        Assert.Equal(december, ProjectCash.Outlook(facts, Today).Today);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(cashflow.Outlook, WarmteJson.Default));
        Assert.Equal("2026-12", json.RootElement.GetProperty("today").GetString());

        // The runway counts from today inclusive: from 12-2026 to the gap's first month.
        if (cashflow.Outlook is { State: OutlookState.GapAhead, GapStart: { } gap, RunwayMonths: { } runway })
            Assert.Equal((gap.Year - 2026) * 12 + gap.Month - 12, runway);

        var cliTimeline = new StringWriter();
        CashFlowViews.CashTimeline(timeline, "oost-net", cliTimeline);
        var cliCashflow = new StringWriter();
        CashFlowViews.OnlineTimeline(cashflow, null, "oost-net", cliCashflow);
        foreach (var text in new[] { cliTimeline.ToString(), cliCashflow.ToString() })
        {
            Assert.Contains("Vooruitblik per 12-2026", text);
            Assert.DoesNotContain("Vooruitblik per 01-2027", text);
        }

        var project = ReferenceExport.Project(Domain.ProjectRulesTests.NewProject() with { Id = "oost-net" }, "Oosterwarmte",
            Cooperatives.CooperativeKind.HeatNetwork, ReferenceExport.Model("zonnedak-sporthal.json"), facts.Grants, cashflow) with { CashTimeline = timeline };
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheet(ProjectSheet.Write(workbook, project, new HashSet<string>()).SheetName);
        Assert.Contains(sheet.CellsUsed(c => !c.HasFormula), c => c.GetString().StartsWith("Vooruitblik per 12-2026", StringComparison.Ordinal));
    }
}
