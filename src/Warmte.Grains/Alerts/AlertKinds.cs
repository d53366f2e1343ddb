using System.Collections.Immutable;

namespace Warmte.Alerts;

/// <summary>
/// Every kind of alert the rules raise, with its Dutch label: the one table the CLI (and any other view) reads,
/// so no view shows a raw kind. The kinds themselves stay English: they are the API's stable keys.
/// </summary>
public static class AlertKinds
{
    public const string MilestoneOverdue = "milestone-overdue";
    public const string MilestoneSlipping = "milestone-slipping";
    public const string TrancheRequestPending = "tranche-request-pending";
    public const string AccountingOverdue = "accounting-overdue";
    public const string PaymentPending = "payment-pending";
    public const string RunwayLow = "runway-low";
    public const string InStall = "in-stall";
    public const string CashShort = "cash-short";
    public const string GateEvidenceChanged = "gate-evidence-changed";

    /// <summary>Kind to Dutch label, as a board or funder would say it.</summary>
    public static readonly ImmutableDictionary<string, string> Labels = new Dictionary<string, string>
    {
        [MilestoneOverdue] = "mijlpaal te laat",
        [MilestoneSlipping] = "mijlpaal schuift",
        [TrancheRequestPending] = "beoordeling duurt lang",
        [AccountingOverdue] = "verantwoording te laat",
        [PaymentPending] = "betaling blijft uit",
        [RunwayLow] = "windstilte dreigt",
        [InStall] = "werk ligt stil",
        [CashShort] = "kas leeg",
        [GateEvidenceChanged] = "poortbewijs gewijzigd",
    }.ToImmutableDictionary();

    /// <summary>The Dutch label of <paramref name="kind"/>; an unknown kind (a newer server) is shown as it is rather than hidden.</summary>
    public static string Label(string kind) => Labels.TryGetValue(kind, out var label) ? label : kind;
}
