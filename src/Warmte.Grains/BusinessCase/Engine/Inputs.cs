using System.Collections.Immutable;
using NodaTime;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Finance;

namespace Warmte.BusinessCase.Engine;

// The validated, complete inputs of one evaluation: what ModelReader makes of a model file.
// Solvers and stress tests vary these with `with`, never the file.

public sealed record Inputs
{
    public required string Name { get; init; }
    public required int StartYear { get; init; }
    public required int HorizonYears { get; init; }
    public required int PriceBaseYear { get; init; }
    public required decimal DiscountRate { get; init; }
    public required YearMonth ConstructionStart { get; init; }
    public required YearMonth ConstructionEnd { get; init; }
    public required ImmutableArray<InvestmentItem> Investments { get; init; }
    public required ImmutableArray<SubsidyItem> Subsidies { get; init; }
    public required decimal FeePerConnection { get; init; }
    public required decimal BoilerBuyOffPerConnection { get; init; }
    public required decimal MemberCapital { get; init; }
    public required ImmutableArray<LoanItem> Loans { get; init; }
    public required RevenueInputs Revenue { get; init; }
    public required OpexInputs Opex { get; init; }
    public required int DsraMonths { get; init; }
    public required decimal MinDscr { get; init; }
    public required decimal TargetDscr { get; init; }
    public required ImmutableArray<AssumptionNote> Assumptions { get; init; }

    /// <summary>The model's own Monte Carlo inputs (<c>uncertainties</c>); empty: the documented defaults apply. The engine ignores them.</summary>
    public ImmutableArray<Uncertainty> Uncertainties { get; init; } = [];

    /// <summary>Multiplies both tariffs; 1 = as in the model. The break-even solver varies it.</summary>
    public decimal TariffFactor { get; init; } = 1m;

    /// <summary>Multiplies every investment amount; the stress tests vary it.</summary>
    public decimal CapexFactor { get; init; } = 1m;

    public int EndYear => StartYear + HorizonYears - 1;
}

/// <param name="Amount">At PriceBaseYear prices, or nominal when <paramref name="FixedPrice"/>.</param>
/// <param name="Indexation">Yearly price increase from PriceBaseYear, applied to the initial spending (unless
/// <paramref name="FixedPrice"/>) and to every replacement.</param>
/// <param name="FixedPrice">The initial spending is a fixed contract price in nominal euros and is not indexed;
/// replacements still are. Format 1 models have this for every item (there indexation applied to replacements only).</param>
public sealed record InvestmentItem(
    string Name, decimal Amount, YearMonth From, YearMonth To, int? LifetimeYears, decimal ReplacementShare,
    decimal Indexation, string? OwnedBy, bool FixedPrice = false)
{
    public bool ThirdPartyOwned => OwnedBy is not null;

    /// <summary>Months of spending, From and To included.</summary>
    public int Months => (To.Year - From.Year) * 12 + To.Month - From.Month + 1;
}

public sealed record SubsidyItem(string Name, string Funder, decimal Amount, int Year);

/// <param name="DrawdownYear">Loan year 1: the calendar year of the first drawdown.</param>
public sealed record LoanItem(string Lender, LoanTerms Terms, int DrawdownYear, decimal GuaranteeFeeRate)
{
    public int MaturityYear => DrawdownYear + Terms.TermYears - 1;

    /// <summary>
    /// Monthly drawdown schedule: months in order, shares of the principal adding up to 1. Empty: the whole
    /// principal at the start of January of <see cref="DrawdownYear"/> (format 1's only option).
    /// </summary>
    public ImmutableArray<Drawdown> Drawdowns { get; init; } = [];

