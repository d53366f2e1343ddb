using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Grants;

namespace Warmte.Tests.Grants;

/// <summary>
/// Tester 7's findings at the funder's boundary, on the rules directly: a grant in a funder's name is the funder's to
/// record and re-plan (T1, T16), a tranche whose review ran past the funder's norm is not expected "today" (T4), accountings
/// above what was booked are warned about (T17), and observed lead times are durations in days (T11). Dates and amounts
/// are the tester's scenario, worked out by hand.
/// </summary>
public sealed class FunderBoundaryTests
{
    /// <summary>The tester's service date.</summary>
    private static readonly LocalDate Today = new(2026, 12, 7);

    private static TrancheStep Step(TrancheStatus to, LocalDate on) =>
        new() { To = to, On = on, Actor = "t", RecordedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };

    private static Tranche Tranche(int number, decimal amount, Accounting? accounting, params TrancheStep[] steps) => new()
    {
        Number = number, PlannedAmount = amount, Status = steps.Length == 0 ? TrancheStatus.Gepland : steps[^1].To, Steps = [.. steps],
        Accounting = accounting, PaidAmount = steps.Length > 0 && steps[^1].To == TrancheStatus.Uitbetaald ? amount : null,
    };

    private static Grant Grant(string? funderId, params Tranche[] tranches) => new()
    {
        Id = "paw-west", ProjectId = "west-net", Funder = "Rijk", Scheme = "PAW", AmountGranted = 200_000m, DecidedOn = new LocalDate(2025, 1, 1),
        EarnedBack = false, PreviousAccountingFirst = true, Tranches = [.. tranches], CreatedAt = Instant.FromUtc(2025, 1, 1, 0, 0), FunderId = funderId,
    };

    /// <summary>west-net: tranche 1 requested and accounted 01-05-2025, approved 01-06 (31 days), paid 10-06-2025 (9 days later).</summary>
    private static Tranche WestFirst() => Tranche(1, 100_000m, null,
        Step(TrancheStatus.Aangevraagd, new(2025, 5, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2025, 5, 1)),
        Step(TrancheStatus.Goedgekeurd, new(2025, 6, 1)), Step(TrancheStatus.Uitbetaald, new(2025, 6, 10)));

    /// <summary>west-net: tranche 2's accounting under review since 01-03-2026 — 281 days on 07-12-2026, norm 90.</summary>
    private static Tranche WestSecond() => Tranche(2, 100_000m, null,
        Step(TrancheStatus.Aangevraagd, new(2026, 3, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 3, 1)));

    [Fact]
    public void T1_a_board_records_only_grants_without_a_funder_account_and_re_plans_none_of_a_funders_even_unchanged()
    {
        Assert.True(GrantRules.BoardMayRecord(new CreateGrant { Id = "eigen", FunderId = null }));
        Assert.False(GrantRules.BoardMayRecord(new CreateGrant { Id = "nep-gem", FunderId = "gemeente-amsterdam" }));
        Assert.Contains("financier 'gemeente-amsterdam'", GrantRules.BoardMayNotRecord("gemeente-amsterdam"));

        Assert.True(GrantRules.BoardMayReplan(Grant(null, WestFirst())));
        Assert.False(GrantRules.BoardMayReplan(Grant("gemeente-amsterdam", WestFirst())));
    }

