using NodaTime;
using Warmte.Alerts;
using Warmte.Gates;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Tests.Domain;
using Warmte.Tests.Grants;

namespace Warmte.Tests.Alerts;

/// <summary>
/// "Sinds" of every alert kind is the day its condition started to hold, and it stays put while the days pass: a funder
/// reading "sinds vandaag" every day would be misled. Each test reads the same stored facts on three later days.
/// </summary>
public sealed class AlertSinceTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);
    private static readonly int[] LaterDays = [0, 1, 17, 45];

    private static ProjectView View(ProjectRecord record, LocalDate day) => ProjectView.Of(record, GateRules.Default, day);

    private static Grant Step(Grant g, int n, TrancheAction action, LocalDate on, string? reason = null) =>
        GrantRules.Step(g, n, new TrancheCommand { Action = action, On = on, Reason = reason }, Today, "test", Now).Value!.Value;

    /// <summary>The one alert of <paramref name="kind"/> read on each later day: its Since, which must be the same every day.</summary>
    private static LocalDate SinceOnEveryDay(Func<LocalDate, IEnumerable<Alert>> alertsOn, string kind)
    {
        var since = LaterDays.Select(d => Assert.Single(alertsOn(Today.PlusDays(d)), a => a.Kind == kind).Since).Distinct().ToList();
        return Assert.Single(since);
    }

    [Fact]
    public void A_milestone_is_overdue_since_the_day_after_its_planned_date()
    {
        var project = ProjectRules.SetMilestone(ProjectRulesTests.NewProject(), "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2026, 11, 1) }, new LocalDate(2026, 6, 1)).Value!.Value;
        Assert.Equal(new LocalDate(2026, 11, 2), SinceOnEveryDay(day => AlertRules.For(View(project, day), [], day), AlertKinds.MilestoneOverdue));
    }

    [Fact]
    public void A_milestone_slips_since_the_day_it_was_replanned_past_its_baseline_and_a_further_replan_keeps_that_day()
    {
        var project = ProjectRules.SetMilestone(ProjectRulesTests.NewProject(), "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2027, 5, 1) }, new LocalDate(2026, 1, 10)).Value!.Value;
        // Replanned on 03-09-2026 to three months later: slipping from that day, not from the baseline (01-05-2027, in the future).
        project = ProjectRules.SetMilestone(project, "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2027, 8, 1) }, new LocalDate(2026, 9, 3)).Value!.Value;
        Assert.Equal(new LocalDate(2026, 9, 3), SinceOnEveryDay(day => AlertRules.For(View(project, day), [], day), AlertKinds.MilestoneSlipping));
        // Moved further on 20-11-2026: it has been slipping since September all along.
        project = ProjectRules.SetMilestone(project, "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2027, 12, 1) }, new LocalDate(2026, 11, 20)).Value!.Value;
        Assert.Equal(new LocalDate(2026, 9, 3), SinceOnEveryDay(day => AlertRules.For(View(project, day), [], day), AlertKinds.MilestoneSlipping));
        // Back within the month, then out again: a new slip, from that day.
        project = ProjectRules.SetMilestone(project, "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2027, 5, 10) }, new LocalDate(2026, 11, 21)).Value!.Value;
        Assert.DoesNotContain(AlertRules.For(View(project, Today), [], Today), a => a.Kind == AlertKinds.MilestoneSlipping);
        project = ProjectRules.SetMilestone(project, "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2027, 7, 1) }, Today).Value!.Value;
        Assert.Equal(Today, SinceOnEveryDay(day => AlertRules.For(View(project, day), [], day), AlertKinds.MilestoneSlipping));
    }

    [Fact]
    public void A_review_takes_long_since_the_first_day_past_the_norm_not_since_the_request()
    {
        // Requested and accounted on 01-07-2026, norm 90 days: past the norm from 30-09-2026 (day 91).
        var grant = GrantRulesTests.Through(GrantRulesTests.Paw(), 1, new LocalDate(2026, 7, 1), TrancheStatus.VerantwoordingIngediend);
        var project = View(ProjectRulesTests.NewProject(), Today);
        Assert.Equal(new LocalDate(2026, 9, 30), SinceOnEveryDay(day => AlertRules.For(project, [GrantView.Of(grant)], day), AlertKinds.TrancheRequestPending));
        Assert.Empty(AlertRules.For(project, [GrantView.Of(grant)], new LocalDate(2026, 9, 29)));
        Assert.Single(AlertRules.For(project, [GrantView.Of(grant)], new LocalDate(2026, 9, 30)));
    }

    [Fact]
    public void An_accounting_is_late_since_the_first_day_past_sixty_days_or_thirty_days_after_a_rejection()
    {
        var project = View(ProjectRulesTests.NewProject(), Today);
        var paw = GrantRulesTests.Through(GrantRulesTests.Paw(), 1, new LocalDate(2025, 1, 1), TrancheStatus.Uitbetaald);
        // Tranche 2 requested 01-08-2026, no accounting: late from day 61, 01-10-2026.
        var requested = GrantRulesTests.Through(paw, 2, new LocalDate(2026, 8, 1), TrancheStatus.Aangevraagd);
        Assert.Equal(new LocalDate(2026, 10, 1), SinceOnEveryDay(day => AlertRules.For(project, [GrantView.Of(requested)], day), AlertKinds.AccountingOverdue));
        // Tranche 2 accounted and rejected on 10-10-2026: late again from day 31, 10-11-2026.
        var rejected = Step(GrantRulesTests.Through(paw, 2, new LocalDate(2026, 8, 1), TrancheStatus.VerantwoordingIngediend), 2,
            TrancheAction.Reject, new LocalDate(2026, 10, 10), "Facturen ontbreken");
        Assert.Equal(new LocalDate(2026, 11, 10), SinceOnEveryDay(day => AlertRules.For(project, [GrantView.Of(rejected)], day), AlertKinds.AccountingOverdue));
    }

    [Fact]
    public void A_payment_stays_out_since_the_first_day_past_thirty_days_after_approval()
    {
        var project = View(ProjectRulesTests.NewProject(), Today);
        // Through approves ten months after the request: 01-10-2026; unpaid from day 31, 01-11-2026.
        var approved = GrantRulesTests.Through(GrantRulesTests.Paw(), 1, new LocalDate(2025, 12, 1), TrancheStatus.Goedgekeurd);
        Assert.Equal(new LocalDate(2026, 11, 1), SinceOnEveryDay(day => AlertRules.For(project, [GrantView.Of(approved)], day), AlertKinds.PaymentPending));
    }

    [Fact]
    public void A_forecast_alert_is_dated_from_when_the_watch_first_raised_it()
    {
        // A cash forecast carries today from the rules; the watch's record of its first raise (17-10-2026, 23:30 UTC is
        // already the 18th in Amsterdam) dates it, and a later computed day never moves it.
        var raisedAt = Instant.FromUtc(2026, 10, 17, 23, 30);
        var first = new Alert("wg-terrein", AlertKinds.RunwayLow, AlertSeverity.Medium, new LocalDate(2026, 10, 18), "Nog 3 maanden werk.", "kas");
        var watched = new WatchedAlert(AlertSince.KeyOf(first), first with { Since = Today }, raisedAt, null);
        var seen = AlertSince.FirstSeen([watched]);
        foreach (var d in LaterDays)
        {
            var now = first with { Since = Today.PlusDays(d) };
            Assert.Equal(new LocalDate(2026, 10, 18), Assert.Single(AlertSince.Apply([now], seen)).Since);
        }
        // A derived date is not replaced by a first raise (it is the condition's own start), nor is another subject's.
        var pending = new Alert("wg-terrein", AlertKinds.TrancheRequestPending, AlertSeverity.Medium, new LocalDate(2026, 11, 1), "…", "tranche/paw/1");
        Assert.Equal(new LocalDate(2026, 11, 1), AlertSince.Apply([pending], AlertSince.FirstSeen([watched with { Key = AlertSince.KeyOf(pending), Alert = pending }])).Single().Since);
        var otherSubject = first with { Subject = "kas-2", Since = Today };
        Assert.Equal(Today, AlertSince.Apply([otherSubject], seen).Single().Since);
    }
}
