using System.Net;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

public sealed class CashFlowApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static JsonNode Plan() => JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"))!;

    [Fact]
    public async Task A_saved_plan_shows_the_stall_pattern_today_and_the_regimes_side_by_side()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid().ToString("N")[..8]}", $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/projects/{project}/cashflow")).Status);

        var saved = await admin.Put($"api/projects/{project}/cashflow-plan", new { plan = Plan() });
        Assert.Equal(HttpStatusCode.OK, saved.Status);

        var tranches = await admin.Get($"api/projects/{project}/cashflow");
        Assert.Equal(HttpStatusCode.OK, tranches.Status);
        Assert.True(tranches.Body.GetProperty("stalls").GetArrayLength() >= 3);
        Assert.True(tranches.Body.GetProperty("months").GetArrayLength() > 60);
        Assert.Equal("Setting", tranches.Body.GetProperty("leadTimes").GetProperty("source").GetString());

        var regimes = await admin.Get($"api/projects/{project}/regimes");
        var results = regimes.Body.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("regime").GetString()!);
        Assert.Equal(0, results["Milestones"].GetProperty("summary").GetProperty("monthsStalled").GetInt32());
        Assert.True(results["Tranches"].GetProperty("summary").GetProperty("monthsStalled").GetInt32() > 0);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Get($"api/projects/{project}/cashflow?regime=Chaos")).Status);
    }

    [Fact]
    public async Task The_lead_times_observed_on_the_project_replace_the_plans_setting()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid().ToString("N")[..8]}", $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await admin.Put($"api/projects/{project}/cashflow-plan", new { plan = Plan() });
        await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2019-01-01",
            tranches = new[] { new { amount = 1_000_000m } },
        });
        foreach (var (step, body) in new (string, object)[]
                 {
                     ("request", new { on = "2019-02-01" }),
                     ("accounting", new { on = "2019-02-10", amount = 100_000m, periodFrom = "2019-01-01", periodTo = "2019-01-31" }),
                     ("approve", new { on = "2019-06-03" }),
                     ("pay", new { on = "2019-07-01", amount = 1_000_000m }),
                 })
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/paw/tranches/1/{step}", body)).Status);

        var result = await admin.Get($"api/projects/{project}/cashflow");
        var lead = result.Body.GetProperty("leadTimes");
        Assert.Equal("ObservedMedian", lead.GetProperty("source").GetString());
        Assert.Equal(4, lead.GetProperty("requestToApprovedMonths").GetInt32());
        Assert.Equal(1, lead.GetProperty("approvedToPaidMonths").GetInt32());
    }

    [Fact]
    public async Task A_bad_plan_is_refused_with_field_paths_and_nothing_is_saved()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid().ToString("N")[..8]}", $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var plan = Plan();
        plan["openingBalance"] = -5;
        var refused = await admin.Put($"api/projects/{project}/cashflow-plan", new { plan });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.All(refused.ErrorFields, f => Assert.StartsWith("plan.", f));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/projects/{project}/cashflow-plan")).Status);
    }
}

public sealed class SpendingApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Booked_spending_and_paid_tranches_make_the_actual_cash_line_and_a_retry_books_once()
    {
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 1_000_000m, decidedOn = "2024-01-01",
            tranches = new[] { new { amount = 1_000_000m } },
        });
        foreach (var (step, body) in new (string, object)[]
                 {
                     ("request", new { on = "2024-02-01" }),
                     ("accounting", new { on = "2024-02-10", amount = 10_000m, periodFrom = "2024-01-01", periodTo = "2024-01-31" }),
                     ("approve", new { on = "2024-03-01" }),
                     ("pay", new { on = "2024-03-15", amount = 1_000_000m }),
                 })
            await admin.Post($"api/projects/{project}/grants/paw/tranches/1/{step}", body);

        var board = fixture.Server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        // Sent twice with one idempotency key (a retry after a time-out): booked once.
        for (var i = 0; i < 2; i++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{project}/spending")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { month = "2024-04", kind = "Design", amount = 85_000.25m, note = "ontwerpbureau" }),
            };
            message.Headers.Add("Idempotency-Key", "boeking-april-ontwerp");
            using var response = await board.SendAsync(message);
            Assert.True(response.IsSuccessStatusCode);
        }
        Assert.Single((await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray());
        // Tester finding F6: a kind that is no kind of work is refused listing the Dutch names (accepted since: ontwerp, …).
        var lobby = await board.Post($"api/projects/{project}/spending", new { month = "2024-04", kind = "lobby", amount = 10m });
        Assert.Equal(["kind"], lobby.ErrorFields);
        Assert.Contains("kies uit ontwerp, businesscase, contracten, communicatie, organisatie of adviseurs", lobby.Raw);
        var bad = await board.Post($"api/projects/{project}/spending", new { month = "april", kind = "Design", amount = 1m });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["month"], bad.ErrorFields);

        var position = await admin.Get($"api/projects/{project}/cash-position");
        Assert.Equal(1_000_000m, position.Body.GetProperty("totalReceived").GetDecimal());
        Assert.Equal(85_000.25m, position.Body.GetProperty("totalSpent").GetDecimal());
        Assert.Equal(914_999.75m, position.Body.GetProperty("balance").GetDecimal());
        Assert.Equal("2024-03", position.Body.GetProperty("from").GetString());
    }
}
