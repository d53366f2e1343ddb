using System.Collections.Immutable;

namespace Warmte.BusinessCase.Finance;

/// <summary>How a loan's principal is repaid after the grace years.</summary>
public enum RepaymentType
{
    /// <summary>Constant yearly payment (interest + principal), as PMT.</summary>
    Annuity,

    /// <summary>Equal principal repayments; interest falls with the balance.</summary>
    Linear,

    /// <summary>Interest only; all principal in the last year.</summary>
    Bullet,
}

/// <summary>
/// Terms of a loan with yearly periods. <paramref name="GraceYears"/> are interest-only years counted inside
/// <paramref name="TermYears"/>: the principal is repaid over TermYears − GraceYears.
/// </summary>
/// <param name="Principal">Amount lent, in euros, a whole number of cents, &gt; 0.</param>
/// <param name="AnnualRate">Yearly interest rate as a fraction (0.03 = 3%), from −5% to 50%.</param>
/// <param name="TermYears">Years until the loan is repaid, 1..100.</param>
/// <param name="Type">Repayment type.</param>
/// <param name="GraceYears">Interest-only years at the start, 0..TermYears − 1.</param>
public sealed record LoanTerms(decimal Principal, decimal AnnualRate, int TermYears, RepaymentType Type, int GraceYears = 0)
{
    public const decimal MinimumRate = -0.05m;
    public const decimal MaximumRate = 0.50m;
    public const int MaximumTermYears = 100;

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending field when the terms are not valid.</summary>
    public void Validate()
    {
        if (Principal <= 0)
            throw new ArgumentOutOfRangeException(nameof(Principal), Principal, "The principal must be greater than 0.");
        if (Principal != decimal.Round(Principal, 2))
            throw new ArgumentException($"The principal {Principal} must be a whole number of cents.", nameof(Principal));
        if (AnnualRate < MinimumRate || AnnualRate > MaximumRate)
            throw new ArgumentOutOfRangeException(nameof(AnnualRate), AnnualRate, "The annual rate must lie between -5% (-0.05) and 50% (0.50).");
        if (TermYears < 1 || TermYears > MaximumTermYears)
            throw new ArgumentOutOfRangeException(nameof(TermYears), TermYears, $"The term must be 1..{MaximumTermYears} years.");
        if (!Enum.IsDefined(Type))
            throw new ArgumentOutOfRangeException(nameof(Type), Type, "Unknown repayment type.");
        if (GraceYears < 0 || GraceYears > TermYears - 1)
            throw new ArgumentOutOfRangeException(nameof(GraceYears), GraceYears, $"Grace years must be 0..{TermYears - 1} (term minus one).");
    }
}

/// <summary>
/// One year of a loan schedule, in euros booked to the cent. Payment = Interest + Principal and
/// ClosingBalance = OpeningBalance − Principal hold exactly.
/// </summary>
/// <param name="Year">1-based year of the loan.</param>
public sealed record LoanYear(int Year, decimal OpeningBalance, decimal Interest, decimal Principal, decimal Payment, decimal ClosingBalance);

/// <summary>Yearly repayment schedules booked in cents.</summary>
public static class LoanSchedule
{
    /// <summary>
    /// The year-by-year schedule. Interest is the opening balance times the rate, rounded to the cent
    /// (half away from zero). Annuity: a constant payment, −PMT over the repayment years rounded to the
    /// cent. Linear: principal/repayment years rounded to the cent. In all types the last year repays
    /// whatever balance remains, so the principal repayments add up to the principal exactly and the
    /// loan closes at 0; only the last payment may differ (by rounding cents) from the others.
    /// </summary>
    public static ImmutableArray<LoanYear> Build(LoanTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        terms.Validate();
        var n = terms.TermYears;
        var opening = new decimal[n];
        var interest = new decimal[n];
        var principal = new decimal[n];
        Fill(terms, opening, interest, principal);
        var years = ImmutableArray.CreateBuilder<LoanYear>(n);
        for (var i = 0; i < n; i++)
            years.Add(new LoanYear(i + 1, opening[i], interest[i], principal[i], interest[i] + principal[i], opening[i] - principal[i]));
        return years.MoveToImmutable();
    }

    /// <summary>
    /// <see cref="Build"/> into the caller's arrays (index 0 = year 1), without allocating: the business-case
    /// engine builds thousands of schedules. The terms must be valid.
    /// </summary>
    public static void Fill(LoanTerms terms, Span<decimal> opening, Span<decimal> interest, Span<decimal> principal)
    {
        var repaymentYears = terms.TermYears - terms.GraceYears;
        var annuityPayment = terms.Type == RepaymentType.Annuity
            ? Cents(-SpreadsheetFunctions.Pmt(terms.AnnualRate, repaymentYears, terms.Principal))
            : 0m;
        var linearPrincipal = terms.Type == RepaymentType.Linear ? Cents(terms.Principal / repaymentYears) : 0m;

        var balance = terms.Principal;
        var rate = terms.AnnualRate;
        for (var year = 1; year <= terms.TermYears; year++)
        {
            var yearInterest = rate == 0m ? 0m : DecimalRounding.Product(balance, rate, 2);
            decimal repaid;
            if (year == terms.TermYears) repaid = balance;
            else if (year <= terms.GraceYears) repaid = 0m;
            else repaid = terms.Type switch
            {
                RepaymentType.Annuity => annuityPayment - yearInterest,
                RepaymentType.Linear => linearPrincipal,
                _ => 0m,
            };
            // Rounding (a tiny principal split over many years, or a negative rate) must never repay more
            // than is owed before the last year.
            if (repaid > balance) repaid = balance;
            opening[year - 1] = balance;
            interest[year - 1] = yearInterest;
            principal[year - 1] = repaid;
            balance -= repaid;
        }
    }

    private static decimal Cents(decimal amount) => DecimalRounding.AwayFromZero(amount, 2);
}
