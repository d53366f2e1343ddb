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
/// agree — no commit is half there.
/// </summary>
public sealed class JournalCrashTests
{
    [Fact]
    public async Task Bookings_are_exactly_once_and_snapshot_and_journal_agree_after_kill_9()
    {
        await using var silo = SiloProcess.OnSqlite("crash");
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        var admin = silo.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, "ketelhuiswg", "wg-terrein");

        // Four clients book until the silo dies under them; every key they sent is noted, answered or not.
        var sent = new ConcurrentDictionary<string, (int Month, decimal Amount)>();
        var answered = 0;
        var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var http = silo.Client();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"c{c}-{i}";
                var booking = (1 + i % 12, 100m + c + i / 100m);
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
        while (Volatile.Read(ref answered) < 150) await Task.Delay(20);
        silo.Kill();
        stop.Cancel();
        await Task.WhenAll(clients);

        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        var again = silo.Client();
        // Every request is sent once more, as a client that lost its answer does.
        foreach (var (key, booking) in sent)
            Assert.Equal(HttpStatusCode.Created, (await Book(again, key, booking)).Status);

        var bookings = (await again.Get("api/projects/wg-terrein/spending")).Body.EnumerateArray().ToList();
        Assert.Equal(sent.Count, bookings.Count);
        Assert.Equal(sent.Values.Sum(b => b.Amount), bookings.Sum(b => b.GetProperty("amount").GetDecimal()));
        var position = (await again.Get("api/projects/wg-terrein/cash-position")).Body;
        Assert.Equal(sent.Values.Sum(b => b.Amount), position.GetProperty("totalSpent").GetDecimal());

        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = Path.GetDirectoryName(silo.LogPath),
        }).Build());
        await using var connection = await new Database(settings).OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT s.last_seq, s.state,
                   (SELECT COUNT(*) FROM warmte_journal j WHERE j.grain_type = 'cashplan' AND j.grain_key = 'wg-terrein'),
                   (SELECT MAX(seq) FROM warmte_journal j WHERE j.grain_type = 'cashplan' AND j.grain_key = 'wg-terrein'),
                   (SELECT COUNT(*) FROM warmte_idempotency i WHERE i.grain_type = 'cashplan' AND i.grain_key = 'wg-terrein')
            FROM warmte_snapshot s WHERE s.grain_type = 'cashplan' AND s.grain_key = 'wg-terrein'
            """;
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var state = JsonDocument.Parse(reader.GetString(1)).RootElement;
        Assert.Equal(sent.Count, state.GetProperty("bookingCount").GetInt32());
        Assert.Equal(sent.Count, Convert.ToInt32(reader.GetValue(2)));
        Assert.Equal(reader.GetInt64(0), Convert.ToInt64(reader.GetValue(3)));
        Assert.Equal(sent.Count, Convert.ToInt32(reader.GetValue(4)));
    }

    private static async Task<ApiCalls.Answer> Book(HttpClient http, string key, (int Month, decimal Amount) booking)
    {
        var body = JsonSerializer.Serialize(new { month = $"2025-{booking.Month:00}", kind = "Design", amount = booking.Amount });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/projects/wg-terrein/spending") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiCalls.Answer(response.StatusCode, raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone(), raw, null);
    }
}
