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
    /// <paramref name="depth"/> = Ratios skips the IRR (an iterative search) and the LLCR (a third NPV)
    /// for callers that evaluate thousands of variants and only need NPV and DSCRs: solvers, grids,
    /// Monte Carlo, stress tests (their Kpis have Irr and Llcr null).
    /// </summary>
    public static Evaluation Evaluate(Inputs x, EvaluationDepth depth)
    {
        var h = x.HorizonYears;
        var start = x.StartYear;
        var firstMonth = MonthIndex(x.ConstructionStart);
        var constructionMonths = MonthIndex(x.ConstructionEnd) - firstMonth + 1;

        // Initial investments: per year for the table, per month for the construction period.
        var capexOwn = new decimal[h];
        var capexThirdParty = new decimal[h];
        var investmentByMonth = new decimal[constructionMonths];
        var investedBefore = 0m;
        decimal ownTotal = 0m, thirdPartyTotal = 0m;
        var priceFactors = new PriceFactors();
        foreach (var item in x.Investments)
        {
            var amount = Cents(item.Amount * x.CapexFactor);
            var target = item.ThirdPartyOwned ? capexThirdParty : capexOwn;
            var itemMonths = item.Months;
            var perMonth = Cents(amount / itemMonths);
            // The last month takes the rounding remainder, so the months add up to the amount (before indexation).
            var lastMonth = amount - perMonth * (itemMonths - 1);
            var indexed = !item.FixedPrice && item.Indexation != 0m;
            var from = MonthIndex(item.From);
            for (var m = 0; m < itemMonths;)
            {
                // One calendar year of this item's spending at a time: one price index per year.
                var index = from + m;
                var year = index / 12;
                var inYear = Math.Min(itemMonths - m, 12 - index % 12);
                var factor = indexed ? priceFactors.Of(item.Indexation, year - x.PriceBaseYear) : 1m;
                var monthly = indexed ? CentsOf(perMonth, factor) : perMonth;
                var final = m + inYear == itemMonths ? (indexed ? CentsOf(lastMonth, factor) : lastMonth) : monthly;
                var yearTotal = monthly * (inYear - 1) + final;
                target[year - start] += yearTotal;
                if (item.ThirdPartyOwned) thirdPartyTotal += yearTotal; else ownTotal += yearTotal;
                for (var k = 0; k < inYear; k++)
                {
                    var offset = index + k - firstMonth;
                    var spend = k == inYear - 1 ? final : monthly;
                    if (offset < 0) investedBefore += spend;
                    else if (offset < constructionMonths) investmentByMonth[offset] += spend;
                }
                m += inYear;
            }
        }

        var loans = PlaceLoans(x, firstMonth, constructionMonths);
        var (interest, principal, guaranteeFee, drawdowns, openingDebt) = (loans.Interest, loans.Principal, loans.GuaranteeFee, loans.Drawdowns, loans.OpeningDebt);
        var debtService = new decimal[h];
        for (var t = 0; t < h; t++) debtService[t] = interest[t] + principal[t] + guaranteeFee[t];

        var subsidies = new decimal[h];
        foreach (var s in x.Subsidies) subsidies[s.Year - start] += s.Amount;

        var r = x.Revenue;
        var o = x.Opex;
        var shares = new decimal[h + 1]; // shares[t] = connected at the end of year start + t − 1
        r.SharesAtEndOf(start - 1, shares);
        var monthKnots = MonthKnots(x, shares);
        var constructionShares = ConstructionYearShares(x, shares, monthKnots);
        var firstOperatingYear = -1;
        for (var t = 0; t < h && firstOperatingYear < 0; t++) if (shares[t + 1] > 0m) firstOperatingYear = t;

        var (replacements, mraContributions) = Replacements(x, firstOperatingYear);

        // Price indices, year by year from the base year: one multiplication per year.
        // Models usually index several things at the same rate: each distinct rate's series is computed once.
        var tariffIndex = IndexSeries(r.Indexation, x.PriceBaseYear, start, h);
        var opexIndex = o.Indexation == r.Indexation ? tariffIndex : IndexSeries(o.Indexation, x.PriceBaseYear, start, h);
        var electricityIndex = o.ElectricityIndexation == r.Indexation ? tariffIndex
            : o.ElectricityIndexation == o.Indexation ? opexIndex
            : IndexSeries(o.ElectricityIndexation, x.PriceBaseYear, start, h);
        var gasIndex = r.ReferenceGasIndexation == r.Indexation ? tariffIndex
            : r.ReferenceGasIndexation == o.Indexation ? opexIndex
            : r.ReferenceGasIndexation == o.ElectricityIndexation ? electricityIndex
            : IndexSeries(r.ReferenceGasIndexation, x.PriceBaseYear, start, h);
        var electricityPerGj = Factor(KwhPerGj / o.HeatPumpCop * o.ElectricityPricePerKwh);
        // What one WEQ pays per year at base prices incl. VAT: fixed + demand × variable.
        var householdBase = (r.FixedTariffPerYear + r.HeatDemandGjPerWeq * r.VariableTariffPerGj) * x.TariffFactor;
        // Revenue is the amount incl. VAT divided by 1 + VAT, exactly, to the cent (in integers: see DecimalRounding.Quotient).
        var onePlusVat = 1m + r.VatRate;
        var weq = (decimal)r.Woningequivalenten;
        var dsraShare = x.DsraMonths / 12m;
        var maintenanceBase = o.MaintenanceShareOfInvestment * ownTotal;
        var feePerShare = r.Connections * (x.FeePerConnection + x.BoilerBuyOffPerConnection);

        var years = new YearResult[h];
        decimal cash = 0m;
        decimal mraPlan = 0m;
        for (var t = 0; t < h; t++)
        {
            var y = start + t;
            var shareStart = shares[t];
            var shareEnd = shares[t + 1];
            // A year with month data inside the construction period: its month shares are already worked out.
            var averageShare = monthKnots?[t] is not null && constructionShares.Covers(t)
                ? AverageOf(constructionShares.Year(t))
                : AverageShare(shareStart, shareEnd, monthKnots?[t]);
            var connectedWeq = weq * averageShare;
            var heatGj = connectedWeq * r.HeatDemandGjPerWeq;

            // Tariffs incl. VAT: the household cost of a WEQ this year; revenue excludes the VAT.
            var householdTariff = FactorOf(householdBase, tariffIndex[t]);
            var revenue = averageShare == 0m ? 0m : DecimalRounding.Quotient(connectedWeq * householdTariff, onePlusVat, 2);

            var operating = shareEnd > 0m;
            var electricity = heatGj == 0m ? 0m : CentsOf(heatGj, FactorOf(electricityPerGj, electricityIndex[t]));
            var maintenance = operating ? CentsOf(maintenanceBase, opexIndex[t]) : 0m;
            var organisation = CentsOf(o.OrganisationPerYear, opexIndex[t]);
            var insurance = operating ? CentsOf(o.InsurancePerYear, opexIndex[t]) : 0m;
            var thirdPartyFee = operating ? CentsOf(o.ThirdPartyFeePerYear, opexIndex[t]) : 0m;
            var opex = electricity + maintenance + organisation + insurance + thirdPartyFee;
            var ebitda = revenue - opex;

            // Most of these are zero in most years; a decimal addition costs ~20 ns, a zero test ~1 ns.
            var replacement = replacements[t];
            var contribution = mraContributions[t];
            if (!IsZero(contribution)) mraPlan += contribution;
            if (!IsZero(replacement)) mraPlan -= replacement;
            var cfads = IsZero(contribution) ? ebitda : ebitda - contribution;

            var ds = debtService[t];
            // Cumulative fees, each booked in cents: the years (and months) add up to the total exactly.
            var connectionFees = shareEnd == shareStart ? 0m : CentsOf(feePerShare, shareEnd) - CentsOf(feePerShare, shareStart);
            var memberCapital = t == 0 ? x.MemberCapital : 0m;
            var capex = capexOwn[t];
            var projectCashFlow = ebitda;
            if (!IsZero(replacement)) projectCashFlow -= replacement;
            if (!IsZero(capex)) projectCashFlow -= capex;
            if (!IsZero(subsidies[t])) projectCashFlow += subsidies[t];
            if (!IsZero(connectionFees)) projectCashFlow += connectionFees;
            var net = IsZero(ds) ? projectCashFlow : projectCashFlow - ds;
            if (!IsZero(drawdowns[t])) net += drawdowns[t];
            if (!IsZero(memberCapital)) net += memberCapital;
            cash += net;

            // Reserves at the year end, funded from the cash as far as it reaches: first the maintenance
            // reserve (what the saving plan has set aside for coming replacements), then the DSRA.
            var mraTarget = Math.Max(0m, mraPlan);
            var dsraTarget = t + 1 < h && x.DsraMonths > 0 && debtService[t + 1] != 0m ? CentsOf(dsraShare, debtService[t + 1]) : 0m;
            var available = Math.Max(0m, cash);
            var mraBalance = Math.Min(available, mraTarget);
            var dsraBalance = Math.Min(available - mraBalance, Math.Max(0m, dsraTarget));

            var gasCost = CentsOf(r.ReferenceGasCostPerYear, gasIndex[t]);
            var householdCost = Cents(householdTariff);
            bool? withinCap = null;
            foreach (var cap in r.AcmCaps)
                if (cap.Year == y)
                    withinCap = r.FixedTariffPerYear * x.TariffFactor * tariffIndex[t] <= cap.FixedPerYear
                                && r.VariableTariffPerGj * x.TariffFactor * tariffIndex[t] <= cap.VariablePerGj;

            years[t] = new YearResult
            {
                Year = y,
                ConnectedShareAtEnd = shareEnd,
                ConnectedWeq = DecimalRounding.AwayFromZero(connectedWeq, 2),
                HeatSoldGj = DecimalRounding.AwayFromZero(heatGj, 2),
                Revenue = revenue,
                ElectricityCost = electricity,
                MaintenanceCost = maintenance,
                OrganisationCost = organisation,
                InsuranceCost = insurance,
                ThirdPartyFee = thirdPartyFee,
                Opex = opex,
                Ebitda = ebitda,
                Replacements = replacement,
                MraContribution = contribution,
                Cfads = cfads,
                Interest = interest[t],
                Principal = principal[t],
                GuaranteeFee = guaranteeFee[t],
                DebtService = ds,
                Dscr = ds > 0m ? Quotient(cfads, ds) : null,
                CovenantTested = ds > 0m && principal[t] > 0m,
                InitialInvestment = capex + capexThirdParty[t],
                Subsidies = subsidies[t],
                ConnectionFees = connectionFees,
                LoanDrawdowns = drawdowns[t],
                MemberCapital = memberCapital,
                ThirdPartyFunding = capexThirdParty[t],
                NetCashFlow = net,
                CashBalance = cash,
                DsraTarget = dsraTarget,
                DsraBalance = dsraBalance,
                MraTarget = mraTarget,
                MraBalance = mraBalance,
                ProjectCashFlow = projectCashFlow,
                HouseholdHeatCost = householdCost,
                ReferenceGasCost = gasCost,
                NietMeerDanNu = householdCost <= gasCost,
                WithinAcmCap = withinCap,
            };
        }
        var table = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(years);
        var months = ConstructionTable(x, shares, constructionShares, investmentByMonth, investedBefore, loans.DrawdownByMonth, loans.DrawnBefore, feePerShare);
        return new Evaluation(x.Name, table, months,
            Kpis(x, table, openingDebt, loans.DebtAtEnd, ownTotal, thirdPartyTotal, depth), x.Assumptions);
    }

    /// <summary>The loans' yearly amounts on the calendar of the horizon, and their drawdowns in the construction months.</summary>
    private sealed record LoanCalendar(
        decimal[] Interest, decimal[] Principal, decimal[] GuaranteeFee, decimal[] Drawdowns, decimal[] OpeningDebt,
        decimal[] DrawdownByMonth, decimal DrawnBefore, decimal DebtAtEnd);

    /// <summary>
    /// Yearly schedules placed on the calendar from loan year 1 (the year of the first drawdown). Its own method:
    /// the schedule buffers live on its stack, which keeps <see cref="Evaluate(Inputs, EvaluationDepth)"/> free of
    /// stack allocation, so the runtime can recompile that hot method with its profile.
    /// </summary>
    private static LoanCalendar PlaceLoans(Inputs x, int firstMonth, int constructionMonths)
    {
        var h = x.HorizonYears;
        var start = x.StartYear;
        var interest = new decimal[h];
        var principal = new decimal[h];
        var guaranteeFee = new decimal[h];
        var drawdowns = new decimal[h];
        var openingDebt = new decimal[h];
        var drawdownByMonth = new decimal[constructionMonths];
        var drawnBefore = 0m;
        var debtAtEnd = 0m;
        // Schedule buffers for the longest term allowed, reused by every loan.
        Span<decimal> opening = stackalloc decimal[LoanTerms.MaximumTermYears];
        Span<decimal> yearInterest = stackalloc decimal[LoanTerms.MaximumTermYears];
        Span<decimal> repaid = stackalloc decimal[LoanTerms.MaximumTermYears];
        foreach (var loan in x.Loans)
        {
            var terms = loan.Terms;
            terms.Validate();
            var n = terms.TermYears;
            LoanSchedule.Fill(terms, opening, yearInterest, repaid);
            var amounts = loan.DrawdownAmounts();
            var lastDrawdownYear = loan.DrawdownYear;
            foreach (var (month, amount) in amounts)
            {
                drawdowns[month.Year - start] += amount;
                lastDrawdownYear = Math.Max(lastDrawdownYear, month.Year);
                var offset = MonthIndex(month) - firstMonth;
                if (offset < 0) drawnBefore += amount;
                else if (offset < constructionMonths) drawdownByMonth[offset] += amount;
            }
            for (var j = 0; j < n; j++)
            {
                var year = loan.DrawdownYear + j;
                var t = year - start;
                if (t >= h)
                {
                    // Debt the horizon does not repay: a refinancing risk the KPIs must show.
                    debtAtEnd += opening[j];
                    break;
                }
                var interestDue = yearInterest[j];
                var feeBasis = opening[j];
                if (year <= lastDrawdownYear && !IsWholeYear(amounts, year))
                {
                    // Interest during construction: paid at the year end on the balance drawn month by month
                    // (a drawdown counts from the start of its month), not capitalised.
                    var monthBalances = 0m;
                    foreach (var (month, amount) in amounts)
                        if (month.Year < year) monthBalances += amount * 12;
                        else if (month.Year == year) monthBalances += amount * (13 - month.Month);
                    interestDue = Cents(terms.AnnualRate * monthBalances / 12m);
                    if (loan.GuaranteeFeeRate != 0m) feeBasis = monthBalances / 12m;
                }
                interest[t] += interestDue;
                principal[t] += repaid[j];
                if (loan.GuaranteeFeeRate != 0m) guaranteeFee[t] += CentsOf(feeBasis, loan.GuaranteeFeeRate);
                openingDebt[t] += opening[j];
            }
        }
        return new LoanCalendar(interest, principal, guaranteeFee, drawdowns, openingDebt, drawdownByMonth, drawnBefore, debtAtEnd);
    }

    /// <summary>
    /// The average share connected in each year of the horizon, exactly as the evaluation uses it (for the
    /// spreadsheet export, which takes it as an input when the model has a monthly ramp-up).
    /// </summary>
    public static decimal[] AverageConnectedShares(Inputs x)
    {
        var h = x.HorizonYears;
        var shares = new decimal[h + 1];
        x.Revenue.SharesAtEndOf(x.StartYear - 1, shares);
        var knots = MonthKnots(x, shares);
        var result = new decimal[h];
        for (var t = 0; t < h; t++) result[t] = AverageShare(shares[t], shares[t + 1], knots?[t]);
        return result;
    }

    /// <summary>
    /// The balance interest is charged on in <paramref name="year"/> when the loan is drawn during that year
    /// (the month-by-month average), or null when the year's opening balance applies. For the export.
    /// </summary>
    public static decimal? ConstructionInterestBasis(LoanItem loan, int year)
    {
        var amounts = loan.DrawdownAmounts();
        var lastDrawdownYear = loan.DrawdownYear;
        foreach (var (month, _) in amounts) lastDrawdownYear = Math.Max(lastDrawdownYear, month.Year);
        if (year < loan.DrawdownYear || year > lastDrawdownYear || IsWholeYear(amounts, year)) return null;
        var monthBalances = 0m;
        foreach (var (month, amount) in amounts)
            if (month.Year < year) monthBalances += amount * 12;
            else if (month.Year == year) monthBalances += amount * (13 - month.Month);
        return monthBalances / 12m;
    }

    /// <summary>Whether a loan's balance is the same in every month of <paramref name="year"/> (nothing drawn after January).</summary>
    private static bool IsWholeYear(ImmutableArray<(YearMonth Month, decimal Amount)> amounts, int year)
    {
        foreach (var (month, _) in amounts)
            if (month.Year == year && month.Month > 1) return false;
        return true;
    }

    /// <summary>
    /// The month-end shares the model gives inside years, per year index (null when it gives none): month of
    /// the year (1..11) and share. A stress delay shifts them by whole months; they are kept between the
    /// year's start and end shares, so a delayed plan stays non-decreasing.
    /// </summary>
    private static List<(int Month, decimal Share)>?[]? MonthKnots(Inputs x, decimal[] shares)
    {
        var r = x.Revenue;
        if (r.RampUpMonths.IsDefaultOrEmpty) return null;
        var shift = (int)decimal.Round(r.RampUpDelayYears * 12m, 0, MidpointRounding.AwayFromZero);
        var knots = new List<(int, decimal)>?[x.HorizonYears];
        foreach (var (month, share) in r.RampUpMonths)
        {
            var index = MonthIndex(month) + shift;
            var t = index / 12 - x.StartYear;
            var monthOfYear = index % 12 + 1;
            if (t < 0 || t >= x.HorizonYears || monthOfYear == 12) continue;
            (knots[t] ??= []).Add((monthOfYear, Math.Clamp(share, shares[t], shares[t + 1])));
        }
        return knots;
    }

    /// <summary>
    /// Average of the twelve month-end shares of a year. Without month data the share grows linearly from
    /// start to end: start + Δ·(1+…+12)/144 = start + Δ·13/24; with month data, linearly between the points.
    /// </summary>
    private static decimal AverageShare(decimal start, decimal end, List<(int Month, decimal Share)>? knots)
    {
        if (knots is null) return start == end ? start : Factor(start + (end - start) * (13m / 24m));
        Span<decimal> months = stackalloc decimal[12];
        MonthShares(start, end, knots, months);
        return AverageOf(months);
    }

    private static decimal AverageOf(ReadOnlySpan<decimal> monthShares)
    {
        var sum = 0m;
        foreach (var share in monthShares) sum += share;
        return Factor(sum / 12m);
    }

    /// <summary>
    /// The month-end shares of the calendar years the construction period spans, twelve a year: the construction
    /// table lists them and the year loop averages them, so they are worked out once.
    /// </summary>
    private sealed class ConstructionShares(int firstYear, decimal[] months)
    {
        public bool Covers(int t) => t >= firstYear && (t - firstYear) * 12 < months.Length;

        public ReadOnlySpan<decimal> Year(int t) => months.AsSpan((t - firstYear) * 12, 12);
    }

    private static ConstructionShares ConstructionYearShares(Inputs x, decimal[] shares, List<(int Month, decimal Share)>?[]? knots)
    {
        var first = x.ConstructionStart.Year - x.StartYear;
        var count = x.ConstructionEnd.Year - x.ConstructionStart.Year + 1;
        var months = new decimal[count * 12];
        for (var k = 0; k < count; k++)
            MonthShares(shares[first + k], shares[first + k + 1], knots?[first + k], months.AsSpan(k * 12, 12));
        return new ConstructionShares(first, months);
    }

    /// <summary>The twelve month-end shares of a year: linear between the known points (month 0: start, 12: end, and the model's months).</summary>
    private static void MonthShares(decimal start, decimal end, List<(int Month, decimal Share)>? knots, Span<decimal> shares)
    {
        var (m0, s0) = (0, start);
        var count = knots?.Count ?? 0;
        for (var k = 0; k <= count; k++)
        {
            var (km, ks) = k < count ? knots![k] : (12, end);
            if (km - m0 > 1)
            {
                // Months between two known points: linear. (Consecutive known months need no step.)
                var step = ks == s0 ? 0m : (ks - s0) / (km - m0);
                for (var m = m0 + 1; m < km; m++) shares[m - 1] = step == 0m ? s0 : Factor(s0 + step * (m - m0));
            }
            shares[km - 1] = ks;
            (m0, s0) = (km, ks);
        }
    }

    /// <summary>The construction period month by month: spending, connections, connection fees and loan drawdowns.</summary>
    private static ImmutableArray<ConstructionMonth> ConstructionTable(
        Inputs x, decimal[] shares, ConstructionShares yearShares, decimal[] investment, decimal investedBefore,
        decimal[] drawdown, decimal drawnBefore, decimal feePerShare)
    {
        var count = investment.Length;
        var table = ImmutableArray.CreateBuilder<ConstructionMonth>(count);
        var invested = investedBefore;
        var drawn = drawnBefore;
        var first = MonthIndex(x.ConstructionStart);
        decimal connections = x.Revenue.Connections;
        ReadOnlySpan<decimal> monthShares = default;
        var previousFees = 0m;
        for (var m = 0; m < count; m++)
        {
            var index = first + m;
            var t = index / 12 - x.StartYear;
            var monthOfYear = index % 12 + 1;
            if (m == 0 || monthOfYear == 1)
            {
                monthShares = yearShares.Year(t);
                if (m == 0) previousFees = CentsOf(feePerShare, monthOfYear == 1 ? shares[t] : monthShares[monthOfYear - 2]);
            }
            invested += investment[m];
            drawn += drawdown[m];
            var share = monthShares[monthOfYear - 1];
            var fees = CentsOf(feePerShare, share);
            table.Add(new ConstructionMonth(new YearMonth(index / 12, monthOfYear), investment[m], invested, share)
            {
                ConnectionsAtEnd = DecimalRounding.Product(connections, share, 0),
                ConnectionFees = fees - previousFees,
                LoanDrawdown = drawdown[m],
                LoanDrawn = drawn,
            });
            previousFees = fees;
        }
        return table.MoveToImmutable();
    }

    /// <summary>
    /// Factor((1 + rate)^years), remembered: investment items usually share their indexation and years, and each
    /// power costs a handful of 28-digit multiplications.
    /// </summary>
    private sealed class PriceFactors
    {
        private readonly List<(decimal Rate, int Years, decimal Factor)> _known = new(8);

        public decimal Of(decimal rate, int years)
        {
            foreach (var (r, n, f) in _known)
                if (n == years && r == rate) return f;
            var factor = Factor(Pow(1m + rate, years));
            _known.Add((rate, years, factor));
            return factor;
        }
    }

    /// <summary>Months counted from year 0: year × 12 + month − 1.</summary>
    private static int MonthIndex(YearMonth month) => month.Year * 12 + month.Month - 1;

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

    private static decimal[] IndexSeries(decimal rate, int baseYear, int startYear, int years)
    {
        var series = new decimal[years];
        if (rate == 0m)
        {
            Array.Fill(series, 1m);
            return series;
        }
        var value = Pow(1m + rate, startYear - baseYear);
        var step = 1m + rate;
        for (var t = 0; t < years; t++, value = FactorOf(value, step)) series[t] = Factor(value);
        return series;
    }

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
        var interestDuringConstruction = 0m;
        var constructionEndYear = x.ConstructionEnd.Year;
        var peakMra = years[0];
        var peakDsra = years[0];
        var shortfalls = ImmutableArray.CreateBuilder<int>();
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
            if (y.Year <= constructionEndYear) interestDuringConstruction += y.Interest + y.GuaranteeFee;
            if (y.MraTarget > peakMra.MraTarget) peakMra = y;
            if (y.DsraTarget > peakDsra.DsraTarget) peakDsra = y;
            if (y.MraBalance < y.MraTarget || y.DsraBalance < y.DsraTarget) shortfalls.Add(y.Year);
            if (y.CashBalance < lowest.CashBalance) lowest = y;
            if (y.ConnectedWeq > 0m && !y.NietMeerDanNu) nmdnBreaches.Add(y.Year);
            cumulative += y.ProjectCashFlow;
            if (cumulative < 0m) wasNegative = true;
            else if (wasNegative && payback is null) payback = y.Year;
            if (!y.CovenantTested || y.Dscr is not { } dscr) continue;
            if (firstTested < 0) firstTested = t;
            tested++;
            dscrSum += dscr; // the reported (rounded) ratios, as a reader of the table would average them
            if (minDscr is null || dscr < minDscr) { minDscr = dscr; minDscrYear = y.Year; }
            if (dscr < x.MinDscr) breaches.Add(y.Year);
        }
        if (!wasNegative) payback = x.StartYear;
        else if (cumulative < 0m) payback = null;

        decimal? llcr = null;
        if (depth == EvaluationDepth.Full && firstTested >= 0 && openingDebt[firstTested] > 0m)
        {
            var rate = weightedRate / loanTotal;
            var maturity = Math.Min(lastMaturity, x.EndYear) - x.StartYear;
            var cfads = new decimal[maturity - firstTested + 1];
            for (var t = firstTested; t <= maturity; t++) cfads[t - firstTested] = years[t].Cfads;
            llcr = LoanLifeCoverage(rate, cfads, openingDebt[firstTested]);
        }

        var irr = depth == EvaluationDepth.Full ? SpreadsheetFunctions.IrrRounded(flows, 6) : null;
        var covenantBreaches = breaches.ToImmutable();
        return new Kpis
        {
            SourcesAndUses = sourcesAndUses,
            Npv = NpvToTheCent(x.DiscountRate, flows),
            NpvAfterFinancing = NpvToTheCent(x.DiscountRate, equityFlows),
            Irr = irr,
            PaybackYear = payback,
            MinDscr = minDscr,
            MinDscrYear = minDscrYear,
            AverageDscr = tested > 0 ? Ratio(dscrSum / tested) : null,
            Llcr = llcr,
            CovenantBreaches = covenantBreaches,
            TotalInterest = totalInterest,
            InterestDuringConstruction = interestDuringConstruction,
            PeakMraTarget = peakMra.MraTarget,
            PeakMraTargetYear = peakMra.MraTarget > 0m ? peakMra.Year : null,
            PeakDsraTarget = peakDsra.DsraTarget,
            PeakDsraTargetYear = peakDsra.DsraTarget > 0m ? peakDsra.Year : null,
            ReserveShortfallYears = shortfalls.ToImmutable(),
            DebtOutstandingAtEnd = debtAtEnd,
            LowestCashBalance = lowest.CashBalance,
            LowestCashBalanceYear = lowest.Year,
            NietMeerDanNuBreaches = nmdnBreaches.ToImmutable(),
            FinancingCloses = sourcesAndUses.Covered && covenantBreaches.IsEmpty && debtAtEnd == 0m,
        };
    }

    /// <summary>
    /// NPV to 28 digits, by Horner's rule with one multiplication per value by 1/(1+rate) (28 digits) instead
    /// of a division: the LLCR's decimal fallback below (a ratio to four decimals). The NPVs in euros use
    /// <see cref="NpvToTheCent"/>; <see cref="SpreadsheetFunctions.Npv"/> is the general function.
    /// </summary>
    private static decimal Npv(decimal rate, decimal[] values)
    {
        var discount = 1m / (1m + rate);
        var acc = 0m;
        for (var i = values.Length - 1; i >= 0; i--) acc = (acc + values[i]) * discount;
        return acc;
    }

    /// <summary>
    /// NPV in euros as a spreadsheet computes it (the first value discounted one period), to the cent. Horner's
    /// rule with the discount factor 1/(1+rate) to 18 decimals, the running value rounded to 10 decimals at each
    /// step, each step one exact multiply-and-round in integers (<see cref="DecimalRounding.ExactProduct"/>):
    /// all decimal, a third of the cost of carrying 28 digits. The result is within 1e-7 € of the exact NPV
    /// (33 steps of at most 5e-11 €, grown at most 5.5-fold at a −5% rate, plus the factor's 5e-19 on values
    /// up to 1e9 €), so its cent is the exact NPV's cent unless that lies within 1e-7 € of a half cent.
    /// </summary>
    private static decimal NpvToTheCent(decimal rate, decimal[] values)
    {
        var discount = DecimalRounding.AwayFromZero(1m / (1m + rate), 18);
        var acc = 0m;
        for (var i = values.Length - 1; i >= 0; i--) acc = DecimalRounding.ExactProduct(acc + values[i], discount, 10);
        return Cents(acc);
    }

    /// <summary>
    /// LLCR: Ratio(Npv(rate, cfads) / debt), bit for bit: a ratio, not money, so it may come from the double
    /// Horner when its proven error bound decides the fourth decimal (see <see cref="CertifiedRounding"/>);
    /// NPVs in euros are always computed in decimal.
    /// </summary>
    private static decimal LoanLifeCoverage(decimal rate, decimal[] cfads, decimal debt)
    {
        var (estimate, error) = CertifiedRounding.Npv(rate, cfads);
        var d = (double)debt;
        // The conversion of the debt and the division add a few roundings; decimal's division far less.
        var q = estimate / d;
        var bound = error / Math.Abs(d) * (1 + 8 * CertifiedRounding.Unit) + Math.Abs(q) * (8 * CertifiedRounding.Unit + 1e-24);
        return CertifiedRounding.TryRound(q, bound, 4) ?? Ratio(Npv(rate, cfads) / debt);
    }

    /// <summary>
    /// Ratio(a / b), bit for bit: a double quotient of two decimals is within 10 roundings of the exact one
    /// (conversions and the division), which nearly always decides the fourth decimal; otherwise in decimal.
    /// </summary>
    private static decimal Quotient(decimal a, decimal b)
    {
        var q = (double)a / (double)b;
        return CertifiedRounding.TryRound(q, Math.Abs(q) * (16 * CertifiedRounding.Unit + 1e-24), 4) ?? Ratio(a / b);
    }

    /// <summary>decimal's own zero test (no comparison of scaled values), reachable through INumberBase.</summary>
    private static bool IsZero<T>(T value) where T : System.Numerics.INumberBase<T> => T.IsZero(value);

    /// <summary>Money is booked in whole cents, half away from zero.</summary>
    internal static decimal Cents(decimal amount) =>
        DecimalRounding.AwayFromZero(amount, 2);

    /// <summary>Cents(a * b), bit for bit, a little cheaper (see <see cref="DecimalRounding.Product"/>).</summary>
    private static decimal CentsOf(decimal a, decimal b) => DecimalRounding.Product(a, b, 2);

    /// <summary>Factor(a * b), bit for bit, a little cheaper.</summary>
    private static decimal FactorOf(decimal a, decimal b) => DecimalRounding.Product(a, b, 10);

    /// <summary>
    /// Rounds a factor (index, share, unit price) to ten decimals: far below a cent on any amount
    /// here, and it keeps products within decimal's 28 digits, where arithmetic is many times faster.
    /// </summary>
    private static decimal Factor(decimal value) =>
        DecimalRounding.AwayFromZero(value, 10);

    /// <summary>Ratios (DSCR, LLCR) are reported to four decimals.</summary>
    private static decimal Ratio(decimal value) => DecimalRounding.AwayFromZero(value, 4);

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
