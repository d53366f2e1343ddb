using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>Rate limiting per token (RateLimit:*): one busy token is held back, the others are not.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_token_over_its_limit_gets_429_with_Retry_After_while_another_token_still_gets_through()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--RateLimit:Enabled", "true", "--RateLimit:PermitsPerSecond", "1", "--RateLimit:Burst", "5"]);
        var created = await server.Client().Post("api/tokens", new { name = "tweede", role = "reader" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var busy = server.Client(created.Text("token"));

        var answers = new List<ApiCalls.Answer>();
        for (var i = 0; i < 15; i++) answers.Add(await busy.Get("api/gates"));
        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(answers.Count(a => a.Status == HttpStatusCode.OK) <= 8, "the burst of 5 plus at most a few refills passes");
        Assert.All(limited, a =>
        {
            Assert.Equal("application/problem+json", a.ContentType);
            Assert.Equal("too-many-requests", a.Code);
            Assert.Equal("Te veel verzoeken", a.Text("title"));
        });

        using var raw = await busy.GetAsync("api/gates");
        Assert.Equal(HttpStatusCode.TooManyRequests, raw.StatusCode);
        Assert.True(raw.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // The admin token is its own partition, and monitoring is never limited.
        Assert.Equal(HttpStatusCode.OK, (await server.Client().Get("api/gates")).Status);
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await server.Client(token: null).Get("health/ready")).Status);
    }

    /// <summary>
    /// A token that sends again before its 429's Retry-After has passed is answered 429 at once, before its
    /// token is looked up: revoked meanwhile, it still gets the hold-back's 429, not 401; once the
    /// Retry-After has passed the lookup happens again (and finds it revoked). Other tokens go on.
    /// </summary>
    [Fact]
    public async Task A_token_that_ignores_Retry_After_is_held_back_before_its_token_is_looked_up_until_the_Retry_After_has_passed()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--RateLimit:Enabled", "true", "--RateLimit:PermitsPerSecond", "1", "--RateLimit:Burst", "5"]);
        var admin = server.Client();
        var created = await admin.Post("api/tokens", new { name = "ongeduldig", role = "reader" });
        var impatient = server.Client(created.Text("token"));
        var patient = server.Client((await admin.Post("api/tokens", new { name = "geduldig", role = "reader" })).Text("token"));

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var answer = await impatient.GetAsync("api/gates");
            if (answer.StatusCode == HttpStatusCode.TooManyRequests) limited = answer;
            else answer.Dispose();
        }
        Assert.NotNull(limited);
        Assert.DoesNotContain("vóór die tijd", await limited!.Content.ReadAsStringAsync()); // the limiter's own 429
        var given = limited.Headers.RetryAfter!.Delta!.Value;
        var until = DateTime.UtcNow + given;
        limited.Dispose();

        // Revoked now: a request that reached the token lookup would be 401.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/tokens/{created.Text("id")}")).StatusCode);
        using (var early = await impatient.GetAsync("api/gates"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
            Assert.Equal("application/problem+json", early.Content.Headers.ContentType?.MediaType);
            var body = await early.Content.ReadAsStringAsync();
            Assert.Equal("too-many-requests", JsonCode(body));
            Assert.Contains("vóór die tijd", body); // the hold-back's, not the limiter's
            Assert.InRange(early.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), given);
        }
        // The same token written otherwise ("bearer", more spaces) is the same credential, still held back.
        using (var respelled = new HttpRequestMessage(HttpMethod.Get, "api/gates"))
        {
            respelled.Headers.TryAddWithoutValidation("Authorization", $"bearer   {created.Text("token")} ");
            using var answer = await server.Client(token: null).SendAsync(respelled);
            Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
            Assert.Contains("vóór die tijd", await answer.Content.ReadAsStringAsync());
        }
        // Another token is not held back.
        Assert.Equal(HttpStatusCode.OK, (await patient.Get("api/gates")).Status);

        // After the Retry-After the request is looked up again: the token is revoked.
        var wait = until - DateTime.UtcNow + TimeSpan.FromMilliseconds(300);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Equal(HttpStatusCode.Unauthorized, (await impatient.Get("api/gates")).Status);
    }

    private static string? JsonCode(string body) => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();

    [Fact]
    public async Task Without_the_dashboard_enabled_there_is_no_dashboard()
    {
        await using var server = await WarmteServer.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().Get("dashboard/")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().Get("dashboard/login")).Status);
    }
}
