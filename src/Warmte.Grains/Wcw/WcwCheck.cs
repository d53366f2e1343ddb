using System.Collections.Immutable;

namespace Warmte.Wcw;

/// <summary>What a project declares about itself for the Wcw check (ownership and the warmtegemeenschap criteria).</summary>
[GenerateSerializer, Immutable]
public sealed record WcwProfile
{
    /// <summary>Share of the heat company in public hands, percent (0-100).</summary>
    [Id(0)] public decimal? PublicSharePercent { get; init; }
    /// <summary>A mixed public/private set-up, where the law asks at least 51%.</summary>
    [Id(1)] public bool MixedSetup { get; init; }
    [Id(2)] public bool LegalEntity { get; init; }
    [Id(3)] public bool SustainableMainSource { get; init; }
    [Id(4)] public bool NoProfitMotive { get; init; }
    [Id(5)] public bool OpenVoluntaryMembership { get; init; }
    [Id(6)] public bool MemberControl { get; init; }
}

public enum WcwSizeBand
{
    /// <summary>Fewer than 10 connections.</summary>
    Klein,
    /// <summary>10 to 1,500 connections.</summary>
    Middel,
    /// <summary>More than 1,500 connections: a designated kavel is needed.</summary>
    Groot,
}

public enum WcwRoute
{
    /// <summary>Too small for the heat-company rules.</summary>
    Vrijgesteld,
    /// <summary>Majority public ownership.</summary>
    PubliekMeerderheid,
    /// <summary>A warmtegemeenschap: the exception for community-owned networks.</summary>
    Warmtegemeenschap,
    /// <summary>Qualifies under no route yet.</summary>
    Geen,
}

[GenerateSerializer, Immutable]
public sealed record WcwAssessment
{
    [Id(0)] public required int Connections { get; init; }
    [Id(1)] public required WcwSizeBand SizeBand { get; init; }
    [Id(2)] public required WcwRoute Route { get; init; }
    /// <summary>Per route that is not met, what is missing (Dutch).</summary>
    [Id(3)] public required ImmutableArray<string> Missing { get; init; }
    [Id(4)] public required ImmutableArray<string> Notes { get; init; }
    [Id(5)] public required bool ProfileRecorded { get; init; }
    [Id(6)] public required string Source { get; init; }
    /// <summary>
    /// What the project declared, as recorded (null: nothing yet). Shown so that a client changing one criterion can send
    /// the others back unchanged: the PUT records the whole profile (tester9a T7, <c>warmte wcw set</c>).
    /// </summary>
    [Id(7)] public WcwProfile? Profile { get; init; }
}

/// <summary>Checks a project against the Wet collectieve warmte: size band, then public majority or warmtegemeenschap.</summary>
public static class WcwCheck
{
    public static WcwAssessment Assess(int connections, WcwProfile? profile, WcwThresholds? thresholds = null)
    {
        var t = thresholds ?? WcwThresholds.Current;
        var band = connections < t.SmallBelow ? WcwSizeBand.Klein : connections > t.LargeAbove ? WcwSizeBand.Groot : WcwSizeBand.Middel;
        var notes = ImmutableArray.CreateBuilder<string>();
        if (band == WcwSizeBand.Groot)
            notes.Add($"Meer dan {DutchFormat.Number(t.LargeAbove)} aansluitingen: een aangewezen kavel is nodig.");
        if (Math.Abs(connections - t.LargeAbove) <= t.LargeAbove / 20)
            notes.Add($"Het project zit dicht bij de grens van {DutchFormat.Number(t.LargeAbove)} aansluitingen; een kleine wijziging in het volloopplan verandert de grootteklasse.");
        if (band == WcwSizeBand.Klein)
            return new WcwAssessment
            {
                Connections = connections, SizeBand = band, Route = WcwRoute.Vrijgesteld, Missing = [],
                Notes = [.. notes, $"Minder dan {t.SmallBelow} aansluitingen: de eigendomseis geldt niet."],
                ProfileRecorded = profile is not null, Source = t.Source, Profile = profile,
            };

        var p = profile ?? new WcwProfile();
        var missing = ImmutableArray.CreateBuilder<string>();
        var publicRoute = p.PublicSharePercent is { } share &&
                          (p.MixedSetup ? share >= t.MixedPublicShareAtLeast : share > t.PublicShareAbove);
        if (!publicRoute)
            missing.Add(p.PublicSharePercent is { } s
                ? $"Publiek meerderheidsbelang: {DutchFormat.Number(s)}% publiek, nodig {(p.MixedSetup ? $"minstens {DutchFormat.Number(t.MixedPublicShareAtLeast)}% (gemengde constructie)" : $"meer dan {DutchFormat.Number(t.PublicShareAbove)}%")}."
                : "Publiek meerderheidsbelang: publiek aandeel niet opgegeven.");
        var community = new (bool Met, string What)[]
        {
            (p.LegalEntity, "rechtspersoon"),
            (p.SustainableMainSource, "duurzame hoofdbron"),
            (p.NoProfitMotive, "geen winstoogmerk"),
            (p.OpenVoluntaryMembership, "open en vrijwillig lidmaatschap"),
            (p.MemberControl, "zeggenschap bij de leden"),
        };
        var communityRoute = community.All(c => c.Met);
        if (!communityRoute)
            missing.Add("Warmtegemeenschap: ontbreekt " + string.Join(", ", community.Where(c => !c.Met).Select(c => c.What)) + ".");
        var route = publicRoute ? WcwRoute.PubliekMeerderheid : communityRoute ? WcwRoute.Warmtegemeenschap : WcwRoute.Geen;
        if (profile is null) notes.Add("Nog geen Wcw-gegevens vastgelegd voor dit project.");
        return new WcwAssessment
        {
            Connections = connections, SizeBand = band, Route = route,
            Missing = route == WcwRoute.Geen ? missing.ToImmutable() : [],
            Notes = notes.ToImmutable(), ProfileRecorded = profile is not null, Source = t.Source, Profile = profile,
        };
    }
}
