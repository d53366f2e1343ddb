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

    /// <summary>How a rate is written in the API and in model files: a fraction, not percent.</summary>
    public const string RateForm = "verwacht een rente als fractie: een getal met een punt en zonder aanhalingstekens, bijv. 0.025 voor 2,5%";

    /// <summary>
    /// Why <paramref name="rate"/> (a fraction) is no rate to try, in Dutch; a value that fits as a percentage is named
    /// as such, so 2.5 is answered with "bedoelt u 2,5%? schrijf 0.025" (tester7 T15). Null when it is one.
    /// </summary>
    public static string? RateProblem(decimal rate) =>
        rate is >= LoanTerms.MinimumRate and <= LoanTerms.MaximumRate ? null
        : rate / 100m is >= LoanTerms.MinimumRate and <= LoanTerms.MaximumRate
            ? $"{rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} is geen rente: een rente is een fractie. Bedoelt u {rate.ToString("0.######", DutchFormat.Culture)}%? "
              + $"Schrijf dan {(rate / 100m).ToString(System.Globalization.CultureInfo.InvariantCulture)}."
            : $"moet tussen {LoanTerms.MinimumRate.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} en "
              + $"{LoanTerms.MaximumRate.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} liggen (−5% tot 50%); een rente is een fractie, bijv. 0.025 voor 2,5%.";

    /// <summary>
    /// Why <paramref name="loanIndex"/> names no loan of a model with <paramref name="loans"/> loans, in Dutch and saying what
    /// to write instead (the API's <c>loan</c> and the CLI's <c>--loan</c> alike; tester7 T15: not "kies 0 tot 0"); null when it does.
    /// </summary>
    public static string? LoanIndexProblem(int loans, int loanIndex, string field) =>
        loanIndex >= 0 && loanIndex < loans ? null
        : loans == 0 ? "het model heeft geen lening (sources.loans is leeg); er valt niets te variëren."
        : loans == 1 ? $"het model heeft 1 lening; laat {field} weg of kies 0 (de eerste en enige)."
        : $"het model heeft {loans} leningen; kies {field} 0 tot en met {loans - 1} (0 is de eerste).";

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
