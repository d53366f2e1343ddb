using System.Collections.Immutable;
using System.Numerics;

namespace Warmte.Alv;

/// <summary>The kinds of ALV decision the statutes may treat differently.</summary>
public enum DecisionType
{
    Realisatiebesluit,
    Statutenwijziging,
    Bestuursverkiezing,
    Tariefbesluit,
    Overig,
}

public enum VoteWeighting
{
    /// <summary>One member, one vote (the law's default).</summary>
    OneMemberOneVote,
    /// <summary>Each vote weighs the member's woningequivalenten.</summary>
    PerWoningequivalent,
}

public enum MajorityRule
{
    /// <summary>For-votes must exceed the share ("more than half").</summary>
    MoreThan,
    /// <summary>For-votes must reach the share ("at least two thirds").</summary>
    AtLeast,
}

/// <summary>
/// An exact share such as 2/3 or 1/2; thresholds are compared by cross-multiplying integers,
/// never through a floating-point percentage (96 for and 4 against passes 2/3 exactly).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Share([property: Id(0)] int Numerator, [property: Id(1)] int Denominator)
{
    public static readonly Share None = new(0, 1);

    /// <summary>value/total compared with this share: negative below, zero equal, positive above.</summary>
    public int CompareTo(long value, long total) =>
        (new BigInteger(value) * Denominator).CompareTo(new BigInteger(Numerator) * total);

    /// <summary>
    /// value/total compared with this share, exactly, for decimal vote totals (weighted by
    /// woningequivalenten with up to two decimals): both sides are scaled to whole hundredths
    /// (or finer when needed) and cross-multiplied as big integers.
    /// </summary>
    public int CompareTo(decimal value, decimal total)
    {
        var scale = Math.Max(value.Scale, total.Scale);
        return (Whole(value, scale) * Denominator).CompareTo(new BigInteger(Numerator) * Whole(total, scale));

        static BigInteger Whole(decimal d, int scale)
        {
            // d = mantissa / 10^d.Scale exactly; bring it to 10^scale.
            Span<int> bits = stackalloc int[4];
            decimal.GetBits(d, bits);
            var mantissa = new BigInteger((uint)bits[0]) | new BigInteger((uint)bits[1]) << 32 | new BigInteger((uint)bits[2]) << 64;
            if (d < 0) mantissa = -mantissa;
            return mantissa * BigInteger.Pow(10, scale - d.Scale);
        }
    }

    public override string ToString() => Numerator == 0 ? "0" : $"{Numerator}/{Denominator}";

    /// <summary>Parses "2/3", "1/2", "0" or a whole percentage "50%" / "66,67%"; null when it is none of these or outside 0..1.</summary>
    public static Share? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        if (t.EndsWith('%'))
        {
            var number = t[..^1].Trim().Replace(',', '.');
            if (!decimal.TryParse(number, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var pct)
                || pct < 0 || pct > 100 || decimal.Round(pct, 2) != pct) return null;
            var hundredths = (int)(pct * 100);
            var gcd = (int)BigInteger.GreatestCommonDivisor(hundredths, 10_000);
            return hundredths == 0 ? None : new Share(hundredths / gcd, 10_000 / gcd);
        }
        var parts = t.Split('/');
        if (parts.Length == 1 && t == "0") return None;
        if (parts.Length != 2 || !int.TryParse(parts[0].Trim(), out var num) || !int.TryParse(parts[1].Trim(), out var den)) return null;
        if (den is < 1 or > 1000 || num < 0 || num > den) return null;
        return num == 0 ? None : new Share(num, den);
    }
}

/// <summary>How one kind of decision is taken: the statutes' settings, per decision type.</summary>
[GenerateSerializer, Immutable]
public sealed record DecisionRule
{
    /// <summary>Share of eligible members that must be present or represented; 0 means no quorum.</summary>
    [Id(0)] public required Share Quorum { get; init; }
    [Id(1)] public required Share Majority { get; init; }
    [Id(2)] public required MajorityRule MajorityRule { get; init; }
    /// <summary>Whether abstentions count in the denominator (then abstaining works as voting against).</summary>
    [Id(3)] public required bool AbstentionsCount { get; init; }
    /// <summary>Most volmachten one attendee may carry for this decision; 0 forbids voting by proxy.</summary>
    [Id(4)] public required int MaxProxiesPerAttendee { get; init; }
    [Id(5)] public required VoteWeighting Weighting { get; init; }
    /// <summary>Whether a second meeting may decide without quorum when the first had none.</summary>
    [Id(6)] public required bool SecondMeetingWithoutQuorum { get; init; }
    [Id(7)] public required int MinimumNoticeDays { get; init; }
}

