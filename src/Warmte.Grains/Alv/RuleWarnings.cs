namespace Warmte.Alv;

/// <summary>
/// Dutch warnings about decision rules a board may not expect (tester10 T1, T3, T4): said with the statutes and with online
/// voting, so a board learns before closing, not from a "Geen quorum" after it. Pure: statutes and meetings in, sentences out.
/// </summary>
public static class RuleWarnings
{
    /// <summary>
    /// Warnings for the statutes as read (<see cref="Statutes.WithLaw"/>) against the cooperative's meetings: a stored override
    /// read as a frozen law derivation, online voters who do not count for a quorum, and open proposals whose rules were fixed
    /// at their first vote and differ from these statutes (they are closed with their fixed rules).
    /// </summary>
    public static IReadOnlyList<string> ForStatutes(Statutes statutes, IEnumerable<Meeting> meetings, string cooperativeId)
    {
        var warnings = new List<string>();
        foreach (var ignored in statutes.IgnoredOverrides)
            warnings.Add($"De opgeslagen regel voor {ignored.Type} ({AlvRules.Describe(ignored.Rule)}) is wat de wet eerder uit de toenmalige standaardregel "
                + $"afleidde, geen keuze van het bestuur; ze volgt nu de standaardregel: {AlvRules.Describe(statutes.RuleFor(ignored.Type))}. "
                + $"Wilt u toch een eigen regel voor {ignored.Type}, leg die dan vast als uitzondering (overrides; warmte alv statutes {cooperativeId} --file).");
        // Statutes saved before every override was the board's own choice: a kept rule for a statute change may still be a copy
        // the old round trip froze, so the board confirms it (review19 #3).
        foreach (var kept in statutes.KeptOverrides)
            warnings.Add($"De opgeslagen regel voor {kept.Type} is opgeslagen vóór de statuten onderscheid maakten tussen een eigen keuze en wat de wet "
                + $"uit de standaardregel afleidt; ze is behouden als keuze van het bestuur: {AlvRules.Describe(statutes.RuleFor(kept.Type))}"
                + (kept.Rule.Quorum != statutes.RuleFor(kept.Type).Quorum
                    ? $" (met het quorum van de standaardregel, {statutes.Default.Quorum}, in plaats van het opgeslagen quorum {kept.Rule.Quorum}: een statutenwijziging vraagt nooit een lager quorum dan een gewoon besluit, tenzij het bestuur dat opnieuw vastlegt)"
                    : "")
                + $". Klopt dat niet, leg de statuten dan opnieuw vast (warmte alv statutes {cooperativeId}); laat u de uitzondering weg, dan volgt {kept.Type} de standaardregel.");
        foreach (var before in statutes.RulesBeforeReading)
            if (meetings.SelectMany(m => m.Proposals.Where(p => p.Closed is null && p.Rules is null && p.DecisionType == before.Type && ProposalRules.HasVotes(p))
                    .Select(p => $"{m.Id}/{p.Id}")).ToList() is { Count: > 0 } votedBefore)
                warnings.Add($"Op {(votedBefore.Count == 1 ? "het open voorstel" : "de open voorstellen")} {string.Join(", ", votedBefore)} "
                    + $"is gestemd onder de opgeslagen regel voor {before.Type} zoals die toen gold ({AlvRules.Describe(before.Rule)}); "
                    + $"die regel blijft ervoor gelden, ook bij het sluiten.");
        if (statutes.Electronic.AdvanceVotingAllowed && !statutes.Electronic.AdvanceVotersCountAsPresent
            && QuorumTypes(statutes).ToList() is { Count: > 0 } withQuorum)
            warnings.Add($"Online stemmers tellen onder deze statuten niet mee voor het quorum ({string.Join(", ", withQuorum)}): wie alleen online stemt, "
                + "is voor het quorum niet aanwezig of vertegenwoordigd. " + HowToCount(cooperativeId));
        var open = meetings.SelectMany(m => m.Proposals.Where(p => p.Closed is null).Select(p => (Meeting: m, Proposal: p))).ToList();
        var fixedOther = open.Where(x => x.Proposal.Rules is { } r && r.DifferFrom(statutes, x.Proposal.DecisionType))
            .Select(x => $"{x.Meeting.Id}/{x.Proposal.Id}").ToList();
        if (fixedOther.Count > 0)
        {
            var free = open.Where(x => x.Proposal.Rules is null).Select(x => $"{x.Meeting.Id}/{x.Proposal.Id}").ToList();
            warnings.Add($"Deze besluitregels gelden niet voor {(fixedOther.Count == 1 ? "het open voorstel" : "de open voorstellen")} waarop al gestemd is: "
                + $"{string.Join(", ", fixedOther)}. De regels van een voorstel liggen vast vanaf de eerste stem, en het wordt daarmee gesloten."
                + (free.Count > 0 ? $" Ze gelden wel voor de open voorstellen waarop nog niet is gestemd: {string.Join(", ", free)}." : ""));
        }
        return warnings;
    }

    /// <summary>
    /// One sentence when online voters will not count for the quorum of an online proposal (its rules, fixed or as the
    /// statutes say now), else null: for <c>alv online open</c> and the …/online status (tester10 T4).
    /// </summary>
    public static string? OnlineQuorum(Statutes statutes, IEnumerable<Proposal> onlineProposals, string cooperativeId)
    {
        var rules = onlineProposals.Where(p => p.Closed is null).Select(p => (p.Id, Rules: ProposalRules.Of(statutes, p, default))).ToList();
        var notCounted = rules.Where(x => x.Rules.Rule.Quorum != Share.None && !x.Rules.AdvanceVotersCountAsPresent).ToList();
        if (notCounted.Count == 0) return null;
        var fixedOnes = notCounted.Where(x => onlineProposals.First(p => p.Id == x.Id).Rules is not null).Select(x => x.Id).ToList();
        return $"Online stemmers tellen onder deze statuten niet mee voor het quorum van {string.Join(", ", notCounted.Select(x => $"{x.Id} (quorum {x.Rules.Rule.Quorum})"))}: "
            + "wie alleen online stemt, is voor het quorum niet aanwezig of vertegenwoordigd. "
            + HowToCount(cooperativeId)
            + (fixedOnes.Count > 0 ? $" Voor {string.Join(", ", fixedOnes)} is al gestemd; daar liggen de regels vast en verandert dat niet meer." : "");
    }

    private static string HowToCount(string cooperativeId) =>
        $"Als de statuten vooraf-stemmers als aanwezig laten tellen, leg dat dan vast vóór de eerste stem: warmte alv statutes {cooperativeId} --online-present ja "
        + "(API: electronic.advanceVotersCountAsPresent: true).";

    private static IEnumerable<string> QuorumTypes(Statutes statutes)
    {
        if (statutes.Default.Quorum != Share.None) yield return $"standaard quorum {statutes.Default.Quorum}";
        foreach (var o in statutes.Overrides.Where(o => !o.Derived && o.Rule.Quorum != Share.None && o.Rule.Quorum != statutes.Default.Quorum))
            yield return $"{o.Type}: quorum {o.Rule.Quorum}";
    }
}
