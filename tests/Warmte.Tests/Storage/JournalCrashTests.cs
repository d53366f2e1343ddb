using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// kill -9 in the middle of a stream of bookings: after the restart every retried request (same
/// idempotency key) is booked exactly once, and the snapshot, the journal rows and the key rows
/// agree — no commit is half there. On PostgreSQL the bookings go to four projects at once, so
/// their commits share transactions (group commit, docs/storage.md) when the silo dies.
/// </summary>
public sealed class JournalCrashTests
{
    private static readonly string[] Projects = ["wg-terrein", "wg-noord", "wg-zuid", "wg-oost"];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Bookings_are_exactly_once_and_snapshot_and_journal_agree_after_kill_9(string backend)
    {
        var postgres = backend == "postgresql" ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        await using var silo = postgres is null ? SiloProcess.OnSqlite("crash") : SiloProcess.OnPostgres("crash", postgres, "crash-" + Guid.NewGuid().ToString("N")[..8]);
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        var admin = silo.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, "ketelhuiswg", Projects[0]);
        foreach (var project in Projects.Skip(1))
        {
            var created = await admin.Post("api/cooperatives/ketelhuiswg/projects", new
            {
                id = project, name = "Warmtenet " + project, woningequivalenten = 1500, plannedConnections = 1000, startedOn = "2018-01-01",
            });
            Assert.Equal(HttpStatusCode.Created, created.Status);
        }

        // Eight clients (two per project) book until the silo dies under them; every key they sent is noted, answered or not.
        var sent = new ConcurrentDictionary<string, (string Project, int Month, decimal Amount)>();
        var answered = 0;
        var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var http = silo.Client();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"c{c}-{i}";
                var booking = (Projects[c % Projects.Length], 1 + i % 12, 100m + c + i / 100m);
                sent[key] = booking;
                try
                {
                    if ((await Book(http, key, booking)).Status == HttpStatusCode.Created) Interlocked.Increment(ref answered);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return; // the silo is gone
                }
            }
        })).ToArray();
        while (Volatile.Read(ref answered) < 300) await Task.Delay(20);
        silo.Kill();
        stop.Cancel();
        await Task.WhenAll(clients);

        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        var again = silo.Client();
        // Every request is sent once more, as a client that lost its answer does.
        foreach (var (key, booking) in sent)
            Assert.Equal(HttpStatusCode.Created, (await Book(again, key, booking)).Status);

        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = Path.GetDirectoryName(silo.LogPath),
            ["Storage:Provider"] = postgres is null ? null : "PostgreSQL",
            ["Storage:ConnectionString"] = postgres,
        }).Build());
        foreach (var project in Projects)
        {
            var mine = sent.Values.Where(b => b.Project == project).ToList();
            Assert.NotEmpty(mine);
            var bookings = await again.SpendingItems($"api/projects/{project}/spending");
            Assert.Equal(mine.Count, bookings.Count);
            Assert.Equal(mine.Sum(b => b.Amount), bookings.Sum(b => b.GetProperty("amount").GetDecimal()));
            var position = (await again.Get($"api/projects/{project}/cash-position")).Body;
            Assert.Equal(mine.Sum(b => b.Amount), position.GetProperty("totalSpent").GetDecimal());

            await using var connection = await new Database(settings).OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                SELECT s.last_seq, s.state,
                       (SELECT COUNT(*) FROM warmte_journal j WHERE j.grain_type = 'cashplan' AND j.grain_key = @project),
                       (SELECT MAX(seq) FROM warmte_journal j WHERE j.grain_type = 'cashplan' AND j.grain_key = @project),
                       (SELECT COUNT(*) FROM warmte_idempotency i WHERE i.grain_type = 'cashplan' AND i.grain_key = @project)
                FROM warmte_snapshot s WHERE s.grain_type = 'cashplan' AND s.grain_key = @project
                """;
            Database.Parameter(cmd, "project", project);
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var state = JsonDocument.Parse(reader.GetString(1)).RootElement;
            Assert.Equal(mine.Count, state.GetProperty("bookingCount").GetInt32());
            Assert.Equal(mine.Count, Convert.ToInt32(reader.GetValue(2)));
            Assert.Equal(Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(3)));
            Assert.Equal(mine.Count, Convert.ToInt32(reader.GetValue(4)));
        }
    }

    private static async Task<ApiCalls.Answer> Book(HttpClient http, string key, (string Project, int Month, decimal Amount) booking)
    {
        var body = JsonSerializer.Serialize(new { month = $"2025-{booking.Month:00}", kind = "Design", amount = booking.Amount });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{booking.Project}/spending") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiCalls.Answer(response.StatusCode, raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone(), raw, null);
    }
}
