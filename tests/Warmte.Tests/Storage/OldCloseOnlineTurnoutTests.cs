using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NodaTime.Testing;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Storage;

/// <summary>
/// A meeting closed by a release before b677193 with a written-out online voter: that close lowered the stored online-voter
/// count (<c>onlineVoters</c> in the ALV snapshot) itself, and the releases from 9943d96 on also wrote the member a voter
/// mark saying her vote was left out. Since b677193 the count is taken off on reading; read as it was, such a stored close was
/// taken off twice (0 online voters where 1 voted and counted). The stored shapes are made by hand here from a close of today:
/// the snapshot's figure lowered as the old close stored it, with and without the left-out mark (before 9943d96).
/// </summary>
public sealed class OldCloseOnlineTurnoutTests
{
    private const string Coop = "oudeclose";

    private static Task<WarmteServer> Start(string dataDir) =>
        WarmteServer.StartAsync(dataDir, clock: new FakeClock(OnlineVotingFixture.Now));

    private static async Task<(int Voters, int VotesCast)> Online(WarmteServer server)
    {
        var online = await server.Client().Get($"api/cooperatives/{Coop}/alv/meetings/alv/online");
        Assert.True(online.Status == HttpStatusCode.OK, online.Raw);
        return (online.Body.GetProperty("voters").GetInt32(), online.Body.GetProperty("votesCast").GetInt32());
    }

    [Fact]
    public async Task A_close_stored_by_a_release_that_lowered_the_online_voters_is_not_lowered_again_on_reading()
    {
        var dataDir = WarmteServer.NewDataDir();
        await using (var server = await Start(dataDir))
        {
            var admin = server.Client();
            await ApiCalls.SeedCooperativeWithProject(admin, Coop, "oudeclose-p");
            await ApiCalls.SeedMembers(admin, Coop, 4);
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{Coop}/alv/meetings", new
            {
                id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
                proposals = new[] { new { id = "vb", title = "Voorstel B", decisionType = "Overig" } },
            })).Status);
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "vb" } } })).Status);
            var issued = await admin.Post($"api/cooperatives/{Coop}/alv/meetings/alv/online/codes?format=json", new { });
            var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
            var member = server.Client(token: null);
            Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = "vb", choice = "Voor" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/votes", new { code = codes["L-2"], proposalId = "vb", choice = "Tegen" })).Status);
            // L-1 written out on the meeting day, then the close leaves her vote out: one online voter whose vote counts (L-2).
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/members/L-1/leave", new { leftOn = OnlineVotingFixture.MeetingDate })).Status);
            var closed = await admin.Post($"api/cooperatives/{Coop}/alv/meetings/alv/proposals/vb/close", new { });
            Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
            Assert.Equal((1, 1), await Online(server));
        }

        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build());
        await using (var connection = new SqliteConnection(settings.ConnectionString))
        {
            await connection.OpenAsync();
            // Today's close keeps the figure (2 cast online); the old close stored it lowered by the member it left out.
            Assert.Equal(2L, await Scalar(connection, "SELECT json_extract(state, '$.record.meetings[0].onlineVoters') FROM warmte_snapshot WHERE grain_type = 'alv' AND grain_key = $key"));
            Assert.Equal(1, await Execute(connection, "UPDATE warmte_snapshot SET state = json_set(state, '$.record.meetings[0].onlineVoters', 1) WHERE grain_type = 'alv' AND grain_key = $key"));
        }
        // 9943d96 up to ae97376: lowered, and L-1's mark says her vote was left out. Before: 0 voters (taken off twice).
        await using (var server = await Start(dataDir)) Assert.Equal((1, 1), await Online(server));

        await using (var connection = new SqliteConnection(settings.ConnectionString))
        {
            await connection.OpenAsync();
            // f71f7d3 up to 9943d96: lowered, no left-out mark (the member's newest mark is her online ballot's).
            Assert.Equal(1, await Execute(connection, """
                DELETE FROM warmte_journal WHERE grain_type = 'alv' AND grain_key = $key AND kind = 'alv-voter' AND tag = 'alv/vb/L-1'
                  AND seq = (SELECT MAX(seq) FROM warmte_journal WHERE grain_type = 'alv' AND grain_key = $key AND kind = 'alv-voter' AND tag = 'alv/vb/L-1')
                  AND json_extract(payload, '$.leftOut') IS NOT NULL
                """));
        }
        await using (var server = await Start(dataDir)) Assert.Equal((1, 1), await Online(server));
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", Coop);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<int> Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", Coop);
        return await command.ExecuteNonQueryAsync();
    }
}
