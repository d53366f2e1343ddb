using System.Collections.Immutable;
using NodaTime;

namespace Warmte.CashFlow;

/// <summary>How the grant reaches the project. The CLI names are tranches, milestones and bridge.</summary>
public enum Regime
{
    /// <summary>Today's regime: each next tranche after the previous one's accounting, with the funder's lead times.</summary>
    Tranches,
    /// <summary>The Danish model: each phase's budget is pre-financed at the start of the phase once the previous phase's milestones are met.</summary>
    Milestones,
    /// <summary>Tranches as today, plus a bridge loan drawn when cash would fall below the buffer and repaid from the next tranche.</summary>
    Bridge,
}

public enum MonthStatus
{
    /// <summary>The next work month was done.</summary>
    Working,
    /// <summary>Windstilte: cash did not cover the work; only the fixed costs ran on.</summary>
    Stalled,
    /// <summary>The work waited for a milestone's expected delay (a permit, a vote); only the fixed costs ran on.</summary>
    Waiting,
}

public enum EventKind
{
    TranchePaid,
    PhaseBudgetPaid,
    /// <summary>The next tranche was requested; it is paid after the funder's lead time.</summary>
    TrancheRequested,
    /// <summary>The accounting of what was paid so far, sent with the request for the next tranche (or at a phase's end).</summary>
    AccountingSubmitted,
    AccountingApproved,
    BridgeDrawn,
    BridgeRepaid,
    StallStarted,
    WorkResumed,
    MilestoneMet,
    WorkCompleted,
    /// <summary>A milestone was reached and now waits its delay (<see cref="CashFlowEvent.Number"/> months) before it is met.</summary>
    MilestoneWaiting,
    /// <summary>Milestone regime: the phase closed later than the agreed margin, so the next budget (Number) waits for the approved accounting.</summary>
    BudgetWithheld,
}

/// <summary>
/// Something that happened in a month. <see cref="Number"/> is the tranche or phase number (1-based)
/// where that applies; <see cref="Amount"/> the money involved, else 0.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CashFlowEvent(
    [property: Id(0)] EventKind Kind,
    [property: Id(1)] decimal Amount = 0m,
    [property: Id(2)] int? Number = null,
    [property: Id(3)] string? Name = null);

/// <summary>
/// One calendar month. Received = grant payments + bridge draws; Spent = work, fixed costs during a
/// stall, restart cost and bridge repayment. Closing − Opening = Received − Spent, to the cent.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MonthResult
{
    [Id(0)] public required YearMonth Month { get; init; }
    [Id(1)] public required MonthStatus Status { get; init; }
    /// <summary>The work month done this month, or the one waiting when stalled.</summary>
    [Id(2)] public required int WorkMonth { get; init; }
    [Id(3)] public required string Phase { get; init; }
    [Id(4)] public required decimal Opening { get; init; }
    [Id(5)] public required decimal GrantReceived { get; init; }
    [Id(6)] public required decimal BridgeDrawn { get; init; }
    [Id(7)] public required decimal Received { get; init; }
    /// <summary>The planned cost of the work month (fixed and variable packages) when working.</summary>
    [Id(8)] public required decimal WorkCost { get; init; }
    /// <summary>The fixed costs that ran on in a stalled month.</summary>
    [Id(9)] public required decimal StallCost { get; init; }
    [Id(10)] public required decimal RestartCost { get; init; }
    /// <summary>Bridge principal and capitalised interest repaid from a tranche.</summary>
    [Id(11)] public required decimal BridgeRepaid { get; init; }
    [Id(12)] public required decimal Spent { get; init; }
    [Id(13)] public required decimal Closing { get; init; }
    [Id(14)] public required decimal BridgeInterest { get; init; }
    [Id(15)] public required decimal BridgeOutstanding { get; init; }
    /// <summary>Funders' money out and not yet accounted for (approved) or repaid, at the month's end.</summary>
    [Id(16)] public required decimal Exposure { get; init; }
    [Id(17)] public required ImmutableArray<CashFlowEvent> Events { get; init; }
}

