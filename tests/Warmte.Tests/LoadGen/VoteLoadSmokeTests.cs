using Warmte.LoadGen;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.LoadGen;

/// <summary>
/// The load generator's `vote` scenario (issue 17) tiny, against a real in-test silo: it sets up members,
/// an ALV with an open and a secret proposal and online voting, votes open loop, closes and finds every
/// acknowledged vote counted once under its choice and no receipt published twice. Speed is not asserted
/// (docs/performance.md, "Issue 17: 5,000 members vote online, one silo killed").
/// </summary>
public sealed class VoteLoadSmokeTests
{
    [Fact]
    public async Task The_vote_scenario_counts_every_acknowledged_vote_once()
    {
        // One address stands for every member here: the per-address limit would otherwise refuse the run.
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--Voting:RequestsPerMinutePerAddress", "100000"]);
        using var admin = new ServiceClient([server.BaseUrl], server.AdminToken);
        var load = new VoteLoad(admin, "smoke-stem", members: 15, TextWriter.Null);
        var codes = await load.PrepareAsync();
        Assert.Equal(15, codes.Count);
        var midwayRan = false;

        var result = await load.RunAsync(codes, rate: 30, maxAttempts: 3, () => { midwayRan = true; return Task.CompletedTask; }, "smoke", [server.BaseUrl]);

        var f = result.Figures!;
        Assert.True(midwayRan);
        Assert.Equal(30, f["acknowledged"]);
        Assert.Equal(0, f["without answer after retries"]);
        Assert.Equal(0, f["refused (4xx)"]);
        Assert.Equal(0L, f["acknowledged votes lost (not counted under their choice)"]);
        Assert.Equal(0L, f["receipts published twice"]);
        Assert.Equal(0, f["members acknowledged twice on one proposal"]);
        Assert.Equal("none", f["count mismatches"]);
        Assert.Equal(true, f["ok"]);
        Assert.All(result.Operations, o => Assert.Equal(0, o.ServerErrors5xx));
    }
}
