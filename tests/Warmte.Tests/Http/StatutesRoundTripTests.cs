using System.Net;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester finding A12: what <c>GET …/alv/statutes</c> answered could not be sent back with <c>PUT</c> (quorum as an
/// object, overrides as type and rule). The answer's <c>input</c> is the same statutes in the PUT's shape: read, change,
/// send back.
/// </summary>
public sealed class StatutesRoundTripTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    [Fact]
    public async Task The_input_of_the_statutes_answer_sent_back_with_put_changes_nothing_and_a_changed_field_is_taken()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new
        {
            @default = new { quorum = "1/3", majority = "1/2", majorityRule = "MoreThan", abstentionsCount = false, maxProxiesPerAttendee = 2, minimumNoticeDays = 14 },
            overrides = new object[]
            {
                new { decisionType = "Tariefbesluit", weighting = "PerWoningequivalent", majority = "2/3", majorityRule = "AtLeast" },
                new { decisionType = "Statutenwijziging", quorum = "1/2", majority = "3/4" },
            },
            electronic = new { advanceVotingAllowed = true, secretBallotTypes = new[] { "Bestuursverkiezing" }, onlineProxiesAllowed = true },
        })).Status);
        var before = await admin.Get($"api/cooperatives/{coop}/alv/statutes");
        Assert.Equal(HttpStatusCode.OK, before.Status);
        var input = JsonNode.Parse(before.Body.GetProperty("input").GetRawText())!;
        // The PUT's own shape: fractions as text, overrides by decisionType.
        Assert.Equal("1/3", input["default"]!["quorum"]!.GetValue<string>());
        Assert.Equal("Tariefbesluit", input["overrides"]![0]!["decisionType"]!.GetValue<string>());

        var again = await admin.Put($"api/cooperatives/{coop}/alv/statutes", input);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(before.Raw, (await admin.Get($"api/cooperatives/{coop}/alv/statutes")).Raw);

        input["default"]!["minimumNoticeDays"] = 21;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", input)).Status);
        var changed = await admin.Get($"api/cooperatives/{coop}/alv/statutes");
        Assert.Equal(21, changed.Body.GetProperty("default").GetProperty("minimumNoticeDays").GetInt32());
        Assert.Equal(21, changed.Body.GetProperty("input").GetProperty("default").GetProperty("minimumNoticeDays").GetInt32());
    }
}
