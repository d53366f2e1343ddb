using System.Collections.Immutable;
using System.Data.Common;
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Warmte.Alerts;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Grants;
using Warmte.Journal;
using Warmte.Phases;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;
using Warmte.Tests.Infrastructure;
using Warmte.Umbrellas;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// A financier's portfolio reads only its funder's summary rows (warmte_project_summary_funder) and
/// answers exactly what every project's grains give, on SQLite and PostgreSQL: after grants are
/// added, after a grant's funder changes (the old funder no longer sees the project, the new one sees
/// it at once), with a summary row missing, with rows not indexed yet, and after the upgrade that
/// adds the funder index (rows indexed from their stored bytes without asking a grain).
/// </summary>
public sealed class ProjectSummaryFunderTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly Instant At = Instant.FromUtc(2026, 6, 15, 9, 0);
    private static readonly LocalDate Today = new(2026, 6, 15);
    private static readonly string?[] FunderIds = [null, "gemeente", "rijk", "gemeente-amsterdam", "provincie"];

    // ---- the rule the index relies on ----------------------------------------------------------

    private static Gen<GrantView> Grants(string projectId) =>
        from id in Gen.Elements("paw", "lening", "sde", "wijk")
        from funderId in Gen.Elements(FunderIds)
        from amount in Gen.Choose(1, 1_000_000)
        from requested in Gen.Elements(true, false)
        select GrantView.Of(new Grant
        {
            Id = id, ProjectId = projectId, Funder = funderId ?? "Onbekend", Scheme = "Regeling", AmountGranted = amount, DecidedOn = new LocalDate(2025, 12, 1),
            EarnedBack = false, PreviousAccountingFirst = true, CreatedAt = At, FunderId = funderId,
            Tranches =
            [
                new Tranche
                {
                    Number = 1, PlannedAmount = amount, Status = requested ? TrancheStatus.Aangevraagd : TrancheStatus.Gepland,
                    Steps = requested ? [new TrancheStep { To = TrancheStatus.Aangevraagd, On = new LocalDate(2026, 3, 1), Actor = "", RecordedAt = default }] : [],
                },
            ],
        });

    private static GrantView GrantOf(string projectId, string id, string? funderId) => GrantView.Of(new Grant
    {
        Id = id, ProjectId = projectId, Funder = funderId ?? "Onbekend", Scheme = "Regeling", AmountGranted = 1_000m, DecidedOn = new LocalDate(2025, 12, 1),
        EarnedBack = false, PreviousAccountingFirst = true, CreatedAt = At, FunderId = funderId,
    });

    private static ProjectSummaryRow Row(string projectId, string cooperativeId, IEnumerable<GrantView> grants) => new()
    {
        ProjectId = projectId, CooperativeId = cooperativeId, AsOf = Today,
        Line = new ProjectSummary
        {
            Id = projectId, Name = projectId, Phase = Phase.Initiatief, PhaseSince = new LocalDate(2026, 1, 1), MonthsInPhase = 5, Woningequivalenten = 100,
            LastChangeAt = At,
        },
        Finance = new ProjectFinance { SubsidiesGranted = 0, SubsidiesPaid = 0, SubsidiesOutstanding = 0, OpenAlerts = 0 },
        Calendar = new SummaryCalendar { Phase = Phase.Initiatief, OpenMilestones = [], Grants = [.. grants.Select(SummaryCalendar.Trim)], HasCashPlan = false },
    };

    /// <summary>
    /// For any grants, a funder's portfolio shows the row exactly when the funder is among the row's
    /// <see cref="ProjectSummaryRow.Funders"/> — so reading only the rows the funder index lists for a
    /// funder (plus those not indexed) loses no project and adds none.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property A_funder_sees_a_row_exactly_when_it_is_among_the_rows_funders() =>
        Prop.ForAll(Grants("p").ArrayOf().ToArbitrary(), Gen.Choose(0, 120).ToArbitrary(), (grants, days) =>
        {
            var row = Row("p", "c", grants);
            var funders = row.Funders()!;
            Assert.Equal(funders.Distinct(StringComparer.Ordinal).Count(), funders.Count);
            foreach (var funder in FunderIds.OfType<string>().Append("Gemeente").Append("onbekend"))
                Assert.Equal(funders.Contains(funder), row.PortfolioOn(Today.PlusDays(days), funder) is not null);
            // Through the stored form too (what the start-up step indexes from).
            Assert.Equal(funders, ProjectSummaryCodec.Decode(ProjectSummaryCodec.Encode(row))!.Funders());
        });

    [Fact]
    public void A_row_of_the_release_before_has_no_known_funders() =>
        Assert.Null((Row("p", "c", []) with { Calendar = null }).Funders());

    // ---- the store: for any projects, a funder's read holds every row it may need ---------------

    /// <summary>A project as the store property sets it up: its funders and how its row stands.</summary>
    public sealed record StoredCase(int Project, string[] Funders, string Standing);

    private static Gen<StoredCase[]> Cases() =>
        (from project in Gen.Choose(0, 30)
         from funders in Gen.Elements(FunderIds.OfType<string>().ToArray()).ArrayOf().Select(f => f.Distinct().ToArray())
         // current: written with its funders; stale: a commit since; unindexed: written without funders (the release before's);
         // placeholder: only a commit; missing: no row at all; changed: written with other funders first, then with these.
         from standing in Gen.Elements("current", "current", "stale", "unindexed", "placeholder", "missing", "changed")
         select new StoredCase(project, funders, standing)).ArrayOf().Select(cs => cs.DistinctBy(c => c.Project).ToArray());

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task For_any_projects_a_funders_read_holds_its_projects_and_no_settled_row_of_another_funder(string backend)
    {
        var store = new AdoNetJournalStore(new Database(await GrainStorageTests.Storage(backend)));
        var run = 0;
        var property = Prop.ForAll(Cases().ToArbitrary(), cases =>
        {
            var prefix = $"r{Interlocked.Increment(ref run)}-";
            foreach (var c in cases) Setup(store, prefix + c.Project, c).GetAwaiter().GetResult();
            var mine = cases.ToDictionary(c => prefix + c.Project);
            foreach (var funder in FunderIds.OfType<string>())
            {
                var read = store.ReadFunderProjectSummariesAsync(funder).GetAwaiter().GetResult();
                var rows = read.Rows.Where(r => mine.ContainsKey(r.ProjectId)).ToDictionary(r => r.ProjectId);
                foreach (var (id, c) in mine)
                {
                    // Every project stored with a row is known; one without is not (the read computes it).
                    Assert.Equal(c.Standing != "missing", read.StoredProjectIds.Contains(id));
                    var settled = c.Standing is "current" or "changed";
                    if (settled)
                    {
                        // A settled row is read exactly when the funder is among its (latest) funders.
                        Assert.Equal(c.Funders.Contains(funder), rows.ContainsKey(id));
                        if (rows.TryGetValue(id, out var row)) Assert.False(row.Stale);
                    }
                    else if (c.Standing != "missing") Assert.True(rows.ContainsKey(id), $"{id} ({c.Standing}) is read by every funder");
                }
            }
        });
        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(backend == "sqlite" ? 40 : 20), property));
    }

    private static async Task Setup(IJournalStore store, string project, StoredCase c)
    {
        var bytes = new byte[] { 1, 2, 3 };
        switch (c.Standing)
        {
            case "current":
                await store.WriteProjectSummaryAsync(project, "coop", Today, bytes, await store.ProjectChangesAsync(project), At, c.Funders);
                break;
            case "changed":
                await store.WriteProjectSummaryAsync(project, "coop", Today, bytes, 0, At, FunderIds.OfType<string>().Except(c.Funders).ToArray());
                await store.CommitAsync(new JournalCommit("funding", project, 0, 1, "{}", [], null, At));
                await store.WriteProjectSummaryAsync(project, "coop", Today, bytes, await store.ProjectChangesAsync(project), At, c.Funders);
                break;
            case "stale":
                await store.WriteProjectSummaryAsync(project, "coop", Today, bytes, 0, At, FunderIds.OfType<string>().Except(c.Funders).ToArray());
                await store.CommitAsync(new JournalCommit("funding", project, 0, 1, "{}", [], null, At));
                break;
            case "unindexed":
                await store.WriteProjectSummaryAsync(project, "coop", Today, bytes, 0, At);
                break;
            case "placeholder":
                await store.CommitAsync(new JournalCommit("project", project, 0, 1, "{}", [], null, At));
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_deleted_summary_takes_its_funder_rows_and_indexing_records_only_the_row_it_read(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var store = new AdoNetJournalStore(new Database(settings));
        var (a, b, c) = ("a-" + Guid.NewGuid().ToString("N")[..8], "b-" + Guid.NewGuid().ToString("N")[..8], "c-" + Guid.NewGuid().ToString("N")[..8]);
        await store.WriteProjectSummaryAsync(a, "coop", Today, ProjectSummaryCodec.Encode(Row(a, "coop", [])), 0, At, ["rijk"]);
        Assert.Contains((await store.ReadFunderProjectSummariesAsync("rijk")).Rows, r => r.ProjectId == a);
        await store.DeleteProjectSummaryAsync(a);
        var read = await store.ReadFunderProjectSummariesAsync("rijk");
        Assert.DoesNotContain(read.Rows, r => r.ProjectId == a);
        Assert.DoesNotContain(a, read.StoredProjectIds);
        Assert.Equal(0L, await Scalar(settings, $"SELECT COUNT(*) FROM warmte_project_summary_funder WHERE project_id = '{a}'"));

        // Rows stored without funders are indexed from their bytes; one rewritten or changed since it was read is not touched.
        await store.WriteProjectSummaryAsync(b, "coop", Today, ProjectSummaryCodec.Encode(Row(b, "coop", [GrantOf(b, "paw", "rijk"), GrantOf(b, "sde", null), GrantOf(b, "lening", "gemeente")])), 0, At);
        await store.WriteProjectSummaryAsync(c, "coop", Today, ProjectSummaryCodec.Encode(Row(c, "coop", [])), 0, At);
        var unindexed = (await store.ReadUnindexedProjectSummariesAsync(null, 10_000)).Where(r => r.ProjectId == b || r.ProjectId == c).ToList();
        Assert.Equal(2, unindexed.Count);
        await store.WriteProjectSummaryAsync(c, "coop", Today, ProjectSummaryCodec.Encode(Row(c, "coop", [])), 0, At, ["gemeente"]);
        var funders = ProjectSummaryCodec.Decode(unindexed.Single(r => r.ProjectId == b).Summary)!.Funders()!;
        Assert.Equal(1, await store.IndexProjectSummaryFundersAsync([(b, 0L, funders), (c, 0L, new[] { "provincie" })]));
        Assert.Equal(["gemeente", "rijk"], funders);
        Assert.Equal(2L, await Scalar(settings, $"SELECT COUNT(*) FROM warmte_project_summary_funder WHERE project_id = '{b}'"));
        Assert.Contains((await store.ReadFunderProjectSummariesAsync("gemeente")).Rows, r => r.ProjectId == c);
        Assert.DoesNotContain((await store.ReadFunderProjectSummariesAsync("provincie")).Rows, r => r.ProjectId == c);
        Assert.DoesNotContain(await store.ReadUnindexedProjectSummariesAsync(null, 10_000), r => r.ProjectId == b || r.ProjectId == c);
    }

    // ---- the portfolio through the API ----------------------------------------------------------

    /// <summary>
    /// Grants added, a grant's funder changed (the grants' stored state edited and the change counted,
    /// as a commit does, between two starts), a summary row gone, rows not indexed: every financier's
    /// portfolio equals what every project's grains give, and the funder rows follow.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_portfolio_shows_exactly_the_funders_projects_as_grants_and_funders_change(bool postgres)
    {
        var clock = new FakeClock(At);
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        var dataDir = WarmteServer.NewDataDir();
        string gemeenteToken, rijkToken;

        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            var admin = server.Client();
            var grains = server.App.Services.GetRequiredService<IGrainFactory>();
            await Cooperative(admin, "coop-a", "zuid", "noord");
            await Cooperative(admin, "coop-b", "oost", "west");
            await WideViewSummaryTests.Grant(admin, "zuid", "lening", "gemeente", 100_000.10m);
            await WideViewSummaryTests.Grant(admin, "noord", "paw", "rijk", 50_000m);
            await WideViewSummaryTests.Grant(admin, "oost", "paw", "rijk", 20_000m);
            Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/zuid/grants/lening/tranches/1/request", new { on = "2026-01-05" })).Status);
            gemeenteToken = (await admin.Post("api/tokens", new { name = "gemeente", role = "financier:gemeente" })).Text("token");
            rijkToken = (await admin.Post("api/tokens", new { name = "rijk", role = "financier:rijk" })).Text("token");
            var (gemeente, rijk) = (server.Client(gemeenteToken), server.Client(rijkToken));

            await SameAsPerProject(server, clock, "first read", (gemeente, "gemeente"), (rijk, "rijk"));
            Assert.Equal(["gemeente zuid", "rijk noord", "rijk oost"], await FunderRows(dataDir, connectionString));

            // A grant of another funder added: that funder sees the project in its very next read.
            await WideViewSummaryTests.Grant(admin, "zuid", "sde", "rijk", 5_000m);
            await WideViewSummaryTests.Grant(admin, "west", "sde", "gemeente", 7_000.5m);
            await SameAsPerProject(server, clock, "grants added", (rijk, "rijk"), (gemeente, "gemeente"));
            Assert.Contains("rijk zuid", await FunderRows(dataDir, connectionString));
            Assert.Contains("gemeente west", await FunderRows(dataDir, connectionString));
            Assert.Equal(["noord", "oost", "zuid"], await PortfolioProjects(rijk));
            Assert.Equal(["west", "zuid"], await PortfolioProjects(gemeente));

            // A summary row gone (the table is derived data): computed by the read, then indexed.
            await Execute(dataDir, connectionString, "DELETE FROM warmte_project_summary WHERE project_id = 'oost'");
            await SameAsPerProject(server, clock, "a row missing", (rijk, "rijk"), (gemeente, "gemeente"));
            Assert.Contains("rijk oost", await FunderRows(dataDir, connectionString));
        }

        // oost's grant moves from rijk to gemeente: the grants' stored state edited and the change counted, as one commit does.
        await Execute(dataDir, connectionString, postgres
            ? "UPDATE warmte_snapshot SET state = CAST(replace(state::text, '\"rijk\"', '\"gemeente\"') AS jsonb), version = version + 1 WHERE grain_type = 'funding' AND grain_key = 'oost'"
            : "UPDATE warmte_snapshot SET state = replace(state, '\"rijk\"', '\"gemeente\"'), version = version + 1 WHERE grain_type = 'funding' AND grain_key = 'oost'");
        await Execute(dataDir, connectionString, "UPDATE warmte_project_summary SET changes = changes + 1 WHERE project_id = 'oost'");
        Assert.Contains("rijk oost", await FunderRows(dataDir, connectionString));

        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            var (gemeente, rijk) = (server.Client(gemeenteToken), server.Client(rijkToken));
            // The old funder no longer sees it, the new one does, recomputed or not yet (a stale row is read by every funder).
            Assert.Equal(["noord", "zuid"], await PortfolioProjects(rijk));
            Assert.Equal(["oost", "west", "zuid"], await PortfolioProjects(gemeente));
            await SameAsPerProject(server, clock, "funder changed", (rijk, "rijk"), (gemeente, "gemeente"));
            Assert.Equal(["gemeente oost", "gemeente west", "gemeente zuid", "rijk noord", "rijk zuid"], await FunderRows(dataDir, connectionString));

            // Rows whose funders are not known (as after the upgrade, before the start-up step): read by every funder,
            // answered alike, no grain asked; the step then records their funders from the stored bytes.
            await Execute(dataDir, connectionString, "UPDATE warmte_project_summary SET funders_indexed = 0");
            await Execute(dataDir, connectionString, "DELETE FROM warmte_project_summary_funder");
            var store = server.App.Services.GetRequiredService<IJournalStore>();
            var grains = server.App.Services.GetRequiredService<IGrainFactory>();
            var cooperatives = new[] { "coop-a", "coop-b" };
            var recording = RecordingGrainFactory.Wrap(grains);
            var unindexed = await ProjectSummaries.ReadFunderAsync(store, recording.Factory, cooperatives, "rijk", Today);
            Assert.Empty(recording.Keys);
            Assert.Equal(["noord", "oost", "west", "zuid"], unindexed.Keys.Order());
            await SameAsPerProject(server, clock, "rows not indexed", (rijk, "rijk"), (gemeente, "gemeente"));
            Assert.Equal(4, await ProjectSummaryStartup.IndexFundersAsync(store, NullLogger.Instance, CancellationToken.None));
            Assert.Equal(["gemeente oost", "gemeente west", "gemeente zuid", "rijk noord", "rijk zuid"], await FunderRows(dataDir, connectionString));
            recording = RecordingGrainFactory.Wrap(grains);
            Assert.Equal(["noord", "zuid"], (await ProjectSummaries.ReadFunderAsync(store, recording.Factory, cooperatives, "rijk", Today)).Keys.Order());
            Assert.Empty(recording.Keys);
            await SameAsPerProject(server, clock, "rows indexed again", (rijk, "rijk"), (gemeente, "gemeente"));
        }
    }

    /// <summary>
    /// A database of the release before the funder index (its summaries computed, no funder table, no
    /// column) upgrades at its first start: the script adds both, the start-up step records every row's
    /// funders from the stored bytes without asking a grain, and every portfolio answers byte for byte
    /// what it answered before.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_database_of_the_release_before_gets_its_funder_rows_at_first_start(bool postgres)
    {
        var clock = new FakeClock(At);
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        var dataDir = WarmteServer.NewDataDir();
        string gemeenteToken, rijkToken, all, gemeentePortfolio, rijkPortfolio;
        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            var admin = server.Client();
            await Cooperative(admin, "coop-a", "zuid", "noord", "oost");
            await WideViewSummaryTests.Grant(admin, "zuid", "lening", "gemeente", 100_000.10m);
            await WideViewSummaryTests.Grant(admin, "zuid", "paw", "rijk", 50_000m);
            await WideViewSummaryTests.Grant(admin, "noord", "paw", "rijk", 70_000.55m);
            Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/zuid/grants/lening/tranches/1/request", new { on = "2026-01-05" })).Status);
            gemeenteToken = (await admin.Post("api/tokens", new { name = "gemeente", role = "financier:gemeente" })).Text("token");
            rijkToken = (await admin.Post("api/tokens", new { name = "rijk", role = "financier:rijk" })).Text("token");
            all = (await admin.Get("api/portfolio")).Raw;
            gemeentePortfolio = (await server.Client(gemeenteToken).Get("api/portfolio")).Raw;
            rijkPortfolio = (await server.Client(rijkToken).Get("api/portfolio")).Raw;
        }

        // Back to the release before: no funder table, no column, the script not applied; the summaries as it left them.
        await Execute(dataDir, connectionString, "DROP TABLE warmte_project_summary_funder");
        await Execute(dataDir, connectionString, "DROP INDEX ix_warmte_project_summary_unsettled");
        await Execute(dataDir, connectionString, "ALTER TABLE warmte_project_summary DROP COLUMN funders_indexed");
        // (the index script and the later one that made funders_indexed a stamp: the release before had neither)
        Assert.Equal(2L, await Execute(dataDir, connectionString, "DELETE FROM warmte_schema_version WHERE name LIKE '%project_summary_funder%'"));
        if (connectionString is not null)
        {
            // Nor the generated column the index reads on PostgreSQL (postgresql/0019), which runs again after them.
            await Execute(dataDir, connectionString, "ALTER TABLE warmte_project_summary DROP COLUMN stale");
            Assert.Equal(1L, await Execute(dataDir, connectionString, "DELETE FROM warmte_schema_version WHERE name LIKE '%project_summary_stale%'"));
        }
        Assert.Equal(3L, Convert.ToInt64(await Scalar(dataDir, connectionString, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes = computed")));

        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            // The start-up step (in the background after the start) records the funders of all three rows.
            for (var i = 0; i < 600 && Convert.ToInt64(await Scalar(dataDir, connectionString, "SELECT COUNT(*) FROM warmte_project_summary WHERE funders_indexed = 0")) > 0; i++)
                await Task.Delay(100);
            Assert.Equal(0L, Convert.ToInt64(await Scalar(dataDir, connectionString, "SELECT COUNT(*) FROM warmte_project_summary WHERE funders_indexed = 0")));
            Assert.Equal(["gemeente zuid", "rijk noord", "rijk zuid"], await FunderRows(dataDir, connectionString));
            // Without asking any grain: every row stayed current (the step recomputed nothing).
            Assert.Equal(0L, Convert.ToInt64(await Scalar(dataDir, connectionString, "SELECT COUNT(*) FROM warmte_project_summary WHERE changes <> computed")));
            var recording = RecordingGrainFactory.Wrap(server.App.Services.GetRequiredService<IGrainFactory>());
            var rows = await ProjectSummaries.ReadFunderAsync(server.App.Services.GetRequiredService<IJournalStore>(), recording.Factory, ["coop-a"], "rijk", Today);
            Assert.Equal(["noord", "zuid"], rows.Keys.Order());
            Assert.Empty(recording.Keys);

            Assert.Equal(all, (await server.Client().Get("api/portfolio")).Raw);
            Assert.Equal(gemeentePortfolio, (await server.Client(gemeenteToken).Get("api/portfolio")).Raw);
            Assert.Equal(rijkPortfolio, (await server.Client(rijkToken).Get("api/portfolio")).Raw);
        }
    }

    /// <summary>
    /// A build without the funder index (an older release started on this database: the migrator
    /// allows it with a warning) adds a grant of another funder and rewrites the summary its own way:
    /// the change counted, the row recomputed (computed moved), the funder rows and funders_indexed
    /// left as they were. Back on this build the new funder's portfolio shows the project at once (the
    /// row no longer counts as indexed), the old-only funder's does not gain it, and the next start
    /// records the new funders from the stored bytes.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_row_rewritten_by_a_build_without_the_funder_index_is_read_by_every_funder_until_indexed_again(bool postgres)
    {
        var clock = new FakeClock(At);
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        var dataDir = WarmteServer.NewDataDir();
        string gemeenteToken, rijkToken;
        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            var admin = server.Client();
            await Cooperative(admin, "coop-r", "proj-r");
            await WideViewSummaryTests.Grant(admin, "proj-r", "paw", "rijk", 50_000m);
            gemeenteToken = (await admin.Post("api/tokens", new { name = "gemeente", role = "financier:gemeente" })).Text("token");
            rijkToken = (await admin.Post("api/tokens", new { name = "rijk", role = "financier:rijk" })).Text("token");
            Assert.Equal(["proj-r"], await PortfolioProjects(server.Client(rijkToken)));
            Assert.Empty(await PortfolioProjects(server.Client(gemeenteToken)));
            Assert.Equal(["rijk proj-r"], await FunderRows(dataDir, connectionString));
        }

        // What the older build leaves: its grant commit counted the change; its summary write set computed = changes and
        // the new bytes (now with a gemeente grant), and knew nothing of funders_indexed or the funder rows.
        var bytes = (byte[])(await Scalar(dataDir, connectionString, "SELECT summary FROM warmte_project_summary WHERE project_id = 'proj-r'"))!;
        var row = ProjectSummaryCodec.Decode(bytes)!;
        var gemeenteGrant = GrantOf("proj-r", "lening", "gemeente");
        var rewritten = row with { Calendar = row.Calendar! with { Grants = [.. row.Calendar!.Grants, SummaryCalendar.Trim(gemeenteGrant)] } };
        Assert.Equal(["gemeente", "rijk"], rewritten.Funders());
        await using (var connection = await OpenAsync(dataDir, connectionString))
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "UPDATE warmte_project_summary SET changes = changes + 1, computed = changes + 1, summary = @summary WHERE project_id = 'proj-r'";
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = "summary";
            parameter.Value = ProjectSummaryCodec.Encode(rewritten);
            cmd.Parameters.Add(parameter);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        Assert.Equal(["rijk proj-r"], await FunderRows(dataDir, connectionString));

        await using (var server = await WarmteServer.StartAsync(dataDir, connectionString, clock))
        {
            var store = server.App.Services.GetRequiredService<IJournalStore>();
            var recording = RecordingGrainFactory.Wrap(server.App.Services.GetRequiredService<IGrainFactory>());
            // Read before the start-up step may have run: the row counts as not indexed, so gemeente reads it too.
            var forGemeente = await ProjectSummaries.ReadFunderAsync(store, recording.Factory, ["coop-r"], "gemeente", Today);
            Assert.Equal(["proj-r"], forGemeente.Keys);
            Assert.Equal(["gemeente", "rijk"], forGemeente["proj-r"].Funders());
            Assert.Empty(recording.Keys);
            // The start-up step records the funders of the row as stored.
            await ProjectSummaryStartup.IndexFundersAsync(store, NullLogger.Instance, CancellationToken.None);
            Assert.Equal(["gemeente proj-r", "rijk proj-r"], await FunderRows(dataDir, connectionString));
            Assert.Equal(["proj-r"], (await ProjectSummaries.ReadFunderAsync(store, recording.Factory, ["coop-r"], "gemeente", Today)).Keys);
            Assert.Empty((await ProjectSummaries.ReadFunderAsync(store, recording.Factory, ["coop-r"], "provincie", Today)).Keys);
            Assert.Empty(recording.Keys);
        }
    }

    /// <summary>A cooperative with its projects, created through the API.</summary>
    private static async Task Cooperative(HttpClient admin, string coop, params string[] projects)
    {
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = "Coöperatie " + coop, kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18",
        })).Status);
        foreach (var project in projects)
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/projects", new
            {
                id = project, name = project, woningequivalenten = 100, plannedConnections = 80, startedOn = "2026-01-16",
            })).Status);
    }

    private static async Task SameAsPerProject(WarmteServer server, IClock clock, string why, params (HttpClient Client, string Scope)[] financiers)
    {
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        foreach (var (client, scope) in financiers)
        {
            var portfolio = await client.Get("api/portfolio");
            Assert.Equal(HttpStatusCode.OK, portfolio.Status);
            WideViewSummaryTests.AssertJsonEqual(await WideViewSummaryTests.PortfolioPerProject(grains, clock, scope), portfolio.Raw, $"{why}: portfolio for {scope}");
        }
    }

    private static async Task<string[]> PortfolioProjects(HttpClient client) =>
        [.. (await client.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("projectId").GetString()!).Order(StringComparer.Ordinal)];

    private static async Task<string[]> FunderRows(string dataDir, string? postgres)
    {
        await using var connection = await OpenAsync(dataDir, postgres);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT funder, project_id FROM warmte_project_summary_funder";
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0) + " " + reader.GetString(1));
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    private static async Task<DbConnection> OpenAsync(string dataDir, string? postgres)
    {
        DbConnection connection = postgres is null
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "warmtenet.db"), Pooling = false }.ToString())
            : new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> Execute(string dataDir, string? postgres, string sql)
    {
        await using var connection = await OpenAsync(dataDir, postgres);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(string dataDir, string? postgres, string sql)
    {
        await using var connection = await OpenAsync(dataDir, postgres);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    private static async Task<long> Scalar(StorageSettings settings, string sql)
    {
        await using var connection = await new Database(settings).OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
