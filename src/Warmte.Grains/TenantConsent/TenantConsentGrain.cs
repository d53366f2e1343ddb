using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Members;
using Warmte.Serialization;

namespace Warmte.TenantConsent;

/// <summary>
/// Thin shell around <see cref="ConsentRules"/>: load, apply, persist, answer. The snapshot holds the
/// complexes with their counts (bounded, whatever the number of answers); each answer per address is
/// a current row (kind <c>declaration</c>, tag = complex) with an address-free <c>declaration</c>
/// fact in the journal, committed together (docs/storage.md, "Current rows and personal data").
/// </summary>
public sealed class TenantConsentGrain(
    Journal.IJournalStore store, IClock clock) : Grain, ITenantConsentGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "consent";

    private Journal.JournaledState<RecordState<ConsentRecord>> state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<RecordState<ConsentRecord>>(store, JournalType, this.GetPrimaryKeyString());
        await state.LoadAsync();
    }

    private string ProjectId => this.GetPrimaryKeyString();

    private ConsentRecord Record => state.State.Record ?? ConsentRecord.Empty;

    private LocalDate Today => AmsterdamTime.Today(clock);

    public async Task<ConsentStatus> Status(bool withAddresses)
    {
        var (record, dates) = await WithMetOnDerivedAsync();
        if (withAddresses)
        {
            var all = await AnswersAsync();
            return ConsentRules.Status(record, ProjectId, Today, all, all);
        }
        // A met complex whose day is still not known is dated from its own answers (not shown to other roles): those read
        // with its history, else by its tag — never every answer of the project.
        var needing = record.Complexes.Where(ConsentRules.NeedsAnswerDates).ToList();
        if (needing.Count == 0) return ConsentRules.Status(record, ProjectId, Today, null);
        foreach (var complex in needing.Where(c => !dates.ContainsKey(c.Id)))
            dates[complex.Id] = [.. (await state.ReadRowsAsync(new RowQuery(ConsentRules.RowKind, complex.Id))).Select(Declaration)];
        return ConsentRules.Status(record, ProjectId, Today, null, dates);
    }

    /// <summary>What <see cref="WithMetOnDerivedAsync"/> derived at one version of the state (the grain's memory only).</summary>
    private sealed record Derived(long Version, ConsentRecord Record, ConsentRecord Derivation, Dictionary<string, ImmutableArray<Declaration>> Dates);

    private Derived? _derived;

    /// <summary>
    /// The record with <see cref="Complex.MetOn"/> derived for the met complexes stored before it was kept
    /// (<see cref="WithMetOnAsync"/>), and the current answers read for that of those complexes whose history needed them
    /// (by complex). Kept until the state's version moves, so reading the status again reads no history again; a write
    /// stores the day (<see cref="ConsentRules.WithMetOn"/>) and the complex needs no derivation after it.
    /// </summary>
    private async Task<(ConsentRecord Record, Dictionary<string, ImmutableArray<Declaration>> Dates)> WithMetOnDerivedAsync()
    {
        if (_derived is { } kept && kept.Version == state.Version && ReferenceEquals(kept.Record, Record)) return (kept.Derivation, kept.Dates);
        var (version, stored) = (state.Version, Record);
        var dates = new Dictionary<string, ImmutableArray<Declaration>>(StringComparer.Ordinal);
        var record = await WithMetOnAsync(stored, dates);
        _derived = new Derived(version, stored, record, dates);
        return (record, dates);
    }

    /// <summary>
    /// A met complex stored before <see cref="Complex.MetOn"/> was kept gets it from its history on reading (not stored), so
    /// the consent view names the same day as the gate (tester T2); its next write stores it. The current answers read for
    /// a complex's history are added to <paramref name="read"/> when given.
    /// </summary>
    private async Task<ConsentRecord> WithMetOnAsync(ConsentRecord record, Dictionary<string, ImmutableArray<Declaration>>? read = null)
    {
        var missing = record.Complexes.Where(c => c.MetOn is null && c.AnswersRemovedOn is null && c.Agreed > 0
            && ConsentRules.Meets(ConsentThresholds.For(c.RentedHomes, c.Threshold), c.Agreed, c.RentedHomes)).ToList();
        foreach (var complex in missing)
        {
            var (history, current) = await HistoryAndAnswersAsync(complex);
            if (read is not null && current is { } answers) read[complex.Id] = answers;
            record = record with { Complexes = record.Complexes.Replace(complex, ConsentRules.WithMetOn(complex, history)) };
        }
        return record;
    }

    /// <summary>The complex's answers as facts (<see cref="ConsentAsOf.History"/>); null when only counts remain (answers removed).</summary>
    private async Task<ImmutableArray<DeclarationFact>?> KnownHistoryAsync(Complex complex) =>
        complex.AnswersRemovedOn is not null ? null : await HistoryAsync(complex);

    private async Task<ImmutableArray<DeclarationFact>> HistoryAsync(Complex complex) => (await HistoryAndAnswersAsync(complex)).History;

    /// <summary>The complex's history, and its current answers when they were read for it (facts that do not account for its counts).</summary>
    private async Task<(ImmutableArray<DeclarationFact> History, ImmutableArray<Declaration>? Current)> HistoryAndAnswersAsync(Complex complex)
    {
        if (complex.Answers == 0) return ([], null);
        var facts = (await state.ReadAsync(new JournalQuery(ConsentRules.FactKind, complex.Id)))
            .Select(JournaledState<RecordState<ConsentRecord>>.Payload<DeclarationFact>).ToImmutableArray();
        // Answers from before the facts (an upgraded snapshot): the current answers per address stand in.
        ImmutableArray<Declaration>? current = ConsentAsOf.Total(facts) == (complex.Agreed, complex.Refused) || complex.AnswersRemovedOn is not null
            ? null
            : [.. (await state.ReadRowsAsync(new RowQuery(ConsentRules.RowKind, complex.Id))).Select(Declaration)];
        return (ConsentAsOf.History(complex, facts, current), current);
    }

    public async Task<ConsentStatus> StatusAsOf(LocalDate on)
    {
        var history = new Dictionary<string, ImmutableArray<DeclarationFact>>();
        foreach (var complex in Record.Complexes.Where(c => c.Answers > 0))
            history[complex.Id] = await HistoryAsync(complex);
        return ConsentAsOf.Status(Record, ProjectId, on, history);
    }

    /// <summary>Every stored answer per address, by complex (board and admins; read from the current rows).</summary>
    private async Task<IReadOnlyDictionary<string, ImmutableArray<Declaration>>> AnswersAsync()
    {
        if (Record.Complexes.All(c => c.Answers == 0 || c.AnswersRemovedOn is not null)) return ImmutableDictionary<string, ImmutableArray<Declaration>>.Empty;
        var rows = await state.ReadRowsAsync(new RowQuery(ConsentRules.RowKind));
        return rows.GroupBy(r => r.Tag ?? "").ToDictionary(g => g.Key, g => g.Select(Declaration).ToImmutableArray());
    }

    private static Declaration Declaration(CurrentRow row) => JsonSerializer.Deserialize<Declaration>(row.Data, WarmteJson.Default)!;

    public async Task<DeclarationPage?> DeclarationsPage(string complexId, int page, int pageSize)
    {
        if (Record.Complexes.FirstOrDefault(c => c.Id == complexId) is null) return null;
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, AuditTrail.MaxPageSize);
        var total = await state.CountRowsAsync(ConsentRules.RowKind, complexId);
        var rows = await state.ReadRowsAsync(new RowQuery(ConsentRules.RowKind, complexId, (long)(page - 1) * pageSize, pageSize));
        return new DeclarationPage(page, pageSize, (int)total, [.. rows.Select(Declaration)]);
    }

    public async Task<ImmutableArray<AddressAnswer>> AnswersAt(DutchAddress address)
    {
        var found = ImmutableArray.CreateBuilder<AddressAnswer>();
        foreach (var complex in Record.Complexes.Where(c => c.Answers > 0 && c.AnswersRemovedOn is null))
        {
            // One row per (complex, address): a window of one from its own key would need a key query; the complex's rows are few.
            var rows = await state.ReadRowsAsync(new RowQuery(ConsentRules.RowKind, complex.Id));
            var id = ConsentRules.RowId(complex.Id, address);
            found.AddRange(rows.Where(r => r.Id == id).Select(r => new AddressAnswer(ProjectId, complex.Id, Declaration(r))));
        }
        return found.ToImmutable();
    }

    public async Task<int> ApplyRetention(int months, string actor)
    {
        var (record, due) = ConsentRules.RemoveAnswersPastRetention(Record, months, Today);
        if (due.Length == 0) return 0;
        var rows = new List<RowChange>();
        foreach (var complex in due)
            rows.AddRange((await state.ReadRowsAsync(new RowQuery(ConsentRules.RowKind, complex.Id))).Select(r => RowChange.Delete(r.Kind, r.Id)));
        var now = clock.GetCurrentInstant();
        var audit = RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, "consent.declarations-removed",
            $"Antwoorden per adres verwijderd na de bewaartermijn ({months} {DutchFormat.Noun(months, "maand", "maanden")} na het besluit): {string.Join(", ", due.Select(c => $"'{c.Id}' ({c.Answers})"))}; de aantallen blijven."));
        await CommitAsync(record, [audit], rows, now, erasesPersonalData: true);
        return rows.Count;
    }

    public async Task<Outcome<ConsentStatus>> SetComplex(string complexId, SetComplex command, string actor) =>
        await Apply(ConsentRules.SetComplex(Record, complexId, command, Today,
            Record.Complexes.FirstOrDefault(c => c.Id == complexId) is { } existing ? await KnownHistoryAsync(existing) : null), actor);

    public Task<Outcome<ConsentStatus>> RemoveComplex(string complexId, string actor) =>
        Apply(ConsentRules.RemoveComplex(Record, complexId), actor);

    public async Task<Outcome<ConsentStatus>> RecordDeclarations(string complexId, RecordDeclarations command, string actor)
    {
        var stored = Record.Complexes.Any(c => c.Id == complexId)
            ? (await state.ReadRowsAsync(new RowQuery(ConsentRules.RowKind, complexId))).Select(Declaration).ToDictionary(d => d.Address)
            : [];
        var now = clock.GetCurrentInstant();
        ImmutableArray<DeclarationFact>? history = Record.Complexes.FirstOrDefault(c => c.Id == complexId) is { } complex ? await KnownHistoryAsync(complex) : null;
        var outcome = ConsentRules.RecordDeclarations(Record, complexId, command, stored, Today, actor, now, history);
        if (!outcome.IsOk) return outcome.Refusal!;
        var (change, recorded, skipped) = outcome.Value!;
        ImmutableArray<FieldError>? leftOut = command.SkipInvalid == true ? skipped : null;
        ImmutableArray<SupersededAnswer>? superseded = outcome.Value!.Superseded.IsEmpty ? null : outcome.Value.Superseded;
        // A dry run: the same rules on the same stored answers, nothing stored; the counts as they would be (no answers per address).
        if (command.DryRun == true)
            return Outcome<ConsentStatus>.Ok(ConsentRules.Status(change.Value, ProjectId, Today, null) with { Skipped = leftOut, DryRun = true, Superseded = superseded });
        if (recorded.Length == 0) return Outcome<ConsentStatus>.Ok(ConsentRules.Status(await WithMetOnAsync(Record), ProjectId, Today, await AnswersAsync()) with { Skipped = leftOut, Superseded = superseded });
        var entries = recorded.Select(r => JournaledState<RecordState<ConsentRecord>>.Entry(ConsentRules.FactKind, complexId, now, actor,
            ConsentRules.FactOf(r))).ToList();
        entries.Add(RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, change.Action, change.Summary)));
        var rows = recorded.Select(r => JournaledState<RecordState<ConsentRecord>>.Row(ConsentRules.RowKind, ConsentRules.RowId(complexId, r.New.Address), complexId, r.New)).ToList();
        await CommitAsync(change.Value, entries, rows, now);
        await Alerts.ProjectChanged.Raise(GrainFactory, ProjectId); // consent moves a gate
        return Outcome<ConsentStatus>.Ok(ConsentRules.Status(await WithMetOnAsync(Record), ProjectId, Today, await AnswersAsync()) with { Skipped = leftOut, Superseded = superseded });
    }

    /// <summary>Commits the record with facts and current rows in one transaction (as <see cref="RecordStateExtensions.ApplyAsync{T}"/> does for the record alone).</summary>
    private async Task CommitAsync(ConsentRecord record, IReadOnlyList<JournalAppend> entries, IReadOnlyList<RowChange> rows, Instant now, bool erasesPersonalData = false)
    {
        if (!state.IsLoaded)
        {
            DeactivateOnIdle();
            throw new Orleans.Storage.InconsistentStateException($"{state.GrainType}/{state.GrainKey}: state not loaded after a failed write; retry.");
        }
        try
        {
            await state.CommitAsync(state.State with { Record = record, LastChangeAt = now }, entries, now, rows: rows, erasesPersonalData: erasesPersonalData);
        }
        catch
        {
            if (!state.IsLoaded) DeactivateOnIdle();
            throw;
        }
    }

    public Task<Outcome<ConsentStatus>> SetApplicability(SetApplicability command, string actor) =>
        Apply(ConsentRules.SetApplicability(Record, command), actor);

    public Task<AuditPage> GetAudit(int page, int pageSize) => state.AuditPageAsync(page, pageSize);

    private async Task<Outcome<ConsentStatus>> Apply(Outcome<Change<ConsentRecord>> outcome, string actor)
    {
        // The rules start from Empty when nothing is stored: Empty given back unchanged stores nothing.
        var refusal = await state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle, unchanged: ConsentRecord.Empty);
        if (refusal is not null) return refusal;
        await Alerts.ProjectChanged.Raise(GrainFactory, ProjectId); // consent moves a gate
        return Outcome<ConsentStatus>.Ok(ConsentRules.Status(await WithMetOnAsync(Record), ProjectId, Today, await AnswersAsync()));
    }
}

/// <summary>
/// Upgrades a consent snapshot written by a release that kept the answers inside it: the answers
/// become current rows (kind <c>declaration</c>, tag = complex), the complexes keep their counts.
/// Pure; the silo's upgrade step (JournalUpgrade) writes it in one transaction with the snapshot.
/// </summary>
public static class ConsentUpgrade
{
    /// <summary>The new state and rows, or null when the snapshot holds no answers (already upgraded).</summary>
    public static (string State, IReadOnlyList<RowChange> Rows)? Split(string stateJson, LocalDate today)
    {
        var old = JsonSerializer.Deserialize<RecordState<ConsentRecord>>(stateJson, WarmteJson.Default);
        if (old?.Record is not { } record || record.Complexes.All(c => c.Declarations.IsDefaultOrEmpty)) return null;
        var rows = record.Complexes.SelectMany(c => c.Declarations.Select(d =>
            JournaledState<RecordState<ConsentRecord>>.Row(ConsentRules.RowKind, ConsentRules.RowId(c.Id, d.Address), c.Id, d))).ToList();
        var state = old with { Record = ConsentRules.CountStoredDeclarations(record, today) };
        return (JsonSerializer.Serialize(state, WarmteJson.Default), rows);
    }
}
