using System.Collections.Immutable;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>
/// Tester6 T9: proxies come out in agenda order, not by proposal id. The agenda "tarief, statuten, benoeming" sorted by id is
/// exactly reversed, and a member who marked the ballots by position voted the wrong way for the giver.
/// </summary>
public sealed class ProxyOrderTests
{
    private static readonly string[] Agenda = ["tarief-2027", "statuten", "benoeming"];

    private static ProxyBook Book(params (string Giver, string Proposal, string Holder)[] grants)
    {
        var book = ProxyBook.Empty;
        foreach (var byGiver in grants.GroupBy(g => g.Giver))
            book = book.With(byGiver.Key, byGiver.ToImmutableDictionary(g => g.Proposal, g => g.Holder, StringComparer.Ordinal));
        return book;
    }

    [Fact]
    public void A_givers_proxies_are_listed_in_agenda_order()
    {
        var book = Book(("OW-003", "benoeming", "OW-004"), ("OW-003", "tarief-2027", "OW-004"), ("OW-003", "statuten", "OW-004"));
        Assert.Equal(["tarief-2027", "statuten", "benoeming"], book.Of("OW-003", Agenda).Select(g => g.ProposalId));
    }

    [Fact]
    public void A_holder_sees_each_givers_proposals_in_agenda_order_giver_by_giver()
    {
        var book = Book(("OW-007", "statuten", "OW-004"), ("OW-003", "benoeming", "OW-004"), ("OW-003", "tarief-2027", "OW-004"),
            ("OW-007", "benoeming", "OW-004"), ("OW-003", "statuten", "OW-004"), ("OW-005", "tarief-2027", "OW-009"));
        Assert.Equal(
            ["OW-003/tarief-2027", "OW-003/statuten", "OW-003/benoeming", "OW-007/statuten", "OW-007/benoeming"],
            book.HeldBy("OW-004", Agenda).Select(h => $"{h.Giver}/{h.ProposalId}"));
    }

    [Fact]
    public void A_proposal_no_longer_on_the_agenda_comes_last()
    {
        var book = Book(("OW-003", "aaa-weg", "OW-004"), ("OW-003", "benoeming", "OW-004"));
        Assert.Equal(["benoeming", "aaa-weg"], book.Of("OW-003", Agenda).Select(g => g.ProposalId));
    }

    /// <summary>Tester6 T14e: she holds a proxy and has not voted with it; the refusal says she holds one, not that she votes with it.</summary>
    [Fact]
    public void A_holder_who_gives_a_proxy_herself_is_told_she_already_holds_one()
    {
        var book = Book(("L-1", "jaarplan", "L-2"));
        var context = new ProxyContext
        {
            OnlineProxiesAllowed = _ => true, MaxPerHolder = _ => 1, IsOpenProposal = _ => true, IsEligible = _ => true, HasVoted = (_, _) => false,
        };
        var refused = OnlineProxyRules.Give(book, "L-2", "L-3", ["jaarplan"], context);
        Assert.False(refused.IsOk);
        Assert.Equal("U heeft voor 'jaarplan' al een volmacht van een ander lid; dan kunt u zelf geen volmacht geven.", refused.Refusal!.Message);
    }
}
