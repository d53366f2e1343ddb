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
            configure: builder => builder.Logging.AddProvider(Logs));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
