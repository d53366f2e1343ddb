using NodaTime;
using Warmte.Alv;

namespace Warmte.TenantConsent;

/// <summary>
/// The numbers of the tenant-consent rule, as data with their source (domain brief; BW 7:220 lid 3):
/// a renovation proposal to a building complex of at least ten homes is presumed reasonable when at
/// least 70% of its tenants agree; non-response counts as not agreeing; Amsterdam asks for 70% per
/// complex before rented homes are connected. Below ten homes the presumption does not apply, so
/// every tenant must agree. A tenant who does not agree may ask the court within eight weeks.
/// </summary>
public static class ConsentThresholds
{
    public const string Source = "BW 7:220 lid 3 (domain brief: 'Tenant consent'); Amsterdam: ≥70% per complex";

    /// <summary>Share of all tenant households of a complex that must agree.</summary>
    public static readonly Share Default = new(70, 100);

    /// <summary>The presumption needs a complex (bouwkundige eenheid) of at least this many homes.</summary>
    public const int ComplexMinimumHomes = 10;

    /// <summary>Below <see cref="ComplexMinimumHomes"/>: every tenant.</summary>
    public static readonly Share SmallComplex = new(1, 1);

    /// <summary>The tenant's objection period after the proposal (to ask the court).</summary>
    public static readonly Period ObjectionPeriod = Period.FromWeeks(8);

    /// <summary>Whether a share is below the legal 70% (a municipality may ask more, never less).</summary>
    public static bool IsBelowLaw(Share threshold) => Default.CompareTo(threshold.Numerator, threshold.Denominator) < 0;

    /// <summary>
    /// The threshold a complex is judged by: every tenant below ten homes; otherwise the stored
    /// threshold, but never below the law's 70% (a threshold stored lower before this was refused is
    /// read as 70%, tester finding F16).
    /// </summary>
    public static Share For(int rentedHomes, Share stored) =>
        rentedHomes < ComplexMinimumHomes ? SmallComplex : IsBelowLaw(stored) ? Default : stored;

    /// <summary>A Dutch note on the consent view and the gate for a complex that is judged otherwise than it was set, or is small; null otherwise.</summary>
    public static string? Note(int rentedHomes, Share stored)
    {
        if (rentedHomes < ComplexMinimumHomes)
            return $"minder dan {ComplexMinimumHomes} woningen: geen complex voor het 70%-vermoeden (BW 7:220 lid 3); elke huurder moet instemmen";
        if (IsBelowLaw(stored))
            return $"vastgelegde drempel {stored} ligt onder de wettelijke 70%; gerekend met 70%";
        return null;
    }
}