    [Fact]
    public void T4_a_review_past_the_norm_is_expected_a_norm_and_the_payment_time_from_today_and_is_uncertain()
    {
        var view = GrantView.Of(Grant(null, WestFirst(), WestSecond()));
        Assert.Equal(191, PaymentExpectation.DaysOverReviewNorm(view.Grant, WestSecond(), Today));
        // Before: 01-03-2026 + 40 days had passed, so "today" (07-12-2026), next month in the forecast.
        // Now: 07-12-2026 + the norm (90 days; the 31 days observed are shorter) + 9 days approval to payment = 16-03-2027.
        Assert.Equal(new LocalDate(2027, 3, 16), PaymentExpectation.ExpectedOn(view, WestSecond(), Today));
        var next = PaymentExpectation.Next([view], Today);
        Assert.NotNull(next);
        Assert.Equal(new LocalDate(2027, 3, 16), next.ExpectedOn);
        Assert.StartsWith("betaling onzeker: de beoordeling loopt 191 dagen over de norm van 90 dagen", next.Uncertainty);
        Assert.Contains("16-03-2027", next.Uncertainty);

        // The portfolio row and the alert that reports the long review say so.
        var row = Portfolio.Row("west-net", "West", "westwarmte", Phases.Phase.Ontwikkeling, [], [view], Today);
        Assert.Equal(new LocalDate(2027, 3, 16), row.NextExpectedPayment);
        Assert.Equal(next.Uncertainty, row.NextExpectedUncertainty);
        var alert = Assert.Single(row.Alerts, a => a.Kind == AlertKinds.TrancheRequestPending);
        Assert.Contains("na 281 dagen nog niet goedgekeurd (norm 90 dagen)", alert.Message);
        Assert.Contains("betaling onzeker", alert.Message);
    }

