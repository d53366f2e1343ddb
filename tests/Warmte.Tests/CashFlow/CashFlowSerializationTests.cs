using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Warmte.CashFlow;
using Warmte.Serialization;

namespace Warmte.Tests.CashFlow;

/// <summary>Plans and results can cross a grain call: the Orleans serializer carries them unchanged.</summary>
public sealed class CashFlowSerializationTests
{
    [Fact]
    public void A_plan_and_a_comparison_survive_the_orleans_serializer()
    {
        using var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(CashFlowPlan).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var plan = PlanReaderTests.Ketelhuis();
        var comparison = CashFlowSimulator.Compare(plan);

        string Json<T>(T value) => JsonSerializer.Serialize(value, WarmteJson.Default);
        Assert.Equal(Json(plan), Json(serializer.Deserialize<CashFlowPlan>(serializer.SerializeToArray(plan))));
        Assert.Equal(Json(comparison), Json(serializer.Deserialize<RegimeComparison>(serializer.SerializeToArray(comparison))));
    }
}
