using NodaTime;
using Warmte.Alerts;
using Warmte.Gates;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Tests.Domain;
using Warmte.Tests.Grants;

namespace Warmte.Tests.Alerts;

public sealed class AlertRulesTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    private static ProjectView View(ProjectRecord record) => ProjectView.Of(record, GateRules.Default, Today);

    [Fact]
    public void A_milestone_past_its_date_is_an_alert_that_grows_more_severe()
    {
        var project = ProjectRules.SetMilestone(ProjectRulesTests.NewProject(), "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = Today.PlusDays(-10) }, Today).Value!.Value;
        var alert = Assert.Single(AlertRules.For(View(project), [], Today));
        Assert.Equal(("milestone-overdue", AlertSeverity.Medium), (alert.Kind, alert.Severity));
        Assert.Equal(AlertSeverity.High, AlertRules.For(View(project), [], Today.PlusDays(100)).Single().Severity);
    }

    [Fact]
    public void A_request_waiting_past_the_funders_norm_is_an_alert()
    {
        var grant = GrantRulesTests.Through(GrantRulesTests.Paw(), 1, Today.PlusDays(-120), TrancheStatus.VerantwoordingIngediend);
        var project = View(ProjectRulesTests.NewProject());
        var alert = Assert.Single(AlertRules.For(project, [GrantView.Of(grant)], Today));
        Assert.Equal("tranche-request-pending", alert.Kind);
        Assert.Contains("norm 90 dagen", alert.Message);
        Assert.Empty(AlertRules.For(project, [GrantView.Of(grant)], Today.PlusDays(-40)));
    }

    [Fact]
    public void The_portfolio_puts_the_most_urgent_project_first_and_expects_payments_after_the_observed_lead_time()
    {
        var quiet = Portfolio.Row(View(ProjectRulesTests.NewProject()), [GrantView.Of(GrantRulesTests.Paw())], Today);
        var urgentGrant = GrantRulesTests.Through(GrantRulesTests.Paw(), 1, Today.PlusDays(-200), TrancheStatus.VerantwoordingIngediend);
        var urgent = Portfolio.Row(View(ProjectRulesTests.NewProject() with { Id = "urgent" }), [GrantView.Of(urgentGrant)], Today);
        Assert.Equal(["urgent", "wg-terrein"], Portfolio.Sort([quiet, urgent]).Select(r => r.ProjectId));
        Assert.Equal(AlertSeverity.High, urgent.WorstSeverity);
        // 200 days in review against a norm of 90 (tester T4): not "now" but from today the norm again (90 days) and, with no
        // approved tranche paid yet, 30 days to payment: 22-11-2026 + 120 days = 22-03-2027, uncertain.
        Assert.Equal(new LocalDate(2027, 3, 22), urgent.NextExpectedPayment);
        Assert.StartsWith("betaling onzeker: de beoordeling loopt 110 dagen over de norm van 90 dagen", urgent.NextExpectedUncertainty);
        Assert.Equal(7_700_000m, quiet.Outstanding);
        Assert.Null(quiet.NextExpectedPayment);
    }
}
