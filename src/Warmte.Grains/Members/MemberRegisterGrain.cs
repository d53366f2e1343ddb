using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Members;

/// <summary>
/// The member register's journal snapshot: small and of fixed size, whatever the number of members.
/// The members themselves are current rows (kind <c>member</c>, one per member number, in
/// warmte_row, written in the same transaction); changes are <c>member</c> facts (tag: the number,
/// no names or addresses) and <c>audit</c> rows in the journal (docs/storage.md).
/// </summary>
public sealed record MemberRegisterState
{
    /// <summary>Members in the register (current rows), kept so the count needs no query.</summary>
    public int Members { get; init; }

    public Instant? LastChangeAt { get; init; }

    public PrivacySettings Privacy { get; init; } = new();
}

/// <summary>The register as Orleans' grain storage held it before the journal (state name <c>members</c>).</summary>
public sealed class LegacyMemberRegisterState
{
    public List<Member> Members { get; set; } = [];

    public List<AuditEntry> Audit { get; set; } = [];
}

/// <summary>Moves an old <c>members</c> row into the journal: members become current rows, the audit trail audit rows.</summary>
public static class MemberUpgrade
{
    public static UpgradedGrain From(string legacyJson)
    {
        var old = JsonSerializer.Deserialize<LegacyMemberRegisterState>(legacyJson, WarmteJson.Default) ?? new LegacyMemberRegisterState();
        var state = new MemberRegisterState { Members = old.Members.Count, LastChangeAt = old.Audit.Count > 0 ? old.Audit[^1].At : null };
        var entries = old.Audit.Select(a => RecordStateExtensions.AuditEntryOf(null, a)).ToList();
        return new UpgradedGrain(JsonSerializer.Serialize(state, WarmteJson.Default), entries, [])
        {
            Rows = [.. old.Members.Select(m => JournaledState<MemberRegisterState>.Row(MemberRegisterGrain.RowKind, m.Number, null, m))],
        };
    }
}

