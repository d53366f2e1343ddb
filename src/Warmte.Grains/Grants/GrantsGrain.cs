using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Grants;

/// <summary>
/// The funding grain's current aggregate (journal snapshot): the grants with their tranches, each tranche with its current
/// status, amounts and accounting and the date of its latest step to each status — no steps, no documents (issue 15). The
/// steps (kind <see cref="GrantsGrain.StepKind"/>), the audit trail and the idempotency keys live in the journal tables.
/// </summary>
public sealed record GrantsState
{
    public ImmutableArray<Grant> Grants { get; init; } = [];
}

/// <summary>What an idempotency key of a funding command answers on a replay: nothing (the grant as it is now) or the refusal it got.</summary>
public sealed record GrantsAnswer(Refusal? Refusal);

/// <summary>A page of one tranche's steps, oldest first (<see cref="IGrantsGrain.Steps"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record TrancheStepPage(
    [property: Id(0)] int Page,
    [property: Id(1)] int PageSize,
    [property: Id(2)] int Total,
    [property: Id(3)] ImmutableArray<TrancheStep> Steps);

/// <summary>
/// Thin shell around <see cref="GrantRules"/>: load, apply, commit the new grants with the audit
/// entry, the tranche step and the idempotency key in one transaction, answer — once per idempotency key.
/// </summary>
public sealed class GrantsGrain(IJournalStore store, IClock clock) : Grain, IGrantsGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "funding";

    public const string AuditKind = RecordStateExtensions.AuditKind;

    /// <summary>Journal rows of tranche steps: payload a <see cref="TrancheStep"/>, tag <see cref="StepTag"/>.</summary>
    public const string StepKind = "tranche-step";

    /// <summary>
    /// How many of a tranche's steps the grant's own read carries (the most recent, oldest first); more are read by page
    /// (<c>GET …/tranches/{n}/steps</c>). A real tranche has a handful; this only bounds a tranche rejected hundreds of times.
    /// </summary>
    public const int StepsInGrantRead = 100;

    /// <summary>The tag of a tranche's steps: "paw/3". One tranche's steps are one tag; one grant's the tags from "paw/".</summary>
    public static string StepTag(string grantId, int number) => $"{grantId}/{number}";

    private JournaledState<GrantsState> _journal = null!;

    private string ProjectId => this.GetPrimaryKeyString();

    private ImmutableArray<Grant> Current => _journal.State.Grants;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _journal = new JournaledState<GrantsState>(store, JournalType, ProjectId);
        await _journal.LoadAsync();
    }

    /// <summary>The grants as the state keeps them: current status, amounts and dates per tranche, a step count, no steps.</summary>
    public Task<ImmutableArray<GrantView>> Grants() => Task.FromResult(Current.Select(GrantView.Of).ToImmutableArray());

    public async Task<GrantView?> Grant(string grantId)
    {
        await _journal.EnsureLoadedAsync();
        return Current.FirstOrDefault(g => g.Id == grantId) is { } g ? GrantView.Of(await WithSteps(g)) : null;
    }

    public async Task<TrancheStepPage?> Steps(string grantId, int tranche, int page, int pageSize)
    {
        await _journal.EnsureLoadedAsync();
        if (Current.FirstOrDefault(g => g.Id == grantId)?.Tranches.FirstOrDefault(t => t.Number == tranche) is not { } found) return null;
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, AuditTrail.MaxPageSize);
        if (found.Steps is { } legacy) // a snapshot not upgraded yet (written by an older silo): its steps are still in it
            return new TrancheStepPage(page, pageSize, legacy.Length, [.. legacy.Skip((page - 1) * pageSize).Take(pageSize)]);
        var tag = StepTag(grantId, tranche);
        var total = await _journal.CountAsync(StepKind, tag);
        var rows = await _journal.ReadAsync(new JournalQuery(StepKind, tag, Skip: (long)(page - 1) * pageSize, Take: pageSize));
        return new TrancheStepPage(page, pageSize, (int)total, [.. rows.Select(JournaledState<GrantsState>.Payload<TrancheStep>)]);
    }

    /// <summary>
    /// The grant with each tranche's steps from the journal (the most recent <see cref="StepsInGrantRead"/>, oldest first; one
    /// indexed read per tranche that has steps) and its accounting's documents from the latest accounting step among them.
    /// </summary>
    private async Task<Grant> WithSteps(Grant grant)
    {
        var tranches = ImmutableArray.CreateBuilder<Tranche>(grant.Tranches.Length);
        foreach (var t in grant.Tranches)
        {
            if (t.Steps is not null) { tranches.Add(t); continue; } // not upgraded yet: the steps are in the state
            if (t.StepCount == 0) { tranches.Add(t with { Steps = [] }); continue; }
            var rows = await _journal.ReadAsync(new JournalQuery(StepKind, StepTag(grant.Id, t.Number), NewestFirst: true, Take: StepsInGrantRead));
            var steps = rows.Reverse().Select(JournaledState<GrantsState>.Payload<TrancheStep>).ToImmutableArray();
            // The current accounting is the latest accounting step: after it come only an approval, a payment or a rejection.
            var documents = steps.LastOrDefault(s => s.Accounting is not null)?.Accounting?.Documents ?? [];
            tranches.Add(t with { Steps = steps, Accounting = t.Accounting is { } a ? a with { Documents = documents } : null });
        }
        return grant with { Tranches = tranches.MoveToImmutable() };
    }

    public Task<Outcome<GrantView>> CreateGrant(CreateGrant command, string actor, string? idempotencyKey) =>
        Once(idempotencyKey, Fingerprint("create", command), command.Id, () =>
            Ruled(GrantRules.Create(ProjectId, command, Current, AmsterdamTime.Today(clock), clock.GetCurrentInstant())),
            actor);

    public Task<Outcome<GrantView>> Step(string grantId, int tranche, TrancheCommand command, string actor, string? idempotencyKey) =>
        Once(idempotencyKey, Fingerprint($"{grantId}/{tranche}", command), grantId, () =>
            Current.FirstOrDefault(g => g.Id == grantId) is { } grant
                ? Written(GrantRules.Stepped(grant, tranche, command, AmsterdamTime.Today(clock), actor, clock.GetCurrentInstant()))
                : Refusal.NotFound("Subsidie", grantId),
            actor);

    public async Task<Outcome<GrantView>> Replan(string grantId, ImmutableArray<PlannedTranche?> tranches, string actor)
    {
        await _journal.EnsureLoadedAsync();
        if (Current.FirstOrDefault(g => g.Id == grantId) is not { } grant) return Refusal.NotFound("Subsidie", grantId);
        if (GrantRules.SamePlan(grant, tranches)) return Outcome<GrantView>.Ok(GrantView.Of(await WithSteps(grant)));
        return await Once(null, "", grantId, () => Ruled(GrantRules.Replan(grant, tranches, Current.Where(g => g.Id != grantId).Sum(g => g.Tranches.Length))), actor);
    }

    /// <summary>A page of the audit trail, newest first, read from the journal (<see cref="AuditTrail.PageAsync"/>, as the record grains).</summary>
    public Task<AuditPage> GetAudit(int page, int pageSize) => AuditTrail.PageAsync(_journal, page, pageSize);

    /// <summary>What a command's rules made: the grant after it, and the tranche step it took (null for a new grant or plan).</summary>
    private sealed record GrantWrite(Change<Grant> Change, SteppedGrant? Step);

    private static Outcome<GrantWrite> Written(Outcome<SteppedGrant> rules) =>
        rules.IsOk ? Outcome<GrantWrite>.Ok(new GrantWrite(rules.Value!.Change, rules.Value)) : rules.Refusal!;

    private static Outcome<GrantWrite> Ruled(Outcome<Change<Grant>> rules) =>
        rules.IsOk ? Outcome<GrantWrite>.Ok(new GrantWrite(rules.Value!, null)) : rules.Refusal!;

    /// <summary>
    /// Every funding command, in the shape every keyed write has (<see cref="IdempotentWrite.OnceAsync"/>): the rules
    /// first, the key committed with the change. A stored key answers with the grant as it is now (the first request's
    /// effect stands), or the refusal it got; a refusal of the input is kept under the key, so a retry of a refused
    /// request gets the same answer — a refusal about the state is not, since the state may change (the retry is a new try).
    /// The answer is the grant as its own read gives it, with its steps.
    /// </summary>
    private async Task<Outcome<GrantView>> Once(
        string? key, string fingerprint, string? grantId, Func<Outcome<GrantWrite>> rule, string actor)
    {
        await _journal.EnsureLoadedAsync();
        var now = clock.GetCurrentInstant();
        var outcome = await IdempotentWrite.OnceAsync(rule(), key, _journal.FindIdempotencyAsync,
            replay: seen => Replay(seen, fingerprint, grantId),
            commit: async (write, k) =>
            {
                var change = write.Change;
                var index = Current.Select(g => g.Id).ToList().IndexOf(change.Value.Id);
                var grants = index >= 0 ? Current.SetItem(index, change.Value) : Current.Add(change.Value);
                var entries = new List<JournalAppend>
                {
                    RecordStateExtensions.AuditEntryOf(change.Value.Id, new AuditEntry(now, actor, change.Action, change.Summary)),
                };
                if (write.Step is { } stepped)
                {
                    // A tranche still carrying its steps (a snapshot an older silo wrote after the upgrade): they go to the
                    // journal first, in this commit, so its steps stay complete and in order.
                    if (index >= 0 && Current[index].Tranches.FirstOrDefault(t => t.Number == stepped.Number) is { Steps: not null } before)
                        entries.AddRange(GrantsUpgrade.StepFacts(change.Value.Id, before));
                    entries.Add(StepFact(change.Value.Id, stepped.Number, stepped.Step));
                }
                await _journal.CommitAsync(_journal.State with { Grants = grants }, entries, now,
                    k is null ? null : Key(k, fingerprint, null, _journal.NextSeq));
                await Alerts.ProjectChanged.Raise(GrainFactory, ProjectId); // alerts and the wide views' summary follow every change
                return change.Value;
            },
            rememberRefusal: async (refusal, k) =>
            {
                if (refusal.Kind == RefusalKind.Invalid)
                    await _journal.CommitAsync(_journal.State, [], now, Key(k, fingerprint, refusal, null));
            });
        return outcome.IsOk ? Outcome<GrantView>.Ok(GrantView.Of(await WithSteps(outcome.Value!))) : outcome.Refusal!;
    }

    /// <summary>A tranche step as its journal row.</summary>
    public static JournalAppend StepFact(string grantId, int number, TrancheStep step) =>
        JournaledState<GrantsState>.Entry(StepKind, StepTag(grantId, number), step.RecordedAt, step.Actor, step);

    /// <summary>A stored key's answer: 409 when it stands for another request, else its refusal or the grant as it is now.</summary>
    private Outcome<Grant> Replay(IdempotencyRecord seen, string fingerprint, string? grantId)
    {
        if (seen.Fingerprint != fingerprint)
            return Refusal.Conflict("idempotency-key-reused", "Deze idempotency-sleutel is al gebruikt voor een ander verzoek.");
        if (seen.Answer is { } answer && JsonSerializer.Deserialize<GrantsAnswer>(answer, WarmteJson.Default)?.Refusal is { } refused)
            return refused;
        return Current.FirstOrDefault(g => g.Id == grantId) is { } g
            ? Outcome<Grant>.Ok(g)
            : Refusal.NotFound("Subsidie", grantId ?? "");
    }

    public static IdempotencyRecord Key(string key, string fingerprint, Refusal? refusal, long? seq) =>
        new(key, fingerprint, JsonSerializer.Serialize(new GrantsAnswer(refusal), WarmteJson.Default), seq);

    private static string Fingerprint<T>(string target, T command) => target + ":" + JsonSerializer.Serialize(command, WarmteJson.Default);
}
