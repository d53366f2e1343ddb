using NodaTime;
using Warmte.CashFlow;

namespace Warmte.Client;

/// <summary>How cash-flow simulations are shown to people: Dutch text, nl-NL numbers, months as 10-2019.</summary>
internal static class CashFlowViews
{
    /// <summary>Marks a stalled month in the timeline so the windstiltes stand out.</summary>
    public const string StallMark = "STIL";

    public static void Comparison(CashFlowPlan plan, RegimeComparison comparison, string file, TextWriter output)
    {
        output.WriteLine($"Kasstroom en windstiltes: {plan.Name}");
        PlanFields(plan, file, output);
        ComparisonBody(plan, comparison, output);
    }

    /// <summary>
    /// The service's comparison of a project's regimes (<c>warmte regimes</c>). The service sends the results, not
    /// the plan: what needs the plan (its grant, cash buffer, kinds of work and assumptions) is left out or named
    /// from the results.
    /// </summary>
    public static void OnlineComparison(RegimeComparison comparison, StoredPlan? stored, string projectId, TextWriter output)
    {
        output.WriteLine($"Kasstroom en windstiltes: {comparison.Name}");
        var plan = stored?.Plan is { } p && comparison.Results.FirstOrDefault() is { } first ? p with { LeadTimes = first.LeadTimes } : null;
        if (plan is not null) PlanFields(plan, ("Project", stored!.Describe(projectId)), output);
        else OnlineFields(projectId, comparison.Results.FirstOrDefault()?.LeadTimes, output);
        ComparisonBody(plan, comparison, output);
    }

    private static void ComparisonBody(CashFlowPlan? plan, RegimeComparison comparison, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Regimes naast elkaar");
        var table = new TextTable("Regime", "Klaar in", "Doorlooptijd", "Stil", "Windstiltes", "Meerkosten", "Rente", "Piekblootstelling")
            .AlignRight(2, 3, 4, 5, 6, 7);
        foreach (var r in comparison.Results)
        {
            var s = r.Summary;
            table.Add(
                CashFlowCommands.RegimeName(r.Regime),
                s.CompletedIn is { } done ? Month(done) : "niet klaar",
                Nl.Count(s.DurationMonths, "maand", "maanden"),
                Nl.Count(s.MonthsStalled, "maand", "maanden"),
                Nl.Number(s.StallCount),
                Nl.Euros(s.ExtraCost),
                Nl.Euros(s.InterestCost),
                Nl.Euros(s.PeakExposure));
        }
        table.WriteTo(output, "  ");
        output.WriteLine("  Doorlooptijd: kalendermaanden vanaf de start tot het werk klaar is (financial close).");
        output.WriteLine("  Meerkosten: vaste kosten die doorliepen tijdens windstiltes en tijdens het wachten op mijlpalen, plus herstartkosten; rente apart.");
        output.WriteLine("  Piekblootstelling: het hoogste bedrag dat de financiers hadden uitbetaald of uitgeleend en dat nog niet");
        output.WriteLine("  verantwoord (goedgekeurd) of terugbetaald was.");
        foreach (var r in comparison.Results.Where(r => !r.Summary.Completed))
            output.WriteLine($"  {CashFlowCommands.RegimeName(r.Regime)}: het geld raakt op na {Nl.Count(r.Summary.WorkMonthsDone, "werkmaand", "werkmaanden")} "
                             + $"van de {Nl.Number(r.Summary.PlannedWorkMonths)}; het werk komt niet af.");

        if (comparison[Regime.Tranches] is { } current)
        {
            output.WriteLine();
            output.WriteLine($"Windstiltes bij {CashFlowCommands.RegimeName(Regime.Tranches).ToLowerInvariant()}");
            Stalls(plan, current, output);
            output.WriteLine();
            Outlook(plan, current, output);
        }
        if (plan is not null)
        {
            output.WriteLine();
            Assumptions(plan, output);
        }
    }

    public static void Timeline(CashFlowPlan plan, CashFlowResult result, string file, TextWriter output)
    {
        output.WriteLine($"Kasstroom per maand: {plan.Name}");
        output.WriteLine($"Regime: {CashFlowCommands.RegimeName(result.Regime)}");
        PlanFields(plan, file, output);
        TimelineBody(plan, result, output);
    }

