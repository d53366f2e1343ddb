using System.Collections.Immutable;
using NodaTime;
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

    /// <summary>Multiplies both tariffs; 1 = as in the model. The break-even solver varies it.</summary>
    public decimal TariffFactor { get; init; } = 1m;

    /// <summary>Multiplies every investment amount; the stress tests vary it.</summary>
    public decimal CapexFactor { get; init; } = 1m;

    public int EndYear => StartYear + HorizonYears - 1;
}

public sealed record InvestmentItem(
    string Name, decimal Amount, YearMonth From, YearMonth To, int? LifetimeYears, decimal ReplacementShare,
    decimal Indexation, string? OwnedBy)
{
    public bool ThirdPartyOwned => OwnedBy is not null;

    public int Months => Period.Between(From.OnDayOfMonth(1), To.OnDayOfMonth(1), PeriodUnits.Months).Months + 1;
}

public sealed record SubsidyItem(string Name, string Funder, decimal Amount, int Year);

public sealed record LoanItem(string Lender, LoanTerms Terms, int DrawdownYear, decimal GuaranteeFeeRate)
{
    public int MaturityYear => DrawdownYear + Terms.TermYears - 1;
}

public sealed record RevenueInputs(
    int Woningequivalenten, int Connections, ImmutableArray<(int Year, decimal Share)> RampUp,
    decimal HeatDemandGjPerWeq, decimal FixedTariffPerYear, decimal VariableTariffPerGj, decimal VatRate, decimal Indexation,
    decimal ReferenceGasCostPerYear, decimal ReferenceGasIndexation, ImmutableArray<(int Year, decimal VariablePerGj, decimal FixedPerYear)> AcmCaps,
    decimal RampUpDelayYears = 0)
{
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