/// <summary>A windstilte: consecutive months in which the work waited for money.</summary>
[GenerateSerializer, Immutable]
public sealed record Stall
{
    [Id(0)] public required YearMonth Start { get; init; }
    [Id(1)] public required int Months { get; init; }
    /// <summary>The month work resumed; null when the money never came (the plan ran out of funding).</summary>
    [Id(2)] public YearMonth? ResumedIn { get; init; }
    [Id(3)] public required int WorkMonth { get; init; }
    [Id(4)] public required string Phase { get; init; }
    /// <summary>The packages that stopped: those planned for the waiting work month that do not run during a stall.</summary>
    [Id(5)] public required ImmutableArray<string> StoppedWork { get; init; }
    [Id(6)] public required decimal FixedCosts { get; init; }
    [Id(7)] public required decimal RestartCost { get; init; }

    public decimal Cost => FixedCosts + RestartCost;

    public YearMonth End => Start.PlusMonths(Months - 1);
}

[GenerateSerializer, Immutable]
public sealed record MilestoneReached(
    [property: Id(0)] string Name,
    [property: Id(1)] string Phase,
    [property: Id(2)] int WorkMonth,
    [property: Id(3)] YearMonth Month);

public enum OutlookState
{
    /// <summary>Work is running and a stall lies ahead.</summary>
    GapAhead,
    /// <summary>Work is running and the money lasts until the work is done.</summary>
    NoGapAhead,
    /// <summary>Today falls in a stall.</summary>
    InStall,
    /// <summary>The work was done before today.</summary>
    Finished,
    /// <summary>The simulation ended before today with the work unfinished: the money ran out.</summary>
    OutOfFunding,
    /// <summary>
    /// The simulation reached its cap (<see cref="CashFlowSimulator.MaxMonths"/>) with the work unfinished and no stall
    /// ahead: whether the money lasts until the work is done is not known (<see cref="Outlook.StoppedAtCapText"/>).
    /// </summary>
    StoppedAtCap,
}

