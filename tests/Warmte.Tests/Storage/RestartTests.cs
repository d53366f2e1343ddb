using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// Write through the API, stop the silo, start a new one on the same data, read everything back:
/// on the embedded SQLite default and on PostgreSQL (cluster mode).
/// </summary>
public sealed class RestartTests
{
    [Fact]
    public Task Everything_written_survives_a_restart_on_sqlite() =>
        WriteRestartRead(dataDir: WarmteServer.NewDataDir(), postgres: null);

    [Fact]
    public async Task Everything_written_survives_a_restart_on_postgresql()
    {
        var pg = await PostgresServer.GetAsync();
        await WriteRestartRead(dataDir: null, postgres: await pg.CreateDatabaseAsync());
    }

    private static async Task WriteRestartRead(string? dataDir, string? postgres)
    {
        string projectBefore, cooperativeBefore, auditBefore, grantsBefore, businessCasesBefore, cashBefore, decisionsBefore, token;
        await using (var first = await WarmteServer.StartAsync(dataDir, postgres))
        {
            dataDir = first.DataDir;
            var admin = first.Client();
            await ApiCalls.SeedCooperativeWithProject(admin, "ketelhuiswg", "wg-terrein");
            await admin.Put("api/projects/wg-terrein/deliverables/bewonersgroep", new { presentOn = "2018-01-01", reference = "bewonersinitiatief" });
            await admin.Put("api/projects/wg-terrein/deliverables/intentieverklaring", new { presentOn = "2019-12-18" });
            var go = await admin.Post("api/projects/wg-terrein/transitions",
                new { to = "Haalbaarheid", decidedOn = "2019-12-18", decidedBy = "Oprichtingsvergadering", rationale = "Coöperatie opgericht" });
            Assert.Equal(HttpStatusCode.OK, go.Status);
            await admin.Put("api/projects/wg-terrein/milestones/laatste-aansluiting", new { name = "Laatste aansluiting", plannedOn = "2027-08-31" });
            token = (await admin.Post("api/tokens", new { name = "Gemeente Amsterdam", role = "financier" })).Text("token");
            await admin.Post("api/projects/wg-terrein/grants", new
            {
                id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2019-12-20",
                tranches = new[] { new { amount = 1_000_000m } },
            });
            await admin.Post("api/projects/wg-terrein/grants/paw/tranches/1/request", new { on = "2020-01-15" });
            await admin.Post("api/projects/wg-terrein/business-cases", new { model = System.Text.Json.Nodes.JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) });
            await admin.Put("api/projects/wg-terrein/cashflow-plan", new { plan = System.Text.Json.Nodes.JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")) });
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/projects/wg-terrein/spending", new { month = "2020-02", kind = "Design", amount = 12_345.67m })).Status);

            await ApiCalls.PassRealisatiebesluitWithoutTenants(admin, "ketelhuiswg", "wg-terrein");
            await admin.Put("api/projects/wg-terrein/wcw", new { publicSharePercent = 0, legalEntity = true, sustainableMainSource = true, noProfitMotive = true, openVoluntaryMembership = true, memberControl = true });
            decisionsBefore = (await admin.Get("api/cooperatives/ketelhuiswg/members")).Raw + (await admin.Get("api/cooperatives/ketelhuiswg/alv/meetings")).Raw
                              + (await admin.Get("api/projects/wg-terrein/consent")).Raw + (await admin.Get("api/projects/wg-terrein/wcw")).Raw;

            projectBefore = (await admin.Get("api/projects/wg-terrein")).Raw;
            cooperativeBefore = (await admin.Get("api/cooperatives/ketelhuiswg")).Raw;
            auditBefore = (await admin.Get("api/projects/wg-terrein/audit")).Raw;
            grantsBefore = (await admin.Get("api/projects/wg-terrein/grants")).Raw;
            businessCasesBefore = (await admin.Get("api/projects/wg-terrein/business-cases")).Raw;
            cashBefore = (await admin.Get("api/projects/wg-terrein/cash-position")).Raw + (await admin.Get("api/projects/wg-terrein/regimes")).Raw;
        }

        await using var second = await WarmteServer.StartAsync(dataDir, postgres);
        var again = second.Client();
        Assert.Equal(projectBefore, (await again.Get("api/projects/wg-terrein")).Raw);
        Assert.Equal(cooperativeBefore, (await again.Get("api/cooperatives/ketelhuiswg")).Raw);
        Assert.Equal(auditBefore, (await again.Get("api/projects/wg-terrein/audit")).Raw);
        Assert.Equal(grantsBefore, (await again.Get("api/projects/wg-terrein/grants")).Raw);
        Assert.Equal(businessCasesBefore, (await again.Get("api/projects/wg-terrein/business-cases")).Raw);
        Assert.Contains("Aangevraagd", grantsBefore);
        Assert.Equal(cashBefore, (await again.Get("api/projects/wg-terrein/cash-position")).Raw + (await again.Get("api/projects/wg-terrein/regimes")).Raw);
        Assert.Contains("12345.67", cashBefore);
        Assert.Equal(decisionsBefore, (await again.Get("api/cooperatives/ketelhuiswg/members")).Raw + (await again.Get("api/cooperatives/ketelhuiswg/alv/meetings")).Raw
                                      + (await again.Get("api/projects/wg-terrein/consent")).Raw + (await again.Get("api/projects/wg-terrein/wcw")).Raw);
        Assert.Contains("Aangenomen", decisionsBefore);
        Assert.Contains("Warmtegemeenschap", decisionsBefore);
        var project = await again.Get("api/projects/wg-terrein");
        Assert.Equal("Haalbaarheid", project.Text("phase"));
        Assert.Equal("2019-12-18", project.Text("phaseSince"));
        // A token made before the restart still works after it.
        Assert.Equal(HttpStatusCode.OK, (await second.Client(token).Get("api/status")).Status);
    }

    [Fact]
    public async Task Stored_grain_state_is_readable_json_with_iso_dates_not_dotnet_type_names()
    {
        await using var server = await WarmteServer.StartAsync();
        await ApiCalls.SeedCooperativeWithProject(server.Client(), "ketelhuiswg", "wg-terrein");
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = server.DataDir }).Build());
        await using var connection = new SqliteConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        // Orleans' grain storage and the journal snapshots (docs/storage.md): both plain JSON.
        cmd.CommandText = "SELECT PayloadBinary FROM OrleansStorage UNION ALL SELECT CAST(state AS BLOB) FROM warmte_snapshot";
        var payloads = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                payloads.Add(System.Text.Encoding.UTF8.GetString((byte[])reader.GetValue(0)));
        var project = Assert.Single(payloads, p => p.Contains("\"woningequivalenten\":1500"));
        Assert.Contains("\"phase\":\"Initiatief\"", project);
        Assert.Contains("\"startedOn\":\"2018-01-01\"", project);
        Assert.DoesNotContain("Warmte.Projects", project);
    }

    [Fact]
    public async Task Migrations_are_applied_once_and_rerunning_them_is_a_no_op_on_both_engines()
    {
        var pg = await PostgresServer.GetAsync();
        var sqlite = StorageSettings.From(Config(("DataDir", WarmteServer.NewDataDir())));
        var postgres = StorageSettings.From(Config(("Storage:Provider", "PostgreSQL"), ("Storage:ConnectionString", await pg.CreateDatabaseAsync())));
        foreach (var settings in new[] { sqlite, postgres })
        {
            var migrator = new SchemaMigrator(new Database(settings), NodaTime.SystemClock.Instance,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance);
            var first = await migrator.MigrateAsync();
            Assert.Equal(SchemaMigrator.ScriptsFor(settings.Provider).Select(s => s.Name), first);
            Assert.Empty(await migrator.MigrateAsync());
        }
        // The clustering schema carries the cleanup query a PostgreSQL silo refuses to start without.
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntriesKey'", connection);
        Assert.Equal(1L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_silos_started_at_once_on_one_postgresql_database_form_one_cluster()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        var clusterArgs = new[] { "--Orleans:ClusterId", "shared-" + Guid.NewGuid().ToString("N")[..6] };
        var starts = await Task.WhenAll(WarmteServer.StartAsync(postgres: database, extraArgs: clusterArgs), WarmteServer.StartAsync(postgres: database, extraArgs: clusterArgs));
        await using var a = starts[0];
        await using var b = starts[1];
        // Membership converges within seconds of both silos starting; wait for it instead of racing it.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int active;
        do
        {
            active = (await b.Client().Get("api/status")).Body.GetProperty("activeSilos").GetInt32();
            if (active == 2) break;
            await Task.Delay(500);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(2, active);

        await ApiCalls.SeedCooperativeWithProject(a.Client(), "ketelhuiswg", "wg-terrein");
        // Written through one silo, read through the other: one cluster, one state.
        var project = await b.Client().Get("api/projects/wg-terrein");
        Assert.Equal(HttpStatusCode.OK, project.Status);
        Assert.Equal("ketelhuiswg", project.Text("cooperativeId"));
    }

    [Fact]
    public async Task Silos_bootstrapping_at_once_create_exactly_one_first_admin_token_on_both_engines()
    {
        var pg = await PostgresServer.GetAsync();
        var engines = new[]
        {
            StorageSettings.From(Config(("DataDir", WarmteServer.NewDataDir()))),
            StorageSettings.From(Config(("Storage:Provider", "PostgreSQL"), ("Storage:ConnectionString", await pg.CreateDatabaseAsync()))),
        };
        foreach (var settings in engines)
        {
            var database = new Database(settings);
            await new SchemaMigrator(database, NodaTime.SystemClock.Instance,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance).MigrateAsync();
            var store = new Warmte.Silo.Auth.TokenStore(database, NodaTime.SystemClock.Instance);
            var created = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.CreateFirstAdminAsync("Beheerder", "test", null))));
            Assert.Single(created, c => c is not null);
            Assert.Single(await store.ListAsync());
        }
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
