using NodaTime;

namespace Warmte.Grants;

/// <summary>
/// How long this funder took on this project, in days: from request to approved accounting, from
/// approval to payment, and from request to payment — the median of the tranches that got that
/// far. The cash timeline uses these to expect future tranches.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LeadTimes(
    [property: Id(0)] int Observations,
    [property: Id(1)] int? RequestToApprovalDays,
    [property: Id(2)] int? ApprovalToPaymentDays,
    [property: Id(3)] int? RequestToPaymentDays)
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
            if (requested is { } r && approved is { } a) toApproval.Add(Days(r, a));
            if (approved is { } a2 && paid is { } p) toPayment.Add(Days(a2, p));
            if (requested is { } r2 && paid is { } p2) total.Add(Days(r2, p2));
        }
        return new LeadTimes(total.Count, Median(toApproval), Median(toPayment), Median(total));
    }

    private static int Days(LocalDate from, LocalDate to) => Period.Between(from, to, PeriodUnits.Days).Days;

    /// <summary>The middle value; for an even count the lower of the two middle values (a whole day, no averaging).</summary>
    private static int? Median(List<int> values)
    {
        if (values.Count == 0) return null;
        values.Sort();
        return values[(values.Count - 1) / 2];
    }
}

/// <summary>A grant as read: the record plus what has been paid, what is outstanding, and the observed lead times.</summary>
[GenerateSerializer, Immutable]
public sealed record GrantView(
    [property: Id(0)] Grant Grant,
    [property: Id(1)] decimal TotalPaid,
    [property: Id(2)] decimal Outstanding,
    [property: Id(3)] LeadTimes LeadTimes)
{
    public static GrantView Of(Grant grant) => new(grant, grant.TotalPaid, grant.Outstanding, LeadTimes.Of(grant.Tranches));
}
