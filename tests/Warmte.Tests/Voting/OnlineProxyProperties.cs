using FsCheck.Xunit;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>
/// For any sequence of give, withdraw and vote (by the holder or by the giver), the online proxy
/// rules never let a holder carry more proxies on a proposal than the statutes allow, never move or
/// drop a proxy that has been voted with, and never let a member both give and hold one on a proposal.
/// </summary>
public sealed class OnlineProxyProperties
{
    private static readonly string[] Members = ["L-1", "L-2", "L-3", "L-4", "L-5", "L-6"];
    private static readonly string[] Proposals = ["a", "b", "c"];

    /// <summary>The statutes' maximum per proposal: 1, 2 and 0 (no proxies for "c").</summary>
    private static int Max(string proposal) => proposal switch { "a" => 1, "b" => 2, _ => 0 };

    [Property(MaxTest = 300)]
    public bool No_sequence_breaks_the_maximum_or_loses_a_used_proxy((int Op, int Giver, int Holder, int Proposal)[] steps)
    {
        var book = ProxyBook.Empty;
        var voted = new HashSet<(string Member, string Proposal)>();
        var usedBy = new Dictionary<(string Giver, string Proposal), string>();
        var context = new ProxyContext
        {
            OnlineProxiesAllowed = _ => true,
            MaxPerHolder = Max,
            IsOpenProposal = Proposals.Contains,
            IsEligible = m => m != "L-6", // L-6 is not eligible on the meeting date
            HasVoted = (m, p) => voted.Contains((m, p)),
        };
        foreach (var (op, g, h, p) in steps ?? [])
        {
            var giver = Members[Math.Abs(g % Members.Length)];
            var holder = Members[Math.Abs(h % Members.Length)];
            var proposal = Proposals[Math.Abs(p % Proposals.Length)];
            switch (Math.Abs(op % 5))
            {
                case 0:
                    // The grain says whether the giver may vote on the meeting date (tester A1: L-6 may not, so gives nothing).
                    var given = OnlineProxyRules.Give(book, giver, holder, [proposal],
                        context with { GiverNotEligible = context.IsEligible(giver) ? null : "Lid L-6 mag niet stemmen." });
                    if (given.IsOk) book = given.Value!;
                    break;
                case 1:
                    var withdrawn = OnlineProxyRules.Withdraw(book, giver, [proposal], context);
                    if (withdrawn.IsOk) book = withdrawn.Value!;
                    break;
                case 2:
                    var all = OnlineProxyRules.Withdraw(book, giver, null, context);
                    if (all.IsOk) book = all.Value!;
                    break;
                case 3: // the holder votes for the giver (the ALV takes it when nobody voted for the giver yet)
                    if (book.HolderFor(giver, proposal) == holder && voted.Add((giver, proposal))) usedBy[(giver, proposal)] = holder;
                    break;
                default: // the giver votes themselves
                    voted.Add((giver, proposal));
                    break;
            }
            foreach (var m in Members)
                foreach (var q in Proposals)
                {
                    if (book.GiversTo(m, q).Length > Max(q)) return false;
                    if (!book.GiversTo(m, q).IsEmpty && book.HolderFor(m, q) is not null) return false;
                    if (book.HolderFor(m, q) is { } x && (x == m || x == "L-6")) return false;
                }
            if (!book.Of("L-6").IsEmpty) return false; // a member not eligible on the meeting date never gives a proxy
            foreach (var ((gv, q), hd) in usedBy)
                if (book.HolderFor(gv, q) != hd) return false;
        }
        return true;
    }

    /// <summary>
    /// Tester A1: a giver not eligible on the meeting date is refused (409 not-eligible, field "code") with
    /// the grain's sentence; a proxy given before the giver was written out is dead: it takes no slot of
    /// the holder (the maximum counts eligible givers only) and does not stop the holder from giving one.
    /// </summary>
    [Fact]
    public void A_giver_not_eligible_is_refused_and_a_dead_proxy_takes_no_slot()
    {
        var eligible = new HashSet<string> { "L-1", "L-2", "L-3" };
        var context = new ProxyContext
        {
            OnlineProxiesAllowed = _ => true, MaxPerHolder = Max, IsOpenProposal = Proposals.Contains,
            IsEligible = eligible.Contains, HasVoted = (_, _) => false,
        };
        // L-3 gives L-2 the one proxy allowed on "a" while still a member; then L-3 is written out.
        var book = OnlineProxyRules.Give(ProxyBook.Empty, "L-3", "L-2", ["a"], context).Value!;
        Assert.Equal("too-many-proxies", OnlineProxyRules.Give(book, "L-1", "L-2", ["a"], context).Refusal!.Code);
        eligible.Remove("L-3");
        var given = OnlineProxyRules.Give(book, "L-1", "L-2", ["a"], context);
        Assert.True(given.IsOk);
        Assert.Equal(new[] { "L-1", "L-3" }, given.Value!.GiversTo("L-2", "a").ToArray());
        // A holder of only a dead proxy may give one themselves on that proposal.
        Assert.True(OnlineProxyRules.Give(book, "L-2", "L-1", ["a"], context).IsOk);
        // The former member giving one is refused with the grain's sentence, the field "code".
        var refused = OnlineProxyRules.Give(book, "L-3", "L-1", ["b"], context with { GiverNotEligible = "U bent per 15-03-2027 geen lid meer." });
        Assert.Equal("not-eligible", refused.Refusal!.Code);
        Assert.Equal("U bent per 15-03-2027 geen lid meer.", refused.Refusal.Message);
        Assert.Equal(new[] { "code" }, refused.Refusal.Errors.Select(e => e.Field).ToArray());
    }
}
