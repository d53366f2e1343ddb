using NodaTime;

namespace Warmte.Grants;

/// <summary>The next grant payment a project can expect: the date, the amount, which grant and tranche.</summary>
[GenerateSerializer, Immutable]
public sealed record NextPayment(
    [property: Id(0)] LocalDate ExpectedOn,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] string GrantId,
    [property: Id(3)] int Number);

/// <summary>
/// When a requested tranche is expected to be paid: the one rule every view uses (the portfolio's
/// "next payment", the cash timeline's payments on their way, the cash outlook and its alert). Pure.
/// A requested, unpaid tranche is expected its request date plus the funder's median
/// request-to-payment time on this grant (<see cref="LeadTimes.RequestToPaymentDays"/>), or the
/// grant's review norm while no tranche went from request to payment; a date already past is
/// expected today (overdue: now at the earliest).
/// </summary>
public static class PaymentExpectation
{
    /// <summary>The expected payment date of <paramref name="tranche"/> of <paramref name="view"/>; null when it is paid or not requested.</summary>
    public static LocalDate? ExpectedOn(GrantView view, Tranche tranche, LocalDate today)
    {
        if (tranche.Status == TrancheStatus.Uitbetaald || tranche.DateOf(TrancheStatus.Aangevraagd) is not { } requested) return null;
        var expected = requested.PlusDays(view.LeadTimes.RequestToPaymentDays ?? view.Grant.ReviewNormDays);
        return expected < today ? today : expected;
    }

    /// <summary>
    /// The next payment over all grants: per grant its first requested, unpaid tranche; of those the
    /// earliest expected (then the first grant listed). Null when nothing is on its way.
    /// </summary>
    public static NextPayment? Next(IEnumerable<GrantView> grants, LocalDate today)
    {
        NextPayment? next = null;
        foreach (var view in grants)
        {
            var tranche = view.Grant.Tranches.FirstOrDefault(t => t.Status != TrancheStatus.Uitbetaald && t.DateOf(TrancheStatus.Aangevraagd) is not null);
            if (tranche is null || ExpectedOn(view, tranche, today) is not { } on) continue;
            if (next is null || on < next.ExpectedOn) next = new NextPayment(on, tranche.PlannedAmount, view.Grant.Id, tranche.Number);
        }
        return next;
    }
}
