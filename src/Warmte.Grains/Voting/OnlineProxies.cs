using System.Collections.Immutable;
using Warmte.Common;

namespace Warmte.Voting;

/// <summary>One proxy (volmacht) a member gave online: on this proposal, this other member votes for them.</summary>
[GenerateSerializer, Immutable]
public sealed record ProxyGrant([property: Id(0)] string ProposalId, [property: Id(1)] string Holder);

/// <summary>
/// The online proxies of one meeting: per giver, per proposal, the holder. Built from the voting
/// grain's "proxy" journal rows (one row per give or withdraw, tagged with the giver, holding the
/// giver's whole current set; the newest row of a giver counts).
/// </summary>
public sealed record ProxyBook(ImmutableDictionary<string, ImmutableDictionary<string, string>> ByGiver)
{
    public static readonly ProxyBook Empty = new(ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty.WithComparers(StringComparer.Ordinal));

    public ImmutableArray<ProxyGrant> Of(string giver) =>
        ByGiver.TryGetValue(giver, out var g) ? [.. g.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ProxyGrant(p.Key, p.Value))] : [];

    /// <summary>
    /// The giver's proxies in agenda order (<paramref name="agenda"/>: the meeting's proposal ids as listed), as the member page
    /// shows them: ordered by id they came out reversed for an agenda "tarief, statuten, benoeming" and a member marked the
    /// wrong ballot by position (tester6 T9).
    /// </summary>
    public ImmutableArray<ProxyGrant> Of(string giver, IReadOnlyList<string> agenda) =>
        [.. Of(giver).OrderBy(p => AgendaPosition(agenda, p.ProposalId))];

    /// <summary>Every (giver, proposal) whose proxy this member holds: per giver (by number), that giver's proposals in agenda order.</summary>
    public ImmutableArray<(string Giver, string ProposalId)> HeldBy(string holder, IReadOnlyList<string> agenda) =>
        [.. HeldBy(holder).OrderBy(x => x.Giver, StringComparer.Ordinal).ThenBy(x => AgendaPosition(agenda, x.ProposalId))];

    /// <summary>The proposal's place on the agenda; one not on it (removed since) comes last. The sorts are stable, so ties keep their order.</summary>
    public static int AgendaPosition(IReadOnlyList<string> agenda, string proposalId)
    {
        for (var i = 0; i < agenda.Count; i++)
            if (agenda[i] == proposalId) return i;
        return int.MaxValue;
    }

    public string? HolderFor(string giver, string proposalId) =>
        ByGiver.TryGetValue(giver, out var g) && g.TryGetValue(proposalId, out var h) ? h : null;

    /// <summary>The givers whose proxy on this proposal this member holds (used or not).</summary>
    public ImmutableArray<string> GiversTo(string holder, string proposalId) =>
        [.. ByGiver.Where(g => g.Value.TryGetValue(proposalId, out var h) && h == holder).Select(g => g.Key).Order(StringComparer.Ordinal)];

    /// <summary>Every (giver, proposal) whose proxy this member holds.</summary>
    public ImmutableArray<(string Giver, string ProposalId)> HeldBy(string holder) =>
        [.. ByGiver.SelectMany(g => g.Value.Where(p => p.Value == holder).Select(p => (Giver: g.Key, ProposalId: p.Key)))
            .OrderBy(x => x.Giver, StringComparer.Ordinal).ThenBy(x => x.ProposalId, StringComparer.Ordinal)];

    public ProxyBook With(string giver, ImmutableDictionary<string, string> grants) =>
        new(grants.IsEmpty ? ByGiver.Remove(giver) : ByGiver.SetItem(giver, grants));
}

/// <summary>What the rules need to know beyond the book: statutes, eligibility and who has voted (the ALV's records).</summary>
public sealed record ProxyContext
{
    /// <summary>
    /// Whether a proposal takes online proxies: its fixed rules (<see cref="Alv.ProposalRules"/>) once it got a vote, else the
    /// statutes' Electronic.OnlineProxiesAllowed, as the holder's ballot is judged (review19 #4).
    /// </summary>
    public required Func<string, bool> OnlineProxiesAllowed { get; init; }

    /// <summary>The statutes' maximum of proxies per holder for a proposal (its decision type's rule).</summary>
    public required Func<string, int> MaxPerHolder { get; init; }

    /// <summary>The proposals that take online votes now (open, on the online ballot).</summary>
    public required Func<string, bool> IsOpenProposal { get; init; }

    /// <summary>Whether a member may vote at this meeting (the register on the meeting date): the holder, and the givers already in the book (a proxy of a member who may not vote is dead: it blocks no one).</summary>
    public required Func<string, bool> IsEligible { get; init; }

    /// <summary>Null when the giver may vote at this meeting; otherwise why not, in Dutch (the member page shows it as it is).</summary>
    public string? GiverNotEligible { get; init; }

    /// <summary>Whether this member's vote on the proposal has been cast, by any channel (themselves or by proxy).</summary>
    public required Func<string, string, bool> HasVoted { get; init; }
}

