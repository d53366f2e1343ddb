using System.Text.Json.Nodes;
using Warmte.BusinessCase.Model;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.BusinessCase.Engine;

public sealed class ModelReaderTests
{
    internal static JsonObject Ketelhuis() => JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json"))!.AsObject();

    [Theory]
    [InlineData("ketelhuiswg.json")]
    [InlineData("zonnedak-sporthal.json")]
    public void The_shipped_models_are_valid(string file)
    {
        var outcome = ModelReader.Read(RepoFiles.Read("models", file));
        Assert.True(outcome.IsOk, string.Join("; ", outcome.Refusal?.Errors.Select(e => $"{e.Field}: {e.Reason}") ?? []));
    }

    [Fact]
    public void Every_ketelhuiswg_value_not_from_the_seed_is_listed_as_an_assumption_with_reasoning()
    {
        var inputs = ModelReader.Read(RepoFiles.Read("models", "ketelhuiswg.json")).Value!;
        Assert.True(inputs.Assumptions.Length >= 10);
        Assert.All(inputs.Assumptions, a => Assert.False(string.IsNullOrWhiteSpace(a.Reasoning)));
        foreach (var field in new[] { "revenues.heatDemandGjPerWeq", "operatingCosts.heatPumpCop", "discountRate", "sources.connectionFees" })
            Assert.Contains(inputs.Assumptions, a => a.Field.Contains(field));
    }

    [Fact]
    public void A_bad_model_is_refused_with_every_field_path_and_nothing_evaluated()
    {
        var model = Ketelhuis();
        var loan = model["sources"]!["loans"]![0]!.AsObject();
        loan["termYears"] = -5;
        loan["annualRate"] = 0.75;
        model["revenues"]!["rampUp"]![1]!["connectedShare"] = 1.4;
        model.Remove("horizonYears");
        var outcome = ModelReader.Read(model.ToJsonString());
        Assert.False(outcome.IsOk);
        var fields = outcome.Refusal!.Errors.Select(e => e.Field).ToHashSet();
        Assert.Contains("horizonYears", fields);
        Assert.Contains("sources.loans[0].termYears", fields);
        Assert.Contains("sources.loans[0].annualRate", fields);
        Assert.Contains("revenues.rampUp[1].connectedShare", fields);
    }

    [Theory]
    [InlineData("{\"formatVersion\": 1, \"tarief\": 3}", "tarief")]
    [InlineData("{\"formatVersion\": 1, \"sources\": {\"loans\": [{\"rentevoet\": 0.03}]}}", "sources.loans[0].rentevoet")]
    [InlineData("{\"formatVersion\": 1, \"startYear\": \"2025\"}", "startYear")]
    [InlineData("not json", "model")]
    public void Unknown_keys_and_wrong_types_name_their_path(string json, string field)
    {
        var outcome = ModelReader.Read(json);
        Assert.Equal(field, Assert.Single(outcome.Refusal!.Errors).Field);
    }

    [Fact]
    public void A_ramp_up_that_goes_down_or_a_newer_format_version_is_refused()
    {
        var model = Ketelhuis();
        model["revenues"]!["rampUp"]![2]!["connectedShare"] = 0.3;
        model["formatVersion"] = 3;
        var fields = ModelReader.Read(model.ToJsonString()).Refusal!.Errors.Select(e => e.Field).ToList();
        Assert.Contains("revenues.rampUp[2].connectedShare", fields);
        Assert.Contains("formatVersion", fields);
    }
}
