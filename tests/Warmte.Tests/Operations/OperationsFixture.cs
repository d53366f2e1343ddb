using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>A silo with the Orleans dashboard on and every log entry (Debug and up) captured.</summary>
public sealed class OperationsFixture : IAsyncLifetime
{
    public WarmteServer Server { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync() =>
        Server = await WarmteServer.StartAsync(
            extraArgs: ["--Dashboard:Enabled", "true", "--Logging:LogLevel:Default", "Debug", "--Logging:LogLevel:Orleans", "Warning"],
            configure: builder =>
            {
                builder.Logging.AddProvider(Logs);
                builder.Services.AddSingleton<IStartupFilter, FaultOnPath>();
            });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Test only: a bug on demand. Requests under <see cref="Prefix"/> that no endpoint answered throw,
/// inside the service's pipeline (after its endpoints), so the unhandled-error path answers 500 and logs.
/// The service itself has no way to cause a 500.
/// </summary>
public sealed class FaultOnPath : IStartupFilter
{
    public const string Prefix = "/test-fault";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Use((HttpContext http, RequestDelegate following) =>
            http.Request.Path.StartsWithSegments(Prefix) ? throw new InvalidOperationException("a test's bug") : following(http));
    };
}
