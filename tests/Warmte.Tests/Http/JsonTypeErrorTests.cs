using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester finding A10: a JSON value of the wrong type named the field but not the form to use
/// ("joinedOn: heeft een ongeldige waarde of type"). The answer now says what the field expects, from its .NET type.
/// </summary>
public sealed class JsonTypeErrorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    [Theory]
    [InlineData("joinedOn", "01-01-2025", "schrijf een datum als JJJJ-MM-DD")]
    [InlineData("joinedOn", "2025-02-30", "schrijf een datum als JJJJ-MM-DD")]
    [InlineData("woningequivalenten", "2,5", "een getal met een punt als decimaalteken")]
    [InlineData("huisnummer", "14H", "een geheel getal")]
    [InlineData("eligibleToVote", "ja", "true of false")]
    public async Task A_value_of_the_wrong_type_is_answered_with_the_form_the_field_expects(string field, string value, string expected)
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var body = new Dictionary<string, object>
        {
            ["name"] = "Jan de Vries", ["category"] = "eigenaar-bewoner", ["postcode"] = "1054 AB", ["huisnummer"] = 14, ["joinedOn"] = "2025-01-01",
        };
        body[field] = value;
        var refused = await admin.Put($"api/cooperatives/{coop}/members/Z-050", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal([field], refused.ErrorFields);
        var reason = refused.Body.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains("heeft een ongeldige waarde of type", reason);
        Assert.Contains(expected, reason);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/members/Z-050")).Status);
    }

    [Fact]
    public async Task A_wrong_type_inside_a_list_names_the_form_of_the_field_in_the_list()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var refused = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new object[] { new { number = "L-1", name = "Lid", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = 1, joinedOn = "1-1-2020" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        var field = Assert.Single(refused.ErrorFields);
        Assert.EndsWith("joinedOn", field);
        Assert.Contains("schrijf een datum als JJJJ-MM-DD", refused.Raw);
    }

    /// <summary>
    /// Tester finding A12: an unknown field inside a list was reported by its name alone ("type"), so a caller with
    /// several objects in the body could not tell where; it is named by its whole path, as a wrong type is.
    /// </summary>
    [Fact]
    public async Task An_unknown_field_inside_a_list_is_named_by_its_whole_path()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var refused = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new object[]
            {
                new { number = "L-1", name = "Lid", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = 1, joinedOn = "2020-01-01" },
                new { number = "L-2", name = "Lid", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = 2, joinedOn = "2020-01-01", lidSinds = "2020-01-01" },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["members[1].lidSinds"], refused.ErrorFields);
        Assert.Contains("is geen bekend veld", refused.Raw);
        // A top-level unknown field keeps its plain name.
        var top = await admin.Put($"api/cooperatives/{coop}/members/Z-051", new
        {
            name = "Jan", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = 14, joinedOn = "2025-01-01", lidSinds = "2025-01-01",
        });
        Assert.Equal(["lidSinds"], top.ErrorFields);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/members/L-2")).Status);
    }
}
