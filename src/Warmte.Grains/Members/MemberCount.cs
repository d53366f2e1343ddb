using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Warmte.Members;

/// <summary>A day on which the number of members today moves, and by how much (joins minus leaves taking effect that day).</summary>
public readonly record struct MemberCountChange(LocalDate On, int Delta);

/// <summary>
/// A register's members today as the wide views keep it (table warmte_member_count, written in the register's own
/// commit; docs/storage.md, "Members today beside the summaries"): the count on <see cref="AsOf"/> plus every later
/// day on which it moves (a join or a leave dated after <see cref="AsOf"/>). So a stored count stays right after
/// midnight without being recomputed: <see cref="On"/> derives any later day's count, which is exactly
/// <see cref="MemberRules.Summarise"/>'s <c>Members</c> on that day for the same register.
/// </summary>
public sealed record MemberCount(LocalDate AsOf, int Members, ImmutableArray<MemberCountChange> Changes)
{
    /// <summary>The count of <paramref name="register"/> on <paramref name="asOf"/> and its moves after it (same rule as <see cref="Member.IsMemberOn"/>).</summary>
    public static MemberCount Of(IEnumerable<Member> register, LocalDate asOf)
    {
        var members = 0;
        var moves = new SortedDictionary<LocalDate, int>();
        void Move(LocalDate on, int delta) => moves[on] = moves.GetValueOrDefault(on) + delta;
        foreach (var m in register)
        {
            if (m.IsMemberOn(asOf)) members++;
            // A member counts from JoinedOn up to (not including) LeftOn; one who leaves on or before the day they join never counts.
            if (m.LeftOn is { } left && left <= m.JoinedOn) continue;
            if (m.JoinedOn > asOf) Move(m.JoinedOn, +1);
            if (m.LeftOn is { } leaves && leaves > asOf) Move(leaves, -1);
        }
        return new MemberCount(asOf, members, [.. moves.Where(kv => kv.Value != 0).Select(kv => new MemberCountChange(kv.Key, kv.Value))]);
    }

    /// <summary>The members on <paramref name="day"/>; null before <see cref="AsOf"/> (what happened before it is not kept).</summary>
    public int? On(LocalDate day)
    {
        if (day < AsOf) return null;
        var count = Members;
        foreach (var change in Changes)
        {
            if (change.On > day) break;
            count += change.Delta;
        }
        return count;
    }

    /// <summary>The moves as stored in the row's <c>changes</c> column: "2027-01-01:+3;2027-02-01:-1" (empty when none).</summary>
    public string FormatChanges()
    {
        var text = new StringBuilder();
        foreach (var change in Changes)
        {
            if (text.Length > 0) text.Append(';');
            text.Append(LocalDatePattern.Iso.Format(change.On)).Append(':').Append(change.Delta.ToString("+0;-0", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>Reads a stored row back; null when its changes do not parse (the read then asks the register).</summary>
    public static MemberCount? Parse(LocalDate asOf, int members, string? changes)
    {
        var list = ImmutableArray.CreateBuilder<MemberCountChange>();
        foreach (var part in (changes ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':');
            if (colon < 0 || LocalDatePattern.Iso.Parse(part[..colon]) is not { Success: true } on
                || !int.TryParse(part[(colon + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var delta))
                return null;
            if (list.Count > 0 && list[^1].On >= on.Value) return null;
            list.Add(new MemberCountChange(on.Value, delta));
        }
        return new MemberCount(asOf, members, list.ToImmutable());
    }
}
