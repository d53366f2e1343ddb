using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Orleans.Concurrency;
using Orleans.Runtime;
using Warmte.Alv;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Members;

namespace Warmte.Voting;

/// <summary>
/// Online voting for one meeting (key "{cooperativeId}/{meetingId}"). The board opens it, issues
/// codes and closes it; members resolve a code (by its hash) and cast votes, which go to the ALV
/// grain as ballots: one vote per member per proposal, counting and sealing stay there.
/// </summary>
public interface IOnlineVotingGrain : IGrainWithStringKey
{
    /// <summary>
    /// The board's status. Interleaves (it does not wait behind members' votes, which await the ALV):
    /// it reads this grain's snapshot once, an immutable record replaced only after its commit, and
    /// writes no field of the grain (no load, no cache), so nothing it sees is half-changed; the
    /// turnout comes from the ALV's interleaving <see cref="IAlvGrain.Meeting"/>.
    /// </summary>
    [AlwaysInterleave]
    Task<OnlineVotingView?> View();

    Task<Outcome<OnlineVotingView>> Open(OpenOnlineVoting command, string actor);

    /// <summary>
    /// Whether a voting code was ever issued for the meeting (the ALV refuses to move or remove it then: members hold
    /// a letter or mail for it; a voting only planned does not block, tester5 T6). Interleaves, writes nothing and
    /// calls no other grain: the ALV grain asks it while busy with its own command.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> CodesIssued();

    /// <summary>
    /// After the ALV corrected or removed the meeting: called by the ALV grain for each meeting on its outbox
    /// (<see cref="AlvRecord.OnlineFollowUps"/>), after the commit that put it there, again after a failure or a crash.
    /// Applies <see cref="OnlineVotingRules.AfterMeetingChange"/> to the meeting as the ALV holds it now, so a second run
    /// changes nothing. Reads the ALV only through its interleaving reads (<see cref="IAlvGrain.Meeting"/>,
    /// <see cref="IAlvGrain.Statutes"/>): the ALV waits for this call. Answers one Dutch sentence when it changed anything.
    /// </summary>
    Task<string?> MeetingChanged(string actor);

    /// <summary><see cref="MeetingChanged"/> sent by the ALV grain's retry (its timer or reminder), which does not wait for it.</summary>
    [OneWay]
    Task FollowMeeting(string actor);

    /// <summary>
    /// New codes in plain text, for this answer only; earlier codes of the same members stop working. The audit line names
    /// <paramref name="channel"/> (download or letter), so a mailing stays distinguishable (tester10 T7).
    /// </summary>
    Task<Outcome<IssuedCodes>> Issue(IssueCodes command, string actor, IssueChannel channel);

    /// <summary>
    /// Codes made for the members <paramref name="command"/> names (the same checks as <see cref="Issue"/>) but not yet
    /// valid: nothing is stored and every earlier code still works. The mail path (silo only, never over HTTP) sends
    /// them first and then makes valid only the ones that went out (<see cref="IssueSent"/>), so a member is never
    /// left with a dead code and no new one (tester5 T4).
    /// </summary>
    Task<Outcome<IssuedCodes>> PrepareCodes(IssueCodes command);

    /// <summary>
    /// Makes these prepared codes valid, each for its member (their earlier code stops working); other members keep theirs.
    /// Answers how many were made valid.
    /// </summary>
    Task<Outcome<int>> IssueSent(ImmutableArray<IssuedCode> codes, string actor);

    /// <summary>
    /// <see cref="PrepareCodes"/> for a mail sent with an <c>Idempotency-Key</c> (<see cref="VotingMailRetry"/>): the key
    /// is looked up first, since the mail cannot be taken back. Stored → its answer, nothing prepared; still being sent by
    /// a running silo → 409 <c>mail-in-progress</c>; interrupted (that silo is gone) → 409 <c>mail-interrupted</c> unless
    /// <see cref="IssueCodes.RestartInterrupted"/> (then mailed again, and the audit says so); another request under the
    /// key → 409 <c>idempotency-key-reused</c>. Otherwise the codes, and a durable mark (<see cref="IVotingMailings"/>) says
    /// that <paramref name="silo"/> (the Orleans address of the silo that mails) is mailing, under a new run id
    /// (<see cref="PreparedMail.Run"/>), until <see cref="IssueMailed"/> or <see cref="MailEnded"/> with that run id.
    /// </summary>
    Task<Outcome<PreparedMail>> PrepareMail(IssueCodes command, string key, string actor, string silo);

    /// <summary>
    /// <see cref="IssueSent"/> with the key: the codes become valid and the key's row, with <paramref name="answer"/> (the
    /// endpoint's answer, which holds no code), is written in the same commit. Answers the answer to give: this one, or
    /// the stored one when another try committed the key first. <paramref name="run"/>: the run id from
    /// <see cref="PrepareMail"/>, whose mark it removes (only that run's).
    /// </summary>
    Task<Outcome<string>> IssueMailed(ImmutableArray<IssuedCode> codes, string actor, string key, string fingerprint, string answer, string run);

    /// <summary>
    /// A keyed mail that ended without <see cref="IssueMailed"/> (server unreachable, a failure): the key is free again, and
    /// the trail says the mailing was not completed and why (<paramref name="why"/>, Dutch), after its start line. Only the
    /// mark of <paramref name="run"/> is removed: a restart under the same key keeps its own.
    /// </summary>
    Task MailEnded(string key, string run, string actor, string why);

    /// <summary>
    /// The online-voting trail (opened, codes issued per channel, mailings started, restarted, ended, proxies, closed), newest
    /// first. <paramref name="withMembers"/>: the own board and admins; others get the same lines with counts instead of member numbers.
    /// </summary>
    Task<OnlineAuditPage> GetAudit(int page, int pageSize, bool withMembers);

    Task<Outcome<OnlineVotingView>> Close(string actor);

    /// <summary>
    /// The demo only (never reachable over HTTP): gives one member a code printed in the README, so
    /// a new user can try the member page. Refused unless the cooperative is the demo's.
    /// </summary>
    Task<Outcome<IssuedCodes>> IssueDemoCode(string memberNumber, string code, string actor);

    /// <summary>The ballot paper of the member whose code has this hash; <see cref="OnlineVotingGrain.UnknownCode"/> when it is not valid now.</summary>
    Task<Outcome<BallotPaper>> Paper(string codeHash);

    Task<Outcome<VoteReceipt>> Cast(string codeHash, CastOnline command);

    /// <summary>The member with this code gives a proxy (volmacht) to another member for chosen proposals; answers the updated ballot paper.</summary>
    Task<Outcome<BallotPaper>> GiveProxy(string codeHash, GiveProxy command);

    /// <summary>Withdraws proxies the holder has not used yet; answers the updated ballot paper.</summary>
    Task<Outcome<BallotPaper>> WithdrawProxy(string codeHash, WithdrawProxy command);

    /// <summary>
    /// The open proposals on which <paramref name="holder"/> voted online for another member with a proxy, as
    /// (giver, proposal id): what writing the holder out takes out of the count (tester5 T10h). Reads only.
    /// </summary>
    Task<ImmutableArray<ProxyVoteCast>> ProxyVotesCastBy(string holder);

    /// <summary>After closing: under which choice a receipt is counted, per online proposal of this meeting.</summary>
    Task<Outcome<ImmutableArray<ReceiptAnswer>>> CheckReceipt(string receipt);
}

/// <summary>Which meeting a code hash belongs to: one journal row per issued code, tagged with the hash (an index hit).</summary>
public interface IVotingCodeDirectoryGrain : IGrainWithStringKey
{
    Task Register(string votingKey, ImmutableArray<string> codeHashes);

    [AlwaysInterleave]
    Task<string?> Find(string codeHash);
}

public sealed class VotingCodeDirectoryState;

public sealed class VotingCodeDirectoryGrain(IJournalStore store, IClock clock) : Grain, IVotingCodeDirectoryGrain
{
    public const string JournalType = "voting-code-directory";

