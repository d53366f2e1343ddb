using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>The Orleans dashboard under /dashboard: admins only, by Bearer token or by a session cookie from /dashboard/login.</summary>
public sealed class DashboardTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private WarmteServer Server => fixture.Server;

    private HttpClient Browser() =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(Server.BaseUrl + "/") };

    private async Task<(string Id, string Token)> Token(string role)
    {
        var answer = await Server.Client().Post("api/tokens", new { name = "dashboard test", role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return (answer.Text("id"), answer.Text("token"));
    }

    [Fact]
    public async Task Only_an_admin_token_opens_the_dashboard()
    {
        var admin = await Server.Client().GetAsync("dashboard/");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("text/html", admin.Content.Headers.ContentType?.MediaType);
        var counters = await Server.Client().GetAsync("dashboard/DashboardCounters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);

        var anonymous = await Server.Client(token: null).Get("dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal("application/problem+json", anonymous.ContentType);
        foreach (var role in new[] { "financier", "reader", "coordinator", "board:ketelhuiswg" })
        {
            var other = await Server.Client((await Token(role)).Token).Get("dashboard/DashboardCounters");
            Assert.Equal(HttpStatusCode.Forbidden, other.Status);
            Assert.Equal("application/problem+json", other.ContentType);
        }
    }

    [Fact]
    public async Task A_browser_signs_in_with_the_admin_token_once_and_then_uses_a_session_cookie_that_ends_with_logout_or_revocation()
    {
        var browser = Browser();
        var page = await browser.GetAsync("dashboard/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("method=\"post\"", await page.Content.ReadAsStringAsync());

        var (_, financier) = await Token("financier");
        var refused = await browser.PostAsync("dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = financier }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        var unknown = await browser.PostAsync("dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "wt_nonsense-0000000000000000000000000" }));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        var (adminId, adminToken) = await Token("admin");
        var signIn = await browser.PostAsync("dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = adminToken }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain(adminToken, signIn.Headers.Location!.OriginalString);
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie.ToLowerInvariant());
        Assert.Contains("samesite=strict", setCookie.ToLowerInvariant());
        Assert.Contains("path=/dashboard", setCookie.ToLowerInvariant());
        Assert.DoesNotContain(adminToken, setCookie);
        var cookie = setCookie.Split(';')[0];

        Assert.Equal(HttpStatusCode.OK, (await WithCookie(browser, "dashboard/DashboardCounters", cookie)).StatusCode);
        // The cookie is for the dashboard only, not a way into the API.
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(browser, "api/status", cookie)).StatusCode);

        // Revoking the token ends its sessions within the token cache time (5 s).
        Assert.Equal(HttpStatusCode.NoContent, (await Server.Client().Delete($"api/tokens/{adminId}")).Status);
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(browser, "dashboard/DashboardCounters", cookie)).StatusCode);

        var second = await browser.PostAsync("dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = WarmteServer.BootstrapAdminToken }));
        var secondCookie = second.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(browser, "dashboard/DashboardCounters", secondCookie)).StatusCode);
        using var logout = new HttpRequestMessage(HttpMethod.Post, "dashboard/logout");
        logout.Headers.Add("Cookie", secondCookie);
        await browser.SendAsync(logout);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(browser, "dashboard/DashboardCounters", secondCookie)).StatusCode);
    }

    private static async Task<HttpResponseMessage> WithCookie(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }
}
