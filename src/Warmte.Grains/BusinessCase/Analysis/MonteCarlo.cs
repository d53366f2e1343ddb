using System.Collections.Immutable;
using Warmte.BusinessCase.Engine;

namespace Warmte.BusinessCase.Analysis;

/// <summary>
/// One uncertain input of the Monte Carlo: which input (<see cref="UncertainInputs"/>), how it is spread between
/// <paramref name="Low"/> and <paramref name="High"/>, and why. Factors multiply the model's value (1 = as in the
/// model); years and rate points are added to it (0 = as in the model).
/// </summary>
/// <param name="MostLikely">Required for triangular and PERT; not used by uniform.</param>
/// <param name="Source">Where the range comes from; null when it is a reasoned estimate (an assumption).</param>
public sealed record Uncertainty(
    string Input, Distribution Distribution, decimal Low, decimal? MostLikely, decimal High, string Reasoning, string? Source = null)
{
    /// <summary>The input's Dutch name, for tables.</summary>
    public string Description => UncertainInputs.Find(Input)?.Description ?? Input;
}

/// <summary>Where the uncertainties of a run came from: the model file, or the documented defaults.</summary>
public enum UncertaintyOrigin { Model, Defaults }

/// <summary>
/// Where the base case (the model as it is) falls among the runs: the share of runs with a result at or below
/// the base case's (0.62: the base case is P62). Min DSCR is null without loans.
/// </summary>
public sealed record BaseCasePosition(decimal Npv, decimal NpvPercentile, decimal? MinDscr, decimal? MinDscrPercentile);

/// <summary>
/// How strongly one input drives the spread: Spearman's rank correlation (−1..1, four decimals) of the input's
/// drawn values with the runs' NPV and min DSCR. Null when there is nothing to correlate (the input or the result
/// did not vary, or no loans for min DSCR).
/// </summary>
public sealed record Driver(string Input, string Description, decimal? NpvCorrelation, decimal? MinDscrCorrelation);

/// <param name="ProbabilityFinancingFails">Share of runs in which the financing does not close (sources short, a covenant breach or debt left).</param>
/// <param name="ProbabilityBridgingNeeded">Share of runs whose lowest cash balance is below zero: the gap in time beside "closes"
/// (<see cref="CashGap"/>); a run can close and still need bridging money.</param>
public sealed record MonteCarloResult(
    int Runs, int Seed, decimal NpvP10, decimal NpvP50, decimal NpvP90, decimal MinDscrP10, decimal MinDscrP50, decimal MinDscrP90,
    decimal ProbabilityMinDscrBelowOne, decimal ProbabilityCovenantBreach, decimal ProbabilityFundingGap,
    decimal ProbabilityFinancingFails, decimal ProbabilityBridgingNeeded, BaseCasePosition BaseCase, ImmutableArray<Driver> Drivers,
    UncertaintyOrigin UncertaintyOrigin, ImmutableArray<Uncertainty> Uncertainties);

/// <summary>
/// Seeded Monte Carlo over the uncertain inputs: the model's own (<see cref="Inputs.Uncertainties"/>) or, when it
/// has none, <see cref="DefaultUncertainties"/>. Run <c>i</c> draws from its own generator keyed by (seed, i)
/// (<see cref="Xoshiro256.ForRun"/>), and the percentiles and correlations are computed from the runs in run order,
/// so the result is the same bytes in every process, on any machine, for any number of cores or threads.
/// </summary>
public static class MonteCarlo
{
    public const int MaxRuns = 1_000_000;
    private const int BlockSize = 256;

    /// <summary>No debt: nothing to cover; a min DSCR of "infinity" is represented by a large number.</summary>
    private const decimal NoDebtDscr = 99m;

    /// <summary>
    /// The documented defaults (docs/business-case-model.md, "Monte Carlo"), used when a model gives no
    /// uncertainties: each has the model's own value as its most likely value, so the base case is the centre of
    /// the spread and not its optimistic edge; the tails lean to the side experience says they lean.
    /// </summary>
    public static readonly ImmutableArray<Uncertainty> DefaultUncertainties =
    [
        new("investering", Distribution.Pert, 0.95m, 1m, 1.25m,
            "Overschrijdingen komen vaker voor dan meevallers: een begroting bij financial close is meestal aanbesteed, "
            + "maar onvoorzien werk in de ondergrond en bij aansluitingen blijft; tot +25%, hooguit −5%."),
        new("volloopvertraging-jaren", Distribution.Pert, 0m, 0m, 1.5m,
            "Het volloopplan is het plan; sneller aansluiten dan gepland gebeurt zelden, later wel (instemming per complex, "
            + "capaciteit van de aannemer): tot anderhalf jaar later."),
        new("stroomprijs", Distribution.Pert, 0.75m, 1m, 1.5m,
            "Elektriciteitsprijzen schommelen beide kanten op; pieken (2022) waren groter dan dalen."),
        new("rente-punten", Distribution.Pert, -0.005m, 0m, 0.015m,
            "Voor de rente vastligt kan die nog bewegen: een half procentpunt lager tot anderhalf punt hoger."),
        new("warmtevraag", Distribution.Pert, 0.85m, 1m, 1.05m,
            "Isolatie verlaagt de warmtevraag in de loop der jaren meer dan koude winters die verhogen."),
        new("cop", Distribution.Pert, 0.85m, 1m, 1.1m,
            "Het seizoensrendement van warmtepompen valt in de praktijk vaker tegen dan mee (brontemperatuur, regeling)."),
    ];