/// <summary>
/// The runway at "today": how many months work can go on, when the next gap starts, and by when the
/// money must arrive (and so the request go out) to avoid it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Outlook
{
    [Id(0)] public required YearMonth Today { get; init; }
    [Id(1)] public required OutlookState State { get; init; }
    /// <summary>
    /// Only when the money runs out: months from today (inclusive) that work proceeds before the next stall (0 in a stall or
    /// out of funding). Null when the money lasts until the work is done (<see cref="MoneyLastsUntil"/>) or the work is
    /// finished: a number here reads as "the money runs out then", so it is never the months to the end of the work. The
    /// same rule as the workbooks' "Runway (maanden)" and the portfolio's <c>runwayMonths</c>.
    /// </summary>
    [Id(2)] public int? RunwayMonths { get; init; }
    [Id(3)] public YearMonth? GapStart { get; init; }
    [Id(4)] public int? GapMonths { get; init; }
    /// <summary>The next payment must be there in this month (it is usable in the month it arrives) to avoid the gap.</summary>
    [Id(5)] public YearMonth? MoneyNeededBy { get; init; }
    /// <summary>When the money is expected, under this regime: the month the gap ends.</summary>
    [Id(6)] public YearMonth? MoneyExpected { get; init; }
    /// <summary>With the funder's lead time, the request (with the accounting) must go out by this month to arrive by MoneyNeededBy.</summary>
    [Id(7)] public YearMonth? RequestBy { get; init; }
    /// <summary>What the outlook is taken from: the project's actual state, or (before anything was recorded) the plan simulated from its start.</summary>
    [Id(8)] public OutlookBasis Basis { get; init; }
    /// <summary>The next grant payment on its way (<see cref="Grants.PaymentExpectation.Next"/>): the same date the portfolio shows.</summary>
    [Id(9)] public Grants.NextPayment? NextPayment { get; init; }
    /// <summary>
    /// From the actual state with tranches paid but no spending booked nor progress reported (tester A7): the balance is the
    /// actual one (every euro received), the work stands where the plan has it today and the plan's spending runs from there.
    /// </summary>
    [Id(10)] public bool WorkFromPlan { get; init; }
    /// <summary>
    /// How long the money pays every bill: with <see cref="OutlookState.NoGapAhead"/> the month the work is done ("Geld reikt tot
    /// het einde van het werk (mei 2031)"); when the cash goes below zero (<see cref="CashShortFrom"/>, tester T2) the last month
    /// before it does, whatever the state. Null when neither: the money lasts through the stalls ahead.
    /// </summary>
    [Id(11)] public YearMonth? MoneyLastsUntil { get; init; }
    /// <summary>
    /// With <see cref="OutlookState.StoppedAtCap"/>: <see cref="StoppedAtCapText"/>, the one sentence the cash page, the CLI and
    /// the exports show (review R8: they said "Het geld reikt tot het einde van het werk" of a simulation that never got there).
    /// </summary>
    [Id(12)] public string? Note { get; init; }

    /// <summary>
    /// The first month from today on whose cash closes below zero: in a stall the fixed costs run on, and when the balance
    /// cannot pay them the bills go unpaid (tester T2: the table went to € -10.287 while the outlook only spoke of a stall).
    /// Null when the cash stays at or above zero. Today itself when the balance is already below zero.
    /// </summary>
    [Id(13)] public YearMonth? CashShortFrom { get; init; }
    /// <summary>With <see cref="CashShortFrom"/>: the deepest shortfall from today on (a positive amount: minus the lowest closing balance).</summary>
    [Id(14)] public decimal? Shortfall { get; init; }
    /// <summary>With <see cref="CashShortFrom"/>: the month of <see cref="Shortfall"/>.</summary>
    [Id(15)] public YearMonth? ShortfallMonth { get; init; }

    /// <summary>
    /// The month the work is done in this projection, whatever the state; null when it is not done (tester T6: the views printed
    /// <see cref="MoneyLastsUntil"/> as "the end of the work" when it was the month before the cash ran short, 7 work months early).
    /// </summary>
    [Id(16)] public YearMonth? WorkDoneIn { get; init; }
    /// <summary>
    /// When the gap ahead (or the stall now) never ends because no payment is coming and no tranche is left to request (tester T5):
    /// what is still to find to finish the work — the planned cost of the work months not done, plus the buffer, minus the cash
    /// there is when the money runs out. Then <see cref="GapMonths"/>, <see cref="MoneyExpected"/> and <see cref="RequestBy"/> are null:
    /// there is no tranche to ask for.
    /// </summary>
    [Id(17)] public decimal? MoneyToFind { get; init; }

    /// <summary>
    /// With <see cref="RunsOut"/>: the grant payments that still arrive after the gap starts (net of a bridge repaid from them), and the
    /// month of the last one. They do not end the stall: the work month waited on costs more than the cash then holds above the buffer
    /// (tester9a T1: tranches 2 and 3 came in 04-2027 and 12-2027 while every view said "er komt geen betaling meer"). 0 and null when
    /// nothing comes.
    /// </summary>
    [Id(18)] public decimal? PaymentsInGap { get; init; }
    [Id(19)] public YearMonth? LastPaymentInGap { get; init; }
    /// <summary>With <see cref="RunsOut"/>: the plan's cash buffer, which a work month must leave in the bank (named in <see cref="RunsOutText"/>).</summary>
    [Id(20)] public decimal? CashBuffer { get; init; }

    /// <summary>
    /// The work stops at <see cref="GapStart"/> and no payment restarts it before the plan's money is used up: no tranche is left to
    /// request, and what still comes (<see cref="PaymentsInGap"/>) does not cover a work month (tester7 T5, tester9a T1).
    /// </summary>
    public bool RunsOut => MoneyToFind is not null && GapStart is not null;

    /// <summary>
    /// The one sentence every view shows when <see cref="RunsOut"/>, worded on the timeline's own figures (tester9a T1): the work stands
    /// still because the cash does not cover the next work month, "er komt geen betaling meer" only when no payment comes, otherwise
    /// the payments that do come and why they do not restart the work; then what is still to find. Never "het geld is op": the cash
    /// itself may stay well above zero (below zero <see cref="CashShortText"/> says so). Null otherwise.
    /// </summary>
    public string? RunsOutText
    {
        get
        {
            if (!RunsOut) return null;
            var month = Warmte.DutchFormat.Month(GapStart!.Value);
            var buffer = CashBuffer is > 0m and { } b ? $" met een buffer van {Warmte.DutchFormat.Money(b)} over" : "";
            var text = (State == OutlookState.InStall ? $"Het werk ligt stil sinds {month}" : $"Vanaf {month} ligt het werk stil")
                       + $": de kas dekt de volgende werkmaand niet{buffer}";
            return PaymentsInGap is > 0m and { } coming
                ? text + $". Wat er daarna nog binnenkomt ({Warmte.DutchFormat.Money(coming)}, de laatste betaling in "
                  + $"{Warmte.DutchFormat.Month(LastPaymentInGap!.Value)}) is niet genoeg om het werk weer op te starten, en er is geen tranche meer aan te vragen. "
                  + (MoneyToFind is > 0m
                      ? $"Nog te vinden {Warmte.DutchFormat.Money(MoneyToFind!.Value)} om het werk af te maken (bovenop de kas en die betalingen)."
                      // Review18 #7: the payments cover the remaining work on paper, but each comes too late or too small to pay
                      // a work month while the stall's fixed costs eat them; "nog te vinden € 0,00" would say all is well.
                      : "Op papier dekken de kas en die betalingen het resterende werk, maar ze komen te laat of in te kleine delen: "
                        + "de vaste lasten tijdens de stilstand eten ze op. Nodig is geld dat eerder komt (een voorschot of overbrugging).")
                : text + $"; er komt geen betaling meer en er is geen tranche meer aan te vragen. "
                  + $"Nog te vinden {Warmte.DutchFormat.Money(MoneyToFind!.Value)} om het werk af te maken.";
        }
    }

    /// <summary>
    /// The outlook in one sentence, one per state, with the cash below zero first (tester T6: "Geld reikt nog 9 maanden" next to
    /// "De kas is leeg in 12-2026"; "nog 0 maanden" for a stall; "tot het einde van het werk (11-2026)" with 7 work months to go).
    /// Precedence: the cash short, then a stall now, then the money running out for good, then a gap ahead, then the end of the work.
    /// </summary>
    public string Headline => State switch
    {
        OutlookState.StoppedAtCap => Note ?? StoppedAtCapText,
        OutlookState.Finished => "Het werk is klaar.",
        _ when CashShortText is { } cashShort => cashShort + (State switch
        {
            OutlookState.InStall when GapStart is { } since => $" Het werk ligt stil sinds {Warmte.DutchFormat.Month(since)}.",
            OutlookState.NoGapAhead when WorkDoneIn is { } done => $" Er komt geen windstilte meer; het werk is klaar in {Warmte.DutchFormat.Month(done)}.",
            _ => "",
        }),
        OutlookState.OutOfFunding => "Het geld is op en er komt geen tranche meer: het werk komt niet af.",
        OutlookState.InStall when RunsOutText is { } runsOut => runsOut,
        OutlookState.InStall => (GapStart is { } s ? $"Het werk ligt stil sinds {Warmte.DutchFormat.Month(s)}" : "Het werk ligt stil")
                                + (MoneyExpected is { } e ? $"; geld verwacht in {Warmte.DutchFormat.Month(e)}." : "."),
        OutlookState.GapAhead when RunsOutText is { } runsOut => runsOut,
        OutlookState.GapAhead => $"Het geld reikt nog {RunwayMonths} {Warmte.DutchFormat.Noun(RunwayMonths ?? 0, "maand", "maanden")} werk; "
                                 + $"vanaf {Warmte.DutchFormat.Month(GapStart!.Value)} dreigt een windstilte.",
        _ => WorkDoneIn is { } end ? $"Het geld reikt tot het einde van het werk ({Warmte.DutchFormat.Month(end)})." : "Het geld reikt tot het einde van het werk.",
    };

    /// <summary>
    /// The short answer for a "Geld reikt" column (the portfolio, the umbrella): "kas leeg in 12-2026", "werk ligt stil (sinds 09-2026)",
    /// "werk ligt stil vanaf 09-2027, nog te vinden € 13.500,00", "nog 3 maanden", "tot het einde van het werk (05-2031)"; the same precedence as <see cref="Headline"/>.
    /// </summary>
    public string MoneyLastsText => State switch
    {
        OutlookState.StoppedAtCap => "niet berekend (simulatie gestopt)",
        OutlookState.Finished => "werk is klaar",
        _ when CashShortFrom is { } from => $"kas leeg in {Warmte.DutchFormat.Month(from)}",
        OutlookState.OutOfFunding => "geld is op",
        OutlookState.InStall => (GapStart is { } since ? $"werk ligt stil (sinds {Warmte.DutchFormat.Month(since)})" : "werk ligt stil") + ToFindSuffix,
        // Not "geld op" (tester9a T1: next to "Volgende betaling verwacht 20-04-2027" and a balance that never went below zero).
        OutlookState.GapAhead when RunsOut => $"werk ligt stil vanaf {Warmte.DutchFormat.Month(GapStart!.Value)}" + ToFindSuffix,
        OutlookState.GapAhead => $"nog {RunwayMonths} {Warmte.DutchFormat.Noun(RunwayMonths ?? 0, "maand", "maanden")}",
        _ => WorkDoneIn is { } end ? $"tot het einde van het werk ({Warmte.DutchFormat.Month(end)})" : "tot het einde van het werk",
    };

    private string ToFindSuffix => !RunsOut ? "" : MoneyToFind is > 0m ? $", nog te vinden {Warmte.DutchFormat.Money(MoneyToFind!.Value)}" : ", geld komt te laat";

    /// <summary>
    /// The one sentence every view shows when the cash goes below zero ("De kas is leeg in 03-2028 (tekort € 10.286,60 in 05-2028):
    /// de vaste kosten zijn dan niet meer te betalen."); null when it does not.
    /// </summary>
    public string? CashShortText => CashShortFrom is { } from && Shortfall is { } shortfall
        ? $"De kas is leeg in {Warmte.DutchFormat.Month(from)} (tekort {Warmte.DutchFormat.Money(shortfall)}"
          + (ShortfallMonth is { } deepest && deepest != from ? $" in {Warmte.DutchFormat.Month(deepest)}" : "")
          + "): de vaste kosten zijn dan niet meer te betalen."
        : null;

    /// <summary>What every page says of a simulation stopped at its cap.</summary>
    public static readonly string StoppedAtCapText =
        $"De simulatie is na {CashFlowSimulator.MaxMonths.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"))} {Warmte.DutchFormat.Noun(CashFlowSimulator.MaxMonths, "maand", "maanden")} gestopt en het werk was toen nog niet af: "
        + "of het geld tot het einde van het werk reikt, is niet berekend.";
}

