using System.Collections.Immutable;
using ClosedXML.Excel;
using Warmte.BusinessCase.Engine;
using static Warmte.Spreadsheets.Export.SheetFormat;

namespace Warmte.Spreadsheets.Export;

/// <summary>The computed lines of the yearly table, named as the engine's <see cref="YearResult"/> fields they mirror.</summary>
public enum BusinessCaseLine
{
    Year, ConnectedShareAtEnd, ConnectedWeq, HeatSoldGj, Revenue, ElectricityCost, MaintenanceCost, OrganisationCost,
    InsuranceCost, ThirdPartyFee, Opex, Ebitda, Replacements, MraContribution, Cfads, Interest, Principal, GuaranteeFee,
    DebtService, Dscr, CovenantTested, InitialInvestment, ThirdPartyFunding, Subsidies, ConnectionFees, LoanDrawdowns,
    MemberCapital, NetCashFlow, CashBalance, DsraTarget, DsraBalance, MraTarget, MraBalance, ProjectCashFlow, HouseholdHeatCost,
    ReferenceGasCost, NietMeerDanNu,
}

/// <summary>The KPI cells, named as the engine's <see cref="Kpis"/> fields they mirror.</summary>
public enum BusinessCaseKpi
{
    Uses, Subsidies, ThirdParty, ConnectionFees, BoilerBuyOff, MemberCapital, Loans, Sources, Surplus, Npv,
    NpvAfterFinancing, Irr, PaybackYear, MinDscr, MinDscrYear, AverageDscr, CovenantBreachCount, TotalInterest,
    DebtOutstandingAtEnd, LowestCashBalance, LowestCashBalanceYear, FinancingCloses,
}

/// <summary>
/// Where the business case landed on its sheet: the row of each line, the year columns, the KPI cells,
/// and per loan (in model order) the row of its opening balance, with interest and repayment on the two rows below.
/// </summary>
public sealed record BusinessCaseLayout(
    int FirstYearColumn, int Years, ImmutableDictionary<BusinessCaseLine, int> Rows,
    ImmutableDictionary<BusinessCaseKpi, string> Kpis, ImmutableArray<int> LoanOpeningRows, int FormulaCells, int NextRow);

/// <summary>
/// Writes a business case as a live spreadsheet model: an input block (yellow cells: the model's
/// values, the subsidies, investments and loans, and the connection ramp-up per year) and the
/// yearly table and KPIs as formulas over those inputs, mirroring <see cref="BusinessCaseEngine"/>
/// step by step, with its rounding (ROUND to cents where the engine books cents, to ten decimals
/// where it rounds a factor). A coordinator who changes an input sees the table follow; left
/// unchanged, every formula gives the engine's own value to the cent (a test recalculates it).
/// The model's stress settings (tariff and capex factors, ramp-up delay) are not exported: the
/// sheet is the model as saved. Not mirrored: the LLCR and the ACM cap check (shown by the API).
/// </summary>
public static class BusinessCaseSheet
{
    public const int LabelColumn = 1, UnitColumn = 2, ValueColumn = 3, FirstYearColumn = 4;

    public static BusinessCaseLayout Write(IXLWorksheet sheet, Inputs x, int firstRow) => Write(new ClosedXmlCells(sheet), x, firstRow);

    public static BusinessCaseLayout Write(SheetCells sheet, Inputs x, int firstRow) => new Writer(sheet, x, firstRow).Write();

    private sealed class Writer(SheetCells ws, Inputs x, int firstRow)
    {
        private int _row = firstRow;
        private int _formulas;
        private readonly Dictionary<BusinessCaseLine, int> _lines = [];
        private readonly Dictionary<BusinessCaseKpi, string> _kpis = [];
        private readonly List<int> _kpiRows = [];
        private readonly int _h = x.HorizonYears;

        private static string C(int t) => Letters(FirstYearColumn + t);
        private string Last => C(_h - 1);

        private void Formula(int row, int column, string formula)
        {
            ws.Formula(row, column, formula);
            _formulas++;
        }

        private string Input(string label, string unit, object value, string format)
        {
            ws.Text(_row, LabelColumn, label);
            ws.Text(_row, UnitColumn, unit);
            SetInput(_row, ValueColumn, value, format);
            return Absolute(_row++, ValueColumn);
        }

        private void SetInput(int row, int column, object? value, string format)
        {
            switch (value)
            {
                case null: break;
                case decimal d: ws.Number(row, column, d); break;
                case int i: ws.Number(row, column, i); break;
                case string s: ws.Text(row, column, s); break;
                default: throw new ArgumentException($"Unsupported input {value.GetType()}");
            }
            ws.Format(row, column, format);
            ws.Fill(row, column, InputFill);
        }

        private string Derived(string label, string unit, string formula, string format)
        {
            ws.Text(_row, LabelColumn, label);
            ws.Text(_row, UnitColumn, unit);
            Formula(_row, ValueColumn, formula);
            ws.Format(_row, ValueColumn, format);
            return Absolute(_row++, ValueColumn);
        }

