using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans.TestingHost;
using Warmte.Alerts;
using Warmte.Cooperatives;
using Warmte.Journal;
using Warmte.Projects;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Alerts;

/// <summary>
/// Review19 #8: <see cref="IAlertWatchGrain.Active"/> interleaves with a running evaluation, so it must never load the
/// watch's state (a load there could overwrite the version the evaluation commits on). After a failed commit left the
/// state unknown it answers none without touching the store; the next evaluation loads and raises the alert again.
/// A real cluster on a real SQLite file; the store fails for the alert watch only while <c>Down</c> is set.
/// </summary>
public sealed class AlertWatchActiveTests
{
    private sealed class FailingWatchStore(IJournalStore inner) : IJournalStore
    {
        private int _watchLoads;

        public volatile bool Down;

        public int WatchLoads => Volatile.Read(ref _watchLoads);

        public void ResetLoads() => Interlocked.Exchange(ref _watchLoads, 0);

        public Task<IReadOnlyList<JournalRecord>> ReadAsync(string grainType, string grainKey, JournalQuery query) => inner.ReadAsync(grainType, grainKey, query);
        public Task<IReadOnlyList<CurrentRow>> ReadRowsAsync(string grainType, string grainKey, RowQuery query) => inner.ReadRowsAsync(grainType, grainKey, query);

        public Task<StoredSnapshot?> LoadAsync(string grainType, string grainKey)
        {
            if (grainType != AlertWatchGrain.JournalType) return inner.LoadAsync(grainType, grainKey);
            Interlocked.Increment(ref _watchLoads);
            return Down ? throw new InvalidOperationException("the alert watch's storage is down (test)") : inner.LoadAsync(grainType, grainKey);
        }

        public Task CommitAsync(JournalCommit commit) =>
            Down && commit.GrainType == AlertWatchGrain.JournalType ? throw new InvalidOperationException("the alert watch's storage is down (test)") : inner.CommitAsync(commit);
        public Task<IdempotencyRecord?> FindIdempotencyAsync(string grainType, string grainKey, string idempotencyKey) => inner.FindIdempotencyAsync(grainType, grainKey, idempotencyKey);
        public Task<long> CountAsync(string grainType, string grainKey, string kind, string? tag = null) => inner.CountAsync(grainType, grainKey, kind, tag);
        public Task<IReadOnlyList<JournalRecord>> ReadTagRangeAsync(string grainType, string grainKey, string kind, string tagFrom, string tagTo) => inner.ReadTagRangeAsync(grainType, grainKey, kind, tagFrom, tagTo);
        public Task<long> CountByTagPrefixAsync(string grainType, string grainKey, string kind, string tagPrefix) => inner.CountByTagPrefixAsync(grainType, grainKey, kind, tagPrefix);
        public Task<IReadOnlyList<JournalRecord>> ReadSpendingRangeAsync(string grainType, string grainKey, string tagFrom, string tagTo, SpendingRows which, long skip = 0, int take = int.MaxValue) =>
            inner.ReadSpendingRangeAsync(grainType, grainKey, tagFrom, tagTo, which, skip, take);
        public Task<long> CountRowsAsync(string grainType, string grainKey, string kind, string? tag = null) => inner.CountRowsAsync(grainType, grainKey, kind, tag);
        public Task<IReadOnlyDictionary<string, StoredSnapshot>> LoadManyAsync(string grainType, IReadOnlyCollection<string> grainKeys) => inner.LoadManyAsync(grainType, grainKeys);
        public Task<IReadOnlyList<StoredProjectSummary>> ReadProjectSummariesAsync(IReadOnlyCollection<string>? cooperativeIds = null) => inner.ReadProjectSummariesAsync(cooperativeIds);
        public Task<long> ProjectChangesAsync(string projectId) => inner.ProjectChangesAsync(projectId);
        public Task WriteProjectSummaryAsync(string projectId, string cooperativeId, LocalDate asOf, byte[] summary, long changes, Instant at, IReadOnlyCollection<string>? funders = null) =>
            inner.WriteProjectSummaryAsync(projectId, cooperativeId, asOf, summary, changes, at, funders);
        public Task DeleteProjectSummaryAsync(string projectId) => inner.DeleteProjectSummaryAsync(projectId);
        public Task<FunderProjectSummaries> ReadFunderProjectSummariesAsync(string funderId) => inner.ReadFunderProjectSummariesAsync(funderId);
        public Task<IReadOnlyList<UnindexedProjectSummary>> ReadUnindexedProjectSummariesAsync(string? afterProjectId, int limit) => inner.ReadUnindexedProjectSummariesAsync(afterProjectId, limit);
        public Task<IReadOnlyList<string>> ReadStaleProjectSummaryIdsAsync(string? afterProjectId, int limit) => inner.ReadStaleProjectSummaryIdsAsync(afterProjectId, limit);
        public Task<int> IndexProjectSummaryFundersAsync(IReadOnlyList<(string ProjectId, long Computed, IReadOnlyCollection<string> Funders)> rows) => inner.IndexProjectSummaryFundersAsync(rows);
        public Task<IReadOnlyList<long>> SnapshotVersionsAsync(IReadOnlyList<(string GrainType, string GrainKey)> grains) => inner.SnapshotVersionsAsync(grains);
        public Task<NodaTime.Instant?> LastEntryAtAsync(string grainKey, IReadOnlyCollection<string> grainTypes) => inner.LastEntryAtAsync(grainKey, grainTypes);
        public Task<IReadOnlyDictionary<string, StoredMemberCount>> ReadMemberCountsAsync(string registerType, IReadOnlyCollection<string> cooperativeIds) =>
            inner.ReadMemberCountsAsync(registerType, cooperativeIds);
        public Task<IReadOnlyList<string>> RegistersWithoutCurrentCountAsync(string registerType) => inner.RegistersWithoutCurrentCountAsync(registerType);
        public Task<JournalRecord?> FindBookingAsync(string grainType, string grainKey, string bookingId) => inner.FindBookingAsync(grainType, grainKey, bookingId);
    }

