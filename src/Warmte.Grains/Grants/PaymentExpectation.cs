using NodaTime;

namespace Warmte.Grants;

/// <summary>The next grant payment a project can expect: the date, the amount, which grant and tranche.</summary>
[GenerateSerializer, Immutable]
public sealed record NextPayment(
    [property: Id(0)] LocalDate ExpectedOn,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] string GrantId,
    [property: Id(3)] int Number,
    [property: Id(4)] string? Uncertainty = null);

/// <summary>
/// When a requested tranche is expected to be paid: the one rule every view uses (the portfolio's
/// "next payment", the cash timeline's payments on their way, the cash outlook and its alerts, the
/// exports). Pure. It depends on how far the tranche got, with the funder's lead times observed on
/// this grant (<see cref="GrantView.LeadTimes"/>, medians in days):
/// <list type="bullet">
/// <item>requested, or its accounting under review: the request date + the request-to-payment
/// lead (<see cref="LeadTimes.RequestToPaymentDays"/>; the grant's review norm while no tranche went
/// from request to payment). An accounting resubmitted after a rejection restarts the clock: its
/// resubmission date + that lead;</item>
/// <item>approved: the approval date + the approval-to-payment lead
/// (<see cref="LeadTimes.ApprovalToPaymentDays"/>; <see cref="ApprovalToPaymentNormDays"/> while no
/// approved tranche of this grant was paid);</item>
/// <item>rejected: it has to be resubmitted, so the whole request-to-payment lead starts again, from
/// today (or the rejection date if that were later).</item>
/// </list>
/// A date already past is expected today (overdue: now at the earliest), never earlier — except for an accounting
/// whose review has run past the grant's review norm (<see cref="DaysOverReviewNorm"/>, the same measure as the alert
/// <c>tranche-request-pending</c>): the funder has not decided in the time it set itself, so nothing says it decides
/// today. From today it is given the longer of its norm and its observed review time again, then its approval-to-payment
/// lead (tester T4: a tranche 281 days in review was expected "today", i.e. next month, and the forecast showed 9 months of
/// runway for a stalled project). Such a payment is <see cref="Uncertainty">uncertain</see>, and every view says so.
/// </summary>
public static class PaymentExpectation
{
    /// <summary>
    /// Days from approval to payment while the funder has not paid an approved tranche of this grant yet
    /// (the same 30 days after which the alerts call an approved, unpaid tranche "payment-pending").
    /// </summary>
    public const int ApprovalToPaymentNormDays = 30;

    /// <summary>The expected payment date of <paramref name="tranche"/> of <paramref name="view"/>; null when it is paid or not requested.</summary>
    public static LocalDate? ExpectedOn(GrantView view, Tranche tranche, LocalDate today)
    {
        if (tranche.Status == TrancheStatus.Uitbetaald || tranche.DateOf(TrancheStatus.Aangevraagd) is not { } requested) return null;
        var requestToPayment = view.LeadTimes.RequestToPaymentDays is { } median ? Median.Whole(median) : view.Grant.ReviewNormDays;
        var expected = tranche.Status switch
        {
            TrancheStatus.Goedgekeurd when tranche.DateOf(TrancheStatus.Goedgekeurd) is { } approved =>
                approved.PlusDays(ApprovalToPaymentDays(view)),
            TrancheStatus.Afgekeurd when tranche.DateOf(TrancheStatus.Afgekeurd) is { } rejected =>
                (rejected > today ? rejected : today).PlusDays(requestToPayment),
            TrancheStatus.VerantwoordingIngediend when Resubmitted(tranche) is { } resubmitted =>
                resubmitted.PlusDays(requestToPayment),
            _ => requested.PlusDays(requestToPayment),
        };
        if (expected >= today) return expected;
        return DaysOverReviewNorm(view.Grant, tranche, today) is not null ? today.PlusDays(ReviewAgainDays(view) + ApprovalToPaymentDays(view)) : today;
    }

