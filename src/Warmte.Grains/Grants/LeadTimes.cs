using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Grants;

/// <summary>
/// How long this funder took on this project, in days: from request to approved accounting, from
/// approval to payment, and from request to payment — the median (<see cref="Median"/>: for an even
/// count the mean of the two middle values, so it may be a half day) of the tranches that got that far. A tranche paid
/// as an advance (<see cref="Tranche.ApprovedAsAdvance"/>) counts only from approval to payment.
/// Payment dates move by the median rounded up to whole days (<see cref="Median.Whole"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LeadTimes(
    [property: Id(0)] int Observations,
    [property: Id(1)] decimal? RequestToApprovalDays,
    [property: Id(2)] decimal? ApprovalToPaymentDays,
    [property: Id(3)] decimal? RequestToPaymentDays)
{
    public static LeadTimes Of(IEnumerable<Tranche> tranches)
    {
        var toApproval = new List<int>();
        var toPayment = new List<int>();
        var total = new List<int>();
        foreach (var t in tranches)
        {
            var requested = t.DateOf(TrancheStatus.Aangevraagd);
            var approved = t.DateOf(TrancheStatus.Goedgekeurd);
            var paid = t.DateOf(TrancheStatus.Uitbetaald);
            if (approved is { } a2 && paid is { } p) toPayment.Add(Days(a2, p));
            // An advance was approved on its request, without an accounting to review (tester T3): its quick way says
            // nothing about how long the next tranche's accounting takes, so it would make that forecast optimistic.
            if (t.ApprovedAsAdvance) continue;
            if (requested is { } r && approved is { } a) toApproval.Add(Days(r, a));
            if (requested is { } r2 && paid is { } p2) total.Add(Days(r2, p2));
        }
        return new LeadTimes(total.Count, Median.Of(toApproval), Median.Of(toPayment), Median.Of(total));
    }

    private static int Days(LocalDate from, LocalDate to) => Period.Between(from, to, PeriodUnits.Days).Days;
}

/// <summary>A grant as read: the record plus what has been paid, what is outstanding, and the observed lead times.</summary>
[GenerateSerializer, Immutable]
public sealed record GrantView(
    [property: Id(0)] Grant Grant,
    [property: Id(1)] decimal TotalPaid,
    [property: Id(2)] decimal Outstanding,
    [property: Id(3)] LeadTimes LeadTimes)
{
    /// <summary>The unpaid tranches the forecast counts on for less than planned: what is left of the grant does not cover them (tester T1).</summary>
    [Id(4)] public ImmutableArray<TrancheCap> CappedTranches { get; init; } = [];

    /// <summary>
    /// Where the accountings claim more than the spending booked (<see cref="AccountingCheck.Warnings"/>, tester T17): warnings,
    /// not refusals. Filled by the API, which reads the project's booked spending beside the grants; empty from the grain.
    /// </summary>
    [Id(5)] public ImmutableArray<string> AccountingWarnings { get; init; } = [];

    public static GrantView Of(Grant grant) =>
        new(grant, grant.TotalPaid, grant.Outstanding, LeadTimes.Of(grant.Tranches)) { CappedTranches = GrantRemainder.Caps(grant) };
}