    /// <param name="uncertainties">Instead of the model's own (tests, what-if); reported as <see cref="UncertaintyOrigin.Model"/>.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use (−1: as many as the machine has); the result does not depend on it.</param>
    /// <param name="scheduler">Where workers beyond the calling thread run (default: the thread pool); the silo passes its
    /// costly-work lane. With one thread the whole loop runs on the calling thread.</param>
    public static MonteCarloResult Run(
        Inputs x, int runs, int seed, IReadOnlyList<Uncertainty>? uncertainties = null, int maxDegreeOfParallelism = -1, TaskScheduler? scheduler = null)
    {
        if (runs is < 1 or > MaxRuns) throw new ArgumentOutOfRangeException(nameof(runs), $"1..{MaxRuns}");
        var origin = uncertainties is { Count: > 0 } || !x.Uncertainties.IsDefaultOrEmpty ? UncertaintyOrigin.Model : UncertaintyOrigin.Defaults;
        var ranges = uncertainties is { Count: > 0 } ? uncertainties.ToImmutableArray()
            : !x.Uncertainties.IsDefaultOrEmpty ? x.Uncertainties
            : DefaultUncertainties;
        var catalogue = ranges.Select(u => UncertainInputs.Find(u.Input) ?? throw new ArgumentException($"Unknown uncertain input '{u.Input}'.", nameof(uncertainties))).ToArray();
        var drawn = new decimal[ranges.Length][];
        for (var j = 0; j < ranges.Length; j++) drawn[j] = new decimal[runs];
        var npv = new decimal[runs];
        var minDscr = new decimal[runs];
        var closes = new bool[runs];
        var breach = new bool[runs];
        var gap = new bool[runs];
        var bridging = new bool[runs];
        var blocks = (runs + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, TaskScheduler = scheduler ?? TaskScheduler.Default }, block =>
        {
            for (var i = block * BlockSize; i < Math.Min(runs, (block + 1) * BlockSize); i++)
            {
                var random = Xoshiro256.ForRun(seed, i);
                var variant = x;
                for (var j = 0; j < ranges.Length; j++)
                {
                    var u = ranges[j];
                    var value = Distributions.Sample(ref random, u.Distribution, u.Low, u.MostLikely ?? u.Low, u.High);
                    drawn[j][i] = value;
                    variant = catalogue[j].Apply(variant, value);
                }
                var kpis = BusinessCaseEngine.Evaluate(variant, EvaluationDepth.Ratios).Kpis;
                npv[i] = kpis.Npv;
                minDscr[i] = kpis.MinDscr ?? NoDebtDscr;
                closes[i] = kpis.FinancingCloses;
                breach[i] = !kpis.CovenantBreaches.IsEmpty;
                gap[i] = !kpis.SourcesAndUses.Covered;
                bridging[i] = kpis.BridgingNeeded > 0m;
            }
        });

        var hasDebt = !x.Loans.IsEmpty;
        var npvRanks = Ranks.Doubled(npv);
        var dscrRanks = hasDebt ? Ranks.Doubled(minDscr) : null;
        var drivers = ranges.Select((u, j) =>
            {
                var inputRanks = Ranks.Doubled(drawn[j]);
                return new Driver(u.Input, u.Description, Ranks.Correlation(inputRanks, npvRanks),
                    dscrRanks is null ? null : Ranks.Correlation(inputRanks, dscrRanks));
            })
            .OrderByDescending(d => Math.Abs(d.NpvCorrelation ?? 0m))
            .ThenByDescending(d => Math.Abs(d.MinDscrCorrelation ?? 0m))
            .ThenBy(d => d.Input, StringComparer.Ordinal)
            .ToImmutableArray();

        var baseKpis = BusinessCaseEngine.Evaluate(x, EvaluationDepth.Ratios).Kpis;
        var baseCase = new BaseCasePosition(
            baseKpis.Npv, Share(npv.Count(v => v <= baseKpis.Npv), runs),
            baseKpis.MinDscr, baseKpis.MinDscr is { } d ? Share(minDscr.Count(v => v <= d), runs) : null);