    /// <summary>
    /// How many days the tranche's accounting has been under review beyond the grant's review norm, counted from the request
    /// (as the alert <c>tranche-request-pending</c> counts); null when it is not under review or not past the norm. An advance
    /// requested and not yet approved is under review too (<see cref="GrantRules.AwaitsApproval"/>).
    /// </summary>
    public static int? DaysOverReviewNorm(Grant grant, Tranche tranche, LocalDate today)
    {
        if (!GrantRules.AwaitsApproval(grant, tranche) || tranche.DateOf(TrancheStatus.Aangevraagd) is not { } requested) return null;
        var over = Period.Between(requested, today, PeriodUnits.Days).Days - grant.ReviewNormDays;
        return over > 0 ? over : null;
    }

    /// <summary>
    /// Why a tranche's expected payment is uncertain, in Dutch, or null when it is not: its review ran past the norm and
    /// it was moved out by <see cref="ExpectedOn"/> ("betaling onzeker: de beoordeling loopt 191 dagen over de norm van 90 dagen").
    /// </summary>
    public static string? Uncertainty(GrantView view, Tranche tranche, LocalDate today) =>
        DaysOverReviewNorm(view.Grant, tranche, today) is { } over && ExpectedOn(view, tranche, today) is { } on && on > today
            ? $"betaling onzeker: de beoordeling loopt {over} {DutchFormat.Noun(over, "dag", "dagen")} over de norm van {view.Grant.ReviewNormDays} {DutchFormat.Noun(view.Grant.ReviewNormDays, "dag", "dagen")}; "
              + $"niet verwacht vóór {DutchFormat.Date(on)} (vanaf vandaag {ReviewAgainDays(view)} {DutchFormat.Noun(ReviewAgainDays(view), "dag", "dagen")} beoordeling en {ApprovalToPaymentDays(view)} tot betaling)"
            : null;

    /// <summary>The review time given again to a review past its norm: the longer of the norm and the funder's observed request-to-approval median.</summary>
    private static int ReviewAgainDays(GrantView view) =>
        Math.Max(view.Grant.ReviewNormDays, view.LeadTimes.RequestToApprovalDays is { } observed ? Median.Whole(observed) : 0);

    private static int ApprovalToPaymentDays(GrantView view) =>
        view.LeadTimes.ApprovalToPaymentDays is { } toPayment ? Median.Whole(toPayment) : ApprovalToPaymentNormDays;

    /// <summary>The date an accounting was submitted again after a rejection; null when it was never rejected.</summary>
    private static LocalDate? Resubmitted(Tranche tranche)
    {
        if (tranche.Steps is { IsDefaultOrEmpty: false } steps)
        {
            var rejected = steps.Select((s, i) => (s, i)).LastOrDefault(x => x.s.To == TrancheStatus.Afgekeurd);
            if (rejected.s is null) return null;
            return steps.Skip(rejected.i + 1).LastOrDefault(s => s.To == TrancheStatus.VerantwoordingIngediend)?.On;
        }
        // From the kept dates: asked only while the accounting is under review, whose last step is that accounting, so any
        // rejection came before it and the latest accounting is the resubmission.
        return tranche.Status == TrancheStatus.VerantwoordingIngediend && tranche.RejectedOn is not null ? tranche.AccountedOn : null;
    }

    /// <summary>
    /// The next payment over all grants: of every requested, unpaid tranche the earliest expected (on the
    /// same day the first grant listed, then the lower tranche number). Every tranche counts, not only the
    /// first unpaid one per grant: an approved later tranche comes before a rejected earlier one.
    /// Null when nothing is on its way.
    /// </summary>
    public static NextPayment? Next(IEnumerable<GrantView> grants, LocalDate today)
    {
        NextPayment? next = null;
        foreach (var view in grants)
            foreach (var tranche in view.Grant.Tranches.OrderBy(t => t.Number))
            {
                if (ExpectedOn(view, tranche, today) is not { } on) continue;
                // Never more than is left of the grant (tester T1); a tranche nothing is left for brings nothing.
                var amount = GrantRemainder.ProjectedAmount(view.Grant, tranche);
                if (amount <= 0m) continue;
                if (next is null || on < next.ExpectedOn) next = new NextPayment(on, amount, view.Grant.Id, tranche.Number, Uncertainty(view, tranche, today));
            }
        return next;
    }
}
