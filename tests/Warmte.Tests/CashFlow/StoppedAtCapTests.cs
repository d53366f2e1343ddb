using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Client;
using Warmte.Serialization;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Review R8: a simulation that reaches its cap of 20.000 months with the work unfinished (here a plan built in code, past
/// what PlanReader allows: a milestone that is met only after 30.000 months) was shown as "Het geld reikt tot het einde van
/// het werk". Now the outlook says that the simulation stopped, in its state, in the API's note and on the CLI.
/// </summary>
public sealed class StoppedAtCapTests
{
    private const string Expected =
        "De simulatie is na 20.000 maanden gestopt en het werk was toen nog niet af: of het geld tot het einde van het werk reikt, is niet berekend.";

    /// <summary>KetelhuisWG with its first phase's milestone met only 30.000 months after it is reached: the work waits past the cap.</summary>
    private static CashFlowPlan Endless()
    {
        var plan = PlanReaderTests.Ketelhuis();
        var first = plan.Phases[0];
        var waiting = first with { Milestones = [.. first.Milestones.Select(m => m with { DelayMonths = 30_000 })] };
        return plan with { Phases = plan.Phases.SetItem(0, waiting) };
    }

    [Fact]
    public void An_outlook_past_the_cap_says_the_simulation_stopped_not_that_the_money_lasts()
    {
        var result = CashFlowSimulator.Simulate(Endless(), Regime.Tranches, new YearMonth(2030, 1));
        Assert.Equal(20_000, result.Months.Length);
        Assert.False(result.Summary.Completed);
        var o = result.Outlook;
        Assert.Equal((OutlookState.StoppedAtCap, Expected), (o.State, o.Note));
        Assert.Null(o.MoneyLastsUntil);
        Assert.Null(o.RunwayMonths);

        // The API's field: the state by name and the sentence, as the service writes its JSON.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(o, WarmteJson.Default));
        Assert.Equal("StoppedAtCap", json.RootElement.GetProperty("state").GetString());
        Assert.Equal(Expected, json.RootElement.GetProperty("note").GetString());
    }

    [Fact]
    public void A_plan_that_ends_keeps_its_outlook_without_a_note()
    {
        var o = CashFlowSimulator.Simulate(PlanReaderTests.Ketelhuis(), Regime.Tranches, new YearMonth(2019, 1)).Outlook;
        Assert.NotEqual(OutlookState.StoppedAtCap, o.State);
        Assert.Null(o.Note);
    }

    [Fact]
    public void The_cli_timeline_prints_the_same_sentence_and_not_that_the_money_lasts()
    {
        var plan = Endless();
        var output = new StringWriter();
        CashFlowViews.Timeline(plan, CashFlowSimulator.Simulate(plan, Regime.Tranches, new YearMonth(2030, 1)), "plan.json", output);
        var text = System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\s+", " "); // the CLI wraps at 96 characters
        Assert.Contains(Expected, text);
        Assert.DoesNotContain("Het geld reikt tot het einde van het werk", text);
    }
}