/// <summary>What a cash outlook is computed from.</summary>
public enum OutlookBasis
{
    /// <summary>The saved plan simulated from its start month, with simulated requests: nothing actual was recorded yet (or a regime the project does not run).</summary>
    Plan,
    /// <summary>The actual state: tranches really requested and paid, spending really booked, the board's progress report; projected from there.</summary>
    Actual,
}

/// <summary>One regime's totals: what the funders decide on.</summary>
[GenerateSerializer, Immutable]
public sealed record CashFlowSummary
{
    [Id(0)] public required bool Completed { get; init; }
    /// <summary>The month the last work month was done (financial close in a development plan).</summary>
    [Id(1)] public YearMonth? CompletedIn { get; init; }
    /// <summary>Calendar months from the start to completion (or to the end of the simulation when unfinished).</summary>
    [Id(2)] public required int DurationMonths { get; init; }
    [Id(3)] public required int PlannedWorkMonths { get; init; }
    [Id(4)] public required int WorkMonthsDone { get; init; }
    [Id(5)] public required int MonthsStalled { get; init; }
    [Id(6)] public required int StallCount { get; init; }
    [Id(7)] public required decimal PlannedCost { get; init; }
    /// <summary>Everything spent on the work: planned work done, fixed costs during stalls, restart costs (no bridge repayments).</summary>
    [Id(8)] public required decimal WorkSpent { get; init; }
    [Id(9)] public required decimal StallFixedCosts { get; init; }
    [Id(10)] public required decimal RestartCosts { get; init; }
    /// <summary>Cost caused by stalls: fixed costs during stalls plus restart costs. Interest is counted apart.</summary>
    [Id(11)] public required decimal ExtraCost { get; init; }
    /// <summary>
    /// Bridge interest until the loan is repaid by the tranche already on its way when the work is done
    /// (so also after the last simulated month), or until the simulation ends when none is.
    /// </summary>
    [Id(12)] public required decimal InterestCost { get; init; }
    [Id(13)] public required decimal GrantPaid { get; init; }
    /// <summary>The largest amount of funders' money out and not yet accounted for or repaid, at a month's end.</summary>
    [Id(14)] public required decimal PeakExposure { get; init; }
    [Id(15)] public YearMonth? PeakExposureMonth { get; init; }
    [Id(16)] public required decimal PeakBridgeOutstanding { get; init; }
    /// <summary>The bridge loan still outstanding in the last simulated month.</summary>
    [Id(17)] public required decimal BridgeOutstandingAtEnd { get; init; }
    [Id(18)] public required decimal LowestCash { get; init; }
    [Id(19)] public required YearMonth LowestCashMonth { get; init; }
    [Id(20)] public required decimal ClosingCash { get; init; }
    /// <summary>The month the bridge loan is repaid in full: when the work is done, or by the tranche then on its way; null when not.</summary>
    [Id(21)] public YearMonth? BridgeRepaidIn { get; init; }
    /// <summary>Months the work waited for milestones' expected delays, and the fixed costs paid meanwhile (part of ExtraCost).</summary>
    [Id(22)] public int MonthsWaiting { get; init; }
    [Id(23)] public decimal WaitingCosts { get; init; }
}

