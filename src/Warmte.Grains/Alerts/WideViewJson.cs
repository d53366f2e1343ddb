using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NodaTime;
using Warmte.Serialization;
using Warmte.Umbrellas;

namespace Warmte.Alerts;

/// <summary>The financier's portfolio as GET /api/portfolio answers it.</summary>
public sealed record PortfolioAnswer(LocalDate AsOf, string? FunderId, decimal Granted, decimal Paid, decimal Outstanding, ImmutableArray<PortfolioRow> Projects);

/// <summary>
/// Source-generated System.Text.Json metadata of the wide views' types (the stored summary row and
/// the two answers, the cooperatives' snapshots they read): the first call after a start then builds no serialisation code by reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProjectSummaryRow))]
[JsonSerializable(typeof(UmbrellaComparison))]
[JsonSerializable(typeof(PortfolioAnswer))]
[JsonSerializable(typeof(Common.RecordState<Cooperatives.CooperativeRecord>))]
internal sealed partial class WideViewJsonContext : JsonSerializerContext;

public static class WideViewJson
{
    /// <summary>
    /// <see cref="WarmteJson"/>'s settings (the same JSON, NodaTime's converters) with the wide views'
    /// metadata generated at build time; every other type falls back to reflection as before.
    /// </summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = WarmteJson.Create();
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(WideViewJsonContext.Default, new DefaultJsonTypeInfoResolver());
        return options;
    }
}