    /// <summary>The one directory (key).</summary>
    public const string Key = "all";

    private JournaledState<VotingCodeDirectoryState> _state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = new JournaledState<VotingCodeDirectoryState>(store, JournalType, this.GetPrimaryKeyString());
        await _state.LoadAsync();
    }

    public async Task Register(string votingKey, ImmutableArray<string> codeHashes)
    {
        await _state.EnsureLoadedAsync();
        var now = clock.GetCurrentInstant();
        await _state.CommitAsync(_state.State,
            [.. codeHashes.Select(h => JournaledState<VotingCodeDirectoryState>.Entry("code", h, now, null, new DirectoryRow(votingKey)))], now);
    }

    public async Task<string?> Find(string codeHash)
    {
        var rows = await _state.ReadAsync(new JournalQuery("code", codeHash, NewestFirst: true, Take: 1));
        return rows.Count == 0 ? null : JournaledState<VotingCodeDirectoryState>.Payload<DirectoryRow>(rows[0]).VotingKey;
    }

    private sealed record DirectoryRow(string VotingKey);
}

public sealed class OnlineVotingGrain(IJournalStore store, IClock clock, IVotingMailings mailings, IClusterMembershipService membership)
    : Grain, IOnlineVotingGrain
{
    public const string JournalType = "online-voting";

    /// <summary>The actor of a follow-up the ALV grain sent again itself (after a failure or a crash).</summary>
    public const string FollowUpActor = "alv-vervolg";

    /// <summary>The actor of ballots cast online (the ALV's audit and "voted via" show it).</summary>
    public const string OnlineActor = "online-stemming";

    /// <summary>
    /// The one answer for a code that does not exist, was replaced, has expired or belongs to a closed
    /// vote: the same code and text in every case, so a guesser learns nothing about which codes exist.
    /// </summary>
    public static readonly Refusal UnknownCode = new(RefusalKind.NotFound, "unknown-code",
        "Deze stemcode is niet (meer) geldig. Controleer de code in uw brief of e-mail; is de stemming gesloten, dan kunt u niet meer online stemmen.", []);

    private JournaledState<OnlineVotingState> _state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = new JournaledState<OnlineVotingState>(store, JournalType, this.GetPrimaryKeyString());
        await _state.LoadAsync();
    }

    private string CooperativeId => this.GetPrimaryKeyString().Split('/')[0];

    private string MeetingId => this.GetPrimaryKeyString().Split('/', 2)[1];

    private LocalDate Today => AmsterdamTime.Today(clock);

    private IAlvGrain Alv => GrainFactory.GetGrain<IAlvGrain>(CooperativeId);

    private IMemberRegisterGrain Register => GrainFactory.GetGrain<IMemberRegisterGrain>(CooperativeId);

    public async Task<OnlineVotingView?> View()
    {
        // No EnsureLoadedAsync here: this call interleaves, and a load would write the state's fields
        // while a write of this grain may be between its awaits. The snapshot loaded at activation (or
        // after the last commit) is the last committed one.
        if (_state.State.Voting is not { } voting) return null;
        return await ViewOf(voting);
    }

    /// <summary>
    /// The board's view. Turnout (voters, votes cast) is read from the ALV's aggregate, the one place
    /// that counts it: an online vote is one commit, the ALV's ballot, which moves these counts in the
    /// same transaction. This grain keeps no count of its own that a crash could leave behind.
    /// </summary>
    private async Task<OnlineVotingView> ViewOf(OnlineVoting voting)
    {
        var registerNow = await Register.Electorate(voting.MeetingDate);
        // Once its proposals are closed, the electorate their results were counted with (tester6 T5), the register's figure beside it when it moved since.
        var meeting = await Alv.Meeting(MeetingId);
        var onlineIds = voting.Proposals.Select(p => p.ProposalId).ToHashSet();
        var (electorate, electorateNow) = AlvRules.PanelElectorate(meeting?.Proposals.Where(p => onlineIds.Contains(p.Id)) ?? [], registerNow.Members);
        var turnout = await TurnoutAsClosingCounts(voting);
        return new()
        {
            CooperativeId = voting.CooperativeId, MeetingId = voting.MeetingId, Proposals = voting.Proposals, Opens = voting.Opens,
            MeetingDate = voting.MeetingDate, Status = OnlineVotingRules.Status(voting, Today), ClosedAt = voting.ClosedAt,
            CodesIssued = voting.CodesIssued, Voters = turnout.Voters, VotesCast = turnout.VotesCast, Electorate = electorate,
            ElectorateNow = electorateNow,
            QuorumNote = meeting is null ? null
                : RuleWarnings.OnlineQuorum(await Alv.Statutes(), meeting.Proposals.Where(p => onlineIds.Contains(p.Id)), CooperativeId),
        };
    }

    /// <summary>
    /// The turnout as closing will count it (tester T8.4): a member written out on or before the meeting date (or not
    /// eligible then for another reason) is not an online voter of this meeting, also before the proposals close.
    /// </summary>
    private async Task<(int Voters, int VotesCast)> TurnoutAsClosingCounts(OnlineVoting voting)
    {
        var notEligible = (await Register.Members()).Where(m => !m.MayVoteOn(voting.MeetingDate)).Select(m => m.Number).ToImmutableArray();
        return await Alv.OnlineTurnout(MeetingId, notEligible);
    }

    public async Task<bool> CodesIssued() =>
        _state.State.Voting is { } voting
        && (voting.CodesIssued > 0 || voting.Generation > 0 || (await _state.ReadAsync(new JournalQuery("code-of", Take: 1))).Count > 0);

    public async Task<string?> MeetingChanged(string actor)
    {
        await _state.EnsureLoadedAsync();
        var meeting = await Alv.Meeting(MeetingId);
        string? summary = null;
        if (_state.State.Voting is { } voting && (meeting is null || meeting.Date != voting.MeetingDate))
        {
            var window = meeting is null ? null : AlvRules.OnlineVotingWindow(await Alv.Statutes(), meeting);
            if (OnlineVotingRules.AfterMeetingChange(voting, meeting, window, await CodesIssued()) is { } followUp)
            {
                var now = clock.GetCurrentInstant();
                // An earlier sentence the ALV has not taken yet goes with this one (two corrections, the first report lost).
                var unreported = _state.State.UnreportedFollowUp is { } earlier ? $"{earlier} {followUp.Summary}" : followUp.Summary;
                await _state.CommitAsync(_state.State with { Voting = followUp.Next, UnreportedFollowUp = unreported },
                    [Audit(now, actor, followUp.Action, followUp.Summary)], now);
                summary = followUp.Summary;
            }
        }
        // Off the ALV's outbox only after this grain's commit; a crash before this line leaves it there, and the next run finds
        // nothing left to change but still reports what the first run did (UnreportedFollowUp), so the ALV's audit has the sentence.
        await Alv.OnlineFollowedUp(MeetingId, _state.State.UnreportedFollowUp, actor);
        if (_state.State.UnreportedFollowUp is not null)
            await _state.CommitAsync(_state.State with { UnreportedFollowUp = null }, [], clock.GetCurrentInstant());
        return summary;
    }

    public Task FollowMeeting(string actor) => MeetingChanged(actor);

    /// <summary>
    /// What is recorded online on a proposal, one Dutch phrase ("3 online stemmen, 1 volmacht"), or null: a re-open
    /// never takes such a proposal off the online vote (tester5 T3).
    /// </summary>
    private async Task<Func<string, string?>> OnlineRecords(Meeting meeting)
    {
        var book = await Proxies();
        return id =>
        {
            var proposal = meeting.Proposals.FirstOrDefault(p => p.Id == id);
            var votes = proposal is null ? 0 : Math.Max(proposal.Count.Online, proposal.Ballots.IsDefaultOrEmpty ? 0 : proposal.Ballots.Count(b => b.RecordedBy == OnlineActor));
            var proxies = book.ByGiver.Count(g => g.Value.ContainsKey(id));
            var parts = new List<string>();
            if (votes > 0) parts.Add($"{votes} online {DutchFormat.Noun(votes, "stem", "stemmen")}");
            if (proxies > 0) parts.Add($"{proxies} {DutchFormat.Noun(proxies, "volmacht", "volmachten")}");
            return parts.Count == 0 ? null : string.Join(", ", parts);
        };
    }

    public async Task<Outcome<OnlineVotingView>> Open(OpenOnlineVoting command, string actor)
    {
        await _state.EnsureLoadedAsync();
        if (await Alv.Meeting(MeetingId) is not { } meeting) return Refusal.NotFound("Vergadering", $"{CooperativeId}/{MeetingId}");
        var now = clock.GetCurrentInstant();
        // BW 2:38a: only where the statutes provide for electronic voting (the ALV's window rule). Shown on the dashboard
        // too: board words, the command named as such (tester9a T7, T10).
        if (AlvRules.OnlineVotingWindow(await Alv.Statutes(), meeting) is not { } window)
            return Refusal.Conflict("online-voting-off",
                $"De statuten staan elektronisch stemmen niet toe (BW 2:38a). Leg eerst in de besluitregels vast dat ze het wel toestaan, "
                + $"met het opdrachtregelprogramma: warmte alv statutes {CooperativeId} --online-voting ja.");
        if (command.Opens is { } opens && opens < window.Opens)
            return Refusal.Invalid("opens", $"mag niet eerder zijn dan {DutchFormat.Date(window.Opens)}: de 30e dag vóór de vergadering, en niet vóór de oproep (BW 2:38a).");
        var opened = OnlineVotingRules.Open(_state.State.Voting, CooperativeId, meeting, command, Today, actor, now,
            await OnlineRecords(meeting), await CodesIssued());
        if (!opened.IsOk) return opened.Refusal!;
        var voting = opened.Value!;
        await _state.CommitAsync(_state.State with { Voting = voting }, [Audit(now, actor, "online.opened",
            $"Online stemming voor '{MeetingId}' open van {DutchFormat.Date(voting.Opens)} tot en met de vergadering op {DutchFormat.Date(voting.MeetingDate)}: {string.Join(", ", voting.Proposals.Select(p => p.ProposalId))}.")], now);
        return Outcome<OnlineVotingView>.Ok(await ViewOf(voting));
    }

    public async Task<Outcome<IssuedCodes>> Issue(IssueCodes command, string actor, IssueChannel channel)
    {
        var prepared = await PrepareCodes(command);
        if (!prepared.IsOk) return prepared;
        await Commit(prepared.Value!.Codes, all: command.Members is not { Length: > 0 }, actor, channel);
        return prepared;
    }

    public async Task<Outcome<int>> IssueSent(ImmutableArray<IssuedCode> codes, string actor)
    {
        await _state.EnsureLoadedAsync();
        if (OnlineVotingRules.MayIssue(_state.State.Voting, Today, MeetingId) is { } refusal) return refusal;
        if (codes.Any(c => VotingCodes.ParseCode(c.Code) != c.Code)) return Refusal.Invalid("codes", "bevat iets dat geen stemcode is.");
        if (codes.IsEmpty) return Outcome<int>.Ok(0);
        await Commit(codes, all: false, actor, IssueChannel.Mailed);
        return Outcome<int>.Ok(codes.Length);
    }

    public async Task<Outcome<PreparedMail>> PrepareMail(IssueCodes command, string key, string actor, string silo)
    {
        await _state.EnsureLoadedAsync();
        var fingerprint = VotingMailRetry.Fingerprint(command);
        var now = clock.GetCurrentInstant();
        var mailing = await mailings.FindAsync(this.GetPrimaryKeyString(), key);
        // The stored key before the rules: a retry after the voting closed still gets the first answer.
        var before = VotingMailRetry.Before(fingerprint, mailing, mailing is not null && Runs(mailing, now), await _state.FindIdempotencyAsync(key), now,
            command.RestartInterrupted == true);
        if (!before.IsOk) return before.Refusal!;
        if (before.Value!.StoredAnswer is { } stored) return Outcome<PreparedMail>.Ok(new PreparedMail(fingerprint, null, stored));
        var prepared = await PrepareCodes(command);
        if (!prepared.IsOk) return prepared.Refusal!;
        // Only members with an address get a mail; they are the ones whose mailed code may never become valid.
        var withEmail = (await Register.Members()).Where(m => m.Email is not null).Select(m => m.Number).ToHashSet(StringComparer.Ordinal);
        var recipients = OnlineAudit.Members([.. prepared.Value!.Codes.Select(c => c.MemberNumber).Where(withEmail.Contains)]);
        // Before any mail goes out, so a mailing cut off by a crash still leaves a trace; how it ended follows as its own line.
        JournalAppend startLine;
        if (before.Value.Restarted is { } interrupted)
        {
            var started = interrupted.StartedAt.InZone(AmsterdamTime.Zone);
            var what = $"Onderbroken mailing van {DutchFormat.Date(started.Date)} {started.TimeOfDay.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)} "
                + $"(verzendsleutel '{key}'): wie toen al een mail kreeg, heeft een code die nooit geldig is geworden (hooguit ";
            const string then = "); hun eerdere code werkte nog. Nieuwe mailing met nieuwe codes gestart; of die is afgerond, zegt een volgende regel.";
            startLine = Audit(now, actor, "online.mail-restarted", what + recipients.Board + then, what + recipients.Public + then, IssueChannel.Mailed);
        }
        else
        {
            const string then = ". Hun nieuwe code werkt pas als de mailing is afgerond; of dat gebeurde, zegt een volgende regel.";
            startLine = Audit(now, actor, "online.mail-started", $"Mailing (verzendsleutel '{key}') gestart aan {recipients.Board}{then}",
                $"Mailing (verzendsleutel '{key}') gestart aan {recipients.Public}{then}", IssueChannel.Mailed);
        }
        await _state.CommitAsync(_state.State, [startLine], now);
        // Durable, before any mail goes out: a retry through another silo, or after this activation is gone, still knows.
        // Its own run id: this run's end removes only its own mark, never a restart's under the same key.
        var run = Guid.NewGuid().ToString("N");
        await mailings.StartAsync(this.GetPrimaryKeyString(), new MailingStarted(key, fingerprint, silo, now, run));
        return Outcome<PreparedMail>.Ok(new PreparedMail(fingerprint, prepared.Value, null, run));
    }

    /// <summary>Whether the silo with this address (generation included) still runs, by this silo's view of the membership; a restarted process is another one.</summary>
    private bool Runs(MailingStarted mailing, Instant now)
    {
        SiloAddress address;
        try
        {
            address = SiloAddress.FromParsableString(mailing.Silo);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            return false;
        }
        var snapshot = membership.CurrentSnapshot;
        var newer = snapshot.Members.Keys.Any(a => a.Endpoint.Equals(address.Endpoint) && a.Generation > address.Generation);
        return VotingMailRetry.MailerRuns(snapshot.GetSiloStatus(address), newer, mailing.StartedAt, now);
    }

    public async Task<Outcome<string>> IssueMailed(ImmutableArray<IssuedCode> codes, string actor, string key, string fingerprint, string answer, string run)
    {
        try
        {
            await _state.EnsureLoadedAsync();
            var rules = OnlineVotingRules.MayIssue(_state.State.Voting, Today, MeetingId) is { } refusal
                ? refusal
                : VotingMailRetry.Sent(codes);
            return await IdempotentWrite.OnceAsync(rules, key, _state.FindIdempotencyAsync,
                replay: seen => VotingMailRetry.Replay(seen, fingerprint),
                commit: async (sent, k) =>
                {
                    var record = new IdempotencyRecord(k!, fingerprint, VotingMailRetry.Stored(answer), sent.IsEmpty ? null : _state.NextSeq);
                    // Nobody reached still stores the key: a retry with it answers the same and sends nothing.
                    if (sent.IsEmpty)
                        await _state.CommitAsync(_state.State, [Audit(clock.GetCurrentInstant(), actor, "online.codes-issued",
                            $"Mailing (verzendsleutel '{k}') afgerond zonder dat een mail aankwam: geen code vervangen.", channel: IssueChannel.Mailed)],
                            clock.GetCurrentInstant(), record);
                    else await Commit(sent, all: false, actor, IssueChannel.Mailed, record, $"Mailing (verzendsleutel '{k}') afgerond. ");
                    return answer;
                });
        }
        finally
        {
            // After the commit the stored key answers first, so a mark left behind (a crash, a failed delete) is never read
            // again; a failed delete must not turn a committed mailing into an error.
            try
            {
                await mailings.EndAsync(this.GetPrimaryKeyString(), key, run);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or StorageFullException or InvalidOperationException)
            {
            }
        }
    }

    public async Task MailEnded(string key, string run, string actor, string why)
    {
        // The key first: freeing it for the retry matters more than the line saying why.
        await mailings.EndAsync(this.GetPrimaryKeyString(), key, run);
        await _state.EnsureLoadedAsync();
        var now = clock.GetCurrentInstant();
        await _state.CommitAsync(_state.State, [Audit(now, actor, "online.mail-ended",
            $"Mailing (verzendsleutel '{key}') niet afgerond: {why} Geen code vervangen; de codes die leden al hadden, werken nog.",
            channel: IssueChannel.Mailed)], now);
    }

    public async Task<OnlineAuditPage> GetAudit(int page, int pageSize, bool withMembers)
    {
        await _state.EnsureLoadedAsync();
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, AuditTrail.MaxPageSize);
        var total = await _state.CountAsync(RecordStateExtensions.AuditKind);
        var rows = await _state.ReadAsync(new JournalQuery(RecordStateExtensions.AuditKind, NewestFirst: true, Skip: (long)(page - 1) * pageSize, Take: pageSize));
        return new OnlineAuditPage(page, pageSize, (int)total, withMembers, [.. rows.Select(r => OnlineAudit.Read(r, withMembers))]);
    }

    public async Task<Outcome<IssuedCodes>> PrepareCodes(IssueCodes command)
    {
        await _state.EnsureLoadedAsync();
        var voting = _state.State.Voting;
        if (OnlineVotingRules.MayIssue(voting, Today, MeetingId) is { } refusal) return refusal;
        if (await Alv.Meeting(MeetingId) is not { } meeting) return Refusal.NotFound("Vergadering", $"{CooperativeId}/{MeetingId}");
        // A code whose paper has nothing left to vote on only confuses the member (tester A10): refused before any code is replaced.
        if (voting!.Proposals.All(o => meeting.Proposals.FirstOrDefault(p => p.Id == o.ProposalId) is not { Closed: null }))
            return Refusal.Conflict("no-open-proposals",
                $"Alle voorstellen van de online stemming voor '{MeetingId}' zijn al gesloten ({string.Join(", ", voting.Proposals.Select(o => o.ProposalId))}): "
                + "een stemcode geeft een lid niets meer om over te stemmen. Er zijn geen codes uitgegeven.");
        var eligible = (await Register.Members()).Where(m => m.MayVoteOn(voting!.MeetingDate)).ToDictionary(m => m.Number);
        var all = command.Members is not { Length: > 0 };
        var chosen = new List<Member>();
        if (all) chosen.AddRange(eligible.Values.OrderBy(m => m.Number, StringComparer.Ordinal));
        else
        {
            var v = new Validation();
            var requested = command.Members!.Value;
            for (var i = 0; i < requested.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(requested[i])) { v.Add($"members[{i}]", "is leeg."); continue; }
                var number = MemberRules.NormaliseNumber(requested[i]!);
                if (!eligible.TryGetValue(number, out var member)) v.Add($"members[{i}]", $"lid '{Slug.Truncate(number)}' is geen stemgerechtigd lid op {DutchFormat.Date(voting!.MeetingDate)}.");
                else if (chosen.All(c => c.Number != number)) chosen.Add(member);
            }
            if (v.HasErrors) return v.ToRefusal();
        }
        var codes = chosen.Select(m => IssuedCode.For(m, VotingCodes.NewCode())).ToList();
        var cooperative = await GrainFactory.GetGrain<Cooperatives.ICooperativeGrain>(CooperativeId).Get();
        return Outcome<IssuedCodes>.Ok(new IssuedCodes(CooperativeId, MeetingId, meeting.Title, meeting.Date, voting!.Opens, [.. codes],
            cooperative?.Cooperative.StatutoryName ?? CooperativeId));
    }

    /// <summary>Stores the hashes of these codes: from now on they work, and each member's earlier code does not.</summary>
    private async Task Commit(IReadOnlyList<IssuedCode> codes, bool all, string actor, IssueChannel channel, IdempotencyRecord? key = null, string lead = "")
    {
        var voting = _state.State.Voting!;
        var hasher = ServiceProvider.GetRequiredService<IVotingCodeHasher>();
        var now = clock.GetCurrentInstant();
        // A full issue starts a new generation: every code of an earlier one stops working, also of members no longer eligible.
        var generation = voting.Generation + (all ? 1 : 0);
        var entries = new List<JournalAppend>();
        var newHolders = 0;
        foreach (var code in codes)
        {
            var hash = hasher.Hash(code.Code);
            if (!all && !await HasValidCode(code.MemberNumber, generation)) newHolders++;
            entries.Add(JournaledState<OnlineVotingState>.Entry("code", hash, now, null, new CodeRow(code.MemberNumber, generation)));
            entries.Add(JournaledState<OnlineVotingState>.Entry("code-of", code.MemberNumber, now, null, new CodeOfRow(hash)));
        }
        var how = OnlineAudit.ChannelWords(channel);
        var members = OnlineAudit.Members([.. codes.Select(c => c.MemberNumber)]);
        entries.Add(all
            ? Audit(now, actor, "online.codes-issued", $"{lead}Stemcodes {how} uitgegeven aan alle {codes.Count} stemgerechtigde leden; eerdere codes werken niet meer.", channel: channel)
            : Audit(now, actor, "online.codes-issued", $"{lead}Nieuwe stemcode {how} voor {members.Board}; hun vorige code werkt niet meer.",
                $"{lead}Nieuwe stemcode {how} voor {members.Public}; hun vorige code werkt niet meer.", channel));
        // The directory first: a code it knows but this grain does not is simply not valid; the reverse would be a code nobody can use.
        await GrainFactory.GetGrain<IVotingCodeDirectoryGrain>(VotingCodeDirectoryGrain.Key).Register(this.GetPrimaryKeyString(), [.. entries.Where(e => e.Kind == "code").Select(e => e.Tag!)]);
        var updated = voting with { Generation = generation, CodesIssued = all ? codes.Count : voting.CodesIssued + newHolders };
        await _state.CommitAsync(_state.State with { Voting = updated }, entries, now, key);
    }

    public const string DemoCooperative = "ketelhuiswg";

    public async Task<Outcome<IssuedCodes>> IssueDemoCode(string memberNumber, string code, string actor)
    {
        await _state.EnsureLoadedAsync();
        if (CooperativeId != DemoCooperative || actor != "demo") return Refusal.Conflict("not-demo", "Een vaste stemcode is er alleen in de demo.");
        if (VotingCodes.ParseCode(code) is not { } canonical) return Refusal.Invalid("code", "is geen stemcode.");
        if (OnlineVotingRules.MayIssue(_state.State.Voting, Today, MeetingId) is { } refusal) return refusal;
        var hash = ServiceProvider.GetRequiredService<IVotingCodeHasher>().Hash(canonical);
        var now = clock.GetCurrentInstant();
        var voting = _state.State.Voting!;
        await GrainFactory.GetGrain<IVotingCodeDirectoryGrain>(VotingCodeDirectoryGrain.Key).Register(this.GetPrimaryKeyString(), [hash]);
        await _state.CommitAsync(_state.State,
        [
            JournaledState<OnlineVotingState>.Entry("code", hash, now, null, new CodeRow(memberNumber, voting.Generation)),
            JournaledState<OnlineVotingState>.Entry("code-of", memberNumber, now, null, new CodeOfRow(hash)),
            Audit(now, actor, "online.codes-issued", $"Demo: vaste stemcode voor {memberNumber}.", $"Demo: vaste stemcode voor 1 lid ({OnlineAudit.MembersForBoardOnly})."),
        ], now);
        return Outcome<IssuedCodes>.Ok(new IssuedCodes(CooperativeId, MeetingId, "", voting.MeetingDate, voting.Opens, [], CooperativeId));
    }

    public async Task<Outcome<OnlineVotingView>> Close(string actor)
    {
        await _state.EnsureLoadedAsync();
        if (_state.State.Voting is not { } voting) return Refusal.Conflict("online-voting-not-open", $"Er is geen online stemming voor '{MeetingId}'.");
        if (voting.ClosedAt is not null) return Outcome<OnlineVotingView>.Ok(await ViewOf(voting));
        var now = clock.GetCurrentInstant();
        var closed = voting with { ClosedAt = now, ClosedBy = actor };
        var voters = (await TurnoutAsClosingCounts(voting)).Voters;
        await _state.CommitAsync(_state.State with { Voting = closed },
            [Audit(now, actor, "online.closed", $"Online stemming voor '{MeetingId}' gesloten; alle stemcodes zijn verlopen. {voters} {DutchFormat.Noun(voters, "lid stemde", "leden stemden")} online.")], now);
        return Outcome<OnlineVotingView>.Ok(await ViewOf(closed));
    }

    public async Task<Outcome<BallotPaper>> Paper(string codeHash)
    {
        await _state.EnsureLoadedAsync();
        if (await MemberOf(codeHash) is not { } number) return UnknownCode;
        var voting = _state.State.Voting!;
        if (await Alv.Meeting(MeetingId) is not { } meeting) return UnknownCode;
        var member = await Register.Member(number);
        // Not eligible on the meeting date (written out, not yet a member, no voting right): said at once, nothing to choose (tester A1).
        var notEligible = OnlineVotingRules.NotEligible(member, voting.MeetingDate);
        var cooperative = await GrainFactory.GetGrain<Cooperatives.ICooperativeGrain>(CooperativeId).Get();
        var items = new List<BallotItem>();
        var agenda = meeting.Proposals.Select(p => p.Id).ToArray();
        // Agenda order, whatever order the board listed them in when it opened online voting (tester6 T9).
        foreach (var online in voting.Proposals.OrderBy(p => ProxyBook.AgendaPosition(agenda, p.ProposalId)))
        {
            if (meeting.Proposals.FirstOrDefault(x => x.Id == online.ProposalId) is not { } proposal) continue;
            // A secret ballot keeps no choice per member: the member sees that, and how, they voted.
            var mine = proposal.Ballots.FirstOrDefault(b => b.MemberNumber == number);
            var voteMark = await Alv.VotedBy(MeetingId, proposal.Id, number);
            // A vote by a holder who may not vote does not count: the member is free again and is told why (tester4 T1).
            // On a secret ballot she can do neither (tester5 T5): the page says the board decides and offers nothing.
            var boardDecides = voteMark is { DeadProxy: not null, DeadProxySecret: true };
            var deadProxy = voteMark is { DeadProxy: { } whyDead, ProxyHolder: { } deadHolder }
                ? boardDecides ? ProxyVotes.NotCountedSecret(deadHolder, whyDead) : ProxyVotes.NotCounted(deadHolder, whyDead) : null;
            if (deadProxy is not null) voteMark = null;
            var via = voteMark is { } mark ? ChannelOf(mark) : mine is null ? null : ChannelOf(mine);
            // Closing left this vote out (the member was not eligible on the meeting date): say so, not "U heeft gestemd" (tester T8.11).
            var notCounted = proposal.Closed is not null && voteMark?.LeftOut is { } why
                ? $"Uw stem ({via}) is niet meegeteld bij de uitslag: {why}. Daarom staat uw ontvangstcode niet bij de getelde stemmen."
                : null;
            items.Add(new BallotItem
            {
                ProposalId = online.ProposalId, Title = proposal.Title, Explanation = online.Explanation,
                DecisionType = proposal.DecisionType.ToString(), MyVote = notCounted is not null ? "niet-meegeteld" : mine?.Choice.ToString() ?? (via is null ? null : "uitgebracht"),
                VotedVia = via, Closed = proposal.Closed is not null, NotCounted = notCounted, ProxyVoteNotCounted = deadProxy, BoardDecides = boardDecides,
            });
        }
        return Outcome<BallotPaper>.Ok(new BallotPaper
        {
            CooperativeName = cooperative?.Cooperative.StatutoryName ?? CooperativeId, MeetingTitle = meeting.Title, MeetingDate = meeting.Date,
            MemberNumber = number, MemberName = member?.Name ?? number, Items = [.. items], Open = OnlineVotingRules.AcceptsVotes(voting, Today),
            VotingKey = this.GetPrimaryKeyString(),
            // Per proposal, as the holder's ballot is judged (review19 #4): offered when an open one on the paper takes them.
            ProxiesAllowed = ProxiesOffered(await Alv.Statutes(), meeting, voting),
            ProxiesGiven = [.. await Given(number, meeting)],
            ProxiesHeld = notEligible is null ? [.. await Held(number, meeting, voting.MeetingDate)] : [],
            Eligible = notEligible is null, NotEligibleReason = notEligible,
        });
    }

    public async Task<Outcome<VoteReceipt>> Cast(string codeHash, CastOnline command)
    {
        await _state.EnsureLoadedAsync();
        // After closing a resend of a counted vote still gets its receipt (tester9b T12); every other vote the one 404.
        if (await MemberOf(codeHash) is not { } number)
            return await CountedResend(codeHash, command, null) is { } resent ? Outcome<VoteReceipt>.Ok(resent) : UnknownCode;
        var voting = _state.State.Voting!;
        if (!OnlineVotingRules.AcceptsVotes(voting, Today))
            return Refusal.Conflict("online-voting-not-started", $"Online stemmen kan vanaf {DutchFormat.Date(voting.Opens)}.");
        var v = new Validation();
        var proposalId = command.ProposalId?.Trim();
        if (string.IsNullOrEmpty(proposalId)) v.Add("proposalId", "is verplicht.");
        else if (voting.Proposals.All(p => p.ProposalId != proposalId)) v.Add("proposalId", $"over '{Slug.Truncate(proposalId)}' wordt niet online gestemd.");
        var choice = VoteChoice.Voor;
        if (string.IsNullOrWhiteSpace(command.Choice)) v.Add("choice", "is verplicht.");
        else if (!Enum.TryParse(command.Choice.Trim(), true, out choice) || !Enum.IsDefined(choice) || int.TryParse(command.Choice, out _))
            v.Add("choice", $"'{Slug.Truncate(command.Choice)}' is geen stem; kies Voor, Tegen of Onthouding.");
        // Left out is no attempt id; an empty one is a wrong one (tester9b T11: "" was taken as none).
        var nonce = command.Nonce?.Trim();
        if (nonce is not null && !VotingCodes.IsNonce(nonce))
            v.Add("nonce", "een poging-id is 16 tot 64 letters, cijfers, '-' of '_' (de pagina maakt er één per bevestiging).");
        // A proxy holder votes for the giver: the ballot is the giver's, with the holder as ProxyHolder.
        string voter = number, forGiver = "U heeft";
        string? holder = null;
        if (!string.IsNullOrWhiteSpace(command.ForMember) && MemberRules.NormaliseNumber(command.ForMember) is var giver && giver != number)
        {
            if (!string.IsNullOrEmpty(proposalId) && (await Proxies()).HolderFor(giver, proposalId) != number)
                v.Add("forMember", $"u heeft van lid '{Slug.Truncate(giver)}' geen volmacht voor '{Slug.Truncate(proposalId)}'.");
            else { voter = giver; holder = number; forGiver = $"Voor lid {giver} is"; }
        }
        if (v.HasErrors) return v.ToRefusal();
        // Who may vote is the register on the meeting date: the member with the code (also voting as a proxy
        // holder), and the giver whose ballot it is. One plain sentence, 409: trying again cannot help (tester A1).
        if (OnlineVotingRules.NotEligible(await Register.Member(number), voting.MeetingDate) is { } notEligible)
            return Refusal.Conflict(OnlineVotingRules.NotEligibleCode, notEligible, [new FieldError("code", notEligible)]);
        if (holder is not null && OnlineVotingRules.GiverNotEligible(await Register.Member(voter), voter, voting.MeetingDate) is { } giverOut)
            return Refusal.Conflict(OnlineVotingRules.NotEligibleCode, giverOut, [new FieldError("forMember", giverOut)]);
        var meeting = await Alv.Meeting(MeetingId);
        var proposal = meeting?.Proposals.FirstOrDefault(p => p.Id == proposalId);
        if (proposal is null) return UnknownCode;
        if (proposal.Closed is not null)
            return await CountedResend(codeHash, command, number) is { } resent ? Outcome<VoteReceipt>.Ok(resent)
                : Refusal.Conflict("proposal-closed", $"Over '{proposal.Title}' is al besloten; stemmen kan niet meer.");
        string AlreadyVoted(string counted) => holder is null ? $"U heeft over '{proposal.Title}' al gestemd ({counted}); die stem telt."
            : $"Voor lid {voter} is over '{proposal.Title}' al gestemd ({counted}); die stem telt.";
        Refusal Refused(string counted) => Refusal.Conflict("already-voted", AlreadyVoted(counted), holder is null ? null : [new FieldError("forMember", AlreadyVoted(counted))]);
        // Upgraded snapshots (release ba5f89c) may still hold ballots in the proposal: those count as a vote at the meeting.
        if (proposal.Ballots.FirstOrDefault(b => b.MemberNumber == voter) is { } earlier) return Refused(ChannelOf(earlier));
        // One call into the ALV, and its one commit is the whole vote: the ballot, its marks and the online
        // turnout (ALV aggregate) in one transaction. This grain writes nothing, so no crash can leave the
        // ballot counted and the turnout short. One vote per member per proposal, whatever the channel:
        // the ALV refuses a second one; with a nonce, a resend of the same attempt derives the same receipt,
        // which the ALV recognises (same receipt and choice: the first answer again, counted once).
        var receipt = nonce is null ? VotingCodes.NewReceipt()
            : VotingCodes.ReceiptFor(ServiceProvider.GetRequiredService<IVotingCodeHasher>(), codeHash, this.GetPrimaryKeyString(), proposal.Id, voter, nonce);
        var cast = await Alv.Cast(MeetingId, proposalId!,
            new CastBallot { MemberNumber = voter, Choice = choice.ToString(), Channel = BallotChannel.Online, Receipt = receipt, ProxyHolder = holder }, OnlineActor);
        // The ALV names the board's field (memberNumber); this request has none of that name (tester5 T5): her own vote names no
        // field, a holder's vote names forMember.
        if (!cast.IsOk && cast.Refusal!.Code == "dead-proxy-secret")
            return cast.Refusal with { Errors = holder is null ? [] : [new FieldError("forMember", cast.Refusal.Message)] };
        if (!cast.IsOk)
            return cast.Refusal!.Code == "already-voted" && await Alv.VotedBy(MeetingId, proposal.Id, voter) is { } first ? Refused(ChannelOf(first)) : cast.Refusal!;
        // Without a nonce the ALV may still see an open ballot as repeated (the same choice): that is not this attempt.
        if (cast.Value!.Repeat && (nonce is null || cast.Value.Receipt != receipt))
            return await Alv.VotedBy(MeetingId, proposal.Id, voter) is { } counted ? Refused(ChannelOf(counted))
                : Refusal.Conflict("already-voted", $"{forGiver} over '{proposal.Title}' al gestemd; die stem telt.");
        // The time the ballot was recorded, the same for a replay of the attempt as for its first answer (tester F4 addendum).
        return Outcome<VoteReceipt>.Ok(new VoteReceipt(proposalId!, proposal.Title, choice.ToString(), receipt, cast.Value.RecordedAt ?? clock.GetCurrentInstant()));
    }

    /// <summary>
    /// A resend (same code, proposal, choice, holder and nonce) of a vote that stands counted, when the codes have expired or the
    /// proposal has closed: its receipt, as the first answer gave it (tester9b T12; docs/api.md "the same nonce again answers the
    /// same receipt"). Nothing is stored. The receipt derives from the code and the nonce, so only the member's own attempt
    /// matches, and it tells nothing the member's first answer did not; anything else is null (the caller's usual refusal).
    /// </summary>
    private async Task<VoteReceipt?> CountedResend(string codeHash, CastOnline command, string? number)
    {
        var nonce = command.Nonce?.Trim();
        var proposalId = command.ProposalId?.Trim();
        if (!VotingCodes.IsNonce(nonce) || _state.State.Voting is not { } voting || voting.Proposals.All(p => p.ProposalId != proposalId)) return null;
        if (string.IsNullOrWhiteSpace(command.Choice) || int.TryParse(command.Choice, out _)
            || !Enum.TryParse(command.Choice.Trim(), true, out VoteChoice choice) || !Enum.IsDefined(choice)) return null;
        number ??= await MemberOf(codeHash, evenClosed: true);
        if (number is null) return null;
        string voter = number;
        string? holder = null;
        if (!string.IsNullOrWhiteSpace(command.ForMember) && MemberRules.NormaliseNumber(command.ForMember) is var giver && giver != number) (voter, holder) = (giver, number);
        if ((await Alv.Meeting(MeetingId))?.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { } proposal) return null;
        var receipt = VotingCodes.ReceiptFor(ServiceProvider.GetRequiredService<IVotingCodeHasher>(), codeHash, this.GetPrimaryKeyString(), proposal.Id, voter, nonce!);
        return await Alv.CountedOnline(MeetingId, proposal.Id, voter, holder, choice, receipt) is { } counted
            ? new VoteReceipt(proposal.Id, proposal.Title, choice.ToString(), receipt, counted.RecordedAt ?? clock.GetCurrentInstant())
            : null;
    }

    public async Task<ImmutableArray<ProxyVoteCast>> ProxyVotesCastBy(string holder)
    {
        await _state.EnsureLoadedAsync();
        if (_state.State.Voting is null || await Alv.Meeting(MeetingId) is not { } meeting) return [];
        var cast = new List<ProxyVoteCast>();
        foreach (var (giver, proposalId) in (await Proxies()).HeldBy(holder))
            if (meeting.Proposals.FirstOrDefault(p => p.Id == proposalId) is { Closed: null }
                && await Alv.VotedBy(MeetingId, proposalId, giver) is { ProxyHolder: { } by } && by == holder)
                cast.Add(new ProxyVoteCast(giver, proposalId));
        return [.. cast];
    }

    public async Task<Outcome<ImmutableArray<ReceiptAnswer>>> CheckReceipt(string receipt)
    {
        await _state.EnsureLoadedAsync();
        // Anyone may ask without a token: a meeting without online voting, one that does not exist and one whose result
        // is not all there yet get one answer, naming nothing (tester9b T6: the titles of open proposals and which meeting
        // ids exist were an oracle). Only a meeting whose online proposals are all closed tells "not counted".
        if (_state.State.Voting is not { } voting || await Alv.Meeting(MeetingId) is not { } meeting) return NoResult;
        var answers = new List<ReceiptAnswer>();
        var open = false;
        foreach (var online in voting.Proposals)
        {
            if (meeting.Proposals.FirstOrDefault(p => p.Id == online.ProposalId) is not { } proposal) continue;
            if (proposal.Closed is null) { open = true; continue; }
            if (await Alv.CheckReceipt(MeetingId, proposal.Id, receipt) is { } check)
                answers.Add(await WithReplacement(new ReceiptAnswer(proposal.Id, proposal.Title, check.Choice.ToString()), receipt));
        }
        if (answers.Count > 0) return Outcome<ImmutableArray<ReceiptAnswer>>.Ok([.. answers]);
        return open ? NoResult : ReceiptUnknown;
    }

    /// <summary>The receipt check's one answer for a meeting that has no result yet or no online voting at all (tester9b T6).</summary>
    public static readonly Refusal NoResult = new(RefusalKind.NotFound, "no-result",
        "De uitslag is er nog niet of deze stemming bestaat niet. Controleer de vergadering (votingKey) op uw stembevestiging; "
        + "na de uitslag kunt u hier nagaan hoe uw stem is geteld.", []);

    /// <summary>The answer with the closed correction that replaced its decision, if any, and what that counted this receipt as.</summary>
    private async Task<ReceiptAnswer> WithReplacement(ReceiptAnswer answer, string receipt)
    {
        if (AlvRules.ReplacedBy(await Alv.Meetings(), MeetingId, answer.ProposalId) is not { } replaced) return answer;
        var (meeting, by) = replaced;
        var result = by.Closed!.Result.Describe();
        var recount = meeting.Id == MeetingId;
        var what = recount ? $"de hertelling '{by.Id}' (correctie van een telfout, gesloten op {DutchFormat.Date(AmsterdamTime.DateOf(by.Closed.ClosedAt))})"
            : $"het besluit '{by.Id}' van de vergadering van {DutchFormat.Date(meeting.Date)}";
        var counted = await Alv.CheckReceipt(meeting.Id, by.Id, receipt) is { } again
            ? $" In {(recount ? "de hertelling" : "dat besluit")} is uw stem met deze ontvangstcode geteld als {again.Choice}."
            : recount ? " In de hertelling staat deze ontvangstcode niet bij de getelde stemmen; neem contact op met het bestuur." : "";
        return answer with
        {
            ReplacedBy = $"{meeting.Id}/{by.Id}", ReplacedByResult = result,
            Note = $"Dit besluit geldt niet meer: het is vervangen door {what}. Uitslag daarvan: {result}.{counted}",
        };
    }

    public async Task<Outcome<BallotPaper>> GiveProxy(string codeHash, GiveProxy command)
    {
        await _state.EnsureLoadedAsync();
        if (await MemberOf(codeHash) is not { } number) return UnknownCode;
        var voting = _state.State.Voting!;
        if (!OnlineVotingRules.AcceptsVotes(voting, Today))
            return Refusal.Conflict("online-voting-not-started", $"Online stemmen en volmacht geven kan vanaf {DutchFormat.Date(voting.Opens)}.");
        var holder = string.IsNullOrWhiteSpace(command.Holder) ? null : MemberRules.NormaliseNumber(command.Holder);
        var book = await Proxies();
        // The register on the meeting date for everyone involved: the giver, the holder and the givers already in the book.
        var involved = book.ByGiver.Keys.Append(number).Concat(holder is null ? [] : [holder]).Distinct().ToImmutableArray();
        var eligible = (await Register.Eligibility(involved, voting.MeetingDate)).Voters.Select(x => x.Number).ToHashSet(StringComparer.Ordinal);
        var context = await ProxyContextFor(voting, number, eligible.Contains)
            with { GiverNotEligible = OnlineVotingRules.NotEligible(await Register.Member(number), voting.MeetingDate) };
        var given = OnlineProxyRules.Give(book, number, command.Holder, command.ProposalIds is { } ids ? [.. ids] : null, context);
        if (!given.IsOk) return given.Refusal!;
        // The ALV first: a dead proxy vote through a holder she replaces is withdrawn for good (tester5 T1), and on a secret ballot
        // with a dead proxy vote nothing may change (tester5 T5). Only then are her new proxies stored.
        if (await WithdrawVotesOf(number, book, given.Value!) is { } refused) return refused;
        await CommitProxies(given.Value!, number, "online.proxy-given",
            $"Lid {number} gaf online volmacht aan lid {holder} voor {string.Join(", ", given.Value!.Of(number).Where(g => g.Holder == holder).Select(g => g.ProposalId))}.",
            $"Een lid gaf online volmacht aan een ander lid ({OnlineAudit.MembersForBoardOnly}).");
        return await Paper(codeHash);
    }

    public async Task<Outcome<BallotPaper>> WithdrawProxy(string codeHash, WithdrawProxy command)
    {
        await _state.EnsureLoadedAsync();
        if (await MemberOf(codeHash) is not { } number) return UnknownCode;
        var voting = _state.State.Voting!;
        var context = await ProxyContextFor(voting, number, _ => false);
        var book = await Proxies();
        var withdrawn = OnlineProxyRules.Withdraw(book, number, command.ProposalIds is { } ids ? [.. ids] : null, context);
        if (!withdrawn.IsOk) return withdrawn.Refusal!;
        if (await WithdrawVotesOf(number, book, withdrawn.Value!) is { } refused) return refused;
        var left = withdrawn.Value!.Of(number);
        await CommitProxies(withdrawn.Value!, number, "online.proxy-withdrawn",
            $"Lid {number} trok online volmacht in" + (left.IsEmpty ? "." : $"; blijft: {string.Join(", ", left.Select(g => $"{g.ProposalId} (lid {g.Holder})"))}."),
            $"Een lid trok online volmacht in ({OnlineAudit.MembersForBoardOnly}).");
        return await Paper(codeHash);
    }

    /// <summary>
    /// Tells the ALV which of the giver's proxies change (<paramref name="before"/> to <paramref name="after"/>): per proposal newly given or
    /// taken away, the holder it is taken from (<see cref="IAlvGrain.WithdrawProxyVotes"/>). Null when the ALV agrees.
    /// </summary>
    private async Task<Refusal?> WithdrawVotesOf(string giver, ProxyBook before, ProxyBook after)
    {
        var old = before.Of(giver).ToDictionary(g => g.ProposalId, g => g.Holder, StringComparer.Ordinal);
        var now = after.Of(giver).ToDictionary(g => g.ProposalId, g => g.Holder, StringComparer.Ordinal);
        var changes = old.Keys.Union(now.Keys).Order(StringComparer.Ordinal)
            .Where(id => old.GetValueOrDefault(id) != now.GetValueOrDefault(id))
            .Select(id => new ProxyWithdrawal(id, old.GetValueOrDefault(id))).ToImmutableArray();
        if (changes.IsEmpty) return null;
        var outcome = await Alv.WithdrawProxyVotes(MeetingId, giver, changes, OnlineActor);
        return outcome.IsOk ? null : outcome.Refusal;
    }

    private ProxyBook? _proxies;

    /// <summary>The meeting's online proxies, folded from the "proxy" journal rows once per activation (a meeting has few).</summary>
    private async Task<ProxyBook> Proxies()
    {
        if (_proxies is not null) return _proxies;
        var book = ProxyBook.Empty;
        foreach (var row in await _state.ReadAsync(new JournalQuery("proxy")))
        {
            var payload = JournaledState<OnlineVotingState>.Payload<ProxyRow>(row);
            book = book.With(row.Tag!, payload.Grants.ToImmutableDictionary(g => g.ProposalId, g => g.Holder, StringComparer.Ordinal));
        }
        return _proxies = book;
    }

    private async Task CommitProxies(ProxyBook book, string giver, string action, string summary, string publicSummary)
    {
        var now = clock.GetCurrentInstant();
        // One row per give or withdraw, tagged with the giver, with the giver's whole current set: the newest counts.
        await _state.CommitAsync(_state.State,
            [JournaledState<OnlineVotingState>.Entry("proxy", giver, now, null, new ProxyRow(book.Of(giver))), Audit(now, OnlineActor, action, summary, publicSummary)], now);
        _proxies = book;
    }

    private static bool ProxiesOffered(Statutes statutes, Meeting meeting, OnlineVoting voting) =>
        voting.Proposals.Select(o => meeting.Proposals.FirstOrDefault(p => p.Id == o.ProposalId)).Any(p => p is { Closed: null }
            && (p.Rules?.OnlineProxiesAllowed ?? statutes.Electronic.OnlineProxiesAllowed));

    private async Task<ProxyContext> ProxyContextFor(OnlineVoting voting, string giver, Func<string, bool> eligible)
    {
        var statutes = await Alv.Statutes();
        var meeting = await Alv.Meeting(MeetingId);
        var open = voting.Proposals.Select(p => meeting?.Proposals.FirstOrDefault(x => x.Id == p.ProposalId))
            .Where(p => p is { Closed: null }).ToDictionary(p => p!.Id, p => p!);
        var voted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var online in voting.Proposals)
            if ((await VotedOn(meeting, online.ProposalId, giver)).Voted) voted.Add(online.ProposalId);
        return new ProxyContext
        {
            OnlineProxiesAllowed = id => open.TryGetValue(id, out var p) && (p.Rules?.OnlineProxiesAllowed ?? statutes.Electronic.OnlineProxiesAllowed),
            MaxPerHolder = id => open.TryGetValue(id, out var p) ? (p.Rules?.Rule ?? statutes.RuleFor(p.DecisionType)).MaxProxiesPerAttendee : 0,
            IsOpenProposal = open.ContainsKey,
            IsEligible = eligible,
            HasVoted = (member, id) => member == giver && voted.Contains(id),
        };
    }

    /// <summary>
    /// Whether <paramref name="member"/> has a vote that counts on the proposal (the rule the proxies' withdraw and give ask),
    /// and its mark. A vote through a holder who may not vote is no vote: the giver may withdraw or replace the proxy (tester4 T1).
    /// </summary>
    private async Task<(bool Voted, VoteMark? Mark)> VotedOn(Meeting? meeting, string proposalId, string member)
    {
        var mark = await Alv.VotedBy(MeetingId, proposalId, member);
        return (mark is { DeadProxy: null } || meeting?.Proposals.FirstOrDefault(p => p.Id == proposalId)?.Ballots.Any(b => b.MemberNumber == member) == true, mark);
    }

    private async Task<List<GivenProxy>> Given(string number, Meeting meeting)
    {
        var list = new List<GivenProxy>();
        foreach (var g in (await Proxies()).Of(number, [.. meeting.Proposals.Select(p => p.Id)]))
        {
            var title = meeting.Proposals.FirstOrDefault(p => p.Id == g.ProposalId)?.Title ?? g.ProposalId;
            var (voted, mark) = await VotedOn(meeting, g.ProposalId, number);
            // Used: the vote that counts is the one through this holder (not a withdrawn one through an earlier holder: tester5 T1).
            var used = mark is { ProxyHolder: { } via, DeadProxy: null } && via == g.Holder;
            // Voted, not through this holder: her own vote counts, so the proxy can be neither used nor withdrawn (the page offers nothing).
            list.Add(new GivenProxy(g.ProposalId, title, g.Holder, used, VotedSelf: voted && !used, BoardDecides: mark is { DeadProxy: not null, DeadProxySecret: true }));
        }
        return list;
    }

    private async Task<List<HeldProxy>> Held(string number, Meeting meeting, LocalDate meetingDate)
    {
        var list = new List<HeldProxy>();
        foreach (var (giver, proposalId) in (await Proxies()).HeldBy(number, [.. meeting.Proposals.Select(p => p.Id)]))
        {
            if (meeting.Proposals.FirstOrDefault(p => p.Id == proposalId) is not { } proposal) continue;
            var giverMember = await Register.Member(giver);
            // A proxy of a member who may not vote on the meeting date is dead: not offered as a ballot.
            if (giverMember?.MayVoteOn(meetingDate) != true) continue;
            var name = giverMember.Name;
            // Voted: the giver's vote counts (a dead one, withdrawn or through a holder who may not vote, is no vote: tester5 T1).
            var voted = (await VotedOn(meeting, proposalId, giver)).Voted;
            list.Add(new HeldProxy(giver, name, proposalId, proposal.Title, voted, proposal.Closed is not null));
        }
        return list;
    }

    private sealed record ProxyRow(ImmutableArray<ProxyGrant> Grants);

    private static readonly Refusal ReceiptUnknown = new(RefusalKind.NotFound, "unknown-receipt",
        "Deze ontvangstcode staat niet bij de getelde stemmen van deze vergadering. Controleer de code; klopt die, neem dan contact op met het bestuur.", []);

    /// <summary>The member whose current code has this hash, while voting has not closed (or also after, <paramref name="evenClosed"/>); null otherwise.</summary>
    private async Task<string?> MemberOf(string codeHash, bool evenClosed = false)
    {
        if (_state.State.Voting is not { } voting || (!evenClosed && OnlineVotingRules.Status(voting, Today) == "gesloten")) return null;
        var rows = await _state.ReadAsync(new JournalQuery("code", codeHash, NewestFirst: true, Take: 1));
        if (rows.Count == 0) return null;
        var row = JournaledState<OnlineVotingState>.Payload<CodeRow>(rows[0]);
        if (row.Generation != voting.Generation) return null;
        var current = await _state.ReadAsync(new JournalQuery("code-of", row.Member, NewestFirst: true, Take: 1));
        return current.Count == 1 && JournaledState<OnlineVotingState>.Payload<CodeOfRow>(current[0]).Hash == codeHash ? row.Member : null;
    }

    private async Task<bool> HasValidCode(string member, int generation)
    {
        var current = await _state.ReadAsync(new JournalQuery("code-of", member, NewestFirst: true, Take: 1));
        if (current.Count == 0) return false;
        var rows = await _state.ReadAsync(new JournalQuery("code", JournaledState<OnlineVotingState>.Payload<CodeOfRow>(current[0]).Hash, NewestFirst: true, Take: 1));
        return rows.Count == 1 && JournaledState<OnlineVotingState>.Payload<CodeRow>(rows[0]).Generation == generation;
    }

    private static string ChannelOf(VoteMark mark) => mark.Channel switch
    {
        BallotChannel.Online when mark.ProxyHolder is not null => $"online, bij volmacht door lid {mark.ProxyHolder}",
        BallotChannel.Online => "online",
        BallotChannel.Tally => "op de vergadering, bij de papieren stemming",
        _ when mark.ProxyHolder is not null => $"bij volmacht door lid {mark.ProxyHolder}",
        _ => "op de vergadering",
    };

    private static string ChannelOf(Ballot ballot) =>
        ballot.RecordedBy == OnlineActor ? (ballot.ProxyHolder is { } h ? $"online, bij volmacht door lid {h}" : "online")
        : ballot.ProxyHolder is not null ? $"bij volmacht door lid {ballot.ProxyHolder}"
        : "op de vergadering";

    /// <summary>An audit row; <paramref name="publicSummary"/> is the sentence without member numbers, when <paramref name="summary"/> names any.</summary>
    private static JournalAppend Audit(Instant at, string actor, string action, string summary, string? publicSummary = null, IssueChannel? channel = null) =>
        OnlineAudit.Row(at, actor, action, summary, publicSummary, channel);

    private sealed record CodeRow(string Member, int Generation);

    private sealed record CodeOfRow(string Hash);
}
