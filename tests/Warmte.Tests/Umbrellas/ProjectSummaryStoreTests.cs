using NodaTime;
using Orleans.Storage;
using Warmte.Journal;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// The project summaries' staleness comes from the commit itself, on both engines: a commit of a
/// grain keyed by the project (or an ALV commit of its cooperative) makes the stored summary stale
/// in the same transaction; a summary computed before a commit landed stays stale; a refused
/// commit changes nothing; other grains' commits leave the summaries alone.
/// </summary>
public sealed class ProjectSummaryStoreTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly Instant At = Instant.FromUtc(2026, 6, 15, 9, 0);
    private static readonly LocalDate Today = new(2026, 6, 15);

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_commit_concerning_a_project_makes_its_summary_stale_in_the_same_transaction(string backend)
    {
        var store = new AdoNetJournalStore(new Database(await GrainStorageTests.Storage(backend)));
        var project = "p-" + Guid.NewGuid().ToString("N")[..8];
        var other = "q-" + Guid.NewGuid().ToString("N")[..8];
        var coop = "c-" + Guid.NewGuid().ToString("N")[..8];
        StoredProjectSummary Row(IReadOnlyList<StoredProjectSummary> rows, string id) => rows.Single(r => r.ProjectId == id);

        // A first commit on the project's funding: a placeholder row, stale, of no day.
        await store.CommitAsync(new JournalCommit("funding", project, 0, 1, "{}", [], null, At));
        var placeholder = Row(await store.ReadProjectSummariesAsync(), project);
        Assert.True(placeholder.Stale);
        Assert.Null(placeholder.AsOf);

        // A summary computed against the count read before computing is current.
        var seen = await store.ProjectChangesAsync(project);
        Assert.Equal(1, seen);
        await store.WriteProjectSummaryAsync(project, coop, Today, Bytes(1), seen, At);
        await store.WriteProjectSummaryAsync(other, coop, Today, Bytes(2), await store.ProjectChangesAsync(other), At);
        var fresh = Row(await store.ReadProjectSummariesAsync(), project);
        Assert.False(fresh.Stale);
        Assert.Equal((Today, coop), (fresh.AsOf, fresh.CooperativeId));
        Assert.False(Row(await store.ReadProjectSummariesAsync(), other).Stale);

        // A commit that lands while a summary is computed: the summary written after it is still stale.
        seen = await store.ProjectChangesAsync(project);
        await store.CommitAsync(new JournalCommit("cashplan", project, 0, 1, "{}", [], null, At));
        await store.WriteProjectSummaryAsync(project, coop, Today, Bytes(3), seen, At);
        Assert.True(Row(await store.ReadProjectSummariesAsync(), project).Stale);
        await store.WriteProjectSummaryAsync(project, coop, Today, Bytes(4), await store.ProjectChangesAsync(project), At);
        Assert.False(Row(await store.ReadProjectSummariesAsync(), project).Stale);

        // A refused commit (stale version) counts nothing.
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(new JournalCommit("funding", project, 7, 1, "{}", [], null, At)));
        Assert.False(Row(await store.ReadProjectSummariesAsync(), project).Stale);

        // Grains not about one project leave the summaries alone; an ALV commit touches every project of its cooperative.
        await store.CommitAsync(new JournalCommit("cooperative", coop, 0, 1, "{}", [], null, At));
        Assert.False(Row(await store.ReadProjectSummariesAsync(), project).Stale);
        await store.CommitAsync(new JournalCommit("alv", coop, 0, 1, "{}", [], null, At));
        var afterAlv = await store.ReadProjectSummariesAsync();
        Assert.True(Row(afterAlv, project).Stale);
        Assert.True(Row(afterAlv, other).Stale);

        await store.DeleteProjectSummaryAsync(other);
        Assert.DoesNotContain(await store.ReadProjectSummariesAsync(), r => r.ProjectId == other);
    }

    /// <summary>
    /// A wide view reads only its cooperatives' rows (by cooperative_id), each with the bytes that were
    /// stored; placeholders (no cooperative yet, no summary) only come with every row.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_summaries_of_some_cooperatives_are_read_by_cooperative_with_their_stored_bytes(string backend)
    {
        var store = new AdoNetJournalStore(new Database(await GrainStorageTests.Storage(backend)));
        string Id(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        var (coopA, coopB, coopC) = (Id("a"), Id("b"), Id("c"));
        var (a1, a2, b1, c1, placeholder) = (Id("a1"), Id("a2"), Id("b1"), Id("c1"), Id("new"));
        byte[] big = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))];
        await store.WriteProjectSummaryAsync(a1, coopA, Today, Bytes(1), 0, At);
        await store.WriteProjectSummaryAsync(a2, coopA, Today, big, 0, At);
        await store.WriteProjectSummaryAsync(b1, coopB, Today, Bytes(3), 0, At);
        await store.WriteProjectSummaryAsync(c1, coopC, Today, Bytes(4), 0, At);
        await store.CommitAsync(new JournalCommit("project", placeholder, 0, 1, "{}", [], null, At));

        var read = await store.ReadProjectSummariesAsync([coopA, coopB, "unknown"]);
        Assert.Equal(new[] { a1, a2, b1 }.Order(), read.Select(r => r.ProjectId).Order());
        Assert.Equal(Bytes(1), read.Single(r => r.ProjectId == a1).Summary);
        Assert.Equal(big, read.Single(r => r.ProjectId == a2).Summary);
        Assert.All(read, r => Assert.False(r.Stale));
        Assert.Empty(await store.ReadProjectSummariesAsync([]));

        var all = await store.ReadProjectSummariesAsync();
        Assert.Subset(all.Select(r => r.ProjectId).ToHashSet(), new HashSet<string> { a1, a2, b1, c1, placeholder });
        var empty = all.Single(r => r.ProjectId == placeholder);
        Assert.Empty(empty.Summary);
        Assert.True(empty.Stale);
    }

    private static byte[] Bytes(int n) => [(byte)n, 0x2a, (byte)(255 - n)];
}
