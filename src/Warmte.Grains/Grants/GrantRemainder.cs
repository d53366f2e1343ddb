using System.Collections.Immutable;

namespace Warmte.Grants;

/// <summary>
/// A tranche the forecast counts on for less than planned, because that is all that is left of the grant after what was
/// paid (tester T1: tranche 2 paid € 150.000 instead of € 100.000 left € 50.000, and the forecast still counted on
/// € 100.000 for tranche 3). <see cref="GrantId"/> and <see cref="Scheme"/> are null for a tranche of the saved plan
/// that the project's grants do not name.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrancheCap(
    [property: Id(0)] string? GrantId, [property: Id(1)] string? Scheme, [property: Id(2)] int Number,
    [property: Id(3)] decimal Planned, [property: Id(4)] decimal Projected)
{
    /// <summary>"PAW, tranche 3" (or "tranche 3").</summary>
    public string Tranche => Scheme is { } scheme ? $"{scheme}, tranche {Number}" : $"tranche {Number}";

    /// <summary>The one sentence the grant, the cash timeline and the exports show.</summary>
    public string Text => Projected == 0m
        ? $"{Capitalised(Tranche)} ({DutchFormat.Money(Planned)} gepland) telt in de prognose niet mee: er is niets meer over van de subsidie."
        : $"{Capitalised(Tranche)} telt in de prognose voor {DutchFormat.Money(Projected)} in plaats van {DutchFormat.Money(Planned)}: "
          + "meer is er niet over van de subsidie.";

    private static string Capitalised(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}

/// <summary>
/// What the forecast may still count on from a grant: never more than the grant's amount minus what was paid. Pure; the one
/// rule for the grant's view, the expected payments and the cash projection (<see cref="CashFlow.ActualState"/>).
/// </summary>
public static class GrantRemainder
{
    /// <summary>What is left of the grant after what was paid (never below zero: an over-payment leaves nothing, not a debt).</summary>
    public static decimal Left(Grant grant) => Math.Max(0m, grant.AmountGranted - grant.TotalPaid);

    /// <summary>
    /// The amount the forecast counts on for each unpaid tranche, in tranche order: its planned amount, capped at what is left
    /// of the grant after what was paid and the tranches before it.
    /// </summary>
    public static ImmutableDictionary<int, decimal> Projected(Grant grant)
    {
        var left = Left(grant);
        var projected = ImmutableDictionary.CreateBuilder<int, decimal>();
        foreach (var tranche in grant.Tranches.Where(t => t.Status != TrancheStatus.Uitbetaald).OrderBy(t => t.Number))
        {
            var amount = Math.Min(tranche.PlannedAmount, left);
            projected[tranche.Number] = amount;
            left -= amount;
        }
        return projected.ToImmutable();
    }

    /// <summary>The unpaid tranches the forecast counts on for less than planned.</summary>
    public static ImmutableArray<TrancheCap> Caps(Grant grant)
    {
        var projected = Projected(grant);
        return [.. grant.Tranches.Where(t => projected.TryGetValue(t.Number, out var p) && p < t.PlannedAmount).OrderBy(t => t.Number)
            .Select(t => new TrancheCap(grant.Id, grant.Scheme, t.Number, t.PlannedAmount, projected[t.Number]))];
    }

    /// <summary>The projected amount of one tranche (its planned amount when it is paid or unknown).</summary>
    public static decimal ProjectedAmount(Grant grant, Tranche tranche) =>
        Projected(grant).TryGetValue(tranche.Number, out var amount) ? amount : tranche.PlannedAmount;
}