/// <summary>
/// Thin shell around <see cref="MemberRules"/> and <see cref="MemberPrivacyRules"/>: load, apply,
/// commit snapshot + facts + current rows in one transaction, answer. The register is read into
/// memory from its current rows on activation (eligibility and electorate need every member).
/// </summary>
public sealed class MemberRegisterGrain(IJournalStore store, IClock clock) : Grain, IMemberRegisterGrain, IRemindable
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "members";

    public const string RowKind = "member";
    public const string FactKind = "member";
    public const string RetentionReminder = "privacy-retention";

    /// <summary>What repeating a retention pass that stopped half-way does (after "Herhaal hetzelfde verzoek …;").</summary>
    public const string RetentionRepeat = "de ronde slaat over wat al gedaan is en doet de rest (anders doet de dagelijkse ronde dat vanzelf).";

    /// <summary>Who an automatic retention pass is in the audit trail.</summary>
    public const string RetentionActor = "systeem:bewaartermijn";

    private JournaledState<MemberRegisterState> state = null!;

    /// <summary>The register by member number (ordinal order), as the current rows hold it.</summary>
    private ImmutableSortedDictionary<string, Member> _register = ImmutableSortedDictionary.Create<string, Member>(StringComparer.Ordinal);

    private LocalDate Today => AmsterdamTime.Today(clock);

    private string CooperativeId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new JournaledState<MemberRegisterState>(store, JournalType, CooperativeId);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await state.LoadAsync();
        var rows = await state.ReadRowsAsync(new RowQuery(RowKind));
        _register = rows.Select(r => JsonSerializer.Deserialize<Member>(r.Data, WarmteJson.Default)!)
            .ToImmutableSortedDictionary(m => m.Number, m => m, StringComparer.Ordinal);
    }

    public Task<Outcome<RegistrationResult>> Register(ImmutableArray<MemberInput?> members, string actor) =>
        Register(members, actor, new RegisterOptions());

    public async Task<Outcome<RegistrationResult>> Register(ImmutableArray<MemberInput?> members, string actor, RegisterOptions options)
    {
        await EnsureLoadedAsync();
        var foundedOn = await GrainFactory.GetGrain<Cooperatives.ICooperativeGrain>(CooperativeId).FoundedOn();
        // Checked against the stored register: what the input leaves out keeps its stored value, erased members stay erased.
        var prepared = MemberRules.Prepare(members, _register, Today, options.SkipInvalid, options.JoinedOn, foundedOn);
        if (!prepared.IsOk) return prepared.Refusal!;
        var valid = prepared.Value!.Members;
        // Merge into a copy: memory takes the change only together with storage.
        var register = new Dictionary<string, Member>(_register, StringComparer.Ordinal);
        var result = MemberRules.Merge(register, valid) with { Skipped = prepared.Value.Skipped, Erased = prepared.Value.Erased, DryRun = options.DryRun };
        if (options.DryRun || result.Created + result.Updated == 0) return Outcome<RegistrationResult>.Ok(result);
        var now = clock.GetCurrentInstant();
        var changed = valid.Select(m => register[m.Number]).Where(m => !_register.TryGetValue(m.Number, out var known) || known != m).ToList();
        var entries = new List<JournalAppend>(changed.Count + 1);
        var rows = new List<RowChange>(changed.Count);
        var replacesPersonalData = false;
        foreach (var member in changed)
        {
            var before = _register.GetValueOrDefault(member.Number);
            var fact = MemberFact.Of(before is null ? "created" : "updated", member, before);
            replacesPersonalData |= fact.NameChanged || fact.AddressChanged || fact.EmailChanged;
            entries.Add(JournaledState<MemberRegisterState>.Entry(FactKind, member.Number, now, actor, fact));
            rows.Add(JournaledState<MemberRegisterState>.Row(RowKind, member.Number, null, member));
        }
        entries.Add(RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, "members.registered",
            $"Ledenregister: {result.Created} nieuw, {result.Updated} bijgewerkt, {result.Unchanged} ongewijzigd.")));
        // An old name, address or e-mail replaced (a move, a correction) must not outlive its row in the WAL either.
        await CommitAsync(state.State with { Members = register.Count, LastChangeAt = now }, entries, rows, now,
            register.ToImmutableSortedDictionary(StringComparer.Ordinal), erasesPersonalData: replacesPersonalData);
        return Outcome<RegistrationResult>.Ok(result);
    }

    public Task<ImmutableArray<Member>> Members() => Task.FromResult(_register.Values.ToImmutableArray());

    public Task<Member?> Member(string number) =>
        Task.FromResult(_register.GetValueOrDefault(MemberRules.NormaliseNumber(number)));

    public Task<FirstJoined?> FirstJoined() =>
        Task.FromResult(MemberRules.FirstJoined(_register.Values));

    public Task<MemberSummary> Summary() =>
        Task.FromResult(MemberRules.Summarise(CooperativeId, _register.Values, Today));

    public Task<EligibilityCheck> Eligibility(ImmutableArray<string> numbers, LocalDate on) =>
        Task.FromResult(MemberRules.Check(_register, numbers, on));

    public Task<Electorate> Electorate(LocalDate on) => Task.FromResult(MemberRules.ElectorateOn(_register.Values, on));

    public async Task<AuditPage> GetAudit(int page, int pageSize)
    {
        await EnsureLoadedAsync();
        return await state.AuditPageAsync(page, pageSize);
    }

    // ---- privacy (AVG) ----

    public Task<PrivacySettings> Privacy() => Task.FromResult(state.State.Privacy);

    public async Task<Outcome<PrivacySettings>> SetPrivacy(SetPrivacySettings command, string actor)
    {
        await EnsureLoadedAsync();
        var set = MemberPrivacyRules.Set(command);
        if (!set.IsOk) return set;
        var settings = set.Value!;
        if (settings != state.State.Privacy)
        {
            var now = clock.GetCurrentInstant();
            var audit = RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, "members.privacy-set",
                $"Bewaartermijnen: oud-leden {Months(settings.FormerMemberRetentionMonths)}, antwoorden huurdersinstemming {Months(settings.ConsentAnswerRetentionMonths)} na het besluit."));
            await CommitAsync(state.State with { Privacy = settings, LastChangeAt = now }, [audit], [], now, _register);
        }
        await ScheduleRetentionAsync();
        return Outcome<PrivacySettings>.Ok(settings);
    }

    private static string Months(int? months) => months is { } m ? $"{m} {DutchFormat.Noun(m, "maand", "maanden")}" : "niet automatisch";

    public async Task<Outcome<Member>> Erase(string number, string actor)
    {
        await EnsureLoadedAsync();
        var key = MemberRules.NormaliseNumber(number);
        var erased = MemberPrivacyRules.Erase(_register.GetValueOrDefault(key), key, Today, CooperativeId);
        if (!erased.IsOk || erased.Value == _register[key]) return erased;
        await EraseAsync([erased.Value!], actor, "op verzoek");
        return erased;
    }

    public async Task<Outcome<Member>> Leave(string number, LocalDate leftOn, string actor)
    {
        await EnsureLoadedAsync();
        var key = MemberRules.NormaliseNumber(number);
        var before = _register.GetValueOrDefault(key);
        var left = MemberRules.Leave(before, key, leftOn, Today);
        if (!left.IsOk || left.Value == before) return left;
        var member = left.Value!;
        var now = clock.GetCurrentInstant();
        var entries = new List<JournalAppend>
        {
            JournaledState<MemberRegisterState>.Entry(FactKind, member.Number, now, actor, MemberFact.Of("updated", member, before)),
            RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, "members.left",
                $"Lid {member.Number} uitgeschreven per {DutchFormat.Date(leftOn)}.")),
        };
        await CommitAsync(state.State with { LastChangeAt = now }, entries,
            [JournaledState<MemberRegisterState>.Row(RowKind, member.Number, null, member)], now, _register.SetItem(member.Number, member));
        return left;
    }

    public async Task<Outcome<Member>> Rejoin(string number, string actor)
    {
        await EnsureLoadedAsync();
        var key = MemberRules.NormaliseNumber(number);
        var before = _register.GetValueOrDefault(key);
        var rejoined = MemberRules.Rejoin(before, key);
        if (!rejoined.IsOk || rejoined.Value == before) return rejoined;
        var member = rejoined.Value!;
        var now = clock.GetCurrentInstant();
        var entries = new List<JournalAppend>
        {
            JournaledState<MemberRegisterState>.Entry(FactKind, member.Number, now, actor, MemberFact.Of("rejoined", member, before)),
            RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, "members.rejoined",
                $"Uitschrijving van lid {member.Number} per {DutchFormat.Date(before!.LeftOn!.Value)} ingetrokken; het lid is weer lid sinds {DutchFormat.Date(member.JoinedOn)}.")),
        };
        await CommitAsync(state.State with { LastChangeAt = now }, entries,
            [JournaledState<MemberRegisterState>.Row(RowKind, member.Number, null, member)], now, _register.SetItem(member.Number, member));
        return rejoined;
    }

    public async Task<RetentionResult> ApplyRetention(string actor)
    {
        await EnsureLoadedAsync();
        var today = Today;
        var due = MemberPrivacyRules.DueForErasure(_register.Values, state.State.Privacy.FormerMemberRetentionMonths, today);
        if (due.Length > 0) await EraseAsync([.. due.Select(m => MemberPrivacyRules.Erased(m, today))], actor, "na de bewaartermijn");
        var erased = due.Select(m => m.Number).ToList();
        var cleared = new List<(string Project, int Removed)>();
        if (state.State.Privacy.ConsentAnswerRetentionMonths is { } months)
        {
            var projects = await GrainFactory.GetGrain<Cooperatives.ICooperativeGrain>(CooperativeId).ProjectIds();
            foreach (var project in projects)
            {
                var consent = GrainFactory.GetGrain<TenantConsent.ITenantConsentGrain>(project);
                // Each project is a commit of its own: once one has landed, a later failure must say what is done (never
                // "niets bewaard"); the same run again skips what is done and does the rest, as the daily run would.
                var removed = erased.Count == 0 && cleared.All(c => c.Removed == 0)
                    ? await consent.ApplyRetention(months, actor)
                    : await PartiallyStoredException.Step(() => consent.ApplyRetention(months, actor),
                        () => MemberPrivacyRules.PartlyApplied(erased, cleared, [.. projects.Skip(cleared.Count)]), RetentionRepeat);
                cleared.Add((project, removed));
            }
        }
        return new RetentionResult([.. erased], cleared.Sum(c => c.Removed));
    }

    private async Task EraseAsync(IReadOnlyList<Member> erased, string actor, string why)
    {
        var now = clock.GetCurrentInstant();
        var entries = new List<JournalAppend>(erased.Count + 1);
        var rows = new List<RowChange>(erased.Count);
        foreach (var member in erased)
        {
            entries.Add(JournaledState<MemberRegisterState>.Entry(FactKind, member.Number, now, actor, MemberFact.Of("erased", member, null)));
            rows.Add(JournaledState<MemberRegisterState>.Row(RowKind, member.Number, null, member));
        }
        var numbers = string.Join(", ", erased.Select(m => m.Number));
        entries.Add(RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, "members.erased",
            $"Naam en adres gewist van {erased.Count} oud-lid/leden {why}: {(numbers.Length <= 500 ? numbers : numbers[..500] + "…")}.")));
        var register = _register.SetItems(erased.Select(m => KeyValuePair.Create(m.Number, m)));
        await CommitAsync(state.State with { LastChangeAt = now }, entries, rows, now, register, erasesPersonalData: true);
    }

    public async Task StoreCount()
    {
        await EnsureLoadedAsync();
        // A commit without facts: the snapshot's version moves with the row, so the row is stamped as current.
        await CommitAsync(state.State, [], [], clock.GetCurrentInstant(), _register);
    }

    public async Task<MemberRecordExport?> Export(string number)
    {
        await EnsureLoadedAsync();
        if (_register.GetValueOrDefault(MemberRules.NormaliseNumber(number)) is not { } member) return null;
        var facts = await state.ReadAsync(new JournalQuery(FactKind, member.Number));
        return new MemberRecordExport(member,
            [.. facts.Select(f => new MemberFactView(f.At, f.Actor, JournaledState<MemberRegisterState>.Payload<MemberFact>(f)))]);
    }

    /// <summary>A daily reminder runs the retention pass while a retention period is set (time from IClock).</summary>
    private async Task ScheduleRetentionAsync()
    {
        var privacy = state.State.Privacy;
        if (privacy.FormerMemberRetentionMonths is null && privacy.ConsentAnswerRetentionMonths is null)
        {
            if (await this.GetReminder(RetentionReminder) is { } reminder) await this.UnregisterReminder(reminder);
            return;
        }
        await this.RegisterOrUpdateReminder(RetentionReminder, TimeSpan.FromHours(1), TimeSpan.FromDays(1));
    }

    public async Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status)
    {
        if (reminderName == RetentionReminder) await ApplyRetention(RetentionActor);
    }

    // ---- the one write path ----

    private async Task EnsureLoadedAsync()
    {
        if (!state.IsLoaded) await LoadAsync();
    }

    private async Task CommitAsync(MemberRegisterState newState, IReadOnlyList<JournalAppend> entries, IReadOnlyList<RowChange> rows, Instant now,
        ImmutableSortedDictionary<string, Member> register, bool erasesPersonalData = false)
    {
        try
        {
            // The members today beside the project summaries, in this same transaction (the umbrella comparison reads them).
            var count = MemberCount.Of(register.Values, AmsterdamTime.DateOf(now));
            await state.CommitAsync(newState, entries, now, rows: rows, memberCount: new MemberCountRow(count.AsOf, count.Members, count.FormatChanges()),
                erasesPersonalData: erasesPersonalData);
        }
        catch
        {
            // The snapshot was reloaded by JournaledState; the rows are read again with it.
            try { await LoadAsync(); } catch { DeactivateOnIdle(); }
            throw;
        }
        _register = register;
    }
}
