using System.Collections.Immutable;
using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Grants;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// A payment on its way names its tranche by the tranche's own number in its grant, with the grant, not by a running
/// count over all grants (which equalled it only with one grant): with PAW's tranches 1–2 and SVWN's tranche 1, the
/// SVWN payment is "SVWN, tranche 1", not "tranche 3". Cash timeline (CLI and dashboard "Onderweg", projection
/// events) and the portfolio's next payment.
/// </summary>
public sealed class TwoGrantsTrancheNumberTests
{
    private static TrancheStep Step(TrancheStatus to, LocalDate on) =>
        new() { To = to, On = on, Actor = "t", RecordedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };

    private static Tranche Tranche(int number, params TrancheStep[] steps) => new()
    {
        Number = number, PlannedAmount = 100_000m * number, Status = steps.Length == 0 ? TrancheStatus.Gepland : steps[^1].To, Steps = [.. steps],
        PaidAmount = steps.Length > 0 && steps[^1].To == TrancheStatus.Uitbetaald ? 100_000m * number : null,
    };

    private static GrantView View(string id, string scheme, params Tranche[] tranches) => GrantView.Of(new Grant
    {
        Id = id, ProjectId = "p", Funder = "Rijk", Scheme = scheme, AmountGranted = 1_000_000m, DecidedOn = new LocalDate(2024, 1, 1),
        EarnedBack = false, PreviousAccountingFirst = true, Tranches = [.. tranches], CreatedAt = Instant.FromUtc(2024, 1, 1, 0, 0),
    });

    [Fact]
    public void The_payments_on_their_way_and_the_next_payment_name_each_tranche_by_its_own_number_and_grant()
    {
        var plan = PlanReaderTests.Ketelhuis();
        var today = plan.StartMonth.PlusMonths(8).OnDayOfMonth(10);
        var paw = View("paw", "PAW",
            Tranche(1, Step(TrancheStatus.Aangevraagd, today.PlusDays(-200)), Step(TrancheStatus.VerantwoordingIngediend, today.PlusDays(-199)),
                Step(TrancheStatus.Goedgekeurd, today.PlusDays(-120)), Step(TrancheStatus.Uitbetaald, today.PlusDays(-100))),
            Tranche(2, Step(TrancheStatus.Aangevraagd, today.PlusDays(-3))));
        // SVWN's tranche 1 was approved two days ago: its funder never paid yet, so 30 days after approval — before PAW's tranche 2.
        var svwn = View("svwn", "SVWN",
            Tranche(1, Step(TrancheStatus.Aangevraagd, today.PlusDays(-90)), Step(TrancheStatus.VerantwoordingIngediend, today.PlusDays(-89)),
                Step(TrancheStatus.Goedgekeurd, today.PlusDays(-2))));
        var spent = ImmutableArray.Create(new MonthSpending(plan.StartMonth, 50_000m, 1, []));
        var facts = new CashFacts(plan, [paw, svwn], spent, []);

        var onTheWay = ProjectCash.Timeline(facts, Regime.Tranches, today).State.ExpectedPayments;
        Assert.Equal(2, onTheWay.Length);
        var pawTwo = Assert.Single(onTheWay, p => p.GrantId == "paw");
        Assert.Equal((2, "PAW", "PAW, tranche 2"), (pawTwo.Number, pawTwo.Scheme, pawTwo.Tranche));
        var svwnOne = Assert.Single(onTheWay, p => p.GrantId == "svwn");
        Assert.Equal((1, "SVWN", "SVWN, tranche 1", 100_000m), (svwnOne.Number, svwnOne.Scheme, svwnOne.Tranche, svwnOne.Amount));
        Assert.Equal(today.PlusDays(28).ToYearMonth(), svwnOne.Month);

        var row = Portfolio.Row("p", "P", "c", Phases.Phase.Realisatie, [], facts.Grants, today, ProjectCash.Outlook(facts, today));
        Assert.Equal(today.PlusDays(28), row.NextExpectedPayment);
        Assert.Equal("SVWN, tranche 1", row.NextExpectedTranche);
    }
}
