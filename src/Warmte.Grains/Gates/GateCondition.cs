using System.Collections.Immutable;
using NodaTime;
using Warmte.Phases;
using Warmte.Projects;

namespace Warmte.Gates;

/// <summary>
/// Everything a gate condition may look at: the project, the day the gate is judged for, and the
/// facts other grains hold (business case, ALV decisions, tenant consent), so a condition stays a
/// pure function of its context. <see cref="Today"/> is today for the checklist shown, and the
/// decision date (<c>decidedOn</c>) for a gate decision: evidence dated after it did not exist yet
/// when the gate was decided (tester finding F1).
/// </summary>
public sealed record GateContext(ProjectRecord Project, LocalDate Today, GateFacts? Facts = null)
{
    public GateFacts Known => Facts ?? GateFacts.None;

    /// <summary>The day the gate is judged for (today, or the decision date).</summary>
    public LocalDate AsOf => Today;
}

/// <summary>
/// Facts from outside the project grain that gates look at. Null members mean "not looked up or
/// not there": a condition reads that as unmet.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GateFacts(
    [property: Id(0)] BusinessCase.Versions.FinancingStatus? Financing = null,
    [property: Id(1)] Alv.DecisionStatus? Realisatiebesluit = null,
    [property: Id(2)] TenantConsent.ConsentStatus? TenantConsent = null,
    // The realisatiebesluit in force on a gate decision's date (decidedOn), looked up for a transition only;
    // Realisatiebesluit stays the latest (review2 F4). DecisionDate: the day it was looked up for (null: not looked up).
    [property: Id(3)] Alv.DecisionStatus? RealisatiebesluitOnDecisionDate = null,
    [property: Id(4)] LocalDate? DecisionDate = null,
    // Tenant consent as it stood on DecisionDate by the answers' own dates (tester A16); TenantConsent stays today's.
    [property: Id(5)] TenantConsent.ConsentStatus? TenantConsentOnDecisionDate = null,
    // The first saved business-case version (tester T6): the gate into Ontwikkeling counts it as the first business case.
    [property: Id(6)] BusinessCase.Versions.BusinessCaseVersionInfo? FirstBusinessCase = null)
{
    public static readonly GateFacts None = new();
}

/// <summary>
/// One condition on a gate's checklist. Conditions are pluggable: anything that can say
/// met/unmet with evidence from a <see cref="GateContext"/> can stand on a checklist.
/// </summary>
public interface IGateCondition
{
    /// <summary>Stable key, e.g. "realisatiebesluit".</summary>
    string Key { get; }

    /// <summary>Dutch description shown on the checklist.</summary>
    string Description { get; }

    ConditionResult Evaluate(GateContext context);
}

/// <summary>
/// A condition's verdict: met or not, and the evidence (or what is missing) in Dutch.
/// <see cref="MetFrom"/>: when the condition is not met on the day judged only because its evidence
/// is dated later, the date from which it is met (a gate decision dated before its evidence).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ConditionResult(
    [property: Id(0)] string Key,
    [property: Id(1)] string Description,
    [property: Id(2)] bool Met,
    [property: Id(3)] string Evidence,
    [property: Id(4)] LocalDate? MetFrom = null);

/// <summary>The checklist of the gate from <see cref="From"/> into <see cref="To"/>, evaluated now.</summary>
[GenerateSerializer, Immutable]
public sealed record GateChecklist(
    [property: Id(0)] Phase From,
    [property: Id(1)] Phase To,
    [property: Id(2)] ImmutableArray<ConditionResult> Conditions)
{
    public bool AllMet => Conditions.All(c => c.Met);

    public IEnumerable<ConditionResult> Unmet => Conditions.Where(c => !c.Met);
}

/// <summary>Met when the project has marked the named deliverable present.</summary>
public sealed class DeliverableCondition(DeliverableDefinition definition) : IGateCondition
{
    public DeliverableDefinition Definition { get; } = definition;

    public string Key => Definition.Key;

    public string Description => Definition.Name;

    public ConditionResult Evaluate(GateContext context)
    {
        var found = context.Project.Deliverables.FirstOrDefault(d => d.Key == Key);
        if (found is null)
            return new ConditionResult(Key, Description, false, "Nog niet aanwezig.");
        if (found.PresentOn > context.AsOf)
            return new ConditionResult(Key, Description, false,
                $"Op {DutchFormat.Date(context.AsOf)} nog niet aanwezig (pas vanaf {DutchFormat.Date(found.PresentOn)}).", found.PresentOn);
        var evidence = $"Aanwezig sinds {DutchFormat.Date(found.PresentOn)}"
                       + (found.Reference is null ? "." : $" ({found.Reference}).");
        return new ConditionResult(Key, Description, true, evidence);
    }
}
