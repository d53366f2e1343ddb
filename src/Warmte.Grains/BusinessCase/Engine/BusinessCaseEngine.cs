using System.Collections.Immutable;
using NodaTime;
using Warmte.BusinessCase.Finance;

namespace Warmte.BusinessCase.Engine;

/// <summary>
/// Evaluates a heat-network business case year by year over its horizon, with the construction
/// period resolved month by month. Pure and deterministic: the same inputs give the same result,
/// to the cent, every time. Conventions (see docs/business-case-model.md):
/// amounts are booked in cents (half away from zero); revenue in a year follows the average share
/// connected over its twelve month-ends; loans are drawn at the start of their drawdown year and
/// pay interest and principal at each year end; NPV discounts the first year one period, as a
/// spreadsheet's NPV does.
/// </summary>
public enum EvaluationDepth { Full, Ratios }

public static class BusinessCaseEngine
{
    /// <summary>1 GJ = 277.78 kWh.</summary>
    private const decimal KwhPerGj = 1_000_000m / 3_600m;

    public static Evaluation Evaluate(Inputs x) => Evaluate(x, EvaluationDepth.Full);

    /// <summary>
    /// <paramref name="depth"/> = Ratios skips the IRR (an iterative search) for callers that
    /// evaluate thousands of variants and only need NPV and DSCRs: solvers, grids, Monte Carlo.
    /// </summary>
    public static Evaluation Evaluate(Inputs x, EvaluationDepth depth)
    {
        var h = x.HorizonYears;
        var start = x.StartYear;

        // Initial investments, month by month: per year for the table, per month for the construction period.
        var capexOwn = new decimal[h];
        var capexThirdParty = new decimal[h];
        var constructionMonths = MonthsBetween(x.ConstructionStart, x.ConstructionEnd) + 1;
        var byConstructionMonth = new decimal[constructionMonths];
        var beforeConstruction = 0m;
        decimal ownTotal = 0m, thirdPartyTotal = 0m;
        foreach (var item in x.Investments)
        {
            var amount = Cents(item.Amount * x.CapexFactor);
            if (item.ThirdPartyOwned) thirdPartyTotal += amount; else ownTotal += amount;
            var target = item.ThirdPartyOwned ? capexThirdParty : capexOwn;
            var months = item.Months;
            var perMonth = Cents(amount / months);
            var offset = MonthsBetween(x.ConstructionStart, item.From);
            var year = item.From.Year;
            var monthOfYear = item.From.Month;
            for (var m = 0; m < months; m++, offset++)
            {
                // The last month takes the rounding remainder, so the months add up to the amount.
                var spend = m == months - 1 ? amount - perMonth * (months - 1) : perMonth;
                target[year - start] += spend;
                if (offset < 0) beforeConstruction += spend;
                else if (offset < constructionMonths) byConstructionMonth[offset] += spend;
                if (++monthOfYear > 12) { monthOfYear = 1; year++; }
            }
        }

        // Loans: yearly schedules placed on the calendar from their drawdown year.
        var interest = new decimal[h];
        var principal = new decimal[h];
        var guaranteeFee = new decimal[h];
        var drawdowns = new decimal[h];
        var openingDebt = new decimal[h];
        var debtAtEnd = 0m;
        foreach (var loan in x.Loans)
        {
            drawdowns[loan.DrawdownYear - start] += loan.Terms.Principal;
            foreach (var period in LoanSchedule.Build(loan.Terms))
            {
                var t = loan.DrawdownYear + period.Year - 1 - start;
                if (t >= h)
                {
                    // Debt the horizon does not repay: a refinancing risk the KPIs must show.
                    debtAtEnd += period.OpeningBalance;
                    break;
                }
                interest[t] += period.Interest;
                principal[t] += period.Principal;
                guaranteeFee[t] += Cents(period.OpeningBalance * loan.GuaranteeFeeRate);
                openingDebt[t] += period.OpeningBalance;
            }
        }
        var debtService = new decimal[h];
        for (var t = 0; t < h; t++) debtService[t] = interest[t] + principal[t] + guaranteeFee[t];

        var subsidies = new decimal[h];
        foreach (var s in x.Subsidies) subsidies[s.Year - start] += s.Amount;

        var r = x.Revenue;
        var o = x.Opex;
        var shares = new decimal[h + 1]; // shares[t] = connected at the end of year start + t − 1
        for (var t = 0; t <= h; t++) shares[t] = r.ShareAtEndOf(start + t - 1);
        var firstOperatingYear = -1;
        for (var t = 0; t < h && firstOperatingYear < 0; t++) if (shares[t + 1] > 0m) firstOperatingYear = t;

        var (replacements, mraContributions) = Replacements(x, firstOperatingYear);

        // Price indices, year by year from the base year: one multiplication per year.
        var tariffIndex = IndexSeries(r.Indexation, x.PriceBaseYear, start, h, x.TariffFactor);
        var opexIndex = IndexSeries(o.Indexation, x.PriceBaseYear, start, h, 1m);
        var electricityIndex = IndexSeries(o.ElectricityIndexation, x.PriceBaseYear, start, h, 1m);
        var gasIndex = IndexSeries(r.ReferenceGasIndexation, x.PriceBaseYear, start, h, 1m);
        var electricityPerGj = Factor(KwhPerGj / o.HeatPumpCop * o.ElectricityPricePerKwh);
        var vatDivisor = 1m + r.VatRate;

        var years = new YearResult[h];
        decimal cash = 0m;
        decimal mraBalance = 0m;
        for (var t = 0; t < h; t++)
        {
            var y = start + t;
            var shareStart = shares[t];
            var shareEnd = shares[t + 1];
            // Average of the twelve month-end shares of a linear ramp within the year: start + Δ·(1+…+12)/144.
            var averageShare = Factor(shareStart + (shareEnd - shareStart) * (13m / 24m));
            var connectedWeq = r.Woningequivalenten * averageShare;
            var heatGj = connectedWeq * r.HeatDemandGjPerWeq;

            var fixedTariff = r.FixedTariffPerYear * tariffIndex[t];
            var variableTariff = r.VariableTariffPerGj * tariffIndex[t];
            var revenue = Cents((connectedWeq * fixedTariff + heatGj * variableTariff) / vatDivisor);

            var operating = shareEnd > 0m;
            var electricity = Cents(heatGj * electricityPerGj * electricityIndex[t]);
            var maintenance = operating ? Cents(o.MaintenanceShareOfInvestment * ownTotal * opexIndex[t]) : 0m;
            var organisation = Cents(o.OrganisationPerYear * opexIndex[t]);
            var insurance = operating ? Cents(o.InsurancePerYear * opexIndex[t]) : 0m;
            var thirdPartyFee = operating ? Cents(o.ThirdPartyFeePerYear * opexIndex[t]) : 0m;
            var opex = electricity + maintenance + organisation + insurance + thirdPartyFee;
            var ebitda = revenue - opex;

            mraBalance += mraContributions[t] - replacements[t];
            var cfads = ebitda - mraContributions[t];

            var ds = debtService[t];
            var connectionFees = Cents(r.Connections * (shareEnd - shareStart) * (x.FeePerConnection + x.BoilerBuyOffPerConnection));
            var memberCapital = t == 0 ? x.MemberCapital : 0m;
            var net = revenue - opex - replacements[t] - ds - capexOwn[t] + subsidies[t] + connectionFees + drawdowns[t] + memberCapital;
            cash += net;

            var dsraTarget = t + 1 < h ? Cents(x.DsraMonths / 12m * debtService[t + 1]) : 0m;
            // The DSRA is the part of the cash set aside for next year's debt service, as far as the cash reaches.
            var dsraBalance = Math.Min(Math.Max(0m, cash - Math.Max(0m, mraBalance)), Math.Max(0m, dsraTarget));

            var householdCost = Cents(fixedTariff + r.HeatDemandGjPerWeq * variableTariff);
            var gasCost = Cents(r.ReferenceGasCostPerYear * gasIndex[t]);
            bool? withinCap = null;
            foreach (var cap in r.AcmCaps)
                if (cap.Year == y) withinCap = fixedTariff <= cap.FixedPerYear && variableTariff <= cap.VariablePerGj;

            years[t] = new YearResult
            {
                Year = y,
                ConnectedShareAtEnd = shareEnd,
                ConnectedWeq = decimal.Round(connectedWeq, 2, MidpointRounding.AwayFromZero),
                HeatSoldGj = decimal.Round(heatGj, 2, MidpointRounding.AwayFromZero),
                Revenue = revenue,
                ElectricityCost = electricity,
                MaintenanceCost = maintenance,
                OrganisationCost = organisation,
                InsuranceCost = insurance,
                ThirdPartyFee = thirdPartyFee,
                Opex = opex,
                Ebitda = ebitda,
                Replacements = replacements[t],
                MraContribution = mraContributions[t],
                Cfads = cfads,
                Interest = interest[t],
                Principal = principal[t],
                GuaranteeFee = guaranteeFee[t],
                DebtService = ds,
                Dscr = ds > 0m ? Ratio(cfads / ds) : null,
                CovenantTested = ds > 0m && principal[t] > 0m,
                InitialInvestment = capexOwn[t] + capexThirdParty[t],
                Subsidies = subsidies[t],
                ConnectionFees = connectionFees,
                LoanDrawdowns = drawdowns[t],
                MemberCapital = memberCapital,
                ThirdPartyFunding = capexThirdParty[t],
                NetCashFlow = net,
                CashBalance = cash,
                DsraTarget = dsraTarget,
                DsraBalance = dsraBalance,
                MraBalance = mraBalance,
                ProjectCashFlow = revenue - opex - replacements[t] - capexOwn[t] + subsidies[t] + connectionFees,
                HouseholdHeatCost = householdCost,
                ReferenceGasCost = gasCost,
                NietMeerDanNu = householdCost <= gasCost,
                WithinAcmCap = withinCap,
            };
        }
        var table = ImmutableArray.Create(years);
        var monthTable = ImmutableArray.CreateBuilder<ConstructionMonth>(constructionMonths);
        var cumulative = beforeConstruction;
        var month = x.ConstructionStart;
        for (var m = 0; m < constructionMonths; m++, month = month.PlusMonths(1))
        {
            cumulative += byConstructionMonth[m];
            var before = shares[month.Year - start];
            var after = shares[month.Year - start + 1];
            monthTable.Add(new ConstructionMonth(month, byConstructionMonth[m], cumulative, before + (after - before) * month.Month / 12m));
        }
        return new Evaluation(x.Name, table, monthTable.MoveToImmutable(),
            Kpis(x, table, openingDebt, debtAtEnd, ownTotal, thirdPartyTotal, depth), x.Assumptions);
    }

