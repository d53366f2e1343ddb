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
            OnlineProxiesAllowed = true,
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
                    var given = OnlineProxyRules.Give(book, giver, holder, [proposal], context);
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
            foreach (var ((gv, q), hd) in usedBy)
                if (book.HolderFor(gv, q) != hd) return false;
        }
        return true;
    }
}
