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
        await store.WriteProjectSummaryAsync(project, coop, Today, """{"n":1}""", seen, At);
        await store.WriteProjectSummaryAsync(other, coop, Today, """{"n":2}""", await store.ProjectChangesAsync(other), At);
        var fresh = Row(await store.ReadProjectSummariesAsync(), project);
        Assert.False(fresh.Stale);
        Assert.Equal((Today, coop), (fresh.AsOf, fresh.CooperativeId));
        Assert.False(Row(await store.ReadProjectSummariesAsync(), other).Stale);

        // A commit that lands while a summary is computed: the summary written after it is still stale.
        seen = await store.ProjectChangesAsync(project);
        await store.CommitAsync(new JournalCommit("cashplan", project, 0, 1, "{}", [], null, At));
        await store.WriteProjectSummaryAsync(project, coop, Today, """{"n":3}""", seen, At);
        Assert.True(Row(await store.ReadProjectSummariesAsync(), project).Stale);
        await store.WriteProjectSummaryAsync(project, coop, Today, """{"n":4}""", await store.ProjectChangesAsync(project), At);
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
}
