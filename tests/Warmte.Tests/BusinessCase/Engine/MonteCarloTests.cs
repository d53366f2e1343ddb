using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Model;
using Warmte.Serialization;

namespace Warmte.Tests.BusinessCase.Engine;

/// <summary>The Monte Carlo's distributions, its reproducibility, the base case's position and the drivers of the spread.</summary>
public sealed class MonteCarloTests
{
    private static readonly Inputs Reference = EngineTests.Ketelhuis();

    private static string Json(MonteCarloResult r) => JsonSerializer.Serialize(r, WarmteJson.Default);

    private static Uncertainty U(string input, Distribution d, decimal low, decimal? mode, decimal high) => new(input, d, low, mode, high, "test");

    [Fact]
    public void Each_distribution_has_its_textbook_mean()
    {
        // Means: uniform (a+b)/2, triangular (a+m+b)/3, PERT (a+4m+b)/6; 40,000 draws put the sample mean within
        // a few thousandths of the range (standard error ≈ 0.0015 of the range for these shapes).
        foreach (var (d, expected) in new[] { (Distribution.Uniform, 15m), (Distribution.Triangular, 14m), (Distribution.Pert, 13m) })
        {
            var random = Xoshiro256.ForRun(11, 0);
            var sum = 0m;
            const int n = 40_000;
            for (var i = 0; i < n; i++) sum += Distributions.Sample(ref random, d, 10m, 12m, 20m);
            Assert.InRange(sum / n, expected - 0.06m, expected + 0.06m);
        }
    }

    [Fact]
    public void A_pert_with_the_mode_at_an_end_is_skewed_to_that_end()
    {
        var random = Xoshiro256.ForRun(5, 5);
        var samples = Enumerable.Range(0, 20_000).Select(_ => Distributions.Sample(ref random, Distribution.Pert, 0m, 0m, 1m)).ToList();
        // Beta(1, 5): mean 1/6, P(X ≤ 0.5) = 1 − 0.5⁵ = 0.96875.
        Assert.InRange(samples.Average(), 0.16m, 0.173m);
        Assert.InRange(samples.Count(s => s <= 0.5m) / 20_000m, 0.963m, 0.974m);
    }

    [Property(MaxTest = 300)]
    public Property Every_sample_lies_between_low_and_high() =>
        Prop.ForAll(Gen.Choose(-1000, 1000).Three().ToArbitrary(), Gen.Elements(Enum.GetValues<Distribution>()).ToArbitrary(),
            ArbMap.Default.ArbFor<int>(), (points, d, seed) =>
        {
            var sorted = new[] { points.Item1, points.Item2, points.Item3 }.Order().Select(p => p / 100m).ToArray();
            var random = Xoshiro256.ForRun(seed, 3);
            for (var i = 0; i < 200; i++)
            {
                var s = Distributions.Sample(ref random, d, sorted[0], sorted[1], sorted[2]);
                Assert.InRange(s, sorted[0], sorted[2]);
            }
        });

    [Property(MaxTest = 100)]
    public Property Low_equal_to_mode_equal_to_high_gives_exactly_that_value() =>
        Prop.ForAll(Gen.Choose(-100_000, 100_000).ToArbitrary(), Gen.Elements(Enum.GetValues<Distribution>()).ToArbitrary(),
            ArbMap.Default.ArbFor<int>(), (cents, d, seed) =>
        {
            var value = cents / 100m;
            var random = Xoshiro256.ForRun(seed, 0);
            for (var i = 0; i < 20; i++) Assert.Equal(value, Distributions.Sample(ref random, d, value, value, value));
        });

    [Property(MaxTest = 200)]
    public Property The_logarithm_agrees_with_the_platform_to_the_last_bits() =>
        Prop.ForAll(ArbMap.Default.ArbFor<long>(), k =>
        {
            var x = (Math.Abs(k % Xoshiro256.UnitSteps) + 1) / (double)Xoshiro256.UnitSteps;
            var expected = Math.Log(x);
            Assert.True(Math.Abs(Distributions.Ln(x) - expected) <= 4e-16 * Math.Max(1d, Math.Abs(expected)), $"ln({x:R}) = {Distributions.Ln(x):R}, platform {expected:R}");
        });

