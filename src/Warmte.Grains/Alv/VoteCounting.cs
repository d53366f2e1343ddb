using System.Collections.Immutable;
namespace Warmte.Alv;

public enum VoteChoice
{
    Voor,
    Tegen,
    Onthouding,
}

public enum DecisionOutcome
{
    Aangenomen,
    Verworpen,
    GeenQuorum,
}

/// <summary>
/// The votes on one proposal, already weighted (one per member, or woningequivalenten with up to two
/// decimals). Decimal sums of such weights are exact.
/// </summary>
public readonly record struct VoteTotals(decimal For, decimal Against, decimal Abstain)
{
    public VoteTotals Add(VoteChoice choice, decimal weight) => choice switch
    {
        VoteChoice.Voor => this with { For = For + weight },
        VoteChoice.Tegen => this with { Against = Against + weight },
        _ => this with { Abstain = Abstain + weight },
    };
}

/// <summary>
/// A closed proposal's result with the exact counts behind it. Percentages are for reading only;
/// the outcome was decided on the integers.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DecisionResult
{
    [Id(0)] public required DecisionOutcome Outcome { get; init; }
    // Decimal since weighted votes may be fractional (2,5 woningequivalenten); results stored with whole numbers load unchanged.
    [Id(1)] public required decimal For { get; init; }
    [Id(2)] public required decimal Against { get; init; }
    [Id(3)] public required decimal Abstain { get; init; }
    /// <summary>The votes the majority is measured against (for + against, plus abstentions if they count).</summary>
    [Id(4)] public required decimal Denominator { get; init; }
    [Id(5)] public required int EligibleMembers { get; init; }
    [Id(6)] public required int PresentOrRepresented { get; init; }
    [Id(7)] public required bool QuorumMet { get; init; }
    /// <summary>True when the quorum was waived because this is the second meeting and the statutes allow it.</summary>
    [Id(8)] public required bool QuorumWaived { get; init; }
    /// <summary>For-votes as a percentage of <see cref="Denominator"/>, two decimals, half away from zero.</summary>
    [Id(9)] public required decimal ForPercent { get; init; }
    [Id(10)] public required DecisionRule Rule { get; init; }
    [Id(11)] public required int Represented { get; init; }
    /// <summary>
    /// What closing left out of the count, in Dutch: ballots (and proxies) of members not eligible on the
    /// meeting date, e.g. written out with a date on or before it after they voted (review3 F3). Empty: nothing.
    /// </summary>
    [Id(12)] public ImmutableArray<string> LeftOut { get; init; } = [];

    /// <summary>
    /// <see cref="LeftOut"/> without member numbers or reasons: for everyone but the cooperative's own board and admins
    /// (tester9b T1; who voted, through whom and who was written out when are personal data). Each note keeps its count,
    /// the part before its first colon ("1 stem niet meegeteld"); derived, not stored, so results closed before read alike.
    /// </summary>
    public ImmutableArray<string> LeftOutCounts() =>
        LeftOut.IsDefaultOrEmpty ? [] : [.. LeftOut.Select(CountOnly)];

    /// <summary>This result as others than the own board may see it: <see cref="LeftOut"/> holds <see cref="LeftOutCounts"/>.</summary>
    public DecisionResult WithoutMembers() => LeftOut.IsDefaultOrEmpty ? this : this with { LeftOut = LeftOutCounts() };

    /// <summary>Who may read the member numbers is said once here, in Dutch, so a reader knows the details exist.</summary>
    public const string MembersForBoardOnly = "lidnummers en redenen alleen voor het bestuur van de coöperatie";

    private static string CountOnly(string note)
    {
        var colon = note.IndexOf(':');
        // Every note closing writes starts with its count ("2 stemmen niet meegeteld: …", "1 lid op de presentielijst …: …").
        return colon > 0 && char.IsAsciiDigit(note[0]) ? $"{note[..colon]} ({MembersForBoardOnly})" : $"Niet alles is meegeteld ({MembersForBoardOnly})";
    }

    /// <summary>
    /// One Dutch line: "Aangenomen: 96 voor, 4 tegen, 0 onthoudingen (96,00% van 100; 2/3 vereist)"; the share through
    /// <see cref="DutchFormat.Percent"/>, always two decimals (tester T8.5). What closing left out follows as counts only, unless
    /// <paramref name="withMembers"/> (the own board and admins: <see cref="LeftOut"/> with member numbers; tester9b T1).
    /// </summary>
    public string Describe(bool withMembers = false)
    {
        var leftOut = withMembers ? LeftOut : LeftOutCounts();
        var outcome = Outcome switch
        {
            DecisionOutcome.Aangenomen => "Aangenomen",
            DecisionOutcome.Verworpen => "Verworpen",
            _ => "Geen quorum",
        };
        var need = $"{(Rule.MajorityRule == MajorityRule.MoreThan ? "meer dan" : "minstens")} {Rule.Majority} vereist";
        var quorum = Rule.Quorum == Share.None ? "" :
            $"; {PresentOrRepresented} van {EligibleMembers} stemgerechtigden aanwezig of vertegenwoordigd, quorum {Rule.Quorum}{(QuorumWaived ? " (vervalt: tweede vergadering)" : "")}";
        static string Votes(decimal votes) => votes.ToString("0.##", DutchFormat.Culture);
        // Nothing to take a share of (everyone abstained, or nobody voted): say that instead of "0,00% van 0" (tester10 T13).
        var share = Denominator != 0 ? $"{DutchFormat.Percent(ForPercent / 100m)} van {Votes(Denominator)}"
            : For + Against + Abstain == 0 ? "geen stemmen uitgebracht" : "geen stemmen voor of tegen, alleen onthoudingen";
        return $"{outcome}: {Votes(For)} voor, {Votes(Against)} tegen, {Votes(Abstain)} {DutchFormat.Noun(Abstain, "onthouding", "onthoudingen")} ({share}; {need}{quorum})"
            + (leftOut.IsDefaultOrEmpty ? "" : ". " + string.Join(". ", leftOut));
    }
}

