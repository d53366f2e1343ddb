namespace Warmte.Wcw;

/// <summary>
/// The numbers of the Wet collectieve warmte the check uses, as data with their source (domain
/// brief, "Wet collectieve warmte (Wcw)", public; passed 2025). Change them here when the law or
/// its regulations change, not in the check.
/// </summary>
public sealed record WcwThresholds
{
    public required string Source { get; init; }
    /// <summary>Below this many connections a system falls outside the heat-company regime.</summary>
    public required int SmallBelow { get; init; }
    /// <summary>Above this many connections a designated kavel is needed.</summary>
    public required int LargeAbove { get; init; }
    /// <summary>Public share must exceed this percentage (majority public ownership).</summary>
    public required decimal PublicShareAbove { get; init; }
    /// <summary>In mixed set-ups the public share must be at least this percentage.</summary>
    public required decimal MixedPublicShareAtLeast { get; init; }

    public static readonly WcwThresholds Current = new()
    {
        Source = "Wet collectieve warmte (2025): publiek meerderheidsbelang (>50%, bij gemengde constructies ≥51%), "
                 + "tenzij warmtegemeenschap; grootteklassen < 10, 10-1.500, > 1.500 aansluitingen (kavel).",
        SmallBelow = 10,
        LargeAbove = 1500,
        PublicShareAbove = 50m,
        MixedPublicShareAtLeast = 51m,
    };
}