    [Fact]
    public void T4_a_slower_observed_review_than_the_norm_is_given_again_and_within_the_norm_a_late_payment_is_still_expected_today()
    {
        // A funder that took 120 days to approve tranche 1 (request 01-01 → approved 01-05-2025, paid 11-05: 10 days).
        var slow = Tranche(1, 100_000m, null,
            Step(TrancheStatus.Aangevraagd, new(2025, 1, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2025, 1, 1)),
            Step(TrancheStatus.Goedgekeurd, new(2025, 5, 1)), Step(TrancheStatus.Uitbetaald, new(2025, 5, 11)));
        var view = GrantView.Of(Grant(null, slow, WestSecond()));
        // 07-12-2026 + 120 + 10 days = 16-04-2027.
        Assert.Equal(new LocalDate(2027, 4, 16), PaymentExpectation.ExpectedOn(view, WestSecond(), Today));

        // 60 days in review (request 08-10-2026), norm 90: the observed 40 days have passed, so it is due now, and certain.
        var recent = Tranche(2, 100_000m, null,
            Step(TrancheStatus.Aangevraagd, new(2026, 10, 8)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 10, 8)));
        var recentView = GrantView.Of(Grant(null, WestFirst(), recent));
        Assert.Null(PaymentExpectation.DaysOverReviewNorm(recentView.Grant, recent, Today));
        Assert.Equal(Today, PaymentExpectation.ExpectedOn(recentView, recent, Today));
        Assert.Null(PaymentExpectation.Next([recentView], Today)!.Uncertainty);
    }

    [Fact]
    public void T17_an_accounting_above_the_spending_booked_in_its_period_is_warned_about_not_refused()
    {
        // zuid-net: tranche 2 accounted € 100.000 for 02-2026 – 06-2026, tranche 3 € 196.000 for 07-2026 – 20-11-2026.
        var second = Tranche(2, 100_000m, new Accounting { AmountSpent = 100_000m, PeriodFrom = new(2026, 2, 1), PeriodTo = new(2026, 6, 30) },
            Step(TrancheStatus.Aangevraagd, new(2026, 7, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 7, 1)));
        var third = Tranche(3, 100_000m, new Accounting { AmountSpent = 196_000m, PeriodFrom = new(2026, 7, 1), PeriodTo = new(2026, 11, 20) },
            Step(TrancheStatus.Aangevraagd, new(2026, 11, 20)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 11, 20)));
        var grant = Grant("gemeente-amsterdam", WestFirst(), second, third);
        // € 24.000 a month booked 02 … 06-2026 (€ 120.000), € 22.200 a month 07 … 11-2026 (€ 111.000).
        var booked = Enumerable.Range(2, 5).Select(m => (new YearMonth(2026, m), 24_000m))
            .Concat(Enumerable.Range(7, 5).Select(m => (new YearMonth(2026, m), 22_200m))).ToList();

        var warnings = AccountingCheck.Warnings(grant, booked);
        Assert.Equal(2, warnings.Length);
        Assert.Equal("Tranche 3: verantwoord € 196.000,00 over 01-07-2026 – 20-11-2026, maar in 07-2026 – 11-2026 is € 111.000,00 aan uitgaven "
                     + "geboekt (€ 85.000,00 meer verantwoord dan geboekt). Boek de uitgaven of controleer de verantwoording.", warnings[0]);
        // Together € 296.000 against € 120.000 + € 111.000 booked in 02 … 11-2026.
        Assert.StartsWith("Samen verantwoord € 296.000,00 met 2 verantwoordingen, maar in hun perioden is € 231.000,00 aan uitgaven geboekt", warnings[1]);

        // Together: tranche 3 accounted € 200.000 over 02 … 11-2026 (€ 231.000 booked there: covered on its own) and tranche 2
        // € 120.000 over 02 … 06-2026 (covered too), but the two together claim € 320.000 of the € 231.000 booked in those months.
        var both = Grant("gemeente-amsterdam", WestFirst(),
            second with { Accounting = second.Accounting! with { AmountSpent = 120_000m } },
            third with { Accounting = third.Accounting! with { AmountSpent = 200_000m, PeriodFrom = new(2026, 2, 1) } });
        var together = Assert.Single(AccountingCheck.Warnings(both, booked));
        Assert.StartsWith("Samen verantwoord € 320.000,00 met 2 verantwoordingen, maar in hun perioden is € 231.000,00 aan uitgaven geboekt", together);

        // A period before the first month with spending booked is not checked (the bookings start later): tranche 1 of
        // 12-2024 with nothing booked before 02-2026 gives no warning.
        var early = Tranche(1, 100_000m, new Accounting { AmountSpent = 100_000m, PeriodFrom = new(2024, 12, 1), PeriodTo = new(2024, 12, 1) },
            Step(TrancheStatus.Aangevraagd, new(2024, 12, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2024, 12, 1)));
        Assert.Empty(AccountingCheck.Warnings(Grant(null, early, second), booked));
        // Covered: no warning; nothing booked at all (spending kept elsewhere): no check.
        Assert.Empty(AccountingCheck.Warnings(Grant(null, WestFirst(), second), booked));
        Assert.Empty(AccountingCheck.Warnings(grant, []));
    }

    [Fact]
    public void T11_observed_lead_times_are_durations_in_days_and_the_simulation_takes_them_as_whole_months_rounded_up()
    {
        // west-zon: request 01-09 → approved 20-09 (19 days) → paid 01-10-2026 (30 days in all). Month numbers said 0 and 1.
        var westZon = Tranche(1, 100_000m, null,
            Step(TrancheStatus.Aangevraagd, new(2026, 9, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 9, 1)),
            Step(TrancheStatus.Goedgekeurd, new(2026, 9, 20)), Step(TrancheStatus.Uitbetaald, new(2026, 10, 1)));
        var lead = ObservedLeadTimes.From([GrantView.Of(Grant(null, westZon))])!;
        Assert.Equal((19m, 30m), (lead.RequestToApprovedDays, lead.RequestToPaidDays));
        Assert.Equal((1, 0, 1), (lead.RequestToApprovedMonths, lead.ApprovedToPaidMonths, lead.RequestToPaidMonths));

        // zuid-net: request to payment 45 and 128 days, median 86,5 days (the payment date moves 87): 2,84 months, so 3.
        var first = Tranche(1, 100_000m, null,
            Step(TrancheStatus.Aangevraagd, new(2024, 12, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2024, 12, 1)),
            Step(TrancheStatus.Goedgekeurd, new(2025, 1, 5)), Step(TrancheStatus.Uitbetaald, new(2025, 1, 15)));
        var second = Tranche(2, 100_000m, null,
            Step(TrancheStatus.Aangevraagd, new(2025, 9, 30)), Step(TrancheStatus.VerantwoordingIngediend, new(2025, 9, 30)),
            Step(TrancheStatus.Goedgekeurd, new(2026, 1, 20)), Step(TrancheStatus.Uitbetaald, new(2026, 2, 5)));
        var zuid = GrantView.Of(Grant("gemeente-amsterdam", first, second));
        Assert.Equal(86.5m, zuid.LeadTimes.RequestToPaymentDays);
        var zuidLead = ObservedLeadTimes.From([zuid])!;
        Assert.Equal(86.5m, zuidLead.RequestToPaidDays);
        Assert.Equal(3, zuidLead.RequestToPaidMonths);
    }
}
