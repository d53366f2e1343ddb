using System.Collections.Immutable;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;

namespace Warmte.BusinessCase.Analysis;

/// <summary>One cell of the loan-term grid: the terms tried and what the business case makes of them.</summary>
public sealed record LoanGridCell(
    decimal AnnualRate, int TermYears, RepaymentType Repayment, int GraceYears,
    decimal? MinDscr, int? MinDscrYear, decimal TotalInterest, decimal NpvAfterFinancing, decimal DebtOutstandingAtEnd, bool Closes,
    decimal LowestCashBalance, int LowestCashBalanceYear)
{
    /// <summary>The gap in time beside <see cref="Closes"/>: how far the lowest cash balance is below zero (0 when it never is).</summary>
    public decimal BridgingNeeded => CashGap.BridgingNeeded(LowestCashBalance);
}

/// <summary>
/// The municipal financier's grid: rates × terms × repayment types × grace years applied to one
/// loan of the model, each cell a full evaluation. Cells are independent, so they run in parallel;
/// the result is in a fixed order whatever the scheduling.
/// </summary>
public static class LoanGrid
{
    public const int MaxCells = 10_000;

    public static ImmutableArray<LoanGridCell> Simulate(
        Inputs x, IReadOnlyList<decimal> rates, IReadOnlyList<int> terms, IReadOnlyList<RepaymentType> types,
        IReadOnlyList<int> graces, int loanIndex = 0, int maxDegreeOfParallelism = -1, TaskScheduler? scheduler = null)
    {
        if (x.Loans.Length <= loanIndex) throw new ArgumentException("The model has no loan to vary.", nameof(loanIndex));
        var combos = (from rate in rates from term in terms from type in types from grace in graces
                      where grace < term
                      select (rate, term, type, grace)).ToArray();
        if (combos.Length > MaxCells) throw new ArgumentException($"At most {MaxCells} cells.", nameof(rates));
        var cells = new LoanGridCell[combos.Length];
        // Workers beyond the calling thread run on `scheduler` (default: the thread pool); the silo passes its costly-work lane.
        Parallel.For(0, combos.Length, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, TaskScheduler = scheduler ?? TaskScheduler.Default }, i =>
        {
            var (rate, term, type, grace) = combos[i];
            var loan = x.Loans[loanIndex];
            var variant = x with
            {
                Loans = x.Loans.SetItem(loanIndex, loan with { Terms = loan.Terms with { AnnualRate = rate, TermYears = term, Type = type, GraceYears = grace } }),
            };
            var e = BusinessCaseEngine.Evaluate(variant, EvaluationDepth.Ratios);
            cells[i] = new LoanGridCell(rate, term, type, grace, e.Kpis.MinDscr, e.Kpis.MinDscrYear, e.Kpis.TotalInterest, e.Kpis.NpvAfterFinancing, e.Kpis.DebtOutstandingAtEnd, e.Kpis.FinancingCloses,
                e.Kpis.LowestCashBalance, e.Kpis.LowestCashBalanceYear);
        });
        return [.. cells];
    }
}
