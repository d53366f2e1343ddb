using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Orleans.Runtime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Serialization;

namespace Warmte.Grants;

public sealed class FundingState
{
    public List<Grant> Grants { get; set; } = [];

    public List<AuditEntry> Audit { get; set; } = [];

    /// <summary>Recently used idempotency keys with the command they carried and the refusal, if any.</summary>
    public List<IdempotencyRecord> Idempotency { get; set; } = [];
}

public sealed record IdempotencyRecord(string Key, string Fingerprint, Refusal? Refusal);

/// <summary>Thin shell around <see cref="GrantRules"/>: load, apply, persist, answer — once per idempotency key.</summary>
public sealed class FundingGrain(
    [PersistentState("funding", StorageNames.Grains)] IPersistentState<FundingState> state,
    IClock clock) : Grain, IFundingGrain
{
    /// <summary>How many idempotency keys are remembered; clients retry within minutes, not months.</summary>
    public const int RememberedKeys = 1000;

    private string ProjectId => this.GetPrimaryKeyString();

    public Task<ImmutableArray<GrantView>> Grants() => Task.FromResult(state.State.Grants.Select(GrantView.Of).ToImmutableArray());

    public Task<GrantView?> Grant(string grantId) =>
        Task.FromResult(state.State.Grants.FirstOrDefault(g => g.Id == grantId) is { } g ? GrantView.Of(g) : null);

    public Task<Outcome<GrantView>> CreateGrant(CreateGrant command, string actor, string? idempotencyKey) =>
        Once(idempotencyKey, Fingerprint("create", command), command.Id, () =>
            GrantRules.Create(ProjectId, command, state.State.Grants.Select(g => g.Id), AmsterdamTime.Today(clock), clock.GetCurrentInstant()),
            actor);

    public Task<Outcome<GrantView>> Step(string grantId, int tranche, TrancheCommand command, string actor, string? idempotencyKey) =>
        Once(idempotencyKey, Fingerprint($"{grantId}/{tranche}", command), grantId, () =>
            state.State.Grants.FirstOrDefault(g => g.Id == grantId) is { } grant
                ? GrantRules.Step(grant, tranche, command, AmsterdamTime.Today(clock), actor, clock.GetCurrentInstant())
                : Refusal.NotFound("Subsidie", grantId),
            actor);

    public Task<Outcome<GrantView>> Replan(string grantId, ImmutableArray<PlannedTranche?> tranches, string actor)
    {
        if (state.State.Grants.FirstOrDefault(g => g.Id == grantId) is not { } grant) return Task.FromResult<Outcome<GrantView>>(Refusal.NotFound("Subsidie", grantId));
        if (GrantRules.SamePlan(grant, tranches)) return Task.FromResult(Outcome<GrantView>.Ok(GrantView.Of(grant)));
        return Once(null, "", grantId, () => GrantRules.Replan(grant, tranches), actor);
    }

    public Task<AuditPage> GetAudit(int page, int pageSize) => Task.FromResult(AuditTrail.Page(state.State.Audit, page, pageSize));

    private async Task<Outcome<GrantView>> Once(
        string? key, string fingerprint, string? grantId, Func<Outcome<Change<Grant>>> rule, string actor)
    {
        if (key is not null && state.State.Idempotency.FirstOrDefault(r => r.Key == key) is { } seen)
        {
            if (seen.Fingerprint != fingerprint)
                return Refusal.Conflict("idempotency-key-reused", "Deze idempotency-sleutel is al gebruikt voor een ander verzoek.");
            if (seen.Refusal is not null) return seen.Refusal;
            // Replayed: answer with the grant as it is now, and change nothing.
            return state.State.Grants.FirstOrDefault(g => g.Id == grantId) is { } g
                ? Outcome<GrantView>.Ok(GrantView.Of(g))
                : Refusal.NotFound("Subsidie", grantId ?? "");
        }

        var outcome = rule();
        if (!outcome.IsOk)
        {
            // Refusals are remembered too, so a retry of a refused request gets the same answer,
            // unless the refusal was about the state, which may change (then the retry is a new try).
            if (key is not null && outcome.Refusal!.Kind == RefusalKind.Invalid) await Remember(key, fingerprint, outcome.Refusal);
            return outcome.Refusal!;
        }
        var change = outcome.Value!;
        var index = state.State.Grants.FindIndex(g => g.Id == change.Value.Id);
        if (index >= 0) state.State.Grants[index] = change.Value; else state.State.Grants.Add(change.Value);
        state.State.Audit.Add(new AuditEntry(clock.GetCurrentInstant(), actor, change.Action, change.Summary));
        if (key is not null) AddKey(key, fingerprint, null);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
        await GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(ProjectId).Evaluate(); // one-way: alerts follow every change
        return Outcome<GrantView>.Ok(GrantView.Of(change.Value));
    }

    private async Task Remember(string key, string fingerprint, Refusal refusal)
    {
        AddKey(key, fingerprint, refusal);
        await state.WriteOrReloadAsync(DeactivateOnIdle);
    }

    private void AddKey(string key, string fingerprint, Refusal? refusal)
    {
        state.State.Idempotency.Add(new IdempotencyRecord(key, fingerprint, refusal));
        if (state.State.Idempotency.Count > RememberedKeys) state.State.Idempotency.RemoveAt(0);
    }

    private static string Fingerprint<T>(string target, T command) => target + ":" + JsonSerializer.Serialize(command, WarmteJson.Default);
}
