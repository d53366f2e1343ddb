using System.Collections.Immutable;
using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Client;
using Warmte.Grants;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Tester 9a's cash findings (/work/tester9a-report.md): T1 the outlook's words against its own figures, T4 a plan that does
/// not fit the project, T5 booked against planned spending in <c>warmte cash-timeline</c>. The tester's cooperative on
/// 07-12-2026: project dapperbuurt, grant gem-ontw € 300.000 in 3 tranches (1 paid, 2 requested), the KetelhuisWG
/// development plan (models/ketelhuiswg-ontwikkeling.json), € 96.750,50 booked. Expected figures are worked out by hand.
/// </summary>
public sealed class CashTextTests
{
    private static readonly LocalDate Today = new(2026, 12, 7);

    private static TrancheStep Step(TrancheStatus to, LocalDate on) =>
        new() { To = to, On = on, Actor = "t", RecordedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };

    /// <summary>
    /// Tranche 1 requested 01-03-2026 and paid 18-10-2026 (231 days: the observed lead), tranche 2 requested 01-09-2026 (so expected
    /// 01-09-2026 + 231 days = 20-04-2027, the tester's "Volgende betaling verwacht 20-04-2027"), tranche 3 planned.
    /// </summary>
    private static GrantView Grant() => GrantView.Of(new Grant
    {
        Id = "gem-ontw", ProjectId = "dapperbuurt", Funder = "Gemeente Amsterdam", Scheme = "Ontwikkelsubsidie", AmountGranted = 300_000m,
        DecidedOn = new LocalDate(2026, 2, 15), EarnedBack = false, PreviousAccountingFirst = true, CreatedAt = Instant.FromUtc(2026, 2, 15, 0, 0),
        Tranches =
        [
            new Tranche
            {
                Number = 1, PlannedAmount = 100_000m, Status = TrancheStatus.Uitbetaald, PaidAmount = 100_000m,
                Accounting = new Accounting { AmountSpent = 0m, PeriodFrom = new LocalDate(2026, 2, 1), PeriodTo = new LocalDate(2026, 3, 1) },
                Steps = [Step(TrancheStatus.Aangevraagd, new LocalDate(2026, 3, 1)), Step(TrancheStatus.Goedgekeurd, new LocalDate(2026, 9, 18)),
                    Step(TrancheStatus.Uitbetaald, new LocalDate(2026, 10, 18))],
            },
            new Tranche
            {
                Number = 2, PlannedAmount = 100_000m, Status = TrancheStatus.Aangevraagd,
                Steps = [Step(TrancheStatus.Aangevraagd, new LocalDate(2026, 9, 1))],
            },
            new Tranche { Number = 3, PlannedAmount = 100_000m, Status = TrancheStatus.Gepland },
        ],
    });

    /// <summary>€ 95.500 booked before December, and the tester's new booking of € 1.250,50 in December: € 96.750,50.</summary>
    private static ImmutableArray<MonthSpending> Booked() =>
    [
        new(new YearMonth(2026, 4), 30_000m, 1, []),
        new(new YearMonth(2026, 6), 30_000m, 1, []),
        new(new YearMonth(2026, 9), 35_500m, 1, []),
        new(new YearMonth(2026, 12), 1_250.50m, 1, []),
    ];

    private static CashFacts Dapperbuurt() => new(PlanReaderTests.Read(PlanReaderTests.KetelhuisJson()), [Grant()], Booked(), []);

    private static string Cli(CashTimeline timeline)
    {
        var output = new StringWriter();
        CashFlowViews.CashTimeline(timeline, "dapperbuurt", output);
        return System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\s+", " ");
    }

    // ---- T1: the words follow the figures ----

    [Fact]
    public void T1_the_timeline_the_tester_saw_never_goes_below_zero_and_receives_tranches_2_and_3()
    {
        var timeline = ProjectCash.Timeline(Dapperbuurt(), Regime.Tranches, Today);
        // € 150.000 opening (the plan's) + € 100.000 tranche 1 − € 96.750,50 booked − € 16.749,50 of December's fixed costs not yet
        // booked (organisation € 12.000 + communication € 6.000 = € 18.000) = € 136.500, the tester's balance.
        Assert.Equal(136_500m, timeline.State.Cash);
        var months = timeline.Projection!.Months;
        // Work month 48 costs € 88.000 (phase 4 without the advisers, who stop after month 39) + € 40.000 restart is not needed yet, but
        // € 136.500 − € 88.000 leaves less than the € 150.000 buffer: the work stops in 01-2027 and never resumes.
        Assert.Equal(new YearMonth(2027, 1), months[0].Month);
        Assert.All(months, m => Assert.Equal(MonthStatus.Stalled, m.Status));
        Assert.All(months, m => Assert.True(m.Closing >= 0m));
        // € 136.500 − 3 × € 18.000 + € 100.000 in 04-2027; − 8 × € 18.000 to € 38.500 in 11-2027; + € 100.000 in 12-2027.
        Assert.Equal(100_000m, months.Single(m => m.Month == new YearMonth(2027, 4)).GrantReceived);
        Assert.Equal(38_500m, months.Single(m => m.Month == new YearMonth(2027, 11)).Closing);
        Assert.Equal(100_000m, months.Single(m => m.Month == new YearMonth(2027, 12)).GrantReceived);
        Assert.Equal(38_500m, months.Min(m => m.Closing));
    }

