namespace Warmte.Gates;

/// <summary>
/// Met when every complex with rented homes reached its threshold (70% by default), or the project has none.
/// For a gate decision the consent as it stood on its date counts (<see cref="GateFacts.TenantConsentOnDecisionDate"/>:
/// per address the latest answer dated on or before <c>decidedOn</c>, <see cref="TenantConsent.ConsentAsOf"/>), as
/// the realisatiebesluit and the deliverables are judged (tester A16): a Go dated before the tenants agreed is refused
/// with the day the answers' dates met the threshold.
/// </summary>
public sealed class TenantConsentCondition : IGateCondition
{
    public string Key => "huurdersinstemming";

    public string Description => "Instemming huurders (70% per complex)";

    public ConditionResult Evaluate(GateContext context)
    {
        var known = context.Known;
        if (known.TenantConsent is not { } c)
            return new ConditionResult(Key, Description, false, "Nog geen gegevens over huurdersinstemming.");
        if (c.NotApplicableReason is { } reason)
            return new ConditionResult(Key, Description, true, $"Niet van toepassing: {reason}");
        if (c.Complexes.Length == 0)
            return new ConditionResult(Key, Description, false, "Nog geen complexen met huurwoningen vastgelegd (of verklaar dat het project geen huurwoningen aansluit).");
        if (known.DecisionDate == context.AsOf && known.TenantConsentOnDecisionDate is { } then)
            return OnDecisionDate(then, context.AsOf);
        var parts = c.Complexes.Select(x =>
            $"{x.Name}: {x.Agreed} van {x.RentedHomes} ({DutchFormat.Number(x.AgreedPercent)}%, nodig {x.Required}) {(x.Reached ? "gehaald" : "nog niet")}"
            + (x.Note is null ? "" : $" ({x.Note})"));
        return new ConditionResult(Key, Description, c.AllReached, string.Join("; ", parts) + ".");
    }

    /// <summary>
    /// Judged by the answers dated on or before the decision date. Unmet: the evidence names each complex short of
    /// its threshold then ("West 1: 0 van 7 nodig; gehaald op 04-12-2026"), and <see cref="ConditionResult.MetFrom"/>
    /// is the day every complex has met it since, when they all do now (the decision date is then merely too early).
    /// </summary>
    private ConditionResult OnDecisionDate(TenantConsent.ConsentStatus then, NodaTime.LocalDate asOf)
    {
        if (then.AllReached)
            return new ConditionResult(Key, Description, true,
                $"Op {DutchFormat.Date(asOf)}: " + string.Join("; ", then.Complexes.Select(x =>
                    $"{x.Name}: {x.Agreed} van {x.RentedHomes} ({DutchFormat.Number(x.AgreedPercent)}%, nodig {x.Required}) gehaald"
                    + (x.Note is null ? "" : $" ({x.Note})"))) + ".");
        var short_ = then.Complexes.Where(x => !x.Reached).ToList();
        var evidence = string.Join("; ", short_.Select(x =>
            $"{x.Name}: {x.Agreed} van {x.Required} nodig; " + (x.ReachedOn is { } on ? $"gehaald op {DutchFormat.Date(on)}" : "nog steeds niet gehaald")));
        NodaTime.LocalDate? metFrom = then.Complexes.All(x => x.ReachedOn is not null) ? then.Complexes.Max(x => x.ReachedOn!.Value) : null;
        return new ConditionResult(Key, Description, false, evidence, metFrom);
    }
}
