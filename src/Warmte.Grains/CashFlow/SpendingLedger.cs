using System.Collections.Immutable;
using NodaTime;
using Warmte.Common;

namespace Warmte.CashFlow;

/// <summary>What happened to the booked spending: a booking made, a month total set (new or replacing one), a month total removed.</summary>
public enum SpendingChange
{
    Booked,
    TotalSet,
    TotalRemoved,
}

/// <summary>
/// One fact of a project's spending, as its journal keeps it (kind "spending", tag the month):
/// the booking made, set or removed, and for a total that replaced another, the one it replaced.
/// </summary>
public sealed record SpendingFact(SpendingChange Change, SpendingBooking Booking, SpendingBooking? Replaced = null);

/// <summary>
/// The spending of one month, as the cash plan's state keeps it instead of every booking: the sum,
/// how many bookings make it, and how many of them carry each number of decimals (index = scale),
/// so that the sum has the decimals the sum of the bookings themselves would have (120.5 + 0.50
/// − 0.50 is 120.5 again, not 120.50) and answers stay the same to the last digit.
/// </summary>
public sealed record MonthSpending(YearMonth Month, decimal Amount, int Bookings, ImmutableArray<int> Scales);

/// <summary>What one kind of work has booked in one month (the project workbook's budget sheet): the sum and how many bookings make it.</summary>
[GenerateSerializer, Immutable]
public sealed record MonthKindSpending(
    [property: Id(0)] YearMonth Month, [property: Id(1)] WorkKind Kind, [property: Id(2)] decimal Amount, [property: Id(3)] int Bookings);

/// <summary>
/// The booked spending as facts: the rules that turn a request into facts, the fold of facts into
/// the list of bookings (what <c>GET /spending</c> shows), and the fold into the per-month
/// aggregate the cash position is computed from. Pure.
/// </summary>
public static class SpendingLedger
{
    public const string Kind = "spending";

    /// <summary>The journal tag of a month: "2025-03".</summary>
    public static string Tag(YearMonth month) => NodaTime.Text.YearMonthPattern.Iso.Format(month);

    /// <summary>
    /// The bookings as they stand after <paramref name="facts"/> (in journal order): a booking or a
    /// new total goes to the end, a replacing total takes the place of the one it replaces, a
    /// removed total leaves — the order the bookings list always had.
    /// </summary>
    public static ImmutableArray<SpendingBooking> Bookings(IEnumerable<SpendingFact> facts) =>
        [.. Standing(facts.Select((fact, i) => ((long)i, fact))).Select(b => b.Booking)];

    /// <summary>
    /// <see cref="Bookings"/> with, for each booking, the seq of the row that put it in its place (a booking made, a total set
    /// where none stood); a replacing total keeps the place, and so the seq, of the one it replaces. The listing's order is
    /// the order of these seqs, which is what lets <see cref="SpendingPages"/> page it without folding the rows before a page.
    /// </summary>
    public static ImmutableArray<(long Seq, SpendingBooking Booking)> Standing(IEnumerable<(long Seq, SpendingFact Fact)> facts)
    {
        var list = new List<(long Seq, SpendingBooking Booking)?>();
        var index = new Dictionary<string, int>();
        foreach (var (seq, fact) in facts)
        {
            var id = fact.Booking.Id;
            switch (fact.Change)
            {
                case SpendingChange.TotalRemoved:
                    if (index.Remove(id, out var at)) list[at] = null;
                    break;
                case SpendingChange.TotalSet when index.TryGetValue(id, out var at2):
                    list[at2] = (list[at2]!.Value.Seq, fact.Booking);
                    break;
                default:
                    index[id] = list.Count;
                    list.Add((seq, fact.Booking));
                    break;
            }
        }
        return [.. list.Where(b => b is not null).Select(b => b!.Value)];
    }

    /// <summary>The per-month aggregate after one more fact; months without bookings are left out, months stay in order.</summary>
    public static ImmutableArray<MonthSpending> Apply(ImmutableArray<MonthSpending> months, SpendingFact fact)
    {
        var result = months;
        if (fact.Replaced is { } replaced) result = Remove(result, replaced);
        return fact.Change == SpendingChange.TotalRemoved ? Remove(result, fact.Booking) : Add(result, fact.Booking);
    }

