using System.Collections.Immutable;
using NodaTime;
using Orleans.Runtime;
using Warmte.Common;

namespace Warmte.BusinessCase.Versions;

public sealed class BusinessCaseState
{
    public List<BusinessCaseVersion> Versions { get; set; } = [];
}

/// <summary>Keeps every saved version; never changes one.</summary>
public sealed class BusinessCaseGrain(
    [PersistentState("businesscase", StorageNames.Grains)] IPersistentState<BusinessCaseState> state,
    IClock clock) : Grain, IBusinessCaseGrain
{
    public async Task<Outcome<BusinessCaseVersionInfo>> Save(string modelJson, string? note, string actor)
    {
        var outcome = BusinessCaseRules.Save(state.State.Versions.Count + 1, modelJson, note, actor, clock.GetCurrentInstant());
        if (!outcome.IsOk) return outcome.Refusal!;
        state.State.Versions.Add(outcome.Value!);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        return Outcome<BusinessCaseVersionInfo>.Ok(BusinessCaseVersionInfo.Of(outcome.Value!));
    }

    public Task<ImmutableArray<BusinessCaseVersionInfo>> List() =>
        Task.FromResult(state.State.Versions.Select(BusinessCaseVersionInfo.Of).ToImmutableArray());

    public Task<BusinessCaseVersion?> Get(int version) =>
        Task.FromResult(state.State.Versions.FirstOrDefault(v => v.Version == version));

    public Task<FinancingStatus?> Financing() =>
        Task.FromResult(state.State.Versions.LastOrDefault() is { } latest ? new FinancingStatus(latest.Version, latest.SavedAt, latest.Kpis) : null);
}
