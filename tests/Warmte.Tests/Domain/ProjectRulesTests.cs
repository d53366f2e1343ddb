using NodaTime;
using Warmte.Common;
using Warmte.Gates;
using Warmte.Milestones;
using Warmte.Phases;
using Warmte.Projects;

namespace Warmte.Tests.Domain;

public sealed class ProjectRulesTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    internal static ProjectRecord NewProject(LocalDate? startedOn = null) =>
        ProjectRules.Create("ketelhuiswg", new CreateProject { Id = "wg-terrein", Name = "Warmtenet WG-terrein", Woningequivalenten = 1500, StartedOn = startedOn ?? new LocalDate(2018, 1, 1) }, Today, Now)
            .Value!.Value;

    internal static ProjectRecord WithGateMet(ProjectRecord project, Phase target, LocalDate on)
    {
        foreach (var d in GateRules.Deliverables.Where(d => d.Gate == target))
            project = ProjectRules.RecordDeliverable(project, d.Key, new RecordDeliverable { PresentOn = on }, Today, "test", Now).Value!.Value;
        return project;
    }

    private static Outcome<Audit.Change<ProjectRecord>> Move(ProjectRecord project, string to, LocalDate on) =>
        ProjectRules.Transition(project, new TransitionRequest { To = to, DecidedOn = on, DecidedBy = "ALV", Rationale = "besluit" },
            GateRules.Default, Today, "test", Now);

    [Fact]
    public void A_new_project_starts_in_Initiatief_on_its_start_date()
    {
        var project = NewProject();
        Assert.Equal(Phase.Initiatief, project.Phase);
        Assert.Equal(new LocalDate(2018, 1, 1), project.PhaseSince);
        Assert.Empty(project.History);
    }

    [Fact]
    public void Creating_reports_every_bad_field_at_once()
    {
        var outcome = ProjectRules.Create("c", new CreateProject { Id = "Bad Id", Name = "", Woningequivalenten = -1, StartedOn = Today.PlusDays(1) }, Today, Now);
        Assert.Equal(RefusalKind.Invalid, outcome.Refusal!.Kind);
        Assert.Equal(["id", "name", "startedOn", "woningequivalenten"], outcome.Refusal.Errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void Go_requires_every_condition_of_the_next_gate_and_lists_the_unmet_ones()
    {
        var project = NewProject();
        project = ProjectRules.RecordDeliverable(project, "bewonersgroep", new RecordDeliverable { PresentOn = new LocalDate(2018, 2, 1) }, Today, "t", Now).Value!.Value;

        var refused = Move(project, "Haalbaarheid", new LocalDate(2019, 1, 1));
        Assert.Equal("gate-conditions-unmet", refused.Refusal!.Code);
        Assert.Equal(["conditions.intentieverklaring"], refused.Refusal.Errors.Select(e => e.Field));

        var ready = WithGateMet(project, Phase.Haalbaarheid, new LocalDate(2018, 6, 1));
        var moved = Move(ready, "Haalbaarheid", new LocalDate(2019, 1, 1)).Value!.Value;
        Assert.Equal(Phase.Haalbaarheid, moved.Phase);
        Assert.Equal(new LocalDate(2019, 1, 1), moved.PhaseSince);
        var transition = Assert.Single(moved.History);
        Assert.Equal((Phase.Initiatief, Phase.Haalbaarheid, TransitionKind.Go, "ALV"), (transition.From, transition.To, transition.Kind, transition.DecidedBy));
    }

    [Theory]
    [InlineData("Ontwikkeling")]
    [InlineData("Realisatie")]
    [InlineData("Beheer")]
    [InlineData("Initiatief")]
    public void Skipping_or_staying_is_refused_as_a_conflict(string to)
    {
        var outcome = Move(WithGateMet(NewProject(), Phase.Haalbaarheid, new LocalDate(2018, 6, 1)), to, new LocalDate(2019, 1, 1));
        Assert.Equal(RefusalKind.Conflict, outcome.Refusal!.Kind);
    }

    [Fact]
    public void No_go_sends_the_project_back_one_phase_without_a_gate()
    {
        var project = Move(WithGateMet(NewProject(), Phase.Haalbaarheid, new LocalDate(2018, 6, 1)), "Haalbaarheid", new LocalDate(2019, 1, 1)).Value!.Value;
        var back = Move(project, "Initiatief", new LocalDate(2020, 1, 1)).Value!.Value;
        Assert.Equal(Phase.Initiatief, back.Phase);
        Assert.Equal(TransitionKind.NoGo, back.History[^1].Kind);
    }

    [Fact]
    public void Gestopt_is_reachable_from_any_phase_and_final()
    {
        var stopped = Move(NewProject(), "gestopt", new LocalDate(2019, 1, 1)).Value!.Value;
        Assert.Equal(Phase.Gestopt, stopped.Phase);
        Assert.Equal(TransitionKind.Stop, stopped.History[^1].Kind);
        Assert.Equal("project-stopped", Move(stopped, "Initiatief", new LocalDate(2019, 2, 1)).Refusal!.Code);
        Assert.Equal("project-stopped", ProjectRules.SetMilestone(stopped, "x", new SetMilestone { Name = "x", PlannedOn = Today }, Today).Refusal!.Code);
    }

    [Fact]
    public void Decision_dates_do_not_run_backwards_nor_lie_in_the_future()
    {
        var project = WithGateMet(NewProject(new LocalDate(2019, 5, 1)), Phase.Haalbaarheid, new LocalDate(2019, 5, 1));
        Assert.Equal(["decidedOn"], Move(project, "Haalbaarheid", new LocalDate(2019, 4, 30)).Refusal!.Errors.Select(e => e.Field));
        Assert.Equal(["decidedOn"], Move(project, "Haalbaarheid", Today.PlusDays(1)).Refusal!.Errors.Select(e => e.Field));
        Assert.True(Move(project, "Haalbaarheid", new LocalDate(2019, 5, 1)).IsOk);
    }

    [Fact]
    public void A_transition_names_every_missing_field()
    {
        var outcome = ProjectRules.Transition(NewProject(), new TransitionRequest(), GateRules.Default, Today, "t", Now);
        Assert.Equal(["decidedBy", "decidedOn", "rationale", "to"], outcome.Refusal!.Errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void Unknown_deliverables_are_refused_with_the_valid_keys()
    {
        var outcome = ProjectRules.RecordDeliverable(NewProject(), "koffie", new RecordDeliverable { PresentOn = Today }, Today, "t", Now);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("key", error.Field);
        Assert.Contains("definitief-ontwerp", error.Reason);
    }

    [Theory]
    [InlineData("realisatiebesluit", "ALV")]
    [InlineData("huurdersinstemming", "complex")]
    public void Computed_conditions_cannot_be_marked_by_hand(string key, string source)
    {
        var outcome = ProjectRules.RecordDeliverable(NewProject(), key, new RecordDeliverable { PresentOn = Today }, Today, "t", Now);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("key", error.Field);
        Assert.Contains(source, error.Reason);
    }

    [Fact]
    public void A_milestone_keeps_its_baseline_so_replanning_shows_as_slip()
    {
        var project = ProjectRules.SetMilestone(NewProject(), "laatste-aansluiting",
            new SetMilestone { Name = "Laatste aansluiting", PlannedOn = new LocalDate(2027, 8, 31) }, Today).Value!.Value;
        project = ProjectRules.SetMilestone(project, "laatste-aansluiting",
            new SetMilestone { Name = "Laatste aansluiting", PlannedOn = new LocalDate(2027, 12, 31) }, Today).Value!.Value;
        var status = MilestoneStatus.Of(project.Milestones.Single(), Today);
        Assert.Equal(new LocalDate(2027, 8, 31), status.BaselineOn);
        Assert.Equal(122, status.SlipDays);
        Assert.Equal(4, status.SlipMonths);
        Assert.False(status.Overdue);
    }

    [Fact]
    public void An_open_milestone_past_its_planned_date_is_overdue_and_slips_until_today()
    {
        var milestone = new Milestone { Key = "start-bouw", Name = "Start bouw", BaselineOn = new LocalDate(2026, 10, 22), PlannedOn = new LocalDate(2026, 10, 22) };
        var status = MilestoneStatus.Of(milestone, Today);
        Assert.True(status.Overdue);
        Assert.Equal(31, status.SlipDays);
        Assert.Equal(1, status.SlipMonths);

        var done = MilestoneStatus.Of(milestone with { ActualOn = new LocalDate(2026, 10, 20) }, Today);
        Assert.False(done.Overdue);
        Assert.True(done.Done);
        Assert.Equal(-2, done.SlipDays);
    }

    [Fact]
    public void The_view_shows_the_next_gate_and_months_in_phase()
    {
        var view = ProjectView.Of(NewProject(new LocalDate(2026, 1, 15)), GateRules.Default, Today);
        Assert.Equal(10, view.MonthsInPhase);
        Assert.Equal(Phase.Haalbaarheid, view.NextGate!.To);
        Assert.Equal(["bewonersgroep", "intentieverklaring"], view.NextGate.Conditions.Select(c => c.Key));
        Assert.All(view.NextGate.Conditions, c => Assert.False(c.Met));
        Assert.Equal("Groep bewoners die het initiatief draagt", view.NextUnmetCondition);
    }

    [Fact]
    public void A_condition_plugged_into_a_gate_takes_part_in_the_decision()
    {
        var rules = GateRules.Default.With(Phase.Haalbaarheid, new AlwaysUnmet());
        var project = WithGateMet(NewProject(), Phase.Haalbaarheid, new LocalDate(2018, 6, 1));
        var outcome = ProjectRules.Transition(project, new TransitionRequest { To = "Haalbaarheid", DecidedOn = new LocalDate(2019, 1, 1), DecidedBy = "ALV", Rationale = "r" },
            rules, Today, "t", Now);
        Assert.Equal(["conditions.extern"], outcome.Refusal!.Errors.Select(e => e.Field));
    }

    private sealed class AlwaysUnmet : IGateCondition
    {
        public string Key => "extern";
        public string Description => "Externe voorwaarde";
        public ConditionResult Evaluate(GateContext context) => new(Key, Description, false, "Nog niet.");
    }
}
