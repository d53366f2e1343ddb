using System.Net;
using Warmte.Silo.Auth;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Issue 16: token names are often people's names. Through the HTTP API an admin sees every name, people of the
/// same role (the same board, the same funder's financiers) see each other's, and everyone else sees the role or
/// organisation instead, in audits and in the "by" fields of what was recorded.
/// </summary>
public sealed class ActorNameTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private async Task<HttpClient> Token(HttpClient admin, string role, string name) =>
        Server.Client((await admin.Post("api/tokens", new { name, role })).Text("token"));

    [Fact]
    public async Task Each_role_sees_names_of_its_own_organisation_and_the_organisation_of_everyone_else()
    {
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var cooperative = $"coop-{suffix}";
        var otherCooperative = $"andere-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, cooperative, $"proj-{suffix}");
        await ApiCalls.SeedCooperativeWithProject(admin, otherCooperative, $"proj2-{suffix}");
        var funder = $"gemeente-{suffix}";
        var boardMember = $"Jan de Vries {suffix}";
        var financierName = $"Petra Bakker {suffix}";
        var board = await Token(admin, $"board:{cooperative}", boardMember);
        var municipality = await Token(admin, $"financier:{funder}", financierName);

        // The board records a deliverable and books spending; the funder's financier records its grant.
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/projects/{project}/deliverables/bewonersgroep", new { presentOn = "2024-03-01" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await board.Post($"api/projects/{project}/spending",
            new { month = "2024-03", kind = "Design", amount = 100m, note = "ontwerp" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await municipality.Post($"api/projects/{project}/grants", new
        {
            id = "lening", funder = "Gemeente", scheme = "Voorfinanciering", amountGranted = 1_000m, decidedOn = "2024-01-01",
            tranches = new[] { new { amount = 1_000m } },
        })).Status);

        var viewers = new Dictionary<string, HttpClient>
        {
            ["admin"] = admin,
            ["own board"] = await Token(admin, $"board:{cooperative}", $"Kees Jansen {suffix}"),
            ["other board"] = await Token(admin, $"board:{otherCooperative}", $"Anna Smit {suffix}"),
            ["same funder"] = await Token(admin, $"financier:{funder}", $"Collega {suffix}"),
            ["all funders"] = await Token(admin, "financier", $"Fondsbeheer {suffix}"),
            ["coordinator"] = await Token(admin, "coordinator", $"Ali Coördinator {suffix}"),
            ["reader"] = await Token(admin, "reader", $"Karin Lezer {suffix}"),
        };
        var boardLabel = $"Bestuur {cooperative}";
        var funderLabel = $"Financier {funder}";
        // What each viewer must see for the board member and for the funder's financier.
        var expected = new Dictionary<string, (string Board, string Financier)>
        {
            ["admin"] = (boardMember, financierName),
            ["own board"] = (boardMember, funderLabel),
            ["other board"] = (boardLabel, funderLabel),
            ["same funder"] = (boardLabel, financierName),
            ["all funders"] = (boardLabel, funderLabel),
            ["coordinator"] = (boardLabel, funderLabel),
            ["reader"] = (boardLabel, funderLabel),
        };

        foreach (var (viewer, client) in viewers)
        {
            var (seesBoard, seesFinancier) = expected[viewer];
            var audit = await client.Get($"api/projects/{project}/audit");
            Assert.Equal(HttpStatusCode.OK, audit.Status);
            Assert.Contains(audit.Body.GetProperty("entries").EnumerateArray(), e => e.GetProperty("actor").GetString() == seesBoard);
            var spending = await client.Get($"api/projects/{project}/spending");
            Assert.Equal(seesBoard, Assert.Single(spending.Body.GetProperty("items").EnumerateArray()).GetProperty("bookedBy").GetString());
            var grants = await client.Get($"api/projects/{project}/grants/audit");
            Assert.Equal(seesFinancier, Assert.Single(grants.Body.GetProperty("entries").EnumerateArray()).GetProperty("actor").GetString());
            var deliverables = (await client.Get($"api/projects/{project}")).Raw;
            // A name a viewer may not see appears nowhere in the answers, not in any other field either.
            foreach (var raw in new[] { audit.Raw, spending.Raw, grants.Raw, deliverables })
            {
                if (seesBoard != boardMember) Assert.DoesNotContain(boardMember, raw);
                if (seesFinancier != financierName) Assert.DoesNotContain(financierName, raw);
            }
        }
    }

    [Theory]
    [InlineData("admin", "Jan", new[] { "board:a" }, "Jan")]
    [InlineData("board:a", "Jan", new[] { "board:a" }, "Jan")]
    [InlineData("board:b", "Jan", new[] { "board:a" }, "Bestuur a")]
    [InlineData("reader", "Jan", new[] { "board:a", "financier" }, "Gebruiker")]
    [InlineData("board:a", "Jan", new[] { "board:a", "admin" }, "Gebruiker")]
    [InlineData("reader", "Onbekend Iemand", new string[0], "Gebruiker")]
    [InlineData("reader", "demo", new string[0], "demo")]
    [InlineData("coordinator", "Piet", new[] { "financier:gemeente-amsterdam" }, "Financier gemeente-amsterdam")]
    [InlineData("financier", "Beheer", new[] { "admin" }, "Beheerder")]
    public void The_shown_actor_follows_the_rule(string viewer, string name, string[] actorRoles, string shown) =>
        Assert.Equal(shown, ActorNames.Shown(viewer, name, actorRoles));
}
