using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Warmte.LoadGen;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.LoadGen;

/// <summary>
/// The load generator's HTTP floor (floor-server, write-compare --floor-url) against the real PostgreSQL
/// fixture: the write-compare requests are accepted and each acknowledged one is exactly one booking row;
/// a wrong or missing token, a non-positive amount or a bad body is refused and writes nothing. Otherwise
/// the floor would measure something else than "parse, authenticate, validate, insert, answer". Speed is
/// not asserted (docs/performance.md, "Service writes against raw inserts").
/// </summary>
public sealed class FloorServerTests
{
    private const string Token = "floor-test-token";

    [Fact]
    public async Task The_floor_stores_one_row_per_acknowledged_booking_and_refuses_bad_requests_without_writing()
    {
        var pg = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var floor = await FloorServer.StartAsync(pg, url, Token, clients: 4);

        // The write-compare phase itself: the workload's spending requests, the service's HttpClient setup.
        using var api = new ServiceClient([url], Token);
        var set = new Dataset("floor", Cooperatives: 2, ProjectsPerCooperative: 2, MembersPerCooperative: 0, Grants: false, CooperativesPerUmbrella: 2);
        var workload = new MixedWorkload(api, set, new Dictionary<string, int> { ["spending"] = 1 });
        var (recorder, seconds) = await LoadRunners.ClosedLoopAsync(rng => workload.RunAsync("spending", rng), clients: 4, TimeSpan.FromSeconds(2), TimeSpan.Zero);
        var spending = recorder.Results(seconds).Single();
        Assert.True(spending.Succeeded > 0);
        Assert.Equal(spending.Requests, spending.Succeeded); // every request 2xx: no 400, 401, 409 or 5xx
        Assert.Equal(spending.Succeeded, await Rows(pg));

        // Each row is the booking that was sent: its month is the tag, its amount positive, in the journal's payload shape.
        await using (var connection = new NpgsqlConnection(pg))
        {
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand($"SELECT grain_key, tag, payload::text FROM {PostgresBaseline.Table}", connection);
            await using var rows = await read.ExecuteReaderAsync();
            var projects = set.AllProjectIds().ToHashSet();
            while (await rows.ReadAsync())
            {
                Assert.Contains(rows.GetString(0), projects);
                var booking = JsonDocument.Parse(rows.GetString(2)).RootElement.GetProperty("Booking");
                Assert.Equal(rows.GetString(1), booking.GetProperty("Month").GetString());
                Assert.True(booking.GetProperty("Amount").GetDecimal() > 0);
            }
        }

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var before = await Rows(pg);
        async Task<(HttpStatusCode Status, string Body)> Post(string? token, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/projects/floor-c000-p00/spending")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        const string good = """{"month":"2026-03","kind":"Design","amount":1234.56,"note":"x"}""";

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(null, good)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(Token + "x", good)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("floor-test-tokeN", good)).Status);
        foreach (var (body, field) in new[]
        {
            ("""{"month":"2026-03","kind":"Design","amount":0}""", "amount"),
            ("""{"month":"2026-03","kind":"Design","amount":-12.5}""", "amount"),
            ("""{"month":"2026-03","kind":"Design"}""", "amount"),
            ("""{"month":"2026-03","kind":"Design","amount":"veel"}""", "body"),
            ("""{"month":"2026-13","kind":"Design","amount":10}""", "month"),
            ("""{"month":"2026-03","amount":10""", "body"),
        })
        {
            var (status, answer) = await Post(Token, body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{body}: {status} {answer}");
            Assert.Equal(field, JsonDocument.Parse(answer).RootElement.GetProperty("field").GetString());
        }
        Assert.Equal(before, await Rows(pg));

        // A good one after them is stored, and answered with its booking id.
        var (created, createdBody) = await Post(Token, good);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.StartsWith("b-", JsonDocument.Parse(createdBody).RootElement.GetProperty("id").GetString());
        Assert.Equal(before + 1, await Rows(pg));
    }

    [Fact]
    public void The_report_shows_the_floor_row_and_figures_when_present_and_renders_older_results_without_them()
    {
        OperationResult Op(string name, long ok) => new(name, ok, ok, ok / 10.0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, new Dictionary<string, long>());
        MeasurementResult Result(bool withFloor) => new()
        {
            Kind = "write-compare", Label = withFloor ? "with floor" : "older", StartedAt = DateTimeOffset.UnixEpoch, Seconds = 10, Urls = ["http://x"], Concurrency = 32,
            Operations = withFloor
                ? [Op("spending", 3000), Op("raw booking insert", 9000), Op(FloorServer.Operation, 6000)]
                : [Op("spending", 3000), Op("raw booking insert", 9000)],
            Figures = withFloor
                ? new() { ["service / raw (goal ≥ 0.8)"] = 1.0 / 3, ["http floor / raw"] = 2.0 / 3, ["service / http floor"] = 0.5 }
                : new() { ["service / raw (goal ≥ 0.8)"] = 1.0 / 3 },
        };
        // Through JSON, as `report DIR` reads the files.
        var read = new[] { Result(true), Result(false) }
            .Select(r => JsonSerializer.Deserialize<MeasurementResult>(JsonSerializer.Serialize(r, Report.Json), Report.Json)!).ToList();

        var markdown = Report.Markdown(read);

        var withFloor = markdown[markdown.IndexOf("#### write-compare: with floor", StringComparison.Ordinal)..markdown.IndexOf("#### write-compare: older", StringComparison.Ordinal)];
        var older = markdown[markdown.IndexOf("#### write-compare: older", StringComparison.Ordinal)..];
        Assert.Contains("| http floor: raw insert behind HTTP | 6000 | 600 |", withFloor);
        Assert.Contains("| http floor / raw | 0.67 |", withFloor);
        Assert.Contains("| service / http floor | 0.50 |", withFloor);
        Assert.Contains("| service / raw (goal ≥ 0.8) | 0.33 |", older);
        Assert.DoesNotContain("http floor", older);
    }

    private static async Task<long> Rows(string pg)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {PostgresBaseline.Table}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
