using System.Globalization;
using ClosedXML.Excel;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.Spreadsheets.Export;
using Xunit.Abstractions;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// The business-case sheet's formulas, recalculated by Gnumeric, give the engine's own values:
/// money to the cent, ratios to their four decimals, years and yes/no exactly.
/// </summary>
public sealed class BusinessCaseFormulaTests(ITestOutputHelper output)
{
    private static readonly (BusinessCaseLine Line, Func<YearResult, object?> Value)[] Lines =
    [
        (BusinessCaseLine.Year, y => y.Year),
        (BusinessCaseLine.ConnectedWeq, y => y.ConnectedWeq),
        (BusinessCaseLine.HeatSoldGj, y => y.HeatSoldGj),
        (BusinessCaseLine.Revenue, y => y.Revenue),
        (BusinessCaseLine.ElectricityCost, y => y.ElectricityCost),
        (BusinessCaseLine.MaintenanceCost, y => y.MaintenanceCost),
        (BusinessCaseLine.OrganisationCost, y => y.OrganisationCost),
        (BusinessCaseLine.InsuranceCost, y => y.InsuranceCost),
        (BusinessCaseLine.ThirdPartyFee, y => y.ThirdPartyFee),
        (BusinessCaseLine.Opex, y => y.Opex),
        (BusinessCaseLine.Ebitda, y => y.Ebitda),
        (BusinessCaseLine.Replacements, y => y.Replacements),
        (BusinessCaseLine.MraContribution, y => y.MraContribution),
        (BusinessCaseLine.Cfads, y => y.Cfads),
        (BusinessCaseLine.Interest, y => y.Interest),
        (BusinessCaseLine.Principal, y => y.Principal),
        (BusinessCaseLine.GuaranteeFee, y => y.GuaranteeFee),
        (BusinessCaseLine.DebtService, y => y.DebtService),
        (BusinessCaseLine.Dscr, y => y.Dscr),
        (BusinessCaseLine.CovenantTested, y => y.CovenantTested),
        (BusinessCaseLine.InitialInvestment, y => y.InitialInvestment),
        (BusinessCaseLine.ThirdPartyFunding, y => y.ThirdPartyFunding),
        (BusinessCaseLine.Subsidies, y => y.Subsidies),
        (BusinessCaseLine.ConnectionFees, y => y.ConnectionFees),
        (BusinessCaseLine.LoanDrawdowns, y => y.LoanDrawdowns),
        (BusinessCaseLine.MemberCapital, y => y.MemberCapital),
        (BusinessCaseLine.NetCashFlow, y => y.NetCashFlow),
        (BusinessCaseLine.CashBalance, y => y.CashBalance),
        (BusinessCaseLine.DsraTarget, y => y.DsraTarget),
        (BusinessCaseLine.DsraBalance, y => y.DsraBalance),
        (BusinessCaseLine.MraTarget, y => y.MraTarget),
        (BusinessCaseLine.MraBalance, y => y.MraBalance),
        (BusinessCaseLine.ProjectCashFlow, y => y.ProjectCashFlow),
        (BusinessCaseLine.HouseholdHeatCost, y => y.HouseholdHeatCost),
        (BusinessCaseLine.ReferenceGasCost, y => y.ReferenceGasCost),
        (BusinessCaseLine.NietMeerDanNu, y => y.NietMeerDanNu),
    ];

    private static readonly (BusinessCaseKpi Kpi, Func<Kpis, object?> Value)[] KpiValues =
    [
        (BusinessCaseKpi.Uses, k => k.SourcesAndUses.Uses),
        (BusinessCaseKpi.Subsidies, k => k.SourcesAndUses.Subsidies),
        (BusinessCaseKpi.ThirdParty, k => k.SourcesAndUses.ThirdParty),
        (BusinessCaseKpi.ConnectionFees, k => k.SourcesAndUses.ConnectionFees),
        (BusinessCaseKpi.BoilerBuyOff, k => k.SourcesAndUses.BoilerBuyOff),
        (BusinessCaseKpi.MemberCapital, k => k.SourcesAndUses.MemberCapital),
        (BusinessCaseKpi.Loans, k => k.SourcesAndUses.Loans),
        (BusinessCaseKpi.Sources, k => k.SourcesAndUses.Sources),
        (BusinessCaseKpi.Surplus, k => k.SourcesAndUses.Surplus),
        (BusinessCaseKpi.Npv, k => k.Npv),
        (BusinessCaseKpi.NpvAfterFinancing, k => k.NpvAfterFinancing),
        (BusinessCaseKpi.Irr, k => k.Irr),
        (BusinessCaseKpi.PaybackYear, k => k.PaybackYear),
        (BusinessCaseKpi.MinDscr, k => k.MinDscr),
        (BusinessCaseKpi.MinDscrYear, k => k.MinDscrYear),
        (BusinessCaseKpi.AverageDscr, k => k.AverageDscr),
        (BusinessCaseKpi.CovenantBreachCount, k => k.CovenantBreaches.Length),
        (BusinessCaseKpi.TotalInterest, k => k.TotalInterest),
        (BusinessCaseKpi.DebtOutstandingAtEnd, k => k.DebtOutstandingAtEnd),
        (BusinessCaseKpi.LowestCashBalance, k => k.LowestCashBalance),
        (BusinessCaseKpi.LowestCashBalanceYear, k => k.LowestCashBalanceYear),
        (BusinessCaseKpi.FinancingCloses, k => k.FinancingCloses),
    ];

