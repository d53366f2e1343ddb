using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;
using Warmte.Common;

namespace Warmte.Voting;

/// <summary>A proposal put to the online vote, with the explanation (toelichting) members read before they vote.</summary>
[GenerateSerializer, Immutable]
public sealed record OnlineProposal([property: Id(0)] string ProposalId, [property: Id(1)] string? Explanation);

/// <summary>
/// Online voting for one ALV meeting (the snapshot: small, its size does not grow with the members).
/// Codes, who voted and proxies are journal rows (docs/members-and-decisions.md, "Online voting").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OnlineVoting
{
    [Id(0)] public required string CooperativeId { get; init; }
    [Id(1)] public required string MeetingId { get; init; }
    [Id(2)] public required ImmutableArray<OnlineProposal> Proposals { get; init; }
    /// <summary>The first day members can vote online (Amsterdam date).</summary>
    [Id(3)] public required LocalDate Opens { get; init; }
    /// <summary>The meeting's date: voting ends at the latest when that day ends, or earlier when the board closes it.</summary>
    [Id(4)] public required LocalDate MeetingDate { get; init; }
    [Id(5)] public required string OpenedBy { get; init; }
    [Id(6)] public required Instant OpenedAt { get; init; }
    [Id(7)] public Instant? ClosedAt { get; init; }
    [Id(8)] public string? ClosedBy { get; init; }
    /// <summary>Members holding a valid code (re-issuing replaces, it does not add).</summary>
    [Id(9)] public int CodesIssued { get; init; }
    // Ids 10 and 11 held a turnout count of its own (voters, votes cast), gone: the turnout is read from
    // the ALV (OnlineVotingRules.Turnout), the one place a vote is committed. Stored snapshots that still
    // have them load unchanged (unknown JSON members are ignored); do not reuse the ids.
    /// <summary>Raised by every full issue: codes of an earlier generation no longer work.</summary>
    [Id(12)] public int Generation { get; init; }
}

public sealed record OnlineVotingState
{
    public OnlineVoting? Voting { get; init; }
    /// <summary>
    /// What a meeting follow-up did here (Dutch, the ALV's audit sentence) while the ALV has not yet taken it: committed with
    /// the follow-up and cleared once <c>IAlvGrain.OnlineFollowedUp</c> returned, so a report that failed after this grain's
    /// commit is made again, with the sentence, by the ALV's retry (which finds nothing left to change here).
    /// </summary>
    public string? UnreportedFollowUp { get; init; }
}

// ---- commands and answers ----

