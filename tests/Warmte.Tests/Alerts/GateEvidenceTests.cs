using NodaTime;
using Warmte.Alerts;
using Warmte.Alv;
using Warmte.Phases;
using Warmte.TenantConsent;

namespace Warmte.Tests.Alerts;

/// <summary>Tester finding A15: evidence a passed Go rested on that changes afterwards leaves a trace (pure rules).</summary>
public sealed class GateEvidenceTests
{
    private static PhaseTransition T(Phase from, Phase to, TransitionKind kind, LocalDate on) => new()
    {
        From = from, To = to, Kind = kind, DecidedOn = on, DecidedBy = "ALV", Rationale = "r", RecordedBy = "t", RecordedAt = Instant.FromUtc(2026, 12, 6, 0, 0),
    };

    private static readonly LocalDate GoOn = new(2026, 12, 4);

    /// <summary>A realisatiebesluit of 20-11-2026 as the ALV rules decide it (3 voor, or 0 voor 3 tegen), optionally as a correction.</summary>
    private static DecisionStatus Decision(DecisionOutcome outcome, string? corrects = null)
    {
        var record = Decisions.CorrectionNoticeTests.RealisatiebesluitAt("p3", new LocalDate(2026, 11, 20), outcome == DecisionOutcome.Aangenomen ? 3 : 0, outcome == DecisionOutcome.Aangenomen ? 0 : 3);
        var decision = AlvRules.DecisionFor(record, "p3", DecisionType.Realisatiebesluit)!;
        Assert.Equal(outcome, decision.Result.Outcome);
        return decision with { Corrects = corrects };
    }

    private static ConsentStatus Consent(int agreed) => ConsentRules.Status(new ConsentRecord
    {
        Complexes = [new Complex { Id = "w", Name = "West 1", Corporation = "X", RentedHomes = 10, Threshold = ConsentThresholds.Default, Agreed = agreed }],
    }, "p", GoOn, null);

    [Fact]
    public void A_go_stands_while_the_project_is_in_that_phase_or_later_and_not_after_a_no_go_or_a_stop()
    {
        var go = T(Phase.Ontwikkeling, Phase.Realisatie, TransitionKind.Go, GoOn);
        Assert.Equal(go, GateEvidence.StandingGo(Phase.Realisatie, [go], Phase.Realisatie));
        Assert.Equal(go, GateEvidence.StandingGo(Phase.Beheer, [go, T(Phase.Realisatie, Phase.Beheer, TransitionKind.Go, GoOn.PlusDays(1))], Phase.Realisatie));
        Assert.Null(GateEvidence.StandingGo(Phase.Ontwikkeling, [go, T(Phase.Realisatie, Phase.Ontwikkeling, TransitionKind.NoGo, GoOn.PlusDays(1))], Phase.Realisatie));
        Assert.Null(GateEvidence.StandingGo(Phase.Gestopt, [go], Phase.Realisatie));
        Assert.Null(GateEvidence.StandingGo(Phase.Ontwikkeling, [], Phase.Realisatie));
    }