/// <summary>
/// The statutes' settings for votes cast electronically (BW 2:38a). All off by default: the law
/// allows electronic voting only where the statutes provide for it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ElectronicVoting
{
    /// <summary>Members may vote online before the meeting, from the 30th day before it (BW 2:38a lid 3).</summary>
    [Id(0)] public bool AdvanceVotingAllowed { get; init; }
    /// <summary>Whether members who voted online count as present or represented for the quorum.</summary>
    [Id(1)] public bool AdvanceVotersCountAsPresent { get; init; }
    /// <summary>Decision types voted by secret ballot (e.g. Bestuursverkiezing): who voted is kept apart from what was chosen.</summary>
    [Id(2)] public ImmutableArray<DecisionType> SecretBallotTypes { get; init; } = [];
    /// <summary>Whether a member may give a proxy online (the statutes' maximum per holder applies).</summary>
    [Id(3)] public bool OnlineProxiesAllowed { get; init; }

    public static readonly ElectronicVoting Off = new();

    public bool IsSecret(DecisionType type) => SecretBallotTypes.Contains(type);
}

[GenerateSerializer, Immutable]
public sealed record TypedDecisionRule([property: Id(0)] DecisionType Type, [property: Id(1)] DecisionRule Rule)
{
    /// <summary>
    /// True for an override the law derives from the default (a Statutenwijziging: the default with at least 2/3), added
    /// on reading by <see cref="Statutes.WithLaw"/>; never stored, never sent back as a board's choice (tester10 T1).
    /// </summary>
    [Id(2)] public bool Derived { get; init; }
}

/// <summary>A cooperative's statutes as far as the ALV is concerned: a default rule and overrides per decision type.</summary>
[GenerateSerializer, Immutable]
public sealed record Statutes
{
    [Id(0)] public required DecisionRule Default { get; init; }
    [Id(1)] public ImmutableArray<TypedDecisionRule> Overrides { get; init; } = [];
    /// <summary>Electronic voting (issue 17); everything off unless the statutes say so.</summary>
    [Id(2)] public ElectronicVoting Electronic { get; init; } = ElectronicVoting.Off;
    /// <summary>
    /// True when every stored override is the board's own choice: statutes saved since law-derived overrides are no longer
    /// offered for sending back (tester10 T1). Statutes stored before may hold a derived override frozen by a read-change-send
    /// round trip; <see cref="IsFrozenDerivation"/> tells those apart on reading.
    /// </summary>
    [Id(3)] public bool OverridesChosen { get; init; }
    /// <summary>Only in the statutes as read (<see cref="WithLaw"/>): stored overrides read as a frozen law derivation, not as a choice.</summary>
    [Id(4)] public ImmutableArray<TypedDecisionRule> IgnoredOverrides { get; init; } = [];
    /// <summary>
    /// Only in the statutes as read (<see cref="WithLaw"/>): stored overrides of statutes saved before <see cref="OverridesChosen"/>
    /// existed that are kept as the board's choice although they could be a frozen derivation (warned on the statutes answer).
    /// </summary>
    [Id(5)] public ImmutableArray<TypedDecisionRule> KeptOverrides { get; init; } = [];
    /// <summary>
    /// Only in the statutes as read: each stored override as the release before this reading applied it (literally), where the
    /// reading now differs. A proposal that got votes then and has no fixed <see cref="Proposal.Rules"/> keeps that rule.
    /// </summary>
    [Id(6)] public ImmutableArray<TypedDecisionRule> RulesBeforeReading { get; init; } = [];

    /// <summary>The overrides the board chose: no derived ones, and none frozen from an earlier default (<see cref="IsFrozenDerivation"/>).</summary>
    public IEnumerable<TypedDecisionRule> ChosenOverrides =>
        Overrides.Where(o => !o.Derived && (OverridesChosen || !IsFrozenDerivation(o)));

    /// <summary>
    /// The rule a decision of this type is taken by: its override, else the default, always made at
    /// least as strict as the law (<see cref="LegalMinimums"/>): statutes can only be stricter.
    /// </summary>
    public DecisionRule RuleFor(DecisionType type) =>
        LegalMinimums.Apply(type, ChosenOverrides.FirstOrDefault(o => o.Type == type)?.Rule ?? Default);

