using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Gates;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Tests.Domain;

/// <summary>
/// Tester finding A16: a Go dated 21-11-2026 passed on tenant consent whose answers were all dated 04-12-2026.
/// Consent on a day is each address's latest answer dated on or before it, computed from the address-free
/// journal facts the consent grain writes (<see cref="ConsentAsOf"/>); the gate decision is judged by it.
/// </summary>
public sealed class ConsentAsOfTests
{
    private static readonly LocalDate Proposal = new(2026, 1, 1);
    private static readonly LocalDate Today = new(2026, 12, 31);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 31, 12, 0);
    private const int Homes = 12;

    private static ConsentRecord Record(int homes) => ConsentRules.SetComplex(ConsentRecord.Empty, "west-1",
        new SetComplex { Name = "West 1", Corporation = "Stadgenoot", RentedHomes = homes, ProposalDate = Proposal }, Proposal).Value!.Value;

    /// <summary>
    /// Records the answers one call each through <see cref="ConsentRules.RecordDeclarations"/>, as the grain does, and
    /// returns the record, the facts the grain would journal, and every accepted answer in recording order (the model).
    /// </summary>
    private static (ConsentRecord Record, ImmutableArray<DeclarationFact> Facts, List<(int Address, ConsentResponse Response, LocalDate On)> Accepted)
        Record(IEnumerable<(int Address, bool Agree, int Day)> answers, int homes = Homes)
    {
        var record = Record(homes);
        var stored = new Dictionary<DutchAddress, Declaration>();
        var facts = ImmutableArray.CreateBuilder<DeclarationFact>();
        var accepted = new List<(int, ConsentResponse, LocalDate)>();
        foreach (var (address, agree, day) in answers)
        {
            var on = Proposal.PlusDays(day);
            var input = new DeclarationInput { Postcode = "1054 AB", Huisnummer = address, Response = agree ? "Akkoord" : "Geweigerd", On = on };
            var outcome = ConsentRules.RecordDeclarations(record, "west-1", new RecordDeclarations { Declarations = [input] }, stored, Today, "t", Now);
            if (!outcome.IsOk) continue; // an answer dated before the address's known one is refused: not in the history
            foreach (var (now, before) in outcome.Value!.Recorded)
            {
                facts.Add(new DeclarationFact(now.Response, now.On, before?.Response));
                stored[now.Address] = now;
                accepted.Add((address, now.Response, now.On));
            }
            record = outcome.Value.Change.Value;
        }
        return (record, facts.ToImmutable(), accepted);
    }

    private static Gen<(int Address, bool Agree, int Day)[]> Answers() =>
        Gen.ArrayOf(from a in Gen.Choose(1, Homes) from agree in Gen.Elements(true, true, false) from day in Gen.Choose(0, 300) select (a, agree, day));

    [Property(MaxTest = 300)]
    public Property Consent_on_any_day_is_each_addresses_latest_answer_dated_on_or_before_it() =>
        Prop.ForAll(Answers().ToArbitrary(), Gen.Choose(-5, 310).ToArbitrary(), (answers, day) =>
        {
            var (record, facts, accepted) = Record(answers);
            var asOf = Proposal.PlusDays(day);
            // The model: per address, the last accepted answer dated on or before the day.
            var inForce = accepted.Where(a => a.On <= asOf).GroupBy(a => a.Address).Select(g => g.Last().Response).ToList();
            var expected = (inForce.Count(r => r == ConsentResponse.Akkoord), inForce.Count(r => r == ConsentResponse.Geweigerd));
            Assert.Equal(expected, ConsentAsOf.Count(facts, asOf));
            // Answers dated after the day do not count, however many there are.
            Assert.Equal(expected, ConsentAsOf.Count(facts.Where(f => f.On <= asOf), asOf));
            // The whole history gives the complex's stored counts.
            var complex = record.Complexes.Single();
            Assert.Equal((complex.Agreed, complex.Refused), ConsentAsOf.Total(facts));

            // The gate condition for a decision on that day is met exactly when 70% of the homes had agreed by then.
            var history = new Dictionary<string, ImmutableArray<DeclarationFact>> { ["west-1"] = facts };
            var then = ConsentAsOf.Status(record, "p", asOf, history);
            var now = ConsentRules.Status(record, "p", Today, null);
            var result = new TenantConsentCondition().Evaluate(new GateContext(null!, asOf, new GateFacts(TenantConsent: now, DecisionDate: asOf, TenantConsentOnDecisionDate: then)));
            Assert.Equal(expected.Item1 * 10 >= Homes * 7, result.Met);
            // "Gehaald op": the first day from which every later day meets the threshold, and today's answers meet it.
            var since = then.Complexes.Single().ReachedOn;
            Assert.Equal(now.AllReached, since is not null);
            if (since is { } s)
            {
                Assert.True(ConsentAsOf.Count(facts, s).Agreed * 10 >= Homes * 7);
                Assert.True(ConsentAsOf.Count(facts, s.PlusDays(-1)).Agreed * 10 < Homes * 7);
                Assert.All(facts.Where(f => f.On >= s), f => Assert.True(ConsentAsOf.Count(facts, f.On).Agreed * 10 >= Homes * 7));
            }
        });

    [Fact]
    public void The_testers_case_a_go_dated_before_any_tenant_agreed_is_refused_with_the_day_it_was_reached()
    {
        // West 1: 10 rented homes, 7 answers "akkoord" dated 04-12-2026; the Go is dated 21-11-2026.
        var decidedOn = new LocalDate(2026, 11, 21);
        ConditionResult Judge(int agreed)
        {
            var (record, facts, _) = Record(Enumerable.Range(1, agreed).Select(a => (a, true, 337)), homes: 10);
            var then = ConsentAsOf.Status(record, "p", decidedOn, new Dictionary<string, ImmutableArray<DeclarationFact>> { ["west-1"] = facts });
            return new TenantConsentCondition().Evaluate(new GateContext(null!, decidedOn,
                new GateFacts(TenantConsent: ConsentRules.Status(record, "p", Today, null), DecisionDate: decidedOn, TenantConsentOnDecisionDate: then)));
        }
        var seven = Judge(7);
        Assert.False(seven.Met);
        Assert.Equal("West 1: 0 van 7 nodig; gehaald op 04-12-2026", seven.Evidence);
        Assert.Equal(new LocalDate(2026, 12, 4), seven.MetFrom);
        // Six of ten: never reached, so no day to move the decision to (a 409 for the unmet gate, not a 400 on the date).
        var six = Judge(6);
        Assert.Equal("West 1: 0 van 7 nodig; nog steeds niet gehaald", six.Evidence);
        Assert.Null(six.MetFrom);
    }

    [Fact]
    public void A_tenant_who_withdrew_after_the_decision_date_still_counts_on_it_and_one_who_withdrew_before_does_not()
    {
        // Nine agree on 01-03, one withdraws on 01-06 (8 of 12 < 70%), agrees again on 01-09.
        var answers = Enumerable.Range(1, 9).Select(a => (a, true, 59)).Append((1, false, 151)).Append((1, true, 243));
        var (_, facts, _) = Record(answers);
        Assert.Equal((9, 0), ConsentAsOf.Count(facts, new LocalDate(2026, 5, 31)));
        Assert.Equal((8, 1), ConsentAsOf.Count(facts, new LocalDate(2026, 6, 1)));
        Assert.Equal((9, 0), ConsentAsOf.Count(facts, new LocalDate(2026, 9, 1)));
        // Met since the agreement again, not since March: the threshold was not met without interruption.
        Assert.Equal(new LocalDate(2026, 9, 1), ConsentAsOf.MetSince(facts, ConsentThresholds.Default, Homes));
    }

    [Fact]
    public void A_complex_with_answers_from_before_the_journal_facts_is_judged_by_its_current_answers_or_its_recorded_day()
    {
        var complex = new Complex
        {
            Id = "oud", Name = "Oud", Corporation = "X", RentedHomes = 10, Threshold = ConsentThresholds.Default,
            Agreed = 7, Refused = 1, FirstAnswerOn = new LocalDate(2024, 1, 10), ReachedOn = new LocalDate(2024, 3, 1),
        };
        var answers = Enumerable.Range(1, 8).Select(n => new Declaration
        {
            Address = new DutchAddress("1054AB", n, null), Response = n == 8 ? ConsentResponse.Geweigerd : ConsentResponse.Akkoord,
            On = new LocalDate(2024, 2, n), RecordedBy = "t", RecordedAt = Now,
        }).ToList();
        var fromRows = ConsentAsOf.History(complex, [], answers);
        Assert.Equal((6, 0), ConsentAsOf.Count(fromRows, new LocalDate(2024, 2, 6)));
        Assert.Equal((7, 1), ConsentAsOf.Total(fromRows));
        // The answers per address removed after the retention period: the counts on the day the service saw the threshold met.
        var fromCounts = ConsentAsOf.History(complex with { AnswersRemovedOn = new LocalDate(2026, 1, 1) }, [], null);
        Assert.Equal(0, ConsentAsOf.Count(fromCounts, new LocalDate(2024, 2, 29)).Agreed);
        Assert.Equal((7, 1), ConsentAsOf.Count(fromCounts, new LocalDate(2024, 3, 1)));
    }
}
