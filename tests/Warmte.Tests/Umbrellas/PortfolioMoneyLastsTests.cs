using System.Text.Json;
using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Client;
using Warmte.Phases;
using Warmte.Serialization;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// tester7 T6: the portfolio's "Geld reikt" says the outlook's own short answer: a project standing still is "werk ligt stil
/// (sinds …)", not "nog 0 maanden"; a project whose work no payment restarts "werk ligt stil vanaf …, nog te vinden …" (tester9a T1); the end of the work is the work's
/// own month, not the month before the cash runs short.
/// </summary>
public sealed class PortfolioMoneyLastsTests
{
    private static readonly LocalDate Today = new(2026, 12, 7);

    private static string Column(Outlook outlook)
    {
        var row = Portfolio.Row("zuid-net", "Zuid", "zuidwarmte", Phase.Ontwikkeling, [], [], Today, outlook);
        var json = JsonSerializer.SerializeToElement(row, WarmteJson.Default);
        var cli = GrantViews.MoneyLasts(json);
        Assert.Equal(row.MoneyLastsText, json.GetProperty("moneyLastsText").GetString());
        return cli;
    }

    [Fact]
    public void A_stalled_project_says_since_when_it_stands_still_not_zero_months()
    {
        var column = Column(new Outlook { Today = new YearMonth(2026, 12), State = OutlookState.InStall, RunwayMonths = 0, GapStart = new YearMonth(2026, 9) });
        Assert.Equal("werk ligt stil (sinds 09-2026)", column);
        Assert.DoesNotContain("0 maanden", column);
    }

    [Fact]
    public void Money_that_runs_out_for_good_and_the_end_of_the_work_are_each_said_once()
    {
        Assert.Equal("werk ligt stil vanaf 09-2027, nog te vinden € 13.500,00", Column(new Outlook
        {
            Today = new YearMonth(2026, 12), State = OutlookState.GapAhead, RunwayMonths = 9, GapStart = new YearMonth(2027, 9), MoneyToFind = 13_500m,
        }));
        Assert.Equal("nog 1 maand", Column(new Outlook { Today = new YearMonth(2026, 12), State = OutlookState.GapAhead, RunwayMonths = 1, GapStart = new YearMonth(2027, 1) }));
        // The work ends 07-2027; the month before a cash shortage (moneyLastsUntil) is no "end of the work".
        Assert.Equal("tot het einde van het werk (07-2027)", Column(new Outlook
        {
            Today = new YearMonth(2026, 12), State = OutlookState.NoGapAhead, MoneyLastsUntil = new YearMonth(2027, 7), WorkDoneIn = new YearMonth(2027, 7),
        }));
    }
}
