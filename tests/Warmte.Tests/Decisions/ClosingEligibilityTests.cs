using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Common;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Review3 F3 = tester A2: a member votes, then the board writes them out with a date on or before the meeting.
/// Closing counts only ballots (and proxies) of members eligible on the meeting date, against the electorate of
/// that date, and says what it left out — never "2 votes, 1 present".
/// </summary>
public sealed class ClosingEligibilityTests
{
    private static readonly LocalDate Held = new(2026, 12, 6);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 6, 11, 0);
    private static readonly string[] Numbers = ["Z-001", "Z-002", "Z-003", "Z-004", "Z-005", "Z-006"];

    private static Member Member(string number, LocalDate? leftOn = null) => new()
    {
        Number = number, Name = "Lid " + number, Category = MemberCategory.Huurder, Woningequivalenten = 1,
        Address = new DutchAddress("1073 AD", 1, null), JoinedOn = new LocalDate(2024, 5, 1), LeftOn = leftOn, EligibleToVote = true,
    };

    private static readonly ImmutableDictionary<string, Member> AtVoting = Numbers.ToImmutableDictionary(n => n, n => Member(n));

    private static readonly ConditionalWeakTable<AlvRecord, BallotBook> Books = new();
    private static BallotBook Book(AlvRecord record) => Books.TryGetValue(record, out var book) ? book : BallotBook.Empty;

    private static Outcome<AlvChange> Track(AlvRecord before, Outcome<AlvChange> outcome)
    {
        if (outcome.IsOk) Books.AddOrUpdate(outcome.Value!.Record, Book(before).With(outcome.Value.Facts));
        return outcome;
    }

    private static string Errors(Refusal? r) => r is null ? "" : r.Code + " " + r.Message + " " + string.Join("; ", r.Errors.Select(e => e.Field + ": " + e.Reason));

    private static AlvRecord Ok(Outcome<AlvChange> o) { Assert.True(o.IsOk, Errors(o.Refusal)); return o.Value!.Record; }

    private static AlvRecord Meeting(bool secret = false, bool online = false)
    {
        var record = AlvRecord.Empty;
        if (secret || online)
            record = AlvRules.SetStatutes(record, new SetStatutes
            {
                Electronic = online
                    ? new ElectronicVotingInput { AdvanceVotingAllowed = true, AdvanceVotersCountAsPresent = true, OnlineProxiesAllowed = true, SecretBallotTypes = secret ? ["Overig"] : [] }
                    : new ElectronicVotingInput { SecretBallotTypes = ["Overig"] },
            }).Value!.Value;
        var created = AlvRules.CreateMeeting(record, new CreateMeeting
        {
            Id = "alv", Title = "ALV vandaag", Date = Held, NoticeDate = Held.PlusDays(-8),
            Proposals = [new ProposalInput { Id = "jaarrekening", Title = "Jaarrekening 2025", DecisionType = "Overig" }],
        }, Held, "bestuur", Now);
        Assert.True(created.IsOk, Errors(created.Refusal));
        return created.Value!.Value;
    }

    private static Outcome<AlvChange> Vote(AlvRecord record, string member, string choice, string? holder = null) =>
        Track(record, AlvRules.CastBallot(record, "alv", "jaarrekening", new CastBallot { MemberNumber = member, Choice = choice, ProxyHolder = holder },
            MemberRules.Check(AtVoting, holder is null ? [member] : [member, holder], Held), Book(record), Held, "bestuur", Now));

    /// <summary>Closes as the grain does: the electorate and the eligibility of everyone the book names, from the register as it is at closing.</summary>
    private static Outcome<AlvChange> Close(AlvRecord record, ImmutableDictionary<string, Member> register)
    {
        var book = Book(record);
        var named = book.BallotsOf("alv", "jaarrekening").SelectMany(b => new[] { b.MemberNumber, b.ProxyHolder })
            .Concat(book.Present.Select(t => t.Split('/')[1]))
            .Concat(book.TallyOf("alv", "jaarrekening") is { } t ? t.Present : [])
            .OfType<string>().Distinct();
        return Track(record, AlvRules.Close(record, "alv", "jaarrekening", MemberRules.ElectorateOn(register.Values, Held), book, Held, "bestuur", Now,
            MemberRules.Check(register, named, Held)));
    }

    private static ImmutableDictionary<string, Member> Leave(string number, LocalDate on) => AtVoting.SetItem(number, Member(number, on));

    [Fact]
    public void The_testers_case_a_vote_of_a_member_written_out_on_the_meeting_day_is_left_out_and_said_so()
    {
        var record = Ok(Vote(Meeting(), "Z-004", "Voor"));
        record = Ok(Vote(record, "Z-001", "Tegen"));
        var closed = Close(record, Leave("Z-004", Held));
        var result = Ok(closed).Meetings[0].Proposals[0].Closed!.Result;
        Assert.Equal((0m, 1m, 0m), (result.For, result.Against, result.Abstain));
        Assert.Equal((1, 5), (result.PresentOrRepresented, result.EligibleMembers));
        Assert.Equal("1 stem niet meegeteld: lid Z-004 is op 06-12-2026 uitgeschreven", Assert.Single(result.LeftOut));
        Assert.Contains("1 stem niet meegeteld: lid Z-004 is op 06-12-2026 uitgeschreven.", closed.Value!.Change.Summary);
        // The closed proposal's figures are the counted ones.
        var proposal = Ok(closed).Meetings[0].Proposals[0];
        Assert.Equal((1, 1), (proposal.Count.Ballots, AlvRules.PresentOrRepresented(Ok(closed).Meetings[0], proposal)));
    }

    [Fact]
    public void A_ballot_cast_by_a_proxy_holder_written_out_before_the_meeting_is_left_out()
    {
        var record = Ok(Vote(Meeting(), "Z-002", "Voor", holder: "Z-003"));
        record = Ok(Vote(record, "Z-001", "Tegen"));
        var result = Ok(Close(record, Leave("Z-003", Held.PlusDays(-1)))).Meetings[0].Proposals[0].Closed!.Result;
        Assert.Equal((0m, 1m, 0, 1), (result.For, result.Against, result.Represented, result.PresentOrRepresented));
        Assert.Contains("lid Z-002 stemde bij volmacht via lid Z-003, maar lid Z-003 is op 05-12-2026 uitgeschreven", Assert.Single(result.LeftOut));
    }

    [Fact]
    public void A_member_written_out_after_the_meeting_still_counts()
    {
        var record = Ok(Vote(Meeting(), "Z-004", "Voor"));
        var result = Ok(Close(record, Leave("Z-004", Held.PlusDays(1)))).Meetings[0].Proposals[0].Closed!.Result;
        Assert.Equal((1m, 1), (result.For, result.PresentOrRepresented));
        Assert.Empty(result.LeftOut);
    }

    [Fact]
    public void Someone_on_the_attendance_list_written_out_is_not_present_for_the_quorum()
    {
        var record = Ok(Track(Meeting(), AlvRules.RecordAttendance(Meeting(), "alv", new RecordAttendance { Present = ["Z-001", "Z-002"] },
            MemberRules.Check(AtVoting, ["Z-001", "Z-002"], Held), BallotBook.Empty, Held, "bestuur", Now)));
        record = Ok(Vote(record, "Z-001", "Voor"));
        var result = Ok(Close(record, Leave("Z-002", Held))).Meetings[0].Proposals[0].Closed!.Result;
        Assert.Equal(1, result.PresentOrRepresented);
        Assert.Contains("lid Z-002 is op 06-12-2026 uitgeschreven", Assert.Single(result.LeftOut));
    }

    [Fact]
    public void A_member_written_out_after_voting_online_on_two_proposals_leaves_the_online_turnout_once()
    {
        var record = AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes { Electronic = new ElectronicVotingInput { AdvanceVotingAllowed = true } }).Value!.Value;
        record = AlvRules.CreateMeeting(record, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = Held, NoticeDate = Held.PlusDays(-8),
            Proposals = [new ProposalInput { Id = "jaarrekening", Title = "Jaarrekening", DecisionType = "Overig" }, new ProposalInput { Id = "tarief", Title = "Tarief", DecisionType = "Tariefbesluit" }],
        }, Held.PlusDays(-8), "bestuur", Now).Value!.Value;
        foreach (var (member, proposal) in new[] { ("Z-004", "jaarrekening"), ("Z-004", "tarief"), ("Z-001", "tarief") })
            record = Ok(Track(record, AlvRules.CastBallot(record, "alv", proposal, new CastBallot { MemberNumber = member, Choice = "Voor", Channel = BallotChannel.Online },
                MemberRules.Check(AtVoting, [member], Held), Book(record), Held.PlusDays(-3), "online", Now)));
        Assert.Equal(2, record.Meetings[0].OnlineVoters);

        var register = Leave("Z-004", Held.PlusDays(-1));
        foreach (var proposal in new[] { "jaarrekening", "tarief" })
        {
            var book = Book(record);
            var named = book.BallotsOf("alv", proposal).Select(b => b.MemberNumber).Distinct().ToArray();
            record = Ok(Track(record, AlvRules.Close(record, "alv", proposal, MemberRules.ElectorateOn(register.Values, Held), book, Held, "bestuur", Now,
                MemberRules.Check(register, named, Held))));
        }
        var meeting = record.Meetings[0];
        // Meeting.OnlineVoters counts who cast online (2); the turnout leaves Z-004 out once (tester4 T5: computed on reading).
        Assert.Equal(2, meeting.OnlineVoters);
        Assert.Equal((1, 1), AlvRules.OnlineTurnout(meeting, Book(record), new HashSet<string> { "Z-004" }, n => n != "Z-004"));
        // The same close as a release before b677193 stored it: the figure lowered by the close itself (1), Z-004's marks as today.
        // The meeting's 2 online marks say by how much; before, the reading took her off again (0 voters).
        var stored = meeting with { OnlineVoters = 1 };
        Assert.Equal((1, 1), AlvRules.OnlineTurnout(stored, Book(record), new HashSet<string> { "Z-004" }, n => n != "Z-004", onlineMarks: 2));
        Assert.Equal((1, 1), AlvRules.OnlineTurnout(meeting, Book(record), new HashSet<string> { "Z-004" }, n => n != "Z-004", onlineMarks: 2));
        Assert.Equal((0, 1), (meeting.Proposals[0].Count.Online, meeting.Proposals[1].Count.Online));
        Assert.Equal((0m, 1m), (meeting.Proposals[0].Closed!.Result.For, meeting.Proposals[1].Closed!.Result.For));
    }

    [Fact]
    public void A_secret_ballot_of_a_member_written_out_cannot_be_split_off_closing_is_refused_naming_the_member()
    {
        var record = Ok(Vote(Meeting(secret: true), "Z-004", "Voor"));
        record = Ok(Vote(record, "Z-001", "Tegen"));
        var refused = Close(record, Leave("Z-004", Held));
        Assert.Equal((RefusalKind.Conflict, "secret-ballot-not-eligible"), (refused.Refusal!.Kind, refused.Refusal.Code));
        Assert.Contains("lid Z-004 is op 06-12-2026 uitgeschreven", refused.Refusal.Message);
        Assert.True(Ok(Close(record, AtVoting)).Meetings[0].Proposals[0].Closed is not null);
    }

    [Fact]
    public void A_paper_count_with_a_member_written_out_on_its_list_is_entered_again_before_closing()
    {
        var meeting = Meeting();
        var record = Ok(Track(meeting, AlvRules.RecordTally(meeting, "alv", "jaarrekening", new RecordTally { For = 2, Against = 0, Abstain = 0, Present = ["Z-001", "Z-002"] },
            MemberRules.Check(AtVoting, ["Z-001", "Z-002"], Held), BallotBook.Empty, Held, "bestuur", Now)));
        var refused = Close(record, Leave("Z-002", Held));
        Assert.Equal("tally-not-eligible", refused.Refusal!.Code);
        Assert.Equal("present", Assert.Single(refused.Refusal.Errors).Field);
    }

    /// <summary>
    /// Any members vote (any choices, some by proxy), then any of them are written out with any date around the
    /// meeting: the closed totals are exactly the ballots of members (and holders) eligible on the meeting date,
    /// the present-or-represented count is at most the electorate of that date, and every ballot left out is named.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property The_counted_ballots_are_a_subset_of_the_electorate_on_the_meeting_date() =>
        Prop.ForAll((from votes in Gen.ArrayOf(from m in Gen.Elements(Numbers) from c in Gen.Elements("Voor", "Tegen", "Onthouding") from h in Gen.Elements<string?>(null, null, "Z-005", "Z-006") select (m, c, h))
                     from leaves in Gen.ArrayOf(from m in Gen.Elements(Numbers) from d in Gen.Choose(-20, 20) select (m, d))
                     select (votes, leaves)).ToArbitrary(), input =>
        {
            var record = Meeting();
            var cast = new List<(string Member, string Choice, string? Holder)>();
            foreach (var (member, choice, holder) in input.votes)
            {
                var attempt = Vote(record, member, choice, holder == member ? null : holder);
                if (!attempt.IsOk || attempt.Value!.Cast!.Repeat) continue;
                record = attempt.Value!.Record;
                cast.Add((member, choice, holder == member ? null : holder));
            }
            var register = AtVoting;
            foreach (var (member, days) in input.leaves) register = register.SetItem(member, Member(member, Held.PlusDays(days)));
            var closed = Close(record, register);
            Assert.True(closed.IsOk, Errors(closed.Refusal));
            var result = closed.Value!.Record.Meetings[0].Proposals[0].Closed!.Result;

            bool Eligible(string n) => register[n].MayVoteOn(Held);
            var counted = cast.Where(c => Eligible(c.Member) && (c.Holder is null || Eligible(c.Holder))).ToList();
            Assert.Equal((decimal)counted.Count(c => c.Choice == "Voor"), result.For);
            Assert.Equal((decimal)counted.Count(c => c.Choice == "Tegen"), result.Against);
            Assert.Equal((decimal)counted.Count(c => c.Choice == "Onthouding"), result.Abstain);
            var present = counted.SelectMany(c => c.Holder is null ? [c.Member] : new[] { c.Member, c.Holder }).ToHashSet();
            // Eligible holders of a left-out proxy were there in person and stay present.
            present.UnionWith(cast.Where(c => c.Holder is not null && Eligible(c.Holder)).Select(c => c.Holder!));
            Assert.True(present.All(Eligible));
            Assert.Equal(present.Count, result.PresentOrRepresented);
            Assert.True(result.PresentOrRepresented <= result.EligibleMembers);
            var left = cast.Count - counted.Count;
            if (left == 0) Assert.Empty(result.LeftOut);
            else Assert.StartsWith($"{left} {(left == 1 ? "stem" : "stemmen")} niet meegeteld: ", Assert.Single(result.LeftOut));
        });

    /// <summary>A ballot as the grain casts it: the register as it is now, asked about the voter, the holder, the givers the holder carries and the holder of the voter's earlier vote.</summary>
    private static int receipts;

    private static Outcome<AlvChange> VoteNow(AlvRecord record, ImmutableDictionary<string, Member> register, string member, string choice, string? holder,
        BallotChannel channel = BallotChannel.Meeting)
    {
        var book = Book(record);
        var named = new[] { member, holder, book.Voter("alv", "jaarrekening", member)?.ProxyHolder }.OfType<string>()
            .Concat(holder is null ? [] : book.ProxiesOf("alv", "jaarrekening", holder).Select(p => p.Member)).Distinct();
        // An online ballot always has its receipt (the voting page derives one per attempt).
        var receipt = channel == BallotChannel.Online ? $"ontvangst-{Interlocked.Increment(ref receipts):D8}" : null;
        return Track(record, AlvRules.CastBallot(record, "alv", "jaarrekening", new CastBallot { MemberNumber = member, Choice = choice, ProxyHolder = holder, Channel = channel, Receipt = receipt },
            MemberRules.Check(register, named, Held), book, Held, "bestuur", Now));
    }

    /// <summary>The paper tally as the grain enters it: the register as it is now, asked about the list and the holders of the listed members' earlier votes.</summary>
    private static Outcome<AlvChange> TallyNow(AlvRecord record, ImmutableDictionary<string, Member> register, string[] present, int forVotes, int against, int abstain)
    {
        var book = Book(record);
        var named = present.Concat(present.Select(n => book.Voter("alv", "jaarrekening", n)?.ProxyHolder).OfType<string>()).Distinct();
        return Track(record, AlvRules.RecordTally(record, "alv", "jaarrekening",
            new RecordTally { For = forVotes, Against = against, Abstain = abstain, Present = [.. present] },
            MemberRules.Check(register, named, Held), book, Held, "bestuur", Now));
    }

    [Fact]
    public void Tester4_T1_a_giver_whose_holder_was_written_out_may_be_on_the_paper_tallys_list_and_counts_once_there()
    {
        var record = Ok(VoteNow(Meeting(online: true), AtVoting, "Z-001", "Voor", "Z-004", BallotChannel.Online));
        record = Ok(VoteNow(record, AtVoting, "Z-002", "Tegen", null, BallotChannel.Online));
        var register = Leave("Z-004", Held);
        // Before: 400 "lid Z-001 heeft al gestemd (online, bij volmacht door lid Z-004)", though that vote cannot count.
        record = Ok(TallyNow(record, register, ["Z-001", "Z-003"], 0, 1, 1));
        // A member whose online vote counts is still refused on the list.
        var twice = TallyNow(record, register, ["Z-001", "Z-002", "Z-003"], 0, 2, 1);
        Assert.Equal("present[1]", Assert.Single(twice.Refusal!.Errors).Field);
        Assert.Contains("heeft al gestemd (online)", twice.Refusal.Errors[0].Reason);
        // Entering the same list again is fine (the tally replaces itself), and her vote on it now counts: she cannot vote online too.
        record = Ok(TallyNow(record, register, ["Z-001", "Z-003"], 0, 1, 1));
        Assert.Equal("already-voted", VoteNow(record, register, "Z-001", "Voor", null, BallotChannel.Online).Refusal?.Code);
        var live = AlvRules.CountedNow(record.Meetings[0], Book(record), MemberRules.Check(register, Numbers, Held));
        var closed = Ok(Close(record, register));
        var result = closed.Meetings[0].Proposals[0].Closed!.Result;
        // Z-001 and Z-003 on paper (1 against, 1 abstain), Z-002 online against; Z-004's vote for Z-001 left out.
        Assert.Equal((0m, 2m, 1m), (result.For, result.Against, result.Abstain));
        Assert.Equal(3, result.PresentOrRepresented);
        Assert.Equal("1 stem niet meegeteld: lid Z-001 stemde bij volmacht via lid Z-004, maar lid Z-004 is op 06-12-2026 uitgeschreven; de latere stem van lid Z-001 telt wel",
            Assert.Single(result.LeftOut));
        // Her mark stays her vote on the paper list, not a "left out" mark; the live count was the closed one.
        Assert.Equal((BallotChannel.Tally, null), (Book(closed).Voter("alv", "jaarrekening", "Z-001")!.Channel, Book(closed).Voter("alv", "jaarrekening", "Z-001")!.LeftOut));
        Assert.Equal(result.PresentOrRepresented, AlvRules.PresentOrRepresented(live, live.Proposals[0]));
        Assert.Equal(1, live.Proposals[0].Count.Ballots);
    }

    [Fact]
    public void Tester4_T1_on_a_secret_ballot_the_paper_tally_refuses_the_freed_giver_as_her_ballot_does()
    {
        var record = Ok(VoteNow(Meeting(secret: true, online: true), AtVoting, "Z-001", "Voor", "Z-004", BallotChannel.Online));
        var register = Leave("Z-004", Held);
        var refused = TallyNow(record, register, ["Z-003", "Z-001"], 0, 0, 2);
        Assert.Equal("dead-proxy-secret", refused.Refusal?.Code);
        Assert.Equal("present[1]", Assert.Single(refused.Refusal!.Errors).Field);
        Assert.Contains("geheime stemming", refused.Refusal.Message);
        Assert.Equal("dead-proxy-secret", VoteNow(record, register, "Z-001", "Tegen", null).Refusal?.Code);
    }

    [Fact]
    public void Tester4_T1_a_giver_whose_holder_was_written_out_votes_herself_and_that_vote_counts_once()
    {
        var record = Ok(VoteNow(Meeting(), AtVoting, "Z-001", "Voor", "Z-004"));
        record = Ok(VoteNow(record, AtVoting, "Z-002", "Tegen", null));
        var register = Leave("Z-004", Held);
        // Her holder may not vote: the proxy vote does not count, so she is free (before: 409 already-voted "die stem telt").
        var own = VoteNow(record, register, "Z-001", "Tegen", null);
        record = Ok(own);
        // Now her vote counts: a third one is refused.
        Assert.Equal("already-voted", VoteNow(record, register, "Z-001", "Voor", null).Refusal?.Code);
        var closed = Close(record, register);
        var result = Ok(closed).Meetings[0].Proposals[0].Closed!.Result;
        Assert.Equal((0m, 2m, 0m), (result.For, result.Against, result.Abstain));
        Assert.Equal(2, result.PresentOrRepresented);
        Assert.Equal("1 stem niet meegeteld: lid Z-001 stemde bij volmacht via lid Z-004, maar lid Z-004 is op 06-12-2026 uitgeschreven; de latere stem van lid Z-001 telt wel",
            Assert.Single(result.LeftOut));
        // Her mark is her own counted vote, not a "left out" mark.
        Assert.Null(Book(Ok(closed)).Voter("alv", "jaarrekening", "Z-001")!.LeftOut);
    }

    [Fact]
    public void Tester4_T1_on_a_secret_ballot_the_dead_proxy_vote_cannot_be_replaced_and_the_giver_is_told_why()
    {
        var record = Ok(VoteNow(Meeting(secret: true), AtVoting, "Z-001", "Voor", "Z-004"));
        var refused = VoteNow(record, Leave("Z-004", Held), "Z-001", "Tegen", null);
        Assert.Equal("dead-proxy-secret", refused.Refusal?.Code);
        Assert.Contains("telt niet", refused.Refusal!.Message);
        Assert.Contains("geheime stemming", refused.Refusal.Message);
    }

    /// <summary>
    /// Tester4 T1 and T5, tester5 T1, for any sequence: members vote (some by proxy, online or at the meeting), are written out (on
    /// the meeting day), are rejoined, and withdraw the proxy their vote went through, in any order before the close. Then every
    /// eligible member's vote is counted exactly once, by herself or through a holder who may vote: a member is refused "already
    /// voted" only while her vote counts, a member whose vote does not count can vote herself, and the close counts each eligible
    /// member once. A proxy vote withdrawn while it did not count never counts again, also when its holder is rejoined. A holder
    /// is refused a proxy only when the proxies whose counting vote went through her fill the statutes' maximum (1). What the
    /// papers read (the counting mark: who voted, through whom) is the model's, and the live count before closing is the closed count.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Tester4_any_proxies_votes_and_leavings_count_every_eligible_member_exactly_once() =>
        Prop.ForAll(Gen.ArrayOf(from step in Gen.Elements(Step.Vote, Step.Vote, Step.Vote, Step.Vote, Step.Leave, Step.Leave, Step.Rejoin, Step.Rejoin, Step.Withdraw, Step.Withdraw)
                                from m in Gen.Elements(Numbers)
                                from c in Gen.Elements("Voor", "Tegen", "Onthouding") from h in Gen.Elements<string?>(null, null, "Z-004", "Z-005", "Z-006")
                                from online in Gen.Elements(false, true)
                                select (step, m, c, h, online)).ToArbitrary(), ops =>
        {
            var record = Meeting(online: true);
            var register = AtVoting;
            var last = new Dictionary<string, (string Choice, string? Holder, bool Online, bool Withdrawn)>();
            var holders = new HashSet<string>();
            bool Eligible(string n) => register[n].MayVoteOn(Held);
            bool Counts(string n) => last.TryGetValue(n, out var v) && Eligible(n) && !v.Withdrawn && (v.Holder is null || Eligible(v.Holder));
            void Accept(Outcome<AlvChange> o, string m, string c, string? h, bool online)
            {
                record = o.Value!.Record;
                last[m] = (c, h, online, false);
                if (h is not null) holders.Add(h);
            }
            foreach (var (step, member, choice, h, online) in ops)
            {
                switch (step)
                {
                    // Mostly the holders are written out and rejoined: that is where a proxy vote dies and could revive.
                    case Step.Leave: register = register.SetItem(h ?? member, Member(h ?? member, Held)); continue;
                    case Step.Rejoin: register = register.SetItem(h ?? member, Member(h ?? member)); continue;
                    case Step.Withdraw:
                    {
                        // She takes her online proxy from the holder her vote went through (or from one she never voted through).
                        var from = last.TryGetValue(member, out var mine) && mine.Holder is { } via ? via : h;
                        var withdrawn = WithdrawNow(record, register, member, from);
                        // Refused while that vote is alive (its holder may vote and it was not withdrawn), as the rule of Earlier says.
                        if (mine.Holder is not null && mine.Holder == from && !mine.Withdrawn && Eligible(from))
                            Assert.Equal("proxy-used", withdrawn.Refusal?.Code);
                        else
                        {
                            Assert.True(withdrawn.IsOk, Errors(withdrawn.Refusal));
                            record = withdrawn.Value!.Record;
                            // Only an online proxy vote that does not count is withdrawn (a proxy at the meeting is the board's).
                            if (mine.Holder is not null && mine.Holder == from && mine.Online && !Eligible(mine.Holder)) last[member] = mine with { Withdrawn = true };
                        }
                        continue;
                    }
                }
                var holder = h == member ? null : h;
                var counted = Counts(member);
                var carried = holder is null ? 0 : last.Count(g => g.Key != member && Counts(g.Key) && g.Value.Holder == holder);
                var attempt = VoteNow(record, register, member, choice, holder, online ? BallotChannel.Online : BallotChannel.Meeting);
                if (attempt.IsOk && !attempt.Value!.Cast!.Repeat) { Assert.False(counted, "a second counted vote was accepted"); Accept(attempt, member, choice, holder, online); }
                else if (!attempt.IsOk && attempt.Refusal!.Code == "already-voted") Assert.True(counted, "refused as voted while the vote does not count: " + Errors(attempt.Refusal));
                else if (!attempt.IsOk && attempt.Refusal!.Code == "too-many-proxies") Assert.True(carried >= 1, "a slot taken by a vote that does not count through her: " + Errors(attempt.Refusal));
            }
            // What the papers read: the counting mark says she voted (and through whom) exactly when the model counts her vote.
            var check = MemberRules.Check(register, Numbers, Held);
            var proposal = record.Meetings[0].Proposals[0];
            foreach (var n in Numbers.Where(Eligible))
            {
                var mark = AlvRules.CountingMark(proposal, Book(record).Voter("alv", "jaarrekening", n), x => !check.Refused.ContainsKey(x));
                Assert.Equal(Counts(n), mark is not null);
                if (mark is not null) Assert.Equal(last[n].Holder, mark.ProxyHolder);
            }
            foreach (var n in Numbers.Where(Eligible))
            {
                var own = VoteNow(record, register, n, "Onthouding", null);
                if (Counts(n)) Assert.True(own.Refusal?.Code == "already-voted" || own.Value?.Cast?.Repeat == true, Errors(own.Refusal));
                else { Assert.True(own.IsOk && !own.Value!.Cast!.Repeat, Errors(own.Refusal)); Accept(own, n, "Onthouding", null, false); }
            }
            var live = AlvRules.CountedNow(record.Meetings[0], Book(record), MemberRules.Check(register, Numbers, Held));
            var closed = Close(record, register);
            Assert.True(closed.IsOk, Errors(closed.Refusal));
            var meeting = closed.Value!.Record.Meetings[0];
            var result = meeting.Proposals[0].Closed!.Result;
            var voters = Numbers.Where(Eligible).ToList();
            Assert.All(voters, n => Assert.True(Counts(n)));
            Assert.Equal((decimal)voters.Count(n => last[n].Choice == "Voor"), result.For);
            Assert.Equal((decimal)voters.Count(n => last[n].Choice == "Tegen"), result.Against);
            Assert.Equal((decimal)voters.Count(n => last[n].Choice == "Onthouding"), result.Abstain);
            Assert.Equal(voters.Count, meeting.Proposals[0].Count.Ballots);
            // Present or represented: the counted voters and their holders, and eligible holders of a proxy vote left out (there in person).
            var present = voters.Concat(holders.Where(Eligible)).ToHashSet();
            Assert.Equal(present.Count, result.PresentOrRepresented);
            Assert.True(result.PresentOrRepresented <= result.EligibleMembers);
            // The live figures are the closed ones (tester4 T5).
            Assert.Equal(meeting.Proposals[0].Count.Ballots, live.Proposals[0].Count.Ballots);
            Assert.Equal(result.PresentOrRepresented, AlvRules.PresentOrRepresented(live, live.Proposals[0]));
            Assert.Equal((result.For, result.Against, result.Abstain), (live.Proposals[0].Count.For, live.Proposals[0].Count.Against, live.Proposals[0].Count.Abstain));
        });

    public enum Step { Vote, Leave, Rejoin, Withdraw }

    /// <summary>The giver takes her online proxy on the proposal from <paramref name="holder"/>, as the online voting grain asks the ALV.</summary>
    private static Outcome<AlvChange> WithdrawNow(AlvRecord record, ImmutableDictionary<string, Member> register, string giver, string? holder)
    {
        var book = Book(record);
        var named = new[] { giver, holder, book.Voter("alv", "jaarrekening", giver)?.ProxyHolder }.OfType<string>().Distinct();
        return Track(record, AlvRules.WithdrawProxyVotes(record, "alv", giver, [new ProxyWithdrawal("jaarrekening", holder)], MemberRules.Check(register, named, Held), book, "online", Now));
    }

    /// <summary>
    /// Tester5 T1 in the rules, as the tester did it: Z-001's holder Z-004 votes for her and is written out; she withdraws that proxy,
    /// Z-005 votes for her through a new one, and Z-004 is rejoined. The withdrawn vote stays dead: Z-005's vote is the one that
    /// counts (before: refused "already voted", and the close counted Z-004's Voor), and it takes no slot of Z-004's.
    /// </summary>
    [Fact]
    public void Tester5_T1_a_withdrawn_proxy_vote_does_not_count_again_when_its_holder_is_rejoined()
    {
        var record = Meeting(online: true);
        record = Ok(VoteNow(record, AtVoting, "Z-001", "Voor", "Z-004", BallotChannel.Online));
        var written = Leave("Z-004", Held);
        record = Ok(WithdrawNow(record, written, "Z-001", "Z-004"));
        Assert.True(Book(record).Voter("alv", "jaarrekening", "Z-001")!.Withdrawn);
        // Z-004 rejoined: the withdrawn vote does not count, Z-001 is free, and Z-004 can still carry one proxy (Z-002's).
        Assert.Null(AlvRules.CountingMark(record.Meetings[0].Proposals[0], Book(record).Voter("alv", "jaarrekening", "Z-001"), _ => true));
        record = Ok(VoteNow(record, AtVoting, "Z-001", "Tegen", "Z-005", BallotChannel.Online));
        record = Ok(VoteNow(record, AtVoting, "Z-002", "Tegen", "Z-004", BallotChannel.Online));
        var result = Ok(Close(record, AtVoting)).Meetings[0].Proposals[0].Closed!.Result;
        Assert.Equal((0m, 2m), (result.For, result.Against));
        Assert.Equal("1 stem niet meegeteld: lid Z-001 stemde bij volmacht via lid Z-004, maar trok die volmacht daarna in; de latere stem van lid Z-001 telt wel",
            Assert.Single(result.LeftOut));
    }

    /// <summary>Tester5 T5: on a secret ballot a dead proxy vote cannot be taken out, so it cannot be withdrawn or replaced either; the refusal names no field.</summary>
    [Fact]
    public void Tester5_T5_on_a_secret_ballot_a_dead_proxy_vote_cannot_be_withdrawn_and_the_refusal_names_no_field()
    {
        var record = Meeting(secret: true, online: true);
        record = Ok(VoteNow(record, AtVoting, "Z-001", "Voor", "Z-004", BallotChannel.Online));
        var refused = WithdrawNow(record, Leave("Z-004", Held), "Z-001", "Z-004");
        Assert.Equal("dead-proxy-secret", refused.Refusal?.Code);
        Assert.Empty(refused.Refusal!.Errors);
        Assert.Contains("Het bestuur beslist", refused.Refusal.Message);
    }

    /// <summary>
    /// Tester4 T1 on paper: members vote online (some by proxy) and are written out in any order; then every eligible member
    /// whose vote does not count votes — in one run each by her own online ballot, in the other all on the paper tally's list.
    /// The list follows the ballots' rule: it takes exactly the members an online ballot would take (a member whose vote counts
    /// is refused "heeft al gestemd" on both), and the two closes agree with each other and with the model, as does the live count.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Tester4_the_paper_tally_and_online_ballots_free_the_same_givers_and_count_alike() =>
        Prop.ForAll(Gen.ArrayOf(from leave in Gen.Elements(false, false, false, true) from m in Gen.Elements(Numbers)
                                from c in Gen.Elements("Voor", "Tegen", "Onthouding") from h in Gen.Elements<string?>(null, null, "Z-004", "Z-005", "Z-006")
                                select (leave, m, c, h)).ToArbitrary(), ops =>
        {
            var record = Meeting(online: true);
            var register = AtVoting;
            var last = new Dictionary<string, (string Choice, string? Holder)>();
            bool Eligible(string n) => register[n].MayVoteOn(Held);
            bool Counts(string n) => last.TryGetValue(n, out var v) && Eligible(n) && (v.Holder is null || Eligible(v.Holder));
            foreach (var (leave, member, choice, h) in ops)
            {
                if (leave) { register = register.SetItem(member, Member(member, Held)); continue; }
                var holder = h == member ? null : h;
                var attempt = VoteNow(record, register, member, choice, holder, BallotChannel.Online);
                if (attempt.IsOk && !attempt.Value!.Cast!.Repeat) { record = attempt.Value.Record; last[member] = (choice, holder); }
            }
            var free = Numbers.Where(n => Eligible(n) && !Counts(n)).ToArray();
            foreach (var n in Numbers.Where(Counts))
                Assert.Contains("heeft al gestemd", Errors(TallyNow(record, register, [n], 0, 0, 1).Refusal));
            var online = record;
            foreach (var n in free) online = Ok(VoteNow(online, register, n, "Onthouding", null, BallotChannel.Online));
            var paper = free.Length == 0 ? record : Ok(TallyNow(record, register, free, 0, 0, free.Length));
            foreach (var n in free) last[n] = ("Onthouding", null);
            var voters = Numbers.Where(Eligible).ToList();
            DecisionResult Closed(AlvRecord r)
            {
                var live = AlvRules.CountedNow(r.Meetings[0], Book(r), MemberRules.Check(register, Numbers, Held));
                var result = Ok(Close(r, register)).Meetings[0].Proposals[0].Closed!.Result;
                Assert.Equal(result.PresentOrRepresented, AlvRules.PresentOrRepresented(live, live.Proposals[0]));
                var totals = AlvRules.Totals(live.Proposals[0]);
                Assert.Equal((result.For, result.Against, result.Abstain), (totals.For, totals.Against, totals.Abstain));
                return result;
            }
            var byBallot = Closed(online);
            var byPaper = Closed(paper);
            Assert.Equal((decimal)voters.Count(n => last[n].Choice == "Voor"), byBallot.For);
            Assert.Equal((decimal)voters.Count(n => last[n].Choice == "Tegen"), byBallot.Against);
            Assert.Equal((decimal)voters.Count(n => last[n].Choice == "Onthouding"), byBallot.Abstain);
            Assert.Equal((byBallot.For, byBallot.Against, byBallot.Abstain, byBallot.PresentOrRepresented), (byPaper.For, byPaper.Against, byPaper.Abstain, byPaper.PresentOrRepresented));
        });
}
