using System.Text.Json.Nodes;
using Warmte.BusinessCase.Analysis;
using Warmte.CashFlow;
using Warmte.Tests.CashFlow;

namespace Warmte.Tests.Domain;

/// <summary>
/// Tester7 T15: a wrong value in a plan file or a loan grid is answered in Dutch, naming the field and what to write,
/// not "heeft een ongeldige waarde of is geen geldige JSON" or "kies 0 tot 0".
/// </summary>
public sealed class InputMessageTests
{
    private static string ReasonFor(JsonObject plan, string field)
    {
        var outcome = PlanReader.Read(plan.ToJsonString());
        Assert.False(outcome.IsOk);
        return Assert.Single(outcome.Refusal!.Errors, e => e.Field == field).Reason;
    }

    [Fact]
    public void A_plans_amount_written_as_dutch_text_says_to_write_the_plain_number()
    {
        var plan = PlanReaderTests.KetelhuisJson();
        plan["workPlan"]![0]!["monthlyCost"] = "9.000,00";

        var reason = ReasonFor(plan, "workPlan[0].monthlyCost");

        Assert.Contains("'9.000,00' is tekst", reason);
        Assert.Contains("zonder aanhalingstekens", reason);
        Assert.EndsWith(": 9000.00.", reason);
        Assert.DoesNotContain("geen geldige JSON", reason);
    }

    [Fact]
    public void A_plans_amount_that_could_be_a_thousand_or_one_is_called_ambiguous()
    {
        var plan = PlanReaderTests.KetelhuisJson();
        plan["workPlan"]![0]!["monthlyCost"] = "9.000";

        var reason = ReasonFor(plan, "workPlan[0].monthlyCost");

        Assert.Contains("'9.000' is tekst", reason);
        Assert.Contains("dubbelzinnig", reason);
    }

    [Fact]
    public void A_number_too_large_for_a_plan_field_is_called_too_large_not_a_missing_decimal_point()
    {
        // 1e30 is valid JSON but no decimal; JsonNode cannot hold it as one either, so it goes in as text.
        var plan = PlanReaderTests.KetelhuisJson();
        plan.Remove("cashBuffer");
        var text = plan.ToJsonString().TrimEnd('}') + ", \"cashBuffer\": 1e30}";

        var outcome = PlanReader.Read(text);

        Assert.False(outcome.IsOk);
        var reason = Assert.Single(outcome.Refusal!.Errors, e => e.Field == "cashBuffer").Reason;
        Assert.Contains("1e30 is als getal niet te gebruiken", reason);
        Assert.Contains("te groot", reason);
    }

    [Theory]
    [InlineData(1, 5, "laat loan weg of kies 0 (de eerste en enige)")]
    [InlineData(3, 3, "kies loan 0 tot en met 2")]
    [InlineData(0, 0, "het model heeft geen lening")]
    public void A_loan_index_the_model_does_not_have_says_what_to_choose(int loans, int index, string expected)
    {
        var problem = LoanGrid.LoanIndexProblem(loans, index, "loan");

        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.DoesNotContain("0 tot 0", problem);
        Assert.Null(LoanGrid.LoanIndexProblem(2, 1, "loan"));
    }

    [Theory]
    [InlineData("2.5", "Bedoelt u 2,5%? Schrijf dan 0.025.")]
    [InlineData("60", "moet tussen -0.05 en 0.5 liggen")]
    public void A_rate_outside_the_fractions_range_is_answered_with_what_to_write(string rate, string expected)
    {
        var problem = LoanGrid.RateProblem(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture));

        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.Null(LoanGrid.RateProblem(0.025m));
    }
}
