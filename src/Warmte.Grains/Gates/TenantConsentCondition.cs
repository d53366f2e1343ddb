namespace Warmte.Gates;

/// <summary>Met when every complex with rented homes reached its threshold (70% by default), or the project has none.</summary>
public sealed class TenantConsentCondition : IGateCondition
{
    public string Key => "huurdersinstemming";

    public string Description => "Instemming huurders (70% per complex)";

    public ConditionResult Evaluate(GateContext context)
    {
        if (context.Known.TenantConsent is not { } c)
            return new ConditionResult(Key, Description, false, "Nog geen gegevens over huurdersinstemming.");
        if (c.NotApplicableReason is { } reason)
            return new ConditionResult(Key, Description, true, $"Niet van toepassing: {reason}");
        if (c.Complexes.Length == 0)
            return new ConditionResult(Key, Description, false, "Nog geen complexen met huurwoningen vastgelegd (of verklaar dat het project geen huurwoningen aansluit).");
        var parts = c.Complexes.Select(x =>
            $"{x.Name}: {x.Agreed} van {x.RentedHomes} ({DutchFormat.Number(x.AgreedPercent)}%, nodig {x.Required}) {(x.Reached ? "gehaald" : "nog niet")}"
            + (x.Note is null ? "" : $" ({x.Note})"));
        // Not judged as of a decision date: reachedOn is the day the service saw the threshold met
        // (answers entered afterwards carry earlier dates), not a date of the evidence itself.
        return new ConditionResult(Key, Description, c.AllReached, string.Join("; ", parts) + ".");
    }
}