        /// <summary>One line of the yearly table; <paramref name="formula"/> gives the formula for year index t (null = no formula, value 0).</summary>
        private int Line(string label, string unit, Func<int, string?> formula, string format, bool total = false, BusinessCaseLine? line = null)
        {
            var r = _row++;
            // The row's format, set before its cells exist, is inherited by them: one style change instead of one per cell.
            ws.RowFormat(r, format);
            ws.Text(r, LabelColumn, label);
            ws.Text(r, UnitColumn, unit);
            for (var t = 0; t < _h; t++)
            {
                if (formula(t) is { } f) Formula(r, FirstYearColumn + t, f);
                else ws.Number(r, FirstYearColumn + t, 0);
            }
            if (total) Formula(r, ValueColumn, $"SUM({C(0)}{r}:{Last}{r})");
            if (line is { } l)
            {
                _lines[l] = r;
                ws.Bold(r, LabelColumn, l is BusinessCaseLine.Ebitda or BusinessCaseLine.Cfads or BusinessCaseLine.Dscr
                    or BusinessCaseLine.NetCashFlow or BusinessCaseLine.CashBalance);
            }
            return r;
        }

        private void Kpi(BusinessCaseKpi kpi, string label, string formula, string format)
        {
            _kpiRows.Add(_row);
            _kpis[kpi] = Derived(label, "", formula, format).Replace("$", "");
        }

