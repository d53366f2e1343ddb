using NodaTime;
using Warmte.Grants;

namespace Warmte.Tests.Grants;

/// <summary>
/// Review2 F2: the one rule for the next payment expected every unpaid requested tranche on its request
/// date + the request-to-payment lead, whatever its stage. These are the reviewer's cases, with the dates
/// worked out by hand from the funder's lead times.
/// </summary>
public sealed class PaymentExpectationTests
{
    private static readonly LocalDate Today = new(2026, 12, 6);

    private static TrancheStep Step(TrancheStatus to, LocalDate on) =>
        new() { To = to, On = on, Actor = "t", RecordedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };

    private static Tranche Tranche(int number, params TrancheStep[] steps) => new()
    {
        Number = number, PlannedAmount = 100_000m * number, Status = steps.Length == 0 ? TrancheStatus.Gepland : steps[^1].To, Steps = [.. steps],
        PaidAmount = steps.Length > 0 && steps[^1].To == TrancheStatus.Uitbetaald ? 100_000m * number : null,
    };

    private static GrantView View(string id, params Tranche[] tranches) => GrantView.Of(new Grant
    {
        Id = id, ProjectId = "p", Funder = "Rijk", Scheme = "PAW", AmountGranted = 1_000_000m, DecidedOn = new LocalDate(2025, 1, 1),
        EarnedBack = false, PreviousAccountingFirst = true, Tranches = [.. tranches], CreatedAt = Instant.FromUtc(2025, 1, 1, 0, 0),
    });

    /// <summary>Tranche 1 went request 05-01 → approval 01-10 → payment 15-10-2026: 269 days to approval, 14 from approval to payment, 283 in all.</summary>
    private static Tranche PaidFirst() => Tranche(1,
        Step(TrancheStatus.Aangevraagd, new(2026, 1, 5)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 1, 6)),
        Step(TrancheStatus.Goedgekeurd, new(2026, 10, 1)), Step(TrancheStatus.Uitbetaald, new(2026, 10, 15)));

    [Fact]
    public void An_approved_tranche_is_expected_the_funders_approval_to_payment_time_after_its_approval()
    {
        var approved = Tranche(2, Step(TrancheStatus.Aangevraagd, new(2026, 10, 20)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 10, 21)),
            Step(TrancheStatus.Goedgekeurd, new(2026, 12, 1)));
        var view = View("paw", PaidFirst(), approved);
        Assert.Equal(14, view.LeadTimes.ApprovalToPaymentDays);
        // 01-12-2026 + 14 days (the reviewer saw 30-07-2027: the request + 283 days).
        Assert.Equal(new LocalDate(2026, 12, 15), PaymentExpectation.ExpectedOn(view, approved, Today));
        Assert.Equal(new NextPayment(new(2026, 12, 15), 200_000m, "paw", 2), PaymentExpectation.Next([view], Today));
    }

    [Fact]
    public void An_approved_tranche_of_a_funder_that_never_paid_is_expected_thirty_days_after_approval_and_an_overdue_one_today()
    {
        var approved = Tranche(1, Step(TrancheStatus.Aangevraagd, new(2026, 3, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 3, 2)),
            Step(TrancheStatus.Goedgekeurd, new(2026, 11, 20)));
        Assert.Equal(new LocalDate(2026, 12, 20), PaymentExpectation.ExpectedOn(View("paw", approved), approved, Today));
        Assert.Equal(new LocalDate(2027, 2, 1), PaymentExpectation.ExpectedOn(View("paw", approved), approved, new LocalDate(2027, 2, 1)));
    }

    [Fact]
    public void A_rejected_tranche_must_be_resubmitted_so_the_whole_request_to_payment_time_starts_again_from_today()
    {
        var rejected = Tranche(2, Step(TrancheStatus.Aangevraagd, new(2026, 5, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 5, 2)),
            Step(TrancheStatus.Afgekeurd, new(2026, 11, 20)));
        var view = View("paw", PaidFirst(), rejected);
        Assert.Equal(283, view.LeadTimes.RequestToPaymentDays);
        // 06-12-2026 + 283 days = 15-09-2027 (the reviewer saw today: "next month").
        Assert.Equal(new LocalDate(2027, 9, 15), PaymentExpectation.ExpectedOn(view, rejected, Today));
        // Without history: the grant's review norm (90 days).
        Assert.Equal(new LocalDate(2027, 3, 6), PaymentExpectation.ExpectedOn(View("paw", rejected), rejected, Today));
    }

    [Fact]
    public void A_resubmitted_accounting_restarts_the_clock_on_the_day_it_was_resubmitted()
    {
        var resubmitted = Tranche(2, Step(TrancheStatus.Aangevraagd, new(2026, 5, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 5, 2)),
            Step(TrancheStatus.Afgekeurd, new(2026, 11, 20)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 12, 1)));
        // 01-12-2026 + 283 days (not the first request + 283, which is past).
        Assert.Equal(new LocalDate(2027, 9, 10), PaymentExpectation.ExpectedOn(View("paw", PaidFirst(), resubmitted), resubmitted, Today));
    }

    [Fact]
    public void A_requested_tranche_is_expected_its_request_date_plus_the_request_to_payment_time_and_never_before_today()
    {
        var requested = Tranche(2, Step(TrancheStatus.Aangevraagd, new(2026, 11, 1)));
        Assert.Equal(new LocalDate(2027, 8, 11), PaymentExpectation.ExpectedOn(View("paw", PaidFirst(), requested), requested, Today));
        var old = Tranche(2, Step(TrancheStatus.Aangevraagd, new(2025, 1, 1)));
        Assert.Equal(Today, PaymentExpectation.ExpectedOn(View("paw", PaidFirst(), old), old, Today));
        Assert.Null(PaymentExpectation.ExpectedOn(View("paw", PaidFirst()), PaidFirst(), Today));
        Assert.Null(PaymentExpectation.ExpectedOn(View("paw", Tranche(1)), Tranche(1), Today));
    }

    [Fact]
    public void The_next_payment_is_the_earliest_over_every_requested_tranche_not_only_the_first_unpaid_one()
    {
        var rejected = Tranche(1, Step(TrancheStatus.Aangevraagd, new(2026, 5, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 5, 2)),
            Step(TrancheStatus.Afgekeurd, new(2026, 11, 20)));
        var approved = Tranche(2, Step(TrancheStatus.Aangevraagd, new(2026, 9, 1)), Step(TrancheStatus.VerantwoordingIngediend, new(2026, 9, 2)),
            Step(TrancheStatus.Goedgekeurd, new(2026, 12, 1)));
        var other = View("kfa", Tranche(1, Step(TrancheStatus.Aangevraagd, new(2026, 12, 1))));
        // paw 2: 01-12 + 30 = 31-12-2026; paw 1: 06-12 + 90 = 06-03-2027; kfa 1: 01-12 + 90 = 01-03-2027.
        Assert.Equal(new NextPayment(new(2026, 12, 31), 200_000m, "paw", 2), PaymentExpectation.Next([View("paw", rejected, approved), other], Today));
    }
}
