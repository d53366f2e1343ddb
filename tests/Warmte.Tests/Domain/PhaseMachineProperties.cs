using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Gates;
using Warmte.Phases;
using Warmte.Projects;
using Warmte.Serialization;

namespace Warmte.Tests.Domain;

/// <summary>
/// Properties over random sequences of commands: whatever is sent, in whatever order, no phase is
/// ever skipped, history is only ever appended to, and a refused command changes nothing.
/// </summary>
public sealed class PhaseMachineProperties
{
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    /// <summary>A command a user could send: a transition to any phase name (or junk), or recording a deliverable.</summary>
    public sealed record Command(bool IsTransition, string Target, int DayOffset);

    private static readonly string[] Targets =
        [.. Enum.GetNames<Phase>(), "gestopt", "BEHEER", "", "Fase 9", "3", .. GateRules.Deliverables.Select(d => d.Key)];

    private static Arbitrary<Command[]> Commands() =>
        (from isTransition in Gen.Elements(true, false)
         from target in Gen.Elements(Targets)
         from offset in Gen.Choose(-400, 400)
         select new Command(isTransition, target, offset))
            .ArrayOf()
            .ToArbitrary();

    private static string Snapshot(ProjectRecord project) => JsonSerializer.Serialize(project, WarmteJson.Default);

    private static (ProjectRecord Next, bool Accepted) Apply(ProjectRecord project, Command command)
    {
        var on = project.PhaseSince.PlusDays(command.DayOffset);
        if (on > Today) on = Today;
        var outcome = command.IsTransition
            ? ProjectRules.Transition(project, new TransitionRequest { To = command.Target, DecidedOn = on, DecidedBy = "ALV", Rationale = "r" },
                GateRules.Default, Today, "prop", Now)
            : ProjectRules.RecordDeliverable(project, command.Target, new RecordDeliverable { PresentOn = on }, Today, "prop", Now);
        return outcome.IsOk ? (outcome.Value!.Value, true) : (project, false);
    }

    [Property(MaxTest = 300)]
    public Property No_command_sequence_skips_a_phase_or_rewrites_history() =>
        Prop.ForAll(Commands(), commands =>
        {
            var project = ProjectRulesTests.NewProject(new LocalDate(2010, 1, 1));
            foreach (var command in commands)
            {
                var before = project;
                (project, _) = Apply(project, command);
                // History is append-only: the old history is a prefix of the new one.
                Assert.True(project.History.Length - before.History.Length is 0 or 1);
                Assert.Equal(before.History.Select(Snapshot2), project.History.Take(before.History.Length).Select(Snapshot2));
            }
            foreach (var t in project.History)
            {
                var step = t.To == Phase.Gestopt ? 0 : Math.Abs(PhaseMachine.Order.ToList().IndexOf(t.To) - PhaseMachine.Order.ToList().IndexOf(t.From));
                Assert.True(t.To == Phase.Gestopt || step == 1, $"{t.From} -> {t.To} skips a phase");
                Assert.NotEqual(Phase.Gestopt, t.From);
            }
            // Consecutive transitions chain, and decision dates never run backwards.
            for (var i = 1; i < project.History.Length; i++)
            {
                Assert.Equal(project.History[i - 1].To, project.History[i].From);
                Assert.True(project.History[i - 1].DecidedOn <= project.History[i].DecidedOn);
            }
            // Every go passed a gate whose deliverables were all present at the time.
            Assert.All(project.History.Where(t => t.Kind == TransitionKind.Go),
                t => Assert.True(GateRules.Deliverables.Where(d => d.Gate == t.To).All(d => project.Deliverables.Any(x => x.Key == d.Key))));
        });

    [Property(MaxTest = 300)]
    public Property A_refused_command_leaves_the_state_identical() =>
        Prop.ForAll(Commands(), commands =>
        {
            var project = ProjectRulesTests.NewProject(new LocalDate(2010, 1, 1));
            foreach (var command in commands)
            {
                var snapshot = Snapshot(project);
                var (next, accepted) = Apply(project, command);
                if (!accepted) Assert.Equal(snapshot, Snapshot(project));
                project = next;
            }
        });

    private static string Snapshot2(PhaseTransition t) => JsonSerializer.Serialize(t, WarmteJson.Default);
}