    [Fact]
    public async Task Active_answers_without_loading_while_a_failed_commit_left_the_state_unknown()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 22, 10, 0));
        var settings = await GrainStorageTests.Storage("sqlite");
        var store = new FailingWatchStore(new AdoNetJournalStore(new Database(settings)));
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddWarmteGrainStorage(settings).UseInMemoryReminderService();
            silo.Services.AddSingleton<IJournalStore>(store); // after the storage's own: the one the grains get
        });
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<IClock>(clock));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var grains = cluster.Client;
            var coop = grains.GetGrain<ICooperativeGrain>("ketelhuiswg");
            await coop.Create(new CreateCooperative { Id = "ketelhuiswg", StatutoryName = "Coöperatie KetelhuisWG U.A.", Kind = "HeatNetwork", Municipality = "Amsterdam" }, "test");
            await coop.CreateProject(new CreateProject { Id = "wg-terrein", Name = "Warmtenet WG-terrein", StartedOn = new LocalDate(2018, 1, 1) }, "test");
            var watch = grains.GetGrain<IAlertWatchGrain>("wg-terrein");
            // A milestone three weeks overdue: the change's one-way evaluation raises and stores the alert.
            await grains.GetGrain<IProjectGrain>("wg-terrein").SetMilestone("start-bouw",
                new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2026, 11, 1) }, "test");
            await Eventually(async () => (await watch.Active()).Any(a => a.Alert.Kind == "milestone-overdue"));

            // A day later the sweep's evaluation is due to write, but the watch's commit fails and so does its reload.
            store.Down = true;
            clock.AdvanceDays(1);
            await Assert.ThrowsAnyAsync<Exception>(() => watch.Sweep());

            // The state is unknown now (the stored one holds the alert): Active answers none without loading it
            // (the old code loaded here, interleaved with whatever evaluation ran, and failed).
            Assert.Empty(await watch.Active());

            // The storage is back: the next evaluation loads and finds the alert again, dated from its first raise.
            store.Down = false;
            store.ResetLoads();
            await watch.Sweep();
            Assert.True(store.WatchLoads > 0);
            var again = Assert.Single(await watch.Active());
            Assert.Equal("milestone-overdue", again.Alert.Kind);
            Assert.Equal(new LocalDate(2026, 11, 22), again.RaisedAt.InUtc().Date);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Waits for a one-way call with a generous ceiling; not a timing assertion.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true within 60 s.");
            await Task.Delay(200);
        }
    }
}
