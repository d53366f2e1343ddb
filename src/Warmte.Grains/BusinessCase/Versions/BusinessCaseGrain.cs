using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.BusinessCase.Versions;

/// <summary>
/// The business-case grain's current aggregate (journal snapshot): how many versions were saved and
/// the latest one without its model text — what numbering the next version and the financing
/// verdict need. Its size does not depend on the number of versions.
/// </summary>
public sealed class BusinessCaseState
{
    public int Count { get; set; }

    public BusinessCaseVersionInfo? Latest { get; set; }
}

/// <summary>The model text of a saved version, as a journal row of its own (kind "model"): listings never read it.</summary>
public sealed record BusinessCaseModelText(string ModelJson);

/// <summary>
/// Keeps every saved version as journal rows (never changes one): per version a "version" row (number,
/// name, note, who, when, KPIs) and a "model" row (the model text), both tagged with the version
/// number, so a listing pages the small rows and one version is read by its tag through the index.
/// </summary>
public sealed class BusinessCaseGrain(IJournalStore store, IClock clock) : Grain, IBusinessCaseGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "businesscase";

    public const string VersionKind = "version";
    public const string ModelKind = "model";

    private JournaledState<BusinessCaseState> _journal = null!;

    private string ProjectId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _journal = new JournaledState<BusinessCaseState>(store, JournalType, ProjectId);
        await _journal.LoadAsync();
    }

    public static string Tag(int version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The two journal rows of one version (the upgrade of old rows writes the same).</summary>
    public static IReadOnlyList<JournalAppend> Entries(BusinessCaseVersion v) =>
    [
        JournaledState<BusinessCaseState>.Entry(VersionKind, Tag(v.Version), v.SavedAt, v.SavedBy, BusinessCaseVersionInfo.Of(v)),
        JournaledState<BusinessCaseState>.Entry(ModelKind, Tag(v.Version), v.SavedAt, v.SavedBy, new BusinessCaseModelText(v.ModelJson)),
    ];

    /// <summary>
    /// A new version, once per idempotency key, in the shape every keyed write has (<see cref="IdempotentWrite.OnceAsync"/>):
    /// the rules first, the key committed with the version's rows, read only when the commit is refused. A stored key
    /// answers the version the first try saved when it stands for the same model and note, 409
    /// <c>idempotency-key-reused</c> when not; a refused model keeps no key (a retry is judged again).
    /// </summary>
    public async Task<Outcome<BusinessCaseVersionInfo>> Save(string modelJson, string? note, string actor, string? idempotencyKey = null)
    {
        await _journal.EnsureLoadedAsync();
        var now = clock.GetCurrentInstant();
        var fingerprint = Fingerprint(modelJson, note);
        return await IdempotentWrite.OnceAsync(BusinessCaseRules.Save(_journal.State.Count + 1, modelJson, note, actor, now), idempotencyKey,
            // Every key of this grain is stored with the version it saved; a key without one answers nothing.
            findKey: async key => await _journal.FindIdempotencyAsync(key) is { Answer: not null } seen ? seen : null,
            replay: seen => seen.Fingerprint == fingerprint
                ? Outcome<BusinessCaseVersionInfo>.Ok(JsonSerializer.Deserialize<BusinessCaseVersionInfo>(seen.Answer!, WarmteJson.Default)!)
                : Refusal.Conflict("idempotency-key-reused", "Deze idempotency-sleutel is al gebruikt om een ander model of een andere notitie te bewaren."),
            commit: async (saved, key) =>
            {
                var info = BusinessCaseVersionInfo.Of(saved);
                await _journal.CommitAsync(new BusinessCaseState { Count = saved.Version, Latest = info }, Entries(saved), now,
                    key is null ? null : new IdempotencyRecord(key, fingerprint, JsonSerializer.Serialize(info, WarmteJson.Default), _journal.NextSeq));
                await Alerts.ProjectChanged.Raise(GrainFactory, ProjectId); // the financing verdict moves a gate and the comparison
                return info;
            });
    }

    /// <summary>
    /// What an idempotency key of a save stands for: the model text exactly as sent and the note. A hash, since a model
    /// is tens of kilobytes and the key row only has to tell the same request from another.
    /// </summary>
    public static string Fingerprint(string modelJson, string? note) =>
        "version:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(modelJson))) + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(note ?? "")));

    public async Task<ImmutableArray<BusinessCaseVersionInfo>> List() => (await ListPage(0, BusinessCaseRules.MaxVersions)).Versions;

    public async Task<BusinessCaseVersionPage> ListPage(int skip, int take)
    {
        await _journal.EnsureLoadedAsync();
        var rows = await _journal.ReadAsync(new JournalQuery(VersionKind, Skip: Math.Max(0, skip), Take: Math.Max(0, take)));
        return new BusinessCaseVersionPage(_journal.State.Count, [.. rows.Select(JournaledState<BusinessCaseState>.Payload<BusinessCaseVersionInfo>)]);
    }

    public async Task<BusinessCaseVersion?> Get(int version)
    {
        await _journal.EnsureLoadedAsync();
        if (version < 1 || version > _journal.State.Count) return null;
        var info = await _journal.ReadAsync(new JournalQuery(VersionKind, Tag(version), Take: 1));
        var model = await _journal.ReadAsync(new JournalQuery(ModelKind, Tag(version), Take: 1));
        if (info.Count == 0 || model.Count == 0) return null;
        var i = JournaledState<BusinessCaseState>.Payload<BusinessCaseVersionInfo>(info[0]);
        return new BusinessCaseVersion
        {
            Version = i.Version, Name = i.Name, Note = i.Note, SavedBy = i.SavedBy, SavedAt = i.SavedAt, Kpis = i.Kpis,
            ModelJson = JournaledState<BusinessCaseState>.Payload<BusinessCaseModelText>(model[0]).ModelJson,
        };
    }

    public Task<FinancingStatus?> Financing() =>
        Task.FromResult(_journal.State.Latest is { } latest ? new FinancingStatus(latest.Version, latest.SavedAt, latest.Kpis) : null);
}
