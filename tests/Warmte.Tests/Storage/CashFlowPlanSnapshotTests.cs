using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// The cash plan's file (up to 512 kB) is a journal row of its own: a booking rewrites only the
/// small snapshot. A snapshot written before that change (the plan inside it) still answers, and
/// its first write moves the plan out. Real SQLite files; the old shape is written into the file
/// by hand, as that release stored it. The months (<c>spent</c>) are written in the compact form
/// (<c>MonthSpendingJson</c>); a snapshot with the array form of release 61e553b and before, by hand
/// and in the release ba5f89c fixtures, answers as before and its next booking rewrites it compact,
/// on SQLite and PostgreSQL.
/// </summary>
public sealed class CashFlowPlanSnapshotTests
{
    private static string PlanText => RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json");

    [Fact]
    public async Task Bookings_do_not_rewrite_the_plan_file_and_an_old_snapshot_holding_it_moves_it_out_at_its_first_write()
    {
        var dataDir = WarmteServer.NewDataDir();
        var db = Path.Combine(dataDir, "warmtenet.db");
        string project;
        await using (var server = await WarmteServer.StartAsync(dataDir))
        {
            var admin = server.Client();
            project = await ApiCalls.SeedCooperativeWithProject(admin, "snap-coop", "snap-proj");
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan = JsonNode.Parse(PlanText) })).Status);
            for (var i = 0; i < 20; i++)
                Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month = "2025-03", kind = "Design", amount = 100.01m })).Status);
        }

        // Twenty bookings later the snapshot holds counts and months, not the plan file.
        var (state, _) = Snapshot(db, project);
        Assert.True(state.Length < PlanText.Length / 4, $"snapshot of {state.Length} characters next to a plan of {PlanText.Length}");
        Assert.True(JsonNode.Parse(state)!["planInJournal"]!.GetValue<bool>());
        Assert.Equal(1, PlanFileRows(db, project));

        // The shape the release before wrote: the plan inside the snapshot, no plan-file row.
        var planInfo = PlanFilePayload(db, project);
        var old = JsonNode.Parse(state)!.AsObject();
        old.Remove("planInJournal");
        old["plan"] = JsonNode.Parse(planInfo);
        Execute(db, "DELETE FROM warmte_journal WHERE grain_type = 'cashplan' AND grain_key = $key AND kind = 'plan-file'", project);
        Execute(db, "UPDATE warmte_snapshot SET state = $state WHERE grain_type = 'cashplan' AND grain_key = $key", project, old.ToJsonString());

        await using (var server = await WarmteServer.StartAsync(dataDir))
        {
            var admin = server.Client();
            // Read as it is...
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(PlanText), JsonNode.Parse((await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("plan").GetRawText())));
            Assert.Equal(0, PlanFileRows(db, project));
            // ...and moved out at the first write, in the same commit as the booking.
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month = "2025-04", kind = "Design", amount = 0.99m })).Status);
            Assert.Equal(1, PlanFileRows(db, project));
            var moved = JsonNode.Parse(Snapshot(db, project).State)!;
            Assert.Null(moved["plan"]);
            Assert.True(moved["planInJournal"]!.GetValue<bool>());
            Assert.Equal(20 * 100.01m + 0.99m, (await admin.Get($"api/projects/{project}/cash-position")).Body.GetProperty("totalSpent").GetDecimal());
        }

        // A new activation reads the plan from its row.
        await using (var server = await WarmteServer.StartAsync(dataDir))
        {
            var plan = (await server.Client().Get($"api/projects/{project}/cashflow-plan")).Body;
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(PlanText), JsonNode.Parse(plan.GetProperty("plan").GetRawText())));
            Assert.Equal(21, (await server.Client().Get($"api/projects/{project}/spending")).Body.GetProperty("items").GetArrayLength());
        }
    }

    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task An_array_form_snapshot_answers_as_before_and_the_next_booking_rewrites_its_months_compact(string backend)
    {
        // The array form release 61e553b and every build before it wrote, with its journal rows.
        var settings = await Warmte.Tests.Grains.GrainStorageTests.Storage(backend);
        var store = new Warmte.Silo.Storage.AdoNetJournalStore(new Warmte.Silo.Storage.Database(settings));
        var at = NodaTime.Instant.FromUtc(2025, 3, 1, 9, 0);
        Warmte.CashFlow.SpendingFact Fact(string id, int month, decimal amount) => new(Warmte.CashFlow.SpendingChange.Booked, new Warmte.CashFlow.SpendingBooking
        {
            Id = id, Month = new NodaTime.YearMonth(2025, month), Kind = Warmte.CashFlow.WorkKind.Design, Amount = amount, BookedBy = "bestuur", BookedAt = at,
        });
        const string oldState = """{"planInJournal":false,"bookingCount":3,"spent":[{"month":"2025-01","amount":121.00,"bookings":2,"scales":[0,1,1]},{"month":"2025-02","amount":99.99,"bookings":1,"scales":[0,0,1]}],"progress":[]}""";
        await store.CommitAsync(new Warmte.Journal.JournalCommit("cashplan", "oud-project", 0, 1, oldState,
            [.. new[] { Fact("b-1", 1, 120.5m), Fact("b-2", 1, 0.50m), Fact("b-3", 2, 99.99m) }.Select(Warmte.CashFlow.CashFlowPlanGrain.SpendingEntry)], null, at));

        var cluster = await Warmte.Tests.Grains.GrainStorageTests.Cluster(settings);
        try
        {
            var plan = cluster.Client.GetGrain<Warmte.CashFlow.ICashFlowPlanGrain>("oud-project");
            // Read as it is: the months and their sums to the cent.
            var before = await plan.Position(new NodaTime.YearMonth(2025, 3));
            Assert.Equal("220.99", before.TotalSpent.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(oldState, (await store.LoadAsync("cashplan", "oud-project"))!.State); // reading writes nothing

            // The next booking commits the snapshot with the months in the compact form.
            var booked = await plan.Book(new Warmte.CashFlow.BookSpending { Month = new NodaTime.YearMonth(2025, 2), Kind = "Design", Amount = 0.01m }, "bestuur", "sleutel-1");
            Assert.True(booked.IsOk, booked.Refusal?.Message);
            var stored = JsonNode.Parse((await store.LoadAsync("cashplan", "oud-project"))!.State)!;
            // January: 120.5 and 0.50 (one booking with one decimal, one with two); February: two bookings in cents.
            Assert.Equal("2025-01 121.00 0/1/1;100.00 2", stored["spent"]!.GetValue<string>());
            Assert.Equal(4, stored["bookingCount"]!.GetValue<int>());
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        // A new activation reads it back: the same sums, all four bookings.
        var again = await Warmte.Tests.Grains.GrainStorageTests.Cluster(settings);
        try
        {
            var plan = again.Client.GetGrain<Warmte.CashFlow.ICashFlowPlanGrain>("oud-project");
            var after = await plan.Position(new NodaTime.YearMonth(2025, 3));
            Assert.Equal("221.00", after.TotalSpent.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(4, (await plan.Spending(null, null, null)).Value!.Items.Length);
        }
        finally
        {
            await again.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_cash_plan_of_release_ba5f89c_is_read_and_its_next_booking_writes_the_compact_months(string backend)
    {
        // The database as release ba5f89c left it (wg-terrein's cash plan snapshot with "spent": [], the array form),
        // migrated as this build's first start migrates it.
        var database = backend == "sqlite"
            ? StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db").Database
            : (await StoredFixtures.PostgresAsync("release-ba5f89c-members.postgresql.sql")).Database;
        await new Warmte.Silo.Storage.SchemaMigrator(database, new NodaTime.Testing.FakeClock(NodaTime.Instant.FromUtc(2026, 12, 6, 20, 0)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Warmte.Silo.Storage.SchemaMigrator>.Instance).MigrateAsync();
        // The migration records the rollback floor: the row an older build logs as unknown (docs/operations.md, "Rolling back the binaries").
        await using (var connection = await database.OpenAsync())
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT name FROM warmte_schema_version WHERE name LIKE '%min_reader%'";
            Assert.Equal(backend == "sqlite" ? "0015_min_reader_61e553b.sql" : "0017_min_reader_61e553b.sql", await query.ExecuteScalarAsync());
        }
        var store = new Warmte.Silo.Storage.AdoNetJournalStore(database);
        var old = JsonNode.Parse((await store.LoadAsync("cashplan", "wg-terrein"))!.State)!;
        Assert.IsType<JsonArray>(old["spent"]);
        Assert.Empty(old["spent"]!.AsArray());

        var cluster = await Warmte.Tests.Grains.GrainStorageTests.Cluster(database.Settings);
        try
        {
            var plan = cluster.Client.GetGrain<Warmte.CashFlow.ICashFlowPlanGrain>("wg-terrein");
            Assert.Equal(0m, (await plan.Position(new NodaTime.YearMonth(2025, 3))).TotalSpent);
            foreach (var (month, amount, key) in new[] { (3, 1_250.50m, "k-1"), (3, 99.50m, "k-2"), (5, 7m, "k-3") })
            {
                var booked = await plan.Book(new Warmte.CashFlow.BookSpending { Month = new NodaTime.YearMonth(2025, month), Kind = "Design", Amount = amount }, "bestuur", key);
                Assert.True(booked.IsOk, booked.Refusal?.Message);
            }
            var stored = JsonNode.Parse((await store.LoadAsync("cashplan", "wg-terrein"))!.State)!;
            Assert.Equal("2025-03 1350.00 2;2025-05 7 1", stored["spent"]!.GetValue<string>());
            Assert.Equal(3, stored["bookingCount"]!.GetValue<int>());
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        // A new activation reads the compact form back.
        var again = await Warmte.Tests.Grains.GrainStorageTests.Cluster(database.Settings);
        try
        {
            var plan = again.Client.GetGrain<Warmte.CashFlow.ICashFlowPlanGrain>("wg-terrein");
            Assert.Equal("1357.00", (await plan.Position(new NodaTime.YearMonth(2025, 6))).TotalSpent.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(3, (await plan.Spending(null, null, null)).Value!.Items.Length);
        }
        finally
        {
            await again.DisposeAsync();
        }
    }

    private static (string State, long Version) Snapshot(string db, string key)
    {
        using var connection = Open(db);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT state, version FROM warmte_snapshot WHERE grain_type = 'cashplan' AND grain_key = $key";
        cmd.Parameters.AddWithValue("$key", key);
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private static long PlanFileRows(string db, string key)
    {
        using var connection = Open(db);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'cashplan' AND grain_key = $key AND kind = 'plan-file'";
        cmd.Parameters.AddWithValue("$key", key);
        return (long)cmd.ExecuteScalar()!;
    }

    private static string PlanFilePayload(string db, string key)
    {
        using var connection = Open(db);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT payload FROM warmte_journal WHERE grain_type = 'cashplan' AND grain_key = $key AND kind = 'plan-file'";
        cmd.Parameters.AddWithValue("$key", key);
        return (string)cmd.ExecuteScalar()!;
    }

    private static void Execute(string db, string sql, string key, string? state = null)
    {
        using var connection = Open(db);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$key", key);
        if (state is not null) cmd.Parameters.AddWithValue("$state", state);
        cmd.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string db)
    {
        var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        return connection;
    }
}
