using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Members;

namespace Warmte.Alv;

/// <summary>Thin shell around <see cref="AlvRules"/>: load, ask the member register who may vote, apply, persist, answer.</summary>
public sealed class AlvGrain(
    Journal.IJournalStore store, IClock clock) : Grain, IAlvGrain, IRemindable
{
    /// <summary>
    /// The durable backstop of the online follow-ups (<see cref="AlvRecord.OnlineFollowUps"/>): registered before the commit
    /// that puts one on the outbox, removed when the outbox is empty, so a follow-up a crash interrupted is applied even
    /// when nobody touches this cooperative's ALV again.
    /// </summary>
    public const string FollowUpReminder = "online-follow-up";

    /// <summary>How soon after a correction (or an activation with follow-ups pending) this grain sends them again itself.</summary>
    public static readonly TimeSpan FollowUpRetry = TimeSpan.FromSeconds(3);

    private IGrainTimer? followUpTimer;

    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "alv";

    private Journal.JournaledState<RecordState<AlvRecord>> state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<RecordState<AlvRecord>>(store, JournalType, this.GetPrimaryKeyString());
        await state.LoadAsync();
        // A follow-up left on the outbox by a crash or a failed call: send it again once this activation runs.
        if (!Record.OnlineFollowUps.IsDefaultOrEmpty) RetryFollowUps();
    }

    private string CooperativeId => this.GetPrimaryKeyString();

    private AlvRecord Record => state.State.Record ?? AlvRecord.Empty;

    private LocalDate Today => AmsterdamTime.Today(clock);

    private IMemberRegisterGrain Register => GrainFactory.GetGrain<IMemberRegisterGrain>(CooperativeId);

    public Task<Statutes> Statutes() => Task.FromResult(Record.EffectiveStatutes);

    public async Task<Outcome<Statutes>> SetStatutes(SetStatutes command, string actor)
    {
        var refusal = await Apply(AlvRules.SetStatutes(Record, command, clock.GetCurrentInstant()), actor);
        return refusal ?? Outcome<Statutes>.Ok(Record.EffectiveStatutes);
    }

    public Task<ImmutableArray<Meeting>> Meetings() => Task.FromResult(Record.Meetings);

    public Task<Meeting?> Meeting(string meetingId) => Task.FromResult(AlvRules.Find(Record, meetingId));

    public async Task<Outcome<Meeting>> CreateMeeting(CreateMeeting command, string actor)
    {
        // The founding date (tester T5): FoundedOn interleaves, so this is safe while the cooperative waits on FirstMeeting.
        var foundedOn = await GrainFactory.GetGrain<Cooperatives.ICooperativeGrain>(CooperativeId).FoundedOn();
        return (await ForeignProjects(command.Proposals ?? [], "proposals") ?? await Apply(AlvRules.CreateMeeting(Record, command, Today, actor, clock.GetCurrentInstant(), foundedOn), actor)) is { } refusal
            ? refusal
            : Outcome<Meeting>.Ok(AlvRules.Find(Record, command.Id!)!);
    }

    public async Task<Outcome<Meeting>> UpdateMeeting(string meetingId, UpdateMeeting command, string actor)
    {
        await state.EnsureLoadedAsync();
        var foundedOn = await GrainFactory.GetGrain<Cooperatives.ICooperativeGrain>(CooperativeId).FoundedOn();
        var codes = await OnlineCodesIssued(meetingId);
        return await WithFollowUp(AlvRules.UpdateMeeting(Record, meetingId, command, Today, codes, foundedOn), actor) is { } refusal
            ? refusal
            : Outcome<Meeting>.Ok(AlvRules.Find(Record, meetingId)!);
    }

    public async Task<Outcome<Meeting>> DeleteMeeting(string meetingId, string actor)
    {
        await state.EnsureLoadedAsync();
        var meeting = AlvRules.Find(Record, meetingId);
        var codes = await OnlineCodesIssued(meetingId);
        return await WithFollowUp(AlvRules.DeleteMeeting(Record, meetingId, codes), actor) is { } refusal
            ? refusal
            : Outcome<Meeting>.Ok(meeting!);
    }

    /// <summary>
    /// Commits a correction or removal of a meeting together with its online follow-up (the outbox in the record, one
    /// transaction). The reminder goes first, so a crash after the commit still has something that wakes this grain;
    /// the caller (the endpoint) then asks the online voting grain to apply it, and this grain sends it again after
    /// <see cref="FollowUpRetry"/> should that not have happened.
    /// </summary>
    private async Task<Refusal?> WithFollowUp(Outcome<Change<AlvRecord>> outcome, string actor)
    {
        var before = Record.OnlineFollowUps.IsDefault ? [] : Record.OnlineFollowUps;
        var added = outcome.IsOk && !outcome.Value!.Value.OnlineFollowUps.IsDefaultOrEmpty && outcome.Value.Value.OnlineFollowUps.Except(before).Any();
        if (added) await this.RegisterOrUpdateReminder(FollowUpReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        if (await Apply(outcome, actor) is { } refusal) return refusal;
        if (added) RetryFollowUps();
        return null;
    }

    public async Task OnlineFollowedUp(string meetingId, string? summary, string actor)
    {
        await state.EnsureLoadedAsync();
        var next = AlvRules.OnlineFollowedUp(Record, meetingId);
        // Not pending (a title-only correction, or a follow-up applied twice): nothing to store or stop.
        if (ReferenceEquals(next, Record) && followUpTimer is null) return;
        if (!ReferenceEquals(next, Record))
        {
            var now = clock.GetCurrentInstant();
            // The audit trail says what the correction did to the online voting; a follow-up that found nothing to change adds no row.
            Journal.JournalAppend[] facts = summary is null ? [] : [RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, "alv.online-followed-up", summary))];
            try
            {
                await state.CommitAsync(state.State with { Record = next, LastChangeAt = now }, facts, now);
            }
            catch
            {
                if (!state.IsLoaded) DeactivateOnIdle();
                throw;
            }
        }
        if (Record.OnlineFollowUps.IsDefaultOrEmpty) await StopFollowUps();
    }

    public Task<ImmutableArray<string>> OnlineFollowUps() =>
        Task.FromResult(Record.OnlineFollowUps.IsDefault ? [] : Record.OnlineFollowUps);

    /// <summary>Sends every pending follow-up again after <see cref="FollowUpRetry"/>, and every half minute while any is left.</summary>
    private void RetryFollowUps()
    {
        followUpTimer?.Dispose();
        followUpTimer = this.RegisterGrainTimer(_ => SendFollowUps(),
            new GrainTimerCreationOptions { DueTime = FollowUpRetry, Period = TimeSpan.FromSeconds(30), KeepAlive = true });
    }

    /// <summary>
    /// One-way to each meeting's online voting grain: this grain never waits for it (the online grain waits for this one
    /// when it reports back with <see cref="OnlineFollowedUp"/>), so the two cannot wait for each other.
    /// </summary>
    private async Task SendFollowUps()
    {
        if (Record.OnlineFollowUps.IsDefaultOrEmpty) { await StopFollowUps(); return; }
        foreach (var meetingId in Record.OnlineFollowUps)
            await GrainFactory.GetGrain<Voting.IOnlineVotingGrain>($"{CooperativeId}/{meetingId}").FollowMeeting(Voting.OnlineVotingGrain.FollowUpActor);
    }

    private async Task StopFollowUps()
    {
        followUpTimer?.Dispose();
        followUpTimer = null;
        if (await this.GetReminder(FollowUpReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != FollowUpReminder) return;
        await state.EnsureLoadedAsync();
        await SendFollowUps();
    }

    // Online voting is kept by its own grain; CodesIssued interleaves and calls nothing back, so asking it here cannot deadlock.
    private Task<bool> OnlineCodesIssued(string meetingId) =>
        GrainFactory.GetGrain<Voting.IOnlineVotingGrain>($"{CooperativeId}/{meetingId}").CodesIssued();

    public Task<Meeting?> FirstMeeting() => Task.FromResult(Record.Meetings.IsDefaultOrEmpty ? null : AlvRules.FirstCalled(Record.Meetings));

    public async Task<Outcome<Meeting>> AddProposal(string meetingId, ProposalInput command, string actor)
    {
        await state.EnsureLoadedAsync();
        if (await ForeignProjects([command], null) is { } foreign) return foreign;
        // A recount carries the corrected decision's online ballots over (tester T4): read its ballots and the
        // attendance list once (who the carried ballots count as present beyond the list).
        var book = BallotBook.Empty;
        if (command?.Corrects is { } corrects && corrects.Split('/') is [var target, var targetProposal] && target == meetingId
            && AlvRules.Find(Record, meetingId)?.Proposals.FirstOrDefault(p => p.Id == targetProposal) is { Closed: not null })
        {
            book = await WithBallots(book, meetingId, targetProposal);
            var attendance = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Attendance, meetingId));
            book = book with { Present = book.Present.Union(attendance.Select(r => AlvFacts.PresentTag(meetingId, AlvFacts.Read<AttendanceFact>(r.Payload).MemberNumber))) };
        }
        return await Commit(AlvRules.AddRecount(Record, meetingId, command, Today, book, actor, clock.GetCurrentInstant()), actor) is { } refusal
            ? refusal
            : Outcome<Meeting>.Ok(AlvRules.Find(Record, meetingId)!);
    }

    public async Task<Outcome<AttendanceRecorded>> RecordAttendance(string meetingId, RecordAttendance command, string actor)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var numbers = (command.Present ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => MemberRules.NormaliseNumber(n!)).Distinct().ToList();
        var eligibility = await Register.Eligibility([.. numbers], meeting.Date);
        var book = BallotBook.Empty;
        if (numbers.Count <= AlvRules.MaxAttendance)
        {
            foreach (var n in numbers)
                if (await state.CountAsync(AlvFacts.PresentMark, AlvFacts.PresentTag(meetingId, n)) > 0)
                    book = book with { Present = book.Present.Add(AlvFacts.PresentTag(meetingId, n)) };
            foreach (var p in meeting.Proposals.Where(p => p.Closed is null && p.Count.Tally is null && p.Count.Extra > 0))
                book = await WithBallots(book, meetingId, p.Id);
        }
        // The same book the rule decided with: who of the given members was on the list before this call.
        var alreadyPresent = numbers.Count(n => book.IsPresent(meetingId, n));
        return await Commit(AlvRules.RecordAttendance(Record, meetingId, command, eligibility, book, Today, actor, clock.GetCurrentInstant()), actor) is { } refusal
            ? refusal
            : Outcome<AttendanceRecorded>.Ok(new AttendanceRecorded
            {
                Meeting = AlvRules.Find(Record, meetingId)!, Added = numbers.Count - alreadyPresent, AlreadyPresent = alreadyPresent,
            });
    }

    public async Task<Outcome<Proposal>> CastBallot(string meetingId, string proposalId, CastBallot command, string actor)
    {
        var outcome = await Cast(meetingId, proposalId, command, actor, byBoard: true);
        return outcome.IsOk ? Outcome<Proposal>.Ok(outcome.Value!.Proposal) : outcome.Refusal!;
    }

    public async Task<Outcome<BallotBatchResult>> CastBallots(
        string meetingId, string proposalId, ImmutableArray<CastBallot> commands, string actor, bool skipInvalid, bool dryRun)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        if (meeting.Proposals.All(p => p.Id != proposalId)) return Refusal.NotFound("Voorstel", $"{meetingId}/{proposalId}");
        if (commands.IsDefaultOrEmpty) return Refusal.Invalid("ballots", "is verplicht: minstens één stem.");
        if (commands.Length > AlvRules.MaxAttendance) return Refusal.Invalid("ballots", $"maximaal {DutchFormat.Number(AlvRules.MaxAttendance)} {DutchFormat.Noun(AlvRules.MaxAttendance, "stem", "stemmen")} per keer.");
        // Each ballot by the rules of one ballot, on the record and marks as the ballots before it left them
        // (BallotBook.With), so a member twice or a holder's proxies over the limit within the list are found too.
        var numbers = commands.SelectMany(c => AlvRules.NumbersIn(c)).Distinct().ToImmutableArray();
        var book = BallotBook.Empty;
        foreach (var n in numbers) book = await WithMember(book, meetingId, proposalId, n);
        book = await WithGiverMarks(book, meetingId, proposalId, numbers);
        book = await WithRecountBase(book, meeting, proposalId);
        // The givers of proxies the holders carry too: a dead proxy takes no slot (tester T1).
        var eligibility = await Register.Eligibility(WithGivers(numbers, book, meetingId, proposalId), meeting.Date);
        var now = clock.GetCurrentInstant();
        var record = Record;
        var facts = new List<Journal.JournalAppend>();
        var skipped = new List<FieldError>();
        int recorded = 0, unchanged = 0;
        var alreadyStored = new List<int>();
        for (var i = 0; i < commands.Length; i++)
        {
            var outcome = AlvRules.CastBallot(record, meetingId, proposalId, commands[i], eligibility, book, Today, actor, now, byBoard: true);
            if (!outcome.IsOk) { skipped.AddRange(BallotBatch.Problems(i, outcome.Refusal!)); continue; }
            var change = outcome.Value!;
            if (ReferenceEquals(record, change.Record)) { unchanged++; alreadyStored.Add(i); continue; }
            facts.Add(RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, change.Change.Action, change.Change.Summary)));
            facts.AddRange(change.Facts);
            book = book.With(change.Facts);
            record = change.Record;
            recorded++;
        }
        if (skipped.Count > 0 && !skipInvalid) return Refusal.Invalid(skipped);
        if (!dryRun && facts.Count > 0)
        {
            try
            {
                await state.CommitAsync(state.State with { Record = record, LastChangeAt = now }, facts, now);
            }
            catch
            {
                if (!state.IsLoaded) DeactivateOnIdle();
                throw;
            }
        }
        return Outcome<BallotBatchResult>.Ok(new BallotBatchResult(recorded, unchanged, [.. skipped], dryRun) { AlreadyStored = [.. alreadyStored] });
    }

    public Task<Outcome<CastResult>> Cast(string meetingId, string proposalId, CastBallot command, string actor) =>
        Cast(meetingId, proposalId, command, actor, byBoard: false);

    private async Task<Outcome<CastResult>> Cast(string meetingId, string proposalId, CastBallot command, string actor, bool byBoard)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        // No other call runs while this one awaits the register or the journal (grains are not reentrant),
        // and the commit only succeeds on the snapshot version the lookups were made at: the "has this
        // member voted" check and the write below see the same state.
        var book = BallotBook.Empty;
        foreach (var n in AlvRules.NumbersIn(command)) book = await WithMember(book, meetingId, proposalId, n);
        book = await WithGiverMarks(book, meetingId, proposalId, AlvRules.NumbersIn(command));
        book = await WithRecountBase(book, meeting, proposalId);
        // The givers of proxies the holder carries too: a dead proxy takes no slot (tester T1).
        var eligibility = await Register.Eligibility(WithGivers(AlvRules.NumbersIn(command), book, meetingId, proposalId), meeting.Date);
        // Online: has this member voted online at this meeting before (the online turnout counts each member once)?
        if (command.Channel == BallotChannel.Online && !string.IsNullOrWhiteSpace(command.MemberNumber)
            && MemberRules.NormaliseNumber(command.MemberNumber) is var voter
            && await state.CountAsync(AlvFacts.OnlineMark, AlvFacts.PresentTag(meetingId, voter)) > 0)
            book = book with { OnlineVoters = book.OnlineVoters.Add(AlvFacts.PresentTag(meetingId, voter)) };
        var outcome = AlvRules.CastBallot(Record, meetingId, proposalId, command, eligibility, book, Today, actor, clock.GetCurrentInstant(), byBoard);
        if (await Commit(outcome, actor) is { } refusal) return refusal;
        var cast = outcome.Value!.Cast!;
        return Outcome<CastResult>.Ok(cast with { Proposal = ProposalOf(meetingId, proposalId) });
    }

    public async Task<Outcome<Proposal>> RecordTally(string meetingId, string proposalId, RecordTally command, string actor)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var numbers = AlvRules.NumbersIn(command);
        var book = BallotBook.Empty;
        if (numbers.Length <= 2 * AlvRules.MaxAttendance && meeting.Proposals.FirstOrDefault(p => p.Id == proposalId) is { Closed: null } proposal)
        {
            var recount = AlvRules.IsSameMeetingCorrection(proposal, meetingId);
            foreach (var n in numbers) book = await WithMember(book, meetingId, proposalId, n, present: recount);
            book = await WithGiverMarks(book, meetingId, proposalId, numbers);
            if (proposal.Count.Ballots > 0) book = await WithBallots(book, meetingId, proposalId);
            book = await WithRecountBase(book, meeting, proposalId);
        }
        // As Cast: the givers of the proxies the holders already carry too, so a dead proxy takes no slot (review R5).
        var eligibility = await Register.Eligibility(WithGivers(numbers, book, meetingId, proposalId), meeting.Date);
        return await Commit(AlvRules.RecordTally(Record, meetingId, proposalId, command, eligibility, book, Today, actor, clock.GetCurrentInstant()), actor) is { } refusal
            ? refusal
            : Outcome<Proposal>.Ok(ProposalOf(meetingId, proposalId));
    }

    public async Task<Outcome<Proposal>> Close(string meetingId, string proposalId, string actor)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var electorate = await Register.Electorate(meeting.Date);
        var book = BallotBook.Empty;
        EligibilityCheck? eligibility = null;
        // Closing recounts once: every ballot (receipts to publish; who may vote on the meeting date), the tally's
        // list and the attendance list, checked against the register on the meeting date (review3 F3).
        if (meeting.Proposals.FirstOrDefault(p => p.Id == proposalId) is { Closed: null } proposal)
        {
            book = await WithBallots(book, meetingId, proposalId);
            book = await WithTally(book, meetingId, proposal);
            var attendance = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Attendance, meetingId));
            var present = attendance.Select(r => AlvFacts.Read<AttendanceFact>(r.Payload).MemberNumber).ToList();
            book = book with { Present = book.Present.Union(present.Select(n => AlvFacts.PresentTag(meetingId, n))) };
            var tally = book.TallyOf(meetingId, proposalId);
            var numbers = book.BallotsOf(meetingId, proposalId).SelectMany(b => new[] { b.MemberNumber, b.ProxyHolder })
                .Concat(present)
                .Concat(tally is null ? [] : tally.Present.Concat(tally.Proxies.SelectMany(p => new[] { p.Member, p.Holder })))
                .OfType<string>().Distinct().ToImmutableArray();
            eligibility = await Register.Eligibility(numbers, meeting.Date);
        }
        var refusal = await Commit(AlvRules.Close(Record, meetingId, proposalId, electorate, book, Today, actor, clock.GetCurrentInstant(), eligibility), actor);
        if (refusal is not null) return refusal;
        var closedProposal = ProposalOf(meetingId, proposalId);
        // A realisatiebesluit moves a gate: let the project's alerts look again.
        if (closedProposal.ProjectId is { } projectId) await Alerts.ProjectChanged.Raise(GrainFactory, projectId);
        return Outcome<Proposal>.Ok(closedProposal);
    }

    /// <summary>The proposal's current paper count (its latest <c>tally</c> row), when one was entered.</summary>
    private async Task<BallotBook> WithTally(BallotBook book, string meetingId, Proposal proposal)
    {
        if (proposal.Count.Tally is null) return book;
        var rows = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Tally, AlvFacts.Tag(meetingId, proposal.Id), NewestFirst: true, Take: 1));
        return rows.Count == 0 ? book : book with { Tallies = book.Tallies.SetItem(AlvFacts.Tag(meetingId, proposal.Id), AlvFacts.Read<TallyFact>(rows[0].Payload).Tally) };
    }

    /// <summary>
    /// The members a command names plus the givers of the proxies they carry on the proposal (whose eligibility decides the
    /// slots taken) and the proxy holders of their earlier votes (a vote through a holder who may not vote leaves the giver free: tester4 T1).
    /// </summary>
    private static ImmutableArray<string> WithGivers(ImmutableArray<string> numbers, BallotBook book, string meetingId, string proposalId) =>
        [.. numbers.Concat(numbers.SelectMany(n => book.ProxiesOf(meetingId, proposalId, n).Select(p => p.Member)))
            .Concat(numbers.Select(n => book.Voter(meetingId, proposalId, n)?.ProxyHolder).OfType<string>()).Distinct()];

    public async Task<(int Voters, int VotesCast)> OnlineTurnout(string meetingId, ImmutableArray<string> notEligible)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return (0, 0);
        var refused = notEligible.ToHashSet(StringComparer.Ordinal);
        var counted = await CountedNow(meeting, refused);
        // Whose online votes may all not count: members not eligible on the meeting date, and the givers whose proxy vote went through one.
        var suspects = new HashSet<string>(refused, StringComparer.Ordinal);
        var proposals = meeting.Proposals.Where(p => !AlvRules.IsSameMeetingCorrection(p, meetingId)).ToList();
        foreach (var n in refused)
            foreach (var p in proposals)
                foreach (var row in await state.ReadAsync(new Journal.JournalQuery(AlvFacts.ProxyMark, AlvFacts.Tag(meetingId, p.Id, n), Take: 101)))
                    suspects.Add(AlvFacts.Read<ProxyMarkFact>(row.Payload).Member);
        // And the givers who withdrew a proxy vote that did not count: it stays out also when its holder is rejoined (tester5 T1).
        foreach (var p in proposals)
            foreach (var row in await state.ReadAsync(new Journal.JournalQuery(AlvFacts.ProxyWithdrawn, AlvFacts.Tag(meetingId, p.Id))))
                suspects.Add(AlvFacts.Read<ProxyWithdrawnFact>(row.Payload).Member);
        var book = BallotBook.Empty;
        foreach (var n in suspects)
        {
            if (await state.CountAsync(AlvFacts.OnlineMark, AlvFacts.PresentTag(meetingId, n)) == 0) continue;
            book = book with { OnlineVoters = book.OnlineVoters.Add(AlvFacts.PresentTag(meetingId, n)) };
            foreach (var p in proposals) book = await WithMember(book, meetingId, p.Id, n, present: false, proxies: false);
        }
        // Closes stored before release b677193 lowered the stored figure themselves (AlvRules.OnlineTurnout): only when such a
        // member is in question, the meeting's online marks are counted, which say how much they lowered it.
        int? onlineMarks = null;
        if (suspects.Any(n => book.VotedOnline(meetingId, n) && AlvRules.OldCloseLowered(meeting, proposals, book, n, x => !refused.Contains(x))))
            // Counted in the database by the tag index (tag "meeting/member"), not every meeting's marks read.
            onlineMarks = (int)await state.CountByTagPrefixAsync(AlvFacts.OnlineMark, meetingId + "/");
        return AlvRules.OnlineTurnout(counted, book, suspects, n => !refused.Contains(n), onlineMarks);
    }

    public async Task<ImmutableArray<Meeting>> CountedMeetings(string? meetingId)
    {
        await state.EnsureLoadedAsync();
        var meetings = Record.Meetings.Where(m => meetingId is null || m.Id == meetingId).ToList();
        if (meetings.All(m => m.Proposals.All(p => p.Closed is not null))) return [.. meetings];
        var members = await Register.Members();
        var result = ImmutableArray.CreateBuilder<Meeting>();
        foreach (var m in meetings)
            result.Add(await CountedNow(m, members.Where(x => !x.MayVoteOn(m.Date)).Select(x => x.Number).ToHashSet(StringComparer.Ordinal)));
        return result.ToImmutable();
    }

    /// <summary>
    /// The meeting with its open proposals counted as closing would count them now (tester4 T5; <see cref="AlvRules.CountedNow"/>).
    /// Only a proposal a member in <paramref name="notEligible"/> touches (a vote, a proxy exercised, the attendance list), or with a
    /// superseded proxy vote, is recounted from its ballot rows; the others are as recorded (indexed lookups only).
    /// </summary>
    private async Task<Meeting> CountedNow(Meeting meeting, IReadOnlySet<string> notEligible)
    {
        if (meeting.Proposals.All(p => p.Closed is not null)) return meeting;
        var anyPresent = false;
        foreach (var n in notEligible)
            if (await state.CountAsync(AlvFacts.PresentMark, AlvFacts.PresentTag(meeting.Id, n)) > 0) { anyPresent = true; break; }
        ImmutableHashSet<string>? attendance = null;
        var proposals = ImmutableArray.CreateBuilder<Proposal>();
        foreach (var p in meeting.Proposals)
        {
            var affected = p.Closed is null && (anyPresent || p.Count.Superseded > 0);
            if (p.Closed is null && !affected)
                foreach (var n in notEligible)
                {
                    var tag = AlvFacts.Tag(meeting.Id, p.Id, n);
                    if (await state.CountAsync(AlvFacts.VoterMark, tag) > 0 || await state.CountAsync(AlvFacts.ProxyMark, tag) > 0) { affected = true; break; }
                }
            if (!affected) { proposals.Add(p); continue; }
            var book = p.Count.Ballots > 0 ? await WithBallots(BallotBook.Empty, meeting.Id, p.Id) : BallotBook.Empty;
            book = await WithTally(book, meeting.Id, p);
            attendance ??= [.. (await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Attendance, meeting.Id)))
                .Select(r => AlvFacts.PresentTag(meeting.Id, AlvFacts.Read<AttendanceFact>(r.Payload).MemberNumber))];
            book = book with { Present = attendance };
            var tally = book.TallyOf(meeting.Id, p.Id);
            var numbers = book.BallotsOf(meeting.Id, p.Id).SelectMany(b => new[] { b.MemberNumber, b.ProxyHolder })
                .Concat(attendance.Select(t => t[(meeting.Id.Length + 1)..]))
                .Concat(tally is null ? [] : tally.Present.Concat(tally.Proxies.SelectMany(x => new[] { x.Member, x.Holder })))
                .OfType<string>().Distinct().ToImmutableArray();
            var eligibility = await Register.Eligibility(numbers, meeting.Date);
            proposals.Add(p with { Count = AlvRules.CountedNow(meeting, p, book, eligibility) });
        }
        return meeting with { Proposals = proposals.ToImmutable() };
    }

    /// <summary>For a recount (a same-meeting correction): who voted on the decision it corrects, its tally and ballots.</summary>
    private async Task<BallotBook> WithRecountBase(BallotBook book, Meeting meeting, string proposalId)
    {
        if (meeting.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { Closed: null } proposal || !AlvRules.IsSameMeetingCorrection(proposal, meeting.Id)) return book;
        if (meeting.Proposals.FirstOrDefault(p => p.Id == proposal.Corrects!.Split('/')[1]) is not { } target) return book;
        book = await WithTally(book, meeting.Id, target);
        return target.Count.Ballots > 0 ? await WithBallots(book, meeting.Id, target.Id) : book;
    }

    public async Task<ReceiptCheck?> CheckReceipt(string meetingId, string proposalId, string receipt)
    {
        if (await Receipts(meetingId, proposalId) is not { } published || string.IsNullOrWhiteSpace(receipt)) return null;
        var code = receipt.Trim();
        VoteChoice? choice = published.Voor.Contains(code) ? VoteChoice.Voor
            : published.Tegen.Contains(code) ? VoteChoice.Tegen
            : published.Onthouding.Contains(code) ? VoteChoice.Onthouding : null;
        return choice is { } c ? new ReceiptCheck { MeetingId = meetingId, ProposalId = proposalId, Receipt = code, Choice = c } : null;
    }

    public async Task<PublishedReceipts?> Receipts(string meetingId, string proposalId)
    {
        if (AlvRules.Find(Record, meetingId)?.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { Closed: not null }) return null;
        var rows = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Receipts, AlvFacts.Tag(meetingId, proposalId), NewestFirst: true, Take: 1));
        var fact = rows.Count == 0 ? new ReceiptsFact([], [], []) : AlvFacts.Read<ReceiptsFact>(rows[0].Payload);
        return new PublishedReceipts { MeetingId = meetingId, ProposalId = proposalId, Voor = fact.Voor, Tegen = fact.Tegen, Onthouding = fact.Onthouding };
    }

    public async Task<Turnout?> Turnout(string meetingId, string proposalId)
    {
        // As closing will count it (tester4 T5): the same figures as the meeting view and the online status.
        var meeting = (await CountedMeetings(meetingId)).FirstOrDefault();
        return meeting?.Proposals.FirstOrDefault(p => p.Id == proposalId) is { } p
            ? new Turnout
            {
                Ballots = p.Count.Ballots, Online = p.Count.Online, AtMeeting = p.Count.AtMeeting, ByProxy = p.Count.ByProxy,
                TallyRecorded = p.Count.Tally is not null, PresentOrRepresented = AlvRules.PresentOrRepresented(meeting, p),
            }
            : null;
    }

    public async Task<VoteMark?> VotedBy(string meetingId, string proposalId, string memberNumber)
    {
        if (AlvRules.Find(Record, meetingId)?.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { } proposal) return null;
        var book = await WithMember(BallotBook.Empty, meetingId, proposalId, MemberRules.NormaliseNumber(memberNumber), present: false, proxies: false);
        if (AlvRules.CurrentMark(proposal, book.Voter(meetingId, proposalId, MemberRules.NormaliseNumber(memberNumber))) is not { } mark) return null;
        // A vote through a holder who may not vote on the meeting date does not count and leaves the member free (tester4 T1).
        // A withdrawn one never counts again, whatever the holder's register says now (tester5 T1).
        string? dead = null;
        if (proposal.Closed is null && mark is { ProxyHolder: { } holder, LeftOut: null })
            dead = mark.Withdrawn ? ProxyVotes.WithdrawnWhy
                : (await Register.Eligibility([holder], AlvRules.Find(Record, meetingId)!.Date)).Refused.TryGetValue(holder, out var why) ? why.TrimEnd('.') : null;
        var secret = proposal.Rules?.Secret ?? Record.EffectiveStatutes.Electronic.IsSecret(proposal.DecisionType);
        return new VoteMark { Channel = mark.Channel, ProxyHolder = mark.ProxyHolder, LeftOut = mark.LeftOut, DeadProxy = dead, DeadProxySecret = dead is not null && secret };
    }

    public async Task<CountedBallot?> CountedOnline(string meetingId, string proposalId, string voter, string? holder, VoteChoice choice, string receipt)
    {
        if (AlvRules.Find(Record, meetingId) is not { } meeting || meeting.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { } proposal) return null;
        var number = MemberRules.NormaliseNumber(voter);
        var book = await WithMember(BallotBook.Empty, meetingId, proposalId, number, present: false, proxies: false);
        // The member's current mark: a vote left out at closing or withdrawn has a newer mark saying so, and is no counted vote.
        if (AlvRules.CurrentMark(proposal, book.Voter(meetingId, proposalId, number)) is not { Channel: BallotChannel.Online, LeftOut: null, Withdrawn: false } mark
            || mark.ProxyHolder != holder) return null;
        if (proposal.Closed is not null)
            return await CheckReceipt(meetingId, proposalId, receipt) is { } check && check.Choice == choice ? new CountedBallot(mark.At) : null;
        if (!AlvRules.IsRepeat(proposal, mark, BallotChannel.Online, choice, holder, receipt, proposal.Rules?.Secret ?? Record.EffectiveStatutes.Electronic.IsSecret(proposal.DecisionType))) return null;
        // A vote through a holder who may not vote on the meeting date does not count (tester4 T1).
        if (holder is not null && (await Register.Eligibility([holder], meeting.Date)).Refused.ContainsKey(holder)) return null;
        return new CountedBallot(mark.At);
    }

    public async Task<ImmutableArray<HeldProxyVote>> ProxyVotesHeldBy(string meetingId, string holder)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return [];
        var number = MemberRules.NormaliseNumber(holder);
        var held = ImmutableArray.CreateBuilder<HeldProxyVote>();
        foreach (var p in meeting.Proposals.Where(p => p.Closed is null))
        {
            // Ballots through the holder: the proxy marks on the holder, each giver's vote still the one through them.
            var book = await WithMember(BallotBook.Empty, meetingId, p.Id, number, present: false);
            book = await WithGiverMarks(book, meetingId, p.Id, [number]);
            foreach (var giver in book.ProxiesOf(meetingId, p.Id, number).Select(x => x.Member).Distinct())
                if (AlvRules.CurrentMark(p, book.Voter(meetingId, p.Id, giver)) is { Withdrawn: false } mark && mark.ProxyHolder == number)
                    held.Add(new HeldProxyVote(p.Id, giver, mark.Channel));
            // The paper tally's proxies: the tally marks only the givers, so its list is read.
            if (p.Count.Tally is not null && await TallyOf(meetingId, p.Id) is { } tally)
                foreach (var x in tally.Proxies.Where(x => x.Holder == number && !held.Any(h => h.ProposalId == p.Id && h.Giver == x.Member)))
                    held.Add(new HeldProxyVote(p.Id, x.Member, BallotChannel.Tally));
        }
        return held.ToImmutable();
    }

    public async Task<ImmutableArray<CountedAtClose>> CountedAtClosedMeetings(string member, LocalDate from)
    {
        await state.EnsureLoadedAsync();
        var number = MemberRules.NormaliseNumber(member);
        var counted = ImmutableArray.CreateBuilder<CountedAtClose>();
        foreach (var meeting in Record.Meetings.Where(m => m.Date >= from && m.Proposals.Any(p => p.Closed is not null)))
        {
            var voted = false;
            foreach (var p in meeting.Proposals.Where(p => p.Closed is not null))
            {
                // The close wrote a mark with LeftOut for every ballot it left out, so a current mark without it is one that counted.
                var book = await WithMember(BallotBook.Empty, meeting.Id, p.Id, number, present: false);
                if (AlvRules.CurrentMark(p, book.Voter(meeting.Id, p.Id, number)) is { LeftOut: null, Withdrawn: false } own)
                {
                    counted.Add(new CountedAtClose(meeting.Id, p.Id, CountedAs.Voted, own.Channel, own.ProxyHolder));
                    voted = true;
                }
                foreach (var giver in book.ProxiesOf(meeting.Id, p.Id, number).Select(x => x.Member).Distinct())
                {
                    var marks = await WithMember(BallotBook.Empty, meeting.Id, p.Id, giver, present: false, proxies: false);
                    if (AlvRules.CurrentMark(p, marks.Voter(meeting.Id, p.Id, giver)) is { LeftOut: null, Withdrawn: false } mark && mark.ProxyHolder == number)
                    {
                        counted.Add(new CountedAtClose(meeting.Id, p.Id, CountedAs.ProxyHolder, mark.Channel, giver));
                        voted = true;
                    }
                }
                // The paper tally marks only its list and the givers; its holders are in the tally row.
                if (p.Count.Tally is not null && await TallyOf(meeting.Id, p.Id) is { } tally)
                    foreach (var x in tally.Proxies.Where(x => x.Holder == number && !counted.Any(c => c.MeetingId == meeting.Id && c.ProposalId == p.Id && c.Other == x.Member)))
                    {
                        counted.Add(new CountedAtClose(meeting.Id, p.Id, CountedAs.ProxyHolder, BallotChannel.Tally, x.Member));
                        voted = true;
                    }
            }
            if (!voted && await state.CountAsync(AlvFacts.PresentMark, AlvFacts.PresentTag(meeting.Id, number)) > 0)
                counted.Add(new CountedAtClose(meeting.Id, meeting.Proposals.First(p => p.Closed is not null).Id, CountedAs.Present));
        }
        return counted.ToImmutable();
    }

    public async Task<BallotPage?> Ballots(string meetingId, string proposalId, int page, int pageSize)
    {
        if (AlvRules.Find(Record, meetingId)?.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { } proposal) return null;
        var tag = AlvFacts.Tag(meetingId, proposalId);
        var total = await state.CountAsync(AlvFacts.Ballot, tag);
        var rows = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Ballot, tag, Skip: (long)(page - 1) * pageSize, Take: pageSize));
        // Sealed until closed: nobody sees a choice while the proposal is open (a secret ballot's rows have none).
        var sealedNow = proposal.Closed is null;
        return new BallotPage
        {
            Page = page, PageSize = pageSize, Total = total,
            Items = [.. rows.Select(r => AlvFacts.Read<BallotFact>(r.Payload)).Select(b => new BallotLine
            {
                MemberNumber = b.MemberNumber, Choice = sealedNow ? null : b.Choice, ProxyHolder = b.ProxyHolder, Weight = b.Weight,
                Channel = b.Channel, RecordedBy = b.RecordedBy, RecordedAt = b.RecordedAt,
            })],
        };
    }

    public async Task<AttendancePage?> Attendance(string meetingId, int page, int pageSize)
    {
        if (AlvRules.Find(Record, meetingId) is null) return null;
        var total = await state.CountAsync(AlvFacts.Attendance, meetingId);
        var rows = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Attendance, meetingId, Skip: (long)(page - 1) * pageSize, Take: pageSize));
        return new AttendancePage { Page = page, PageSize = pageSize, Total = total, Items = [.. rows.Select(r => AlvFacts.Read<AttendanceFact>(r.Payload).MemberNumber)] };
    }

    public async Task<Tally?> TallyOf(string meetingId, string proposalId)
    {
        if (AlvRules.Find(Record, meetingId)?.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { Count.Tally: not null }) return null;
        var rows = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Tally, AlvFacts.Tag(meetingId, proposalId), NewestFirst: true, Take: 1));
        return rows.Count == 0 ? null : AlvFacts.Read<TallyFact>(rows[0].Payload).Tally;
    }

    /// <summary>The journal's answers about one member: vote mark, proxies carried, attendance (one indexed lookup each).</summary>
    private async Task<BallotBook> WithMember(BallotBook book, string meetingId, string proposalId, string member, bool present = true, bool proxies = true)
    {
        var tag = AlvFacts.Tag(meetingId, proposalId, member);
        var marks = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.VoterMark, tag, NewestFirst: true, Take: 1));
        if (marks.Count > 0) book = book with { Voters = book.Voters.SetItem(tag, AlvFacts.Read<VoterMarkFact>(marks[0].Payload) with { At = marks[0].At }) };
        if (proxies)
        {
            var carried = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.ProxyMark, tag, Take: 101));
            if (carried.Count > 0) book = book with { Proxies = book.Proxies.SetItem(tag, [.. carried.Select(r => AlvFacts.Read<ProxyMarkFact>(r.Payload))]) };
        }
        if (present && await state.CountAsync(AlvFacts.PresentMark, AlvFacts.PresentTag(meetingId, member)) > 0)
            book = book with { Present = book.Present.Add(AlvFacts.PresentTag(meetingId, member)) };
        return book;
    }

    /// <summary>Every ballot row of a proposal: only for the rare commands that recount (attendance, tally, closing with receipts), with the withdrawn proxy votes among them.</summary>
    private async Task<BallotBook> WithBallots(BallotBook book, string meetingId, string proposalId)
    {
        var tag = AlvFacts.Tag(meetingId, proposalId);
        var rows = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.Ballot, tag));
        var withdrawn = await state.ReadAsync(new Journal.JournalQuery(AlvFacts.ProxyWithdrawn, tag));
        return book with
        {
            Ballots = book.Ballots.SetItem(tag, [.. rows.Select(r => AlvFacts.Read<BallotFact>(r.Payload))]),
            Withdrawn = withdrawn.Count == 0 ? book.Withdrawn : book.Withdrawn.SetItem(tag, [.. withdrawn.Select(r => AlvFacts.Read<ProxyWithdrawnFact>(r.Payload))]),
        };
    }

    /// <summary>
    /// The vote marks of the givers whose proxies the named members carry on the proposal: a proxy takes a slot only while the
    /// giver's counting vote is the one through that holder (<see cref="AlvRules.ProxiesCarried"/>; one indexed lookup per giver).
    /// </summary>
    private async Task<BallotBook> WithGiverMarks(BallotBook book, string meetingId, string proposalId, ImmutableArray<string> numbers)
    {
        foreach (var giver in numbers.SelectMany(n => book.ProxiesOf(meetingId, proposalId, n).Select(p => p.Member)).Distinct().ToList())
            if (book.Voter(meetingId, proposalId, giver) is null) book = await WithMember(book, meetingId, proposalId, giver, present: false, proxies: false);
        return book;
    }

    public async Task<Outcome<Meeting>> WithdrawProxyVotes(string meetingId, string giver, ImmutableArray<ProxyWithdrawal> changes, string actor)
    {
        await state.EnsureLoadedAsync();
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var number = MemberRules.NormaliseNumber(giver);
        var book = BallotBook.Empty;
        foreach (var c in changes) book = await WithMember(book, meetingId, c.ProposalId, number, present: false, proxies: false);
        var holders = changes.Select(c => book.Voter(meetingId, c.ProposalId, number)?.ProxyHolder).Concat(changes.Select(c => c.Holder)).OfType<string>();
        var eligibility = await Register.Eligibility([.. holders.Append(number).Distinct()], meeting.Date);
        var outcome = AlvRules.WithdrawProxyVotes(Record, meetingId, number, changes, eligibility, book, actor, clock.GetCurrentInstant());
        if (outcome.IsOk && outcome.Value!.Facts.IsEmpty) return Outcome<Meeting>.Ok(meeting);
        return await Commit(outcome, actor) is { } refusal ? refusal : Outcome<Meeting>.Ok(AlvRules.Find(Record, meetingId)!);
    }

    public Task<DecisionStatus?> DecisionFor(string projectId, DecisionType type) =>
        Task.FromResult(AlvRules.DecisionFor(Record, projectId, type));

    public async Task<long> JournalVersion()
    {
        await state.EnsureLoadedAsync();
        return state.Version;
    }

    public Task<DecisionNowAndOn> DecisionNowAndOn(string projectId, DecisionType type, LocalDate asOf) =>
        Task.FromResult(new DecisionNowAndOn(AlvRules.DecisionFor(Record, projectId, type), AlvRules.DecisionFor(Record, projectId, type, asOf)));

    public Task<AuditPage> GetAudit(int page, int pageSize) => state.AuditPageAsync(page, pageSize);

    /// <summary>A refusal when a proposal names a project that does not exist or belongs to another cooperative.</summary>
    private async Task<Refusal?> ForeignProjects(IReadOnlyList<ProposalInput?> proposals, string? path)
    {
        var v = new Validation();
        for (var i = 0; i < proposals.Count; i++)
        {
            if (proposals[i]?.ProjectId is not { } projectId || !Slug.IsValid(projectId)) continue;
            var owner = await GrainFactory.GetGrain<Projects.IProjectGrain>(projectId).CooperativeId();
            if (owner != CooperativeId)
                v.Add(path is null ? "projectId" : $"{path}[{i}].projectId",
                    owner is null ? $"project '{projectId}' bestaat niet." : $"project '{projectId}' hoort bij coöperatie '{owner}', niet bij '{CooperativeId}'.");
        }
        return v.HasErrors ? v.ToRefusal() : null;
    }

    private Proposal ProposalOf(string meetingId, string proposalId) =>
        AlvRules.Find(Record, meetingId)!.Proposals.First(p => p.Id == proposalId);

    // The rules start from Empty when nothing is stored: Empty given back unchanged stores nothing.
    private Task<Refusal?> Apply(Outcome<Change<AlvRecord>> outcome, string actor) =>
        state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle, unchanged: AlvRecord.Empty);

    /// <summary>
    /// As <see cref="Apply"/>, with the rule's journal facts (ballots, tally, attendance, marks) in the
    /// same transaction as the snapshot and its audit row. A refusal or an unchanged record stores nothing.
    /// </summary>
    private async Task<Refusal?> Commit(Outcome<AlvChange> outcome, string actor)
    {
        if (!outcome.IsOk) return outcome.Refusal;
        var change = outcome.Value!;
        if (change.Facts.IsEmpty) return await Apply(Outcome<Change<AlvRecord>>.Ok(change.Change), actor);
        if (ReferenceEquals(state.State.Record ?? AlvRecord.Empty, change.Record)) return null;
        if (!state.IsLoaded)
        {
            DeactivateOnIdle();
            throw new Orleans.Storage.InconsistentStateException($"alv/{CooperativeId}: state not loaded after a failed write; retry.");
        }
        var now = clock.GetCurrentInstant();
        var audit = RecordStateExtensions.AuditEntryOf(null, new AuditEntry(now, actor, change.Change.Action, change.Change.Summary));
        try
        {
            await state.CommitAsync(state.State with { Record = change.Record, LastChangeAt = now }, [audit, .. change.Facts], now);
        }
        catch
        {
            if (!state.IsLoaded) DeactivateOnIdle();
            throw;
        }
        return null;
    }
}
