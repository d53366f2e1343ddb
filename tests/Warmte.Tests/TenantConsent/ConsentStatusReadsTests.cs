using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans.TestingHost;
using Warmte.Alv;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Members;
using Warmte.Serialization;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.TenantConsent;
using Warmte.Tests.Grains;

namespace Warmte.Tests.TenantConsent;

/// <summary>
/// <see cref="TenantConsentGrain.Status"/> on a real cluster and both real engines, its reads recorded: a met complex
/// stored by an older release, whose day the record does not know, is dated from its own answers (read by its tag),
/// never from every answer of the project, and reading the status again reads no history again until something changes.
/// </summary>
public sealed class ConsentStatusReadsTests
{
    /// <summary>The real store, with the consent grain's reads of answers and history written down.</summary>
    private sealed class RecordingStore(IJournalStore inner) : IJournalStore
    {
        public ConcurrentQueue<string> Reads { get; } = new();

        public Task<IReadOnlyList<JournalRecord>> ReadAsync(string grainType, string grainKey, JournalQuery query)
        {
            if (grainType == TenantConsentGrain.JournalType) Reads.Enqueue($"facts {query.Kind} {query.Tag ?? "(every complex)"}");
            return inner.ReadAsync(grainType, grainKey, query);
        }

        public Task<IReadOnlyList<CurrentRow>> ReadRowsAsync(string grainType, string grainKey, RowQuery query)
        {
            if (grainType == TenantConsentGrain.JournalType) Reads.Enqueue($"rows {query.Kind} {query.Tag ?? "(every complex)"}");
            return inner.ReadRowsAsync(grainType, grainKey, query);
        }

        public Task<StoredSnapshot?> LoadAsync(string grainType, string grainKey) => inner.LoadAsync(grainType, grainKey);
        public Task CommitAsync(JournalCommit commit) => inner.CommitAsync(commit);
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

    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 3, 1, 10, 0));

    /// <summary>
    /// Blok C as an older release stored it: 9 of 12 agreed, judged met under 2/3 on 25-01-2025 (no MetOn, no
    /// ReachedUnder), with only five of its nine agreements still stored per address and no facts.
    /// </summary>
    private static JournalCommit OlderReleasesBlokC(string project)
    {
        var record = new ConsentRecord
        {
            Complexes = [new Complex
            {
                Id = "blok-c", Name = "Blok C", Corporation = "Stadgenoot", RentedHomes = 12, Threshold = new Share(2, 3), Agreed = 9,
                FirstAnswerOn = new LocalDate(2025, 1, 20), ReachedOn = new LocalDate(2025, 1, 25),
            }],
        };
        var rows = Enumerable.Range(1, 5).Select(n =>
        {
            var declaration = new Declaration
            {
                Address = new DutchAddress("1054AB", n, null), Response = ConsentResponse.Akkoord, On = new LocalDate(2025, 1, 19 + n),
                RecordedBy = "bestuur", RecordedAt = Clock.GetCurrentInstant(),
            };
            return JournaledState<RecordState<ConsentRecord>>.Row(ConsentRules.RowKind, ConsentRules.RowId("blok-c", declaration.Address), "blok-c", declaration);
        }).ToList();
        return new JournalCommit(TenantConsentGrain.JournalType, project, 0, 1,
            JsonSerializer.Serialize(new RecordState<ConsentRecord> { Record = record }, WarmteJson.Default), [], null, Clock.GetCurrentInstant()) { Rows = rows };
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_met_complex_without_its_day_is_dated_from_its_own_answers_once_not_from_every_answer_of_the_project(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var store = new RecordingStore(new AdoNetJournalStore(new Database(settings)));
        await store.CommitAsync(OlderReleasesBlokC("reads-p"));
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
            var consent = cluster.Client.GetGrain<ITenantConsentGrain>("reads-p");
            // Blok D, recorded by this release: 7 of 10 agree, the 7th on 07-02-2025 (70% of 10 needs 7).
            Assert.True((await consent.SetComplex("blok-d", new SetComplex { Name = "Blok D", Corporation = "Stadgenoot", RentedHomes = 10 }, "bestuur")).IsOk);
            var answers = await consent.RecordDeclarations("blok-d", new RecordDeclarations
            {
                Declarations = [.. Enumerable.Range(1, 7).Select(n => (DeclarationInput?)new DeclarationInput
                {
                    Postcode = "1054 AC", Huisnummer = n, Response = "Akkoord", On = new LocalDate(2025, 2, n),
                })],
            }, "bestuur");
            Assert.True(answers.IsOk, answers.Refusal?.Message);
            store.Reads.Clear();

            var status = await consent.Status(withAddresses: false);
            // Blok C's own history and answers, by its tag; Blok D (its day stored) and the project as a whole not at all.
            Assert.Equal(["facts declaration blok-c", "rows declaration blok-c"], store.Reads);
            var blokC = status.Complexes.Single(c => c.Id == "blok-c");
            var blokD = status.Complexes.Single(c => c.Id == "blok-d");
            // Blok C meets 70% (9 of 12), but five stored agreements cannot say when: not known, and why.
            Assert.True(blokC.Reached);
            Assert.Null(blokC.ReachedOn);
            Assert.Contains("niet bekend", blokC.ReachedOnNote);
            Assert.Contains("oudere versie", blokC.ReachedOnNote);
            Assert.Equal(new LocalDate(2025, 2, 7), blokD.ReachedOn);
            Assert.Null(blokD.Declarations);

            // Again: the same answer, nothing read.
            store.Reads.Clear();
            var again = await consent.Status(withAddresses: false);
            Assert.Empty(store.Reads);
            Assert.Equal(status.Complexes.Select(c => (c.Id, c.ReachedOn, c.ReachedOnNote)), again.Complexes.Select(c => (c.Id, c.ReachedOn, c.ReachedOnNote)));

            // The board's view reads every answer (it shows them) and names the same days.
            var board = await consent.Status(withAddresses: true);
            Assert.Contains("rows declaration (every complex)", store.Reads);
            Assert.Equal(status.Complexes.Select(c => (c.Id, c.ReachedOn, c.ReachedOnNote)), board.Complexes.Select(c => (c.Id, c.ReachedOn, c.ReachedOnNote)));
            Assert.Equal(12, board.Complexes.Sum(c => c.Declarations!.Value.Length));

            // A change to the project reads Blok C's history again (it may have changed).
            Assert.True((await consent.SetComplex("blok-e", new SetComplex { Name = "Blok E", Corporation = "Stadgenoot", RentedHomes = 20 }, "bestuur")).IsOk);
            store.Reads.Clear();
            await consent.Status(withAddresses: false);
            Assert.Equal(["facts declaration blok-c", "rows declaration blok-c"], store.Reads);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
