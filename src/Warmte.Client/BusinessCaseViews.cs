using System.Collections.Immutable;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;

namespace Warmte.Client;

/// <summary>How the business-case results are shown to people: Dutch text, nl-NL numbers.</summary>
internal static class BusinessCaseViews
{
    public static void Evaluation(Inputs model, Evaluation evaluation, BusinessCaseCommands.Solutions solutions, string file, TextWriter output,
        string fileLabel = "Modelbestand")
    {
        var k = evaluation.Kpis;
        output.WriteLine($"Business case: {evaluation.Name}");
        Fields(output,
            (fileLabel, file),
            ("Looptijd", $"{model.StartYear}–{model.EndYear} ({Nl.Count(model.HorizonYears, "jaar", "jaar")}), prijspeil {model.PriceBaseYear}"),
            ("Bouwperiode", $"{Month(model.ConstructionStart)} t/m {Month(model.ConstructionEnd)} "
                            + $"({Nl.Count(evaluation.ConstructionMonths.Length, "maand", "maanden")})"),
            ("Financier", model.Loans.IsEmpty
                ? "geen lening"
                : $"minimale DSCR {Nl.Ratio(model.MinDscr)} (convenant), doel-DSCR {Nl.Ratio(model.TargetDscr)}"));

        output.WriteLine();
        SourcesAndUses(k.SourcesAndUses, output);

        output.WriteLine();
        output.WriteLine("Kengetallen");
        var hasDebt = k.MinDscr is not null;
        var capYears = evaluation.Years.Where(y => y.WithinAcmCap is not null).ToList();
        var kpis = new List<(string, string)>
        {
            ($"NPV project (disconteringsvoet {Nl.Percent(model.DiscountRate)})", Nl.Money(k.Npv)),
            ("NPV na financiering", Nl.Money(k.NpvAfterFinancing)),
            ("Schuld na de looptijd", k.DebtOutstandingAtEnd == 0m ? "geen" : Nl.Money(k.DebtOutstandingAtEnd) + " (herfinancieringsrisico)"),
            ("IRR", k.Irr is { } irr ? Nl.Percent(irr) : "geen IRR"),
            ("Terugverdiend in", k.PaybackYear is { } payback ? payback.ToString(Nl.Culture) : "niet binnen de looptijd"),
            ("Laagste DSCR", hasDebt ? $"{Nl.Ratio(k.MinDscr)} ({k.MinDscrYear})" : "geen getoetste schuldendienst"),
            ("Gemiddelde DSCR", Nl.Ratio(k.AverageDscr)),
            ("LLCR", Nl.Ratio(k.Llcr)),
            ($"Convenantsbreuken (DSCR < {Nl.Ratio(model.MinDscr)})", Nl.Years(k.CovenantBreaches)),
            ("Totale rente", Nl.Money(k.TotalInterest)),
            ("Rente tijdens de bouw (betaald)", Nl.Money(k.InterestDuringConstruction)),
            ("Hoogste onderhoudsreserve-doel (MRA)", k.PeakMraTargetYear is { } mraYear ? $"{Nl.Money(k.PeakMraTarget)} ({mraYear})" : "geen vervangingen te sparen"),
            ("Hoogste schuldendienstreserve-doel (DSRA)", k.PeakDsraTargetYear is { } dsraYear ? $"{Nl.Money(k.PeakDsraTarget)} ({dsraYear})" : "geen DSRA"),
            ("Reserves niet gevuld", Nl.Years(k.ReserveShortfallYears)),
            ("Laagste kasstand", $"{Nl.Money(k.LowestCashBalance)} ({k.LowestCashBalanceYear})"),
            ("Niet Meer Dan Nu geschonden", Nl.Years(k.NietMeerDanNuBreaches)),
        };
        if (capYears.Count > 0)
            kpis.Add(("Boven ACM-maximumtarief", Nl.Years(capYears.Where(y => y.WithinAcmCap == false).Select(y => y.Year))));
        kpis.Add(("Financiering sluit", CashGap.Verdict(k.FinancingCloses, k.LowestCashBalance, k.LowestCashBalanceYear)));
        Fields(output, [.. kpis]);

        output.WriteLine();
        output.WriteLine(model.Loans.IsEmpty
            ? "Opgeloste waarden (zonder lening: NPV ten minste 0)"
            : $"Opgeloste waarden (elk getoetst jaar een DSCR van ten minste {Nl.Ratio(model.TargetDscr)}, de doel-DSCR)");
        Solved(output,
            ("Break-even tarief", solutions.BreakEvenTariff, v => $"{Nl.Percent(v)} van de tarieven in het model"),
            ("Hoogste betaalbare rente", solutions.HighestAffordableRate, v => Nl.Percent(v, 3)),
            ("Grootste lening", solutions.LargestLoan, Nl.Money));

        output.WriteLine();
        output.WriteLine("Per jaar (bedragen in hele euro's)");
        var table = new TextTable("Jaar", "Aangesl.", "Omzet", "Opex", "EBITDA", "MRA-res.", "CFADS", "Rente", "Aflossing", "DSCR", "Kasstand", "NMDN")
            .AlignRight(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        var untested = false;
        foreach (var y in evaluation.Years)
        {
            var dscr = Nl.Ratio(y.Dscr);
            if (y.Dscr is not null && !y.CovenantTested)
            {
                dscr += "*";
                untested = true;
            }
            else if (y.Dscr is not null) dscr += " ";
            table.Add(
                y.Year.ToString(Nl.Culture),
                Nl.Percent(y.ConnectedShareAtEnd, 0),
                Nl.Amount(y.Revenue),
                Nl.Amount(y.Opex),
                Nl.Amount(y.Ebitda),
                Nl.Amount(y.MraContribution),
                Nl.Amount(y.Cfads),
                Nl.Amount(y.Interest),
                Nl.Amount(y.Principal),
                dscr,
                Nl.Amount(y.CashBalance),
                y.ConnectedWeq == 0m ? Nl.None : y.NietMeerDanNu ? Views.Met : Views.Unmet);
        }
        table.WriteTo(output, "  ");
        output.WriteLine("  Aangesl. = aandeel woningequivalenten aangesloten aan het eind van het jaar; MRA-res. = reservering voor vervangingen;");
        output.WriteLine($"  NMDN = Niet Meer Dan Nu: een huishouden betaalt niet meer dan voor gas ({Views.Met} ja, {Views.Unmet} nee).");
        if (untested)
            output.WriteLine("  * niet getoetst aan het convenant: in dat jaar wordt alleen rente betaald, nog niet afgelost.");

        output.WriteLine();
        ConstructionMonths(evaluation, output);

        output.WriteLine();
        if (evaluation.Assumptions.IsEmpty)
        {
            output.WriteLine("Aannames: geen vastgelegd in het model.");
            return;
        }
        output.WriteLine($"Aannames ({Nl.Number(evaluation.Assumptions.Length)})");
        foreach (var a in evaluation.Assumptions)
        {
            var text = $"{a.Field}: {a.Reasoning}" + (a.Source is { } source ? $" (bron: {source})" : "");
            var lines = Help.Wrap(text, 96).ToList();
            output.WriteLine("  " + lines[0]);
            foreach (var more in lines.Skip(1)) output.WriteLine("    " + more);
        }
    }

    /// <summary>The construction period month by month: spending, connections and loan drawdowns.</summary>
    private static void ConstructionMonths(Evaluation evaluation, TextWriter output)
    {
        output.WriteLine("Bouwperiode per maand (bedragen in hele euro's)");
        var table = new TextTable("Maand", "Investering", "Cumulatief", "Aangesl.", "Aansluitingen", "Aansluitbijdr.", "Lening opgenomen", "Totaal opgenomen")
            .AlignRight(1, 2, 3, 4, 5, 6, 7);
        foreach (var m in evaluation.ConstructionMonths)
            table.Add(
                Month(m.Month),
                Nl.Amount(m.Investment),
                Nl.Amount(m.CumulativeInvestment),
                Nl.Percent(m.ConnectedShareAtEnd, 0),
                Nl.Number(m.ConnectionsAtEnd, 0),
                Nl.Amount(m.ConnectionFees),
                Nl.Amount(m.LoanDrawdown),
                Nl.Amount(m.LoanDrawn));
        table.WriteTo(output, "  ");
        output.WriteLine("  Aansluitbijdr. = aansluitbijdragen en afkoop vermeden ketelkosten; de rente over het opgenomen deel wordt aan het eind van elk jaar betaald.");
    }

    public static void SourcesAndUses(SourcesAndUses s, TextWriter output)
    {
        output.WriteLine("Bronnen en bestedingen");
        var table = new TextTable("Post", "Bedrag").AlignRight(1);
        table.Add("Bestedingen: investeringen", Nl.Money(s.Uses));
        table.Add("Subsidies", Nl.Money(s.Subsidies));
        table.Add("Gefinancierd door derden (eigendom derden)", Nl.Money(s.ThirdParty));
        table.Add("Aansluitbijdragen", Nl.Money(s.ConnectionFees));
        table.Add("Afkoop vermeden ketelkosten", Nl.Money(s.BoilerBuyOff));
        table.Add("Ledenkapitaal", Nl.Money(s.MemberCapital));
        table.Add("Leningen", Nl.Money(s.Loans));
        table.Add("Totaal bronnen", Nl.Money(s.Sources));
        table.Add(s.Covered ? "Overschot" : "Tekort", Nl.Money(Math.Abs(s.Surplus)));
        table.WriteTo(output, "  ");
        output.WriteLine(s.Covered
            ? $"  Dekking: gedekt; de bronnen dekken de bestedingen (overschot {Nl.Money(s.Surplus)})."
            : $"  Dekking: tekort; er ontbreekt {Nl.Money(-s.Surplus)} om de bestedingen te dekken.");
    }

    public static void Stress(Inputs model, ImmutableArray<ScenarioResult> scenarios, ImmutableArray<SensitivityBar> tornado, TextWriter output)
    {
        output.WriteLine($"Stresstests: {model.Name}");
        output.WriteLine($"Elk scenario apart op het basisscenario; sluit = bronnen dekken bestedingen en elk getoetst jaar DSCR ≥ {Nl.Ratio(model.MinDscr)}.");
        var table = new TextTable("Scenario", "NPV project", "NPV na financiering", "Min. DSCR (jaar)", "Laagste kasstand", "Sluit").AlignRight(1, 2, 3, 4);
        foreach (var s in scenarios)
            table.Add(s.Description, Nl.Euros(s.Npv), Nl.Euros(s.NpvAfterFinancing), Dscr(s.MinDscr, s.MinDscrYear), Nl.Euros(s.LowestCashBalance), CashGap.Brief(s.Closes, s.LowestCashBalance, s.LowestCashBalanceYear));
        table.WriteTo(output, "  ");
        output.WriteLine($"  {Nl.Number(scenarios.Count(s => s.Closes))} van {Nl.Count(scenarios.Length, "scenario", "scenario's")} sluiten.");

        output.WriteLine();
        output.WriteLine("Gevoeligheid (tornado): elke invoer 10% lager en 10% hoger, gesorteerd op de uitslag van de NPV");
        var bars = new TextTable("Invoer", "NPV bij −10%", "NPV bij +10%", "Uitslag NPV", "Min. DSCR −10%", "Min. DSCR +10%").AlignRight(1, 2, 3, 4, 5);
        foreach (var b in tornado.OrderByDescending(b => b.NpvSwing))
            bars.Add(b.Description, Nl.Euros(b.NpvLow), Nl.Euros(b.NpvHigh), Nl.Euros(b.NpvSwing), Nl.Ratio(b.MinDscrLow), Nl.Ratio(b.MinDscrHigh));
        bars.WriteTo(output, "  ");
    }

    public static void MonteCarlo(Inputs model, MonteCarloResult r, TextWriter output)
    {
        var debt = !model.Loans.IsEmpty;
        output.WriteLine($"Monte Carlo: {model.Name}");
        Fields(output, ("Trekkingen", Nl.Number(r.Runs)), ("Seed", r.Seed.ToString(Nl.Culture)));
        output.WriteLine();
        var table = new TextTable("", "P10", "P50", "P90", "Basisscenario").AlignRight(1, 2, 3, 4);
        table.Add($"NPV ({Nl.Percent(model.DiscountRate)})", Nl.Euros(r.NpvP10), Nl.Euros(r.NpvP50), Nl.Euros(r.NpvP90), Nl.Euros(r.BaseCase.Npv));
        if (debt)
            table.Add("Laagste DSCR", Nl.Ratio(r.MinDscrP10), Nl.Ratio(r.MinDscrP50), Nl.Ratio(r.MinDscrP90), Nl.Ratio(r.BaseCase.MinDscr));
        table.WriteTo(output, "  ");
        output.WriteLine("  P10: 10% van de trekkingen komt hierop of lager uit; P50 is de mediaan.");
        output.WriteLine();
        output.WriteLine("Waar het basisscenario (het model zoals het is) valt");
        if (debt && r.BaseCase.MinDscrPercentile is { } p)
            Fields(output, ("NPV", Position(r.BaseCase.NpvPercentile)), ("Laagste DSCR", Position(p)));
        else Fields(output, ("NPV", Position(r.BaseCase.NpvPercentile)));
        output.WriteLine();
        Fields(output,
            ("Kans laagste DSCR onder 1", debt ? Nl.Percent(r.ProbabilityMinDscrBelowOne) : "geen lening"),
            ("Kans op convenantbreuk (DSCR onder minimum)", debt ? Nl.Percent(r.ProbabilityCovenantBreach) : "geen lening"),
            ("Kans op tekort bronnen t.o.v. bestedingen", Nl.Percent(r.ProbabilityFundingGap)),
            ("Kans dat de financiering niet sluit", Nl.Percent(r.ProbabilityFinancingFails)),
            ("Kans op kastekort (overbrugging nodig)", Nl.Percent(r.ProbabilityBridgingNeeded)));
        output.WriteLine();
        output.WriteLine("Wat de spreiding drijft (rangcorrelatie van Spearman met de getrokken waarde, −1 tot 1; grootste eerst)");
        var drivers = debt
            ? new TextTable("Invoer", "met NPV", "met laagste DSCR").AlignRight(1, 2)
            : new TextTable("Invoer", "met NPV").AlignRight(1);
        foreach (var d in r.Drivers)
            if (debt) drivers.Add(d.Description, Correlation(d.NpvCorrelation), Correlation(d.MinDscrCorrelation));
            else drivers.Add(d.Description, Correlation(d.NpvCorrelation));
        drivers.WriteTo(output, "  ");
        output.WriteLine();
        output.WriteLine(r.UncertaintyOrigin == UncertaintyOrigin.Model
            ? "Onzekerheden (uit het model; onafhankelijk van elkaar getrokken)"
            : "Onzekerheden (standaard: het model geeft er geen, zie docs/business-case-model.md; onafhankelijk van elkaar getrokken)");
        var ranges = new TextTable("Invoer", "Verdeling", "Laag", "Meest waarschijnlijk", "Hoog").AlignRight(2, 3, 4);
        foreach (var u in r.Uncertainties)
            ranges.Add(u.Description, DistributionName(u.Distribution), Value(u, u.Low), u.MostLikely is { } m ? Value(u, m) : Nl.None, Value(u, u.High));
        ranges.WriteTo(output, "  ");
        output.WriteLine();
        output.WriteLine("Onderbouwing");
        foreach (var u in r.Uncertainties)
        {
            var text = u.Source is null ? $"{u.Reasoning} (aanname)" : $"{u.Reasoning} Bron: {u.Source}";
            var lines = Help.Wrap($"{u.Description}: {text}", 100).ToList();
            for (var i = 0; i < lines.Count; i++) output.WriteLine((i == 0 ? "  - " : "    ") + lines[i]);
        }
    }

    /// <summary>"P62: 62% van de trekkingen komt hierop of lager uit".</summary>
    private static string Position(decimal share) =>
        $"P{Nl.Number(share * 100m, 0)}: {Nl.Percent(share, 1)} van de trekkingen komt hierop of lager uit";

    private static string Correlation(decimal? rho) => rho is { } r ? Nl.Ratio(r) : "geen spreiding";

    private static string DistributionName(Distribution d) => d switch
    {
        Distribution.Uniform => "uniform",
        Distribution.Triangular => "driehoek",
        Distribution.Pert => "PERT",
        _ => d.ToString(),
    };

    /// <summary>An uncertainty's value in its unit: a factor as a percentage of the model's value, years, or rate points.</summary>
    private static string Value(Uncertainty u, decimal value) => UncertainInputs.Find(u.Input)?.Unit switch
    {
        UncertainUnit.Years => $"+{Nl.Number(value, 2)} jaar",
        UncertainUnit.RatePoints => $"{Points(value)} punt",
        _ => $"{Nl.Number(value * 100m, 2)}%",
    };

    public static void LoanGrid(Inputs model, int loanIndex, ImmutableArray<LoanGridCell> cells, long skipped, TextWriter output)
    {
        var loan = model.Loans[loanIndex];
        output.WriteLine($"Leningvoorwaarden: {model.Name}");
        Fields(output,
            ("Lening", $"sources.loans[{loanIndex}] van {loan.Lender}, {Nl.Money(loan.Terms.Principal)} in {loan.DrawdownYear}"),
            ("In het model", $"{Nl.Percent(loan.Terms.AnnualRate)}, {Nl.Count(loan.Terms.TermYears, "jaar", "jaar")}, "
                             + $"{Repayment(loan.Terms.Type)}, {Nl.Count(loan.Terms.GraceYears, "jaar", "jaar")} aflossingsvrij"),
            ("Sluit", $"bronnen dekken bestedingen en elk getoetst jaar DSCR ≥ {Nl.Ratio(model.MinDscr)}; "
                      + "'overbrugging € … in jaar': de kas komt dat jaar zoveel onder nul"));
        output.WriteLine();
        var table = new TextTable("Rente", "Looptijd", "Vorm", "Aflossingsvrij", "Min. DSCR (jaar)", "Totale rente", "NPV na financiering", "Sluit")
            .AlignRight(0, 1, 3, 4, 5, 6);
        foreach (var c in cells)
            table.Add(
                Nl.Percent(c.AnnualRate),
                Nl.Count(c.TermYears, "jaar", "jaar"),
                Repayment(c.Repayment),
                Nl.Count(c.GraceYears, "jaar", "jaar"),
                Dscr(c.MinDscr, c.MinDscrYear),
                Nl.Euros(c.TotalInterest),
                Nl.Euros(c.NpvAfterFinancing),
                CashGap.Brief(c.Closes, c.LowestCashBalance, c.LowestCashBalanceYear));
        table.WriteTo(output, "  ");
        output.WriteLine();
        output.WriteLine($"{Nl.Number(cells.Count(c => c.Closes))} van {Nl.Count(cells.Length, "combinatie sluit", "combinaties sluiten")}"
                         + (cells.Count(c => c.Closes && c.BridgingNeeded > 0m) is var bridged and > 0
                             ? $"; bij {Nl.Number(bridged)} daarvan is er een jaar met kastekort (overbrugging nodig)." : "."));
        if (skipped > 0)
            output.WriteLine($"{Nl.Count(skipped, "combinatie", "combinaties")} overgeslagen: evenveel of meer aflossingsvrije jaren dan looptijd.");
    }

    /// <summary>The Dutch name of a repayment type.</summary>
    public static string Repayment(RepaymentType type) => type switch
    {
        RepaymentType.Annuity => "annuïteit",
        RepaymentType.Linear => "lineair",
        RepaymentType.Bullet => "bullet",
        _ => type.ToString(),
    };

    private static string Points(decimal fraction) =>
        (fraction > 0m ? "+" : "") + Nl.Number(fraction * 100m, 2);

    private static string Dscr(decimal? dscr, int? year) => dscr is null ? Nl.None : $"{Nl.Ratio(dscr)} ({year})";

    private static string Month(NodaTime.YearMonth month) => DutchFormat.Month(month);

    private static void Solved(TextWriter output, params (string Label, Solution Solution, Func<decimal, string> Format)[] solved)
    {
        var width = solved.Max(s => s.Label.Length) + 1;
        foreach (var (label, solution, format) in solved)
        {
            output.WriteLine($"  {(label + ":").PadRight(width)}  {(solution.Value is { } v ? format(v) : "geen")}");
            foreach (var line in Help.Wrap(solution.Explanation, 90)) output.WriteLine($"  {new string(' ', width)}  {line}");
        }
    }

    private static void Fields(TextWriter output, params (string Label, string Value)[] fields)
    {
        var width = fields.Max(f => f.Label.Length) + 1;
        foreach (var (label, value) in fields)
            output.WriteLine($"  {(label + ":").PadRight(width)}  {value}");
    }
}
