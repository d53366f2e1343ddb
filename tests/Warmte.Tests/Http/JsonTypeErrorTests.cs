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
    // A number sent as Dutch text is answered with the number to write (tester7 T15).
    [InlineData("woningequivalenten", "2,5", "schrijf het getal zonder aanhalingstekens, zonder duizendtalpunten en met een punt als decimaalteken: 2.5.")]
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
        Assert.True(reason.StartsWith("heeft een ongeldige waarde of type", StringComparison.Ordinal) || reason.StartsWith($"'{value}' is tekst", StringComparison.Ordinal), reason);
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

    /// <summary>
    /// Tester6 T13: a date the reader cannot take (2027-02-31) hid every other problem of the member; the answer now
    /// names them all at once, the type error and what the register's rules find in the rest. Nothing is stored.
    /// </summary>
    [Fact]
    public async Task A_type_error_in_one_field_does_not_hide_the_other_field_errors_of_the_request()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var refused = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new object[]
            {
                new { number = "L-1", name = "Lid", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = 0, toevoeging = "HHHHH",
                      woningequivalenten = 2.555, email = "nope", joinedOn = "2027-02-31" },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["members[0].email", "members[0].huisnummer", "members[0].joinedOn", "members[0].toevoeging", "members[0].woningequivalenten"],
            refused.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Contains("schrijf een datum als JJJJ-MM-DD", refused.Body.GetProperty("errors").GetProperty("members[0].joinedOn")[0].GetString());

        // Empty texts and an empty date: every one of them, not only joinedOn.
        var empty = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new object[] { new { number = "", name = "", category = "", postcode = "", huisnummer = 3, joinedOn = "" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal(["members[0].category", "members[0].joinedOn", "members[0].name", "members[0].number", "members[0].postcode"],
            empty.ErrorFields.Order(StringComparer.Ordinal));

        // One member by PUT: the same, named as the caller sent them (without "members[0].").
        var one = await admin.Put($"api/cooperatives/{coop}/members/Z-052", new
        {
            name = "Jan", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = 0, email = "nope", joinedOn = "2027-02-31",
        });
        Assert.Equal(HttpStatusCode.BadRequest, one.Status);
        Assert.Equal(["email", "huisnummer", "joinedOn"], one.ErrorFields.Order(StringComparer.Ordinal));

        Assert.Equal(0, (await admin.Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32());
    }

    /// <summary>Tester6 T13 on any body: several fields of the wrong type are named in one answer.</summary>
    [Fact]
    public async Task Several_fields_of_the_wrong_type_are_named_in_one_answer()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid().ToString("N")[..8]}", $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var refused = await admin.Post($"api/projects/{project}/spending", new { month = "2026-11", kind = 5, amount = "veel", onbekend = true });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["amount", "kind", "onbekend"], refused.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Contains("is geen bekend veld", refused.Body.GetProperty("errors").GetProperty("onbekend")[0].GetString());
        Assert.Contains("verwacht een getal", refused.Body.GetProperty("errors").GetProperty("amount")[0].GetString());
    }

    /// <summary>
    /// Tester6 T13's reader names the wrong fields in one walk over the body (it read the body again per wrong field): in the
    /// order sent, a wrong item of a list of texts by its index (the list is nullable: its items are still walked), and no
    /// more than <c>RequestBody.MaxTypeErrors</c> + 1 fields for a body with more.
    /// </summary>
    [Fact]
    public async Task Wrong_fields_are_named_in_the_order_sent_items_by_index_and_at_most_up_to_the_cap()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var present = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/attendance", new { present = new object[] { "L-1", 5, "L-2", true }, extra = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, present.Status);
        Assert.Equal(["present[1]", "present[3]", "extra"], present.ErrorFields);
        Assert.Contains("verwacht tekst tussen aanhalingstekens", present.Body.GetProperty("errors").GetProperty("present[3]")[0].GetString());

        var many = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = Enumerable.Range(1, 60).Select(i => new
            {
                number = $"L-{i}", name = "Lid", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = i, joinedOn = "1-1-2020",
            }).ToArray(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, many.Status);
        Assert.Equal(Enumerable.Range(0, 51).Select(i => $"members[{i}].joinedOn"), many.ErrorFields);
        Assert.Equal(0, (await admin.Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32());
    }

    /// <summary>
    /// The abuse campaign's find on the change above: a lone surrogate ("\ud800") elsewhere in a body with a type error made
    /// the second read fail with a 500. The errors found so far are answered.
    /// </summary>
    [Fact]
    public async Task A_type_error_next_to_text_that_cannot_be_written_again_is_still_a_400()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid().ToString("N")[..8]}", $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        using var answer = await admin.PostAsync($"api/projects/{project}/spending",
            new StringContent("{\"kind\":5,\"amount\":10,\"month\":\"2026-11\",\"note\":\"\\ud800\"}", System.Text.Encoding.UTF8, "application/json"));
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Contains("\"kind\"", body);

        // A property twice next to a type error: the second read may not work on it, the answer is still a 400.
        using var twice = await admin.PostAsync($"api/projects/{project}/spending",
            new StringContent("{\"kind\":5,\"amount\":10,\"amount\":11,\"month\":\"2026-11\"}", System.Text.Encoding.UTF8, "application/json"));
        var twiceBody = await twice.Content.ReadAsStringAsync();
        Assert.True(twice.StatusCode == HttpStatusCode.BadRequest, twiceBody);
        Assert.Contains("\"kind\"", twiceBody);
    }

    /// <summary>
    /// The abuse campaign's find after tester7 T15: a number field sent as text is echoed in the answer ("'…' is tekst");
    /// text that is not well-formed UTF-16 (a lone surrogate) could not be written as JSON and the refusal became a 500.
    /// The echo shows U+FFFD in its place, and a 40-character cut never splits a surrogate pair.
    /// </summary>
    [Fact]
    public async Task A_number_sent_as_text_that_cannot_be_written_again_is_echoed_safely_in_a_400()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        foreach (var text in new[] { "\\ud800", "2,5\\udc00", new string('1', 39) + "\\ud83d\\ude00" })
        {
            using var answer = await admin.PutAsync($"api/cooperatives/{coop}/members/Z-051", new StringContent(
                "{\"name\":\"Jan\",\"category\":\"eigenaar-bewoner\",\"postcode\":\"1054 AB\",\"huisnummer\":\"" + text + "\",\"joinedOn\":\"2025-01-01\"}",
                System.Text.Encoding.UTF8, "application/json"));
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.Contains("huisnummer", body);
        }
        Assert.Equal("\uFFFD", Warmte.Common.Slug.Truncate("\ud800"));
        Assert.Equal(new string('1', 39) + "…", Warmte.Common.Slug.Truncate(new string('1', 39) + "\ud83d\ude00x"));
        Assert.Equal("a\ud83d\ude00b", Warmte.Common.Slug.WellFormed("a\ud83d\ude00b"));
    }
}
