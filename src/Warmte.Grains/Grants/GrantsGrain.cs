using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Grants;

/// <summary>
/// The funding grain's current aggregate (journal snapshot): the grants with their tranches. The
/// audit trail and the idempotency keys live in the journal tables.
/// </summary>
public sealed record GrantsState
{
    public ImmutableArray<Grant> Grants { get; init; } = [];
}

/// <summary>What an idempotency key of a funding command answers on a replay: nothing (the grant as it is now) or the refusal it got.</summary>
public sealed record GrantsAnswer(Refusal? Refusal);

/// <summary>
/// Thin shell around <see cref="GrantRules"/>: load, apply, commit the new grants with the audit
/// entry and the idempotency key in one transaction, answer — once per idempotency key.
/// </summary>
public sealed class GrantsGrain(IJournalStore store, IClock clock) : Grain, IGrantsGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "funding";

    public const string AuditKind = RecordStateExtensions.AuditKind;

    private JournaledState<GrantsState> _journal = null!;

    private string ProjectId => this.GetPrimaryKeyString();

    private ImmutableArray<Grant> Current => _journal.State.Grants;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _journal = new JournaledState<GrantsState>(store, JournalType, ProjectId);
        await _journal.LoadAsync();
    }

    public Task<ImmutableArray<GrantView>> Grants() => Task.FromResult(Current.Select(GrantView.Of).ToImmutableArray());

    public Task<GrantView?> Grant(string grantId) =>
        Task.FromResult(Current.FirstOrDefault(g => g.Id == grantId) is { } g ? GrantView.Of(g) : null);

    public Task<Outcome<GrantView>> CreateGrant(CreateGrant command, string actor, string? idempotencyKey) =>
        Once(idempotencyKey, Fingerprint("create", command), command.Id, () =>
            GrantRules.Create(ProjectId, command, Current.Select(g => g.Id), AmsterdamTime.Today(clock), clock.GetCurrentInstant()),
            actor);

    public Task<Outcome<GrantView>> Step(string grantId, int tranche, TrancheCommand command, string actor, string? idempotencyKey) =>
        Once(idempotencyKey, Fingerprint($"{grantId}/{tranche}", command), grantId, () =>
            Current.FirstOrDefault(g => g.Id == grantId) is { } grant
                ? GrantRules.Step(grant, tranche, command, AmsterdamTime.Today(clock), actor, clock.GetCurrentInstant())
                : Refusal.NotFound("Subsidie", grantId),
            actor);

    public async Task<Outcome<GrantView>> Replan(string grantId, ImmutableArray<PlannedTranche?> tranches, string actor)
    {
        await _journal.EnsureLoadedAsync();
        if (Current.FirstOrDefault(g => g.Id == grantId) is not { } grant) return Refusal.NotFound("Subsidie", grantId);
        if (GrantRules.SamePlan(grant, tranches)) return Outcome<GrantView>.Ok(GrantView.Of(grant));
        return await Once(null, "", grantId, () => GrantRules.Replan(grant, tranches), actor);
    }

    /// <summary>A page of the audit trail, newest first, read from the journal (<see cref="AuditTrail.PageAsync"/>, as the record grains).</summary>
    public Task<AuditPage> GetAudit(int page, int pageSize) => AuditTrail.PageAsync(_journal, page, pageSize);

    /// <summary>
    /// Every funding command, in the shape every keyed write has (<see cref="IdempotentWrite.OnceAsync"/>): the rules
    /// first, the key committed with the change. A stored key answers with the grant as it is now (the first request's
    /// effect stands), or the refusal it got; a refusal of the input is kept under the key, so a retry of a refused
    /// request gets the same answer — a refusal about the state is not, since the state may change (the retry is a new try).
    /// </summary>
    private async Task<Outcome<GrantView>> Once(
        string? key, string fingerprint, string? grantId, Func<Outcome<Change<Grant>>> rule, string actor)
    {
        await _journal.EnsureLoadedAsync();
        var now = clock.GetCurrentInstant();
        return await IdempotentWrite.OnceAsync(rule(), key, _journal.FindIdempotencyAsync,
            replay: seen => Replay(seen, fingerprint, grantId),
            commit: async (change, k) =>
            {
                var index = Current.Select(g => g.Id).ToList().IndexOf(change.Value.Id);
                var grants = index >= 0 ? Current.SetItem(index, change.Value) : Current.Add(change.Value);
                var audit = RecordStateExtensions.AuditEntryOf(change.Value.Id, new AuditEntry(now, actor, change.Action, change.Summary));
                await _journal.CommitAsync(_journal.State with { Grants = grants }, [audit], now,
                    k is null ? null : Key(k, fingerprint, null, _journal.NextSeq));
                await Alerts.ProjectChanged.Raise(GrainFactory, ProjectId); // alerts and the wide views' summary follow every change
                return GrantView.Of(change.Value);
            },
            rememberRefusal: async (refusal, k) =>
            {
                if (refusal.Kind == RefusalKind.Invalid)
                    await _journal.CommitAsync(_journal.State, [], now, Key(k, fingerprint, refusal, null));
            });
    }

    /// <summary>A stored key's answer: 409 when it stands for another request, else its refusal or the grant as it is now.</summary>
    private Outcome<GrantView> Replay(IdempotencyRecord seen, string fingerprint, string? grantId)
    {
        if (seen.Fingerprint != fingerprint)
            return Refusal.Conflict("idempotency-key-reused", "Deze idempotency-sleutel is al gebruikt voor een ander verzoek.");
        if (seen.Answer is { } answer && JsonSerializer.Deserialize<GrantsAnswer>(answer, WarmteJson.Default)?.Refusal is { } refused)
            return refused;
        return Current.FirstOrDefault(g => g.Id == grantId) is { } g
            ? Outcome<GrantView>.Ok(GrantView.Of(g))
            : Refusal.NotFound("Subsidie", grantId ?? "");
    }

    public static IdempotencyRecord Key(string key, string fingerprint, Refusal? refusal, long? seq) =>
        new(key, fingerprint, JsonSerializer.Serialize(new GrantsAnswer(refusal), WarmteJson.Default), seq);

    private static string Fingerprint<T>(string target, T command) => target + ":" + JsonSerializer.Serialize(command, WarmteJson.Default);
}
