using Orleans.Runtime;
using Warmte.Common;
using System.Collections.Immutable;

namespace Warmte.Registry;

/// <summary>
/// The registry of all cooperatives and umbrellas, so they can be listed without scanning storage.
/// One instance (key 0); entries are only ever added, and adding twice is harmless.
/// </summary>
public interface IRegistryGrain : IGrainWithIntegerKey
{
    Task AddCooperative(string id);

    Task AddUmbrella(string id);

    Task<ImmutableArray<string>> Cooperatives();

    Task<ImmutableArray<string>> Umbrellas();
}

public sealed class RegistryState
{
    public SortedSet<string> Cooperatives { get; set; } = new(StringComparer.Ordinal);

    public SortedSet<string> Umbrellas { get; set; } = new(StringComparer.Ordinal);
}

public sealed class RegistryGrain(
    [PersistentState("registry", Common.StorageNames.Grains)] IPersistentState<RegistryState> state) : Grain, IRegistryGrain
{
    public Task AddCooperative(string id) => Add(state.State.Cooperatives, id);

    public Task AddUmbrella(string id) => Add(state.State.Umbrellas, id);

    public Task<ImmutableArray<string>> Cooperatives() => Task.FromResult(state.State.Cooperatives.ToImmutableArray());

    public Task<ImmutableArray<string>> Umbrellas() => Task.FromResult(state.State.Umbrellas.ToImmutableArray());

    private async Task Add(SortedSet<string> set, string id)
    {
        if (!set.Add(id)) return;
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }
}
