using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Issue 15, "a retried request is still exactly once": saving a business-case version takes an <c>Idempotency-Key</c>
/// like a booking (a retry after a time-out saved a second version), and a milestone or a deliverable set again to the
/// same values adds nothing to the audit trail. Real SQLite server; the version save once more on PostgreSQL.
/// </summary>
public sealed class IdempotentSaveApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static JsonNode Model() => JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json"))!;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static async Task<ApiCalls.Answer> Save(HttpClient client, string project, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{project}/business-cases") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiCalls.Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), raw, response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<int> Versions(HttpClient client, string project) =>
        (await client.Get($"api/projects/{project}/business-cases")).Body.GetArrayLength();

    [Fact]
    public Task A_business_case_save_retried_with_its_key_saves_one_version_and_answers_it_again_on_sqlite() =>
        RetriedSaveSavesOnce(fixture.Server);

    [Fact]
    public async Task A_business_case_save_retried_with_its_key_saves_one_version_and_answers_it_again_on_postgresql()
    {
        var pg = await PostgresServer.GetAsync();
        await using var server = await WarmteServer.StartAsync(postgres: await pg.CreateDatabaseAsync());
        await RetriedSaveSavesOnce(server);
    }

    private static async Task RetriedSaveSavesOnce(WarmteServer server)
    {
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var body = new { note = "bij financial close", model = Model() };

        var first = await Save(admin, project, body, "versie-fc-1");
        Assert.True(first.Status == HttpStatusCode.Created, first.Raw);
        var retry = await Save(admin, project, body, "versie-fc-1");
        Assert.True(retry.Status == HttpStatusCode.Created, retry.Raw);
        Assert.Equal(1, first.Body.GetProperty("version").GetInt32());
        Assert.Equal(1, retry.Body.GetProperty("version").GetInt32());
        Assert.Equal(first.Body.GetProperty("savedAt").GetString(), retry.Body.GetProperty("savedAt").GetString());
        Assert.Equal(1, await Versions(admin, project));

        // The same key for another note or another model: refused, nothing saved.
        var otherNote = await Save(admin, project, new { note = "andere notitie", model = Model() }, "versie-fc-1");
        Assert.Equal(HttpStatusCode.Conflict, otherNote.Status);
        Assert.Equal("idempotency-key-reused", otherNote.Body.GetProperty("code").GetString());
        var commercial = Model();
        commercial["sources"]!["loans"]![0]!["annualRate"] = 0.07;
        var otherModel = await Save(admin, project, new { note = "bij financial close", model = commercial }, "versie-fc-1");
        Assert.Equal(HttpStatusCode.Conflict, otherModel.Status);
        Assert.Equal("idempotency-key-reused", otherModel.Body.GetProperty("code").GetString());
        Assert.Equal(1, await Versions(admin, project));

        // A new key is a new version; without a key every request is one.
        Assert.Equal(2, (await Save(admin, project, body, "versie-fc-2")).Body.GetProperty("version").GetInt32());
        Assert.Equal(3, (await Save(admin, project, body, null)).Body.GetProperty("version").GetInt32());
        Assert.Equal(4, (await Save(admin, project, body, null)).Body.GetProperty("version").GetInt32());
        Assert.Equal(4, await Versions(admin, project));
    }

    [Fact]
    public async Task Two_tries_of_one_save_arriving_together_save_one_version()
    {
        var admin = fixture.Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var body = new { note = "tegelijk", model = Model() };
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Save(admin, project, body, "tegelijk-1")));
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, a.Raw));
        Assert.All(answers, a => Assert.Equal(1, a.Body.GetProperty("version").GetInt32()));
        Assert.Equal(1, await Versions(admin, project));
    }

    [Fact]
    public async Task A_bad_idempotency_key_on_a_business_case_save_is_a_400_naming_the_header_and_saves_nothing()
    {
        var admin = fixture.Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var tooLong = await Save(admin, project, new { note = "x", model = Model() }, new string('k', 201));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.True(tooLong.Body.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), tooLong.Raw);
        Assert.Equal(0, await Versions(admin, project));
    }

    [Fact]
    public async Task A_milestone_or_deliverable_set_again_to_the_same_values_adds_nothing_to_the_audit_trail()
    {
        var admin = fixture.Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        async Task<int> AuditTotal() => (await admin.Get($"api/projects/{project}/audit")).Body.GetProperty("total").GetInt32();
        var before = await AuditTotal();

        var milestone = new { name = "Start bouw", plannedOn = "2025-05-01" };
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/milestones/start-bouw", milestone)).Status);
        var again = await admin.Put($"api/projects/{project}/milestones/start-bouw", milestone);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Contains(again.Body.GetProperty("milestones").EnumerateArray(), m => m.GetProperty("key").GetString() == "start-bouw");
        Assert.Equal(before + 1, await AuditTotal());

        var deliverable = new { presentOn = "2018-01-01", reference = "bewonersinitiatief" };
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/bewonersgroep", deliverable)).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/bewonersgroep", deliverable)).Status);
        Assert.Equal(before + 2, await AuditTotal());

        // Another value is a change, with its own audit row.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2025-09-01" })).Status);
        Assert.Equal(before + 3, await AuditTotal());
    }

    [Fact]
    public async Task A_project_patched_again_with_the_same_values_adds_nothing_to_the_audit_trail()
    {
        var admin = fixture.Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        async Task<int> AuditTotal() => (await admin.Get($"api/projects/{project}/audit")).Body.GetProperty("total").GetInt32();
        var before = await AuditTotal();
        var change = new { name = "Warmtenet Terrein (fase 1)" };
        Assert.Equal(HttpStatusCode.OK, (await admin.Patch($"api/projects/{project}", change)).Status);
        var again = await admin.Patch($"api/projects/{project}", change);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("Warmtenet Terrein (fase 1)", again.Body.GetProperty("name").GetString());
        Assert.Equal(before + 1, await AuditTotal());
    }

    [Fact]
    public async Task The_same_cash_flow_plan_saved_again_keeps_one_plan_file_and_its_first_save()
    {
        var admin = fixture.Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var plan = new { plan = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")) };
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", plan)).Status);
        var savedAt = (await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("savedAt").GetString();
        await Task.Delay(20);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", plan)).Status);
        Assert.Equal(savedAt, (await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("savedAt").GetString());
        Assert.Equal(1, PlanFileRows(project));
    }

    private long PlanFileRows(string project)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(fixture.Server.DataDir, "warmtenet.db")};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'cashplan' AND grain_key = $key AND kind = 'plan-file'";
        cmd.Parameters.AddWithValue("$key", project);
        return (long)cmd.ExecuteScalar()!;
    }
}
