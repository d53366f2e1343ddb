using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Common;
using Warmte.Gates;
using Warmte.Phases;
using Warmte.Projects;
using Warmte.TenantConsent;

namespace Warmte.Tests.Domain;

/// <summary>
/// Tester finding F1: a gate is judged as of its decision date (decidedOn). Evidence dated later did not
/// exist when the gate was decided; such a decision is refused naming decidedOn, the condition and its date.
/// </summary>
public sealed class GateAsOfDecisionTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    private static ProjectRecord Project(LocalDate started) =>
        ProjectRules.Create("c", new CreateProject { Id = "p3", Name = "P3", Woningequivalenten = 100, StartedOn = started }, Today, Now).Value!.Value;

    private static ProjectRecord Deliver(ProjectRecord p, string key, LocalDate on) =>
        ProjectRules.RecordDeliverable(p, key, new RecordDeliverable { PresentOn = on }, Today, "t", Now).Value!.Value;

    private static Outcome<Audit.Change<ProjectRecord>> Go(ProjectRecord p, string to, LocalDate on, GateFacts? facts = null) =>
        ProjectRules.Transition(p, new TransitionRequest { To = to, DecidedOn = on, DecidedBy = "ALV", Rationale = "voor de LOI" },
            GateRules.Default, Today, "t", Now, facts);

    [Fact]
    public void The_testers_case_a_gate_dated_before_its_letter_of_intent_is_refused_naming_decidedOn()
    {
        var p = Project(new LocalDate(2024, 6, 1));
        p = Deliver(p, "bewonersgroep", new LocalDate(2024, 6, 1));
        p = Deliver(p, "intentieverklaring", new LocalDate(2025, 6, 1));
        var refused = Go(p, "Haalbaarheid", new LocalDate(2024, 7, 1));
        Assert.Equal(RefusalKind.Invalid, refused.Refusal!.Kind);
        var error = Assert.Single(refused.Refusal.Errors);
        Assert.Equal("decidedOn", error.Field);
        Assert.Contains("op 01-07-2024 was intentieverklaring", error.Reason);
        Assert.Contains("pas vanaf 01-06-2025", error.Reason);
        // On or after the evidence it passes, and the history says so.
        var moved = Go(p, "Haalbaarheid", new LocalDate(2025, 6, 1)).Value!.Value;
        Assert.Equal((Phase.Haalbaarheid, new LocalDate(2025, 6, 1)), (moved.Phase, moved.PhaseSince));
    }

    [Fact]
    public void A_condition_missing_altogether_stays_a_409_with_the_later_one_named_in_its_evidence()
    {
        var p = Project(new LocalDate(2024, 6, 1));
        p = Deliver(p, "intentieverklaring", new LocalDate(2025, 6, 1));
        var refused = Go(p, "Haalbaarheid", new LocalDate(2024, 7, 1));
        Assert.Equal("gate-conditions-unmet", refused.Refusal!.Code);
        Assert.Equal(["conditions.bewonersgroep", "conditions.intentieverklaring"], refused.Refusal.Errors.Select(e => e.Field).Order());
        Assert.Contains("pas vanaf 01-06-2025", refused.Refusal.Errors.Single(e => e.Field == "conditions.intentieverklaring").Reason);
    }

    [Fact]
    public void The_checklist_shown_today_counts_evidence_present_today()
    {
        var p = Project(new LocalDate(2024, 6, 1));
        p = Deliver(p, "bewonersgroep", new LocalDate(2024, 6, 1));
        p = Deliver(p, "intentieverklaring", new LocalDate(2025, 6, 1));
        var checklist = GateRules.Default.NextGate(new GateContext(p, Today))!;
        Assert.True(checklist.AllMet);
    }

    /// <summary>The gate's facts as the project grain gathers them, through <see cref="AlvRules.DecisionFor"/> (review2 F8): the latest decision and the one in force on the day judged.</summary>
    private static GateFacts Facts(AlvRecord alv, LocalDate asOf, ConsentStatus consent) => new(
        Realisatiebesluit: AlvRules.DecisionFor(alv, "p3", DecisionType.Realisatiebesluit), TenantConsent: consent,
        RealisatiebesluitOnDecisionDate: AlvRules.DecisionFor(alv, "p3", DecisionType.Realisatiebesluit, asOf), DecisionDate: asOf);

    private static ConsentStatus Consent(LocalDate reachedOn) => ConsentRules.Status(
        new ConsentRecord
        {
            Complexes = [new Complex { Id = "a", Name = "Complex A", Corporation = "X", RentedHomes = 10, Threshold = ConsentThresholds.Default, Agreed = 7, ReachedOn = reachedOn }],
        }, "p", Today, null);

    [Fact]
    public void The_realisatiebesluit_counts_from_its_meeting_date_tenant_consent_as_recorded()
    {
        var asOf = new LocalDate(2025, 1, 1);
        var p = Project(new LocalDate(2020, 1, 1));
        var record = Decisions.CorrectionNoticeTests.RealisatiebesluitAt("p3", new LocalDate(2025, 3, 1), 3, 0);
        var consent = Consent(new LocalDate(2025, 2, 1));
        var context = new GateContext(p, asOf, Facts(record, asOf, consent));
        var alv = new RealisatiebesluitCondition().Evaluate(context);
        Assert.False(alv.Met);
        Assert.Equal(new LocalDate(2025, 3, 1), alv.MetFrom);
        // Without the consent as of the decision date (TenantConsentOnDecisionDate: ConsentAsOfTests) the latest counts.
        Assert.True(new TenantConsentCondition().Evaluate(context).Met);
        var later = new GateContext(p, new LocalDate(2025, 3, 1), Facts(record, new LocalDate(2025, 3, 1), consent));
        Assert.True(new RealisatiebesluitCondition().Evaluate(later).Met);
        // The checklist of today (no as-of lookup) reads the latest decision.
        Assert.True(new RealisatiebesluitCondition().Evaluate(new GateContext(p, Today, new GateFacts(Realisatiebesluit: AlvRules.DecisionFor(record, "p3", DecisionType.Realisatiebesluit)))).Met);
    }

    [Property(MaxTest = 300)]
    public Property A_go_is_accepted_exactly_when_every_deliverable_is_present_on_the_decision_date() =>
        Prop.ForAll((from a in Gen.Choose(0, 800) from b in Gen.Choose(0, 800) from d in Gen.Choose(0, 800) select (a, b, d)).ToArbitrary(), input =>
        {
            var start = new LocalDate(2022, 1, 1);
            var p = Deliver(Deliver(Project(start), "bewonersgroep", start.PlusDays(input.a)), "intentieverklaring", start.PlusDays(input.b));
            var decidedOn = start.PlusDays(input.d);
            var outcome = Go(p, "Haalbaarheid", decidedOn);
            var present = input.a <= input.d && input.b <= input.d;
            Assert.Equal(present, outcome.IsOk);
            if (!present)
            {
                Assert.Equal("decidedOn", Assert.Single(outcome.Refusal!.Errors.Select(e => e.Field).Distinct()));
                Assert.Contains(DutchFormat.Date(start.PlusDays(Math.Max(input.a, input.b))), outcome.Refusal.Errors.Last().Reason);
            }
        });
}
