using Warmte.Common;

namespace Warmte.Umbrellas;

/// <summary>An umbrella of cooperatives; the key is its slug (e.g. "apec").</summary>
public interface IUmbrellaGrain : IGrainWithStringKey
{
    Task<Outcome<UmbrellaRecord>> Create(CreateUmbrella command, string actor);

    Task<bool> Exists();

    Task<UmbrellaRecord?> Get();

    /// <summary>Adds a member; idempotent. Called by the cooperative grain when it joins.</summary>
    Task AddMember(string cooperativeId, string actor);

    /// <summary>The side-by-side comparison, gathered from the member grains in parallel; null when the umbrella does not exist.</summary>
    Task<UmbrellaComparison?> Compare();
}
