using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>What a real silo process does with its secrets and files at start (docs/operations.md, "Security at start").</summary>
public sealed class StartupSecurityTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_revoked_preset_admin_token_stays_revoked_and_the_next_start_succeeds_with_a_warning()
    {
        await using var silo = SiloProcess.OnSqlite("revoked preset");
        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        var admin = silo.Client();
        var tokens = await admin.Get("api/tokens");
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var presetId = tokens.Body.EnumerateArray().Single().GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Delete($"api/tokens/{presetId}")).Status);
        silo.Stop();

        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        // The revocation holds across the restart: the preset token was not inserted again.
        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Client().Get("api/status")).Status);
        silo.Stop();
        Assert.Contains("is revoked and stays revoked; remove it from the configuration", File.ReadAllText(silo.LogPath));
    }
}
