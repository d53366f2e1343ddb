using System.Collections.Immutable;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Versions;

namespace Warmte.Gates;

/// <summary>
/// Gate deliverables about the business case, which the service itself holds (tester T6): the checklist said "Eerste business
/// case: Nog niet aanwezig" next to two saved versions, and "Financiering rond (BC2)" could be ticked while the computed line
/// beside it said bridging was needed. Pure: what the checklist and the answer to a ticked deliverable say from the saved versions.
/// </summary>
public static class BusinessCaseDeliverables
{
    public const string FirstBusinessCase = "eerste-businesscase";
    public const string WithFinancingProposal = "businesscase-financieringsvoorstel";
    public const string FinancialClose = "financial-close";

    /// <summary>"2 versies, de nieuwste versie 2 van 05-12-2026".</summary>
    public static string Versions(FinancingStatus latest) =>
        latest.Version == 1
            ? $"1 versie, van {DutchFormat.Date(Common.AmsterdamTime.DateOf(latest.SavedAt))}"
            : $"{latest.Version} versies, de nieuwste versie {latest.Version} van {DutchFormat.Date(Common.AmsterdamTime.DateOf(latest.SavedAt))}";

    /// <summary>
    /// What the latest saved business case says against a board marking <paramref name="key"/> present, in Dutch; null when
    /// nothing does. A warning, not a refusal: the board may know what the model does not yet hold (a loan agreed this
    /// week, a model kept elsewhere), and the gate's own computed line ("Business case sluit") still decides Realisatie.
    /// </summary>
    public static string? Contradiction(string key, FinancingStatus? latest)
    {
        if (key is not (FirstBusinessCase or WithFinancingProposal or FinancialClose)) return null;
        if (latest is null)
            return "Let op: er is nog geen business case bewaard in het systeem (warmte business-case save <project> <bestand>); "
                   + (key == FinancialClose ? "de poort naar Realisatie rekent 'Business case sluit' uit de laatst bewaarde versie." : "bewaar haar, dan telt zij op de poortchecklist.");
        if (key != FinancialClose) return null;
        var k = latest.Kpis;
        var version = $"versie {latest.Version} van {DutchFormat.Date(Common.AmsterdamTime.DateOf(latest.SavedAt))}";
        if (!k.FinancingCloses)
            return $"Let op: de laatst bewaarde business case ({version}) sluit niet: bronnen {DutchFormat.Money(k.Sources)}, bestedingen {DutchFormat.Money(k.Uses)}"
                   + (k.MinDscr is { } dscr && dscr < k.LenderMinDscr ? $", min. DSCR {DutchFormat.Ratio(dscr)} onder het minimum {DutchFormat.Ratio(k.LenderMinDscr)}" : "")
                   + (CashGap.Shortfall(k.LowestCashBalance, k.LowestCashBalanceYear) is { } gap ? $", en {gap}" : "")
                   + ". Is de financiering rond, bewaar dan de business case met de afgesproken financiering.";
        if (CashGap.Shortfall(k.LowestCashBalance, k.LowestCashBalanceYear) is { } shortfall)
            return $"Let op: de laatst bewaarde business case ({version}) sluit op papier, maar {shortfall}. "
                   + "Is die overbrugging geregeld, bewaar dan de business case met die financiering.";
        return null;
    }
}

/// <summary>
/// A deliverable the board marks that is also judged against the business case the service holds: the key and name are the
/// deliverable's, and a subclass decides from the board's mark (as <see cref="DeliverableCondition"/> judges it) and the
/// latest saved version (null: none saved).
/// </summary>
public abstract class BusinessCaseDeliverableCondition(DeliverableDefinition definition) : IGateCondition
{
    private readonly DeliverableCondition _marked = new(definition);

    public string Key => definition.Key;

    public string Description => definition.Name;

    public ConditionResult Evaluate(GateContext context) => Evaluate(context, _marked.Evaluate(context), context.Known.Financing);

    protected abstract ConditionResult Evaluate(GateContext context, ConditionResult marked, FinancingStatus? latest);
}

/// <summary>
/// "Eerste business case" (the gate into Ontwikkeling): met when the board marked it present, or when a business-case version
/// was saved on or before the day judged — the system's own fact, naming the version (tester T6).
/// </summary>
public sealed class SavedBusinessCaseCondition(DeliverableDefinition definition) : BusinessCaseDeliverableCondition(definition)
{
    protected override ConditionResult Evaluate(GateContext context, ConditionResult marked, FinancingStatus? latest)
    {
        var first = context.Known.FirstBusinessCase;
        if (first is null || latest is null)
            return marked.Met || context.Project.Deliverables.Any(d => d.Key == Key)
                ? marked
                : marked with { Evidence = "Nog niet aanwezig: er is nog geen business case bewaard (warmte business-case save <project> <bestand>)." };
        var savedOn = Common.AmsterdamTime.DateOf(first.SavedAt);
        var saved = $"versie {first.Version} ('{first.Name}'), bewaard op {DutchFormat.Date(savedOn)} door {first.SavedBy}; {BusinessCaseDeliverables.Versions(latest)}";
        if (marked.Met) return marked with { Evidence = $"{marked.Evidence} In het systeem: {saved}." };
        if (savedOn <= context.AsOf)
            return new ConditionResult(Key, Description, true, $"In het systeem: {saved}.");
        // Saved after the day judged (a gate decision dated earlier): the board may still mark when it was really there.
        return new ConditionResult(Key, Description, false,
            $"Op {DutchFormat.Date(context.AsOf)} nog niet in het systeem: {saved}. Lag de business case er toen al, leg dat vast met "
            + $"warmte project deliverable {context.Project.Id} {Key} --on JJJJ-MM-DD (de datum waarop hij er was).",
            marked.MetFrom is { } from && from < savedOn ? from : savedOn);
    }
}

/// <summary>
/// A deliverable the board marks (a decision, not a fact the system holds), checked against the saved business case: when not
/// marked the checklist names the versions there are and how to record the decision; when marked but the latest version
/// contradicts it (financing not closing, bridging needed), the evidence warns — the board's mark still counts (tester T6).
/// </summary>
public sealed class CheckedDeliverableCondition(DeliverableDefinition definition) : BusinessCaseDeliverableCondition(definition)
{
    protected override ConditionResult Evaluate(GateContext context, ConditionResult marked, FinancingStatus? latest)
    {
        if (marked.Met)
            return BusinessCaseDeliverables.Contradiction(Key, latest) is { } warning ? marked with { Evidence = $"{marked.Evidence} {warning}" } : marked;
        if (latest is null || context.Project.Deliverables.Any(d => d.Key == Key)) return marked;
        return marked with
        {
            Evidence = $"Nog niet vastgelegd. Er zijn business-caseversies ({BusinessCaseDeliverables.Versions(latest)}); leg het besluit vast met "
                       + $"warmte project deliverable {context.Project.Id} {Key} --on JJJJ-MM-DD --reference \"versie {latest.Version}\".",
        };
    }
}