[GenerateSerializer, Immutable]
public sealed record OnlineProposalInput
{
    [Id(0)] public string? ProposalId { get; init; }
    [Id(1)] public string? Explanation { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record OpenOnlineVoting
{
    [Id(0)] public ImmutableArray<OnlineProposalInput?>? Proposals { get; init; }
    /// <summary>First voting day; default today.</summary>
    [Id(1)] public LocalDate? Opens { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record IssueCodes
{
    /// <summary>Members to (re-)issue a code for; empty or absent: every eligible member (all earlier codes stop working).</summary>
    [Id(0)] public ImmutableArray<string?>? Members { get; init; }

    /// <summary>
    /// <c>…/online/mail</c> with an <c>Idempotency-Key</c> only: true to mail again under a key whose mailing was
    /// interrupted (409 <c>mail-interrupted</c>), with new codes for everyone chosen. Not part of what the key stands for.
    /// </summary>
    [Id(1)] public bool? RestartInterrupted { get; init; }
}

/// <summary>One issued code, in plain text: it exists only in this answer (the store keeps its hash).</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedCode(
    [property: Id(0)] string MemberNumber, [property: Id(1)] string Name, [property: Id(2)] string Address, [property: Id(3)] string Code)
{
    /// <summary>Postcode and house number as the register keeps them (null only for an erased member, who gets no code).</summary>
    [Id(4)] public Members.DutchAddress? Home { get; init; }
    /// <summary>The register's street, when known: with <see cref="Town"/> the letter can be posted (tester6 T8).</summary>
    [Id(5)] public string? Street { get; init; }
    [Id(6)] public string? Town { get; init; }

    /// <summary>Whether the letter has a full postal address: street, house number, postcode and town.</summary>
    public bool HasPostalAddress => Members.Member.IsPostalAddress(Home, Street, Town);

    public static IssuedCode For(Members.Member member, string code) =>
        new(member.Number, member.Name, member.Address?.ToString() ?? "", code) { Home = member.Address, Street = member.Street, Town = member.Town };
}

[GenerateSerializer, Immutable]
public sealed record IssuedCodes(
    [property: Id(0)] string CooperativeId, [property: Id(1)] string MeetingId, [property: Id(2)] string MeetingTitle,
    [property: Id(3)] LocalDate MeetingDate, [property: Id(4)] LocalDate Opens, [property: Id(5)] ImmutableArray<IssuedCode> Codes,
    [property: Id(6)] string CooperativeName);

/// <summary>What the board sees: the window, the proposals, codes issued and turnout (never choices).</summary>
[GenerateSerializer, Immutable]
public sealed record OnlineVotingView
{
    [Id(0)] public required string CooperativeId { get; init; }
    [Id(1)] public required string MeetingId { get; init; }
    [Id(2)] public required ImmutableArray<OnlineProposal> Proposals { get; init; }
    [Id(3)] public required LocalDate Opens { get; init; }
    [Id(4)] public required LocalDate MeetingDate { get; init; }
    /// <summary>"gepland", "open" or "gesloten".</summary>
    [Id(5)] public required string Status { get; init; }
    [Id(6)] public Instant? ClosedAt { get; init; }
    [Id(7)] public required int CodesIssued { get; init; }
    [Id(8)] public required int Voters { get; init; }
    [Id(9)] public required int VotesCast { get; init; }
    /// <summary>
    /// Eligible members on the meeting date: once every online proposal is closed, the figure their results were counted with
    /// (what "12 van 12 stemgerechtigden" says), before that the register's (tester6 T5).
    /// </summary>
    [Id(10)] public required int Electorate { get; init; }
    /// <summary>
    /// Only when the proposals are closed and the register now says otherwise for the meeting date (a member written out
    /// afterwards with an earlier date): the register's figure, which a recount would use. Null otherwise.
    /// </summary>
    [Id(11)] public int? ElectorateNow { get; init; }
    /// <summary>
    /// Dutch, or null: online voters do not count for the quorum of an open online proposal under these statutes (tester10 T4),
    /// with how to change that.
    /// </summary>
    [Id(12)] public string? QuorumNote { get; init; }
}

/// <summary>The ballot paper a valid code opens: the meeting, the proposals and this member's own votes.</summary>
[GenerateSerializer, Immutable]
public sealed record BallotPaper
{
    [Id(0)] public required string CooperativeName { get; init; }
    [Id(1)] public required string MeetingTitle { get; init; }
    [Id(2)] public required LocalDate MeetingDate { get; init; }
    [Id(3)] public required string MemberNumber { get; init; }
    [Id(4)] public required string MemberName { get; init; }
    [Id(5)] public required ImmutableArray<BallotItem> Items { get; init; }
    [Id(6)] public required bool Open { get; init; }
    /// <summary>Where the member checks receipts after the meeting ("{cooperativeId}/{meetingId}").</summary>
    [Id(7)] public required string VotingKey { get; init; }
    /// <summary>Whether the statutes let members give a proxy (volmacht) online.</summary>
    [Id(8)] public bool ProxiesAllowed { get; init; }
    /// <summary>The proxies this member gave, and whether the holder has voted with them.</summary>
    [Id(9)] public ImmutableArray<GivenProxy> ProxiesGiven { get; init; } = [];
    /// <summary>The votes this member may cast for others (proxies received).</summary>
    [Id(10)] public ImmutableArray<HeldProxy> ProxiesHeld { get; init; } = [];
    /// <summary>
    /// Whether this member may vote at this meeting (the register on the meeting date). False: the paper
    /// shows <see cref="NotEligibleReason"/> and nothing can be chosen; votes and proxies are refused (tester A1).
    /// </summary>
    [Id(11)] public bool Eligible { get; init; } = true;
    /// <summary>Why not, in one plain Dutch sentence for the member ("U bent per 06-12-2026 geen lid meer …").</summary>
    [Id(12)] public string? NotEligibleReason { get; init; }
}

/// <summary>A vote a proxy holder cast online for the member who gave the proxy.</summary>
[GenerateSerializer, Immutable]
public sealed record ProxyVoteCast([property: Id(0)] string Giver, [property: Id(1)] string ProposalId);

/// <summary>
/// A proxy this member gave. <see cref="Used"/>: a holder voted for her with it and that vote counts. <see cref="VotedSelf"/>:
/// she voted herself (after her holder's vote did not count, tester4 T1): the proxy is no longer used and can no longer be
/// withdrawn (her vote counts; <c>OnlineProxyRules.Withdraw</c> refuses), so the page offers nothing for it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GivenProxy(
    [property: Id(0)] string ProposalId, [property: Id(1)] string Title, [property: Id(2)] string Holder, [property: Id(3)] bool Used,
    [property: Id(4)] bool VotedSelf = false, [property: Id(5)] bool BoardDecides = false);

[GenerateSerializer, Immutable]
public sealed record HeldProxy(
    [property: Id(0)] string Giver, [property: Id(1)] string GiverName, [property: Id(2)] string ProposalId, [property: Id(3)] string Title,
    [property: Id(4)] bool Voted, [property: Id(5)] bool Closed);

/// <summary>A member gives a proxy online: this other member votes for them on these proposals.</summary>
[GenerateSerializer, Immutable]
public sealed record GiveProxy
{
    [Id(0)] public string? Holder { get; init; }
    [Id(1)] public ImmutableArray<string?>? ProposalIds { get; init; }
}

/// <summary>Withdraws proxies not yet used (no proposals named: all of them).</summary>
[GenerateSerializer, Immutable]
public sealed record WithdrawProxy
{
    [Id(0)] public ImmutableArray<string?>? ProposalIds { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record BallotItem
{
    [Id(0)] public required string ProposalId { get; init; }
    [Id(1)] public required string Title { get; init; }
    [Id(2)] public string? Explanation { get; init; }
    [Id(3)] public required string DecisionType { get; init; }
    /// <summary>This member's vote on it, if any (Voor, Tegen, Onthouding), and through which channel.</summary>
    [Id(4)] public string? MyVote { get; init; }
    [Id(5)] public string? VotedVia { get; init; }
    [Id(6)] public required bool Closed { get; init; }
    /// <summary>Set after closing when the close left this member's vote out of the count: why, one Dutch sentence (tester T8.11).</summary>
    [Id(7)] public string? NotCounted { get; init; }
    /// <summary>
    /// Set while open when a proxy holder voted for this member but may not vote on the meeting date (written out): that
    /// vote does not count and the member may vote herself, or withdraw or replace the proxy (tester4 T1). <see cref="MyVote"/> is then null.
    /// </summary>
    [Id(8)] public string? ProxyVoteNotCounted { get; init; }
    /// <summary>
    /// With <see cref="ProxyVoteNotCounted"/> on a secret ballot: that vote cannot be taken out of the count, so she can neither vote
    /// herself nor give a new proxy on this proposal (both 409 dead-proxy-secret); the board decides. The page offers nothing (tester5 T5).
    /// </summary>
    [Id(9)] public bool BoardDecides { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CastOnline
{
    [Id(0)] public string? ProposalId { get; init; }
    [Id(1)] public string? Choice { get; init; }
    /// <summary>A proxy holder voting for the member who gave the proxy: that member's number.</summary>
    [Id(2)] public string? ForMember { get; init; }
    /// <summary>
    /// The submission attempt (idempotency key): random, made by the page once per confirmed set of
    /// choices and sent again with a retry. The receipt is derived from it and the member's code, so a
    /// resend after a lost answer gets the same receipt; it is stored nowhere. See <see cref="VotingCodes.ReceiptFor"/>.
    /// </summary>
    [Id(3)] public string? Nonce { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record VoteReceipt(
    [property: Id(0)] string ProposalId, [property: Id(1)] string Title, [property: Id(2)] string Choice,
    [property: Id(3)] string Receipt, [property: Id(4)] Instant At);

/// <summary>A receipt found among a closed proposal's counted votes, with the choice it is counted under.</summary>
[GenerateSerializer, Immutable]
public sealed record ReceiptAnswer([property: Id(0)] string ProposalId, [property: Id(1)] string Title, [property: Id(2)] string Choice)
{
    /// <summary>
    /// When a closed correction (a recount, or a new vote at a later meeting) replaced this decision: its key
    /// ("meeting/proposal"), what it decided, and one Dutch sentence saying so, with the choice the recount counted
    /// the same receipt under (tester T4: the member must never read only "Voor" for a decision that no longer stands).
    /// </summary>
    [Id(3)] public string? ReplacedBy { get; init; }
    [Id(4)] public string? ReplacedByResult { get; init; }
    [Id(5)] public string? Note { get; init; }
}

/// <summary>The pure rules of online voting; the grain loads, calls these, commits and answers.</summary>
public static class OnlineVotingRules
{
    /// <summary>BW 2:38a: electronic votes cast before the meeting count only from the 30th day before it.</summary>
    public const int MaxDaysBefore = 30;

    public const string Channel = "online";

    /// <summary>
    /// Opens online voting, or changes it while it runs (tester5 T3). A re-open may move the first day and add
    /// proposals; it never takes a proposal off that already has online ballots or online proxies
    /// (<paramref name="onlineRecords"/> says what is recorded on it: 409 naming it), and it keeps the stored
    /// explanation of every proposal it names without one (an explanation of "" clears it). Proposals already
    /// on the list stay valid when closed meanwhile. A closed online voting opens again only when no code was
    /// ever issued (<paramref name="codesEverIssued"/>): then nobody could have voted and it was only planned (tester5 T6).
    /// </summary>
    public static Outcome<OnlineVoting> Open(
        OnlineVoting? current, string cooperativeId, Meeting meeting, OpenOnlineVoting command, LocalDate today, string actor, Instant now,
        Func<string, string?>? onlineRecords = null, bool codesEverIssued = true)
    {
        if (current is { ClosedAt: not null } && codesEverIssued)
            return Refusal.Conflict("online-voting-closed", $"De online stemming voor '{meeting.Id}' is gesloten en gaat niet opnieuw open: er zijn al stemcodes uitgegeven, en die zijn verlopen.");
        var v = new Validation();
        var opens = command.Opens ?? today;
        if (opens < meeting.Date.PlusDays(-MaxDaysBefore))
            v.Add("opens", $"mag niet eerder zijn dan de 30e dag vóór de vergadering ({DutchFormat.Date(meeting.Date.PlusDays(-MaxDaysBefore))}; BW 2:38a).");
        if (opens > meeting.Date)
            v.Add("opens", $"ligt na de vergadering ({DutchFormat.Date(meeting.Date)}).");
        if (meeting.Date < today)
            v.Add("meetingId", $"de vergadering was op {DutchFormat.Date(meeting.Date)}; online stemmen kan alleen tot en met die dag.");
        var stored = current?.Proposals.ToDictionary(p => p.ProposalId, StringComparer.Ordinal) ?? [];
        var proposals = new List<OnlineProposal>();
        var inputs = command.Proposals ?? [];
        if (inputs.Length == 0) v.Add("proposals", "noem minstens één voorstel.");
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            var id = input?.ProposalId?.Trim();
            if (string.IsNullOrEmpty(id)) { v.Add($"proposals[{i}].proposalId", "is verplicht."); continue; }
            var proposal = meeting.Proposals.FirstOrDefault(p => p.Id == id);
            var listed = stored.TryGetValue(id, out var was);
            if (proposal is null) v.Add($"proposals[{i}].proposalId", $"'{Slug.Truncate(id)}' staat niet op de agenda van '{meeting.Id}'.");
            else if (proposals.Any(p => p.ProposalId == id)) v.Add($"proposals[{i}].proposalId", $"'{id}' staat er twee keer in.");
            // Already on the list: it stays, also when closed meanwhile (its online votes were counted under it).
            else if (!listed && proposal.Closed is not null) v.Add($"proposals[{i}].proposalId", $"'{id}' is al gesloten.");
            else if (!listed && proposal.Mode == BallotMode.Tally) v.Add($"proposals[{i}].proposalId", $"voor '{id}' is de papieren telling al ingevoerd.");
            else
            {
                // Not given: the stored explanation stays (a re-open that only moves the first day loses nothing); "" clears it.
                var explanation = input!.Explanation is null ? was?.Explanation : v.OptionalNotes($"proposals[{i}].explanation", input.Explanation, 4000);
                proposals.Add(new OnlineProposal(id, explanation));
            }
        }
        if (v.HasErrors) return v.ToRefusal();
        var dropped = (current?.Proposals ?? [])
            .Where(p => proposals.All(n => n.ProposalId != p.ProposalId))
            .Select(p => (p.ProposalId, Recorded: onlineRecords?.Invoke(p.ProposalId)))
            .Where(d => d.Recorded is not null)
            .ToList();
        if (dropped.Count > 0)
        {
            var errors = dropped.Select(d => new FieldError("proposals",
                $"'{d.ProposalId}' kan niet van de online stemming af: leden hebben er al online over gestemd of volmacht voor gegeven ({d.Recorded}). Noem het weer in proposals.")).ToList();
            return Refusal.Conflict("online-proposal-has-votes",
                $"De online stemming voor '{meeting.Id}' is niet gewijzigd: {string.Join(" ", errors.Select(e => e.Reason))} "
                + "Een voorstel waarover al online gestemd is, blijft op de online stemming tot het gesloten wordt.", errors);
        }
        return Outcome<OnlineVoting>.Ok(current is null
            ? new OnlineVoting
            {
                CooperativeId = cooperativeId, MeetingId = meeting.Id, Proposals = [.. proposals], Opens = opens, MeetingDate = meeting.Date,
                OpenedBy = actor, OpenedAt = now,
            }
            : current with { Proposals = [.. proposals], Opens = opens, MeetingDate = meeting.Date, ClosedAt = null, ClosedBy = null });
    }

    /// <summary>"gepland" before the first day, "open" from then until closed or the meeting day has ended, then "gesloten".</summary>
    /// <summary>
    /// What a correction or removal of the meeting does to its online voting (tester5 T6): a voting on which no code was
    /// issued lapses when the meeting is gone or its first day no longer fits the new date, and otherwise follows the new
    /// date. Null when there is nothing to change (no voting, or it already has the meeting's date), so applying the same
    /// follow-up twice changes nothing the second time.
    /// </summary>
    /// <param name="meeting">The meeting as the ALV holds it now; null when it was removed.</param>
    /// <param name="window">The online window of <paramref name="meeting"/> under the statutes; null when none.</param>
    public static OnlineVotingFollowUp? AfterMeetingChange(OnlineVoting? voting, Meeting? meeting, OnlineWindow? window, bool codesIssued)
    {
        if (voting is null) return null;
        if (meeting is not null && meeting.Date == voting.MeetingDate) return null;
        var fits = meeting is not null && window is not null && voting.Opens >= window.Opens && voting.Opens <= window.Closes;
        if (meeting is not null && (fits || codesIssued))
            return new OnlineVotingFollowUp(voting with { MeetingDate = meeting.Date }, "online.moved",
                $"De online stemming voor '{voting.MeetingId}' volgt de nieuwe vergaderdatum {DutchFormat.Date(meeting.Date)} (open vanaf {DutchFormat.Date(voting.Opens)}).");
        return new OnlineVotingFollowUp(null, "online.cancelled", meeting is null
            ? $"De geplande online stemming voor '{voting.MeetingId}' is vervallen met de vergadering (er waren geen stemcodes uitgegeven)."
            : $"De geplande online stemming voor '{voting.MeetingId}' is vervallen: de eerste stemdag {DutchFormat.Date(voting.Opens)} past niet bij de nieuwe vergaderdatum {DutchFormat.Date(meeting.Date)}. Open de online stemming opnieuw.");
    }

    public static string Status(OnlineVoting voting, LocalDate today) =>
        voting.ClosedAt is not null || today > voting.MeetingDate ? "gesloten"
        : today < voting.Opens ? "gepland"
        : "open";

    /// <summary>
    /// The online turnout from the ALV's aggregate (the one place that counts it, in the ballot's own
    /// commit): members who voted online at the meeting, and online ballots over its proposals.
    /// </summary>
    public static (int Voters, int VotesCast) Turnout(Meeting? meeting) =>
        meeting is null ? (0, 0) : (meeting.OnlineVoters, meeting.Proposals.Where(p => !Alv.AlvRules.IsSameMeetingCorrection(p, meeting.Id)).Sum(p => p.Count.Online));

    public static bool AcceptsVotes(OnlineVoting? voting, LocalDate today) => voting is not null && Status(voting, today) == "open";

    /// <summary>The refusal code of a vote or proxy by (or for) a member who may not vote on the meeting date.</summary>
    public const string NotEligibleCode = "not-eligible";

    /// <summary>
    /// Null when the member with the code may vote at the meeting (the register on the meeting date);
    /// otherwise the one plain Dutch sentence the member reads on the paper and in every refusal.
    /// </summary>
    public static string? NotEligible(Members.Member? member, LocalDate meetingDate)
    {
        var meeting = DutchFormat.Date(meetingDate);
        const string Ask = " Heeft u vragen, neem dan contact op met het bestuur.";
        return member is null ? $"Uw lidnummer staat niet (meer) in het ledenregister, dus u kunt bij de vergadering van {meeting} niet stemmen en geen volmacht geven.{Ask}"
            : member.LeftOn is { } left && left <= meetingDate ? $"U bent per {DutchFormat.Date(left)} geen lid meer en kunt bij de vergadering van {meeting} niet stemmen en geen volmacht geven.{Ask}"
            : member.JoinedOn > meetingDate ? $"U bent pas per {DutchFormat.Date(member.JoinedOn)} lid en kunt bij de vergadering van {meeting} niet stemmen en geen volmacht geven.{Ask}"
            : !member.EligibleToVote ? $"Volgens de statuten bent u niet stemgerechtigd, dus u kunt bij de vergadering van {meeting} niet stemmen en geen volmacht geven.{Ask}"
            : null;
    }

    /// <summary>Null when the member who gave a proxy may vote at the meeting; otherwise the Dutch sentence the holder reads.</summary>
    public static string? GiverNotEligible(Members.Member? giver, string number, LocalDate meetingDate)
    {
        var meeting = DutchFormat.Date(meetingDate);
        var why = giver is null ? $"Lidnummer {number} staat niet (meer) in het ledenregister"
            : giver.LeftOn is { } left && left <= meetingDate ? $"Lid {number} is per {DutchFormat.Date(left)} geen lid meer"
            : giver.JoinedOn > meetingDate ? $"Lid {number} is pas per {DutchFormat.Date(giver.JoinedOn)} lid"
            : !giver.EligibleToVote ? $"Lid {number} is volgens de statuten niet stemgerechtigd"
            : null;
        return why is null ? null : $"{why} en mag bij de vergadering van {meeting} niet stemmen, dus met die volmacht kunt u niet stemmen.";
    }

    /// <summary>Codes can be handed out until voting has closed (also before it opens, so letters can go out early).</summary>
    public static Refusal? MayIssue(OnlineVoting? voting, LocalDate today, string meetingId) =>
        voting is null ? Refusal.Conflict("online-voting-not-open", $"Open eerst de online stemming voor '{meetingId}'.")
        : Status(voting, today) == "gesloten" ? Refusal.Conflict("online-voting-closed", "De online stemming is gesloten; codes zijn verlopen.")
        : null;
}

/// <summary>The online voting after its meeting changed (<see cref="OnlineVotingRules.AfterMeetingChange"/>): null when it lapsed; with the audit action and one Dutch sentence.</summary>
public sealed record OnlineVotingFollowUp(OnlineVoting? Next, string Action, string Summary);