    /// <summary>
    /// The drawdowns in cents: each month gets the principal × cumulative share, rounded, minus what earlier
    /// months got, so the amounts are never negative and add up to the principal exactly.
    /// </summary>
    public ImmutableArray<(YearMonth Month, decimal Amount)> DrawdownAmounts()
    {
        var principal = Terms.Principal;
        if (Drawdowns.IsDefaultOrEmpty) return [(new YearMonth(DrawdownYear, 1), principal)];
        var amounts = ImmutableArray.CreateBuilder<(YearMonth, decimal)>(Drawdowns.Length);
        var cumulativeShare = 0m;
        var drawn = 0m;
        for (var i = 0; i < Drawdowns.Length; i++)
        {
            cumulativeShare += Drawdowns[i].Share;
            var upToHere = i == Drawdowns.Length - 1 ? principal : BusinessCaseEngine.Cents(principal * cumulativeShare);
            amounts.Add((Drawdowns[i].Month, upToHere - drawn));
            drawn = upToHere;
        }
        return amounts.MoveToImmutable();
    }
}

/// <summary>One drawdown of a loan: a share of the principal, drawn at the start of the month.</summary>
public sealed record Drawdown(YearMonth Month, decimal Share);

public sealed record RevenueInputs(
    int Woningequivalenten, int Connections, ImmutableArray<(int Year, decimal Share)> RampUp,
    decimal HeatDemandGjPerWeq, decimal FixedTariffPerYear, decimal VariableTariffPerGj, decimal VatRate, decimal Indexation,
    decimal ReferenceGasCostPerYear, decimal ReferenceGasIndexation, ImmutableArray<(int Year, decimal VariablePerGj, decimal FixedPerYear)> AcmCaps,
    decimal RampUpDelayYears = 0)
{
    /// <summary>
    /// Month-end shares for months inside a year (January..November; December is the year end, from
    /// <see cref="RampUp"/>): the connection plan month by month where the model gives it. Between these and
    /// the year ends the share grows linearly.
    /// </summary>
    public ImmutableArray<(YearMonth Month, decimal Share)> RampUpMonths { get; init; } = [];

    /// <summary>Share of the woningequivalenten connected at the end of <paramref name="year"/>.</summary>
    public decimal ShareAtEndOf(int year)
    {
        if (RampUpDelayYears == 0m) return PlannedShareAtEndOf(year);
        // A stress test may slow the ramp-up: the plan shifts later by whole and fractional years.
        var shifted = year - RampUpDelayYears;
        var whole = (int)Math.Floor(shifted);
        var fraction = shifted - whole;
        var a = PlannedShareAtEndOf(whole);
        var b = PlannedShareAtEndOf(whole + 1);
        return a + (b - a) * fraction;
    }

    /// <summary>
    /// <see cref="ShareAtEndOf"/> for <paramref name="firstYear"/> and each year after it, one per element of
    /// <paramref name="shares"/>: without a delay in one pass over the plan instead of one pass per year.
    /// </summary>
    public void SharesAtEndOf(int firstYear, Span<decimal> shares)
    {
        if (RampUpDelayYears != 0m)
        {
            for (var t = 0; t < shares.Length; t++) shares[t] = ShareAtEndOf(firstYear + t);
            return;
        }
        var share = 0m;
        var next = 0;
        for (var t = 0; t < shares.Length; t++)
        {
            while (next < RampUp.Length && RampUp[next].Year <= firstYear + t) share = RampUp[next++].Share;
            shares[t] = share;
        }
    }

    private decimal PlannedShareAtEndOf(int year)
    {
        var share = 0m;
        foreach (var (y, s) in RampUp)
        {
            if (y > year) break;
            share = s;
        }
        return share;
    }
}

public sealed record OpexInputs(
    decimal HeatPumpCop, decimal ElectricityPricePerKwh, decimal ElectricityIndexation, decimal MaintenanceShareOfInvestment,
    decimal OrganisationPerYear, decimal InsurancePerYear, decimal ThirdPartyFeePerYear, decimal Indexation);

public sealed record AssumptionNote(string Field, string Reasoning, string? Source);
