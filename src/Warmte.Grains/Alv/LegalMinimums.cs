namespace Warmte.Alv;

/// <summary>
/// What the law asks of every ALV decision whatever the statutes say (domain brief; BW book 2): a
/// statute change needs at least two thirds of the votes cast, and every meeting is called at least
/// seven days ahead. Statutes may be stricter, never softer. <see cref="Statutes.RuleFor"/> applies
/// these always, so statutes stored before they were enforced (e.g. a PUT that sent only a default
/// and so lost the Statutenwijziging rule) are read correctly without a migration.
/// </summary>
public static class LegalMinimums
{
    public const int NoticeDays = 7;
    public static readonly Share StatuteChangeMajority = new(2, 3);
    public const MajorityRule StatuteChangeMajorityRule = MajorityRule.AtLeast;

    /// <summary>Decision types that have a legal minimum beyond the notice period.</summary>
    public static readonly IReadOnlyList<DecisionType> TypesWithOwnMinimum = [DecisionType.Statutenwijziging];

    /// <summary>The rule made at least as strict as the law for this decision type (unchanged when it already is).</summary>
    public static DecisionRule Apply(DecisionType type, DecisionRule rule)
    {
        var r = rule.MinimumNoticeDays < NoticeDays ? rule with { MinimumNoticeDays = NoticeDays } : rule;
        if (type == DecisionType.Statutenwijziging && IsSofter(r.Majority, r.MajorityRule, StatuteChangeMajority, StatuteChangeMajorityRule))
            r = r with { Majority = StatuteChangeMajority, MajorityRule = StatuteChangeMajorityRule };
        return r;
    }

    /// <summary>Whether a rule is below the law for its type (a stored or recorded rule; for a warning).</summary>
    public static bool IsBelowLaw(DecisionType type, DecisionRule rule) => Apply(type, rule) != rule;

    /// <summary>Dutch reasons why a rule is below the law, with the field each belongs to (empty when it is not).</summary>
    public static IEnumerable<(string Field, string Reason)> Violations(DecisionType? type, DecisionRule rule)
    {
        if (rule.MinimumNoticeDays < NoticeDays)
            yield return ("minimumNoticeDays", $"moet minstens {NoticeDays} dagen zijn: de wet (BW boek 2) vraagt een oproeptermijn van minstens {NoticeDays} dagen; statuten mogen een langere termijn vragen, geen kortere.");
        if (type == DecisionType.Statutenwijziging && IsSofter(rule.Majority, rule.MajorityRule, StatuteChangeMajority, StatuteChangeMajorityRule))
            yield return ("majority", $"'{(rule.MajorityRule == MajorityRule.MoreThan ? "meer dan" : "minstens")} {rule.Majority}' is minder dan de wet toestaat: een statutenwijziging vraagt volgens de wet (BW boek 2) minstens 2/3 van de uitgebrachte stemmen; statuten mogen strenger zijn, niet soepeler.");
    }

    /// <summary>
    /// One Dutch sentence for a closed proposal decided below the law, or null: a statute change counted with
    /// a majority below 2/3 (the recorded rule), or a meeting actually called fewer than 7 days ahead
    /// (<paramref name="noticeDaysGiven"/>: from the meeting's notice date to its date). The notice the
    /// statutes' rule asked for does not matter here, only the notice the meeting had (review2 F5).
    /// </summary>
    public static string? Note(DecisionType type, DecisionRule rule, int noticeDaysGiven)
    {
        var reasons = new List<string>();
        if (noticeDaysGiven < NoticeDays)
            reasons.Add($"opgeroepen {noticeDaysGiven} {DutchFormat.Noun(noticeDaysGiven, "dag", "dagen")} vooraf, de wet vraagt minstens {NoticeDays}");
        if (type == DecisionType.Statutenwijziging && IsSofter(rule.Majority, rule.MajorityRule, StatuteChangeMajority, StatuteChangeMajorityRule))
            reasons.Add($"geteld met {(rule.MajorityRule == MajorityRule.MoreThan ? "meer dan" : "minstens")} {rule.Majority} van de stemmen, de wet vraagt minstens 2/3 voor een statutenwijziging");
        return reasons.Count == 0 ? null
            : $"Vastgesteld onder het wettelijk minimum ({string.Join("; ", reasons)}); "
              + "de uitslag blijft zoals vastgelegd — corrigeer het besluit met een nieuw voorstel (corrects) als dat nodig is.";
    }

    /// <summary>
    /// Whether "share (rule)" lets through a result that "floor (floorRule)" would not: a smaller share,
    /// or the same share with "at least" where the floor says "more than".
    /// </summary>
    public static bool IsSofter(Share share, MajorityRule rule, Share floor, MajorityRule floorRule)
    {
        var c = floor.CompareTo((long)share.Numerator, share.Denominator); // share compared with floor
        return c < 0 || (c == 0 && rule == MajorityRule.AtLeast && floorRule == MajorityRule.MoreThan);
    }
}