    /// <summary>The service's simulation of one regime for a project (<c>warmte cashflow</c>); see <see cref="OnlineComparison"/>.</summary>
    public static void OnlineTimeline(CashFlowResult result, StoredPlan? stored, string projectId, TextWriter output)
    {
        output.WriteLine($"Kasstroom per maand: {result.Name}");
        output.WriteLine($"Regime: {CashFlowCommands.RegimeName(result.Regime)}");
        // The service simulates with the lead times observed on the project; show those, not the plan's setting.
        var plan = stored?.Plan is { } p ? p with { LeadTimes = result.LeadTimes } : null;
        if (plan is not null) PlanFields(plan, ("Project", stored!.Describe(projectId)), output);
        else OnlineFields(projectId, result.LeadTimes, output);
        TimelineBody(plan, result, output);
    }

    /// <summary>Which months of a cash line to show: from a month on (null: from the first), at most so many (null: all).</summary>
    public sealed record MonthWindow(YearMonth? From, int? Months)
    {
        public static readonly MonthWindow All = new(null, null);

        public bool Shows(YearMonth month, int shownSoFar) => (From is not { } f || month >= f) && (Months is not { } n || shownSoFar < n);
    }

    /// <summary>One cash line (<c>warmte cash-timeline</c>): the actual months up to today, then the projection from the actual state.</summary>
    public static void CashTimeline(CashTimeline t, string projectId, TextWriter output, MonthWindow? window = null)
    {
        window ??= MonthWindow.All;
        var state = t.State;
        var planned = t.Projection?.Summary.PlannedWorkMonths;
        output.WriteLine($"Kaslijn van {projectId}: werkelijk t/m {Month(t.Today)}, daarna verwacht ({CashFlowCommands.RegimeName(t.Regime).ToLowerInvariant()})");
        var progress = state.ProgressSource == ProgressSource.Reported && t.Progress is { } p
            ? $"gemeld per eind {Month(p.Month)}{(p.Stalled ? ", werk lag stil" : "")}"
            : state.ProgressSource == ProgressSource.Planned
                ? "volgens het plan: nog geen uitgaven of voortgang geboekt (meld de voortgang met warmte progress report)"
                : state is { PlannedBeforeBookings: { } before, BookedFrom: { } from }
                    // Bookings start late: the plan's estimate for the months before them, the bookings' from there (tester T8).
                    ? $"geschat: {Nl.Number(before)} volgens het plan tot de eerste boeking ({Month(from)}), de rest uit de geboekte uitgaven (meld de voortgang met warmte progress report)"
                    : "geschat uit de geboekte uitgaven (meld de voortgang met warmte progress report)";
        Fields(output,
            ("Saldo nu", t.Actual.Planned == 0m ? Nl.Money(t.Actual.Balance)
                // The plan's spending where nothing is booked (testers T2, T3): what the line counts, and what is booked.
                : $"{Nl.Money(t.Actual.Balance)} met {Nl.Money(t.Actual.Planned)} geplande uitgaven die nog niet geboekt zijn (geboekt saldo {Nl.Money(t.Actual.BookedBalance)})"),
            // The plan's assumption, not a booking (tester9a T4).
            ("Beginsaldo volgens plan", t.Actual.OpeningBalance != 0m ? $"{Nl.Money(t.Actual.OpeningBalance)} (aanname uit het kasstroomplan, niet geboekt)" : Nl.Money(0m)),
            ("Werk gedaan", $"{Nl.Count(state.WorkMonthsDone, "werkmaand", "werkmaanden")}{(planned is { } n ? $" van {Nl.Number(n)}" : "")}, {progress}"),
            // Booked spending, the dashboard's "geboekte uitgaven" (tester9a T5: the line's total with the plan's unbooked spending
            // read as spent); the planned part apart, labelled.
            ("Ontvangen / geboekte uitgaven", $"{Nl.Money(t.Actual.TotalReceived)} / {Nl.Money(t.Actual.TotalSpent - t.Actual.Planned)}"
                + (t.Actual.Planned > 0m ? $" (daarnaast {Nl.Money(t.Actual.Planned)} gepland, nog niet geboekt)" : "")),
            ("Verantwoord / goedgekeurd", $"{Nl.Money(state.AccountingSubmitted)} / {Nl.Money(state.AccountingApproved)}"),
            ("Onderweg", state.ExpectedPayments.IsDefaultOrEmpty
                ? Nl.None
                : string.Join("; ", state.ExpectedPayments.Select(e => e.DueBeforeProjection
                    // The date the portfolio shows, and why the line has it next month (tester T16).
                    ? $"{e.Tranche}: {Nl.Money(e.Amount)}, verwacht op {Nl.Date(e.ExpectedOn!.Value)} (nu of te laat; deze maand telt als werkelijk, "
                      + $"dus in de verwachting in {Month(e.Month)})"
                    : $"{e.Tranche}: {Nl.Money(e.Amount)}, verwacht in {Month(e.Month)}"))));
        if (t.Projection is { } projection) output.WriteLine($"  Doorlooptijd financier: {LeadTimeText(projection.LeadTimes)}");
        // Never more than is left of the grant (tester T1): which tranche counts for less, and why.
        foreach (var cap in state.CappedTranches)
            foreach (var (line, i) in Help.Wrap("Let op: " + cap.Text, 96).Select((l, i) => (l, i)))
                output.WriteLine((i == 0 ? "  " : "    ") + line);

        output.WriteLine();
        output.WriteLine("Per maand (bedragen in hele euro's)");
        var table = new TextTable("Maand", "Soort", "Status", "Werkmnd", "Begin", "Ontvangen", "Uitgegeven", "Eind", "Gebeurtenissen").AlignRight(3, 4, 5, 6, 7);
        int shown = 0, total = 0;
        foreach (var m in t.Actual.Months)
        {
            total++;
            if (!window.Shows(m.Month, shown)) continue;
            shown++;
            table.Add(Month(m.Month), m.Planned == 0m ? "werkelijk" : "werkelijk+plan", "", "", Nl.Amount(m.Opening), Nl.Amount(m.Received), Nl.Amount(m.Spent), Nl.Amount(m.Closing),
                m.Planned == 0m ? "" : $"waarvan {Nl.Euros(m.Planned)} gepland, nog niet geboekt");
        }
        foreach (var m in t.Projection?.Months ?? [])
        {
            total++;
            if (!window.Shows(m.Month, shown)) continue;
            shown++;
            table.Add(Month(m.Month), "verwacht", Status(m.Status), Nl.Number(m.WorkMonth),
                Nl.Amount(m.Opening), Nl.Amount(m.Received), Nl.Amount(m.Spent), Nl.Amount(m.Closing), string.Join("; ", m.Events.Select(Event)));
        }
        table.WriteTo(output, "  ");
        if (shown < total)
            output.WriteLine($"  {Nl.Count(shown, "maand", "maanden")} getoond van {Nl.Number(total)} (--from, --months); de samenvatting hieronder telt alle maanden.");
        output.WriteLine($"  {StallMark} = windstilte: de kas dekt het werk niet boven de buffer; alleen de vaste kosten lopen door.");
        if (t.Actual.Planned != 0m)
            foreach (var line in Help.Wrap(state.ProgressSource == ProgressSource.Planned
                    ? "werkelijk+plan = er is nog niets geboekt: de uitgaven van het plan tot nu tellen mee, bij het werk dat het plan nu gedaan heeft."
                    : $"werkelijk+plan = deze maand loopt nog: de vaste kosten van {Nl.Euros(t.Actual.Months[^1].Spent)} tellen mee, ook wat nog niet geboekt is.", 94))
                output.WriteLine("  " + line);
        if (t.Projection is not { } result)
        {
            output.WriteLine();
            output.WriteLine("  Het werkplan is af; er valt niets meer te projecteren.");
            return;
        }
        output.WriteLine();
        Summary(result, output);
        output.WriteLine();
        output.WriteLine("Windstiltes in de projectie");
        Stalls(null, result, output);
        output.WriteLine();
        // The one answer (t.Outlook: from the actual state once something is recorded), dated at the service's today.
        Outlook(null, result with { Outlook = t.Outlook }, output, t.Today);
    }

