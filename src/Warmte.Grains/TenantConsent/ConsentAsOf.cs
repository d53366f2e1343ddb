using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;

namespace Warmte.TenantConsent;

/// <summary>
/// Tenant consent as it stood on a given day, from the answers' own dates (tester A16): the answers in
/// force on day D are, per address, its latest answer dated on or before D. Pure.
/// <para>
/// The history is the complex's address-free <see cref="DeclarationFact"/> journal rows, in the order
/// they were recorded. A fact says "an address answered <c>Response</c> on <c>On</c>, replacing its
/// answer <c>Replaced</c>". Per address the answers are recorded in date order (an older answer never
/// replaces a newer one: <see cref="ConsentRules.RecordDeclarations"/>), so the answer a fact replaces is
/// dated on or before the fact. The count on day D is therefore the sum over the facts dated on or before D
/// of "+1 for its response, −1 for the response it replaced": for an address answered a₁ (on d₁) then a₂ (on
/// d₂ ≥ d₁), that sum is 0 before d₁, a₁ from d₁, and a₁ − a₁ + a₂ = a₂ from d₂ — exactly its latest answer
/// dated on or before D. No address is needed, so the journal stays free of personal data.
/// </para>
/// </summary>
public static class ConsentAsOf
{
    /// <summary>Agreements and refusals in force on <paramref name="asOf"/>.</summary>
    public static (int Agreed, int Refused) Count(IEnumerable<DeclarationFact> facts, LocalDate asOf)
    {
        int agreed = 0, refused = 0;
        foreach (var f in facts.Where(f => f.On <= asOf))
        {
            if (f.Response == ConsentResponse.Akkoord) agreed++; else refused++;
            if (f.Replaced == ConsentResponse.Akkoord) agreed--;
            else if (f.Replaced == ConsentResponse.Geweigerd) refused--;
        }
        return (agreed, refused);
    }

    /// <summary>Agreements and refusals after every fact (the complex's counts when the history is whole).</summary>
    public static (int Agreed, int Refused) Total(IEnumerable<DeclarationFact> facts) => Count(facts, LocalDate.MaxIsoValue);

    /// <summary>
    /// The day from which the answers' dates have met the threshold without interruption up to the latest
    /// answer ("gehaald op"), or null when the answers do not meet it now. Only the days answers are dated on
    /// can change the count, so those are the days looked at.
    /// </summary>
    public static LocalDate? MetSince(IReadOnlyCollection<DeclarationFact> facts, Share threshold, int homes)
    {
        LocalDate? since = null;
        var agreed = 0;
        // A running count over the days in date order: the count after a day's facts is Count(facts, day).
        foreach (var day in facts.GroupBy(f => f.On).OrderBy(g => g.Key))
        {
            foreach (var f in day)
                agreed += (f.Response == ConsentResponse.Akkoord ? 1 : 0) - (f.Replaced == ConsentResponse.Akkoord ? 1 : 0);
            if (!ConsentRules.Meets(threshold, agreed, homes)) since = null;
            else since ??= day.Key;
        }
        return since;
    }

    /// <summary>
    /// One complex as it stood on <paramref name="asOf"/>: its counts from the answers dated on or before it,
    /// judged by the threshold judged now (<see cref="ConsentThresholds.For"/>). <see cref="ComplexStatus.ReachedOn"/>
    /// is here the day the answers' dates have met the threshold since (<see cref="MetSince"/>), whatever the day judged:
    /// "op 21-11-2026 nog niet; gehaald op 04-12-2026".
    /// </summary>
    public static ComplexStatus Of(Complex complex, IReadOnlyCollection<DeclarationFact> facts, LocalDate asOf)
    {
        var threshold = ConsentThresholds.For(complex.RentedHomes, complex.Threshold);
        var (agreed, refused) = Count(facts, asOf);
        var now = ConsentRules.Of(complex, asOf, null);
        return now with
        {
            Agreed = agreed, Refused = refused, NoResponse = complex.RentedHomes - agreed - refused,
            Reached = ConsentRules.Meets(threshold, agreed, complex.RentedHomes),
            AgreedPercent = complex.RentedHomes == 0 ? 0m : Math.Round(agreed * 100m / complex.RentedHomes, 2, MidpointRounding.AwayFromZero),
            ReachedOn = MetSince(facts, threshold, complex.RentedHomes),
        };
    }

    /// <summary>
    /// The project's consent on <paramref name="asOf"/>: every complex from its history (<paramref name="history"/>,
    /// by complex id; a complex without an entry counts as having no answers). Not applicable stays not applicable
    /// (that declaration carries no date).
    /// </summary>
    public static ConsentStatus Status(ConsentRecord record, string projectId, LocalDate asOf, IReadOnlyDictionary<string, ImmutableArray<DeclarationFact>> history)
    {
        var complexes = record.Complexes.Select(c => Of(c, history.GetValueOrDefault(c.Id, []), asOf)).ToImmutableArray();
        var homes = complexes.Sum(c => c.RentedHomes);
        var agreed = complexes.Sum(c => c.Agreed);
        return new ConsentStatus
        {
            ProjectId = projectId, On = asOf, Complexes = complexes, NotApplicableReason = record.NotApplicableReason,
            AllReached = record.NotApplicableReason is not null || complexes.Length > 0 && complexes.All(c => c.Reached),
            RentedHomes = homes, Agreed = agreed, AgreedPercent = homes == 0 ? 0m : Math.Round(agreed * 100m / homes, 2, MidpointRounding.AwayFromZero),
        };
    }

    /// <summary>
    /// The history a complex is judged from. The journal's facts when they account for the complex's counts (every
    /// answer recorded since answers became facts). Otherwise the complex holds answers from before that (a snapshot
    /// of an older release, upgraded): then each address's current answer with its date (<paramref name="currentAnswers"/>,
    /// its earlier answers are not known), or, when the answers per address were removed after the retention period,
    /// the counts dated on the day the service saw the threshold met (<see cref="Complex.ReachedOn"/>; refusals on the
    /// first answer's day) — the best the stored data can say.
    /// </summary>
    public static ImmutableArray<DeclarationFact> History(Complex complex, ImmutableArray<DeclarationFact> facts, IEnumerable<Declaration>? currentAnswers)
    {
        if (Total(facts) == (complex.Agreed, complex.Refused)) return facts;
        if (currentAnswers is not null && complex.AnswersRemovedOn is null)
            return [.. currentAnswers.OrderBy(d => d.On).Select(d => new DeclarationFact(d.Response, d.On, null))];
        var agreedOn = complex.ReachedOn ?? complex.FirstAnswerOn ?? LocalDate.MaxIsoValue;
        var refusedOn = complex.FirstAnswerOn ?? LocalDate.MaxIsoValue;
        return
        [
            .. Enumerable.Repeat(new DeclarationFact(ConsentResponse.Geweigerd, refusedOn, null), complex.Refused),
            .. Enumerable.Repeat(new DeclarationFact(ConsentResponse.Akkoord, agreedOn, null), complex.Agreed),
        ];
    }
}