    [Fact]
    public void Only_evidence_no_longer_in_place_raises_an_alert()
    {
        var go = T(Phase.Ontwikkeling, Phase.Realisatie, TransitionKind.Go, GoOn);
        Assert.Empty(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Aangenomen), Consent(7)));

        var corrected = Assert.Single(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Verworpen, "alv/realisatie"), Consent(7)));
        Assert.Equal((AlertSeverity.High, GoOn, "poort/realisatie/realisatiebesluit"), (corrected.Severity, corrected.Since, corrected.Subject));
        Assert.StartsWith("Het realisatiebesluit waarop de Go van 04-12-2026 rust is gecorrigeerd: Verworpen", corrected.Message);

        var consent = Assert.Single(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Aangenomen), Consent(6)));
        Assert.Equal((AlertSeverity.Medium, "poort/realisatie/huurdersinstemming"), (consent.Severity, consent.Subject));
        Assert.Contains("West 1 nu 6 van 10 (nodig 7)", consent.Message);

        // Both gone: both, worst first in the project's list.
        var both = GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Verworpen, "alv/besluit"), Consent(0));
        Assert.Equal([AlertSeverity.High, AlertSeverity.Medium], both.Select(a => a.Severity).OrderByDescending(s => s));
        // A Go from before these were computed conditions (no register decision, no complex): nothing it rested on changed.
        Assert.Empty(GateEvidence.Alerts("p", go, null, ConsentRules.Status(ConsentRecord.Empty, "p", GoOn, null)));
        // A project that declared it connects no rented homes needs no consent.
        var none = ConsentRules.Status(new ConsentRecord { NotApplicableReason = "koopwoningen" }, "p", GoOn, null);
        Assert.Empty(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Aangenomen), none));
    }

    /// <summary>West 1 (10 homes, proposal 01-11-2026: objection period until 27-12-2026), 7 agree on 03-12, Go 04-12, then one withdraws.</summary>
    private static ConsentStatus Withdrawn(LocalDate withdrawnOn)
    {
        var record = ConsentRules.SetComplex(ConsentRecord.Empty, "west-1", new SetComplex { Name = "West 1", Corporation = "X", RentedHomes = 10, ProposalDate = new LocalDate(2026, 11, 1) }, GoOn).Value!.Value;
        var stored = new Dictionary<Members.DutchAddress, Declaration>();
        var now = Instant.FromUtc(2027, 2, 1, 0, 0);
        var agreed = ConsentRules.RecordDeclarations(record, "west-1", new RecordDeclarations
        {
            Declarations = [.. Enumerable.Range(1, 7).Select(n => (DeclarationInput?)new DeclarationInput { Postcode = "1091 GM", Huisnummer = n, Response = "Akkoord", On = new LocalDate(2026, 12, 3) })],
        }, stored, new LocalDate(2027, 2, 1), "t", now).Value!;
        foreach (var r in agreed.Recorded) stored[r.New.Address] = r.New;
        var withdrawn = ConsentRules.RecordDeclarations(agreed.Change.Value, "west-1", new RecordDeclarations
        {
            Declarations = [new DeclarationInput { Postcode = "1091 GM", Huisnummer = 1, Response = "Geweigerd", On = withdrawnOn }],
        }, stored, new LocalDate(2027, 2, 1), "t", now).Value!;
        return ConsentRules.Status(withdrawn.Change.Value, "p", new LocalDate(2027, 2, 1), null);
    }

    [Fact]
    public void The_legal_question_about_a_withdrawal_after_the_objection_period_is_asked_only_when_it_is_after_it_T8_3()
    {
        var go = T(Phase.Ontwikkeling, Phase.Realisatie, TransitionKind.Go, GoOn);
        // Withdrawn on 06-12-2026, inside the period (until 27-12-2026): no question about "after the period".
        var inside = Assert.Single(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Aangenomen), Withdrawn(new LocalDate(2026, 12, 6)))).Message;
        Assert.DoesNotContain("na de bezwaartermijn", inside);
        Assert.Contains("De intrekking valt binnen de bezwaartermijn (West 1: ingetrokken op 06-12-2026, bezwaartermijn tot 27-12-2026).", inside);
        // Withdrawn on 05-01-2027, after it: the legal question, with both dates.
        var after = Assert.Single(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Aangenomen), Withdrawn(new LocalDate(2027, 1, 5)))).Message;
        Assert.Contains("Of een intrekking na de bezwaartermijn meetelt, is een juridische vraag (West 1: ingetrokken op 05-01-2027, bezwaartermijn tot 27-12-2026).", after);
        Assert.EndsWith("Het project blijft in Realisatie.", after);
        // No withdrawal known (fewer agreed from the start): neither sentence.
        var unknown = Assert.Single(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Aangenomen), Consent(6))).Message;
        Assert.DoesNotContain("bezwaartermijn", unknown);
    }

    /// <summary>
    /// Tester T9: the demo's Go of 01-04-2025; on 07-12-2026 a complex is added that no tenant has answered yet. The alert
    /// arose that day: it is dated then, not at the Go (urgency sorting would call it 20 months old).
    /// </summary>
    [Fact]
    public void A_consent_alert_is_dated_from_the_day_the_consent_fell_not_from_the_old_go_T9()
    {
        var oldGo = T(Phase.Ontwikkeling, Phase.Realisatie, TransitionKind.Go, new LocalDate(2025, 4, 1));
        var today = new LocalDate(2026, 12, 7);
        var added = ConsentRules.SetComplex(ConsentRecord.Empty, "test-c",
            new SetComplex { Name = "Test C", Corporation = "X", RentedHomes = 12, ProposalDate = new LocalDate(2026, 10, 1) }, today).Value!.Value;
        var alert = Assert.Single(GateEvidence.Alerts("p", oldGo, null, ConsentRules.Status(added, "p", today, null)));
        Assert.Equal(today, alert.Since);

        // Still unmet on later days (an answer that does not reach it, a later look): it stays dated at the day it fell.
        var later = ConsentRules.SetComplex(added, "test-c",
            new SetComplex { Name = "Test C", Corporation = "X", RentedHomes = 14, ProposalDate = new LocalDate(2026, 10, 1) }, today.PlusDays(9)).Value!.Value;
        Assert.Equal(today, Assert.Single(GateEvidence.Alerts("p", oldGo, null, ConsentRules.Status(later, "p", today.PlusDays(20), null))).Since);

        // A withdrawal that makes a met complex fall is dated on the day it was recorded (the helper records it on 01-02-2027).
        var go = T(Phase.Ontwikkeling, Phase.Realisatie, TransitionKind.Go, GoOn);
        Assert.Equal(new LocalDate(2027, 2, 1), Assert.Single(GateEvidence.Alerts("p", go, Decision(DecisionOutcome.Aangenomen), Withdrawn(new LocalDate(2026, 12, 6)))).Since);

        // A complex stored before the day was kept (unknown) and anything before the Go: the Go's date, never earlier.
        Assert.Equal(GoOn, Assert.Single(GateEvidence.Alerts("p", go, null, Consent(6))).Since);
        Assert.Equal(GoOn, GateEvidence.Since(go, GoOn.PlusDays(-30)));
    }

    [Fact]
    public void A_correction_alert_is_dated_from_the_day_the_correction_was_closed_T9()
    {
        var oldGo = T(Phase.Ontwikkeling, Phase.Realisatie, TransitionKind.Go, new LocalDate(2025, 4, 1));
        var closedOn = new LocalDate(2026, 12, 7);
        var alert = Assert.Single(GateEvidence.Alerts("p", oldGo, Decision(DecisionOutcome.Verworpen, "alv/realisatie") with { ClosedOn = closedOn }, Consent(7)));
        Assert.Equal(closedOn, alert.Since);
    }
}
