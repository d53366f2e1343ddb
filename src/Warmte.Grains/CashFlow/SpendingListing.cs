using System.Collections.Immutable;
using NodaTime;
using Warmte.Common;

namespace Warmte.CashFlow;

/// <summary>
/// What <c>GET …/spending</c> answers: the bookings of the months <see cref="From"/> to <see cref="To"/> (both
/// included; null and null when nothing is booked), the month to ask up to for earlier bookings
/// (<see cref="EarlierTo"/>, null when nothing is booked before <see cref="From"/>) and from for later ones
/// (<see cref="LaterFrom"/>), and the project's totals over every month, from the cash plan's state.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpendingListing(
    [property: Id(0)] YearMonth? From,
    [property: Id(1)] YearMonth? To,
    [property: Id(2)] YearMonth? EarlierTo,
    [property: Id(3)] YearMonth? LaterFrom,
    [property: Id(4)] int TotalBookings,
    [property: Id(5)] decimal TotalAmount,
    [property: Id(6)] ImmutableArray<SpendingBooking> Items)
{
    /// <summary>The page answered (from 1) of the bookings of <see cref="From"/> to <see cref="To"/>.</summary>
    [Id(7)] public int Page { get; init; } = 1;

    [Id(8)] public int PageSize { get; init; } = SpendingPages.DefaultPageSize;

    /// <summary>How many bookings the months <see cref="From"/> to <see cref="To"/> hold (every page), from the cash plan's state.</summary>
    [Id(9)] public int Total { get; init; }

    /// <summary>Whether a page after this one holds bookings of the same months.</summary>
    public bool HasNextPage => (long)Page * PageSize < Total;
}

/// <summary>The months a listing answers, and where earlier and later bookings are (see <see cref="SpendingListing"/>).</summary>
public sealed record SpendingRange(YearMonth? From, YearMonth? To, YearMonth? EarlierTo, YearMonth? LaterFrom);

/// <summary>
/// Which months of bookings one listing reads, so that no listing reads every booking of a project (issue 15). Pure;
/// the months that have bookings come from the cash plan's state (<see cref="CashFlowPlanState.Spent"/>).
/// </summary>
public static class SpendingRanges
{
    /// <summary>Without month, from or to: the most recent this many months that have bookings.</summary>
    public const int DefaultBookedMonths = 24;

    /// <summary>The widest from–to a listing answers, in calendar months.</summary>
    public const int MaxMonths = 120;

    /// <summary>How many months with bookings one read of a fold over every month takes (the budget sheet): a year's.</summary>
    public const int PageBookedMonths = 12;

    /// <summary>
    /// The ranges of months a fold over every booked month reads, one after the other: from the first month with
    /// bookings to the last, without gap or overlap, each range holding at most <paramref name="bookedMonthsPerPage"/>
    /// of <paramref name="bookedMonths"/> (the months with bookings, in order). A month between two booked ones (a stall)
    /// belongs to the range before it, so no journal row between the first and the last booked month is left unread.
    /// </summary>
    public static ImmutableArray<(YearMonth From, YearMonth To)> Pages(IReadOnlyList<YearMonth> bookedMonths, int bookedMonthsPerPage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bookedMonthsPerPage, 1);
        var pages = ImmutableArray.CreateBuilder<(YearMonth, YearMonth)>();
        for (var i = 0; i < bookedMonths.Count; i += bookedMonthsPerPage)
        {
            var next = i + bookedMonthsPerPage;
            pages.Add((bookedMonths[i], next < bookedMonths.Count ? bookedMonths[next].PlusMonths(-1) : bookedMonths[^1]));
        }
        return pages.ToImmutable();
    }

    /// <summary>
    /// The range asked: <paramref name="month"/> alone; <paramref name="from"/> to <paramref name="to"/> (at most
    /// <see cref="MaxMonths"/> calendar months); only <paramref name="to"/>: the last <see cref="DefaultBookedMonths"/>
    /// booked months up to it; only <paramref name="from"/>: the first that many from it; nothing: the last that many
    /// booked months, ending at the latest month with bookings (not today: a project that stood still for a year still
    /// opens on its bookings). <paramref name="bookedMonths"/>: the months with bookings, in order.
    /// </summary>
    public static Outcome<SpendingRange> Resolve(IReadOnlyList<YearMonth> bookedMonths, YearMonth? month, YearMonth? from, YearMonth? to)
    {
        YearMonth? first, last;
        if (month is { } one)
        {
            if (from is not null || to is not null)
                return Refusal.Invalid("month", "gaat niet samen met from of to: vraag één maand (month=JJJJ-MM) of een periode (from=JJJJ-MM&to=JJJJ-MM).");
            (first, last) = (one, one);
        }
        else if (from is { } f && to is { } t)
        {
            if (t < f) return Refusal.Invalid("to", $"ligt vóór from ({SpendingLedger.Tag(f)}); de periode loopt van from tot en met to.");
            var months = MonthsFrom(f, t);
            if (months > MaxMonths)
                return Refusal.Invalid("to", $"de periode {SpendingLedger.Tag(f)} t/m {SpendingLedger.Tag(t)} is {months} {DutchFormat.Noun(months, "maand", "maanden")}; vraag er hoogstens {MaxMonths} tegelijk (bijv. from={SpendingLedger.Tag(f)}&to={SpendingLedger.Tag(f.PlusMonths(MaxMonths - 1))}).");
            (first, last) = (f, t);
        }
        else if (from is { } onlyFrom)
        {
            var after = bookedMonths.Where(m => m >= onlyFrom).Take(DefaultBookedMonths).ToList();
            (first, last) = (onlyFrom, after.Count == 0 ? onlyFrom : after[^1]);
        }
        else if (to is { } onlyTo)
        {
            var before = bookedMonths.Where(m => m <= onlyTo).TakeLast(DefaultBookedMonths).ToList();
            (first, last) = (before.Count == 0 ? onlyTo : before[0], onlyTo);
        }
        else if (bookedMonths.Count == 0) (first, last) = (null, null);
        else (first, last) = (bookedMonths[Math.Max(0, bookedMonths.Count - DefaultBookedMonths)], bookedMonths[^1]);

        var earlier = first is { } a && bookedMonths.Count > 0 && bookedMonths[0] < a ? a.PlusMonths(-1) : (YearMonth?)null;
        var later = last is { } z && bookedMonths.Count > 0 && bookedMonths[^1] > z ? z.PlusMonths(1) : (YearMonth?)null;
        return Outcome<SpendingRange>.Ok(new SpendingRange(first, last, earlier, later));
    }

    /// <summary>How many calendar months <paramref name="from"/> to <paramref name="to"/> are, both included.</summary>
    public static int MonthsFrom(YearMonth from, YearMonth to) => (to.Year - from.Year) * 12 + to.Month - from.Month + 1;
}