    [Property(MaxTest = 4)]
    public Property The_result_does_not_depend_on_the_number_of_threads_and_repeats_for_every_seed() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var one = Json(MonteCarlo.Run(Reference, 300, seed, maxDegreeOfParallelism: 1));
            Assert.Equal(one, Json(MonteCarlo.Run(Reference, 300, seed, maxDegreeOfParallelism: 3)));
            Assert.Equal(one, Json(MonteCarlo.Run(Reference, 300, seed)));
        });

    [Fact]
    public void Run_zero_draws_from_the_generator_keyed_by_the_seed_and_its_number()
    {
        // Run i draws from its own generator keyed by (seed, i): blocks and threads are only a split of the work.
        var random = Xoshiro256.ForRun(42, 0);
        var factor = Distributions.Sample(ref random, Distribution.Uniform, 0.9m, 0.9m, 1.1m);
        var expected = BusinessCaseEngine.Evaluate(Reference with { CapexFactor = factor }, EvaluationDepth.Ratios).Kpis.Npv;

        var r = MonteCarlo.Run(Reference, 1, 42, [U("investering", Distribution.Uniform, 0.9m, null, 1.1m)]);

        Assert.Equal(expected, r.NpvP50);
        Assert.InRange(factor, 0.9m, 1.1m);
    }

    [Fact]
    public void Without_any_spread_every_run_is_the_base_case()
    {
        var fixedAtBase = new[] { U("investering", Distribution.Pert, 1m, 1m, 1m), U("rente-punten", Distribution.Triangular, 0m, 0m, 0m) };
        var r = MonteCarlo.Run(Reference, 50, 1, fixedAtBase);
        var baseKpis = BusinessCaseEngine.Evaluate(Reference).Kpis;

        Assert.Equal(baseKpis.Npv, r.NpvP10);
        Assert.Equal(baseKpis.Npv, r.NpvP90);
        Assert.Equal(baseKpis.Npv, r.BaseCase.Npv);
        Assert.Equal(1m, r.BaseCase.NpvPercentile);
        Assert.Equal(baseKpis.MinDscr, r.BaseCase.MinDscr);
        Assert.Equal(1m, r.BaseCase.MinDscrPercentile);
        Assert.All(r.Drivers, d => Assert.Null(d.NpvCorrelation));
        Assert.Equal(0m, r.ProbabilityFinancingFails);
    }

    /// <summary>
    /// F15 in the Monte Carlo: beside the chance that the financing does not close, the chance that the cash goes below
    /// zero in some year (bridging money needed). KetelhuisWG closes on paper and dips below zero (its yearly table says
    /// so): without spread every run needs bridging and none fails; with € 5 M more member capital no run needs it.
    /// </summary>
    [Fact]
    public void The_chance_of_a_cash_gap_is_counted_beside_the_chance_that_financing_fails()
    {
        var fixedAtBase = new[] { U("investering", Distribution.Pert, 1m, 1m, 1m) };
        var years = BusinessCaseEngine.Evaluate(Reference).Years;
        Assert.Contains(years, y => y.CashBalance < 0m);
        var r = MonteCarlo.Run(Reference, 40, 1, fixedAtBase);
        Assert.Equal(0m, r.ProbabilityFinancingFails);
        Assert.Equal(1m, r.ProbabilityBridgingNeeded);

        var funded = Reference with { MemberCapital = Reference.MemberCapital + 5_000_000m };
        Assert.All(BusinessCaseEngine.Evaluate(funded).Years, y => Assert.True(y.CashBalance >= 0m));
        Assert.Equal(0m, MonteCarlo.Run(funded, 40, 1, fixedAtBase).ProbabilityBridgingNeeded);

        // With spread the share lies between, and it is in the answer's JSON.
        var spread = MonteCarlo.Run(Reference with { MemberCapital = Reference.MemberCapital + 343_906m }, 400, 7,
            [U("investering", Distribution.Uniform, 0.9m, null, 1.1m)]);
        Assert.InRange(spread.ProbabilityBridgingNeeded, 0.01m, 0.99m);
        Assert.Contains("\"probabilityBridgingNeeded\":", Json(spread));
    }

    [Fact]
    public void The_input_with_the_widest_effect_leads_the_drivers_and_capex_moves_npv_down()
    {
        var inputs = new[]
        {
            U("organisatie", Distribution.Uniform, 0.99m, null, 1.01m),
            U("investering", Distribution.Uniform, 0.8m, null, 1.2m),
            U("rente-punten", Distribution.Uniform, 0m, null, 0.02m),
        };
        var r = MonteCarlo.Run(Reference, 1000, 3, inputs);

        Assert.Equal(UncertaintyOrigin.Model, r.UncertaintyOrigin);
        Assert.Equal("investering", r.Drivers[0].Input);
        Assert.True(r.Drivers[0].NpvCorrelation < -0.95m, $"{r.Drivers[0].NpvCorrelation}");
        // The rate does not enter the project NPV (before financing), only the DSCR.
        var rate = r.Drivers.Single(d => d.Input == "rente-punten");
        Assert.InRange(rate.NpvCorrelation!.Value, -0.1m, 0.1m);
        Assert.True(rate.MinDscrCorrelation < -0.3m, $"{rate.MinDscrCorrelation}");
        Assert.Equal(r.Drivers.OrderByDescending(d => Math.Abs(d.NpvCorrelation ?? 0m)).Select(d => d.Input), r.Drivers.Select(d => d.Input));
    }

    [Fact]
    public void The_base_case_percentile_is_the_share_of_runs_at_or_below_it()
    {
        // Only higher investments: every run but the ones at factor 1 has a lower NPV, so the base case is at the top.
        var r = MonteCarlo.Run(Reference, 400, 9, [U("investering", Distribution.Uniform, 1m, null, 1.3m)]);
        Assert.Equal(1m, r.BaseCase.NpvPercentile);
        // Only lower investments: every run is better, the base case at the bottom.
        var cheaper = MonteCarlo.Run(Reference, 400, 9, [U("investering", Distribution.Uniform, 0.7m, null, 0.9m)]);
        Assert.Equal(0m, cheaper.BaseCase.NpvPercentile);
    }

    [Fact]
    public void Ties_get_their_average_rank_and_a_constant_has_no_correlation()
    {
        Assert.Equal([7L, 2L, 7L, 4L], Ranks.Doubled([3m, 1m, 3m, 2m])); // ranks 3.5, 1, 3.5, 2, doubled
        Assert.Equal(1m, Ranks.Correlation(Ranks.Doubled([1m, 2m, 3m, 10m]), Ranks.Doubled([5m, 6m, 7m, 8m])));
        Assert.Equal(-1m, Ranks.Correlation(Ranks.Doubled([1m, 2m, 3m]), Ranks.Doubled([9m, 4m, 1m])));
        Assert.Null(Ranks.Correlation(Ranks.Doubled([2m, 2m, 2m]), Ranks.Doubled([1m, 2m, 3m])));
        // x = 1,2,3,4 against y = 1,1,2,2: average ranks 1.5,1.5,3.5,3.5; Pearson of the ranks = 2/√5 = 0.8944.
        Assert.Equal(0.8944m, Ranks.Correlation(Ranks.Doubled([1m, 2m, 3m, 4m]), Ranks.Doubled([1m, 1m, 2m, 2m])));
    }

    [Fact]
    public void The_defaults_have_the_model_value_as_their_most_likely_value()
    {
        foreach (var u in MonteCarlo.DefaultUncertainties)
        {
            var unit = UncertainInputs.Find(u.Input)!.Unit;
            Assert.Equal(unit == UncertainUnit.Factor ? 1m : 0m, u.MostLikely);
            Assert.True(u.Low <= u.MostLikely && u.MostLikely <= u.High, u.Input);
        }
        var noOwn = Reference with { Uncertainties = [] };
        var r = MonteCarlo.Run(noOwn, 100, 1);
        Assert.Equal(UncertaintyOrigin.Defaults, r.UncertaintyOrigin);
        Assert.Equal(MonteCarlo.DefaultUncertainties.Select(u => u.Input), r.Uncertainties.Select(u => u.Input));
    }

    [Fact]
    public void The_reference_models_carry_their_own_uncertainties_with_reasons()
    {
        foreach (var file in new[] { "ketelhuiswg.json", "zonnedak-sporthal.json" })
        {
            var x = ModelReader.Read(Infrastructure.RepoFiles.Read("models", file)).Value!;
            Assert.NotEmpty(x.Uncertainties);
            Assert.All(x.Uncertainties, u => Assert.False(string.IsNullOrWhiteSpace(u.Reasoning)));
            Assert.Equal(UncertaintyOrigin.Model, MonteCarlo.Run(x, 20, 1).UncertaintyOrigin);
        }
    }

    private static JsonObject WithUncertainties(params object[] entries)
    {
        var model = ModelReaderTests.Ketelhuis();
        model["uncertainties"] = JsonSerializer.SerializeToNode(entries);
        return model;
    }

    [Fact]
    public void A_model_reads_its_uncertainties()
    {
        var model = WithUncertainties(
            new { input = "stroomprijs", distribution = "pert", low = 0.8, mostLikely = 1.0, high = 1.5, reasoning = "Prijzen schommelen.", source = "ACM" },
            new { input = "volloopvertraging-jaren", distribution = "Uniform", low = 0, high = 1, reasoning = "Instemming per complex." });
        var x = ModelReader.Read(model.ToJsonString()).Value!;

        Assert.Equal(2, x.Uncertainties.Length);
        Assert.Equal(new Uncertainty("stroomprijs", Distribution.Pert, 0.8m, 1.0m, 1.5m, "Prijzen schommelen.", "ACM"), x.Uncertainties[0]);
        Assert.Equal(Distribution.Uniform, x.Uncertainties[1].Distribution);
        Assert.Null(x.Uncertainties[1].MostLikely);
        Assert.Null(x.Uncertainties[1].Source);
    }

    [Theory]
    [InlineData("""{"input":"zonnestand","distribution":"pert","low":0.9,"mostLikely":1,"high":1.1,"reasoning":"r"}""", "uncertainties[0].input")]
    [InlineData("""{"input":"stroomprijs","distribution":"normaal","low":0.9,"mostLikely":1,"high":1.1,"reasoning":"r"}""", "uncertainties[0].distribution")]
    [InlineData("""{"input":"stroomprijs","distribution":"pert","low":0.9,"high":1.1,"reasoning":"r"}""", "uncertainties[0].mostLikely")]
    [InlineData("""{"input":"stroomprijs","distribution":"triangular","low":0.9,"mostLikely":1.2,"high":1.1,"reasoning":"r"}""", "uncertainties[0].mostLikely")]
    [InlineData("""{"input":"stroomprijs","distribution":"uniform","low":1.1,"high":0.9,"reasoning":"r"}""", "uncertainties[0].high")]
    [InlineData("""{"input":"stroomprijs","distribution":"uniform","low":-1,"high":0.9,"reasoning":"r"}""", "uncertainties[0].low")]
    [InlineData("""{"input":"volloopvertraging-jaren","distribution":"uniform","low":0,"high":12,"reasoning":"r"}""", "uncertainties[0].high")]
    [InlineData("""{"input":"stroomprijs","distribution":"uniform","low":0.9,"high":1.1}""", "uncertainties[0].reasoning")]
    [InlineData("""{"input":"stroomprijs","distribution":"uniform","low":0.9,"high":1.1,"reasoning":"r","kans":0.5}""", "uncertainties[0].kans")]
    [InlineData("""{"input":"stroomprijs","distribution":"uniform","high":1.1,"reasoning":"r"}""", "uncertainties[0].low")]
    public void A_bad_uncertainty_is_refused_naming_its_field(string entry, string field)
    {
        var model = ModelReaderTests.Ketelhuis();
        model["uncertainties"] = JsonNode.Parse($"[{entry}]");
        var refusal = ModelReader.Read(model.ToJsonString()).Refusal;

        Assert.NotNull(refusal);
        Assert.Contains(field, refusal!.Errors.Select(e => e.Field));
        Assert.All(refusal.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
    }

    [Fact]
    public void The_same_input_twice_or_an_empty_list_is_refused()
    {
        var twice = WithUncertainties(
            new { input = "cop", distribution = "uniform", low = 0.9, high = 1.1, reasoning = "a" },
            new { input = "cop", distribution = "uniform", low = 0.8, high = 1.0, reasoning = "b" });
        Assert.Contains("uncertainties[1].input", ModelReader.Read(twice.ToJsonString()).Refusal!.Errors.Select(e => e.Field));
        var empty = ModelReaderTests.Ketelhuis();
        empty["uncertainties"] = new JsonArray();
        Assert.Contains("uncertainties", ModelReader.Read(empty.ToJsonString()).Refusal!.Errors.Select(e => e.Field));
    }

    [Property(MaxTest = 100)]
    public Property Any_entry_within_its_input_limits_is_read_as_given_and_a_reversed_range_is_refused() =>
        Prop.ForAll(Gen.Elements(UncertainInputs.All.ToArray()).ToArbitrary(), Gen.Elements(Enum.GetValues<Distribution>()).ToArbitrary(),
            Gen.Choose(0, 10_000).Three().ToArbitrary(), (input, d, points) =>
        {
            // Three points spread over the input's limits, in order: low ≤ mostLikely ≤ high.
            var at = new[] { points.Item1, points.Item2, points.Item3 }.Order()
                .Select(p => input.Min + (input.Max - input.Min) * p / 10_000m).ToArray();
            var name = d.ToString().ToLowerInvariant();
            var ok = WithUncertainties(new { input = input.Key, distribution = name, low = at[0], mostLikely = at[1], high = at[2], reasoning = "r" });
            var read = ModelReader.Read(ok.ToJsonString());
            Assert.True(read.IsOk, string.Join("; ", read.Refusal?.Errors.Select(e => $"{e.Field}: {e.Reason}") ?? []));
            Assert.Equal(new Uncertainty(input.Key, d, at[0], at[1], at[2], "r"), read.Value!.Uncertainties.Single());

            if (at[0] == at[2]) return;
            var reversed = WithUncertainties(new { input = input.Key, distribution = name, low = at[2], mostLikely = at[1], high = at[0], reasoning = "r" });
            Assert.Contains("uncertainties[0].high", ModelReader.Read(reversed.ToJsonString()).Refusal!.Errors.Select(e => e.Field));
        });
}
