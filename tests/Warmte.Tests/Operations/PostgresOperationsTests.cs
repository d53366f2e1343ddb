using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>The refusal audit's PostgreSQL schema script and readiness on PostgreSQL (cluster mode).</summary>
public sealed class PostgresOperationsTests
{
    [Fact]
    public async Task On_postgresql_a_refused_write_is_audited_and_the_silo_is_ready()
    {
        var pg = await PostgresServer.GetAsync();
        await using var server = await WarmteServer.StartAsync(postgres: await pg.CreateDatabaseAsync());
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, "pg-coop", "pg-proj");
        var created = await admin.Post("api/tokens", new { name = "pg", role = "reader" });
        var reader = server.Client(created.Text("token"));
        var refused = await reader.PostRaw("api/projects/pg-proj/transitions", "{}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);

        var audit = await admin.Get("api/audit/refusals");
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        var row = Assert.Single(audit.Body.GetProperty("refusals").EnumerateArray(), r => r.GetProperty("tokenId").GetString() == created.Text("id"));
        Assert.Equal("/api/projects/pg-proj/transitions", row.GetProperty("path").GetString());
        Assert.Equal("pg-proj", row.GetProperty("targetId").GetString());
        Assert.Equal(403, row.GetProperty("status").GetInt32());

        var ready = await server.Client(token: null).Get("health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("ok", ready.Body.GetProperty("checks").GetProperty("database").GetString());
    }
}
