using System.Net;
using System.Text.Json.Nodes;
using Warmte.Common;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester9b: hostile and oversized input gets a short Dutch answer naming the field. T4: control characters in free
/// text (one shared rule, FreeText: one-line fields take none, multi-line fields only "\n"); T9: a refusal lists at
/// most 100 field errors and counts the rest; T10: a property given twice is refused; T11: a whole number in exponent
/// notation is answered with the number written out, and a loan grid counts distinct cells against the role's limit.
/// </summary>
public sealed class HostileInputApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string Reason(ApiCalls.Answer answer, string field) => answer.Body.GetProperty("errors").GetProperty(field)[0].GetString()!;

    [Theory]
    [InlineData("name", "WG\u0000terrein\u001b[31m")]
    [InlineData("name", "WG terrein\u009b31m")] // a C1 control: the one-byte CSI some terminals take
    [InlineData("technology", "a\u0007b")]
    [InlineData("technology", "aquathermie\u007fWKO")]
    public async Task A_one_line_field_of_a_project_refuses_a_control_character_and_keeps_the_stored_value(string field, string value)
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var refused = await admin.Patch($"api/projects/{project}", new Dictionary<string, string> { [field] = value });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal([field], refused.ErrorFields);
        Assert.Equal("bevat een stuurteken (zoals een escape- of nulteken); geef gewone tekst.", Reason(refused, field));
        Assert.Equal("Warmtenet " + project, (await admin.Get($"api/projects/{project}")).Text("name"));
    }

    [Fact]
    public async Task The_cooperatives_statutory_name_and_a_token_name_refuse_a_line_break()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var refused = await admin.Patch($"api/cooperatives/{coop}", new { statutoryName = "Coöperatie\u0000Ketelhuis" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("stuurteken", Reason(refused, "statutoryName"));
        var created = await admin.Post("api/cooperatives", new { id = NewId("coop"), statutoryName = "Coop\u001b]0;titel\u0007", kind = "HeatNetwork", municipality = "Amsterdam" });
        Assert.Equal(["statutoryName"], created.ErrorFields);
        var token = await admin.Post("api/tokens", new { name = "Jan\u001b[2J", role = "reader" });
        Assert.Equal(["name"], token.ErrorFields);
    }

    [Fact]
    public async Task A_multi_line_field_keeps_its_line_breaks_and_refuses_other_control_characters()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        object Grant(string id, string conditions) => new
        {
            id, funder = "Rijk via gemeente", scheme = "PAW", amountGranted = 1_000_000m, decidedOn = "2020-01-01", conditions,
            tranches = new[] { new { amount = 1_000_000m } },
        };
        var kept = await admin.Post($"api/projects/{project}/grants", Grant("paw", "Eerste regel.\nTweede regel."));
        Assert.True(kept.Status == HttpStatusCode.Created, kept.Raw);
        Assert.Contains("Eerste regel.\\nTweede regel.", (await admin.Get($"api/projects/{project}/grants/paw")).Raw);

        foreach (var bad in new[] { "Regel\u001b[31m rood", "Oude Mac\u0085regel", "bel\u0007", "nul\u0000" })
        {
            var refused = await admin.Post($"api/projects/{project}/grants", Grant("wis", bad));
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal(["conditions"], refused.ErrorFields);
            Assert.Equal(FreeText.LinesReason, Reason(refused, "conditions"));
        }
        // The grant's one-line fields follow the one-line rule.
        var funder = await admin.Post($"api/projects/{project}/grants", new
        {
            id = "wis", funder = "Rijk\u001bvia gemeente", scheme = "PAW", amountGranted = 1m, decidedOn = "2020-01-01", tranches = new[] { new { amount = 1m } },
        });
        Assert.Equal(["funder"], funder.ErrorFields);

        // What Windows and spreadsheets send is stored normalised, not refused (review18 #1): a note with "\r\n" and a
        // tab keeps its lines; a funder over two lines becomes one.
        var windows = await admin.Post($"api/projects/{project}/grants", new
        {
            id = "win", funder = "Rijk\r\nvia\tgemeente", scheme = "PAW", amountGranted = 1m, decidedOn = "2020-01-01",
            conditions = "Eerste regel.\r\nTweede\tregel.\r\n", tranches = new[] { new { amount = 1m } },
        });
        Assert.True(windows.Status == HttpStatusCode.Created, windows.Raw);
        var stored = (await admin.Get($"api/projects/{project}/grants/win")).Body.GetProperty("grant");
        Assert.Equal("Rijk via gemeente", stored.GetProperty("funder").GetString());
        Assert.Equal("Eerste regel.\nTweede regel.", stored.GetProperty("conditions").GetString());
    }

    [Fact]
    public async Task A_member_list_with_many_bad_rows_is_answered_with_the_first_hundred_errors_and_a_count_of_the_rest()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        // 150 members without a name: 150 rule errors, one per member.
        var members = Enumerable.Range(1, 150).Select(i => new { number = $"N-{i}", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = i, joinedOn = "2020-01-01" }).ToArray();

        var refused = await admin.Post($"api/cooperatives/{coop}/members", new { members, dryRun = true });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        var errors = refused.Body.GetProperty("errors");
        var listed = errors.EnumerateObject().Where(p => p.Name.StartsWith("members[", StringComparison.Ordinal)).ToList();
        Assert.Equal(100, listed.Count);
        Assert.Equal("members[0].name", listed[0].Name);
        Assert.Equal("members[99].name", listed[^1].Name);
        Assert.StartsWith("en nog 50 fouten, niet getoond", errors.GetProperty("body")[0].GetString());

        var skipped = await admin.Post($"api/cooperatives/{coop}/members", new { members, dryRun = true, skipInvalid = true });
        Assert.True(skipped.Status == HttpStatusCode.OK, skipped.Raw);
        var rows = skipped.Body.GetProperty("skipped").EnumerateArray().ToList();
        Assert.Equal(101, rows.Count);
        Assert.Equal("members[99].name", rows[99].GetProperty("field").GetString());
        Assert.Equal("members", rows[100].GetProperty("field").GetString());
        Assert.StartsWith("en nog 50 fouten", rows[100].GetProperty("reason").GetString());
        Assert.True(skipped.Raw.Length < 20_000, $"{skipped.Raw.Length} characters");
    }

    [Fact]
    public async Task A_property_given_twice_is_refused_naming_it()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var member = """{"number":"D-1","name":"Lid","category":"eigenaar-bewoner","postcode":"1054 AB","huisnummer":1,"joinedOn":"2020-01-01"}""";

        var top = await admin.PostRaw($"api/cooperatives/{coop}/members", $$"""{"members":[{{member}}],"members":[]}""");
        Assert.Equal(HttpStatusCode.BadRequest, top.Status);
        Assert.Equal(["members"], top.ErrorFields);
        Assert.Equal("staat meer dan één keer in het verzoek; geef elk veld één keer.", Reason(top, "members"));

        // Inside a list item, and spelt in another case (the reader matches names regardless of case).
        var inner = await admin.PostRaw($"api/cooperatives/{coop}/members",
            """{"members":[{"number":"D-1","name":"Lid","category":"eigenaar-bewoner","postcode":"1054 AB","huisnummer":1,"joinedOn":"2020-01-01","Name":"Ander"}]}""");
        Assert.Equal(["members[0].Name"], inner.ErrorFields);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/members/D-1")).Status);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostRaw($"api/cooperatives/{coop}/members", $$"""{"members":[{{member}}]}""")).Status);
    }

    [Fact]
    public async Task A_whole_number_in_exponent_notation_is_answered_with_the_number_written_out()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")), note = "basis" })).Status);
        var path = $"api/projects/{project}/business-cases/1/montecarlo";

        var exponent = await admin.PostRaw(path, """{"runs":1e3}""");
        Assert.Equal(HttpStatusCode.BadRequest, exponent.Status);
        Assert.StartsWith("1e3 is in exponentnotatie geschreven", Reason(exponent, "runs"));
        Assert.EndsWith("schrijf het gehele getal voluit: 1000.", Reason(exponent, "runs"));
        // One that does not fit an int is still too large.
        Assert.StartsWith("1e12 is te groot of te klein", Reason(await admin.PostRaw(path, """{"runs":1e12}"""), "runs"));
    }

    [Fact]
    public async Task A_loan_grid_counts_distinct_cells_and_a_reader_is_told_its_own_limit()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")), note = "basis" })).Status);
        var reader = Server.Client((await admin.Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token"));
        var path = $"api/projects/{project}/business-cases/1/loan-grid";

        // 20.000 times the same rate and term: one cell (api.md: distinct cells count).
        var one = await reader.Post(path, new { rates = Enumerable.Repeat(0.03m, 20_000), terms = Enumerable.Repeat(20, 20_000) });
        Assert.True(one.Status == HttpStatusCode.OK, one.Raw.Length > 500 ? one.Raw[..500] : one.Raw);

        // 15 × 15 distinct cells: over the reader's 200, and the answer names 200, not the service's 2.000.
        var rates = Enumerable.Range(1, 15).Select(i => i / 100m).ToArray();
        var refused = await reader.Post(path, new { rates, terms = Enumerable.Range(10, 15).ToArray() });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("cost-limit", refused.Code);
        Assert.Contains("200", Reason(refused, "rates"));
        Assert.Contains("225", Reason(refused, "rates"));
        Assert.DoesNotContain("2.000", Reason(refused, "rates"));
    }

    /// <summary>
    /// A right-to-left override in a name ("Jan" + U+202E + "seirV ed" shows as "Jan de Vries") would spoof the name in exports,
    /// letters, the CLI and the voting page: refused at the API in a project, a cooperative and a member, naming the field and
    /// the character; a Hebrew name with its right-to-left mark is stored as written.
    /// </summary>
    [Fact]
    public async Task A_directional_override_is_refused_naming_the_field_and_the_character_and_a_hebrew_name_is_kept()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var refused = await admin.Patch($"api/projects/{project}", new { name = "Warmtenet \u202Enoord" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["name"], refused.ErrorFields);
        Assert.StartsWith("bevat het onzichtbare richtingsteken U+202E (RIGHT-TO-LEFT OVERRIDE);", Reason(refused, "name"));
        Assert.Equal("Warmtenet " + project, (await admin.Get($"api/projects/{project}")).Text("name"));
        Assert.Equal(["statutoryName"], (await admin.Patch($"api/cooperatives/{coop}", new { statutoryName = "Co\u2066op" })).ErrorFields);

        var member = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new[] { new { number = "L-1", name = "Jan\u202Eseirv ed", category = "huurder", postcode = "1054 AB", huisnummer = 1, joinedOn = "2020-01-01" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, member.Status);
        Assert.Equal(["members[0].name"], member.ErrorFields);
        Assert.Contains("U+202E (RIGHT-TO-LEFT OVERRIDE)", Reason(member, "members[0].name"));

        const string hebrew = "\u05D9\u05E2\u05DC \u05DB\u05D4\u05DF\u200F";
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new[] { new { number = "L-2", name = hebrew, category = "huurder", postcode = "1054 AB", huisnummer = 2, joinedOn = "2020-01-01" } },
        })).Status);
        Assert.Equal(hebrew, (await admin.Get($"api/cooperatives/{coop}/members/L-2")).Text("name"));
    }
}
