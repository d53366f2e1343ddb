using System.Text.Json;
using Warmte.BusinessCase.Versions;
using Warmte.Gates;
using Warmte.Serialization;

namespace Warmte.Tests.BusinessCase;

/// <summary>
/// F15: the KPIs kept with a saved business-case version gained the funding gap in time (<c>bridgingNeeded</c>).
/// A version row written before that (its JSON has no such field) still reads, and shows its gap, because the gap
/// is derived from the lowest cash balance every version has always stored.
/// </summary>
public sealed class KpiSummaryCompatibilityTests
{
    /// <summary>A version journal row exactly as the service wrote it before the field existed (KetelhuisWG's figures).</summary>
    private const string OldRow = """
        {"version":3,"name":"KetelhuisWG","note":"bij financial close","savedBy":"Bestuur KetelhuisWG","savedAt":"2024-12-01T09:30:00Z",
         "kpis":{"uses":30000000.00,"sources":30411600.00,"surplus":411600.00,"npv":1234567.89,"irr":0.0412,"minDscr":1.87,"minDscrYear":2028,
                 "lenderMinDscr":1.2,"financingCloses":true,"lowestCashBalance":-343905.66,"lowestCashBalanceYear":2027,"covenantBreaches":[]}}
        """;

    [Fact]
    public void A_version_stored_before_the_gap_existed_reads_and_shows_its_gap()
    {
        var info = JsonSerializer.Deserialize<BusinessCaseVersionInfo>(OldRow, WarmteJson.Default)!;

        Assert.Equal(3, info.Version);
        Assert.True(info.Kpis.FinancingCloses);
        Assert.Equal(343_905.66m, info.Kpis.BridgingNeeded);
        // Written again (the API answers with it), the row carries the gap for the dashboard.
        using var written = JsonDocument.Parse(JsonSerializer.Serialize(info, WarmteJson.Default));
        Assert.Equal(343_905.66m, written.RootElement.GetProperty("kpis").GetProperty("bridgingNeeded").GetDecimal());
    }

    [Fact]
    public void A_version_written_with_the_gap_reads_back_the_same()
    {
        var info = JsonSerializer.Deserialize<BusinessCaseVersionInfo>(OldRow, WarmteJson.Default)!;
        var again = JsonSerializer.Deserialize<BusinessCaseVersionInfo>(JsonSerializer.Serialize(info, WarmteJson.Default), WarmteJson.Default)!;

        Assert.Equal(JsonSerializer.Serialize(info, WarmteJson.Default), JsonSerializer.Serialize(again, WarmteJson.Default));
        Assert.Equal(343_905.66m, again.Kpis.BridgingNeeded);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("12.5", 0)]
    [InlineData("-0.01", 0.01)]
    public void The_gap_is_how_far_the_lowest_balance_goes_below_zero(string lowest, decimal expected)
    {
        var row = OldRow.Replace("-343905.66", lowest);
        var info = JsonSerializer.Deserialize<BusinessCaseVersionInfo>(row, WarmteJson.Default)!;
        Assert.Equal(expected, info.Kpis.BridgingNeeded);
    }
}
