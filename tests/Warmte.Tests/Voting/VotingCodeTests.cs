using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

public sealed class VotingCodeTests
{
    private static readonly IVotingCodeHasher Hasher = new HmacVotingCodeHasher(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void A_code_is_four_groups_of_four_from_the_crockford_alphabet()
    {
        var code = VotingCodes.NewCode();
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$", code);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", VotingCodes.NewReceipt());
    }

    [Fact]
    public void The_alphabet_has_32_symbols_without_the_ambiguous_letters()
    {
        Assert.Equal(32, VotingCodes.Alphabet.Distinct().Count());
        foreach (var letter in "ILOU") Assert.DoesNotContain(letter, VotingCodes.Alphabet);
        // 16 symbols of 5 bits: at least 80 bits.
        Assert.True(VotingCodes.CodeSymbols * 5 >= 80);
    }

    [Fact]
    public void Codes_do_not_repeat()
    {
        var codes = Enumerable.Range(0, 20_000).Select(_ => VotingCodes.NewCode()).ToHashSet();
        Assert.Equal(20_000, codes.Count);
    }

    [Fact]
    public void Every_symbol_turns_up_in_every_position()
    {
        // A biased generator (e.g. a modulo over a non-multiple) would leave symbols out or favour some.
        var counts = new int[VotingCodes.CodeSymbols, 32];
        for (var n = 0; n < 4_000; n++)
        {
            var symbols = VotingCodes.NewCode().Replace("-", "");
            for (var i = 0; i < symbols.Length; i++) counts[i, VotingCodes.Alphabet.IndexOf(symbols[i])]++;
        }
        // Expected 125 per cell; below 50 is astronomically unlikely for a uniform source.
        for (var i = 0; i < VotingCodes.CodeSymbols; i++)
            for (var s = 0; s < 32; s++) Assert.InRange(counts[i, s], 50, 250);
    }

    [Theory]
    [InlineData("7kq3 m9xd 2htb r4vn", "7KQ3-M9XD-2HTB-R4VN")]
    [InlineData("7KQ3M9XD2HTBR4VN", "7KQ3-M9XD-2HTB-R4VN")]
    [InlineData("#7KQ3-M9XD-2HTB-R4VN", "7KQ3-M9XD-2HTB-R4VN")]
    [InlineData(" 0OIL-1111-0000-ABCD ", "0011-1111-0000-ABCD")]
    [InlineData("oooo-iiii-llll-zzzz", "0000-1111-1111-ZZZZ")]
    public void Typed_codes_are_read_tolerantly(string typed, string canonical) =>
        Assert.Equal(canonical, VotingCodes.ParseCode(typed));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("7KQ3-M9XD-2HTB-R4V")]      // one short
    [InlineData("7KQ3-M9XD-2HTB-R4VNX")]    // one too many
    [InlineData("7KQ3-M9XD-2HTB-R4VU")]     // U is not a symbol
    [InlineData("7KQ3-M9XD-2HTB-R4V!")]
    [InlineData("7KQ3-M9XD-2HTB-R4VN' OR 1=1")]
    public void Anything_else_is_not_a_code(string? typed) => Assert.Null(VotingCodes.ParseCode(typed));

    private static Arbitrary<string> Codes() => Gen.Constant(0).Select(_ => VotingCodes.NewCode()).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property A_code_reads_back_as_itself() =>
        Prop.ForAll(Codes(), code => VotingCodes.ParseCode(code) == code);

    [Property(MaxTest = 300)]
    public Property Case_spacing_and_look_alikes_do_not_matter() =>
        Prop.ForAll(Codes(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (code, seed) =>
        {
            var random = new Random(seed);
            var mangled = string.Concat(code.Replace("-", "").Select(c =>
            {
                var s = c switch
                {
                    '0' => random.Next(2) == 0 ? "O" : "0",
                    '1' => new[] { "1", "I", "L", "l", "i" }[random.Next(5)],
                    _ => c.ToString(),
                };
                s = random.Next(2) == 0 ? s.ToLowerInvariant() : s;
                return random.Next(4) == 0 ? s + (random.Next(2) == 0 ? " " : "-") : s;
            }));
            return VotingCodes.ParseCode(mangled) == code;
        });

    [Property(MaxTest = 300)]
    public Property Two_different_codes_never_read_as_the_same() =>
        Prop.ForAll(Codes(), Codes(), (a, b) => a == b || VotingCodes.ParseCode(a) != VotingCodes.ParseCode(b));

    [Property(MaxTest = 300)]
    public Property Receipts_read_back_and_are_not_voting_codes() =>
        Prop.ForAll(Gen.Constant(0).Select(_ => VotingCodes.NewReceipt()).ToArbitrary(),
            receipt => VotingCodes.ParseReceipt(receipt.ToLowerInvariant()) == receipt && VotingCodes.ParseCode(receipt) is null);

    [Fact]
    public void The_stored_hash_is_keyed_and_is_not_the_code()
    {
        var code = VotingCodes.NewCode();
        var hash = Hasher.Hash(code);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.DoesNotContain(code.Replace("-", ""), hash, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(hash, Hasher.Hash(code));
        var otherKey = new HmacVotingCodeHasher(Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());
        Assert.NotEqual(hash, otherKey.Hash(code));
        Assert.NotEqual(hash, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(code))));
    }
}