    /// <summary>
    /// The spending per month and kind of work of <paramref name="facts"/> (in journal order, every fact of each month
    /// they name): per kind the same fold as <see cref="Apply"/>, so each sum has the digits the sum of its bookings has.
    /// Rows in month order, within a month in kind order; a month and kind without bookings standing is left out.
    /// </summary>
    public static ImmutableArray<MonthKindSpending> ByKind(IEnumerable<SpendingFact> facts)
    {
        var byKind = new SortedDictionary<WorkKind, ImmutableArray<MonthSpending>>();
        ImmutableArray<MonthSpending> Series(WorkKind kind) => byKind.TryGetValue(kind, out var series) ? series : [];
        foreach (var fact in facts)
        {
            if (fact.Replaced is { } replaced) byKind[replaced.Kind] = Remove(Series(replaced.Kind), replaced);
            var kind = fact.Booking.Kind;
            byKind[kind] = fact.Change == SpendingChange.TotalRemoved ? Remove(Series(kind), fact.Booking) : Add(Series(kind), fact.Booking);
        }
        return [.. byKind.SelectMany(k => k.Value.Select(m => new MonthKindSpending(m.Month, k.Key, m.Amount, m.Bookings)))
            .OrderBy(r => r.Month).ThenBy(r => r.Kind)];
    }

    /// <summary>How many bookings one fact adds (1), removes (−1) or leaves (0).</summary>
    public static int CountDelta(SpendingFact fact) => fact.Change switch
    {
        SpendingChange.TotalRemoved => -1,
        SpendingChange.TotalSet when fact.Replaced is not null => 0,
        _ => 1,
    };

    /// <summary>
    /// The facts of a month-totals request (see <see cref="ActualCash.SetTotals"/>, whose rules and
    /// answer this follows exactly): <paramref name="monthBookings"/> holds the bookings as they stand
    /// of the months the request names (totals, bookings made one by one and their corrections).
    /// </summary>
    public static Outcome<(ImmutableArray<SpendingFact> Facts, MonthTotalsResult Result)> SetTotals(
        IReadOnlyList<SpendingBooking> monthBookings, IReadOnlyList<MonthTotal?> totals,
        YearMonth thisMonth, string actor, Instant now)
    {
        // The list rule on these months alone: its answer counts are the same, and which total ids
        // it creates, replaces and removes are the facts (it changes no other booking).
        var outcome = ActualCash.SetTotals(monthBookings, totals, thisMonth, actor, now);
        if (!outcome.IsOk) return outcome.Refusal!;
        var (after, result) = outcome.Value;
        var existingTotals = monthBookings.Where(ActualCash.IsTotal).ToDictionary(b => b.Id);
        var facts = ImmutableArray.CreateBuilder<SpendingFact>();
        var afterById = after.Where(ActualCash.IsTotal).ToDictionary(b => b.Id);
        foreach (var booking in after.Where(ActualCash.IsTotal))
            if (!existingTotals.TryGetValue(booking.Id, out var before)) facts.Add(new SpendingFact(SpendingChange.TotalSet, booking));
            else if (!ReferenceEquals(before, booking)) facts.Add(new SpendingFact(SpendingChange.TotalSet, booking, before));
        foreach (var (id, before) in existingTotals)
            if (!afterById.ContainsKey(id)) facts.Add(new SpendingFact(SpendingChange.TotalRemoved, before));
        return Outcome<(ImmutableArray<SpendingFact>, MonthTotalsResult)>.Ok((facts.ToImmutable(), result));
    }

