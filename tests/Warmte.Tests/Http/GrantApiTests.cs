using System.Net;
using System.Net.Http.Json;
using Warmte.Serialization;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

public sealed class GrantApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<(string Project, HttpClient Board, HttpClient Financier)> Setup()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var board = Server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        var financier = Server.Client((await admin.Post("api/tokens", new { name = "Gemeente Amsterdam", role = "financier" })).Text("token"));
        var grant = await financier.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk via gemeente", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2020-01-01",
            tranches = new[] { new { amount = 1_000_000m }, new { amount = 1_000_000m } },
        });
        Assert.Equal(HttpStatusCode.Created, grant.Status);
        return (project, board, financier);
    }

    private static async Task<ApiCalls.Answer> Step(HttpClient client, string project, int n, string action, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{project}/grants/paw/tranches/{n}/{action}")
        {
            Content = JsonContent.Create(body, options: WarmteJson.Default),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiCalls.Answer(response.StatusCode, System.Text.Json.JsonDocument.Parse(raw).RootElement.Clone(), raw, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_board_requests_and_accounts_the_financier_approves_and_pays()
    {
        var (project, board, financier) = await Setup();
        Assert.Equal(HttpStatusCode.OK, (await Step(board, project, 1, "request", new { on = "2020-02-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Step(board, project, 1, "accounting",
            new { on = "2020-02-15", amount = 250_000m, periodFrom = "2020-01-01", periodTo = "2020-02-14", documents = new[] { "DMS-2020-014" } })).Status);
        // Each role keeps to its own steps.
        Assert.Equal(HttpStatusCode.Forbidden, (await Step(board, project, 1, "approve", new { on = "2020-03-01" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Step(financier, project, 2, "request", new { on = "2020-03-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Step(financier, project, 1, "approve", new { on = "2020-11-01" })).Status);
        var paid = await Step(financier, project, 1, "pay", new { on = "2020-12-01", amount = 1_000_000m });
        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Equal(1_000_000m, paid.Body.GetProperty("totalPaid").GetDecimal());
        Assert.Equal(6_700_000m, paid.Body.GetProperty("outstanding").GetDecimal());
        var steps = paid.Body.GetProperty("grant").GetProperty("tranches")[0].GetProperty("steps");
        Assert.Equal("Gemeente Amsterdam", steps[3].GetProperty("actor").GetString());
        Assert.Equal(304, paid.Body.GetProperty("leadTimes").GetProperty("requestToPaymentDays").GetInt32());
    }

    [Fact]
    public async Task The_same_request_sent_twice_with_one_idempotency_key_has_one_effect()
    {
        var (project, board, financier) = await Setup();
        await Step(board, project, 1, "request", new { on = "2020-02-01" });
        await Step(board, project, 1, "accounting", new { on = "2020-02-15", amount = 250_000m, periodFrom = "2020-01-01", periodTo = "2020-02-14" });
        await Step(financier, project, 1, "approve", new { on = "2020-11-01" });

        var key = Guid.NewGuid().ToString();
        var first = await Step(financier, project, 1, "pay", new { on = "2020-12-01", amount = 1_000_000m }, key);
        var retry = await Step(financier, project, 1, "pay", new { on = "2020-12-01", amount = 1_000_000m }, key);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(1_000_000m, retry.Body.GetProperty("totalPaid").GetDecimal());
        var audit = await Server.Client().Get($"api/projects/{project}/grants/audit");
        Assert.Single(audit.Body.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "tranche.pay");

        var reused = await Step(financier, project, 1, "pay", new { on = "2020-12-02", amount = 1_000_000m }, key);
        Assert.Equal(HttpStatusCode.Conflict, reused.Status);
        Assert.Equal("idempotency-key-reused", reused.Code);
        // Without a key, a second payment of a paid tranche is simply refused by the rules.
        Assert.Equal("tranche-state", (await Step(financier, project, 1, "pay", new { on = "2020-12-01", amount = 1_000_000m })).Code);
    }

    /// <summary>
    /// The funding commands have the one keyed-write shape (docs/architecture.md, "One request, one effect"): copies of
    /// one request racing each other have one effect and all get its answer; a refusal of the input is kept under its key.
    /// </summary>
    [Fact]
    public async Task Racing_copies_of_one_keyed_step_have_one_effect_and_a_refused_input_keeps_its_key()
    {
        var (project, board, _) = await Setup();
        var key = Guid.NewGuid().ToString();
        var copies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Step(board, project, 1, "request", new { on = "2020-02-01" }, key)));
        // Each copy is the request (200) or, when it met another copy's commit in flight, 409 concurrent-change, which a
        // client retries with the same key; never a second request step, never "already requested".
        Assert.All(copies, c => Assert.True(c.Status == HttpStatusCode.OK || c.Code == "concurrent-change", $"{c.Status} {c.Raw}"));
        Assert.Contains(copies, c => c.Status == HttpStatusCode.OK);
        var retry = await Step(board, project, 1, "request", new { on = "2020-02-01" }, key);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        var audit = await Server.Client().Get($"api/projects/{project}/grants/audit");
        Assert.Single(audit.Body.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "tranche.request");

        // An amount with a fraction of a cent is refused, and the refusal is kept under its key: the same request
        // again gets it again, and the key cannot be used for another request afterwards.
        var badKey = Guid.NewGuid().ToString();
        var bad = new { on = "2020-02-15", amount = 12.345m, periodFrom = "2020-01-01", periodTo = "2020-02-14" };
        Assert.Equal(HttpStatusCode.BadRequest, (await Step(board, project, 1, "accounting", bad, badKey)).Status);
        var again = await Step(board, project, 1, "accounting", bad, badKey);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal(["amount"], again.ErrorFields);
        var other = await Step(board, project, 1, "accounting", new { on = "2020-02-15", amount = 12.34m, periodFrom = "2020-01-01", periodTo = "2020-02-14" }, badKey);
        Assert.Equal("idempotency-key-reused", other.Code);
        Assert.DoesNotContain((await Server.Client().Get($"api/projects/{project}/grants/audit")).Body.GetProperty("entries").EnumerateArray(),
            e => e.GetProperty("action").GetString() == "tranche.accounting");
    }

    [Fact]
    public async Task A_project_keeps_at_most_fifty_grants_the_next_is_refused_in_Dutch_naming_the_limit_and_the_list_stays_bounded()
    {
        var (project, board, _) = await Setup(); // "paw", with 2 tranches
        for (var i = 2; i <= 50; i++)
            Assert.Equal(HttpStatusCode.Created, (await board.Post($"api/projects/{project}/grants", new
            {
                id = $"fonds-{i}", funder = "Klimaatfonds", scheme = "Ronde " + i, amountGranted = 10_000m, decidedOn = "2024-01-01",
                tranches = new[] { new { amount = 10_000m } },
            })).Status);

        var refused = await board.Post($"api/projects/{project}/grants", new
        {
            id = "fonds-51", funder = "Klimaatfonds", scheme = "Ronde 51", amountGranted = 10_000m, decidedOn = "2024-01-01",
            tranches = new[] { new { amount = 10_000m } },
        });
        Assert.Equal((HttpStatusCode.Conflict, "too-many-grants"), (refused.Status, refused.Code));
        Assert.StartsWith("Een project houdt maximaal 50 subsidies bij en dit project heeft er al 50.", refused.Text("detail"));
        var listed = await board.Get($"api/projects/{project}/grants");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal(50, listed.Body.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await board.Get($"api/projects/{project}/grants/fonds-51")).Status);
        // A grant already there still answers as before (a retry of a creation is not a 51st grant).
        var again = await board.Post($"api/projects/{project}/grants", new
        {
            id = "fonds-7", funder = "Klimaatfonds", scheme = "Ronde 7", amountGranted = 10_000m, decidedOn = "2024-01-01",
            tranches = new[] { new { amount = 10_000m } },
        });
        Assert.Equal((HttpStatusCode.Conflict, "already-exists"), (again.Status, again.Code));
    }

    [Fact]
    public async Task Bad_tranche_input_is_400_naming_the_field_and_unknown_things_are_404()
    {
        var (project, board, _) = await Setup();
        var bad = await Step(board, project, 1, "request", new { on = "1-2-2020" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["on"], bad.ErrorFields);
        // Bad input is named first, whatever the tranche's state; a well-formed step in the wrong state is 409.
        var money = await Step(board, project, 1, "accounting", new { on = "2020-02-15", amount = 12.345m, periodFrom = "2020-01-01", periodTo = "2020-02-14" });
        Assert.Equal(HttpStatusCode.BadRequest, money.Status);
        var early = await Step(board, project, 1, "accounting", new { on = "2020-02-15", amount = 12.34m, periodFrom = "2020-01-01", periodTo = "2020-02-14" });
        Assert.Equal("tranche-state", early.Code);
        await Step(board, project, 1, "request", new { on = "2020-02-01" });
        var money2 = await Step(board, project, 1, "accounting", new { on = "2020-02-15", amount = 12.345m, periodFrom = "2020-01-01", periodTo = "2020-02-14" });
        Assert.Equal(HttpStatusCode.BadRequest, money2.Status);
        Assert.Equal(["amount"], money2.ErrorFields);
        Assert.Equal(HttpStatusCode.NotFound, (await Step(board, project, 7, "request", new { on = "2020-02-01" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Step(board, project, 1, "opeten", new { on = "2020-02-01" })).Status);
        var reader = Server.Client((await Server.Client().Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.Post($"api/projects/{project}/grants", new { id = "x" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await reader.Get($"api/projects/{project}/grants/paw")).Status);
    }
}

public sealed class PortfolioApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_portfolio_lists_funded_projects_with_their_alerts()
    {
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var today = NodaTime.SystemClock.Instance.GetCurrentInstant().InZone(Warmte.Common.AmsterdamTime.Zone).Date;
        await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 2_000_000m, decidedOn = today.PlusDays(-400).ToString("yyyy-MM-dd", null),
            reviewNormDays = 30, tranches = new[] { new { amount = 1_000_000m }, new { amount = 1_000_000m } },
        });
        await admin.Post($"api/projects/{project}/grants/paw/tranches/1/request", new { on = today.PlusDays(-100).ToString("yyyy-MM-dd", null) });
        await admin.Post($"api/projects/{project}/grants/paw/tranches/1/accounting", new
        {
            on = today.PlusDays(-95).ToString("yyyy-MM-dd", null), amount = 500_000m,
            periodFrom = today.PlusDays(-300).ToString("yyyy-MM-dd", null), periodTo = today.PlusDays(-96).ToString("yyyy-MM-dd", null),
        });

        var alerts = await admin.Get($"api/projects/{project}/alerts");
        Assert.Equal("tranche-request-pending", Assert.Single(alerts.Body.EnumerateArray()).GetProperty("kind").GetString());
        var portfolio = await admin.Get("api/portfolio");
        var row = portfolio.Body.GetProperty("projects").EnumerateArray().Single(r => r.GetProperty("projectId").GetString() == project);
        Assert.Equal(2_000_000m, row.GetProperty("outstanding").GetDecimal());
        Assert.Equal("High", row.GetProperty("alerts")[0].GetProperty("severity").GetString());
    }
}
