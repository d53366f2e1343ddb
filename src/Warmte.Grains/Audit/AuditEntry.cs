using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Audit;

/// <summary>One change: when (Instant), who (the token's name), what kind of change, and what changed in Dutch.</summary>
[GenerateSerializer, Immutable]
public sealed record AuditEntry(
    [property: Id(0)] Instant At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string Summary);

/// <summary>A page of an audit trail, newest first.</summary>
[GenerateSerializer, Immutable]
public sealed record AuditPage(
    [property: Id(0)] int Page,
    [property: Id(1)] int PageSize,
    [property: Id(2)] int Total,
    [property: Id(3)] ImmutableArray<AuditEntry> Entries);

public static class AuditTrail
{
    public const int MaxPageSize = 200;

    /// <summary>Page <paramref name="page"/> (1-based) of <paramref name="entries"/> stored oldest first, returned newest first.</summary>
    public static AuditPage Page(IReadOnlyList<AuditEntry> entries, int page, int pageSize)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var skip = (long)(page - 1) * pageSize;
        var slice = skip >= entries.Count
            ? ImmutableArray<AuditEntry>.Empty
            : [.. Enumerable.Range(0, (int)Math.Min(pageSize, entries.Count - skip))
                .Select(i => entries[entries.Count - 1 - (int)skip - i])];
        return new AuditPage(page, pageSize, entries.Count, slice);
    }

    /// <summary>
    /// The same page read from a journaled grain's <c>audit</c> rows: newest first, the total counted
    /// in the database, only the page's rows read.
    /// </summary>
    public static async Task<AuditPage> PageAsync<TState>(Journal.JournaledState<TState> journal, int page, int pageSize) where TState : class, new()
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var total = await journal.CountAsync(Common.RecordStateExtensions.AuditKind);
        var rows = await journal.ReadAsync(new Journal.JournalQuery(Common.RecordStateExtensions.AuditKind, NewestFirst: true, Skip: (long)(page - 1) * pageSize, Take: pageSize));
        return new AuditPage(page, pageSize, (int)total, [.. rows.Select(Of)]);
    }

    /// <summary>An <c>audit</c> journal row as the entry the API shows.</summary>
    public static AuditEntry Of(Journal.JournalRecord record)
    {
        var fact = System.Text.Json.JsonSerializer.Deserialize<Common.AuditFact>(record.Payload, Serialization.WarmteJson.Default)!;
        return new AuditEntry(record.At, record.Actor ?? "", fact.Action, fact.Summary);
    }
}

/// <summary>A domain change: the new value plus the audit action and Dutch summary describing it.</summary>
public sealed record Change<T>(T Value, string Action, string Summary)
{
    public static implicit operator Common.Outcome<Change<T>>(Change<T> change) => Common.Outcome<Change<T>>.Ok(change);
}
