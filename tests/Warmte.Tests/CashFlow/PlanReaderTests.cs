using System.Text.Json.Nodes;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.CashFlow;

public sealed class PlanReaderTests
{
    internal static JsonObject KetelhuisJson() => JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"))!.AsObject();

    internal static CashFlowPlan Ketelhuis() => Read(KetelhuisJson());

    internal static CashFlowPlan Read(JsonObject json)
    {
        var outcome = PlanReader.Read(json.ToJsonString());
        Assert.True(outcome.IsOk, string.Join("; ", outcome.Refusal?.Errors.Select(e => $"{e.Field}: {e.Reason}") ?? []));
        return outcome.Value!;
    }

    private static HashSet<string> RefusedFields(JsonObject json)
    {
        var outcome = PlanReader.Read(json.ToJsonString());
        Assert.False(outcome.IsOk);
        Assert.All(outcome.Refusal!.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
        return outcome.Refusal.Errors.Select(e => e.Field).ToHashSet();
    }

    [Fact]
    public void The_ketelhuiswg_plan_is_valid_and_splits_the_grant_into_seven_tranches_of_a_million_and_one_of_700k()
    {
        var plan = Ketelhuis();
        Assert.Equal(7_700_000m, plan.Grant.Amount);
        Assert.Equal([.. Enumerable.Repeat(1_000_000m, 7), 700_000m], plan.Grant.Tranches.ToArray());
        Assert.True(plan.Grant.WaitsForAccounting);
        Assert.Equal(new YearMonth(2019, 1), plan.StartMonth);
        Assert.Equal(54, plan.WorkMonths);
        Assert.Equal(plan.PlannedCost, plan.Phases.Sum(p => p.Budget));
        Assert.Equal(LeadTimeSource.Setting, plan.LeadTimes.Source);
        Assert.InRange(plan.LeadTimes.RequestToPaidMonths, 9, 12);
        Assert.Equal(2, plan.WorkPlan.Count(p => p.RunsDuringStall));
        Assert.All(plan.WorkPlan.Where(p => p.RunsDuringStall), p => Assert.Contains(p.Kind, new[] { WorkKind.Organisation, WorkKind.Communication }));
    }

    [Fact]
    public void Every_ketelhuiswg_value_not_from_the_seed_is_listed_as_an_assumption_with_reasoning()
    {
        var plan = Ketelhuis();
        Assert.All(plan.Assumptions, a => Assert.False(string.IsNullOrWhiteSpace(a.Reasoning)));
        foreach (var field in new[] { "startMonth", "grant", "leadTimes", "workPlan", "runsDuringStall", "phases", "cashBuffer", "restartCost", "bridgeLoan" })
            Assert.Contains(plan.Assumptions, a => a.Field.Contains(field, StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_plan_is_refused_with_every_field_path()
    {
        var json = KetelhuisJson();
        json.Remove("startMonth");
        json["cashBuffer"] = -5;
        json["restartCost"] = 10.555;
        json["phases"]![1]!["months"] = 0;
        json["phases"]![2]!["milestones"]![0]!["month"] = 13;
        json["workPlan"]![2]!["phase"] = "Bouw";
        json["workPlan"]![3]!["kind"] = "lobby";
        json["workPlan"]![4]!["monthlyCost"] = -1;
        json["grant"]!["trancheSize"] = 0;
        json["leadTimes"]!["requestToApprovedMonths"] = 61;
        json["bridgeLoan"]!["annualRate"] = 0.9;

        var fields = RefusedFields(json);

        foreach (var field in new[]
                 {
                     "startMonth", "cashBuffer", "restartCost", "phases[1].months", "phases[2].milestones[0].month",
                     "workPlan[2].phase", "workPlan[3].kind", "workPlan[4].monthlyCost", "grant.trancheSize",
                     "leadTimes.requestToApprovedMonths", "bridgeLoan.annualRate",
                 })
            Assert.Contains(field, fields);
    }

    [Theory]
    [InlineData("{\"formatVersion\": 1, \"tranchegrootte\": 3}", "tranchegrootte")]
    [InlineData("{\"formatVersion\": 1, \"grant\": {\"bedrag\": 3}}", "grant.bedrag")]
    [InlineData("{\"formatVersion\": 1, \"phases\": [{\"name\": \"a\", \"duur\": 3}]}", "phases[0].duur")]
    [InlineData("{\"formatVersion\": 1, \"openingBalance\": \"1000\"}", "openingBalance")]
    [InlineData("{\"formatVersion\": 1, \"grant\": {\"waitsForAccounting\": \"ja\"}}", "grant.waitsForAccounting")]
    [InlineData("geen json", "plan")]
    [InlineData("null", "plan")]
    public void Unknown_keys_and_wrong_types_name_their_path(string json, string field)
    {
        var outcome = PlanReader.Read(json);
        Assert.Equal(field, Assert.Single(outcome.Refusal!.Errors).Field);
    }

    [Fact]
    public void An_empty_plan_names_every_required_part()
    {
        var fields = PlanReader.Read("{}").Refusal!.Errors.Select(e => e.Field).ToHashSet();
        foreach (var field in new[] { "formatVersion", "name", "startMonth", "phases", "workPlan", "grant", "leadTimes" })
            Assert.Contains(field, fields);
    }

    [Fact]
    public void Phase_budgets_may_exceed_the_grant_and_the_difference_is_money_still_to_find()
    {
        // Tester T10: refused until 07-12-2026. Budgets 5.000.000 + 1.296.000 + 1.416.000 + 792.000 + 618.000 = 9.122.000 against 7.700.000.
        var json = KetelhuisJson();
        json["phases"]![0]!["budget"] = 5_000_000;
        Assert.Equal(1_422_000m, Read(json).BudgetsAboveGrant);
    }

    [Fact]
    public void Tranches_must_add_up_to_the_grant_and_only_one_way_of_giving_them_is_allowed()
    {
        var json = KetelhuisJson();
        json["grant"]!.AsObject().Remove("trancheSize");
        json["grant"]!["tranches"] = new JsonArray(3_000_000, 3_000_000);
        Assert.Contains("grant.tranches", RefusedFields(json));

        json["grant"]!["tranches"] = new JsonArray(3_000_000, 3_000_000, 1_700_000);
        Assert.Equal([3_000_000m, 3_000_000m, 1_700_000m], Read(json).Grant.Tranches.ToArray());

        json["grant"]!["trancheSize"] = 1_000_000;
        Assert.Contains("grant", RefusedFields(json));
    }

    [Fact]
    public void A_work_package_takes_a_phase_or_a_month_range_and_by_default_the_whole_programme()
    {
        var json = KetelhuisJson();
        json["workPlan"]![2]!["fromMonth"] = 3;
        Assert.Contains("workPlan[2].phase", RefusedFields(json));

        json = KetelhuisJson();
        json["workPlan"]![3]!["toMonth"] = 55;
        Assert.Contains("workPlan[3].toMonth", RefusedFields(json));

        var plan = Ketelhuis();
        Assert.Equal((1, 54), (plan.WorkPlan[0].FromMonth, plan.WorkPlan[0].ToMonth));
        Assert.Equal((1, 39), (plan.WorkPlan[3].FromMonth, plan.WorkPlan[3].ToMonth));
        Assert.Equal((16, 27), (plan.WorkPlan[4].FromMonth, plan.WorkPlan[4].ToMonth));
    }

    [Fact]
    public void Milestones_default_to_the_end_of_their_phase_and_count_over_the_whole_programme()
    {
        var plan = Ketelhuis();
        Assert.Equal(15, plan.Phases[0].Milestones.Single().WorkMonth);
        Assert.Equal([36, 39], plan.Phases[2].Milestones.Select(m => m.WorkMonth));
    }

    [Fact]
    public void Observed_history_replaces_the_settings_by_its_median()
    {
        var json = KetelhuisJson();
        json["leadTimes"]!["observed"] = new JsonArray(
            Observation("2019-09", "2020-05", "2020-07"),   // 8 + 2
            Observation("2021-02", "2021-11", "2022-01"),   // 9 + 2
            Observation("2022-08", "2023-02", "2023-06"),   // 6 + 4
            Observation("2023-12", "2024-10", "2024-11"));  // 10 + 1
        var lead = Read(json).LeadTimes;

        Assert.Equal(LeadTimeSource.ObservedMedian, lead.Source);
        Assert.Equal(4, lead.Observations);
        // Sorted 6, 8, 9, 10 and 1, 2, 2, 4: with an even count the upper middle value.
        Assert.Equal(9, lead.RequestToApprovedMonths);
        Assert.Equal(2, lead.ApprovedToPaidMonths);

        json["leadTimes"]!.AsObject().Remove("requestToApprovedMonths");
        json["leadTimes"]!.AsObject().Remove("approvedToPaidMonths");
        Assert.Equal(LeadTimeSource.ObservedMedian, Read(json).LeadTimes.Source);
    }

    [Fact]
    public void Observed_dates_may_not_run_backwards()
    {
        var json = KetelhuisJson();
        json["leadTimes"]!["observed"] = new JsonArray(Observation("2020-05", "2020-01", "2020-07"), Observation("2020-05", "2020-06", "2020-02"));
        var fields = RefusedFields(json);
        Assert.Contains("leadTimes.observed[0].approved", fields);
        Assert.Contains("leadTimes.observed[1].paid", fields);
    }

    [Fact]
    public void Without_history_both_lead_time_settings_are_required()
    {
        var json = KetelhuisJson();
        json["leadTimes"]!.AsObject().Remove("approvedToPaidMonths");
        Assert.Contains("leadTimes.approvedToPaidMonths", RefusedFields(json));
    }

    [Fact]
    public void The_bridge_loan_is_optional()
    {
        var json = KetelhuisJson();
        json.Remove("bridgeLoan");
        Assert.Null(Read(json).BridgeLoan);
        Assert.Equal([Regime.Tranches, Regime.Milestones], CashFlowSimulator.RegimesFor(Read(json)).ToArray());
    }

    private static JsonObject Observation(string requested, string approved, string paid) =>
        new() { ["requested"] = requested, ["approved"] = approved, ["paid"] = paid };
}
