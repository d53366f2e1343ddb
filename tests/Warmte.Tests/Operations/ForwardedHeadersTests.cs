using System.Net;
using System.Security.Cryptography;
using Warmte.Silo.Auth;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Behind a TLS-terminating proxy: X-Forwarded-Proto (the session cookie) and X-Forwarded-For (per-address
/// limits) are believed only from known proxies (loopback by default). In-process every request comes from
/// 127.0.0.1, so "a request from elsewhere" is a server whose configured proxies leave loopback out
/// (ForwardedHeaders:KnownProxies).
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static async Task<string> SignInCookie(WarmteServer server, bool forwardedHttps)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(server.BaseUrl + "/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "dashboard/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = WarmteServer.BootstrapAdminToken }),
        };
        if (forwardedHttps) request.Headers.Add("X-Forwarded-Proto", "https");
        var answer = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return Assert.Single(answer.Headers.GetValues("Set-Cookie"));
    }

    private static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Any(part => part.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Behind_a_proxy_on_loopback_the_forwarded_https_makes_the_session_cookie_Secure()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--Dashboard:Enabled", "true"]);
        Assert.True(IsSecure(await SignInCookie(server, forwardedHttps: true)));
        Assert.False(IsSecure(await SignInCookie(server, forwardedHttps: false))); // plain HTTP, no proxy said otherwise
    }

    [Fact]
    public async Task X_Forwarded_Proto_from_an_address_that_is_not_a_configured_proxy_is_not_believed()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs:
            ["--Dashboard:Enabled", "true", "--ForwardedHeaders:KnownProxies:0", "10.9.9.9", "--ForwardedHeaders:KnownNetworks:0", "192.168.77.0/24"]);
        Assert.False(IsSecure(await SignInCookie(server, forwardedHttps: true)));
    }

    private static readonly string[] LookupBudget =
        ["--RateLimit:Enabled", "true", "--RateLimit:TokenLookupsPerSecond", "1", "--RateLimit:TokenLookupBurst", "5"];

    /// <summary>Sends unknown tokens as if through a proxy that forwards for <paramref name="forwardedFor"/>; the answers' statuses.</summary>
    private static async Task<List<HttpStatusCode>> UnknownTokensFrom(WarmteServer server, string forwardedFor, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var http = server.Client(TokenStore.Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));
            http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
            using var answer = await http.GetAsync("api/gates");
            statuses.Add(answer.StatusCode);
        }
        return statuses;
    }

    [Fact]
    public async Task Behind_a_proxy_each_client_has_its_own_token_lookup_budget_taken_from_the_last_forwarded_address()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: LookupBudget);

        // One client floods unknown tokens through the proxy: past its burst it gets 429 before any lookup.
        var flood = await UnknownTokensFrom(server, "203.0.113.7", 30);
        Assert.Contains(HttpStatusCode.TooManyRequests, flood);

        // Another client behind the same proxy is not held back by the first one's flood.
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.Single(await UnknownTokensFrom(server, "203.0.113.8", 1)));

        // A client cannot escape its budget by writing another address in front: only the entry the proxy
        // added (the last) counts, and that is still the flooding client.
        Assert.Equal(HttpStatusCode.TooManyRequests, Assert.Single(await UnknownTokensFrom(server, "198.51.100.1, 203.0.113.7", 1)));
    }

    [Fact]
    public async Task X_Forwarded_For_from_an_address_that_is_not_a_configured_proxy_does_not_pick_the_budget()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs:
            [.. LookupBudget, "--ForwardedHeaders:KnownProxies:0", "10.9.9.9"]);

        // Every request really comes from 127.0.0.1, which is not a proxy here: the header is ignored, so
        // claiming a fresh address per request does not buy a fresh budget.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++) statuses.AddRange(await UnknownTokensFrom(server, $"203.0.113.{i + 1}", 1));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task A_proxy_setting_that_is_not_an_address_stops_the_start_with_a_clear_message()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => WarmteServer.StartAsync(extraArgs: ["--ForwardedHeaders:KnownProxies:0", "proxy.example"]));
        Assert.Contains("ForwardedHeaders:KnownProxies: 'proxy.example' is geen IP-adres", error.ToString());
    }
}
