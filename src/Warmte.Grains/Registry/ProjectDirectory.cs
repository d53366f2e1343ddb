using System.Collections.Immutable;
using Warmte.Cooperatives;

namespace Warmte.Registry;

public static class ProjectDirectory
{
    /// <summary>
    /// Every project of every registered cooperative, read from the cooperative grains (their ids
    /// only, so the projects are not activated), a bounded number at a time: with 1,000
    /// cooperatives all at once the storage connection pool ran dry at silo start (issue 8).
    /// </summary>
    public static async Task<ImmutableArray<string>> AllProjectIdsAsync(IGrainFactory grains)
    {
        var cooperatives = await grains.GetGrain<IRegistryGrain>(0).Cooperatives();
        var ids = new string[cooperatives.Length][];
        await Parallel.ForEachAsync(Enumerable.Range(0, cooperatives.Length), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => ids[i] = await grains.GetGrain<ICooperativeGrain>(cooperatives[i]).ProjectIds());
        return [.. ids.SelectMany(p => p).Distinct()];
    }
}
