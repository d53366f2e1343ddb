using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The dashboard session cookie behind a TLS-terminating proxy: X-Forwarded-Proto is believed only from
/// known proxies (loopback by default). In-process every request comes from 127.0.0.1, so "a request from
/// elsewhere" is a server whose configured proxies leave loopback out (ForwardedHeaders:KnownProxies).
/// </summary>
public sealed class ForwardedProtoTests
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

    [Fact]
    public async Task A_proxy_setting_that_is_not_an_address_stops_the_start_with_a_clear_message()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => WarmteServer.StartAsync(extraArgs: ["--ForwardedHeaders:KnownProxies:0", "proxy.example"]));
        Assert.Contains("ForwardedHeaders:KnownProxies: 'proxy.example' is not an IP address", error.ToString());
    }
}