        Array.Sort(npv);
        Array.Sort(minDscr);
        return new MonteCarloResult(runs, seed,
            Percentile(npv, 0.10m), Percentile(npv, 0.50m), Percentile(npv, 0.90m),
            Percentile(minDscr, 0.10m), Percentile(minDscr, 0.50m), Percentile(minDscr, 0.90m),
            Share(minDscr.Count(d => d < 1m), runs),
            Share(breach.Count(b => b), runs),
            Share(gap.Count(g => g), runs),
            Share(closes.Count(c => !c), runs),
            Share(bridging.Count(b => b), runs),
            baseCase, drivers, origin, ranges);
    }

    private static decimal Share(int count, int runs) => decimal.Round((decimal)count / runs, 4, MidpointRounding.AwayFromZero);

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static decimal Percentile(decimal[] sorted, decimal p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>One input the Monte Carlo can vary, how its drawn value is applied, and the range a model may give it.</summary>
public sealed record UncertainInput(string Key, string Description, UncertainUnit Unit, decimal Min, decimal Max, Func<Inputs, decimal, Inputs> Apply);

/// <summary>Factor: multiplies the model's value (1 = unchanged). Years, RatePoints: added to it (0 = unchanged).</summary>
public enum UncertainUnit { Factor, Years, RatePoints }

/// <summary>The inputs a model's <c>uncertainties[].input</c> may name (docs/business-case-model.md lists them).</summary>
public static class UncertainInputs
{
    public static readonly ImmutableArray<UncertainInput> All =
    [
        new("investering", "Investeringen", UncertainUnit.Factor, 0.1m, 5m, (x, v) => x with { CapexFactor = x.CapexFactor * v }),
        new("volloopvertraging-jaren", "Volloopvertraging (jaren)", UncertainUnit.Years, 0m, 10m,
            (x, v) => x with { Revenue = x.Revenue with { RampUpDelayYears = x.Revenue.RampUpDelayYears + v } }),
        new("stroomprijs", "Elektriciteitsprijs", UncertainUnit.Factor, 0.1m, 5m,
            (x, v) => x with { Opex = x.Opex with { ElectricityPricePerKwh = x.Opex.ElectricityPricePerKwh * v } }),
        new("rente-punten", "Rente (procentpunten)", UncertainUnit.RatePoints, -0.05m, 0.1m,
            (x, v) => x with { Loans = [.. x.Loans.Select(l => l with { Terms = l.Terms with { AnnualRate = Math.Clamp(l.Terms.AnnualRate + v, -0.05m, 0.5m) } })] }),
        new("warmtevraag", "Warmtevraag per woningequivalent", UncertainUnit.Factor, 0.1m, 5m,
            (x, v) => x with { Revenue = x.Revenue with { HeatDemandGjPerWeq = x.Revenue.HeatDemandGjPerWeq * v } }),
        new("tarief", "Tarieven", UncertainUnit.Factor, 0.1m, 5m, (x, v) => x with { TariffFactor = x.TariffFactor * v }),
        new("cop", "Rendement warmtepompen (COP)", UncertainUnit.Factor, 0.1m, 5m,
            (x, v) => x with { Opex = x.Opex with { HeatPumpCop = x.Opex.HeatPumpCop * v } }),
        new("organisatie", "Organisatiekosten", UncertainUnit.Factor, 0.1m, 5m,
            (x, v) => x with { Opex = x.Opex with { OrganisationPerYear = x.Opex.OrganisationPerYear * v } }),
        new("onderhoud", "Onderhoudskosten", UncertainUnit.Factor, 0.1m, 5m,
            (x, v) => x with { Opex = x.Opex with { MaintenanceShareOfInvestment = x.Opex.MaintenanceShareOfInvestment * v } }),
    ];

    public static UncertainInput? Find(string key)
    {
        foreach (var input in All) if (string.Equals(input.Key, key, StringComparison.Ordinal)) return input;
        return null;
    }
}

/// <summary>Spearman's rank correlation, with ties given their average rank (the usual convention), computed exactly in integers up to the last division.</summary>
public static class Ranks
{
    /// <summary>
    /// Twice each value's 1-based rank (so that average ranks of ties stay whole numbers): ties are ordered by
    /// value only, then given the average of the ranks they span, so the result does not depend on sort stability.
    /// </summary>
    public static long[] Doubled(decimal[] values)
    {
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = (decimal[])values.Clone();
        Array.Sort(keys, order);
        var ranks = new long[values.Length];
        for (var first = 0; first < keys.Length;)
        {
            var last = first;
            while (last + 1 < keys.Length && keys[last + 1] == keys[first]) last++;
            // Ranks first+1 … last+1, average (first + last + 2) / 2; doubled: first + last + 2.
            for (var k = first; k <= last; k++) ranks[order[k]] = first + last + 2;
            first = last + 1;
        }
        return ranks;
    }

    /// <summary>Pearson's correlation of two rank vectors, four decimals; null when either does not vary.</summary>
    public static decimal? Correlation(long[] a, long[] b)
    {
        var n = (Int128)a.Length;
        Int128 sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sa += a[i];
            sb += b[i];
            saa += (Int128)a[i] * a[i];
            sbb += (Int128)b[i] * b[i];
            sab += (Int128)a[i] * b[i];
        }
        var cov = n * sab - sa * sb;
        var va = n * saa - sa * sa;
        var vb = n * sbb - sb * sb;
        if (va == 0 || vb == 0) return null;
        // The sums are exact; the one rounding is here (IEEE-exact multiply, square root and divide).
        var r = (double)cov / Math.Sqrt((double)va * (double)vb);
        return decimal.Round((decimal)Math.Clamp(r, -1d, 1d), 4, MidpointRounding.AwayFromZero);
    }
}
