using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>One real service (SQLite) shared by the tests of this class; each test uses its own ids.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public WarmteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await WarmteServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class ApiBehaviourTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<string> Token(string role, string name = "test")
    {
        var answer = await Server.Client().Post("api/tokens", new { name, role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return answer.Text("token");
    }

    [Fact]
    public async Task Without_a_token_every_api_call_is_401_with_a_problem_document()
    {
        var anonymous = Server.Client(token: null);
        var answer = await anonymous.Get("api/cooperatives");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("unauthorized", answer.Code);

        var wrong = await Server.Client("wt_not-a-real-token-at-all-0000000000").Get("api/status");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_token()
    {
        var anonymous = Server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Get("health")).Status);
        var openapi = await anonymous.Get("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openapi.Status);
        Assert.Contains("/api/projects/{id}/transitions", openapi.Raw);
    }

    [Fact]
    public async Task A_cooperative_created_through_the_api_can_be_read_back_and_listed()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));

        var read = await admin.Get($"api/cooperatives/{coop}");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("2019-12-18", read.Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());
        Assert.Equal("Initiatief", read.Body.GetProperty("projects")[0].GetProperty("phase").GetString());

        var list = await admin.Get("api/cooperatives");
        Assert.Contains(list.Body.EnumerateArray(), c => c.GetProperty("cooperative").GetProperty("id").GetString() == coop);
    }

    [Fact]
    public async Task Bad_input_is_400_naming_every_field_and_reason_and_creates_nothing()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var answer = await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = " ", kind = "Kerncentrale", municipality = "Amsterdam", foundedOn = "2019-13-45",
        });
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(["foundedOn", "kind", "statutoryName"], answer.ErrorFields.Order());
        Assert.Contains("Kerncentrale", answer.Body.GetProperty("errors").GetProperty("kind")[0].GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}")).Status);
    }

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("[1,2,3]", "body")]
    [InlineData("{\"id\": 12}", "id")]
    [InlineData("{\"id\": \"x\", \"woningequivalenten\": 1e40}", "woningequivalenten")]
    [InlineData("{\"id\": \"x\", \"woningequivalenten\": 1.5}", "woningequivalenten")]
    [InlineData("{\"naam\": \"typfout\"}", "naam")]
    [InlineData("", "body")]
    public async Task Malformed_json_is_400_naming_the_field_never_500(string json, string field)
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await admin.Post("api/cooperatives", new { id = coop, statutoryName = "X", kind = "HeatNetwork", municipality = "Amsterdam" });
        var answer = await admin.PostRaw($"api/cooperatives/{coop}/projects", json);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains(field, answer.ErrorFields);
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        var admin = Server.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("api/cooperatives/bestaat-niet")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("api/projects/bestaat-niet")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("api/umbrellas/bestaat-niet")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("api/projects/NOT%20A%20SLUG")).Status);
        var transition = await admin.Post("api/projects/bestaat-niet/transitions", new { to = "Haalbaarheid" });
        Assert.Equal(HttpStatusCode.NotFound, transition.Status);
        Assert.Equal("not-found", transition.Code);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("api/geen-route")).Status);
    }

    [Fact]
    public async Task Boards_write_only_their_own_cooperative_and_readers_write_nothing()
    {
        var admin = Server.Client();
        var own = NewId("coop");
        var other = NewId("coop");
        var ownProject = await ApiCalls.SeedCooperativeWithProject(admin, own, NewId("proj"));
        var otherProject = await ApiCalls.SeedCooperativeWithProject(admin, other, NewId("proj"));
        var board = Server.Client(await Token($"board:{own}", "Bestuur"));
        var reader = Server.Client(await Token("reader"));
        var deliverable = new { presentOn = "2018-02-01", reference = "notulen" };

        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/projects/{ownProject}/deliverables/bewonersgroep", deliverable)).Status);
        var forbidden = await board.Put($"api/projects/{otherProject}/deliverables/bewonersgroep", deliverable);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal("forbidden", forbidden.Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.Put($"api/projects/{ownProject}/deliverables/intentieverklaring", deliverable)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.Post("api/cooperatives", new { id = NewId("coop") })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.Post("api/tokens", new { name = "x", role = "admin" })).Status);

        // Reading is open to every role.
        Assert.Equal(HttpStatusCode.OK, (await reader.Get($"api/projects/{otherProject}")).Status);
        var other_ = await admin.Get($"api/projects/{otherProject}");
        Assert.Empty(other_.Body.GetProperty("deliverables").EnumerateArray());
    }

    [Fact]
    public async Task Advancing_with_unmet_conditions_is_409_listing_every_unmet_condition_and_changes_nothing()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        await admin.Put($"api/projects/{project}/deliverables/bewonersgroep", new { presentOn = "2018-02-01" });
        var auditBefore = (await admin.Get($"api/projects/{project}/audit")).Body.GetProperty("total").GetInt32();

        var skip = await admin.Post($"api/projects/{project}/transitions",
            new { to = "Ontwikkeling", decidedOn = "2019-01-01", decidedBy = "ALV", rationale = "te snel" });
        Assert.Equal(HttpStatusCode.Conflict, skip.Status);
        Assert.Equal("illegal-transition", skip.Code);

        var go = await admin.Post($"api/projects/{project}/transitions",
            new { to = "Haalbaarheid", decidedOn = "2019-01-01", decidedBy = "ALV", rationale = "klaar" });
        Assert.Equal(HttpStatusCode.Conflict, go.Status);
        Assert.Equal("gate-conditions-unmet", go.Code);
        Assert.Equal(["conditions.intentieverklaring"], go.ErrorFields);

        var after = await admin.Get($"api/projects/{project}");
        Assert.Equal("Initiatief", after.Text("phase"));
        Assert.Equal(auditBefore, (await admin.Get($"api/projects/{project}/audit")).Body.GetProperty("total").GetInt32());

        await admin.Put($"api/projects/{project}/deliverables/intentieverklaring", new { presentOn = "2018-06-01", reference = "LOI" });
        var ok = await admin.Post($"api/projects/{project}/transitions",
            new { to = "Haalbaarheid", decidedOn = "2019-01-01", decidedBy = "ALV", rationale = "klaar" });
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("Haalbaarheid", ok.Text("phase"));
        Assert.Equal("Go", ok.Body.GetProperty("history")[0].GetProperty("kind").GetString());

        var again = await admin.Post($"api/projects/{project}/transitions",
            new { to = "Haalbaarheid", decidedOn = "2019-01-02", decidedBy = "ALV", rationale = "nog eens" });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("already-in-phase", again.Code);
    }

    [Fact]
    public async Task A_bad_date_in_a_milestone_is_refused_before_anything_is_stored()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var bad = await admin.Put($"api/projects/{project}/milestones/start-bouw",
            new { name = "Start bouw", plannedOn = "2025-05-01", actualOn = "1 mei" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["actualOn"], bad.ErrorFields);
        Assert.Empty((await admin.Get($"api/projects/{project}")).Body.GetProperty("milestones").EnumerateArray());
    }

    [Fact]
    public async Task The_audit_trail_records_who_changed_what_newest_first_and_pages()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var board = Server.Client(await Token($"board:{coop}", "Bestuur KetelhuisWG"));
        await board.Put($"api/projects/{project}/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2025-05-01" });
        await board.Put($"api/projects/{project}/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2025-09-01" });

        var page1 = await admin.Get($"api/projects/{project}/audit?page=1&pageSize=2");
        Assert.Equal(3, page1.Body.GetProperty("total").GetInt32());
        var entries = page1.Body.GetProperty("entries");
        Assert.Equal(2, entries.GetArrayLength());
        Assert.Equal("milestone.updated", entries[0].GetProperty("action").GetString());
        Assert.Equal("Bestuur KetelhuisWG", entries[0].GetProperty("actor").GetString());
        Assert.Contains("was gepland 01-05-2025", entries[0].GetProperty("summary").GetString());
        var page2 = await admin.Get($"api/projects/{project}/audit?page=2&pageSize=2");
        Assert.Equal("project.created", page2.Body.GetProperty("entries")[0].GetProperty("action").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Get($"api/projects/{project}/audit?pageSize=5000")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Get($"api/projects/{project}/audit?page=abc")).Status);
    }

    [Fact]
    public async Task A_revoked_token_is_refused()
    {
        var admin = Server.Client();
        var created = await admin.Post("api/tokens", new { name = "Gemeente Amsterdam", role = "financier" });
        var token = created.Text("token");
        var financier = Server.Client(token);
        var status = await financier.Get("api/status");
        Assert.Equal("financier", status.Body.GetProperty("caller").GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Delete($"api/tokens/{created.Text("id")}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await financier.Get("api/status")).Status);
        var listed = await admin.Get("api/tokens");
        Assert.DoesNotContain(token, listed.Raw);
    }

    [Fact]
    public async Task The_umbrella_compares_its_members_side_by_side()
    {
        var admin = Server.Client();
        var umbrella = NewId("koepel");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = umbrella, name = "Testkoepel" })).Status);
        var coop = NewId("coop");
        var created = await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = "Aaa Warmte U.A.", kind = "HeatNetwork", municipality = "Amsterdam", umbrellas = new[] { umbrella },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        await admin.Post($"api/cooperatives/{coop}/projects", new { id = NewId("proj"), name = "Net", woningequivalenten = 250 });

        var comparison = await admin.Get($"api/umbrellas/{umbrella}");
        var row = Assert.Single(comparison.Body.GetProperty("rows").EnumerateArray());
        Assert.Equal(250, row.GetProperty("woningequivalenten").GetInt32());
        Assert.Equal("Initiatief", row.GetProperty("phase").GetString());
        Assert.Equal("Groep bewoners die het initiatief draagt", row.GetProperty("nextUnmetCondition").GetString());

        var unknownUmbrella = await admin.Post("api/cooperatives", new
        {
            id = NewId("coop"), statutoryName = "B", kind = "HeatNetwork", municipality = "Amsterdam", umbrellas = new[] { "geen-koepel" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknownUmbrella.Status);
        Assert.Equal(["umbrellas[0]"], unknownUmbrella.ErrorFields);
    }

    [Fact]
    public async Task Creating_the_same_cooperative_twice_is_409()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var body = new { id = coop, statutoryName = "X U.A.", kind = "HeatNetwork", municipality = "Amsterdam" };
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", body)).Status);
        var again = await admin.Post("api/cooperatives", body);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("already-exists", again.Code);
    }
}