/// <summary>Decides a proposal from its totals and the statutes' rule, in exact arithmetic (integers, or decimals of at most two places).</summary>
public static class VoteCounting
{
    public static DecisionResult Decide(
        DecisionRule rule, VoteTotals totals, int eligibleMembers, int presentOrRepresented, int represented, bool secondMeeting)
    {
        var quorumMet = rule.Quorum == Share.None || rule.Quorum.CompareTo(presentOrRepresented, eligibleMembers) >= 0 && eligibleMembers > 0;
        var waived = !quorumMet && secondMeeting && rule.SecondMeetingWithoutQuorum;
        var denominator = totals.For + totals.Against + (rule.AbstentionsCount ? totals.Abstain : 0);
        var compared = denominator == 0 ? -1 : rule.Majority.CompareTo(totals.For, denominator);
        var passes = rule.MajorityRule == MajorityRule.MoreThan ? compared > 0 : compared >= 0;
        var outcome = !(quorumMet || waived) ? DecisionOutcome.GeenQuorum
            : passes && denominator > 0 ? DecisionOutcome.Aangenomen
            : DecisionOutcome.Verworpen;
        return new DecisionResult
        {
            Outcome = outcome, For = totals.For, Against = totals.Against, Abstain = totals.Abstain, Denominator = denominator,
            EligibleMembers = eligibleMembers, PresentOrRepresented = presentOrRepresented, Represented = represented,
            QuorumMet = quorumMet, QuorumWaived = waived,
            ForPercent = denominator == 0 ? 0m : Math.Round(totals.For * 100m / denominator, 2, MidpointRounding.AwayFromZero),
            Rule = rule,
        };
    }
}
