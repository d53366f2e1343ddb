using System.Collections.Immutable;
using NodaTime;

namespace Warmte.BusinessCase.Engine;

/// <summary>One year of the business case. Amounts in euros, booked to the cent; positive = in, as labelled.</summary>
public sealed record YearResult
{
    public required int Year { get; init; }
    /// <summary>Share of the woningequivalenten connected at year end.</summary>
    public required decimal ConnectedShareAtEnd { get; init; }
    /// <summary>Average woningequivalenten connected over the year (month by month).</summary>
    public required decimal ConnectedWeq { get; init; }
    public required decimal HeatSoldGj { get; init; }
    /// <summary>Tariff revenue excluding VAT.</summary>
    public required decimal Revenue { get; init; }
    public required decimal ElectricityCost { get; init; }
    public required decimal MaintenanceCost { get; init; }
    public required decimal OrganisationCost { get; init; }
    public required decimal InsuranceCost { get; init; }
    public required decimal ThirdPartyFee { get; init; }
    public required decimal Opex { get; init; }
    public required decimal Ebitda { get; init; }
    /// <summary>Replacement investments falling due this year, paid from the maintenance reserve.</summary>
    public required decimal Replacements { get; init; }
    /// <summary>Saved into the maintenance reserve: each coming replacement straight-line over its lifetime.</summary>
    public required decimal MraContribution { get; init; }
    /// <summary>Cash flow available for debt service: EBITDA minus the maintenance-reserve saving.</summary>
    public required decimal Cfads { get; init; }
    public required decimal Interest { get; init; }
    public required decimal Principal { get; init; }
    public required decimal GuaranteeFee { get; init; }
    public required decimal DebtService { get; init; }
    /// <summary>CFADS / debt service; null when there is no debt service.</summary>
    public decimal? Dscr { get; init; }
    /// <summary>Whether the covenant is tested this year (debt service with principal repayment).</summary>
    public required bool CovenantTested { get; init; }
    public required decimal InitialInvestment { get; init; }
    public required decimal Subsidies { get; init; }
    public required decimal ConnectionFees { get; init; }
    public required decimal LoanDrawdowns { get; init; }
    public required decimal MemberCapital { get; init; }
    /// <summary>Third-party funding of the installations it owns (passes through).</summary>
    public required decimal ThirdPartyFunding { get; init; }
    /// <summary>Net cash movement of the cooperative in the year.</summary>
    public required decimal NetCashFlow { get; init; }
    public required decimal CashBalance { get; init; }
    /// <summary>Debt-service reserve target: reserves.dsraMonths of next year's debt service.</summary>
    public required decimal DsraTarget { get; init; }
    /// <summary>The part of the cash held in the DSRA at year end (after the MRA), at most the target; never negative.</summary>
    public required decimal DsraBalance { get; init; }
    /// <summary>Maintenance reserve target at year end: what the saving plan has set aside for coming replacements (savings minus replacements paid, at least 0).</summary>
    public required decimal MraTarget { get; init; }
    /// <summary>The part of the cash held in the MRA at year end, at most the target; never negative. Below the target: the cash does not reach.</summary>
    public required decimal MraBalance { get; init; }
    /// <summary>Unlevered project cash flow after subsidies and connection fees (basis of NPV and IRR).</summary>
    public required decimal ProjectCashFlow { get; init; }
    /// <summary>What one woningequivalent pays per year incl. VAT at this year's tariffs.</summary>
    public required decimal HouseholdHeatCost { get; init; }
    public required decimal ReferenceGasCost { get; init; }
    /// <summary>"Niet Meer Dan Nu": the household pays no more than for gas heating.</summary>
    public required bool NietMeerDanNu { get; init; }
    /// <summary>Tariffs within the ACM caps of this year; null when the model has no cap for the year.</summary>
    public bool? WithinAcmCap { get; init; }
}

