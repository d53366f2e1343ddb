using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Orleans.Storage;
using Warmte.Journal;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Storage;

/// <summary>
/// Group commit on a real PostgreSQL server (docs/storage.md, "Group commit"): commits of many grains
/// sent at once share transactions, and every commit still gets exactly its own answer — written once
/// when its version was current and its key free, refused and written not at all otherwise — whatever
/// else is in its batch (a refused neighbour, a taken key that fails the batch, an ALV commit that
/// counts against all of a cooperative's project summaries at the same time).
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 6, 22, 0);

    /// <summary>What one grain's next commit is: a good one, or one of the three a store must refuse whole.</summary>
    public enum Step { Good, StaleVersion, TakenKey, SecondFirst }

    private static async Task<(AdoNetJournalStore Store, Database Database)> GroupedStore()
    {
        var database = new Database(await GrainStorageTests.Storage("postgresql"));
        return (new AdoNetJournalStore(database, groupCommit: true), database);
    }

    private static JournalAppend Entry(int n) => new("spending", "2026-12", At + Duration.FromSeconds(n), "bestuur", $$"""{"n":{{n}},"amount":10.01}""");

    /// <summary>
    /// Runs one grain's steps in order, as a grain does (each commit awaited before the next), and
    /// answers how many good commits went in; every refusal is asserted to be a conflict.
    /// </summary>
    private static async Task<int> RunGrain(AdoNetJournalStore store, string type, string key, IReadOnlyList<Step> steps)
    {
        var version = 0L;
        foreach (var (step, i) in steps.Select((s, i) => (s, i)))
        {
            var next = version + 1;
            var refused = step switch
            {
                Step.StaleVersion when version > 0 => new JournalCommit(type, key, version - 1, next, $$"""{"v":"stale"}""", [Entry(900 + i)], null, At),
                Step.TakenKey when version > 0 => new JournalCommit(type, key, version, next, $$"""{"v":"dup"}""", [Entry(900 + i)],
                    new IdempotencyRecord("k1", "other", null, next), At),
                Step.SecondFirst when version > 0 => new JournalCommit(type, key, 0, 1, $$"""{"v":"first"}""", [Entry(900 + i)], null, At),
                _ => null,
            };
            if (refused is not null)
            {
                await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(refused));
                continue;
            }
            await store.CommitAsync(new JournalCommit(type, key, version, next, $$"""{"v":{{next}}}""", [Entry((int)next)],
                new IdempotencyRecord("k" + next, "f", $$"""{"n":{{next}}}""", next), At));
            version = next;
        }
        return (int)version;
    }

    private static async Task AssertWrittenExactly(AdoNetJournalStore store, string type, string key, int good)
    {
        var snapshot = await store.LoadAsync(type, key);
        Assert.Equal((good, good), (snapshot?.Version ?? 0, snapshot?.LastSeq ?? 0));
        if (good > 0) Assert.Equal($$"""{"v":{{good}}}""", snapshot!.State);
        Assert.Equal(Enumerable.Range(1, good).Select(n => (long)n), (await store.ReadAsync(type, key, new JournalQuery("spending"))).Select(r => r.Seq));
        Assert.Equal(good, await store.CountAsync(type, key, "spending"));
        for (var n = 1; n <= good; n++) Assert.Equal("f", (await store.FindIdempotencyAsync(type, key, "k" + n))!.Fingerprint);
        Assert.Null(await store.FindIdempotencyAsync(type, key, "k" + (good + 1)));
    }

    [Property(MaxTest = 12)]
    public void Every_commit_sent_together_with_others_is_written_once_or_refused_whole(PositiveInt grainsSeed, Step[][] plans)
    {
        // Up to 24 grains: cash plans of projects (each counted on its project's summary), grants of the
        // same projects (the same summary rows, from other grains), and the cooperative's ALV (counted on
        // every project summary of the cooperative) — all sending their commits at the same moment.
        var grains = 1 + grainsSeed.Get % 24;
        var steps = Enumerable.Range(0, grains).Select(g => (plans.Length == 0 ? [] : plans[g % plans.Length]).Take(12).Prepend(Step.Good).ToArray()).ToArray();
        var (store, _) = GroupedStore().GetAwaiter().GetResult();
        var cooperative = "c-" + Guid.NewGuid().ToString("N")[..8];
        var projects = Enumerable.Range(0, Math.Max(1, grains / 2)).Select(i => $"{cooperative}-p{i:00}").ToArray();
        foreach (var project in projects)
            store.WriteProjectSummaryAsync(project, cooperative, new LocalDate(2026, 12, 6), [1], 0, At).GetAwaiter().GetResult();
        var owners = Enumerable.Range(0, grains).Select(g =>
            g == grains - 1 && grains > 2 ? (Type: Warmte.Alv.AlvGrain.JournalType, Key: cooperative)
            : (Type: g % 2 == 0 ? Warmte.CashFlow.CashFlowPlanGrain.JournalType : Warmte.Grants.GrantsGrain.JournalType, Key: projects[g / 2 % projects.Length]))
            .Distinct().ToArray();

        var good = Task.WhenAll(owners.Select((o, g) => Task.Run(() => RunGrain(store, o.Type, o.Key, steps[g])))).GetAwaiter().GetResult();

        for (var g = 0; g < owners.Length; g++) AssertWrittenExactly(store, owners[g].Type, owners[g].Key, good[g]).GetAwaiter().GetResult();
        // Each project's summary counted exactly the commits that went in and concern it.
        var alvGood = owners.Select((o, g) => o.Type == Warmte.Alv.AlvGrain.JournalType ? good[g] : 0).Sum();
        foreach (var project in projects)
        {
            var own = owners.Select((o, g) => o.Key == project ? good[g] : 0).Sum();
            Assert.Equal(own + alvGood, store.ProjectChangesAsync(project).GetAwaiter().GetResult());
        }
    }

    [Fact]
    public async Task Commits_that_arrive_together_are_batched_and_a_failing_one_takes_none_of_the_others_down()
    {
        var (store, _) = await GroupedStore();
        var type = Warmte.CashFlow.CashFlowPlanGrain.JournalType;
        var prefix = "g-" + Guid.NewGuid().ToString("N")[..8];
        // 200 projects' first commits at once; 20 of them then try a key already taken, and 20 others
        // a stale version, all at once with 160 good second commits.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => store.CommitAsync(
            new JournalCommit(type, $"{prefix}-{i:000}", 0, 1, """{"v":1}""", [Entry(1)], new IdempotencyRecord("k1", "f", null, 1), At)))));
        var second = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var key = $"{prefix}-{i:000}";
            var commit = i % 10 == 3 ? new JournalCommit(type, key, 1, 2, """{"v":"dup"}""", [Entry(2)], new IdempotencyRecord("k1", "other", null, 2), At)
                : i % 10 == 7 ? new JournalCommit(type, key, 0, 2, """{"v":"stale"}""", [Entry(2)], null, At)
                : new JournalCommit(type, key, 1, 2, """{"v":2}""", [Entry(2)], new IdempotencyRecord("k2", "f", null, 2), At);
            try { await store.CommitAsync(commit); return true; }
            catch (InconsistentStateException) { return false; }
        })).ToArray();
        var written = await Task.WhenAll(second);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i % 10 is not (3 or 7)), written);
        for (var i = 0; i < 200; i++)
        {
            var key = $"{prefix}-{i:000}";
            var expected = written[i] ? 2 : 1;
            Assert.Equal((expected, expected), ((await store.LoadAsync(type, key))!.Version, await store.CountAsync(type, key, "spending")));
            Assert.Equal(expected, await store.ProjectChangesAsync(key));
        }
        var (batches, commits) = store.Grouped!.Value;
        Assert.True(commits > batches, $"no batch of more than one commit formed ({batches} batches, {commits} commits)");
    }

    [Fact]
    public async Task A_commit_alone_answers_as_without_grouping()
    {
        // A quiet service: nothing else queued, the commit goes alone, refusals as before.
        var (store, _) = await GroupedStore();
        var type = Warmte.CashFlow.CashFlowPlanGrain.JournalType;
        var key = "a-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(3, await RunGrain(store, type, key, [Step.Good, Step.TakenKey, Step.Good, Step.StaleVersion, Step.SecondFirst, Step.Good]));
        await AssertWrittenExactly(store, type, key, 3);
    }
}