    /// <summary>
    /// Replacements fall due a lifetime after an item's last month of spending, and again each
    /// lifetime after that. The maintenance reserve saves for each in equal parts over the
    /// lifetime before it (from the first year with connections), for replacements that fall due
    /// within the horizon: later ones are the next business case's.
    /// </summary>
    private static (decimal[] Replacements, decimal[] Contributions) Replacements(Inputs x, int firstOperatingYear)
    {
        var h = x.HorizonYears;
        var replacements = new decimal[h];
        var contributions = new decimal[h];
        foreach (var item in x.Investments)
        {
            if (item.ThirdPartyOwned || item.LifetimeYears is not { } life) continue;
            for (var due = item.To.Year + life; due <= x.EndYear; due += life)
            {
                var cost = item.Amount * x.CapexFactor * item.ReplacementShare * Pow(1m + item.Indexation, due - x.PriceBaseYear);
                replacements[due - x.StartYear] += Cents(cost);
                var saving = Cents(cost / life);
                for (var y = Math.Max(due - life + 1, x.StartYear); y <= due; y++)
                    if (y - x.StartYear >= firstOperatingYear && firstOperatingYear >= 0) contributions[y - x.StartYear] += saving;
            }
        }
        return (replacements, contributions);
    }

    private static decimal[] IndexSeries(decimal rate, int baseYear, int startYear, int years, decimal factor)
    {
        var series = new decimal[years];
        var value = Pow(1m + rate, startYear - baseYear) * factor;
        var step = 1m + rate;
        for (var t = 0; t < years; t++, value = Factor(value * step)) series[t] = Factor(value);
        return series;
    }

