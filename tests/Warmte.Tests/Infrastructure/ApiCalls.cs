using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warmte.Serialization;

namespace Warmte.Tests.Infrastructure;

/// <summary>Small helpers for calling the API in tests: send JSON, get status and parsed body.</summary>
public static class ApiCalls
{
    public sealed record Answer(HttpStatusCode Status, JsonElement Body, string Raw, string? ContentType)
    {
        public string Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var c) ? c.GetString()! : "";

        public IReadOnlyList<string> ErrorFields =>
            Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("errors", out var e)
                ? [.. e.EnumerateObject().Select(p => p.Name)]
                : [];

        public string Text(string property) => Body.GetProperty(property).ToString();
    }

    public static Task<Answer> Get(this HttpClient client, string path) => Send(client, HttpMethod.Get, path, null);

    public static Task<Answer> Post(this HttpClient client, string path, object body) => Send(client, HttpMethod.Post, path, body);

    public static Task<Answer> Put(this HttpClient client, string path, object body) => Send(client, HttpMethod.Put, path, body);

    public static Task<Answer> Patch(this HttpClient client, string path, object body) => Send(client, HttpMethod.Patch, path, body);

    public static Task<Answer> Delete(this HttpClient client, string path) => Send(client, HttpMethod.Delete, path, null);

    /// <summary>
    /// Every booking a spending listing's months hold: <c>GET …/spending</c> answers one page (tester8 T7), so this follows
    /// each answer's <c>next</c> until the last page.
    /// </summary>
    public static async Task<List<JsonElement>> SpendingItems(this HttpClient client, string path)
    {
        var items = new List<JsonElement>();
        for (string? next = path; next is not null;)
        {
            var answer = await client.Get(next);
            if (answer.Status != HttpStatusCode.OK) throw new InvalidOperationException($"GET {next}: {(int)answer.Status} {answer.Raw}");
            items.AddRange(answer.Body.GetProperty("items").EnumerateArray());
            next = answer.Body.GetProperty("next") is { ValueKind: JsonValueKind.String } link ? link.GetString() : null;
        }
        return items;
    }

    /// <summary>Sends raw text as the JSON body, for malformed-input tests.</summary>
    public static Task<Answer> PostRaw(this HttpClient client, string path, string json) =>
        Send(client, HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<Answer> Send(HttpClient client, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            _ => JsonContent.Create(body, options: WarmteJson.Default),
        };
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var parsed = string.IsNullOrWhiteSpace(raw) ? default : TryParse(raw);
        return new Answer(response.StatusCode, parsed, raw, response.Content.Headers.ContentType?.MediaType);
    }

    private static JsonElement TryParse(string raw)
    {
        try { return JsonDocument.Parse(raw).RootElement.Clone(); }
        catch (JsonException) { return default; }
    }

    /// <summary>Creates a cooperative and one project in it through the API; returns the project id.</summary>
    public static async Task<string> SeedCooperativeWithProject(HttpClient admin, string cooperativeId, string projectId)
    {
        var coop = await admin.Post("api/cooperatives", new
        {
            id = cooperativeId, statutoryName = $"Coöperatie {cooperativeId} U.A.", kind = "HeatNetwork",
            municipality = "Amsterdam", foundedOn = "2019-12-18",
        });
        if (coop.Status != HttpStatusCode.Created) throw new InvalidOperationException(coop.Raw);
        var project = await admin.Post($"api/cooperatives/{cooperativeId}/projects", new
        {
            id = projectId, name = "Warmtenet " + projectId, woningequivalenten = 1500, plannedConnections = 1000, startedOn = "2018-01-01",
        });
        if (project.Status != HttpStatusCode.Created) throw new InvalidOperationException(project.Raw);
        return projectId;
    }

    /// <summary>Registers three voting members; returns their numbers.</summary>
    public static async Task<string[]> SeedMembers(HttpClient admin, string cooperativeId, int count = 3)
    {
        var numbers = Enumerable.Range(1, count).Select(i => $"L-{i}").ToArray();
        var answer = await admin.Post($"api/cooperatives/{cooperativeId}/members", new
        {
            members = numbers.Select((n, i) => new
            {
                number = n, name = $"Lid {n}", category = "eigenaar-bewoner", woningequivalenten = 1,
                postcode = "1054 AB", huisnummer = i + 1, joinedOn = "2020-01-01",
            }),
        });
        if (answer.Status != HttpStatusCode.OK) throw new InvalidOperationException(answer.Raw);
        return numbers;
    }

    /// <summary>
    /// Takes a project (from <see cref="SeedCooperativeWithProject"/>) to the gate into Realisatie with everything but the ALV's
    /// realisatiebesluit and tenant consent: Go into Haalbaarheid (2019-01-01) and Ontwikkeling (2020-01-01) with their
    /// deliverables, Realisatie's deliverables present on <paramref name="deliverablesOn"/>, and a saved business case
    /// that closes (KetelhuisWG's model). Add <see cref="PassRealisatiebesluitWithoutTenants"/> for the rest.
    /// </summary>
    public static async Task TakeToRealisatieGate(HttpClient admin, string projectId, string deliverablesOn = "2024-12-14")
    {
        var date = new DateOnly(2019, 1, 1);
        foreach (var (to, keys) in new[]
                 {
                     ("Haalbaarheid", new[] { "bewonersgroep", "intentieverklaring" }),
                     ("Ontwikkeling", new[] { "haalbaarheidsstudie", "schetsontwerp", "eerste-businesscase", "juridische-knelpunten", "ontwikkelfinanciering" }),
                 })
        {
            foreach (var key in keys) Check(await admin.Put($"api/projects/{projectId}/deliverables/{key}", new { presentOn = date.ToString("yyyy-MM-dd") }), HttpStatusCode.OK);
            Check(await admin.Post($"api/projects/{projectId}/transitions", new { to, decidedOn = date.ToString("yyyy-MM-dd"), decidedBy = "ALV", rationale = "ok" }), HttpStatusCode.OK);
            date = date.AddYears(1);
        }
        foreach (var key in new[] { "definitief-ontwerp", "contracten", "businesscase-financieringsvoorstel", "vergunningen", "financial-close" })
            Check(await admin.Put($"api/projects/{projectId}/deliverables/{key}", new { presentOn = deliverablesOn }), HttpStatusCode.OK);
        Check(await admin.Post($"api/projects/{projectId}/business-cases", new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) }), HttpStatusCode.Created);
    }

    private static void Check(Answer answer, HttpStatusCode expected)
    {
        if (answer.Status != expected) throw new InvalidOperationException($"{answer.Status}: {answer.Raw}");
    }

    /// <summary>
    /// Has the ALV pass the project's realisatiebesluit (members registered, meeting, ballots, closed)
    /// and declares that the project connects no rented homes, so both computed Realisatie conditions hold.
    /// Returns the meeting's id (its proposal is <c>realisatiebesluit</c>).
    /// </summary>
    public static async Task<string> PassRealisatiebesluitWithoutTenants(HttpClient admin, string cooperativeId, string projectId, string meetingDate = "2024-12-14")
    {
        var members = await SeedMembers(admin, cooperativeId);
        var meeting = $"alv-{Guid.NewGuid().ToString("N")[..6]}";
        var created = await admin.Post($"api/cooperatives/{cooperativeId}/alv/meetings", new
        {
            id = meeting, title = "ALV", date = meetingDate, noticeDate = DateOnly.Parse(meetingDate).AddDays(-14).ToString("yyyy-MM-dd"),
            proposals = new[] { new { id = "realisatiebesluit", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId } },
        });
        if (created.Status != HttpStatusCode.Created) throw new InvalidOperationException(created.Raw);
        foreach (var member in members)
        {
            var ballot = await admin.Post($"api/cooperatives/{cooperativeId}/alv/meetings/{meeting}/proposals/realisatiebesluit/ballots", new { memberNumber = member, choice = "Voor" });
            if (ballot.Status != HttpStatusCode.OK) throw new InvalidOperationException(ballot.Raw);
        }
        var closed = await admin.Post($"api/cooperatives/{cooperativeId}/alv/meetings/{meeting}/proposals/realisatiebesluit/close", new { });
        if (closed.Status != HttpStatusCode.OK) throw new InvalidOperationException(closed.Raw);
        var consent = await admin.Put($"api/projects/{projectId}/consent/applicability", new { notApplicable = true, reason = "Alleen koopwoningen" });
        if (consent.Status != HttpStatusCode.OK) throw new InvalidOperationException(consent.Raw);
        return meeting;
    }
}
