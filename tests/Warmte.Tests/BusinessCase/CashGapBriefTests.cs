using Warmte.BusinessCase.Engine;

namespace Warmte.Tests.BusinessCase;

/// <summary>The table form of "financing closes" with the cash gap in time beside it (umbrella comparison, loan grid, stress tests).</summary>
public sealed class CashGapBriefTests
{
    [Theory]
    [InlineData(true, -343_905.66, 2027, "ja, overbrugging € 343.906 in 2027")]
    [InlineData(false, -343_905.49, 2027, "nee, overbrugging € 343.905 in 2027")]
    [InlineData(true, -0.50, 2030, "ja, overbrugging € 1 in 2030")]
    [InlineData(true, -1_250_000, 2029, "ja, overbrugging € 1.250.000 in 2029")]
    [InlineData(true, 0, 2027, "ja")]
    [InlineData(false, 12_000, 2027, "nee")]
    public void Says_the_gap_beside_ja_or_nee_in_whole_euros(bool closes, double lowest, int year, string expected) =>
        Assert.Equal(expected, CashGap.Brief(closes, (decimal)lowest, year));
}