    private static string Status(MonthStatus status) => status switch
    {
        MonthStatus.Stalled => StallMark,
        MonthStatus.Waiting => "wacht",
        _ => "werk",
    };

    private static void TimelineBody(CashFlowPlan? plan, CashFlowResult result, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Per maand (bedragen in hele euro's)");
        var table = new TextTable("Maand", "Status", "Werkmnd", "Fase", "Begin", "Ontvangen", "Uitgegeven", "Eind", "Blootstelling", "Gebeurtenissen")
            .AlignRight(2, 4, 5, 6, 7, 8);
        foreach (var m in result.Months)
            table.Add(
                Month(m.Month),
                Status(m.Status),
                Nl.Number(m.WorkMonth),
                m.Phase,
                Nl.Amount(m.Opening),
                Nl.Amount(m.Received),
                Nl.Amount(m.Spent),
                Nl.Amount(m.Closing),
                Nl.Amount(m.Exposure),
                string.Join("; ", m.Events.Select(Event)));
        table.WriteTo(output, "  ");
        output.WriteLine($"  {StallMark} = windstilte: de kas dekt het werk niet boven de buffer"
                         + (plan is null ? "" : $" van {Nl.Money(plan.CashBuffer)}") + "; alleen de vaste kosten lopen door.");
        output.WriteLine("  Werkmnd = de maand van het werkplan die gedaan wordt, of waarop het werk wacht. Ontvangen = betalingen"
                         + (result.Regime == Regime.Bridge ? " en opnames van de overbruggingslening; Uitgegeven = kosten en aflossing." : "; Uitgegeven = kosten."));

        output.WriteLine();
        Summary(result, output);
        output.WriteLine();
        output.WriteLine("Windstiltes");
        Stalls(plan, result, output);
        output.WriteLine();
        Milestones(result, output);
        output.WriteLine();
        Outlook(plan, result, output);
        if (plan is not null)
        {
            output.WriteLine();
            Assumptions(plan, output);
        }
    }

    /// <summary>What the service's answer tells about the plan: the project and the funder's lead times it used.</summary>
    private static void OnlineFields(string projectId, FunderLeadTimes? lead, TextWriter output)
    {
        var fields = new List<(string, string)> { ("Project", projectId + " (kasstroomplan bij de dienst)") };
        if (lead is not null) fields.Add(("Doorlooptijd financier", LeadTimeText(lead)));
        Fields(output, [.. fields]);
    }

    /// <summary>The lead times; observed ones as their real median (tester T4), with the whole months the simulation uses when it rounded up.</summary>
    private static string LeadTimeText(FunderLeadTimes lead) =>
        // Observed from real tranches: days, the one duration of lead times (tester T11), with the months the simulation uses.
        lead.RequestToPaidDays is { } toPaid
            ? $"{Days(lead.RequestToApprovedDays)} van aanvraag tot goedgekeurde verantwoording, {Days(toPaid)} van aanvraag tot betaling "
              + $"(mediaan van {Nl.Count(lead.Observations, "waarneming", "waarnemingen")}; de maandsimulatie rekent met "
              + $"{Nl.Count(lead.RequestToPaidMonths, "hele maand", "hele maanden")} van aanvraag tot betaling)"
            : $"{Months(lead.RequestToApprovedMedian, lead.RequestToApprovedMonths)} van aanvraag tot goedgekeurde verantwoording, "
        + $"{Months(lead.ApprovedToPaidMedian, lead.ApprovedToPaidMonths)} tot betaling ("
        + (lead.Source == LeadTimeSource.ObservedMedian
            ? $"mediaan van {Nl.Count(lead.Observations, "waarneming", "waarnemingen")})"
            : "instelling; nog geen waarnemingen)");

    private static string Days(decimal? days) => days is { } d ? $"{Nl.Number(d, 1)} {DutchFormat.Noun(d, "dag", "dagen")}" : Nl.None;

    private static string Months(decimal? median, int whole) =>
        median is { } m && m != whole
            ? $"{Nl.Number(m, 1)} {DutchFormat.Noun(m, "maand", "maanden")} (gerekend als {Nl.Count(whole, "hele maand", "hele maanden")})"
            : Nl.Count(whole, "maand", "maanden");

    private static void PlanFields(CashFlowPlan plan, string file, TextWriter output) => PlanFields(plan, ("Planbestand", file), output);

    private static void PlanFields(CashFlowPlan plan, (string Label, string Value) source, TextWriter output)
    {
        var g = plan.Grant;
        var lead = plan.LeadTimes;
        var fields = new List<(string, string)>
        {
            source,
            ("Start", $"{Month(plan.StartMonth)}; {Nl.Count(plan.WorkMonths, "werkmaand", "werkmaanden")} gepland in "
                      + $"{Nl.Count(plan.Phases.Length, "fase", "fasen")}, geplande kosten {Nl.Money(plan.PlannedCost)}"),
            ("Subsidie", $"{g.Name} ({g.Funder}): {Nl.Money(g.Amount)} in {Tranches(g)}"
                         + (g.WaitsForAccounting ? "; elke volgende tranche pas na goedgekeurde verantwoording" : "")),
            ("Doorlooptijd financier", LeadTimeText(lead)),
            ("Kas", $"beginsaldo {Nl.Money(plan.OpeningBalance)}, buffer {Nl.Money(plan.CashBuffer)}, herstartkosten {Nl.Money(plan.RestartCost)} per windstilte"),
        };
        if (plan.BridgeLoan is { } bridge)
            fields.Add(("Overbruggingslening", $"tot {Nl.Money(bridge.Size)} tegen {Nl.Percent(bridge.AnnualRate)} per jaar, afgelost uit de volgende tranche"));
        // Budgets or costs above the grant are allowed; the difference is money still to find (tester T10).
        if (plan.MoneyToFind > 0m) fields.Add(("Nog te vinden", $"{Nl.Money(plan.MoneyToFind)}. " + string.Join(" ", plan.MoneyToFindNotes)));
        Fields(output, [.. fields]);
    }

    /// <summary>"7 × € 1.000.000,00 + € 700.000,00"; runs of equal tranches are grouped.</summary>
    private static string Tranches(PlanGrant grant)
    {
        var parts = new List<string>();
        for (var i = 0; i < grant.Tranches.Length;)
        {
            var j = i;
            while (j + 1 < grant.Tranches.Length && grant.Tranches[j + 1] == grant.Tranches[i]) j++;
            var count = j - i + 1;
            parts.Add(count == 1 ? Nl.Money(grant.Tranches[i]) : $"{Nl.Number(count)} × {Nl.Money(grant.Tranches[i])}");
            i = j + 1;
        }
        return $"{Nl.Count(grant.Tranches.Length, "tranche", "tranches")} ({string.Join(" + ", parts)})";
    }

    private static void Summary(CashFlowResult result, TextWriter output)
    {
        var s = result.Summary;
        output.WriteLine("Samenvatting");
        var fields = new List<(string, string)>
        {
            ("Klaar", s.CompletedIn is { } done
                ? $"{Month(done)}, na {Nl.Count(s.DurationMonths, "maand", "maanden")} ({Nl.Count(s.PlannedWorkMonths, "werkmaand", "werkmaanden")} gepland)"
                : $"niet klaar: het geld raakt op na {Nl.Count(s.WorkMonthsDone, "werkmaand", "werkmaanden")} van de {Nl.Number(s.PlannedWorkMonths)}"),
            ("Stil", $"{Nl.Count(s.MonthsStalled, "maand", "maanden")} in {Nl.Count(s.StallCount, "windstilte", "windstiltes")}"),
            ("Meerkosten", $"{Nl.Money(s.ExtraCost)} (vaste kosten tijdens windstiltes {Nl.Money(s.StallFixedCosts)}, herstart {Nl.Money(s.RestartCosts)}"
                           + (s.MonthsWaiting > 0 ? $", wachten op mijlpalen {Nl.Money(s.WaitingCosts)} in {Nl.Count(s.MonthsWaiting, "maand", "maanden")})" : ")")),
            ("Uitgegeven aan het werk", $"{Nl.Money(s.WorkSpent)} (gepland {Nl.Money(s.PlannedCost)})"),
            ("Subsidie ontvangen", Nl.Money(s.GrantPaid)),
            ("Piekblootstelling financiers", s.PeakExposureMonth is { } peak ? $"{Nl.Money(s.PeakExposure)} ({Month(peak)})" : Nl.Money(0m)),
            ("Laagste kasstand", $"{Nl.Money(s.LowestCash)} ({Month(s.LowestCashMonth)})"),
        };
        if (result.Regime == Regime.Bridge)
        {
            fields.Add(("Rente overbruggingslening", Nl.Money(s.InterestCost)));
            fields.Add(("Hoogste stand lening", Nl.Money(s.PeakBridgeOutstanding)));
            fields.Add(("Lening open aan het eind", s.BridgeOutstandingAtEnd == 0m
                ? Nl.Money(0m)
                : Nl.Money(s.BridgeOutstandingAtEnd) + (s.BridgeRepaidIn is { } repaid
                    ? $", afgelost uit de tranche van {Month(repaid)} (rente tot dan meegeteld)"
                    : ", niet afgelost uit een tranche die al onderweg is")));
        }
        Fields(output, [.. fields]);
    }

    private static void Stalls(CashFlowPlan? plan, CashFlowResult result, TextWriter output)
    {
        if (result.Stalls.IsEmpty)
        {
            output.WriteLine("  Geen: het werk ligt geen maand stil.");
            return;
        }
        var table = new TextTable("Nr", "Van", "T/m", "Maanden", "Fase", "Stilgevallen werk", "Vaste kosten", "Herstart", "Kosten")
            .AlignRight(0, 3, 6, 7, 8);
        var number = 0;
        foreach (var stall in result.Stalls)
            table.Add(
                Nl.Number(++number),
                Month(stall.Start),
                stall.ResumedIn is null ? "(geen geld meer)" : Month(stall.End),
                Nl.Number(stall.Months),
                stall.Phase,
                StoppedKinds(plan, stall),
                Nl.Euros(stall.FixedCosts),
                Nl.Euros(stall.RestartCost),
                Nl.Euros(stall.Cost));
        table.WriteTo(output, "  ");
        var working = WorkingPeriods(result);
        if (working.Count > 1)
            output.WriteLine($"  Werkperiodes tussen de windstiltes: {string.Join(", ", working.Select(w => Nl.Number(w)))} maanden.");
    }

    /// <summary>
    /// The kinds of work that stopped, in Dutch ("ontwerp, adviseurs"): the names are in --json. Without the
    /// plan (an answer of the service) the names of the work packages themselves.
    /// </summary>
    private static string StoppedKinds(CashFlowPlan? plan, Stall stall)
    {
        if (plan is null) return stall.StoppedWork.IsDefaultOrEmpty ? Nl.None : string.Join(", ", stall.StoppedWork);
        var kinds = plan.WorkPlan.Where(p => stall.StoppedWork.Contains(p.Name)).Select(p => Kind(p.Kind)).Distinct().ToList();
        return kinds.Count == 0 ? Nl.None : string.Join(", ", kinds);
    }

    public static string Kind(WorkKind kind) => kind switch
    {
        WorkKind.Design => "ontwerp",
        WorkKind.BusinessCase => "businesscase",
        WorkKind.Contracts => "contracten",
        WorkKind.Communication => "communicatie",
        WorkKind.Organisation => "organisatie",
        WorkKind.Advisers => "adviseurs",
        _ => kind.ToString(),
    };

    /// <summary>The lengths of the runs of working months: how long each payment kept the work going.</summary>
    internal static List<int> WorkingPeriods(CashFlowResult result)
    {
        var periods = new List<int>();
        var run = 0;
        foreach (var m in result.Months)
        {
            if (m.Status == MonthStatus.Working) run++;
            else if (run > 0) { periods.Add(run); run = 0; }
        }
        if (run > 0) periods.Add(run);
        return periods;
    }

    private static void Milestones(CashFlowResult result, TextWriter output)
    {
        output.WriteLine("Mijlpalen");
        if (result.Milestones.IsEmpty)
        {
            output.WriteLine("  Geen gehaald.");
            return;
        }
        var table = new TextTable("Mijlpaal", "Fase", "Werkmnd", "Gehaald in").AlignRight(2);
        foreach (var m in result.Milestones) table.Add(m.Name, m.Phase, Nl.Number(m.WorkMonth), Month(m.Month));
        table.WriteTo(output, "  ");
    }

    /// <summary>
    /// The outlook in words. The heading names <paramref name="today"/> (the service's month; default the outlook's own)
    /// and the basis really used; from the actual state the projection starts the month after today, and says so.
    /// </summary>
    private static void Outlook(CashFlowPlan? plan, CashFlowResult result, TextWriter output, YearMonth? today = null)
    {
        var o = result.Outlook;
        var now = today ?? o.Today;
        var basis = o.Basis == OutlookBasis.Actual
            ? $"vanaf de werkelijke stand; verwacht vanaf {Month(now.PlusMonths(1))}"
            : "simulatie van het plan vanaf de start";
        output.WriteLine($"Vooruitblik per {Month(now)} ({CashFlowCommands.RegimeName(result.Regime).ToLowerInvariant()}, {basis})");
        var payment = result.Regime == Regime.Milestones ? "het volgende fasebudget" : "de volgende tranche";
        var lines = o.State switch
        {
            OutlookState.Finished => ["Het werk is dan al klaar."],
            OutlookState.OutOfFunding => ["Het geld is dan al op; het werk komt zonder nieuwe financiering niet af."],
            // With the cash short the money does not reach the end of the work, however the work goes (tester T6): the month the
            // work is done, never the month the money lasts until.
            OutlookState.NoGapAhead when o.CashShortText is not null =>
                [o.WorkDoneIn is { } done ? $"Er komt geen windstilte meer; het werk is klaar in {Month(done)}." : "Er komt geen windstilte meer."],
            OutlookState.NoGapAhead => [(o.WorkDoneIn is { } until ? $"Het geld reikt tot het einde van het werk ({Month(until)})" : "Het geld reikt tot het einde van het werk")
                                        + "; er komt geen windstilte meer."],
            OutlookState.StoppedAtCap => [o.Note ?? Warmte.CashFlow.Outlook.StoppedAtCapText],
            // No payment restarts the work (tester9a T1): the outlook's own sentence, which names the payments that do still come.
            OutlookState.InStall when o.RunsOutText is { } stillRunsOut => [stillRunsOut],
            OutlookState.InStall =>
            [
                $"Het werk ligt stil sinds {Month(o.GapStart!.Value)} ({Nl.Count(o.GapMonths ?? 0, "maand", "maanden")} in totaal).",
                o.MoneyExpected is { } expected ? $"Het geld wordt verwacht in {Month(expected)}."
                : "Er komt geen geld meer: het werk komt niet af.",
            ],
            _ when o.RunsOutText is { } runsOut => [$"Nog {Nl.Count(o.RunwayMonths ?? 0, "maand", "maanden")} werk. " + runsOut],
            _ => GapLines(plan?.LeadTimes ?? result.LeadTimes, o, payment),
        };
        // The cash below zero while the fixed costs run on (tester T2): said in every state, first (tester T6: it takes precedence).
        if (o.CashShortText is { } short_) lines.Insert(0, short_);
        foreach (var line in lines)
            foreach (var wrapped in Help.Wrap(line, 96)) output.WriteLine("  " + wrapped);
    }

    private static List<string> GapLines(FunderLeadTimes lead, Outlook o, string payment)
    {
        var lines = new List<string>
        {
            $"Nog {Nl.Count(o.RunwayMonths ?? 0, "maand", "maanden")} werk; vanaf {Month(o.GapStart!.Value)} dreigt een windstilte "
            + $"van {Nl.Count(o.GapMonths ?? 0, "maand", "maanden")}.",
            o.MoneyExpected is { } expected
                ? $"Om die te voorkomen moet {payment} uiterlijk in {Month(o.MoneyNeededBy!.Value)} binnen zijn; verwacht wordt {Month(expected)}."
                : $"Om die te voorkomen moet er uiterlijk in {Month(o.MoneyNeededBy!.Value)} geld bij; er komt geen betaling meer.",
        };
        if (o.RequestBy is { } requestBy)
            lines.Add(requestBy < o.Today
                ? $"Met {Nl.Count(lead.RequestToPaidMonths, "maand", "maanden")} doorlooptijd bij de financier had de aanvraag met verantwoording "
                  + $"al in {Month(requestBy)} de deur uit moeten zijn."
                : $"Met {Nl.Count(lead.RequestToPaidMonths, "maand", "maanden")} doorlooptijd bij de financier moet de aanvraag met verantwoording "
                  + $"uiterlijk in {Month(requestBy)} de deur uit.");
        return lines;
    }

    private static void Assumptions(CashFlowPlan plan, TextWriter output)
    {
        if (plan.Assumptions.IsEmpty)
        {
            output.WriteLine("Aannames: geen vastgelegd in het plan.");
            return;
        }
        output.WriteLine($"Aannames ({Nl.Number(plan.Assumptions.Length)})");
        foreach (var a in plan.Assumptions)
        {
            var text = $"{a.Field}: {a.Reasoning}" + (a.Source is { } source ? $" (bron: {source})" : "");
            var lines = Help.Wrap(text, 96).ToList();
            output.WriteLine("  " + lines[0]);
            foreach (var more in lines.Skip(1)) output.WriteLine("    " + more);
        }
    }

    private static string Event(CashFlowEvent e) => e.Kind switch
    {
        // A tranche already requested carries its grant (its own number in that grant); the plan's later tranches do not.
        EventKind.TranchePaid => $"{(e.Name is { } grant ? grant + ", " : "")}tranche {e.Number} ontvangen ({Nl.Euros(e.Amount)})",
        EventKind.PhaseBudgetPaid => $"fasebudget {e.Number} ontvangen ({Nl.Euros(e.Amount)})",
        EventKind.TrancheRequested => $"tranche {e.Number} aangevraagd",
        EventKind.AccountingSubmitted => $"verantwoording ingediend ({Nl.Euros(e.Amount)})",
        EventKind.AccountingApproved => "verantwoording goedgekeurd",
        EventKind.BridgeDrawn => $"overbrugging opgenomen ({Nl.Euros(e.Amount)})",
        EventKind.BridgeRepaid => $"overbrugging afgelost ({Nl.Euros(e.Amount)})",
        EventKind.StallStarted => "windstilte begint",
        EventKind.WorkResumed => e.Amount > 0m ? $"werk hervat (herstart {Nl.Euros(e.Amount)})" : "werk hervat",
        EventKind.MilestoneMet => $"mijlpaal: {e.Name}",
        EventKind.WorkCompleted => "werk klaar",
        EventKind.MilestoneWaiting => $"mijlpaal {e.Name} bereikt, wacht {Nl.Count(e.Number ?? 0, "maand", "maanden")}",
        EventKind.BudgetWithheld => $"fase {e.Name} later dan de marge: fasebudget {e.Number} pas na goedgekeurde verantwoording",
        _ => e.Kind.ToString(),
    };

    internal static string Month(YearMonth month) => DutchFormat.Month(month);

    private static void Fields(TextWriter output, params (string Label, string Value)[] fields)
    {
        var width = fields.Max(f => f.Label.Length) + 1;
        foreach (var (label, value) in fields)
            output.WriteLine($"  {(label + ":").PadRight(width)}  {value}");
    }
}

/// <summary>A project's cash-flow plan as saved at the service: the plan itself (null when it cannot be read), who saved it and when.</summary>
internal sealed record StoredPlan(CashFlowPlan? Plan, string? SavedBy, string? SavedAt)
{
    public string Describe(string projectId) =>
        projectId + "; kasstroomplan bij de dienst"
        + (SavedBy is null ? "" : $", vastgelegd door {SavedBy}" + (SavedAt is null ? "" : $" op {Nl.Instant(SavedAt)}"));
}
