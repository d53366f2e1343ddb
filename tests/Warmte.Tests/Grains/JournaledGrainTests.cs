using NodaTime;
using Orleans.Storage;
using Warmte.CashFlow;
using Warmte.Grants;

namespace Warmte.Tests.Grains;

/// <summary>
/// The journaled grains (cash plan, funding) on an in-process cluster with the real databases:
/// history read back from the journal after deactivation, exactly once per idempotency key, and
/// a stale activation refused without a trace.
/// </summary>
public sealed class JournaledGrainTests
{
    public static TheoryData<string> Backends => GrainStorageTests.Backends;

    private static BookSpending Spend(int month, decimal amount, string? note = null) =>
        new() { Month = new YearMonth(2025, month), Kind = "Design", Amount = amount, Note = note };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Bookings_and_audit_come_back_from_the_journal_and_a_key_books_once(string backend)
    {
        var cluster = await GrainStorageTests.Cluster(await GrainStorageTests.Storage(backend));
        try
        {
            var grains = cluster.Client;
            await GrainStorageTests.CreateKetelhuis(grains);
            var plan = grains.GetGrain<ICashFlowPlanGrain>("wg-terrein");
            var first = await plan.Book(Spend(1, 100.10m, "eerste"), "bestuur", "key-1");
            Assert.True(first.IsOk, first.Refusal?.Message);
            Assert.True((await plan.Book(Spend(2, 0.90m), "bestuur", null)).IsOk);
            Assert.True((await plan.SetTotals([new MonthTotal { Month = new YearMonth(2025, 1), Kind = "Advisers", Amount = 50m }], "bestuur")).IsOk);
            var funding = grains.GetGrain<IGrantsGrain>("wg-terrein");
            var created = await funding.CreateGrant(new CreateGrant
            {
                Id = "paw", Funder = "Rijk", Scheme = "PAW", AmountGranted = 1000m, DecidedOn = new LocalDate(2020, 1, 1),
                Tranches = [new PlannedTranche { Amount = 1000m }],
            }, "gemeente", "grant-key");
            Assert.True(created.IsOk, created.Refusal?.Message);

            await cluster.DeactivateAsync(plan);
            await cluster.DeactivateAsync(funding);

            // After reactivation: the same bookings in the same order, and a retry changes nothing.
            var again = await plan.Book(Spend(1, 100.10m, "eerste"), "bestuur", "key-1");
            Assert.Equal(first.Value!.Id, again.Value!.Id);
            var reused = await plan.Book(Spend(1, 999m), "bestuur", "key-1");
            Assert.Equal("idempotency-key-reused", reused.Refusal!.Code);
            var bookings = (await plan.Spending(null, null, null)).Value!.Items;
            Assert.Equal([100.10m, 0.90m, 50m], bookings.Select(b => b.Amount));
            Assert.Equal([first.Value.Id, "t-2025-01-advisers"], (await plan.Bookings(new YearMonth(2025, 1))).Select(b => b.Id));
            var position = await plan.Position(new YearMonth(2025, 3));
            Assert.Equal("151.00", position.TotalSpent.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.True((await funding.CreateGrant(new CreateGrant
            {
                Id = "paw", Funder = "Rijk", Scheme = "PAW", AmountGranted = 1000m, DecidedOn = new LocalDate(2020, 1, 1),
                Tranches = [new PlannedTranche { Amount = 1000m }],
            }, "gemeente", "grant-key")).IsOk);
            var audit = await funding.GetAudit(1, 10);
            Assert.Equal(1, audit.Total);
            Assert.Equal("grant.created", audit.Entries.Single().Action);
            Assert.Equal("gemeente", audit.Entries.Single().Actor);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_stale_activation_is_refused_reloads_and_its_retry_lands_on_top(string backend)
    {
        // Two clusters on one database both hold the same cash plan: the second writer is refused
        // (409 concurrent-change in the API), keeps nothing, and its retry counts the first booking.
        var settings = await GrainStorageTests.Storage(backend);
        var a = await GrainStorageTests.Cluster(settings);
        var b = await GrainStorageTests.Cluster(settings);
        try
        {
            await GrainStorageTests.CreateKetelhuis(a.Client);
            var inA = a.Client.GetGrain<ICashFlowPlanGrain>("wg-terrein");
            var inB = b.Client.GetGrain<ICashFlowPlanGrain>("wg-terrein");
            Assert.Empty((await inB.Spending(null, null, null)).Value!.Items);
            Assert.True((await inA.Book(Spend(1, 10m), "a", null)).IsOk);
            await Assert.ThrowsAsync<InconsistentStateException>(() => inB.Book(Spend(2, 20m), "b", "b-key"));
            var retry = await inB.Book(Spend(2, 20m), "b", "b-key");
            Assert.True(retry.IsOk, retry.Refusal?.Message);
            Assert.Equal([10m, 20m], (await inB.Spending(null, null, null)).Value!.Items.Select(x => x.Amount));
            Assert.Equal(30m, (await inB.Position(new YearMonth(2025, 3))).TotalSpent);
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_stored_state_does_not_grow_with_the_number_of_bookings(string backend)
    {
        // Issue 15: grain state holds the aggregate; the bookings are journal rows. 300 bookings in
        // three months leave the snapshot as large as 10 did (give or take the digits of the sums).
        var settings = await GrainStorageTests.Storage(backend);
        var cluster = await GrainStorageTests.Cluster(settings);
        try
        {
            var plan = cluster.Client.GetGrain<ICashFlowPlanGrain>("groei");
            var store = new Warmte.Silo.Storage.AdoNetJournalStore(new Warmte.Silo.Storage.Database(settings));
            int after10 = 0;
            for (var i = 1; i <= 300; i++)
            {
                Assert.True((await plan.Book(Spend(1 + i % 3, 1234.56m, "een notitie van enige lengte, zoals besturen ze schrijven"), "bestuur", $"k{i}")).IsOk);
                if (i == 10) after10 = (await store.LoadAsync(CashFlowPlanGrain.JournalType, "groei"))!.State.Length;
            }
            var after300 = (await store.LoadAsync(CashFlowPlanGrain.JournalType, "groei"))!;
            Assert.InRange(after300.State.Length, after10, after10 + 32);
            Assert.Equal(300, after300.LastSeq);
            Assert.Equal(300, await store.CountAsync(CashFlowPlanGrain.JournalType, "groei", "spending"));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_projects_stored_snapshot_does_not_grow_with_its_audit_trail_which_is_paged_from_the_journal(string backend)
    {
        // Issue 15: the record grains keep the record; every change's audit entry is a journal row.
        // 200 renames between two names of one length leave the snapshot as large as after 10.
        var settings = await GrainStorageTests.Storage(backend);
        var cluster = await GrainStorageTests.Cluster(settings);
        try
        {
            await GrainStorageTests.CreateKetelhuis(cluster.Client);
            var project = cluster.Client.GetGrain<Warmte.Projects.IProjectGrain>("wg-terrein");
            var store = new Warmte.Silo.Storage.AdoNetJournalStore(new Warmte.Silo.Storage.Database(settings));
            int after10 = 0;
            for (var i = 1; i <= 200; i++)
            {
                var renamed = await project.Update(new Warmte.Projects.UpdateProject { Name = i % 2 == 0 ? "Warmtenet WG-terrein A" : "Warmtenet WG-terrein B" }, $"bestuurder-{i:D3}");
                Assert.True(renamed.IsOk, renamed.Refusal?.Message);
                if (i == 10) after10 = (await store.LoadAsync(Warmte.Projects.ProjectGrain.JournalType, "wg-terrein"))!.State.Length;
            }
            var after200 = (await store.LoadAsync(Warmte.Projects.ProjectGrain.JournalType, "wg-terrein"))!;
            Assert.Equal(after10, after200.State.Length);
            Assert.DoesNotContain("bestuurder-", after200.State); // no audit entry in the snapshot
            Assert.Equal(201, after200.LastSeq); // "created" and 200 renames
            Assert.Equal(201, await store.CountAsync(Warmte.Projects.ProjectGrain.JournalType, "wg-terrein", "audit"));

            // Read back after deactivation: newest first, the total, and a page in the middle.
            await cluster.DeactivateAsync(project);
            var first = (await project.GetAudit(1, 3))!;
            Assert.Equal(201, first.Total);
            Assert.Equal(["bestuurder-200", "bestuurder-199", "bestuurder-198"], first.Entries.Select(e => e.Actor));
            var fourth = (await project.GetAudit(4, 50))!;
            Assert.Equal(Enumerable.Range(1, 50).Select(i => $"bestuurder-{i:D3}"), fourth.Entries.Select(e => e.Actor).Reverse());
            var last = (await project.GetAudit(5, 50))!;
            Assert.Equal("test", last.Entries.Single().Actor); // the oldest: the project's creation
            Assert.Empty((await project.GetAudit(6, 50))!.Entries);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