/// <summary>The whole simulation of one regime on one plan.</summary>
[GenerateSerializer, Immutable]
public sealed record CashFlowResult
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required Regime Regime { get; init; }
    [Id(2)] public required FunderLeadTimes LeadTimes { get; init; }
    [Id(3)] public required CashFlowSummary Summary { get; init; }
    [Id(4)] public required ImmutableArray<Stall> Stalls { get; init; }
    [Id(5)] public required ImmutableArray<MilestoneReached> Milestones { get; init; }
    [Id(6)] public required Outlook Outlook { get; init; }
    [Id(7)] public required ImmutableArray<MonthResult> Months { get; init; }
    /// <summary>
    /// The outlook of this simulation of the plan from its start, when <see cref="Outlook"/> was taken
    /// from the project's actual state instead (then the months above are the plan's simulation, not the forecast).
    /// </summary>
    [Id(8)] public Outlook? PlanOutlook { get; init; }
}

/// <summary>The regimes side by side on the same plan; the bridge regime only when the plan has a bridge loan.</summary>
[GenerateSerializer, Immutable]
public sealed record RegimeComparison(
    [property: Id(0)] string Name,
    [property: Id(1)] ImmutableArray<CashFlowResult> Results)
{
    public CashFlowResult? this[Regime regime] => Results.FirstOrDefault(r => r.Regime == regime);
}