        public BusinessCaseLayout Write()
        {
            var r = x.Revenue;
            var o = x.Opex;
            ws.Section(_row++, "Businesscase: " + x.Name);
            ws.Text(_row++, 1, "Gele cellen zijn invoer: verander ze en de tabel en de kengetallen rekenen mee. Bedragen in euro's, tarieven incl. btw.");
            _row++;

            ws.Section(_row++, "Invoer");
            var start = Input("Startjaar", "jaar", x.StartYear, Whole);
            var baseYear = Input("Prijspeiljaar (indexatie telt vanaf hier)", "jaar", x.PriceBaseYear, Whole);
            var discount = Input("Disconteringsvoet (NPV)", "%", x.DiscountRate, Percent);
            var weq = Input("Woningequivalenten", "aantal", r.Woningequivalenten, Whole);
            var connections = Input("Aansluitingen bij volledige aansluiting", "aantal", r.Connections, Whole);
            var demand = Input("Warmtevraag per woningequivalent", "GJ/jaar", r.HeatDemandGjPerWeq, Number);
            var fixedTariff = Input("Vast tarief per woningequivalent (incl. btw)", "€/jaar", r.FixedTariffPerYear, Euro);
            var variableTariff = Input("Variabel tarief (incl. btw)", "€/GJ", r.VariableTariffPerGj, Euro);
            var vat = Input("Btw", "%", r.VatRate, Percent);
            var tariffIndexation = Input("Indexatie tarieven", "%/jaar", r.Indexation, Percent);
            var gas = Input("Referentie: gaskosten per huishouden (Niet Meer Dan Nu)", "€/jaar", r.ReferenceGasCostPerYear, Euro);
            var gasIndexation = Input("Indexatie gaskosten", "%/jaar", r.ReferenceGasIndexation, Percent);
            var shareBefore = Input("Aandeel aangesloten vóór het startjaar", "%", r.ShareAtEndOf(x.StartYear - 1), Percent);
            var cop = Input("COP warmtepompen", "factor", o.HeatPumpCop, Number);
            var electricityPrice = Input("Elektriciteitsprijs", "€/kWh", o.ElectricityPricePerKwh, "0.0000");
            var electricityIndexation = Input("Indexatie elektriciteit", "%/jaar", o.ElectricityIndexation, Percent);
            var maintenanceShare = Input("Onderhoud (deel van eigen investering)", "%/jaar", o.MaintenanceShareOfInvestment, Percent);
            var organisation = Input("Organisatie", "€/jaar", o.OrganisationPerYear, Euro);
            var insurance = Input("Verzekering", "€/jaar", o.InsurancePerYear, Euro);
            var thirdPartyFee = Input("Vergoeding aan eigenaar derde-installaties", "€/jaar", o.ThirdPartyFeePerYear, Euro);
            var opexIndexation = Input("Indexatie onderhoud, organisatie, verzekering, vergoeding", "%/jaar", o.Indexation, Percent);
            var fee = Input("Aansluitbijdrage per aansluiting", "€", x.FeePerConnection, Euro);
            var buyOff = Input("Afkoop vermeden ketelkosten per aansluiting", "€", x.BoilerBuyOffPerConnection, Euro);
            var memberCapital = Input("Ledenkapitaal (in het startjaar)", "€", x.MemberCapital, Euro);
            var dsraMonths = Input("Schuldendienstreserve (DSRA): maanden schuldendienst van volgend jaar", "maanden", x.DsraMonths, Whole);
            var minDscr = Input("Minimale DSCR van de geldgever (convenant)", "factor", x.MinDscr, Ratio);
            var electricityPerGj = Derived("Elektriciteitskosten per GJ warmte (1 GJ = 277,78 kWh)", "€/GJ",
                $"ROUND(1000000/3600/{cop}*{electricityPrice},10)", Factor);
            _row++;

            // Subsidies: one line each; the yearly table sums them by year.
            ws.Section(_row++, "Subsidies");
            TableHeader("Naam", "Financier", "Bedrag", "Jaar");
            var subsidyFirst = _row;
            foreach (var s in x.Subsidies)
            {
                ws.Text(_row, 1, s.Name);
                SetInput(_row, 2, s.Funder, "@");
                SetInput(_row, 3, s.Amount, Euro);
                SetInput(_row, 4, s.Year, Whole);
                _row++;
            }
            var subsidyLast = _row - 1;
            _row++;

            ws.Section(_row++, "Investeringen");
            TableHeader("Naam", "Eigenaar (leeg = coöperatie)", "Bedrag", "Van jaar", "Van maand", "Tot jaar", "Tot maand",
                "Levensduur (jaren)", "Vervangingsaandeel", "Indexatie vervanging", "Maanden", "Per maand");
            // The name on each investment and loan row, for the labels of their lines in the yearly table.
            var names = new Dictionary<int, string>();
            var items = new List<int>();
            foreach (var item in x.Investments)
            {
                var tr = _row++;
                items.Add(tr);
                ws.Text(tr, 1, item.Name);
                names[tr] = item.Name;
                SetInput(tr, 2, item.OwnedBy, "@");
                SetInput(tr, 3, item.Amount, Euro);
                SetInput(tr, 4, item.From.Year, Whole);
                SetInput(tr, 5, item.From.Month, Whole);
                SetInput(tr, 6, item.To.Year, Whole);
                SetInput(tr, 7, item.To.Month, Whole);
                SetInput(tr, 8, item.LifetimeYears, Whole);
                SetInput(tr, 9, item.ReplacementShare, Percent);
                SetInput(tr, 10, item.Indexation, Percent);
                Formula(tr, 11, $"($F${tr}*12+$G${tr})-($D${tr}*12+$E${tr})+1");
                Formula(tr, 12, $"ROUND($C${tr}/$K${tr},2)");
                ws.Format(tr, 12, Euro);
            }
            _row++;

            ws.Section(_row++, "Leningen");
            TableHeader("Geldgever", "Aflossing (Annuity, Linear, Bullet)", "Hoofdsom", "Rente", "Looptijd (jaren)",
                "Aflossingsvrije jaren", "Jaar van opname", "Garantieprovisie");
            var loans = new List<int>();
            foreach (var loan in x.Loans)
            {
                var lr = _row++;
                loans.Add(lr);
                ws.Text(lr, 1, loan.Lender);
                names[lr] = loan.Lender;
                SetInput(lr, 2, loan.Terms.Type.ToString(), "@");
                SetInput(lr, 3, loan.Terms.Principal, Euro);
                SetInput(lr, 4, loan.Terms.AnnualRate, Percent);
                SetInput(lr, 5, loan.Terms.TermYears, Whole);
                SetInput(lr, 6, loan.Terms.GraceYears, Whole);
                SetInput(lr, 7, loan.DrawdownYear, Whole);
                SetInput(lr, 8, loan.GuaranteeFeeRate, Percent);
            }
            _row++;

            // The yearly table.
            ws.Section(_row++, "Berekening per jaar");
            // Inside a line's formula lambda, _row − 1 is the line's own row (Line has moved past it).
            var yearRow = Line("Jaar", "", t => t == 0 ? start : $"{C(t - 1)}{_row - 1}+1", Whole, line: BusinessCaseLine.Year);
            ws.Header(yearRow, 1, FirstYearColumn + _h - 1);
            ws.Text(yearRow, ValueColumn, "Totaal");
            var end = $"${Last}${yearRow}";
            string Y(int t) => $"{C(t)}${yearRow}";

            var shareRow = _row++;
            ws.Text(shareRow, 1, "Aandeel aangesloten aan het eind van het jaar (volloopplan)");
            ws.Text(shareRow, 2, "%");
            ws.RowFormat(shareRow, Percent);
            for (var t = 0; t < _h; t++) ws.Number(shareRow, FirstYearColumn + t, r.ShareAtEndOf(x.StartYear + t));
            ws.Fill(shareRow, FirstYearColumn, FirstYearColumn + _h - 1, InputFill);
            _lines[BusinessCaseLine.ConnectedShareAtEnd] = shareRow;
            string Share(int t) => $"{C(t)}{shareRow}";
            string ShareBefore(int t) => t == 0 ? shareBefore : $"{C(t - 1)}{shareRow}";

            int avg;
            if (r.RampUpMonths.IsDefaultOrEmpty)
                avg = Line("Gemiddeld aandeel aangesloten (12 maandeinden)", "%",
                    t => $"ROUND({ShareBefore(t)}+({Share(t)}-{ShareBefore(t)})*13/24,10)", Factor);
            else
            {
                // A monthly ramp-up plan: the average of the twelve month-ends comes from the plan, as an input.
                avg = _row++;
                ws.Text(avg, 1, "Gemiddeld aandeel aangesloten (12 maandeinden, uit het maandvolloopplan)");
                ws.Text(avg, 2, "%");
                var averages = Warmte.BusinessCase.Engine.BusinessCaseEngine.AverageConnectedShares(x);
                for (var t = 0; t < _h; t++) SetInput(avg, FirstYearColumn + t, averages[t], Factor);
            }
            var weqRow = Line("Woningequivalenten aangesloten (gemiddeld)", "aantal", t => $"{weq}*{C(t)}{avg}", "#,##0.00",
                line: BusinessCaseLine.ConnectedWeq);
            var gj = Line("Warmte verkocht", "GJ", t => $"{C(t)}{weqRow}*{demand}", "#,##0.00", true, BusinessCaseLine.HeatSoldGj);
            int Index(string label, string rate) => Line(label, "factor", t => t switch
            {
                0 => $"ROUND((1+{rate})^({start}-{baseYear}),10)",
                1 => $"ROUND((1+{rate})^({start}-{baseYear})*(1+{rate}),10)",
                _ => $"ROUND({C(t - 1)}{_row - 1}*(1+{rate}),10)",
            }, Factor);
            var tariffIndex = Index("Index tarieven", tariffIndexation);
            var opexIndex = Index("Index onderhoud, organisatie, verzekering, vergoeding", opexIndexation);
            var electricityIndex = Index("Index elektriciteit", electricityIndexation);
            var gasIndex = Index("Index gaskosten", gasIndexation);
            var fixedRow = Line("Vast tarief (incl. btw)", "€/jaar", t => $"{fixedTariff}*{C(t)}{tariffIndex}", Euro);
            var variableRow = Line("Variabel tarief (incl. btw)", "€/GJ", t => $"{variableTariff}*{C(t)}{tariffIndex}", Euro);

            var revenue = Line("Omzet (excl. btw)", "€",
                t => $"ROUND(({C(t)}{weqRow}*{C(t)}{fixedRow}+{C(t)}{gj}*{C(t)}{variableRow})/(1+{vat}),2)", Euro, true, BusinessCaseLine.Revenue);
            var electricity = Line("Elektriciteit warmtepompen", "€", t => $"ROUND({C(t)}{gj}*{electricityPerGj}*{C(t)}{electricityIndex},2)", Euro, true,
                BusinessCaseLine.ElectricityCost);

            // Spending per investment per year: whole months at the rounded monthly amount, the last month takes the remainder.
            var spendFirst = _row;
            foreach (var tr in items)
            {
                var sr = _row++;
                ws.RowFormat(sr, Euro);
                ws.Text(sr, 1, "Investering: " + names[tr]);
                Formula(sr, 2, $"IF($B${tr}=\"\",\"eigen\",\"derde\")");
                Formula(sr, 3, $"SUM({C(0)}{sr}:{Last}{sr})");
                for (var t = 0; t < _h; t++)
                    Formula(sr, FirstYearColumn + t,
                        $"$L${tr}*MAX(0,MIN($F${tr}*12+$G${tr},{Y(t)}*12+12)-MAX($D${tr}*12+$E${tr},{Y(t)}*12+1)+1)+IF($F${tr}={Y(t)},$C${tr}-$L${tr}*$K${tr},0)");
            }
            var spendLast = _row - 1;
            var hasItems = items.Count > 0;
            var own = hasItems
                ? Derived("Eigen investering (totaal)", "€", $"SUMIF($B${spendFirst}:$B${spendLast},\"eigen\",$C${spendFirst}:$C${spendLast})", Euro)
                : Derived("Eigen investering (totaal)", "€", "0", Euro);
            var thirdParty = hasItems
                ? Derived("Investering van derden (totaal)", "€", $"SUMIF($B${spendFirst}:$B${spendLast},\"derde\",$C${spendFirst}:$C${spendLast})", Euro)
                : Derived("Investering van derden (totaal)", "€", "0", Euro);

            string Operating(int t) => $"{Share(t)}>0";
            var maintenance = Line("Onderhoud", "€", t => $"IF({Operating(t)},ROUND({maintenanceShare}*{own}*{C(t)}{opexIndex},2),0)", Euro, true,
                BusinessCaseLine.MaintenanceCost);
            var organisationRow = Line("Organisatie", "€", t => $"ROUND({organisation}*{C(t)}{opexIndex},2)", Euro, true, BusinessCaseLine.OrganisationCost);
            var insuranceRow = Line("Verzekering", "€", t => $"IF({Operating(t)},ROUND({insurance}*{C(t)}{opexIndex},2),0)", Euro, true,
                BusinessCaseLine.InsuranceCost);
            var feeRow = Line("Vergoeding eigenaar derde-installaties", "€", t => $"IF({Operating(t)},ROUND({thirdPartyFee}*{C(t)}{opexIndex},2),0)", Euro, true,
                BusinessCaseLine.ThirdPartyFee);
            var opex = Line("Bedrijfskosten (opex)", "€",
                t => $"{C(t)}{electricity}+{C(t)}{maintenance}+{C(t)}{organisationRow}+{C(t)}{insuranceRow}+{C(t)}{feeRow}", Euro, true, BusinessCaseLine.Opex);
            var ebitda = Line("EBITDA", "€", t => $"{C(t)}{revenue}-{C(t)}{opex}", Euro, true, BusinessCaseLine.Ebitda);

            // Replacements fall due a lifetime after an item's last month and every lifetime after; the
            // maintenance reserve saves for each straight-line over the lifetime before it, from the first year with connections.
            var replacementFirst = _row;
            foreach (var tr in items)
            {
                Line("Vervanging: " + names[tr], "€",
                    t => $"IF(AND($B${tr}=\"\",$H${tr}>0,{Y(t)}>$F${tr}),IF(MOD({Y(t)}-$F${tr},$H${tr})=0,ROUND($C${tr}*$I${tr}*(1+$J${tr})^({Y(t)}-{baseYear}),2),0),0)",
                    Euro, true);
            }
            var replacementLast = _row - 1;
            var savingFirst = _row;
            foreach (var tr in items)
            {
                var due = $"($F${tr}+$H${tr}*ROUNDUP(({{0}}-$F${tr})/$H${tr},0))";
                Line("Reservering vervanging: " + names[tr], "€",
                    t => $"IF(AND($B${tr}=\"\",$H${tr}>0,{Y(t)}>$F${tr},{Operating(t)}),IF({string.Format(due, Y(t))}<={end},ROUND($C${tr}*$I${tr}*(1+$J${tr})^({string.Format(due, Y(t))}-{baseYear})/$H${tr},2),0),0)",
                    Euro, true);
            }
            var savingLast = _row - 1;
            var replacements = Line("Vervangingsinvesteringen (uit de onderhoudsreserve)", "€",
                t => hasItems ? $"SUM({C(t)}{replacementFirst}:{C(t)}{replacementLast})" : "0", Euro, true, BusinessCaseLine.Replacements);
            var saving = Line("Storting onderhoudsreserve (MRA)", "€",
                t => hasItems ? $"SUM({C(t)}{savingFirst}:{C(t)}{savingLast})" : "0", Euro, true, BusinessCaseLine.MraContribution);
            var cfads = Line("Kasstroom beschikbaar voor schuldendienst (CFADS)", "€", t => $"{C(t)}{ebitda}-{C(t)}{saving}", Euro, true, BusinessCaseLine.Cfads);

            // Loans: the yearly schedule of each, as LoanSchedule books it.
            var draws = new List<int>();
            var interests = new List<int>();
            var principals = new List<int>();
            var fees = new List<int>();
            var openings = new List<int>();
            foreach (var lr in loans)
            {
                var lender = names[lr];
                string InTerm(int t) => $"AND({Y(t)}>=$G${lr},{Y(t)}<=$G${lr}+$E${lr}-1)";
                var item = x.Loans[loans.IndexOf(lr)];
                if (item.Drawdowns.IsDefaultOrEmpty)
                    draws.Add(Line($"Opname: {lender}", "€", t => $"IF({Y(t)}=$G${lr},$C${lr},0)", Euro, true));
                else
                {
                    // Drawn month by month: the amounts per year come from the drawdown plan, as inputs.
                    var drawRow = _row++;
                    ws.Text(drawRow, 1, $"Opname (maandelijks opnameschema): {lender}");
                    ws.Text(drawRow, 2, "€");
                    var perYear = new decimal[_h];
                    foreach (var (month, amount) in item.DrawdownAmounts())
                        if (month.Year - x.StartYear is var t and >= 0 && t < _h) perYear[t] += amount;
                    for (var t = 0; t < _h; t++) SetInput(drawRow, FirstYearColumn + t, perYear[t], Euro);
                    Formula(drawRow, ValueColumn, $"SUM({C(0)}{drawRow}:{C(_h - 1)}{drawRow})");
                    draws.Add(drawRow);
                }
                // In years the loan is drawn during the year, interest (and the guarantee fee) is charged on the
                // balance drawn month by month: that average balance is an input; otherwise the opening balance applies.
                int? basisRow = null;
                var bases = Enumerable.Range(0, _h).Select(t => Warmte.BusinessCase.Engine.BusinessCaseEngine.ConstructionInterestBasis(item, x.StartYear + t)).ToArray();
                if (bases.Any(b => b is not null))
                {
                    basisRow = _row++;
                    ws.Text(basisRow.Value, 1, $"Rentedragend saldo in opnamejaren (gemiddeld per maand): {lender}");
                    ws.Text(basisRow.Value, 2, "€");
                    for (var t = 0; t < _h; t++)
                        if (bases[t] is { } b) SetInput(basisRow.Value, FirstYearColumn + t, b, Euro);
                }
                var open = _row;
                var interest = open + 1;
                var principal = open + 2;
                string Basis(int t) => basisRow is { } br ? $"IF(ISNUMBER({C(t)}{br}),{C(t)}{br},{C(t)}{open})" : $"{C(t)}{open}";
                openings.Add(open);
                Line($"Schuld begin jaar: {lender}", "€",
                    t => t == 0 ? $"IF({InTerm(t)},$C${lr},0)" : $"IF({InTerm(t)},IF({Y(t)}=$G${lr},$C${lr},{C(t - 1)}{open}-{C(t - 1)}{principal}),0)", Euro);
                interests.Add(Line($"Rente: {lender}", "€", t => $"ROUND({Basis(t)}*$D${lr},2)", Euro, true));
                principals.Add(Line($"Aflossing: {lender}", "€",
                    t => $"IF({InTerm(t)},IF({Y(t)}=$G${lr}+$E${lr}-1,{C(t)}{open},IF({Y(t)}-$G${lr}+1<=$F${lr},0,MIN({C(t)}{open},"
                         + $"IF($B${lr}=\"Annuity\",ROUND(-PMT($D${lr},$E${lr}-$F${lr},$C${lr}),2)-{C(t)}{interest},IF($B${lr}=\"Linear\",ROUND($C${lr}/($E${lr}-$F${lr}),2),0))))),0)",
                    Euro, true));
                fees.Add(Line($"Garantieprovisie: {lender}", "€", t => $"ROUND({Basis(t)}*$H${lr},2)", Euro, true));
            }
            string SumOf(List<int> rows, int t) => rows.Count == 0 ? "0" : string.Join("+", rows.Select(row => $"{C(t)}{row}"));
            var interestRow = Line("Rente", "€", t => SumOf(interests, t), Euro, true, BusinessCaseLine.Interest);
            var principalRow = Line("Aflossing", "€", t => SumOf(principals, t), Euro, true, BusinessCaseLine.Principal);
            var guaranteeRow = Line("Garantieprovisie", "€", t => SumOf(fees, t), Euro, true, BusinessCaseLine.GuaranteeFee);
            var debtService = Line("Schuldendienst", "€", t => $"{C(t)}{interestRow}+{C(t)}{principalRow}+{C(t)}{guaranteeRow}", Euro, true,
                BusinessCaseLine.DebtService);
            var dscr = Line("DSCR (CFADS / schuldendienst)", "factor", t => $"IF({C(t)}{debtService}>0,ROUND({C(t)}{cfads}/{C(t)}{debtService},4),\"\")", Ratio,
                line: BusinessCaseLine.Dscr);
            var tested = Line("Convenant getoetst (schuldendienst met aflossing)", "", t => $"AND({C(t)}{debtService}>0,{C(t)}{principalRow}>0)", "General",
                line: BusinessCaseLine.CovenantTested);
            var testedDscr = Line("DSCR in toetsjaren", "factor", t => $"IF({C(t)}{tested},{C(t)}{dscr},\"\")", Ratio);
            var testedRaw = Line("DSCR in toetsjaren (onafgerond, voor het gemiddelde)", "factor",
                t => $"IF({C(t)}{tested},{C(t)}{cfads}/{C(t)}{debtService},\"\")", Ratio);

            var ownCapex = Line("Investering coöperatie", "€", t => hasItems ? $"SUMIF($B${spendFirst}:$B${spendLast},\"eigen\",{C(t)}{spendFirst}:{C(t)}{spendLast})" : "0",
                Euro, true);
            var thirdCapex = Line("Investering en financiering door derden (loopt door)", "€",
                t => hasItems ? $"SUMIF($B${spendFirst}:$B${spendLast},\"derde\",{C(t)}{spendFirst}:{C(t)}{spendLast})" : "0", Euro, true,
                BusinessCaseLine.ThirdPartyFunding);
            Line("Investering totaal", "€", t => $"{C(t)}{ownCapex}+{C(t)}{thirdCapex}", Euro, true, BusinessCaseLine.InitialInvestment);
            var subsidies = Line("Subsidies", "€",
                t => subsidyLast >= subsidyFirst ? $"SUMIF($D${subsidyFirst}:$D${subsidyLast},{Y(t)},$C${subsidyFirst}:$C${subsidyLast})" : "0", Euro, true,
                BusinessCaseLine.Subsidies);
            var connectionFees = Line("Aansluitbijdragen en afkoop ketelkosten", "€",
                t => $"ROUND({connections}*({Share(t)}-{ShareBefore(t)})*({fee}+{buyOff}),2)", Euro, true, BusinessCaseLine.ConnectionFees);
            var drawdowns = Line("Leningopnames", "€", t => SumOf(draws, t), Euro, true, BusinessCaseLine.LoanDrawdowns);
            var members = Line("Ledenkapitaal", "€", t => t == 0 ? memberCapital : null, Euro, true, BusinessCaseLine.MemberCapital);
            var net = Line("Netto kasstroom", "€",
                t => $"{C(t)}{revenue}-{C(t)}{opex}-{C(t)}{replacements}-{C(t)}{debtService}-{C(t)}{ownCapex}+{C(t)}{subsidies}+{C(t)}{connectionFees}+{C(t)}{drawdowns}+{C(t)}{members}",
                Euro, true, BusinessCaseLine.NetCashFlow);
            var cash = Line("Kassaldo eind jaar", "€", t => t == 0 ? $"{C(t)}{net}" : $"{C(t - 1)}{_row - 1}+{C(t)}{net}", Euro, line: BusinessCaseLine.CashBalance);
            // Reserves at the year end, funded from the cash as far as it reaches: first the maintenance
            // reserve (what the saving plan has set aside for coming replacements), then the DSRA.
            var plan = _row;
            Line("Onderhoudsreserve (MRA): spaarplan cumulatief", "€",
                t => t == 0 ? $"{C(t)}{saving}-{C(t)}{replacements}" : $"{C(t - 1)}{plan}+{C(t)}{saving}-{C(t)}{replacements}", Euro);
            var mraTarget = Line("MRA-doel", "€", t => $"MAX(0,{C(t)}{plan})", Euro, line: BusinessCaseLine.MraTarget);
            var mraBalance = Line("MRA-saldo (deel van de kas)", "€", t => $"MIN(MAX(0,{C(t)}{cash}),{C(t)}{mraTarget})", Euro,
                line: BusinessCaseLine.MraBalance);
            var target = Line("DSRA-doel", "€", t => t + 1 < _h ? $"ROUND({dsraMonths}/12*{C(t + 1)}{debtService},2)" : null, Euro,
                line: BusinessCaseLine.DsraTarget);
            Line("DSRA-saldo (deel van de kas)", "€", t => $"MIN(MAX(0,{C(t)}{cash})-{C(t)}{mraBalance},MAX(0,{C(t)}{target}))", Euro,
                line: BusinessCaseLine.DsraBalance);
            var projectFlow = Line("Projectkasstroom (basis NPV en IRR)", "€",
                t => $"{C(t)}{revenue}-{C(t)}{opex}-{C(t)}{replacements}-{C(t)}{ownCapex}+{C(t)}{subsidies}+{C(t)}{connectionFees}", Euro, true,
                BusinessCaseLine.ProjectCashFlow);
            var equityFlow = Line("Kasstroom na financiering, zonder ledenkapitaal", "€", t => $"{C(t)}{net}-{C(t)}{members}", Euro, true);
            var cumulative = _row;
            Line("Projectkasstroom cumulatief", "€", t => t == 0 ? $"{C(t)}{projectFlow}" : $"{C(t - 1)}{cumulative}+{C(t)}{projectFlow}", Euro);
            var wasNegative = _row;
            Line("Cumulatief ooit negatief", "", t => t == 0 ? $"{C(t)}{cumulative}<0" : $"OR({C(t - 1)}{wasNegative},{C(t)}{cumulative}<0)", "General");
            var candidate = Line("Terugverdiend in dit jaar", "jaar",
                t => t == 0 ? "\"\"" : $"IF(AND({C(t)}{cumulative}>=0,{C(t - 1)}{wasNegative}),{Y(t)},\"\")", Whole);
            var household = Line("Warmtekosten per woningequivalent (incl. btw)", "€/jaar", t => $"ROUND({C(t)}{fixedRow}+{demand}*{C(t)}{variableRow},2)", Euro,
                line: BusinessCaseLine.HouseholdHeatCost);
            var gasCost = Line("Referentie gaskosten", "€/jaar", t => $"ROUND({gas}*{C(t)}{gasIndex},2)", Euro, line: BusinessCaseLine.ReferenceGasCost);
            Line("Niet Meer Dan Nu (warmte ≤ gas)", "", t => $"{C(t)}{household}<={C(t)}{gasCost}", "General", line: BusinessCaseLine.NietMeerDanNu);
            _row++;

            ws.Section(_row++, "Kengetallen");
            string Range(int row) => $"{C(0)}{row}:{Last}{row}";
            var finalShare = $"{Last}{shareRow}";
            Kpi(BusinessCaseKpi.Uses, "Investering (bestedingen)", $"{own}+{thirdParty}", Euro);
            Kpi(BusinessCaseKpi.Subsidies, "Subsidies", subsidyLast >= subsidyFirst ? $"SUM($C${subsidyFirst}:$C${subsidyLast})" : "0", Euro);
            Kpi(BusinessCaseKpi.ThirdParty, "Gefinancierd door derden", thirdParty, Euro);
            Kpi(BusinessCaseKpi.ConnectionFees, "Aansluitbijdragen", $"ROUND({connections}*{finalShare}*{fee},2)", Euro);
            Kpi(BusinessCaseKpi.BoilerBuyOff, "Afkoop vermeden ketelkosten", $"ROUND({connections}*{finalShare}*{buyOff},2)", Euro);
            Kpi(BusinessCaseKpi.MemberCapital, "Ledenkapitaal", memberCapital, Euro);
            Kpi(BusinessCaseKpi.Loans, "Leningen", loans.Count > 0 ? $"SUM($C${loans[0]}:$C${loans[^1]})" : "0", Euro);
            var k = _kpis;
            Kpi(BusinessCaseKpi.Sources, "Bronnen", $"{k[BusinessCaseKpi.Subsidies]}+{k[BusinessCaseKpi.ThirdParty]}+{k[BusinessCaseKpi.ConnectionFees]}+"
                + $"{k[BusinessCaseKpi.BoilerBuyOff]}+{k[BusinessCaseKpi.MemberCapital]}+{k[BusinessCaseKpi.Loans]}", Euro);
            Kpi(BusinessCaseKpi.Surplus, "Bronnen − bestedingen (overschot, negatief = tekort)", $"{k[BusinessCaseKpi.Sources]}-{k[BusinessCaseKpi.Uses]}", Euro);
            Kpi(BusinessCaseKpi.Npv, "NPV projectkasstroom", $"ROUND(NPV({discount},{Range(projectFlow)}),2)", Euro);
            Kpi(BusinessCaseKpi.NpvAfterFinancing, "NPV na financiering", $"ROUND(NPV({discount},{Range(equityFlow)}),2)", Euro);
            Kpi(BusinessCaseKpi.Irr, "IRR projectkasstroom (#GETAL! = geen IRR)", $"ROUND(IRR({Range(projectFlow)}),6)", Percent);
            Kpi(BusinessCaseKpi.PaybackYear, "Terugverdienjaar (leeg = niet binnen de looptijd)",
                $"IF(COUNTIF({Range(cumulative)},\"<0\")=0,{start},IF({Last}{cumulative}<0,\"\",MIN({Range(candidate)})))", Whole);
            Kpi(BusinessCaseKpi.MinDscr, "Minimale DSCR", $"IF(COUNT({Range(testedDscr)})=0,\"\",MIN({Range(testedDscr)}))", Ratio);
            Kpi(BusinessCaseKpi.MinDscrYear, "Jaar van de minimale DSCR",
                $"IF(COUNT({Range(testedDscr)})=0,\"\",INDEX({Range(yearRow)},1,MATCH({k[BusinessCaseKpi.MinDscr]},{Range(testedDscr)},0)))", Whole);
            Kpi(BusinessCaseKpi.AverageDscr, "Gemiddelde DSCR", $"IF(COUNT({Range(testedRaw)})=0,\"\",ROUND(AVERAGE({Range(testedRaw)}),4))", Ratio);
            Kpi(BusinessCaseKpi.CovenantBreachCount, "Jaren onder de minimale DSCR (convenantbreuk)", $"COUNTIF({Range(testedDscr)},\"<\"&{minDscr})", Whole);
            Kpi(BusinessCaseKpi.TotalInterest, "Totale rente", $"SUM({Range(interestRow)})", Euro);
            Kpi(BusinessCaseKpi.DebtOutstandingAtEnd, "Schuld niet afgelost binnen de looptijd",
                openings.Count == 0 ? "0" : string.Join("+", openings.Select(open => $"({Last}{open}-{Last}{open + 2})")), Euro);
            Kpi(BusinessCaseKpi.LowestCashBalance, "Laagste kassaldo", $"MIN({Range(cash)})", Euro);
            Kpi(BusinessCaseKpi.LowestCashBalanceYear, "Jaar van het laagste kassaldo",
                $"INDEX({Range(yearRow)},1,MATCH({k[BusinessCaseKpi.LowestCashBalance]},{Range(cash)},0))", Whole);
            Kpi(BusinessCaseKpi.FinancingCloses, "Financiering sluit (bronnen ≥ bestedingen, geen convenantbreuk, schuld afgelost)",
                $"AND({k[BusinessCaseKpi.Surplus]}>=0,{k[BusinessCaseKpi.CovenantBreachCount]}=0,{k[BusinessCaseKpi.DebtOutstandingAtEnd]}=0)", "General");
            foreach (var kpiRow in _kpiRows) ws.Bold(kpiRow, ValueColumn);
            _row++;

            return new BusinessCaseLayout(FirstYearColumn, _h, _lines.ToImmutableDictionary(), _kpis.ToImmutableDictionary(), [.. openings], _formulas, _row);
        }

        private void TableHeader(params string[] names)
        {
            for (var i = 0; i < names.Length; i++) ws.Text(_row, i + 1, names[i]);
            ws.Header(_row, 1, names.Length);
            _row++;
        }
    }
}
