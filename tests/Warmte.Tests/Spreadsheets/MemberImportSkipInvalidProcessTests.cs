using System.Net;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>A service whose date is 01-06-2026: earlier than the date of the computer running <c>warmte</c> (its own clock).</summary>
public sealed class EarlierServiceFixture : IAsyncLifetime
{
    public static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 10, 0);

    public WarmteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await WarmteServer.StartAsync(clock: new FakeClock(Now));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// <c>warmte import members --skip-invalid</c> as the consent import does it (the built CLI as a process): it asks the
/// service to store the good rows only (<c>skipInvalid</c>), so a row only the service refuses — here a join date
/// after the service's today, which the file's check on this computer (a later date) let through — is listed on its
/// row and column and the other good rows are stored, instead of the service refusing every row. Exit 1: a row was left out.
/// </summary>
public sealed class MemberImportSkipInvalidProcessTests(EarlierServiceFixture fixture) : IClassFixture<EarlierServiceFixture>
{
    private Task<CliResult> Warmte(params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = fixture.Server.BaseUrl, ["WARMTE_TOKEN"] = fixture.Server.AdminToken, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(180));

    [Fact]
    public async Task Skip_invalid_stores_the_good_rows_and_lists_the_rows_the_service_refused_on_their_row_and_column()
    {
        var local = SystemClock.Instance.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]).Date;
        var between = new LocalDate(2026, 9, 1); // after the service's today, not after this computer's
        Assert.True(between <= local, $"this test needs the computer's date ({local}) on or after {between}");
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var csv = Path.Combine(Path.GetTempPath(), $"warmte-leden-{Guid.NewGuid():N}.csv");
        File.WriteAllText(csv, "Lidnummer;Naam;Soort;Postcode;Huisnummer;Lid sinds\r\n"
            + "A-1;Zoë de Wit;huurder;1091 GM;14;01-01-2021\r\n"
            + "A-2;Eva Bakker;huurder;1091 GM;15;01-09-2026\r\n"
            + "A-3;Ali Yılmaz;eigenaar-bewoner;1091 GM;16;01-02-2022\r\n"
            + "A-4;Piet;huurder;XXXX;17;01-02-2022\r\n");
        try
        {
            var run = await Warmte("import", "members", coop, csv, "--skip-invalid");
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("rij 5, kolom D (Postcode)", run.Err);                 // the file's own check, not sent
            Assert.Contains("rij 3, kolom F (Lid sinds): geweigerd door de dienst: 01-09-2026 ligt in de toekomst.", run.Err);
            Assert.Contains("Ledenregister bijgewerkt: 2 nieuw, 0 bijgewerkt, 0 ongewijzigd.", run.Out);
            Assert.Contains("2 goede rijen ingelezen; 2 foute rijen niet ingelezen (--skip-invalid", run.Out);

            var members = await admin.Get($"api/cooperatives/{coop}/members");
            Assert.True(members.Status == HttpStatusCode.OK, members.Raw);
            Assert.Equal(["A-1", "A-3"], members.Body.EnumerateArray().Select(m => m.GetProperty("number").GetString()).Order());

            // Without --skip-invalid the call stays all or nothing: the service's refusal is listed and nothing more is stored.
            File.WriteAllText(csv, "Lidnummer;Naam;Soort;Postcode;Huisnummer;Lid sinds\r\n"
                + "B-1;Jan;huurder;1091 GM;18;01-01-2021\r\nB-2;Els;huurder;1091 GM;19;01-09-2026\r\n");
            var whole = await Warmte("import", "members", coop, csv);
            Assert.Equal(1, whole.ExitCode);
            Assert.Contains("rij 3, kolom F (Lid sinds): geweigerd door de dienst: 01-09-2026 ligt in de toekomst.", whole.Err);
            Assert.Contains("Er is niets opgeslagen", whole.Err);
            Assert.Equal(2, (await admin.Get($"api/cooperatives/{coop}/members")).Body.GetArrayLength());
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