    private static int MonthsBetween(YearMonth from, YearMonth to) => (to.Year - from.Year) * 12 + to.Month - from.Month;

    private static Kpis Kpis(
        Inputs x, ImmutableArray<YearResult> years, decimal[] openingDebt, decimal debtAtEnd, decimal ownTotal, decimal thirdPartyTotal,
        EvaluationDepth depth)
    {
        var h = years.Length;
        var finalShare = x.Revenue.ShareAtEndOf(x.EndYear);
        var fees = Cents(x.Revenue.Connections * finalShare * x.FeePerConnection);
        var buyOff = Cents(x.Revenue.Connections * finalShare * x.BoilerBuyOffPerConnection);
        var subsidyTotal = 0m;
        foreach (var s in x.Subsidies) subsidyTotal += s.Amount;
        var loanTotal = 0m;
        var weightedRate = 0m;
        var lastMaturity = int.MinValue;
        foreach (var l in x.Loans)
        {
            loanTotal += l.Terms.Principal;
            weightedRate += l.Terms.Principal * l.Terms.AnnualRate;
            lastMaturity = Math.Max(lastMaturity, l.MaturityYear);
        }
        var uses = ownTotal + thirdPartyTotal;
        var sources = subsidyTotal + thirdPartyTotal + fees + buyOff + x.MemberCapital + loanTotal;
        var sourcesAndUses = new SourcesAndUses(uses, subsidyTotal, thirdPartyTotal, fees, buyOff, x.MemberCapital, loanTotal, sources, sources - uses);

        var flows = new decimal[h];
        var equityFlows = new decimal[h];
        decimal? minDscr = null;
        int? minDscrYear = null;
        var dscrSum = 0m;
        var tested = 0;
        var firstTested = -1;
        var breaches = ImmutableArray.CreateBuilder<int>();
        var nmdnBreaches = ImmutableArray.CreateBuilder<int>();
        var totalInterest = 0m;
        var lowest = years[0];
        int? payback = null;
        var cumulative = 0m;
        var wasNegative = false;
        for (var t = 0; t < h; t++)
        {
            var y = years[t];
            flows[t] = y.ProjectCashFlow;
            equityFlows[t] = y.NetCashFlow - y.MemberCapital;
            totalInterest += y.Interest;
            if (y.CashBalance < lowest.CashBalance) lowest = y;
            if (y.ConnectedWeq > 0m && !y.NietMeerDanNu) nmdnBreaches.Add(y.Year);
            cumulative += y.ProjectCashFlow;
            if (cumulative < 0m) wasNegative = true;
            else if (wasNegative && payback is null) payback = y.Year;
            if (!y.CovenantTested || y.Dscr is not { } dscr) continue;
            if (firstTested < 0) firstTested = t;
            tested++;
            dscrSum += y.Cfads / y.DebtService;
            if (minDscr is null || dscr < minDscr) { minDscr = dscr; minDscrYear = y.Year; }
            if (dscr < x.MinDscr) breaches.Add(y.Year);
        }
        if (!wasNegative) payback = x.StartYear;
        else if (cumulative < 0m) payback = null;

        decimal? llcr = null;
        if (firstTested >= 0 && openingDebt[firstTested] > 0m)
        {
            var rate = weightedRate / loanTotal;
            var maturity = Math.Min(lastMaturity, x.EndYear) - x.StartYear;
            var cfads = new decimal[maturity - firstTested + 1];
            for (var t = firstTested; t <= maturity; t++) cfads[t - firstTested] = years[t].Cfads;
            llcr = Ratio(SpreadsheetFunctions.Npv(rate, cfads) / openingDebt[firstTested]);
        }

        var irr = depth == EvaluationDepth.Full ? SpreadsheetFunctions.Irr(flows) : null;
        var covenantBreaches = breaches.ToImmutable();
        return new Kpis
        {
            SourcesAndUses = sourcesAndUses,
            Npv = Cents(SpreadsheetFunctions.Npv(x.DiscountRate, flows)),
            NpvAfterFinancing = Cents(SpreadsheetFunctions.Npv(x.DiscountRate, equityFlows)),
            Irr = irr is { } i ? decimal.Round(i, 6, MidpointRounding.AwayFromZero) : null,
            PaybackYear = payback,
            MinDscr = minDscr,
            MinDscrYear = minDscrYear,
            AverageDscr = tested > 0 ? Ratio(dscrSum / tested) : null,
            Llcr = llcr,
            CovenantBreaches = covenantBreaches,
            TotalInterest = totalInterest,
            DebtOutstandingAtEnd = debtAtEnd,
            LowestCashBalance = lowest.CashBalance,
            LowestCashBalanceYear = lowest.Year,
            NietMeerDanNuBreaches = nmdnBreaches.ToImmutable(),
            FinancingCloses = sourcesAndUses.Covered && covenantBreaches.IsEmpty && debtAtEnd == 0m,
        };
    }

    /// <summary>Money is booked in whole cents, half away from zero.</summary>
    internal static decimal Cents(decimal amount) =>
        amount.Scale <= 2 ? amount : decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Rounds a factor (index, share, unit price) to ten decimals: far below a cent on any amount
    /// here, and it keeps products within decimal's 28 digits, where arithmetic is many times faster.
    /// </summary>
    private static decimal Factor(decimal value) =>
        value.Scale <= 10 ? value : decimal.Round(value, 10, MidpointRounding.AwayFromZero);

    /// <summary>Ratios (DSCR, LLCR) are reported to four decimals.</summary>
    private static decimal Ratio(decimal value) => decimal.Round(value, 4, MidpointRounding.AwayFromZero);

    /// <summary>x^n for whole n (negative n divides), by repeated squaring.</summary>
    internal static decimal Pow(decimal x, int n)
    {
        if (n < 0) return 1m / Pow(x, -n);
        var result = 1m;
        while (n > 0)
        {
            if ((n & 1) == 1) result *= x;
            n >>= 1;
            if (n > 0) x *= x;
        }
        return result;
    }
}
