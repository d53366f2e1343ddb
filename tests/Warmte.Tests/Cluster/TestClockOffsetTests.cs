using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Testing:ClockOffsetSeconds, with which FailoverTests pins its silo processes' date (noon in Amsterdam, so a run
/// never crosses the service's midnight): a silo process in the Testing environment started with it answers with the
/// shifted date; in any other environment (none set: Production) the key refuses the start, naming the key and what
/// to do, with exit code 1 and before the data directory is created; a value that is no whole number of seconds or
/// more than two days refuses the start.
/// </summary>
public sealed class TestClockOffsetTests
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    [Fact]
    public async Task A_silo_process_in_the_testing_environment_with_an_offset_answers_with_the_shifted_date()
    {
        // Noon tomorrow in Amsterdam: never the machine's date, and twelve hours from the service's midnight.
        var now = SystemClock.Instance.GetCurrentInstant();
        var tomorrow = now.InZone(Amsterdam).Date.PlusDays(1);
        var offset = (long)(tomorrow.At(new LocalTime(12, 0)).InZoneLeniently(Amsterdam).ToInstant() - now).TotalSeconds;

        await using var silo = SiloProcess.OnSqlite("clock", "--" + TestClockOffset.Key, offset.ToString(CultureInfo.InvariantCulture));
        silo.HostEnvironment = TestClockOffset.Environment;
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(240));
        var status = await silo.Client().Get("api/status");
        Assert.True(status.Status == System.Net.HttpStatusCode.OK, status.Raw);
        Assert.Equal(tomorrow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), status.Body.GetProperty("today").GetString());
    }

    [Theory]
    [InlineData(null)]           // nothing set: ASP.NET's Production
    [InlineData("Production")]
    [InlineData("Development")]  // a developer's machine is not a test run either
    public async Task A_silo_process_outside_the_testing_environment_with_the_key_refuses_to_start_and_touches_no_data(string? environment)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "warmte-clock-" + Guid.NewGuid().ToString("N")[..10]);
        var result = await BuiltProgram.Run("dotnet",
            [BuiltProgram.SiloDll, "--data-dir", dataDir, "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--" + TestClockOffset.Key, "3600"],
            new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = environment, ["DOTNET_ENVIRONMENT"] = null });
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("De dienst kon niet worden opgezet", result.Err);
        Assert.Contains($"{TestClockOffset.Key} is gezet, maar deze silo draait niet in de testomgeving (omgeving: '{environment ?? "Production"}')", result.Err);
        Assert.Contains("Verwijder hem", result.Err);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Testing", result.Err);
        // Refused before the data directory, its lock or the database exist.
        Assert.False(Directory.Exists(dataDir), $"{dataDir} was created");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("3600", true)]
    [InlineData("-172800", true)]
    public void A_whole_number_of_seconds_within_two_days_gives_a_clock_in_the_testing_environment(string? value, bool shifted)
    {
        var clock = TestClockOffset.From(Config(value), "Testing");
        Assert.Equal(shifted, clock is not null);
        if (clock is null) return;
        var expected = SystemClock.Instance.GetCurrentInstant() + Duration.FromSeconds(long.Parse(value!, CultureInfo.InvariantCulture));
        Assert.True(Math.Abs((clock.GetCurrentInstant() - expected).TotalSeconds) < 60);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    [InlineData("Staging")]
    [InlineData("")]
    public void Without_the_key_any_environment_keeps_the_real_clock_and_with_it_only_testing_starts(string environment)
    {
        Assert.Null(TestClockOffset.From(Config(null), environment));
        var refusal = Assert.Throws<ConfigurationException>(() => TestClockOffset.From(Config("3600"), environment));
        Assert.Contains(TestClockOffset.Key, refusal.Message);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Testing", refusal.Message);
        // Even a value that would be refused anyway is refused for the environment first: production never parses it.
        Assert.Contains("testomgeving", Assert.Throws<ConfigurationException>(() => TestClockOffset.From(Config("een uur"), environment)).Message);
    }

    [Theory]
    [InlineData("172801")]
    [InlineData("-200000")]
    [InlineData("1.5")]
    [InlineData("een uur")]
    public void Anything_else_refuses_the_start(string value)
    {
        var refusal = Assert.Throws<ConfigurationException>(() => TestClockOffset.From(Config(value), "Testing"));
        Assert.Contains(TestClockOffset.Key, refusal.Message);
        Assert.Contains("is geen geheel aantal seconden tussen -172800 en 172800", refusal.Message);
    }

    private static IConfiguration Config(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [TestClockOffset.Key] = value }).Build();
}
