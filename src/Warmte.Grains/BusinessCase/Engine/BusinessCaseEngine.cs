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

        // Initial investments, month by month.
        var capexOwn = new decimal[h];
        var capexThirdParty = new decimal[h];
        var byMonth = new Dictionary<YearMonth, decimal>();
        decimal ownTotal = 0m, thirdPartyTotal = 0m;
        foreach (var item in x.Investments)
        {
            var amount = Cents(item.Amount * x.CapexFactor);
            if (item.ThirdPartyOwned) thirdPartyTotal += amount; else ownTotal += amount;
            var months = item.Months;
            var perMonth = Cents(amount / months);
            var month = item.From;
            for (var m = 0; m < months; m++, month = month.PlusMonths(1))
            {
                // The last month takes the rounding remainder, so the months add up to the amount.
                var spend = m == months - 1 ? amount - perMonth * (months - 1) : perMonth;
                var target = item.ThirdPartyOwned ? capexThirdParty : capexOwn;
                target[month.Year - start] += spend;
                byMonth[month] = byMonth.GetValueOrDefault(month) + spend;
            }
        }

        // Loans: yearly schedules placed on the calendar from their drawdown year.
        var interest = new decimal[h];
        var principal = new decimal[h];
        var guaranteeFee = new decimal[h];
        var drawdowns = new decimal[h];
        var openingDebt = new decimal[h];
        foreach (var loan in x.Loans)
        {
            drawdowns[loan.DrawdownYear - start] += loan.Terms.Principal;
            foreach (var period in LoanSchedule.Build(loan.Terms))
            {
                var t = loan.DrawdownYear + period.Year - 1 - start;
                if (t >= h) break;
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
        var capsByYear = r.AcmCaps.ToDictionary(c => c.Year);
        var years = ImmutableArray.CreateBuilder<YearResult>(h);
        decimal cash = 0m;
        decimal mraBalance = 0m;
        for (var t = 0; t < h; t++)
        {
            var y = start + t;
            var shareStart = r.ShareAtEndOf(y - 1);
            var shareEnd = r.ShareAtEndOf(y);
            // Average of the twelve month-end shares of a linear ramp within the year: start + Δ·(1+…+12)/144.
            var averageShare = shareStart + (shareEnd - shareStart) * 13m / 24m;
            var connectedWeq = r.Woningequivalenten * averageShare;
            var heatGj = connectedWeq * r.HeatDemandGjPerWeq;
            var priceYears = y - x.PriceBaseYear;

            var tariffIndex = Pow(1m + r.Indexation, priceYears) * x.TariffFactor;
            var fixedTariff = r.FixedTariffPerYear * tariffIndex;
            var variableTariff = r.VariableTariffPerGj * tariffIndex;
            var revenue = Cents((connectedWeq * fixedTariff + heatGj * variableTariff) / (1m + r.VatRate));

            var operating = shareEnd > 0m;
            var opexIndex = Pow(1m + o.Indexation, priceYears);
            var electricity = Cents(heatGj * KwhPerGj / o.HeatPumpCop * o.ElectricityPricePerKwh * Pow(1m + o.ElectricityIndexation, priceYears));
            var maintenance = operating ? Cents(o.MaintenanceShareOfInvestment * ownTotal * opexIndex) : 0m;
            var organisation = Cents(o.OrganisationPerYear * opexIndex);
            var insurance = operating ? Cents(o.InsurancePerYear * opexIndex) : 0m;
            var thirdPartyFee = operating ? Cents(o.ThirdPartyFeePerYear * opexIndex) : 0m;
            var opex = electricity + maintenance + organisation + insurance + thirdPartyFee;
            var ebitda = revenue - opex;

            // Replacements fall due a lifetime after an item's last month of spending, and again each
            // lifetime after that. The reserve saves for the coming one in equal parts over the
            // lifetime, for replacements that fall due within the horizon (later ones are the next
            // business case's).
            var replacements = 0m;
            var mraContribution = 0m;
            foreach (var item in x.Investments)
            {
                if (item.ThirdPartyOwned || item.LifetimeYears is not { } life) continue;
                var sinceEnd = y - item.To.Year;
                if (sinceEnd <= 0) continue;
                var dueYear = item.To.Year + (sinceEnd + life - 1) / life * life;
                var dueCost = item.Amount * x.CapexFactor * item.ReplacementShare * Pow(1m + item.Indexation, dueYear - x.PriceBaseYear);
                if (dueYear == y) replacements += Cents(dueCost);
                if (operating && dueYear <= x.EndYear) mraContribution += Cents(dueCost / life);
            }
            mraBalance += mraContribution - replacements;
            var cfads = ebitda - mraContribution;

            var ds = debtService[t];
            var tested = ds > 0m && principal[t] > 0m;
            var newConnections = r.Connections * (shareEnd - shareStart);
            var connectionFees = Cents(newConnections * (x.FeePerConnection + x.BoilerBuyOffPerConnection));
            var memberCapital = t == 0 ? x.MemberCapital : 0m;
            var net = revenue - opex - replacements - ds - capexOwn[t] - capexThirdParty[t]
                      + subsidies[t] + connectionFees + drawdowns[t] + memberCapital + capexThirdParty[t];
            cash += net;

            var dsraTarget = t + 1 < h ? Cents(x.DsraMonths / 12m * debtService[t + 1]) : 0m;
            // The DSRA is the part of the cash set aside for next year's debt service, as far as the cash reaches.
            var dsraBalance = Math.Min(Math.Max(0m, cash - Math.Max(0m, mraBalance)), Math.Max(0m, dsraTarget));

            var householdCost = Cents(fixedTariff + r.HeatDemandGjPerWeq * variableTariff);
            var gasCost = Cents(r.ReferenceGasCostPerYear * Pow(1m + r.ReferenceGasIndexation, priceYears));
            bool? withinCap = capsByYear.TryGetValue(y, out var cap)
                ? fixedTariff <= cap.FixedPerYear && variableTariff <= cap.VariablePerGj
                : null;

            years.Add(new YearResult
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
                Replacements = replacements,
                Cfads = cfads,
                Interest = interest[t],
                Principal = principal[t],
                GuaranteeFee = guaranteeFee[t],
                DebtService = ds,
                Dscr = ds > 0m ? Ratio(cfads / ds) : null,
                CovenantTested = tested,
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
                MraContribution = mraContribution,
                MraBalance = mraBalance,
                ProjectCashFlow = revenue - opex - replacements - capexOwn[t] + subsidies[t] + connectionFees,
                HouseholdHeatCost = householdCost,
                ReferenceGasCost = gasCost,
                NietMeerDanNu = householdCost <= gasCost,
                WithinAcmCap = withinCap,
            });
        }
        var table = years.MoveToImmutable();
        return new Evaluation(x.Name, table, ConstructionMonths(x, byMonth), Kpis(x, table, openingDebt, ownTotal, thirdPartyTotal, depth), x.Assumptions);
    }

    private static ImmutableArray<ConstructionMonth> ConstructionMonths(Inputs x, Dictionary<YearMonth, decimal> byMonth)
    {
        var result = ImmutableArray.CreateBuilder<ConstructionMonth>();
        var cumulative = byMonth.Where(kv => kv.Key < x.ConstructionStart).Sum(kv => kv.Value);
        for (var month = x.ConstructionStart; month <= x.ConstructionEnd; month = month.PlusMonths(1))
        {
            var spend = byMonth.GetValueOrDefault(month);
            cumulative += spend;
            var before = x.Revenue.ShareAtEndOf(month.Year - 1);
            var after = x.Revenue.ShareAtEndOf(month.Year);
            result.Add(new ConstructionMonth(month, spend, cumulative, before + (after - before) * month.Month / 12m));
        }
        return result.ToImmutable();
    }

    private static Kpis Kpis(Inputs x, ImmutableArray<YearResult> years, decimal[] openingDebt, decimal ownTotal, decimal thirdPartyTotal, EvaluationDepth depth)
    {
        var finalShare = x.Revenue.ShareAtEndOf(x.EndYear);
        var fees = Cents(x.Revenue.Connections * finalShare * x.FeePerConnection);
        var buyOff = Cents(x.Revenue.Connections * finalShare * x.BoilerBuyOffPerConnection);
        var subsidyTotal = x.Subsidies.Sum(s => s.Amount);
        var loanTotal = x.Loans.Sum(l => l.Terms.Principal);
        var uses = ownTotal + thirdPartyTotal;
        var sources = subsidyTotal + thirdPartyTotal + fees + buyOff + x.MemberCapital + loanTotal;
        var sourcesAndUses = new SourcesAndUses(uses, subsidyTotal, thirdPartyTotal, fees, buyOff, x.MemberCapital, loanTotal, sources, sources - uses);

        var flows = years.Select(y => y.ProjectCashFlow).ToArray();
        var npv = Cents(SpreadsheetFunctions.Npv(x.DiscountRate, flows));
        var irr = depth == EvaluationDepth.Full ? SpreadsheetFunctions.Irr(flows) : null;

        int? payback = null;
        var cumulative = 0m;
        var wasNegative = false;
        foreach (var y in years)
        {
            cumulative += y.ProjectCashFlow;
            if (cumulative < 0m) wasNegative = true;
            else if (wasNegative && payback is null) payback = y.Year;
        }
        if (!wasNegative) payback = x.StartYear;
        else if (cumulative < 0m) payback = null;

        var tested = years.Where(y => y.CovenantTested && y.Dscr is not null).ToList();
        var min = tested.MinBy(y => y.Dscr!.Value);
        decimal? average = tested.Count > 0 ? Ratio(tested.Average(y => y.Cfads / y.DebtService)) : null;

        decimal? llcr = null;
        if (tested.Count > 0)
        {
            var first = tested[0].Year - x.StartYear;
            var maturity = Math.Min(x.Loans.Max(l => l.MaturityYear), x.EndYear) - x.StartYear;
            var rate = x.Loans.Sum(l => l.Terms.Principal * l.Terms.AnnualRate) / x.Loans.Sum(l => l.Terms.Principal);
            var cfads = years.Skip(first).Take(maturity - first + 1).Select(y => y.Cfads).ToArray();
            if (openingDebt[first] > 0m) llcr = Ratio(SpreadsheetFunctions.Npv(rate, cfads) / openingDebt[first]);
        }

        var breaches = tested.Where(y => y.Dscr < x.MinDscr).Select(y => y.Year).ToImmutableArray();
        var lowest = years.MinBy(y => y.CashBalance)!;
        return new Kpis
        {
            SourcesAndUses = sourcesAndUses,
            Npv = npv,
            Irr = irr is { } i ? decimal.Round(i, 6, MidpointRounding.AwayFromZero) : null,
            PaybackYear = payback,
            MinDscr = min?.Dscr,
            MinDscrYear = min?.Year,
            AverageDscr = average,
            Llcr = llcr,
            CovenantBreaches = breaches,
            TotalInterest = years.Sum(y => y.Interest),
            LowestCashBalance = lowest.CashBalance,
            LowestCashBalanceYear = lowest.Year,
            NietMeerDanNuBreaches = [.. years.Where(y => y.ConnectedWeq > 0m && !y.NietMeerDanNu).Select(y => y.Year)],
            FinancingCloses = sourcesAndUses.Covered && breaches.IsEmpty,
        };
    }

    /// <summary>Money is booked in whole cents, half away from zero.</summary>
    internal static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

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