    /// <summary>
    /// Whether an override stored before <see cref="OverridesChosen"/> existed is the law's derivation from an earlier default
    /// rather than a board's choice. Before, GET offered the derived Statutenwijziging rule in <c>input</c> and the CLI (and the
    /// documented round trip) sent it back, so a later change of the default left it behind (tester10 T1: quorum 1/2 for every
    /// decision, none for a statute change). A derivation has exactly the law's majority (at least 2/3); it is read as frozen when
    /// it is the built-in one (the defaults before any statutes were set) or when its quorum is below the default's: a statute
    /// change with a weaker quorum than ordinary decisions is never assumed to be a choice. Anything else stays the board's.
    /// </summary>
    public bool IsFrozenDerivation(TypedDecisionRule o)
    {
        if (!LegalMinimums.TypesWithOwnMinimum.Contains(o.Type)) return false;
        if (LegalMinimums.StatuteChangeMajority.CompareTo((long)o.Rule.Majority.Numerator, o.Rule.Majority.Denominator) != 0
            || o.Rule.MajorityRule != LegalMinimums.StatuteChangeMajorityRule) return false;
        // Below the default's quorum: the override's quorum compared with the default's share is negative.
        // Equal to what the law derives from the default now (review19 #3: a copy frozen while the default was the same): it
        // counts the same today, and dropping it lets it follow the default when that changes.
        return o.Rule == LegalMinimums.Apply(o.Type, LegalDefaults.Default) || o.Rule == LegalMinimums.Apply(o.Type, Default)
            || QuorumBelowDefault(o);
    }

    private bool QuorumBelowDefault(TypedDecisionRule o) =>
        Default.Quorum.CompareTo((long)o.Rule.Quorum.Numerator, o.Rule.Quorum.Denominator) < 0;

    /// <summary>
    /// A kept override of statutes saved before <see cref="OverridesChosen"/> existed, read safely: a statute change never
    /// needs a weaker quorum than an ordinary decision unless the board chose that in statutes saved since (review19 #3).
    /// </summary>
    private DecisionRule ReadKept(TypedDecisionRule o) =>
        !OverridesChosen && LegalMinimums.TypesWithOwnMinimum.Contains(o.Type) && QuorumBelowDefault(o)
            ? o.Rule with { Quorum = Default.Quorum } : o.Rule;

    /// <summary>
    /// These statutes as they apply: every rule raised to the law, and an override for each decision
    /// type with a legal minimum of its own (Statutenwijziging) so that a reader sees the rule that
    /// counts, marked <see cref="TypedDecisionRule.Derived"/>: it follows the default. What the board saved is kept as it
    /// was; this is computed on reading.
    /// </summary>
    public Statutes WithLaw()
    {
        var chosen = ChosenOverrides.ToList();
        var ignored = Overrides.Where(o => !o.Derived && !chosen.Contains(o)).ToImmutableArray();
        var overrides = chosen.Select(o => o with { Rule = LegalMinimums.Apply(o.Type, ReadKept(o)) }).ToList();
        var kept = OverridesChosen ? [] : chosen.Where(o => LegalMinimums.TypesWithOwnMinimum.Contains(o.Type)).ToImmutableArray();
        var before = Overrides.Where(o => !o.Derived)
            .Select(o => o with { Rule = LegalMinimums.Apply(o.Type, o.Rule) })
            .Where(o => overrides.All(n => n.Type != o.Type || n.Rule != o.Rule)).ToImmutableArray();
        foreach (var type in LegalMinimums.TypesWithOwnMinimum)
            if (overrides.All(o => o.Type != type))
                overrides.Add(new TypedDecisionRule(type, LegalMinimums.Apply(type, Default)) { Derived = true });
        return this with
        {
            Default = LegalMinimums.Apply(DecisionType.Overig, Default), Overrides = [.. overrides], OverridesChosen = true,
            IgnoredOverrides = IgnoredOverrides.IsDefaultOrEmpty ? ignored : IgnoredOverrides,
            KeptOverrides = KeptOverrides.IsDefaultOrEmpty ? kept : KeptOverrides,
            RulesBeforeReading = RulesBeforeReading.IsDefaultOrEmpty ? before : RulesBeforeReading,
        };
    }

    /// <summary>
    /// The defaults when a cooperative has set nothing (domain brief, BW book 2): no quorum, more than
    /// half of the votes cast, abstentions not counted, one member one vote, at least 7 days' notice;
    /// statute changes need at least two thirds of the votes cast (derived, <see cref="WithLaw"/>). One volmacht per attendee and a
    /// second meeting without quorum are common model-statute choices, not the law: set them.
    /// </summary>
    public static readonly Statutes LegalDefaults = new()
    {
        Default = new DecisionRule
        {
            Quorum = Share.None, Majority = new Share(1, 2), MajorityRule = MajorityRule.MoreThan, AbstentionsCount = false,
            MaxProxiesPerAttendee = 1, Weighting = VoteWeighting.OneMemberOneVote, SecondMeetingWithoutQuorum = true,
            MinimumNoticeDays = 7,
        },
        // The Statutenwijziging rule (at least 2/3) is derived from the default on reading (WithLaw), so it follows the default.
        OverridesChosen = true,
    };
}
