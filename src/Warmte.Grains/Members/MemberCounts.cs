using NodaTime;
using Warmte.Journal;

namespace Warmte.Members;

/// <summary>
/// The members today of several cooperatives for a wide view (the umbrella comparison's "Leden"): read from the rows
/// the registers' commits keep (<see cref="MemberCount"/>, table warmte_member_count) in one query, no grain asked
/// while every row is current. A register's answer is asked only for a row that is missing, not of the register's
/// current version (an older build committed after it) or dated after <paramref name="today"/>; a cooperative whose
/// register never committed has no members (what its <see cref="IMemberRegisterGrain.Summary"/> says).
/// </summary>
public static class MemberCounts
{
    public static async Task<IReadOnlyDictionary<string, int>> ReadAsync(IJournalStore store, IGrainFactory grains,
        IReadOnlyCollection<string> cooperativeIds, LocalDate today)
    {
        var stored = await store.ReadMemberCountsAsync(MemberRegisterGrain.JournalType, cooperativeIds);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        List<string>? ask = null;
        foreach (var id in cooperativeIds.Distinct())
        {
            if (!stored.TryGetValue(id, out var found)) counts[id] = 0;
            else if (Derive(found, today) is { } members) counts[id] = members;
            else (ask ??= []).Add(id);
        }
        if (ask is not null)
            foreach (var (id, members) in await Task.WhenAll(ask.Select(async id => (id, (await grains.GetGrain<IMemberRegisterGrain>(id).Summary()).Members))))
                counts[id] = members;
        return counts;
    }

    /// <summary>The count on <paramref name="today"/> from a stored row, or null when the row cannot say it.</summary>
    public static int? Derive(StoredMemberCount found, LocalDate today) =>
        found.Count is { } row && found.CountVersion == found.RegisterVersion
            ? MemberCount.Parse(row.AsOf, row.Members, row.Changes)?.On(today)
            : null;
}
