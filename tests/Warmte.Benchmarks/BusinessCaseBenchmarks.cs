using BenchmarkDotNet.Attributes;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.BusinessCase.Model;

namespace Warmte.Benchmarks;

/// <summary>
/// The business-case engine on the KetelhuisWG reference model: one evaluation, a loan grid of
/// 500 cells, and 10,000 Monte Carlo runs. Targets (issue 3): under 50 µs and under 1 s.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class BusinessCaseBenchmarks
{
    private Inputs _inputs = null!;
    private decimal[] _rates = null!;
    private decimal[] _flows = null!;

    [GlobalSetup]
    public void Setup()
    {
        _inputs = ModelReader.Read(File.ReadAllText(Repo.Path("models", "ketelhuiswg.json"))).Value!;
        // 25 rates (1%..7%, step 0.25) × 5 terms × 2 types × 2 grace = 500 cells.
        _rates = [.. Enumerable.Range(0, 25).Select(i => 0.01m + i * 0.0025m)];
        _flows = [.. BusinessCaseEngine.Evaluate(_inputs).Years.Select(y => y.ProjectCashFlow)];
    }

    [Benchmark(Description = "Evaluate KetelhuisWG (30+3 years, full KPIs incl. IRR)")]
    public Evaluation Evaluate() => BusinessCaseEngine.Evaluate(_inputs);

    [Benchmark(Description = "Evaluate KetelhuisWG (ratios only, as grid and Monte Carlo use it)")]
    public Evaluation EvaluateRatios() => BusinessCaseEngine.Evaluate(_inputs, EvaluationDepth.Ratios);

    [Benchmark(Description = "IRR of the KetelhuisWG project cash flows (33 years, several sign changes)")]
    public decimal? Irr() => SpreadsheetFunctions.Irr(_flows);

    [Benchmark(Description = "Loan grid, 500 cells")]
    public int LoanGrid500() =>
        LoanGrid.Simulate(_inputs, _rates, [20, 25, 30, 33, 40], [RepaymentType.Annuity, RepaymentType.Linear], [0, 3]).Length;

    [Benchmark(Description = "Monte Carlo, 10,000 runs")]
    public decimal MonteCarlo10k() => MonteCarlo.Run(_inputs, 10_000, seed: 1).NpvP50;
}

internal static class Repo
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Warmtenet.sln")))
                return System.IO.Path.Combine([dir.FullName, .. parts]);
        // BenchmarkDotNet runs from a generated folder; fall back to the working directory.
        return System.IO.Path.Combine([Directory.GetCurrentDirectory(), .. parts]);
    }
}