    /// <summary>
    /// A correction of booking <paramref name="bookingId"/>, appended as a booking of its own (the
    /// journal is never rewritten): same month and kind, the amount the difference between what the
    /// booking should have been (<see cref="CorrectSpending.Amount"/>, 0 when it should not have been
    /// booked) and what it stands at now (its amount plus earlier corrections), the reason as its note.
    /// <paramref name="bookings"/> are the bookings as they stand (at least those of the corrected
    /// booking's month). Only a booking made one by one is corrected: a month total follows the budget
    /// sheet (import it again), and a correction is corrected through its booking.
    /// </summary>
    public static Outcome<SpendingBooking> Correct(
        string bookingId, CorrectSpending command, IReadOnlyList<SpendingBooking> bookings,
        string id, string actor, Instant now)
    {
        var original = bookings.FirstOrDefault(b => b.Id == bookingId);
        if (original is null) return Refusal.NotFound("Boeking", bookingId);
        var v = new Validation();
        if (ActualCash.IsTotal(original))
            v.Add("bookingId", $"{bookingId} is een maandtotaal uit de begroting; dat verandert u door het bijgewerkte blad opnieuw in te lezen (warmte import budget).");
        else if (original.Corrects is { } first)
            v.Add("bookingId", $"{bookingId} is zelf een correctie van {first}; corrigeer boeking {first} (met het bedrag dat die had moeten zijn).");
        var stands = original.Amount + bookings.Where(b => b.Corrects == bookingId).Sum(b => b.Amount);
        if (command.Amount is not { } amount) { v.Add("amount", "is verplicht: het bedrag dat de boeking had moeten zijn (0 als zij er niet had moeten zijn)."); amount = stands; }
        else if (amount < 0m) v.Add("amount", "mag niet negatief zijn: geef het bedrag dat de boeking had moeten zijn (0 als zij er niet had moeten zijn).");
        else if (amount > 1_000_000_000m) v.Add("amount", $"is onwaarschijnlijk groot (meer dan {DutchFormat.Money(1_000_000_000m)}).");
        else if (decimal.Round(amount, 2) != amount) v.Add("amount", "heeft meer dan 2 decimalen; bedragen zijn in euro's en centen.");
        else if (amount == stands && !v.HasErrors) v.Add("amount", $"boeking {bookingId} staat al op {DutchFormat.Money(stands)}; er is niets te corrigeren.");
        var reason = v.OptionalNotes("reason", command.Reason, 500);
        if (reason is null && !v.Errors.Any(e => e.Field == "reason")) v.Add("reason", "is verplicht: waarom de boeking niet klopte (bijv. 'tikfout, factuur was € 85.000').");
        if (v.HasErrors) return v.ToRefusal();
        return Outcome<SpendingBooking>.Ok(new SpendingBooking
        {
            Id = id, Month = original.Month, Kind = original.Kind, Amount = amount - stands, Note = reason,
            BookedBy = actor, BookedAt = now, Corrects = bookingId,
        });
    }

    /// <summary>What booking <paramref name="bookingId"/> stands at: its amount plus the corrections of it.</summary>
    public static decimal Stands(string bookingId, IEnumerable<SpendingBooking> bookings) =>
        bookings.Where(b => b.Id == bookingId || b.Corrects == bookingId).Sum(b => b.Amount);

    /// <summary>The decimals a decimal carries (its scale).</summary>
    public static int Scale(decimal value) => (decimal.GetBits(value)[3] >> 16) & 0xFF;

    private static ImmutableArray<MonthSpending> Add(ImmutableArray<MonthSpending> months, SpendingBooking booking)
    {
        var i = Find(months, booking.Month);
        var scale = Scale(booking.Amount);
        if (i < 0)
        {
            var scales = new int[scale + 1];
            scales[scale] = 1;
            return months.Insert(~i, new MonthSpending(booking.Month, booking.Amount, 1, [.. scales]));
        }
        var m = months[i];
        var counts = m.Scales.ToArray();
        if (counts.Length <= scale) Array.Resize(ref counts, scale + 1);
        counts[scale]++;
        return months.SetItem(i, m with { Amount = m.Amount + booking.Amount, Bookings = m.Bookings + 1, Scales = [.. counts] });
    }

    private static ImmutableArray<MonthSpending> Remove(ImmutableArray<MonthSpending> months, SpendingBooking booking)
    {
        var i = Find(months, booking.Month);
        if (i < 0) return months;
        var m = months[i];
        if (m.Bookings <= 1) return months.RemoveAt(i);
        var counts = m.Scales.ToArray();
        var scale = Scale(booking.Amount);
        if (scale < counts.Length && counts[scale] > 0) counts[scale]--;
        var length = counts.Length;
        while (length > 1 && counts[length - 1] == 0) length--;
        Array.Resize(ref counts, length);
        return months.SetItem(i, m with { Amount = Rescale(m.Amount - booking.Amount, length - 1), Bookings = m.Bookings - 1, Scales = [.. counts] });
    }

    /// <summary><paramref name="value"/> with exactly <paramref name="scale"/> decimals (value unchanged: only trailing zeros differ).</summary>
    private static decimal Rescale(decimal value, int scale)
    {
        var rounded = decimal.Round(value, scale);
        return Scale(rounded) >= scale ? rounded : rounded + new decimal(0, 0, 0, false, (byte)scale);
    }

    private static int Find(ImmutableArray<MonthSpending> months, YearMonth month)
    {
        int lo = 0, hi = months.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var c = months[mid].Month.CompareTo(month);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }
}
