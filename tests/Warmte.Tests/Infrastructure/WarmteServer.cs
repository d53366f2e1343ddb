using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warmte.Silo.Hosting;

namespace Warmte.Tests.Infrastructure;

/// <summary>
/// The real service in-process: the silo and its HTTP API on free loopback ports, with real
/// storage (a SQLite file in a temp directory, or a database on the test PostgreSQL server).
/// </summary>
public sealed class WarmteServer : IAsyncDisposable
{
    /// <summary>The admin token the test server is bootstrapped with (Auth:BootstrapAdminToken).</summary>
    public const string BootstrapAdminToken = "wt_test-admin-0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// Voting:CodeKey of every test silo on PostgreSQL: silos of one database must share it (the start-up
    /// check refuses another), and each test silo has its own data directory, so its own key file otherwise.
    /// </summary>
    public const string ClusterCodeKey = "d2FybXRlbmV0IHRlc3RzOiBvbmUgY2x1c3RlciBrZXk=";

    private WarmteServer(WebApplication app, string baseUrl, string dataDir, string? postgres)
    {
        App = app;
        BaseUrl = baseUrl;
        DataDir = dataDir;
        PostgresConnectionString = postgres;
    }

    public WebApplication App { get; }

    public string BaseUrl { get; }

    public string AdminToken => BootstrapAdminToken;

    public string DataDir { get; }

    public string? PostgresConnectionString { get; }

    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), "warmte-test-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Starts a server; pass the same <paramref name="dataDir"/> or connection string again to restart on the same data.</summary>
    public static async Task<WarmteServer> StartAsync(string? dataDir = null, string? postgres = null, IClock? clock = null, bool demo = false, string[]? extraArgs = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        dataDir ??= NewDataDir();
        var args = new List<string>
        {
            "--urls", FreePort.LoopbackUrl(),
            "--data-dir", dataDir,
            "--Orleans:SiloPort", FreePort.Next().ToString(),
            "--Orleans:GatewayPort", FreePort.Next().ToString(),
            "--Orleans:ClusterId", "test-" + Guid.NewGuid().ToString("N")[..8],
            "--Auth:BootstrapAdminToken", BootstrapAdminToken,
            "--Logging:LogLevel:Default", "Warning",
            // Properties fire hundreds of requests per token; the limiter has its own tests (extraArgs turn it back on).
            "--RateLimit:Enabled", "false",
        };
        if (postgres is not null) args.AddRange(["--Storage:Provider", "PostgreSQL", "--Storage:ConnectionString", postgres]);
        // Cluster mode requires silo-to-silo TLS certificates (docs/operations.md); the tests' shared CA issues them.
        if (postgres is not null) args.AddRange(TestCertificateAuthority.Shared.SiloArgs("in-process"));
        if (postgres is not null) args.AddRange(["--Voting:CodeKey", ClusterCodeKey]);
        if (demo) args.Add("--demo");
        if (extraArgs is not null) args.AddRange(extraArgs);
        var app = await WarmteHost.BuildAsync([.. args], builder =>
        {
            if (clock is not null) builder.Services.AddSingleton(clock);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WarmteServer(app, address.TrimEnd('/'), dataDir, postgres);
    }

    /// <summary>An HTTP client for this server with <paramref name="token"/> (the admin's by default; null for none).</summary>
    public HttpClient Client(string? token = BootstrapAdminToken)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync(TimeSpan.FromSeconds(20).ToCancellationToken());
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}

internal static class TimeSpanExtensions
{
    public static CancellationToken ToCancellationToken(this TimeSpan timeout) => new CancellationTokenSource(timeout).Token;
}