/// <summary>A month of the construction period: spending, connections and loan drawdowns month by month.</summary>
public sealed record ConstructionMonth(YearMonth Month, decimal Investment, decimal CumulativeInvestment, decimal ConnectedShareAtEnd)
{
    /// <summary>Connections made by the end of the month (connections × share connected, rounded to whole connections).</summary>
    public decimal ConnectionsAtEnd { get; init; }
    /// <summary>Connection fees and boiler buy-off received in the month (the months of a year add up to the year's).</summary>
    public decimal ConnectionFees { get; init; }
    /// <summary>Loan principal drawn at the start of the month, all loans.</summary>
    public decimal LoanDrawdown { get; init; }
    /// <summary>Loan principal drawn so far (including drawdowns before the construction period).</summary>
    public decimal LoanDrawn { get; init; }
}

/// <summary>Sources against uses at financial close.</summary>
public sealed record SourcesAndUses(
    decimal Uses, decimal Subsidies, decimal ThirdParty, decimal ConnectionFees, decimal BoilerBuyOff, decimal MemberCapital,
    decimal Loans, decimal Sources, decimal Surplus)
{
    /// <summary>True when the sources cover the uses.</summary>
    public bool Covered => Surplus >= 0m;
}

public sealed record Kpis
{
    public required SourcesAndUses SourcesAndUses { get; init; }
    public required decimal Npv { get; init; }
    /// <summary>NPV of the cooperative's own cash flows after financing (net cash flow without member capital): what the loan terms change.</summary>
    public required decimal NpvAfterFinancing { get; init; }
    /// <summary>Project IRR; null when the cash flows have none.</summary>
    public decimal? Irr { get; init; }
    /// <summary>First year the cumulative project cash flow is back at or above zero; null if never within the horizon.</summary>
    public int? PaybackYear { get; init; }
    public decimal? MinDscr { get; init; }
    public int? MinDscrYear { get; init; }
    public decimal? AverageDscr { get; init; }
    /// <summary>Loan life coverage ratio at the first covenant test year.</summary>
    public decimal? Llcr { get; init; }
    /// <summary>Years whose DSCR is below the lender's minimum.</summary>
    public required ImmutableArray<int> CovenantBreaches { get; init; }
    public required decimal TotalInterest { get; init; }
    /// <summary>Interest and guarantee fees paid in the years up to the end of construction (paid from cash, not capitalised).</summary>
    public required decimal InterestDuringConstruction { get; init; }
    /// <summary>Highest maintenance-reserve target over the horizon and its year (null: no replacements to save for).</summary>
    public required decimal PeakMraTarget { get; init; }
    public int? PeakMraTargetYear { get; init; }
    /// <summary>Highest debt-service-reserve target and its year (null: no DSRA).</summary>
    public required decimal PeakDsraTarget { get; init; }
    public int? PeakDsraTargetYear { get; init; }
    /// <summary>Years whose cash does not reach the MRA and DSRA targets.</summary>
    public required ImmutableArray<int> ReserveShortfallYears { get; init; }
    /// <summary>Loan balance not repaid within the horizon: a refinancing risk. Financing only closes when it is zero.</summary>
    public required decimal DebtOutstandingAtEnd { get; init; }
    /// <summary>Lowest cash balance over the horizon and its year: below zero is a funding gap in time.</summary>
    public required decimal LowestCashBalance { get; init; }
    public required int LowestCashBalanceYear { get; init; }
    /// <summary>
    /// The funding gap in time: how far the lowest cash balance goes below zero (0 when it never does) — money to bridge
    /// (a bridge loan, earlier member capital, a later payment date) even when the financing closes on paper.
    /// </summary>
    public decimal BridgingNeeded => CashGap.BridgingNeeded(LowestCashBalance);
    /// <summary>Years where the household pays more than for gas.</summary>
    public required ImmutableArray<int> NietMeerDanNuBreaches { get; init; }
    /// <summary>Financing closes: sources cover uses, every tested DSCR meets the lender's minimum, and the loans are repaid within the horizon.</summary>
    public required bool FinancingCloses { get; init; }
}

public sealed record Evaluation(
    string Name, ImmutableArray<YearResult> Years, ImmutableArray<ConstructionMonth> ConstructionMonths, Kpis Kpis,
    ImmutableArray<AssumptionNote> Assumptions);
