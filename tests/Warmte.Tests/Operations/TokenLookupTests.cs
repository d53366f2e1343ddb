using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Warmte.Silo.Auth;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Issue 16: unknown tokens do not cost a database query each. The store's own count of token queries
/// against the real SQLite database is observed (no mocks): a repeated unknown token is answered from the
/// bounded negative cache, a flood of different unknown tokens from one address is held back by the
/// per-address lookup limit before the lookup, a token created just now works at once, and a revoked
/// token stops working as before.
/// </summary>
public sealed class TokenLookupTests
{
    private static string RandomToken() => TokenStore.Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static TokenStore Store(WarmteServer server) => server.App.Services.GetRequiredService<TokenStore>();

    [Fact]
    public async Task The_same_unknown_token_repeated_is_looked_up_in_the_database_once_not_per_request()
    {
        await using var server = await WarmteServer.StartAsync();
        var store = Store(server);
        var stranger = server.Client(RandomToken());

        var before = store.DatabaseLookups;
        for (var i = 0; i < 40; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Get("api/gates")).Status);
        // One query, or one more when the test ran past the cache's 5 seconds on a slow machine: never 40.
        Assert.InRange(store.DatabaseLookups - before, 1, 3);
    }

    [Fact]
    public async Task Many_different_unknown_tokens_from_one_address_get_429_before_any_lookup_while_a_known_token_goes_on()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs:
            ["--RateLimit:Enabled", "true", "--RateLimit:TokenLookupsPerSecond", "1", "--RateLimit:TokenLookupBurst", "10"]);
        var store = Store(server);
        var admin = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.Get("api/gates")).Status); // the admin token is now known

        var before = store.DatabaseLookups;
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 60; i++) answers.Add(await server.Client(RandomToken()).GetAsync("api/gates"));
        var lookups = store.DatabaseLookups - before;

        // The burst of 10 less the admin token's own first lookup, plus at most the refills of the seconds the loop took.
        Assert.InRange(lookups, 9, 20);
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(60 - lookups, limited.Count);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.TooManyRequests), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.All(limited, a => Assert.True(a.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        var problem = await limited[0].Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"too-many-requests\"", problem);

        // The caller with a real token is not held back by the flood from its own address.
        Assert.Equal(HttpStatusCode.OK, (await admin.Get("api/gates")).Status);
        foreach (var answer in answers) answer.Dispose();
    }

    [Fact]
    public async Task A_token_created_just_now_works_at_once_even_right_after_it_was_tried_unknown()
    {
        await using var server = await WarmteServer.StartAsync();
        var preset = RandomToken();
        var client = server.Client(preset);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Get("api/gates")).Status); // now in the negative cache

        await Store(server).CreateAsync("Gemeente", Role.Financier, "test", presetToken: preset);
        Assert.Equal(HttpStatusCode.OK, (await client.Get("api/gates")).Status);

        // And a token made through the API works on its first request.
        var created = await server.Client().Post("api/tokens", new { name = "Lezer", role = "reader" });
        Assert.Equal(HttpStatusCode.OK, (await server.Client(created.Text("token")).Get("api/gates")).Status);
    }

    [Fact]
    public async Task A_revoked_token_stops_working_and_stays_refused_without_a_query_per_request()
    {
        await using var server = await WarmteServer.StartAsync();
        var store = Store(server);
        var created = await server.Client().Post("api/tokens", new { name = "Lezer", role = "reader" });
        var reader = server.Client(created.Text("token"));
        Assert.Equal(HttpStatusCode.OK, (await reader.Get("api/gates")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client().Delete($"api/tokens/{created.Text("id")}")).Status);
        var before = store.DatabaseLookups;
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await reader.Get("api/gates")).Status);
        Assert.InRange(store.DatabaseLookups - before, 1, 3);
        // A fresh start (nothing cached) refuses it too: the database says revoked.
        Assert.Null(await new TokenStore(server.App.Services.GetRequiredService<Warmte.Silo.Storage.Database>(), NodaTime.SystemClock.Instance)
            .FindActiveAsync(created.Text("token")));
    }

    [Fact]
    public void IPv6_callers_are_counted_per_64_and_IPv4_mapped_addresses_as_IPv4()
    {
        Assert.Equal(TokenLookupGate.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), TokenLookupGate.AddressKey(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(TokenLookupGate.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), TokenLookupGate.AddressKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("192.0.2.7", TokenLookupGate.AddressKey(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.NotEqual(TokenLookupGate.AddressKey(IPAddress.Parse("192.0.2.7")), TokenLookupGate.AddressKey(IPAddress.Parse("192.0.2.8")));
    }
}
