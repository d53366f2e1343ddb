using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans.TestingHost;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// <see cref="CashFlowPlanGrain.Correct"/> on a real cluster and both real engines, its reads recorded on their way to
/// the store: a correction reads its booking by id (one indexed lookup) and then that month's bookings only, never
/// every booking of the project; and its idempotency key has the shape of a booking's — a used key answers the first
/// correction even when the rules alone would now book another one.
/// </summary>
public sealed class SpendingCorrectionReadsTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 11, 22, 10, 0));

    /// <summary>The real store, with the cash plan's spending reads and booking lookups written down.</summary>
    internal sealed class RecordingStore(IJournalStore inner) : IJournalStore
    {
        public ConcurrentQueue<string> Reads { get; } = new();

        public Task<IReadOnlyList<JournalRecord>> ReadAsync(string grainType, string grainKey, JournalQuery query)
        {
            if (grainType == CashFlowPlanGrain.JournalType && query.Kind == SpendingLedger.Kind) Reads.Enqueue($"read {query.Tag ?? "(every month)"}");
            return inner.ReadAsync(grainType, grainKey, query);
        }

        public Task<IReadOnlyDictionary<string, StoredMemberCount>> ReadMemberCountsAsync(string registerType, IReadOnlyCollection<string> cooperativeIds) =>
            inner.ReadMemberCountsAsync(registerType, cooperativeIds);
        public Task<IReadOnlyList<string>> RegistersWithoutCurrentCountAsync(string registerType) => inner.RegistersWithoutCurrentCountAsync(registerType);
        public Task<JournalRecord?> FindBookingAsync(string grainType, string grainKey, string bookingId)
        {
            Reads.Enqueue($"find {bookingId}");
            return inner.FindBookingAsync(grainType, grainKey, bookingId);
        }

        public Task<StoredSnapshot?> LoadAsync(string grainType, string grainKey) => inner.LoadAsync(grainType, grainKey);
        public Task CommitAsync(JournalCommit commit) => inner.CommitAsync(commit);
        public Task<IdempotencyRecord?> FindIdempotencyAsync(string grainType, string grainKey, string idempotencyKey) => inner.FindIdempotencyAsync(grainType, grainKey, idempotencyKey);
        public Task<long> CountAsync(string grainType, string grainKey, string kind, string? tag = null) => inner.CountAsync(grainType, grainKey, kind, tag);
        public Task<IReadOnlyList<JournalRecord>> ReadTagRangeAsync(string grainType, string grainKey, string kind, string tagFrom, string tagTo)
        {
            if (grainType == CashFlowPlanGrain.JournalType && kind == SpendingLedger.Kind) Reads.Enqueue($"range {tagFrom}..{tagTo}");
            return inner.ReadTagRangeAsync(grainType, grainKey, kind, tagFrom, tagTo);
        }
        public Task<long> CountByTagPrefixAsync(string grainType, string grainKey, string kind, string tagPrefix) => inner.CountByTagPrefixAsync(grainType, grainKey, kind, tagPrefix);
        public Task<IReadOnlyList<JournalRecord>> ReadSpendingRangeAsync(string grainType, string grainKey, string tagFrom, string tagTo, SpendingRows which, long skip = 0, int take = int.MaxValue)
        {
            if (grainType == CashFlowPlanGrain.JournalType)
                Reads.Enqueue(which == SpendingRows.Totals ? $"totals {tagFrom}..{tagTo}" : $"single {tagFrom}..{tagTo} from {skip} take {take}");
            return inner.ReadSpendingRangeAsync(grainType, grainKey, tagFrom, tagTo, which, skip, take);
        }
        public Task<IReadOnlyList<CurrentRow>> ReadRowsAsync(string grainType, string grainKey, RowQuery query) => inner.ReadRowsAsync(grainType, grainKey, query);
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
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_correction_reads_its_booking_by_id_and_that_month_only_and_a_used_key_answers_the_first_correction(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var store = new RecordingStore(new AdoNetJournalStore(new Database(settings)));
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddWarmteGrainStorage(settings).UseInMemoryReminderService();
            silo.Services.AddSingleton<IJournalStore>(store); // after the storage's own: the one the grains get
        });
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<IClock>(Clock));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var plan = cluster.Client.GetGrain<ICashFlowPlanGrain>("corr-reads");
            var october = new List<string>();
            foreach (var month in new[] { new YearMonth(2026, 9), new YearMonth(2026, 10), new YearMonth(2026, 11) })
                for (var i = 0; i < 5; i++)
                {
                    var booked = await plan.Book(new BookSpending { Month = month, Kind = "Advisers", Amount = 1_000m + i }, "bestuur", null);
                    if (month.Month == 10) october.Add(booked.Value!.Id);
                }
            var target = october[2]; // € 1.002 booked in October
            store.Reads.Clear();

            var first = await plan.Correct(target, new CorrectSpending { Amount = 500m, Reason = "tikfout" }, "bestuur", "k1");
            Assert.True(first.IsOk, first.Refusal?.Message);
            Assert.Equal((-502m, new YearMonth(2026, 10), target), (first.Value!.Amount, first.Value.Month, first.Value.Corrects));
            // The booking by its id, then its month: not the project's other months.
            Assert.Equal([$"find {target}", "read 2026-10"], store.Reads);

            // Another correction under another key moves the booking to € 700 ...
            var second = await plan.Correct(target, new CorrectSpending { Amount = 700m, Reason = "toch 700" }, "bestuur", "k2");
            Assert.Equal(200m, second.Value!.Amount);
            // ... so the first request sent again would, by the rules alone, book € −200 now: its key answers the first correction instead.
            var again = await plan.Correct(target, new CorrectSpending { Amount = 500m, Reason = "tikfout" }, "bestuur", "k1");
            Assert.Equal(first.Value, again.Value);
            // The second again: the rules refuse it (nothing to correct), its key answers it.
            Assert.Equal(second.Value, (await plan.Correct(target, new CorrectSpending { Amount = 700m, Reason = "toch 700" }, "bestuur", "k2")).Value);
            // A used key for another request, and a booking's key for a correction: 409, nothing booked.
            var reused = await plan.Correct(target, new CorrectSpending { Amount = 400m, Reason = "anders" }, "bestuur", "k1");
            Assert.Equal((RefusalKind.Conflict, "idempotency-key-reused"), (reused.Refusal!.Kind, reused.Refusal.Code));
            var booking = await plan.Book(new BookSpending { Month = new YearMonth(2026, 11), Kind = "Advisers", Amount = 5m }, "bestuur", "k3");
            Assert.Equal("idempotency-key-reused", (await plan.Correct(target, new CorrectSpending { Amount = 1m, Reason = "x" }, "bestuur", "k3")).Refusal!.Code);
            Assert.Equal(booking.Value, (await plan.Book(new BookSpending { Month = new YearMonth(2026, 11), Kind = "Advisers", Amount = 5m }, "bestuur", "k3")).Value);
            Assert.Equal("idempotency-key-reused", (await plan.Book(new BookSpending { Month = new YearMonth(2026, 11), Kind = "Advisers", Amount = 5m }, "bestuur", "k1")).Refusal!.Code);

            var octoberNow = await plan.Bookings(new YearMonth(2026, 10));
            Assert.Equal(7, octoberNow.Length); // five bookings and two corrections, each once
            Assert.Equal(700m, SpendingLedger.Stands(target, octoberNow));
            Assert.Equal(18, (await plan.Spending(null, null, null)).Value!.Items.Length); // 15 bookings, 2 corrections and the one booking under k3

            // An unknown booking: 404 after one lookup and no month read.
            store.Reads.Clear();
            Assert.Equal(RefusalKind.NotFound, (await plan.Correct("b-bestaatniet", new CorrectSpending { Amount = 1m, Reason = "x" }, "bestuur", null)).Refusal!.Kind);
            Assert.Equal(["find b-bestaatniet"], store.Reads);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
