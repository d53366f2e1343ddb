using System.Collections.Immutable;
using NodaTime;
using Warmte.Grants;
using Warmte.Projects;

namespace Warmte.Alerts;

/// <summary>
/// One funded project in the financier's portfolio. <see cref="RunwayMonths"/> is the cash outlook's runway, a number only
/// when the money runs out; when it lasts until the work is done, <see cref="MoneyLastsUntil"/> is the month it is done. <see cref="NextExpectedTranche"/> names the next payment's
/// tranche as people do, its own number in its grant: "PAW, tranche 6". <see cref="CashShortFrom"/>, <see cref="Shortfall"/> and
/// <see cref="ShortfallMonth"/> are the outlook's own: the first month the cash closes below zero, the deepest shortfall and its month
/// (null when the cash stays at or above zero), the figures of the project's cash-timeline.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PortfolioRow(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string ProjectName,
    [property: Id(2)] string CooperativeId,
    [property: Id(3)] Phases.Phase Phase,
    [property: Id(4)] decimal Granted,
    [property: Id(5)] decimal Paid,
    [property: Id(6)] decimal Outstanding,
    [property: Id(7)] LocalDate? NextExpectedPayment,
    [property: Id(8)] decimal? NextExpectedAmount,
    [property: Id(9)] ImmutableArray<Alert> Alerts,
    [property: Id(10)] int? RunwayMonths,
    [property: Id(11)] string? NextExpectedTranche = null,
    [property: Id(12)] string? CooperativeName = null,
    [property: Id(13)] YearMonth? MoneyLastsUntil = null,
    [property: Id(14)] YearMonth? CashShortFrom = null,
    [property: Id(15)] decimal? Shortfall = null,
    [property: Id(16)] YearMonth? ShortfallMonth = null)
{
    /// <summary>Why the next payment is uncertain (<see cref="Grants.PaymentExpectation.Uncertainty"/>, tester T4); null when it is not.</summary>
    [Id(17)] public string? NextExpectedUncertainty { get; init; }

    /// <summary>
    /// The outlook's short answer for the "Geld reikt" column (<see cref="CashFlow.Outlook.MoneyLastsText"/>: "werk ligt stil (sinds
    /// 09-2026)", "werk ligt stil vanaf 09-2027, nog te vinden € 13.500,00", "nog 3 maanden", "tot het einde van het werk (05-2031)"); null without a cash plan (tester7 T6).
    /// </summary>
    [Id(18)] public string? MoneyLastsText { get; init; }

    public AlertSeverity? WorstSeverity => Alerts.IsEmpty ? null : Alerts.Max(a => a.Severity);
}

public static class Portfolio
{
    /// <summary>
    /// A project's row: money granted, paid and outstanding over all its grants, the next payment
    /// expected (<see cref="Grants.PaymentExpectation.Next"/>: the earliest requested, unpaid tranche,
    /// after the funder's lead times for the stage it reached).
    /// </summary>
    public static PortfolioRow Row(ProjectFacts facts) => Row(facts.Project, facts.Grants, facts.Today, facts.Outlook) is var row
        ? row with { Alerts = AlertSince.Apply(facts.GateAlerts.IsDefaultOrEmpty ? row.Alerts : AlertRules.With(row.Alerts, facts.GateAlerts), facts.FirstSeen) }
        : row;

    public static PortfolioRow Row(ProjectView project, ImmutableArray<GrantView> grants, LocalDate today, CashFlow.Outlook? outlook = null) =>
        Row(project.Id, project.Name, project.CooperativeId, project.Phase, project.Milestones, grants, today, outlook);

    /// <summary>The same, from the only parts of the project it reads (the project summaries keep just these).</summary>
    public static PortfolioRow Row(string projectId, string projectName, string cooperativeId, Phases.Phase phase,
        IEnumerable<Milestones.MilestoneStatus> milestones, ImmutableArray<GrantView> grants, LocalDate today, CashFlow.Outlook? outlook = null)
    {
        var next = Grants.PaymentExpectation.Next(grants, today); // the one rule the cash views use too
        return new PortfolioRow(projectId, projectName, cooperativeId, phase,
            grants.Sum(g => g.Grant.AmountGranted), grants.Sum(g => g.TotalPaid), grants.Sum(g => g.Outstanding),
            next?.ExpectedOn, next?.Amount, AlertRules.For(projectId, phase, milestones, grants, today, outlook), outlook?.RunwayMonths,
            next is null ? null : $"{grants.First(g => g.Grant.Id == next.GrantId).Grant.Scheme}, tranche {next.Number}",
            MoneyLastsUntil: outlook?.MoneyLastsUntil,
            CashShortFrom: outlook?.CashShortFrom, Shortfall: outlook?.Shortfall, ShortfallMonth: outlook?.ShortfallMonth) { NextExpectedUncertainty = next?.Uncertainty, MoneyLastsText = outlook?.MoneyLastsText };
    }

    /// <summary>
    /// Most urgent first: worst alert, then the cash going below zero soonest (a project that runs short before one that does not),
    /// then number of alerts, then the earliest expected payment.
    /// </summary>
    public static ImmutableArray<PortfolioRow> Sort(IEnumerable<PortfolioRow> rows) =>
    [
        .. rows.OrderByDescending(r => (int?)r.WorstSeverity ?? 0)
            .ThenBy(r => r.CashShortFrom ?? new YearMonth(9999, 12))
            .ThenByDescending(r => r.Alerts.Length)
            .ThenBy(r => r.NextExpectedPayment ?? LocalDate.MaxIsoValue)
            .ThenBy(r => r.ProjectId, StringComparer.Ordinal),
    ];
}
