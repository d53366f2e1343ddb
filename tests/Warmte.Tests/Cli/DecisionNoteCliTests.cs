using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Review2 F10: the remarks the API adds for the board reach the command line: an ALV decision taken below the
/// law (<c>lawNote</c>) in <c>warmte alv show</c>, a complex judged at another threshold than stored (<c>note</c>)
/// in <c>warmte consent</c>.
/// </summary>
public sealed class DecisionNoteCliTests
{
    [Fact]
    public async Task Alv_show_prints_the_law_note_of_a_decision_taken_at_a_meeting_called_too_late_and_consent_prints_the_complex_note()
    {
        var dataDir = WarmteServer.NewDataDir();
        const string coop = "notecoop";
        const string project = "note-project";
        await using (var first = await WarmteServer.StartAsync(dataDir))
        {
            var admin = first.Client();
            await ApiCalls.SeedCooperativeWithProject(admin, coop, project);
            var members = await ApiCalls.SeedMembers(admin, coop, 5);
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
            {
                id = "alv-statuten", title = "Statuten", date = "2024-12-05", noticeDate = "2024-11-20",
                proposals = new[] { new { id = "statuten-2025", title = "Statuten 2025", decisionType = "Statutenwijziging" } },
            })).Status);
            foreach (var (member, choice) in members.Zip(new[] { "Voor", "Voor", "Voor", "Voor", "Tegen" }))
                await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-statuten/proposals/statuten-2025/ballots", new { memberNumber = member, choice });
            await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-statuten/proposals/statuten-2025/close", new { });
            // A complex of five homes: every tenant must agree, whatever threshold was stored.
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/consent/complexes/hofje",
                new { name = "Hofje", corporation = "Stadgenoot", rentedHomes = 5, proposalDate = "2025-01-15" })).Status);

            // Closed with the law's notice: no remark.
            var shown = await CliHarness.Run(CliHarness.Env(first.BaseUrl, WarmteServer.BootstrapAdminToken), null, "alv", "show", coop);
            Assert.True(shown.ExitCode == 0, shown.ToString());
            Assert.DoesNotContain("Let op", shown.Out);
        }

        // As a release before the law's notice was enforced for corrections could store it: the meeting called
        // three days ahead (the snapshot holds the meeting; its result is unchanged).
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build());
        await using (var connection = new SqliteConnection(settings.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE warmte_snapshot SET state = replace(state, '\"noticeDate\":\"2024-11-20\"', '\"noticeDate\":\"2024-12-02\"') "
                                  + "WHERE grain_type = 'alv' AND grain_key = $key AND state LIKE '%\"noticeDate\":\"2024-11-20\"%'";
            command.Parameters.AddWithValue("$key", coop);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await using var second = await WarmteServer.StartAsync(dataDir);
        var env = CliHarness.Env(second.BaseUrl, WarmteServer.BootstrapAdminToken);
        var alv = await CliHarness.Run(env, null, "alv", "show", coop);
        Assert.True(alv.ExitCode == 0, alv.ToString());
        Assert.Contains("opgeroepen 02-12-2024", alv.Out);
        Assert.Contains("Aangenomen", alv.Out);
        Assert.Contains("Let op: Vastgesteld onder het wettelijk minimum (opgeroepen 3 dagen vooraf, de wet vraagt minstens 7)", alv.Out);

        var consent = await CliHarness.Run(env, null, "consent", project);
        Assert.True(consent.ExitCode == 0, consent.ToString());
        Assert.Contains("Let op, Hofje: minder dan 10 woningen", consent.Out);
        Assert.Contains("elke huurder moet instemmen", consent.Out);
    }
}
