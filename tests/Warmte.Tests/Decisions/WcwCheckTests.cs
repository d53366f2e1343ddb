using Warmte.Wcw;

namespace Warmte.Tests.Decisions;

public sealed class WcwCheckTests
{
    private static readonly WcwProfile Community = new()
    {
        LegalEntity = true, SustainableMainSource = true, NoProfitMotive = true, OpenVoluntaryMembership = true, MemberControl = true,
    };

    [Theory]
    [InlineData(9, WcwSizeBand.Klein)]
    [InlineData(10, WcwSizeBand.Middel)]
    [InlineData(1500, WcwSizeBand.Middel)]
    [InlineData(1501, WcwSizeBand.Groot)]
    public void Size_bands_follow_the_thresholds(int connections, WcwSizeBand band) =>
        Assert.Equal(band, WcwCheck.Assess(connections, null).SizeBand);

    [Fact]
    public void Small_systems_are_exempt()
    {
        Assert.Equal(WcwRoute.Vrijgesteld, WcwCheck.Assess(9, null).Route);
    }

    [Theory]
    [InlineData(50.00, false, WcwRoute.Geen)]
    [InlineData(50.01, false, WcwRoute.PubliekMeerderheid)]
    [InlineData(50.50, true, WcwRoute.Geen)]
    [InlineData(51.00, true, WcwRoute.PubliekMeerderheid)]
    public void Public_majority_is_more_than_half_or_at_least_51_percent_in_mixed_set_ups(double share, bool mixed, WcwRoute route) =>
        Assert.Equal(route, WcwCheck.Assess(1000, new WcwProfile { PublicSharePercent = (decimal)share, MixedSetup = mixed }).Route);

    [Fact]
    public void A_warmtegemeenschap_needs_every_criterion_and_the_check_names_what_is_missing()
    {
        Assert.Equal(WcwRoute.Warmtegemeenschap, WcwCheck.Assess(1000, Community).Route);
        var almost = WcwCheck.Assess(1000, Community with { NoProfitMotive = false, PublicSharePercent = 10m });
        Assert.Equal(WcwRoute.Geen, almost.Route);
        Assert.Contains(almost.Missing, m => m.Contains("geen winstoogmerk"));
        Assert.Contains(almost.Missing, m => m.Contains("10% publiek"));
    }

    [Fact]
    public void KetelhuisWG_sits_at_the_1500_boundary_and_the_check_says_so()
    {
        var assessment = WcwCheck.Assess(1500, Community);
        Assert.Contains(assessment.Notes, n => n.Contains("dicht bij de grens van 1.500"));
        Assert.Contains(WcwCheck.Assess(1600, Community).Notes, n => n.Contains("kavel"));
    }
}