/// <summary>
/// One page of a listing's bookings, read without the rows before it (tester8 T7: one answer held all 2,501 bookings of a
/// year). The listing is the fold of the months' spending rows (<see cref="SpendingLedger.Standing"/>): each booking made
/// one by one and each correction is one booking, in the place of its row; a month total takes the place of the row that
/// first set it and leaves when removed, so the rows of totals are the only ones that are not one booking each. A page
/// therefore reads every row of the months' totals (at most one standing per month and kind of work) and of the other rows
/// only a window: it starts at most as many rows before the page as there are standing totals, and is read with an offset,
/// so the database skips the rows before it. Pure; the grain reads (<see cref="CashFlowPlanGrain.Spending"/>).
/// </summary>
public static class SpendingPages
{
    /// <summary>Bookings per page when none is asked: as every other history read (audit trails, ballots, versions).</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The largest page: as every other history read (<see cref="Audit.AuditTrail.MaxPageSize"/>).</summary>
    public const int MaxPageSize = Audit.AuditTrail.MaxPageSize;

    /// <summary>
    /// The number (from 0) of the first booking made one by one to read for a page that skips <paramref name="skip"/> bookings
    /// when <paramref name="totals"/> month totals stand in its months: each booking before it has fewer than
    /// <paramref name="skip"/> bookings before it, so none of them is on the page.
    /// </summary>
    public static long FirstSingle(long skip, int totals) => Math.Max(0, skip - totals);

    /// <summary>How many bookings made one by one to read from <see cref="FirstSingle"/> on: enough that the last one read lies at or after the page's end.</summary>
    public static int SinglesToRead(long skip, int totals, int pageSize) => (int)Math.Min(int.MaxValue, skip - FirstSingle(skip, totals) + pageSize);

    /// <summary>
    /// The bookings numbered <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="pageSize"/> − 1 of the listing:
    /// <paramref name="totals"/> are the month totals standing in its months, with their seqs (<see cref="SpendingLedger.Standing"/>
    /// of every total row), <paramref name="singles"/> the other rows from number <paramref name="firstSingle"/> on, each one
    /// booking, in seq order (at least <see cref="SinglesToRead"/> of them when there are that many).
    /// </summary>
    public static ImmutableArray<SpendingBooking> Page(
        IReadOnlyList<(long Seq, SpendingBooking Booking)> totals, long firstSingle, IReadOnlyList<(long Seq, SpendingBooking Booking)> singles,
        long skip, int pageSize)
    {
        var t = 0;
        long number = 0;
        if (firstSingle > 0)
        {
            // The journal holds fewer such rows than the state counts (cannot happen: one commit writes both): nothing to show.
            if (singles.Count == 0) return [];
            // The first row read is preceded by firstSingle bookings made one by one and by the totals placed before it.
            while (t < totals.Count && totals[t].Seq < singles[0].Seq) t++;
            number = firstSingle + t;
        }
        var page = ImmutableArray.CreateBuilder<SpendingBooking>(pageSize);
        var s = 0;
        // Merged by seq from there; the window read reaches past the page's end (SinglesToRead), so the page is full
        // before the rows read run out, and a total after them is never placed wrongly.
        while (page.Count < pageSize && (t < totals.Count || s < singles.Count))
        {
            var single = s < singles.Count && (t >= totals.Count || singles[s].Seq < totals[t].Seq);
            var booking = single ? singles[s++].Booking : totals[t++].Booking;
            if (number++ >= skip) page.Add(booking);
        }
        return page.ToImmutable();
    }
}
