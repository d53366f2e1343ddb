using System.Collections.Immutable;
using Warmte.Cooperatives;

namespace Warmte.Registry;

public static class ProjectDirectory
{
    /// <summary>Every project of every registered cooperative, read from the cooperative grains in parallel.</summary>
    public static async Task<ImmutableArray<string>> AllProjectIdsAsync(IGrainFactory grains)
    {
        var cooperatives = await grains.GetGrain<IRegistryGrain>(0).Cooperatives();
        var views = await Task.WhenAll(cooperatives.Select(c => grains.GetGrain<ICooperativeGrain>(c).Get()));
        return [.. views.OfType<CooperativeView>().SelectMany(v => v.Cooperative.Projects).Distinct()];
    }
}
