using System.Collections.Immutable;
using Warmte.BusinessCase.Engine;

namespace Warmte.BusinessCase.Analysis;

/// <summary>A uniform range for one uncertain input: a factor on the model value (or, for the rate, points added).</summary>
public sealed record Uncertainty(string Input, decimal Low, decimal High);

public sealed record MonteCarloResult(
    int Runs, int Seed, decimal NpvP10, decimal NpvP50, decimal NpvP90, decimal MinDscrP10, decimal MinDscrP50, decimal MinDscrP90,
    decimal ProbabilityMinDscrBelowOne, decimal ProbabilityCovenantBreach, decimal ProbabilityFundingGap,
    decimal ProbabilityFinancingFails, ImmutableArray<Uncertainty> Uncertainties);

/// <summary>
/// Seeded Monte Carlo over the uncertain inputs. Runs are split into fixed blocks, each with its
/// own generator seeded from (seed, block), and evaluated in parallel: the same seed gives the
/// same result on any machine and any number of cores.
/// </summary>
public static class MonteCarlo
{
    public const int MaxRuns = 1_000_000;
    private const int BlockSize = 256;

    /// <summary>Default uncertainties: what typically moves a heat network's business case.</summary>
    public static readonly ImmutableArray<Uncertainty> DefaultUncertainties =
    [
        new("investering", 0.95m, 1.30m),
        new("volloopvertraging-jaren", 0m, 2m),
        new("stroomprijs", 0.80m, 1.60m),
        new("rente-punten", -0.005m, 0.02m),
        new("warmtevraag", 0.85m, 1.10m),
    ];

    public static MonteCarloResult Run(Inputs x, int runs, int seed, IReadOnlyList<Uncertainty>? uncertainties = null)
    {
        if (runs is < 1 or > MaxRuns) throw new ArgumentOutOfRangeException(nameof(runs), $"1..{MaxRuns}");
        var ranges = uncertainties?.ToImmutableArray() ?? DefaultUncertainties;
        var npv = new decimal[runs];
        var minDscr = new decimal[runs];
        var closes = new bool[runs];
        var breach = new bool[runs];
        var gap = new bool[runs];
        var blocks = (runs + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocks, block =>
        {
            var random = new Random(HashCode.Combine(seed, block));
            for (var i = block * BlockSize; i < Math.Min(runs, (block + 1) * BlockSize); i++)
            {
                var variant = x;
                foreach (var u in ranges)
                    variant = Apply(variant, u.Input, u.Low + (u.High - u.Low) * (decimal)random.NextDouble());
                var kpis = BusinessCaseEngine.Evaluate(variant, EvaluationDepth.Ratios).Kpis;
                npv[i] = kpis.Npv;
                // No debt: nothing to cover, a DSCR of "infinity" is represented by a large number.
                minDscr[i] = kpis.MinDscr ?? 99m;
                closes[i] = kpis.FinancingCloses;
                breach[i] = !kpis.CovenantBreaches.IsEmpty;
                gap[i] = !kpis.SourcesAndUses.Covered;
            }
        });
        Array.Sort(npv);
        Array.Sort(minDscr);
        return new MonteCarloResult(runs, seed,
            Percentile(npv, 0.10m), Percentile(npv, 0.50m), Percentile(npv, 0.90m),
            Percentile(minDscr, 0.10m), Percentile(minDscr, 0.50m), Percentile(minDscr, 0.90m),
            Share(minDscr.Count(d => d < 1m), runs),
            Share(breach.Count(b => b), runs),
            Share(gap.Count(g => g), runs),
            Share(closes.Count(c => !c), runs),
            ranges);
    }

    private static Inputs Apply(Inputs x, string input, decimal value) => input switch
    {
        "investering" => x with { CapexFactor = x.CapexFactor * value },
        "volloopvertraging-jaren" => x with { Revenue = x.Revenue with { RampUpDelayYears = x.Revenue.RampUpDelayYears + value } },
        "stroomprijs" => x with { Opex = x.Opex with { ElectricityPricePerKwh = x.Opex.ElectricityPricePerKwh * value } },
        "rente-punten" => x with { Loans = [.. x.Loans.Select(l => l with { Terms = l.Terms with { AnnualRate = Math.Clamp(l.Terms.AnnualRate + value, -0.05m, 0.5m) } })] },
        "warmtevraag" => x with { Revenue = x.Revenue with { HeatDemandGjPerWeq = x.Revenue.HeatDemandGjPerWeq * value } },
        "tarief" => x with { TariffFactor = x.TariffFactor * value },
        _ => throw new ArgumentException($"Unknown uncertain input '{input}'.", nameof(input)),
    };

    private static decimal Share(int count, int runs) => decimal.Round((decimal)count / runs, 4, MidpointRounding.AwayFromZero);

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static decimal Percentile(decimal[] sorted, decimal p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
