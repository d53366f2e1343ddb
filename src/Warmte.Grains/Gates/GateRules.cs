using System.Collections.Immutable;
using Warmte.Phases;
using Warmte.Projects;

namespace Warmte.Gates;

/// <summary>
/// The checklists of the go/no-go gates, one per target phase. <see cref="Default"/> holds the
/// deliverables from the domain brief; later capabilities register computed conditions (votes,
/// tenant consent, financing) with <see cref="With"/>.
/// </summary>
public sealed class GateRules
{
    private readonly ImmutableDictionary<Phase, ImmutableArray<IGateCondition>> _byTarget;

    private GateRules(ImmutableDictionary<Phase, ImmutableArray<IGateCondition>> byTarget) => _byTarget = byTarget;

    /// <summary>Every deliverable the gates can ask for, in gate order.</summary>
    public static readonly ImmutableArray<DeliverableDefinition> Deliverables =
    [
        // Initiatief -> Haalbaarheid
        new("bewonersgroep", "Groep bewoners die het initiatief draagt", Phase.Haalbaarheid),
        new("intentieverklaring", "Intentieverklaring (letter of intent)", Phase.Haalbaarheid),
        // Haalbaarheid -> Ontwikkeling (financieringsmoment BC1: risicokapitaal voor ontwikkeling)
        new("haalbaarheidsstudie", "Haalbaarheidsstudie", Phase.Ontwikkeling),
        new("schetsontwerp", "Schetsontwerp", Phase.Ontwikkeling),
        new("eerste-businesscase", "Eerste business case", Phase.Ontwikkeling),
        new("juridische-knelpunten", "Juridische knelpunten in kaart", Phase.Ontwikkeling),
        new("ontwikkelfinanciering", "Risicokapitaal voor de ontwikkeling toegezegd (BC1)", Phase.Ontwikkeling),
        // Ontwikkeling -> Realisatie (financieringsmoment BC2: financial close)
        new("definitief-ontwerp", "Definitief ontwerp", Phase.Realisatie),
        new("contracten", "Contracten / aanbesteding afgerond", Phase.Realisatie),
        new("businesscase-financieringsvoorstel", "Business case met financieringsvoorstel", Phase.Realisatie),
        new("vergunningen", "Vergunningen verleend", Phase.Realisatie),
        new("financial-close", "Financiering rond (BC2, financial close)", Phase.Realisatie),
        // Realisatie -> Beheer
        new("netwerk-opgeleverd", "Warmtenet opgeleverd", Phase.Beheer),
        new("aansluitingen-gerealiseerd", "Aansluitingen gerealiseerd volgens volloopplan", Phase.Beheer),
    ];

    public static readonly GateRules Default = new GateRules(
        Deliverables
            .GroupBy(d => d.Gate)
            .ToImmutableDictionary(
                g => g.Key,
                g => g.Select(d => (IGateCondition)new DeliverableCondition(d)).ToImmutableArray()))
        // Computed conditions replace the manual marks of the same key: the ALV's realisatiebesluit
        // and tenant consent come from their own registers, and the saved business case must close.
        // Deliverables about the business case read the saved versions (tester T6): the first counts from a saved version,
        // the board's marks of the financing proposal and financial close are checked against the latest.
        .With(Phase.Ontwikkeling, new SavedBusinessCaseCondition(FindDeliverable(BusinessCaseDeliverables.FirstBusinessCase)!))
        .With(Phase.Realisatie, new CheckedDeliverableCondition(FindDeliverable(BusinessCaseDeliverables.WithFinancingProposal)!))
        .With(Phase.Realisatie, new CheckedDeliverableCondition(FindDeliverable(BusinessCaseDeliverables.FinancialClose)!))
        .With(Phase.Realisatie, new TenantConsentCondition())
        .With(Phase.Realisatie, new RealisatiebesluitCondition())
        .With(Phase.Realisatie, new FinancingClosedCondition());

    /// <summary>
    /// Gate conditions that are computed from their own registers and can therefore not be marked
    /// present by hand, with where they come from.
    /// </summary>
    public static readonly ImmutableDictionary<string, string> ComputedConditions = new Dictionary<string, string>
    {
        ["realisatiebesluit"] = "volgt uit het gesloten ALV-besluit (Realisatiebesluit) over dit project",
        ["huurdersinstemming"] = "volgt uit de huurdersinstemming per complex",
        ["financiering-sluit"] = "volgt uit de laatst bewaarde business case",
    }.ToImmutableDictionary();

    public static DeliverableDefinition? FindDeliverable(string key) =>
        Deliverables.FirstOrDefault(d => d.Key == key);

    /// <summary>A copy with <paramref name="condition"/> added to (or replacing the same key in) the gate into <paramref name="target"/>.</summary>
    public GateRules With(Phase target, IGateCondition condition)
    {
        var current = _byTarget.GetValueOrDefault(target, []);
        var index = current.IndexOf(current.FirstOrDefault(c => c.Key == condition.Key)!);
        var updated = index >= 0 ? current.SetItem(index, condition) : current.Add(condition);
        return new GateRules(_byTarget.SetItem(target, updated));
    }

    public ImmutableArray<IGateCondition> ConditionsFor(Phase target) => _byTarget.GetValueOrDefault(target, []);

    /// <summary>The checklist of the next gate, or null when there is no next phase (Beheer, Gestopt).</summary>
    public GateChecklist? NextGate(GateContext context)
    {
        var from = context.Project.Phase;
        return PhaseMachine.Next(from) is { } to ? Evaluate(from, to, context) : null;
    }

    public GateChecklist Evaluate(Phase from, Phase to, GateContext context) =>
        new(from, to, [.. ConditionsFor(to).Select(c => c.Evaluate(context))]);
}
