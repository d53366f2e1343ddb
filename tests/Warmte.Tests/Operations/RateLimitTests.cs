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

    [Fact]
    public async Task Without_the_dashboard_enabled_there_is_no_dashboard()
    {
        await using var server = await WarmteServer.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().Get("dashboard/")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().Get("dashboard/login")).Status);
    }
}