/// <summary>
/// Giving and withdrawing an online proxy: pure rules. The ALV grain stays the judge when the holder
/// votes (one vote per member across channels, the maximum of exercised proxies); these rules keep a
/// proxy from being given that could never be used, and refuse early with the field named.
/// </summary>
public static class OnlineProxyRules
{
    public static Outcome<ProxyBook> Give(ProxyBook book, string giver, string? holderInput, IReadOnlyList<string?>? proposalIds, ProxyContext context)
    {
        var asked = (proposalIds ?? []).Select(id => id?.Trim()).Where(id => !string.IsNullOrEmpty(id) && context.IsOpenProposal(id)).ToList();
        if (asked.Count > 0 && asked.All(id => !context.OnlineProxiesAllowed(id!)))
            return Refusal.Conflict("online-proxy-off", "De statuten staan geen volmacht via online stemmen toe.",
                [new FieldError("holder", "de statuten staan geen online volmacht toe.")]);
        // Only a member who may vote at the meeting can let another vote for them (tester A1: a member written
        // out before the meeting gave proxies that took the holder's one slot and could never be used).
        if (context.GiverNotEligible is { } notEligible)
            return Conflict(OnlineVotingRules.NotEligibleCode, "code", notEligible);
        var v = new Validation();
        var holder = string.IsNullOrWhiteSpace(holderInput) ? null : Members.MemberRules.NormaliseNumber(holderInput);
        if (holder is null) v.Add("holder", "is verplicht: het lidnummer van wie voor u stemt.");
        else if (holder == giver) v.Add("holder", "u kunt uzelf geen volmacht geven.");
        else if (!context.IsEligible(holder)) v.Add("holder", $"lid '{Slug.Truncate(holder)}' is geen stemgerechtigd lid op de vergaderdatum.");
        var ids = proposalIds ?? [];
        if (ids.Count == 0) v.Add("proposalIds", "kies minstens één voorstel.");
        var chosen = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i]?.Trim();
            if (string.IsNullOrEmpty(id)) v.Add($"proposalIds[{i}]", "is leeg.");
            else if (!context.IsOpenProposal(id)) v.Add($"proposalIds[{i}]", $"over '{Slug.Truncate(id)}' wordt nu niet online gestemd.");
            else if (chosen.Contains(id)) v.Add($"proposalIds[{i}]", $"'{id}' staat er twee keer in.");
            else chosen.Add(id);
        }
        if (v.HasErrors) return v.ToRefusal();
        var current = book.ByGiver.TryGetValue(giver, out var g) ? g : ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        for (var i = 0; i < chosen.Count; i++)
        {
            var id = chosen[i];
            if (!context.OnlineProxiesAllowed(id))
                return Conflict("online-proxy-off", $"proposalIds[{i}]",
                    $"Voor '{id}' staan de regels geen volmacht via online stemmen toe (ze liggen vast sinds de eerste stem op dit voorstel).");
            if (context.HasVoted(giver, id))
                return Conflict("already-voted", $"proposalIds[{i}]", $"Over '{id}' is uw stem al uitgebracht; een volmacht kan alleen voor voorstellen waarop u nog niet stemde.");
            if (book.GiversTo(giver, id).Any(context.IsEligible))
                return Conflict("proxy-holder-represented", $"proposalIds[{i}]", $"U heeft voor '{id}' al een volmacht van een ander lid; dan kunt u zelf geen volmacht geven.");
            if (book.HolderFor(holder!, id) is not null)
                return Conflict("proxy-holder-represented", "holder", $"Lid {holder} heeft voor '{id}' zelf een volmacht gegeven en kan er geen ontvangen.");
            // A dead proxy (its giver may not vote on the meeting date) takes no slot: the ALV counts the same way (tester T1).
            var carried = Alv.ProxySlots.Taken(book.GiversTo(holder!, id).Where(x => x != giver), context.IsEligible);
            var max = context.MaxPerHolder(id);
            if (carried >= max)
                return Conflict("too-many-proxies", "holder",
                    max == 0 ? $"De statuten staan bij '{id}' geen stemmen bij volmacht toe."
                    : $"Lid {holder} heeft voor '{id}' al {carried} {DutchFormat.Noun(carried, "volmacht", "volmachten")}; de statuten staan er maximaal {max} toe.");
        }
        foreach (var id in chosen) current = current.SetItem(id, holder!);
        return Outcome<ProxyBook>.Ok(book.With(giver, current));
    }

    /// <summary>Withdraws the named proposals' proxies (none named: every proxy not yet used); a used proxy stays.</summary>
    public static Outcome<ProxyBook> Withdraw(ProxyBook book, string giver, IReadOnlyList<string?>? proposalIds, ProxyContext context)
    {
        if (!book.ByGiver.TryGetValue(giver, out var current))
            return Conflict("no-proxy", "proposalIds", "U heeft geen volmacht gegeven.");
        var ids = proposalIds is { Count: > 0 } ? proposalIds : [.. current.Keys.Where(id => !context.HasVoted(giver, id))];
        if (ids.Count == 0) return Conflict("proxy-used", "proposalIds", $"Met uw {DutchFormat.Noun(current.Count, "volmacht", "volmachten")} is al gestemd; intrekken kan niet meer.");
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i]?.Trim();
            if (string.IsNullOrEmpty(id) || !current.TryGetValue(id, out var holder))
                return Conflict("no-proxy", $"proposalIds[{i}]", $"Voor '{Slug.Truncate(id ?? "")}' heeft u geen volmacht gegeven.");
            if (!context.OnlineProxiesAllowed(id))
                return Conflict("online-proxy-off", $"proposalIds[{i}]",
                    $"Voor '{id}' staan de regels geen volmacht via online stemmen toe (ze liggen vast sinds de eerste stem op dit voorstel).");
            if (context.HasVoted(giver, id))
                return Conflict("proxy-used", $"proposalIds[{i}]", $"Over '{id}' is al gestemd (door lid {holder} met uw volmacht, of door uzelf); die stem telt en de volmacht kan niet meer worden ingetrokken.");
            current = current.Remove(id);
        }
        return Outcome<ProxyBook>.Ok(book.With(giver, current));
    }

    private static Refusal Conflict(string code, string field, string message) =>
        Refusal.Conflict(code, message, [new FieldError(field, message)]);
}