public sealed class OnlineVotingRulesTests
{
    private static Warmte.Alv.Meeting MeetingOn(NodaTime.LocalDate date) => new()
    {
        Id = "alv", Title = "ALV", Date = date, NoticeDate = date.PlusDays(-14), CreatedBy = "t", CreatedAt = NodaTime.Instant.FromUtc(2027, 1, 1, 0, 0),
        Proposals = [new Warmte.Alv.Proposal { Id = "p", Title = "P", DecisionType = Warmte.Alv.DecisionType.Overig, Mode = Warmte.Alv.BallotMode.Open }],
    };

    [Property(MaxTest = 300)]
    public Property Voting_opens_no_earlier_than_the_30th_day_before_the_meeting_and_not_after_it() =>
        Prop.ForAll(Gen.Choose(-60, 10).ToArbitrary(), offset =>
        {
            var meetingDate = new NodaTime.LocalDate(2027, 3, 20);
            var today = new NodaTime.LocalDate(2027, 1, 1);
            var outcome = OnlineVotingRules.Open(null, "coop", MeetingOn(meetingDate),
                new OpenOnlineVoting { Opens = meetingDate.PlusDays(offset), Proposals = [new OnlineProposalInput { ProposalId = "p" }] },
                today, "bestuur", NodaTime.Instant.FromUtc(2027, 1, 1, 0, 0));
            return outcome.IsOk == (offset >= -30 && offset <= 0);
        });

    [Fact]
    public void Voting_is_planned_then_open_then_closed_at_the_end_of_the_meeting_day()
    {
        var voting = new OnlineVoting
        {
            CooperativeId = "c", MeetingId = "alv", Proposals = [], Opens = new NodaTime.LocalDate(2027, 3, 1), MeetingDate = new NodaTime.LocalDate(2027, 3, 20),
            OpenedBy = "b", OpenedAt = NodaTime.Instant.FromUtc(2027, 2, 1, 0, 0),
        };
        Assert.Equal("gepland", OnlineVotingRules.Status(voting, new NodaTime.LocalDate(2027, 2, 28)));
        Assert.Equal("open", OnlineVotingRules.Status(voting, new NodaTime.LocalDate(2027, 3, 1)));
        Assert.Equal("open", OnlineVotingRules.Status(voting, new NodaTime.LocalDate(2027, 3, 20)));
        Assert.Equal("gesloten", OnlineVotingRules.Status(voting, new NodaTime.LocalDate(2027, 3, 21)));
        Assert.Equal("gesloten", OnlineVotingRules.Status(voting with { ClosedAt = NodaTime.Instant.FromUtc(2027, 3, 10, 0, 0) }, new NodaTime.LocalDate(2027, 3, 10)));
        Assert.False(OnlineVotingRules.AcceptsVotes(voting, new NodaTime.LocalDate(2027, 2, 28)));
    }
}