    /// <summary>Every line of the yearly table, every loan's schedule and every KPI cell on the sheet, against the engine's evaluation of the same inputs.</summary>
    public static List<string> Disagreements(List<string[]> values, BusinessCaseLayout layout, Inputs inputs, Evaluation engine, out int compared)
    {
        var failures = new List<string>();
        compared = 0;
        foreach (var (line, value) in Lines)
        {
            var row = layout.Rows[line];
            for (var t = 0; t < layout.Years; t++)
            {
                compared++;
                var address = $"{SheetFormat.Letters(layout.FirstYearColumn + t)}{row}";
                if (Disagreement(Cell(values, row, layout.FirstYearColumn + t), value(engine.Years[t])) is { } why)
                    failures.Add($"{line} {engine.Years[t].Year} ({address}): {why}");
            }
        }
        // Each loan's schedule, year by year, against the engine's own LoanSchedule.
        foreach (var (loan, openingRow) in inputs.Loans.Zip(layout.LoanOpeningRows))
        {
            var schedule = LoanSchedule.Build(loan.Terms);
            for (var t = 0; t < layout.Years; t++)
            {
                var k = inputs.StartYear + t - loan.DrawdownYear;
                var period = k >= 0 && k < schedule.Length ? schedule[k] : null;
                foreach (var (offset, expected, name) in new[]
                         {
                             (0, period?.OpeningBalance ?? 0m, "opening"), (1, Warmte.BusinessCase.Engine.BusinessCaseEngine.ConstructionInterestBasis(loan, inputs.StartYear + t) is { } basis
                                 ? decimal.Round(loan.Terms.AnnualRate * basis, 2, MidpointRounding.AwayFromZero) // drawn during the year: month by month
                                 : period?.Interest ?? 0m, "interest"), (2, period?.Principal ?? 0m, "principal"),
                         })
                {
                    compared++;
                    if (Disagreement(Cell(values, openingRow + offset, layout.FirstYearColumn + t), expected) is { } why)
                        failures.Add($"loan {loan.Lender} {name} {inputs.StartYear + t}: {why}");
                }
            }
        }
        foreach (var (kpi, value) in KpiValues)
        {
            compared++;
            var address = layout.Kpis[kpi];
            // KPI cells sit in the value column (C): "C138".
            var row = int.Parse(address[1..], CultureInfo.InvariantCulture);
            if (Disagreement(Cell(values, row, BusinessCaseSheet.ValueColumn), value(engine.Kpis)) is { } why)
                failures.Add($"{kpi} ({address}): {why}");
        }
        return failures;
    }

    [Theory]
    [InlineData("ketelhuiswg.json")]
    [InlineData("zonnedak-sporthal.json")]
    public void A_business_case_sheet_on_its_own_recalculated_by_gnumeric_equals_the_engine(string model)
    {
        var inputs = ReferenceExport.Model(model);
        var dir = Directory.CreateTempSubdirectory("warmte-export-");
        var file = Path.Combine(dir.FullName, "model.xlsx");
        BusinessCaseLayout layout;
        using (var workbook = XlsxFile.New())
        {
            layout = BusinessCaseSheet.Write(workbook.AddWorksheet("Businesscase"), inputs, 1);
            File.WriteAllBytes(file, XlsxFile.ToBytes(workbook));
        }
        var failures = Disagreements(Gnumeric.RecalculatedSheet(file, "Businesscase"), layout, inputs, BusinessCaseEngine.Evaluate(inputs), out var compared);
        output.WriteLine($"{model}: {compared} formula cells compared with the engine, of {layout.FormulaCells} formulas on the sheet.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} disagree (file {file}):\n" + string.Join("\n", failures.Take(60)));
        dir.Delete(recursive: true);
    }

    public static string Cell(List<string[]> values, int row, int column) =>
        row - 1 < values.Count && column - 1 < values[row - 1].Length ? values[row - 1][column - 1] : "";

    /// <summary>Null when the spreadsheet's text equals the engine's value; else why not.</summary>
    public static string? Disagreement(string text, object? expected)
    {
        switch (expected)
        {
            case null:
                return text.Length == 0 || text.StartsWith('#') ? null : $"spreadsheet {text}, engine none";
            case bool b:
                return string.Equals(text, b ? "TRUE" : "FALSE", StringComparison.OrdinalIgnoreCase) ? null : $"spreadsheet {text}, engine {b}";
            default:
                var engine = Convert.ToDecimal(expected, CultureInfo.InvariantCulture);
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var sheet)) return $"spreadsheet '{text}', engine {engine}";
                // To the cent: the spreadsheet's double may differ from the booked decimal only far below half a cent.
                return Math.Abs(sheet - engine) < 0.005m ? null : $"spreadsheet {text}, engine {engine} (diff {sheet - engine})";
        }
    }
}
