using System.Collections.Immutable;
using NodaTime;
using Warmte.Common;

namespace Warmte.CashFlow;

/// <summary>Money actually spent in a month on one kind of work, as the board booked it.</summary>
[GenerateSerializer, Immutable]
public sealed record SpendingBooking
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required YearMonth Month { get; init; }
    [Id(2)] public required WorkKind Kind { get; init; }
    [Id(3)] public required decimal Amount { get; init; }
    [Id(4)] public string? Note { get; init; }
    [Id(5)] public required string BookedBy { get; init; }
    [Id(6)] public required Instant BookedAt { get; init; }

    /// <summary>
    /// For a correction (<see cref="SpendingLedger.Correct"/>): the id of the booking it corrects. Its
    /// <see cref="Amount"/> is then the difference — what that booking should have been minus what stood —
    /// and may be negative; <see cref="Note"/> is the reason. Null for every other booking (and left out of the JSON).
    /// </summary>
    [Id(7)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Corrects { get; init; }
}

/// <summary>A correction of an earlier booking, as it comes in: the amount the booking should have been (0: it should not have been booked) and why.</summary>
[GenerateSerializer, Immutable]
public sealed record CorrectSpending
{
    [Id(0)] public decimal? Amount { get; init; }
    [Id(1)] public string? Reason { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record BookSpending
{
    [Id(0)] public YearMonth? Month { get; init; }
    [Id(1)] public string? Kind { get; init; }
    [Id(2)] public decimal? Amount { get; init; }
    [Id(3)] public string? Note { get; init; }
}

/// <summary>
/// A month's total spent on one kind of work, as a treasurer keeps it in a spreadsheet: it becomes
/// (or replaces) that month and kind's one "total" booking; 0 removes it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MonthTotal
{
    [Id(0)] public YearMonth? Month { get; init; }
    [Id(1)] public string? Kind { get; init; }
    [Id(2)] public decimal? Amount { get; init; }
    [Id(3)] public string? Note { get; init; }
}

/// <summary>What setting month totals did: bookings created, changed, already so, removed (amount 0).</summary>
[GenerateSerializer, Immutable]
public sealed record MonthTotalsResult(
    [property: Id(0)] int Created, [property: Id(1)] int Updated, [property: Id(2)] int Unchanged, [property: Id(3)] int Removed)
{
    /// <summary>
    /// Dutch: what happens to the spending already booked in the months named (bookings made one by one stay and
    /// count; an earlier month total is replaced or removed), so a dry run says it before anything is stored
    /// (papercut f). Null when those months have no bookings.
    /// </summary>
    [Id(4)] public string? Message { get; init; }
}

/// <summary>One month of the actual cash position: what came in (tranches paid), what went out (booked spending).</summary>
[GenerateSerializer, Immutable]
public sealed record ActualMonth(
    [property: Id(0)] YearMonth Month, [property: Id(1)] decimal Opening, [property: Id(2)] decimal Received,
    [property: Id(3)] decimal Spent, [property: Id(4)] decimal Closing)
{
    /// <summary>
    /// The part of <see cref="Spent"/> that is the plan's, not booked (<see cref="ProjectCash.Timeline"/>): today's fixed costs not
    /// booked yet (tester T3), or the plan's spending when only tranches were recorded (tester T2). 0 for a month as booked.
    /// </summary>
    [Id(5)] public decimal Planned { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record ActualCashPosition(
    [property: Id(0)] YearMonth? From, [property: Id(1)] YearMonth Today, [property: Id(2)] decimal OpeningBalance,
    [property: Id(3)] decimal TotalReceived, [property: Id(4)] decimal TotalSpent, [property: Id(5)] decimal Balance,
    [property: Id(6)] ImmutableArray<ActualMonth> Months)
{
    /// <summary>The plan's spending counted in <see cref="TotalSpent"/> and <see cref="Balance"/> without being booked (the months' <see cref="ActualMonth.Planned"/>).</summary>
    [Id(7)] public decimal Planned { get; init; }

    /// <summary>
    /// The opening balance is the plan's assumption (beginsaldo volgens plan), not a booking (tester9a T4: the plan's € 150.000 read as
    /// actual cash): the sentence every view of the cash line shows with it; null when there is none.
    /// </summary>
    public string? OpeningBalanceNote => OpeningBalance != 0m ? PlanFit.OpeningBalanceText(OpeningBalance) : null;

    /// <summary>The balance of what was booked alone: <see cref="Balance"/> without the plan's spending.</summary>
    public decimal BookedBalance => Balance + Planned;

    /// <summary>
    /// This position with the plan's spending per month added where nothing (or less) was booked: each month's spending grows by
    /// its amount (marked <see cref="ActualMonth.Planned"/>), and the balances follow, so every month still closes at opening +
    /// received − spent. Months outside the position are ignored.
    /// </summary>
    public ActualCashPosition WithPlanned(IReadOnlyDictionary<YearMonth, decimal> planned)
    {
        if (planned.Values.All(v => v == 0m)) return this;
        var months = ImmutableArray.CreateBuilder<ActualMonth>();
        var balance = OpeningBalance;
        decimal extra = 0m;
        foreach (var m in Months)
        {
            var add = planned.GetValueOrDefault(m.Month);
            extra += add;
            var spent = m.Spent + add;
            var closing = balance + m.Received - spent;
            months.Add(new ActualMonth(m.Month, balance, m.Received, spent, closing) { Planned = m.Planned + add });
            balance = closing;
        }
        return this with { TotalSpent = TotalSpent + extra, Balance = balance, Months = months.ToImmutable(), Planned = Planned + extra };
    }
}

/// <summary>The booked spending and the actual cash line built from it: pure.</summary>
public static class ActualCash
{
    /// <summary>
    /// The most month totals one request sets (a budget sheet of a few hundred months is far below it): a limit on the
    /// size of a request, not on a project. A project's bookings have no limit: they are journal rows and the state keeps
    /// only counts and month sums (issue 15; the old cap of 10,000 bookings dated from when every booking lived in the
    /// state, and it refused corrections too: tester8 T2).
    /// </summary>
    public const int MaxTotalsPerRequest = 10_000;

    /// <summary>
    /// A kind of work as a user types it: the Dutch names the budget import accepts (ontwerp,
    /// businesscase, contracten, communicatie, organisatie, adviseurs, and their synonyms) or the
    /// English enum names — one parser for the spending API/CLI and the budget import (tester finding F6).
    /// </summary>
    public static WorkKind? ParseKind(string? text) =>
        text is null || text.Any(char.IsDigit) ? null
        : Spreadsheets.Import.BudgetImport.Kind(text) is { } dutch ? dutch
        : Enum.TryParse(text.Trim(), ignoreCase: true, out WorkKind kind) && Enum.IsDefined(kind) ? kind
        : null;

    private const string KindChoices = "kies uit ontwerp, businesscase, contracten, communicatie, organisatie of adviseurs.";

    public static Outcome<SpendingBooking> Book(BookSpending command, YearMonth thisMonth, string id, string actor, Instant now)
    {
        var v = new Validation();
        if (command.Month is not { } month) { v.Add("month", "is verplicht (JJJJ-MM)."); month = thisMonth; }
        else if (month > thisMonth) v.Add("month", "ligt in de toekomst; boek uitgaven als ze gedaan zijn.");
        var kind = WorkKind.Organisation;
        if (string.IsNullOrWhiteSpace(command.Kind)) v.Add("kind", "is verplicht.");
        else if (ParseKind(command.Kind) is { } parsed) kind = parsed;
        else v.Add("kind", $"'{Slug.Truncate(command.Kind)}' is geen soort werk; {KindChoices}");
        if (command.Amount is not { } amount) { v.Add("amount", "is verplicht."); amount = 0m; }
        else if (amount <= 0m) v.Add("amount", "moet groter dan 0 zijn.");
        else if (amount > 1_000_000_000m) v.Add("amount", $"is onwaarschijnlijk groot (meer dan {DutchFormat.Money(1_000_000_000m)}).");
        else if (decimal.Round(amount, 2) != amount) v.Add("amount", "heeft meer dan 2 decimalen; bedragen zijn in euro's en centen.");
        var note = v.OptionalNotes("note", command.Note, 500);
        if (v.HasErrors) return v.ToRefusal();
        return Outcome<SpendingBooking>.Ok(new SpendingBooking { Id = id, Month = month, Kind = kind, Amount = amount, Note = note, BookedBy = actor, BookedAt = now });
    }

    /// <summary>Whether a booking holds a month total (id <see cref="TotalId"/>), set by the budget import.</summary>
    public static bool IsTotal(SpendingBooking booking) => IsTotalId(booking.Id);

    /// <summary>Whether a booking id is a month total's (<see cref="TotalId"/>).</summary>
    public static bool IsTotalId(string bookingId) => bookingId.StartsWith("t-", StringComparison.Ordinal);

    /// <summary>The id of the one booking that holds a month's total for a kind of work: the same total twice is one booking.</summary>
    public static string TotalId(YearMonth month, WorkKind kind) =>
        $"t-{NodaTime.Text.YearMonthPattern.Iso.Format(month)}-{kind.ToString().ToLowerInvariant()}";

    /// <summary>
    /// Sets month totals, all or nothing. A total is the month's total for that kind of work: the one
    /// total booking of that month and kind (id <see cref="TotalId"/>) gets what the bookings made one by
    /// one (with their corrections) do not cover — the total minus what they stand at — replacing an
    /// earlier total; nothing left over (0, or exactly what was booked one by one) removes it. A total
    /// below what was booked one by one is refused, naming those bookings. Bookings made one by one are
    /// never changed. <paramref name="existing"/> holds at least every booking of the months named.
    /// Problems name "totals[i].field".
    /// </summary>
    public static Outcome<(ImmutableArray<SpendingBooking> Bookings, MonthTotalsResult Result)> SetTotals(
        IReadOnlyList<SpendingBooking> existing, IReadOnlyList<MonthTotal?> totals, YearMonth thisMonth, string actor, Instant now)
    {
        var checkedTotals = CheckTotals(totals, thisMonth);
        if (!checkedTotals.IsOk) return checkedTotals.Refusal!;
        var wanted = checkedTotals.Value!;

        var bookings = existing.ToList();
        int created = 0, updated = 0, unchanged = 0, removed = 0;
        // The sheet's amount is the month's total for that kind (tester finding A21: it was booked on top of the
        // bookings made one by one). The total booking holds what the bookings of that month and kind do not: the
        // sheet's amount minus what they stand at; a sheet below them is refused, naming them.
        var v = new Validation();
        var toSet = new List<(string Id, YearMonth Month, WorkKind Kind, decimal Amount, string? Note)>();
        var kept = new List<string>();
        foreach (var (index, id, month, kind, sheet, note) in wanted)
        {
            var single = existing.Where(b => b.Month == month && b.Kind == kind && !IsTotal(b)).ToList();
            var standing = single.Sum(b => b.Amount);
            var what = $"{DutchFormat.Month(month)} {Spreadsheets.Import.BudgetImport.KindLabel(kind).ToLowerInvariant()}";
            var earlier = existing.FirstOrDefault(b => b.Id == id);
            if (single.Count > 0 && sheet >= standing)
                kept.Add($"{what}: {DutchFormat.Money(standing)} los geboekt ({(single.Count == 1 ? "1 boeking" : $"{single.Count} boekingen")}) blijft staan en telt mee"
                         + (sheet > standing ? $", het maandtotaal boekt alleen de rest ({DutchFormat.Money(sheet - standing)})" : ", het blad zegt hetzelfde: geen maandtotaal")
                         + (earlier is not null && earlier.Amount != sheet - standing ? $" (het eerder ingelezen maandtotaal was {DutchFormat.Money(earlier.Amount)})" : ""));
            else if (single.Count == 0 && earlier is not null && earlier.Amount != sheet)
                kept.Add($"{what}: het eerder ingelezen maandtotaal ({DutchFormat.Money(earlier.Amount)}) wordt "
                         + (sheet == 0m ? "weggehaald" : DutchFormat.Money(sheet)));
            if (single.Count > 0 && sheet < standing)
            {
                var named = single.Where(b => b.Corrects is null)
                    .Select(b => (b.Id, Stands: b.Amount + single.Where(c => c.Corrects == b.Id).Sum(c => c.Amount)))
                    .Where(b => b.Stands != 0m).ToList();
                var list = string.Join(", ", named.Take(5).Select(b => $"{b.Id} {DutchFormat.Money(b.Stands)}"))
                           + (named.Count > 5 ? $" en nog {named.Count - 5}" : "");
                v.Add($"totals[{index}].amount",
                    $"{DutchFormat.Money(sheet)} is het maandtotaal van {month.Month:00}-{month.Year} {Spreadsheets.Import.BudgetImport.KindLabel(kind).ToLowerInvariant()}, "
                    + $"maar los geboekt is daar al {DutchFormat.Money(standing)} ({list}). Klopt het blad, corrigeer dan die boeking "
                    + "(warmte spending correct <project> <boeking> --amount … --reason …); anders het blad.");
                continue;
            }
            toSet.Add((id, month, kind, sheet - standing, note));
        }
        if (v.HasErrors) return v.ToRefusal();
        foreach (var (id, month, kind, amount, note) in toSet)
        {
            var index = bookings.FindIndex(b => b.Id == id);
            if (amount == 0m)
            {
                if (index >= 0) { bookings.RemoveAt(index); removed++; } else unchanged++;
                continue;
            }
            var booking = new SpendingBooking { Id = id, Month = month, Kind = kind, Amount = amount, Note = note, BookedBy = actor, BookedAt = now };
            if (index < 0) { bookings.Add(booking); created++; }
            else if (bookings[index].Amount == amount && bookings[index].Note == note) unchanged++;
            else { bookings[index] = booking; updated++; }
        }
        var message = kept.Count == 0 ? null
            : "Al geboekte uitgaven: " + string.Join("; ", kept) + ". Losse boekingen worden nooit veranderd (corrigeren: warmte spending correct).";
        return Outcome<(ImmutableArray<SpendingBooking>, MonthTotalsResult)>.Ok(([.. bookings], new MonthTotalsResult(created, updated, unchanged, removed) { Message = message }));
    }

    /// <summary>The month totals of a request, validated: (id, month, kind, amount, note) each, or the refusal naming every problem.</summary>
    private static Outcome<List<(int Index, string Id, YearMonth Month, WorkKind Kind, decimal Amount, string? Note)>> CheckTotals(
        IReadOnlyList<MonthTotal?> totals, YearMonth thisMonth)
    {
        var v = new Validation();
        if (totals.Count == 0) v.Add("totals", "is verplicht: minstens één maandtotaal.");
        if (totals.Count > MaxTotalsPerRequest) v.Add("totals", $"maximaal {MaxTotalsPerRequest} maandtotalen per keer.");
        var wanted = new List<(int Index, string Id, YearMonth Month, WorkKind Kind, decimal Amount, string? Note)>();
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < totals.Count && i < MaxTotalsPerRequest; i++)
        {
            var p = $"totals[{i}]";
            var t = totals[i];
            if (t is null) { v.Add(p, "is leeg."); continue; }
            var before = v.Errors.Count;
            if (t.Month is not { } month) { v.Add($"{p}.month", "is verplicht (JJJJ-MM)."); month = thisMonth; }
            else if (month > thisMonth) v.Add($"{p}.month", "ligt in de toekomst; boek uitgaven als ze gedaan zijn.");
            var kind = WorkKind.Organisation;
            if (string.IsNullOrWhiteSpace(t.Kind)) v.Add($"{p}.kind", "is verplicht.");
            else if (ParseKind(t.Kind) is { } parsed) kind = parsed;
            else v.Add($"{p}.kind", $"'{Slug.Truncate(t.Kind)}' is geen soort werk; {KindChoices}");
            if (t.Amount is not { } amount) { v.Add($"{p}.amount", "is verplicht (0 haalt het maandtotaal weg)."); amount = 0m; }
            else if (amount < 0m) v.Add($"{p}.amount", "mag niet negatief zijn.");
            else if (amount > 1_000_000_000m) v.Add($"{p}.amount", $"is onwaarschijnlijk groot (meer dan {DutchFormat.Money(1_000_000_000m)}).");
            else if (decimal.Round(amount, 2) != amount) v.Add($"{p}.amount", "heeft meer dan 2 decimalen; bedragen zijn in euro's en centen.");
            var note = v.OptionalNotes($"{p}.note", t.Note, 500);
            if (v.Errors.Count > before) continue;
            var id = TotalId(month, kind);
            if (seen.TryGetValue(id, out var first))
            {
                v.Add($"{p}.month", $"{NodaTime.Text.YearMonthPattern.Iso.Format(month)} {kind} staat er al in (totals[{first}]); één totaal per maand en soort.");
                continue;
            }
            seen[id] = i;
            wanted.Add((i, id, month, kind, amount, note));
        }
        if (v.HasErrors) return v.ToRefusal();
        return Outcome<List<(int Index, string Id, YearMonth Month, WorkKind Kind, decimal Amount, string? Note)>>.Ok(wanted);
    }

    /// <summary>
    /// Month by month from the first month with money moving (or <paramref name="start"/>) up to
    /// <paramref name="today"/>: opening + received − spent = closing, to the cent.
    /// </summary>
    public static ActualCashPosition Position(
        decimal openingBalance, YearMonth? start, IEnumerable<(YearMonth Month, decimal Amount)> received,
        IEnumerable<SpendingBooking> bookings, YearMonth today) =>
        Position(openingBalance, start, received,
            bookings.Where(b => b.Month <= today).GroupBy(b => b.Month).ToDictionary(g => g.Key, g => g.Sum(b => b.Amount)), today);

    /// <summary>The same from the spending per month (<see cref="SpendingLedger"/>'s aggregate) instead of every booking.</summary>
    public static ActualCashPosition Position(
        decimal openingBalance, YearMonth? start, IEnumerable<(YearMonth Month, decimal Amount)> received,
        IEnumerable<MonthSpending> spent, YearMonth today) =>
        Position(openingBalance, start, received, spent.Where(m => m.Month <= today && m.Bookings > 0).ToDictionary(m => m.Month, m => m.Amount), today);

    private static ActualCashPosition Position(
        decimal openingBalance, YearMonth? start, IEnumerable<(YearMonth Month, decimal Amount)> received,
        Dictionary<YearMonth, decimal> outByMonth, YearMonth today)
    {
        var inByMonth = received.Where(r => r.Month <= today).GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount));
        var first = new[] { start }.Concat(inByMonth.Keys.Select(k => (YearMonth?)k)).Concat(outByMonth.Keys.Select(k => (YearMonth?)k))
            .Where(m => m is not null).Min();
        var months = ImmutableArray.CreateBuilder<ActualMonth>();
        var balance = openingBalance;
        decimal totalIn = 0m, totalOut = 0m;
        if (first is { } from)
            for (var m = from; m <= today; m = m.PlusMonths(1))
            {
                var received1 = inByMonth.GetValueOrDefault(m);
                var spent = outByMonth.GetValueOrDefault(m);
                var opening = balance;
                balance = opening + received1 - spent;
                totalIn += received1;
                totalOut += spent;
                months.Add(new ActualMonth(m, opening, received1, spent, balance));
            }
        return new ActualCashPosition(first, today, openingBalance, totalIn, totalOut, balance, months.ToImmutable());
    }
}

/// <summary>
/// A month total imported from the budget that a correction moved the month away from (tester finding T8.8):
/// the month and kind, the month-total booking, what the month stood at before and after the correction, and
/// the board's next step in Dutch.
/// </summary>
public sealed record MonthTotalNotice(YearMonth Month, WorkKind Kind, string TotalBooking, decimal Before, decimal Now, string Message)
{
    /// <summary>
    /// Pure: after <paramref name="correction"/> (already among <paramref name="monthBookings"/>, the bookings of its
    /// month), whether that month and kind has a month total from the budget import (<see cref="ActualCash.TotalId"/>).
    /// If so the total no longer matches the bookings: it was the sheet's amount minus what stood one by one, and the
    /// correction changed what stands one by one. Null when there is no such total (nothing to tell).
    /// </summary>
    public static MonthTotalNotice? After(SpendingBooking correction, IEnumerable<SpendingBooking> monthBookings)
    {
        if (correction.Corrects is null || correction.Amount == 0m) return null;
        var same = monthBookings.Where(b => b.Month == correction.Month && b.Kind == correction.Kind).ToList();
        var totalId = ActualCash.TotalId(correction.Month, correction.Kind);
        if (same.FirstOrDefault(b => b.Id == totalId) is not { } total) return null;
        var now = same.Sum(b => b.Amount);
        var before = now - correction.Amount;
        var what = $"{correction.Month.Month:00}-{correction.Month.Year} {Spreadsheets.Import.BudgetImport.KindLabel(correction.Kind).ToLowerInvariant()}";
        return new MonthTotalNotice(correction.Month, correction.Kind, total.Id, before, now,
            $"Let op: voor {what} is een maandtotaal uit de begroting ingelezen (boeking {total.Id}, {DutchFormat.Money(total.Amount)}: "
            + $"wat de losse boekingen bij het inlezen niet dekten). Door deze correctie staat {what} nu op {DutchFormat.Money(now)} in plaats van "
            + $"{DutchFormat.Money(before)}: het ingelezen maandtotaal dekt de boekingen niet meer. Klopt de Werkelijk op het blad, lees het blad dan "
            + "opnieuw in (warmte import budget <project> <bestand>): het maandtotaal vult de maand dan weer aan tot het bedrag op het blad. "
            + "Klopt het blad ook niet, pas dan eerst de Werkelijk op het blad aan.");
    }
}

/// <summary>The answer to a correction: the correction booking and, when the month has an imported month total, what that means.</summary>
public sealed record SpendingCorrectionAnswer
{
    public required string Id { get; init; }
    public required YearMonth Month { get; init; }
    public required WorkKind Kind { get; init; }
    public required decimal Amount { get; init; }
    public string? Note { get; init; }
    public required string BookedBy { get; init; }
    public required Instant BookedAt { get; init; }
    public string? Corrects { get; init; }

    /// <summary>Null (left out of the JSON) when the month has no month total from the budget import.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public MonthTotalNotice? MonthTotal { get; init; }

    public static SpendingCorrectionAnswer Of(SpendingBooking b, MonthTotalNotice? notice) => new()
    {
        Id = b.Id, Month = b.Month, Kind = b.Kind, Amount = b.Amount, Note = b.Note, BookedBy = b.BookedBy, BookedAt = b.BookedAt,
        Corrects = b.Corrects, MonthTotal = notice,
    };
}