    [Fact]
    public void T1_the_outlook_says_the_work_stands_still_and_names_the_payments_that_still_come()
    {
        var timeline = ProjectCash.Timeline(Dapperbuurt(), Regime.Tranches, Today);
        var o = timeline.Outlook;
        Assert.Equal(OutlookState.GapAhead, o.State);
        Assert.Equal(new YearMonth(2027, 1), o.GapStart);
        Assert.Equal(1, o.RunwayMonths);
        Assert.True(o.RunsOut);
        Assert.Null(o.CashShortFrom);
        Assert.Equal(200_000m, o.PaymentsInGap);
        Assert.Equal(new YearMonth(2027, 12), o.LastPaymentInGap);
        // Work months 48 (€ 88.000) and 49-54 (6 × € 103.000) = € 706.000, plus the € 150.000 buffer, minus the € 136.500 in the bank
        // and the € 200.000 of tranches 2 and 3 still coming = € 519.500 (the tester read € 719.500: the same without those tranches).
        Assert.Equal(519_500m, o.MoneyToFind);

        const string expected = "Vanaf 01-2027 ligt het werk stil: de kas dekt de volgende werkmaand niet met een buffer van € 150.000,00 over. "
            + "Wat er daarna nog binnenkomt (€ 200.000,00, de laatste betaling in 12-2027) is niet genoeg om het werk weer op te starten, "
            + "en er is geen tranche meer aan te vragen. Nog te vinden € 519.500,00 om het werk af te maken (bovenop de kas en die betalingen).";
        Assert.Equal(expected, o.RunsOutText);
        Assert.Equal(expected, o.Headline);
        Assert.Equal("werk ligt stil vanaf 01-2027, nog te vinden € 519.500,00", o.MoneyLastsText);

        // Every view says the same, and none says the money is gone or no payment comes while two are expected.
        var alert = Assert.Single(AlertRules.For("dapperbuurt", Warmte.Phases.Phase.Ontwikkeling, [], [Grant()], Today, o), a => a.Kind == AlertKinds.RunwayLow);
        Assert.Equal(Warmte.Alerts.AlertSeverity.High, alert.Severity);
        Assert.Contains(expected, alert.Message);
        var cli = Cli(timeline);
        Assert.Contains(expected, cli);
        foreach (var text in new[] { o.Headline, o.MoneyLastsText, alert.Message, cli })
        {
            Assert.DoesNotContain("geen betaling meer", text);
            Assert.DoesNotContain("geld is op", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("geld op", text);
        }
    }

    [Fact]
    public void T1_in_a_stall_no_payment_restarts_the_in_stall_alert_and_the_cli_use_the_same_sentence()
    {
        // The same project a month on, after tranche 2 was paid in 04-2027 with the work standing still since 01-2027: the board reports it.
        var facts = Dapperbuurt() with { Progress = [new ProgressReport(new YearMonth(2027, 1), 47, true, "bestuur", Instant.FromUtc(2027, 1, 31, 0, 0))] };
        var later = new LocalDate(2027, 2, 10);
        var timeline = ProjectCash.Timeline(facts, Regime.Tranches, later);
        var o = timeline.Outlook;
        Assert.Equal(OutlookState.InStall, o.State);
        Assert.True(o.RunsOut);
        Assert.True(o.PaymentsInGap > 0m);
        // Dated from when it began (ActualState.StallStart): January reported stalled, and December's € 1.250,50 booked is no more than
        // its € 18.000 fixed costs, so the work stood still from 12-2026.
        Assert.StartsWith("Het werk ligt stil sinds 12-2026: de kas dekt de volgende werkmaand niet", o.RunsOutText);
        Assert.Contains("niet genoeg om het werk weer op te starten", o.RunsOutText);
        var alert = Assert.Single(AlertRules.For("dapperbuurt", Warmte.Phases.Phase.Ontwikkeling, [], [Grant()], later, o), a => a.Kind == AlertKinds.InStall);
        Assert.Contains(o.RunsOutText!, alert.Message);
        Assert.Contains(o.RunsOutText!, Cli(timeline));
        Assert.Equal(o.RunsOutText, o.Headline);
        foreach (var text in new[] { o.Headline, alert.Message, Cli(timeline) }) Assert.DoesNotContain("geen betaling meer", text);
    }

    // ---- T5: booked spending, the planned part apart ----

    [Fact]
    public void T5_cash_timeline_shows_the_booked_spending_the_dashboard_shows_and_the_planned_part_labelled()
    {
        var cli = Cli(ProjectCash.Timeline(Dapperbuurt(), Regime.Tranches, Today));
        // The dashboard's "geboekte uitgaven € 96.750,50"; December's € 18.000 fixed costs less the € 1.250,50 booked = € 16.749,50 planned.
        Assert.Contains("Ontvangen / geboekte uitgaven: € 100.000,00 / € 96.750,50 (daarnaast € 16.749,50 gepland, nog niet geboekt)", cli);
        Assert.DoesNotContain("€ 113.500,00", cli);
        Assert.Contains("Beginsaldo volgens plan: € 150.000,00 (aanname uit het kasstroomplan, niet geboekt)", cli);
    }

    // ---- T4: a plan that does not fit the project ----

    [Fact]
    public void T4_the_ketelhuis_plan_saved_for_dapperbuurt_gets_three_warnings_naming_the_dates_and_both_sums()
    {
        var plan = PlanReaderTests.Read(PlanReaderTests.KetelhuisJson());
        var warnings = PlanFit.Warnings(plan, new LocalDate(2026, 2, 1), new LocalDate(2026, 2, 1), [Grant()]);
        Assert.Equal(3, warnings.Length);
        Assert.Contains("Het plan begint in 01-2019, vóór de start van het project (01-02-2026) en de oprichting van de coöperatie (01-02-2026)", warnings[0]);
        Assert.Contains("zet dan startMonth op 2026-02 of later", warnings[0]);
        Assert.Contains("De tranches van het plan zijn samen € 7.700.000,00, meer dan de subsidies die voor dit project zijn vastgelegd (€ 300.000,00)", warnings[1]);
        Assert.Contains("Het beginsaldo van € 150.000,00 komt uit het kasstroomplan (beginsaldo volgens plan): een aanname, geen geboekt bedrag", warnings[2]);
    }

    [Fact]
    public void T4_a_plan_that_fits_gets_no_warning_and_no_grant_recorded_is_named()
    {
        var json = PlanReaderTests.KetelhuisJson();
        json["startMonth"] = "2026-02";
        json["openingBalance"] = 0;
        json["grant"]!["amount"] = 300_000;
        json["grant"]!.AsObject().Remove("trancheSize");
        json["grant"]!["tranches"] = new System.Text.Json.Nodes.JsonArray(100_000, 100_000, 100_000);
        var plan = PlanReaderTests.Read(json);
        Assert.Empty(PlanFit.Warnings(plan, new LocalDate(2026, 2, 1), new LocalDate(2026, 2, 1), [Grant()]));
        // The project started mid-month: a plan from that month fits.
        Assert.Empty(PlanFit.Warnings(plan, new LocalDate(2026, 2, 20), null, [Grant()]));
        var none = Assert.Single(PlanFit.Warnings(plan, new LocalDate(2026, 2, 1), null, []));
        Assert.Contains("€ 300.000,00, maar voor dit project is nog geen subsidie vastgelegd", none);
        // One month early is early.
        Assert.Contains("vóór de start van het project (01-03-2026)", Assert.Single(PlanFit.Warnings(plan, new LocalDate(2026, 3, 1), null, [Grant()])));
    }
    /// <summary>
    /// Review18 #7: the payments still coming cover the remaining work on paper (nothing left to find) but each comes too late
    /// or too small while the stall's fixed costs eat it: the text must not say "nog te vinden € 0,00", as if all were well.
    /// </summary>
    [Fact]
    public void Payments_that_cover_the_work_on_paper_but_come_too_late_are_not_called_nothing_to_find()
    {
        var outlook = new Outlook
        {
            Today = new YearMonth(2026, 12), State = OutlookState.GapAhead, GapStart = new YearMonth(2027, 1),
            MoneyToFind = 0m, PaymentsInGap = 90_000m, LastPaymentInGap = new YearMonth(2028, 6), CashBuffer = 0m,
        };
        Assert.True(outlook.RunsOut);
        Assert.DoesNotContain("€ 0,00", outlook.RunsOutText);
        Assert.Contains("komen te laat of in te kleine delen", outlook.RunsOutText);
        Assert.DoesNotContain("€ 0,00", outlook.MoneyLastsText);
        Assert.Equal("werk ligt stil vanaf 01-2027, geld komt te laat", outlook.MoneyLastsText);
    }
}
