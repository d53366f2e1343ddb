using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Testing:ClockOffsetSeconds, with which FailoverTests pins its silo processes' date (noon in Amsterdam, so a run
/// never crosses the service's midnight): a silo process started with it answers with the shifted date, and a value
/// that is no whole number of seconds or more than two days refuses the start.
/// </summary>
public sealed class TestClockOffsetTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    [Fact]
    public async Task A_silo_process_with_an_offset_answers_with_the_shifted_date()
    {
        // Noon tomorrow in Amsterdam: never the machine's date, and twelve hours from the service's midnight.
        var now = SystemClock.Instance.GetCurrentInstant();
        var tomorrow = now.InZone(Amsterdam).Date.PlusDays(1);
        var offset = (long)(tomorrow.At(new LocalTime(12, 0)).InZoneLeniently(Amsterdam).ToInstant() - now).TotalSeconds;

        await using var silo = SiloProcess.OnSqlite("clock", "--" + TestClockOffset.Key, offset.ToString(CultureInfo.InvariantCulture));
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(240));
        var status = await silo.Client().Get("api/status");
        Assert.True(status.Status == System.Net.HttpStatusCode.OK, status.Raw);
        Assert.Equal(tomorrow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), status.Body.GetProperty("today").GetString());
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("3600", true)]
    [InlineData("-172800", true)]
    public void A_whole_number_of_seconds_within_two_days_gives_a_clock(string? value, bool shifted)
    {
        var clock = TestClockOffset.From(Config(value));
        Assert.Equal(shifted, clock is not null);
        if (clock is null) return;
        var expected = SystemClock.Instance.GetCurrentInstant() + Duration.FromSeconds(long.Parse(value!, CultureInfo.InvariantCulture));
        Assert.True(Math.Abs((clock.GetCurrentInstant() - expected).TotalSeconds) < 60);
    }

    [Theory]
    [InlineData("172801")]
    [InlineData("-200000")]
    [InlineData("1.5")]
    [InlineData("een uur")]
    public void Anything_else_refuses_the_start(string value)
    {
        var refusal = Assert.Throws<ConfigurationException>(() => TestClockOffset.From(Config(value)));
        Assert.Contains(TestClockOffset.Key, refusal.Message);
    }

    private static IConfiguration Config(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [TestClockOffset.Key] = value }).Build();
}
