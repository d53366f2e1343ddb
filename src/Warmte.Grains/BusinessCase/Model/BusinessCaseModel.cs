namespace Warmte.BusinessCase.Model;

// The business-case model file, format version 2 (docs/business-case-model.md documents every
// field and unit; format 1 files still load, with format 1's meaning). Money is euros at the price level of PriceBaseYear; rates and shares are
// fractions (0.03 = 3%). Everything is optional at the type level so that validation can name
// every missing field at once instead of the JSON reader failing on the first.

public sealed record BusinessCaseModel
{
    public int? FormatVersion { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    /// <summary>First calendar year of the model (year 1 of the horizon).</summary>
    public int? StartYear { get; init; }
    /// <summary>Number of years evaluated, 1..60 (30 for a heat network).</summary>
    public int? HorizonYears { get; init; }
    /// <summary>The year whose prices the amounts are given in; indexation counts from here. Default StartYear.</summary>
    public int? PriceBaseYear { get; init; }
    /// <summary>Discount rate for NPV.</summary>
    public decimal? DiscountRate { get; init; }
    public Construction? Construction { get; init; }
    public List<Investment>? Investments { get; init; }
    public Sources? Sources { get; init; }
    public Revenues? Revenues { get; init; }
    public OperatingCosts? OperatingCosts { get; init; }
    public Reserves? Reserves { get; init; }
    public LenderCovenants? Lender { get; init; }
    /// <summary>Values not taken from a source, each with its reasoning: shown wherever the model is shown.</summary>
    public List<Assumption>? Assumptions { get; init; }
    /// <summary>Format 2: the Monte Carlo's uncertain inputs with their distributions and reasons; none: the documented defaults.</summary>
    public List<UncertaintyEntry>? Uncertainties { get; init; }
}

/// <summary>One uncertain input for the Monte Carlo (docs/business-case-model.md, "Uncertainties").</summary>
public sealed record UncertaintyEntry
{
    /// <summary>Which input: investering, volloopvertraging-jaren, stroomprijs, rente-punten, warmtevraag, tarief, cop, organisatie, onderhoud.</summary>
    public string? Input { get; init; }
    /// <summary>uniform, triangular or pert.</summary>
    public string? Distribution { get; init; }
    public decimal? Low { get; init; }
    /// <summary>Required for triangular and pert.</summary>
    public decimal? MostLikely { get; init; }
    public decimal? High { get; init; }
    /// <summary>Why this range: required, shown with every Monte Carlo.</summary>
    public string? Reasoning { get; init; }
    /// <summary>Where the range comes from; leave out for a reasoned estimate (an assumption).</summary>
    public string? Source { get; init; }
}

public sealed record Assumption
{
    /// <summary>Path of the field the assumption is about, e.g. "revenues.heatDemandGjPerWeq".</summary>
    public string? Field { get; init; }
    public string? Reasoning { get; init; }
    public string? Source { get; init; }
}

/// <summary>The construction period; investments and connections are resolved per month inside it.</summary>
public sealed record Construction
{
    /// <summary>First month of construction, "2025-05".</summary>
    public string? StartMonth { get; init; }
    /// <summary>Last month of construction, "2027-08".</summary>
    public string? EndMonth { get; init; }
}

/// <summary>An investment (a use of funds): spent evenly over its months, replaced after its lifetime.</summary>
public sealed record Investment
{
    public string? Name { get; init; }
    /// <summary>Amount in euros at PriceBaseYear prices.</summary>
    public decimal? Amount { get; init; }
    /// <summary>First month of spending, "2025-05".</summary>
    public string? From { get; init; }
    /// <summary>Last month of spending, "2026-12"; default From.</summary>
    public string? To { get; init; }
    /// <summary>Technical lifetime in years; null = lasts beyond the horizon.</summary>
    public int? LifetimeYears { get; init; }
    /// <summary>Share of the original amount a replacement costs (default 1).</summary>
    public decimal? ReplacementShare { get; init; }
    /// <summary>Yearly price increase from PriceBaseYear (default 0): format 2 applies it to the initial spending (unless FixedPrice) and to replacements; format 1 to replacements only.</summary>
    public decimal? Indexation { get; init; }
    /// <summary>Format 2: the amount is a fixed contract price in nominal euros, so the initial spending is not indexed (replacements still are). Default false.</summary>
    public bool? FixedPrice { get; init; }
    /// <summary>Financed and owned by a third party (e.g. the water board's TEO installation): a use and a source of equal size, and no maintenance or replacement for the cooperative.</summary>
    public string? OwnedBy { get; init; }
}

public sealed record Sources
{
    public List<Subsidy>? Subsidies { get; init; }
    public ConnectionFees? ConnectionFees { get; init; }
    /// <summary>Member capital (ledenkapitaal) paid in during StartYear.</summary>
    public decimal? MemberCapital { get; init; }
    public List<Loan>? Loans { get; init; }
}

public sealed record Subsidy
{
    public string? Name { get; init; }
    public string? Funder { get; init; }
    public decimal? Amount { get; init; }
    /// <summary>Year the money is received.</summary>
    public int? Year { get; init; }
}

/// <summary>Paid once per connection when it is made (aansluitbijdrage), plus the buy-off of avoided boiler costs (afkoop vermeden ketelkosten).</summary>
public sealed record ConnectionFees
{
    public decimal? AmountPerConnection { get; init; }
    public decimal? BoilerBuyOffPerConnection { get; init; }
}

public sealed record Loan
{
    public string? Lender { get; init; }
    public decimal? Principal { get; init; }
    public decimal? AnnualRate { get; init; }
    public int? TermYears { get; init; }
    /// <summary>Annuity, Linear or Bullet.</summary>
    public string? Repayment { get; init; }
    /// <summary>Interest-only years at the start of the term.</summary>
    public int? GraceYears { get; init; }
    /// <summary>Year the whole principal is drawn (at the start of January); interest and repayment start that year. Either this or Drawdowns.</summary>
    public int? DrawdownYear { get; init; }
    /// <summary>Format 2: drawdowns month by month, shares of the principal adding up to 1. Either this or DrawdownYear.</summary>
    public List<DrawdownStep>? Drawdowns { get; init; }
    /// <summary>Yearly fee on the outstanding balance for a guarantee (e.g. 0.005).</summary>
    public decimal? GuaranteeFeeRate { get; init; }
}

public sealed record DrawdownStep
{
    /// <summary>Month of the drawdown, "2025-05"; drawn at its start.</summary>
    public string? Month { get; init; }
    /// <summary>Share of the principal drawn, fraction.</summary>
    public decimal? Share { get; init; }
}

public sealed record Revenues
{
    public int? Woningequivalenten { get; init; }
    /// <summary>Number of connections (households and businesses) when fully connected; connection fees are paid per connection.</summary>
    public int? Connections { get; init; }
    /// <summary>Volloopplan: share of the woningequivalenten connected at the end of each year, non-decreasing, 0..1.</summary>
    public List<RampUpStep>? RampUp { get; init; }
    /// <summary>Format 2: month-end shares inside years (January..November), where the connection plan is known month by month.</summary>
    public List<RampUpMonthStep>? RampUpMonths { get; init; }
    /// <summary>Heat sold per woningequivalent per year, GJ.</summary>
    public decimal? HeatDemandGjPerWeq { get; init; }
    /// <summary>Fixed charge per woningequivalent per year, euros incl. VAT.</summary>
    public decimal? FixedTariffPerYear { get; init; }
    /// <summary>Variable charge per GJ, euros incl. VAT.</summary>
    public decimal? VariableTariffPerGj { get; init; }
    /// <summary>Share of the tariff that is VAT and so not revenue of the cooperative (0.21).</summary>
    public decimal? VatRate { get; init; }
    /// <summary>Yearly tariff increase.</summary>
    public decimal? Indexation { get; init; }
    /// <summary>What a household would pay for gas heating per year (Niet Meer Dan Nu reference), euros incl. VAT.</summary>
    public decimal? ReferenceGasCostPerYear { get; init; }
    public decimal? ReferenceGasIndexation { get; init; }
    /// <summary>ACM maximum tariffs per year (data, not constants).</summary>
    public List<TariffCap>? AcmCaps { get; init; }
}

public sealed record RampUpStep
{
    public int? Year { get; init; }
    public decimal? ConnectedShare { get; init; }
}

public sealed record RampUpMonthStep
{
    public string? Month { get; init; }
    public decimal? ConnectedShare { get; init; }
}

public sealed record TariffCap
{
    public int? Year { get; init; }
    public decimal? VariablePerGj { get; init; }
    public decimal? FixedPerYear { get; init; }
}

public sealed record OperatingCosts
{
    /// <summary>Seasonal coefficient of performance of the heat pumps (heat out / electricity in).</summary>
    public decimal? HeatPumpCop { get; init; }
    public decimal? ElectricityPricePerKwh { get; init; }
    public decimal? ElectricityIndexation { get; init; }
    /// <summary>Yearly maintenance as a share of the cooperative's own investment.</summary>
    public decimal? MaintenanceShareOfInvestment { get; init; }
    public decimal? OrganisationPerYear { get; init; }
    public decimal? InsurancePerYear { get; init; }
    /// <summary>Yearly fee to the owner of third-party-owned installations (e.g. TEO to the water board).</summary>
    public decimal? ThirdPartyFeePerYear { get; init; }
    /// <summary>Yearly increase of maintenance, organisation, insurance and fees.</summary>
    public decimal? Indexation { get; init; }
}

/// <summary>
/// Reserve accounts. The maintenance reserve (MRA) needs no setting: it saves each replacement
/// straight-line over the lifetime before it falls due and pays the replacement when it does.
/// </summary>
public sealed record Reserves
{
    /// <summary>Debt-service reserve target: months of next year's debt service.</summary>
    public int? DsraMonths { get; init; }
}

public sealed record LenderCovenants
{
    /// <summary>Covenant: DSCR below this in any year is a breach (e.g. 1.20).</summary>
    public decimal? MinDscr { get; init; }
    /// <summary>Target used by the solvers (break-even tariff, highest rate, largest loan); default MinDscr.</summary>
    public decimal? TargetDscr { get; init; }
}
