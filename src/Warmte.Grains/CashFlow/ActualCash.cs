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
}

[GenerateSerializer, Immutable]
public sealed record BookSpending
{
    [Id(0)] public YearMonth? Month { get; init; }
    [Id(1)] public string? Kind { get; init; }
    [Id(2)] public decimal? Amount { get; init; }
    [Id(3)] public string? Note { get; init; }
}

/// <summary>One month of the actual cash position: what came in (tranches paid), what went out (booked spending).</summary>
[GenerateSerializer, Immutable]
public sealed record ActualMonth(
    [property: Id(0)] YearMonth Month, [property: Id(1)] decimal Opening, [property: Id(2)] decimal Received,
    [property: Id(3)] decimal Spent, [property: Id(4)] decimal Closing);

[GenerateSerializer, Immutable]
public sealed record ActualCashPosition(
    [property: Id(0)] YearMonth? From, [property: Id(1)] YearMonth Today, [property: Id(2)] decimal OpeningBalance,
    [property: Id(3)] decimal TotalReceived, [property: Id(4)] decimal TotalSpent, [property: Id(5)] decimal Balance,
    [property: Id(6)] ImmutableArray<ActualMonth> Months);

/// <summary>The booked spending and the actual cash line built from it: pure.</summary>
public static class ActualCash
{
    public const int MaxBookings = 10_000;

    public static Outcome<SpendingBooking> Book(BookSpending command, int existing, YearMonth thisMonth, string id, string actor, Instant now)
    {
        var v = new Validation();
        if (command.Month is not { } month) { v.Add("month", "is verplicht (JJJJ-MM)."); month = thisMonth; }
        else if (month > thisMonth) v.Add("month", "ligt in de toekomst; boek uitgaven als ze gedaan zijn.");
        var kind = WorkKind.Organisation;
        if (string.IsNullOrWhiteSpace(command.Kind)) v.Add("kind", "is verplicht.");
        else if (command.Kind.Any(char.IsDigit) || !Enum.TryParse(command.Kind.Trim(), ignoreCase: true, out kind) || !Enum.IsDefined(kind))
            v.Add("kind", $"'{Slug.Truncate(command.Kind)}' is geen soort werk; kies uit {string.Join(", ", Enum.GetNames<WorkKind>())}.");
        if (command.Amount is not { } amount) { v.Add("amount", "is verplicht."); amount = 0m; }
        else if (amount <= 0m) v.Add("amount", "moet groter dan 0 zijn.");
        else if (amount > 1_000_000_000m) v.Add("amount", "is onwaarschijnlijk groot.");
        else if (decimal.Round(amount, 2) != amount) v.Add("amount", "heeft meer dan 2 decimalen; bedragen zijn in euro's en centen.");
        var note = v.OptionalText("note", command.Note, 500);
        if (existing >= MaxBookings) v.Add("month", $"een project heeft maximaal {MaxBookings} boekingen.");
        if (v.HasErrors) return v.ToRefusal();
        return Outcome<SpendingBooking>.Ok(new SpendingBooking { Id = id, Month = month, Kind = kind, Amount = amount, Note = note, BookedBy = actor, BookedAt = now });
    }

    /// <summary>
    /// Month by month from the first month with money moving (or <paramref name="start"/>) up to
    /// <paramref name="today"/>: opening + received − spent = closing, to the cent.
    /// </summary>
    public static ActualCashPosition Position(
        decimal openingBalance, YearMonth? start, IEnumerable<(YearMonth Month, decimal Amount)> received,
        IEnumerable<SpendingBooking> bookings, YearMonth today)
    {
        var inByMonth = received.Where(r => r.Month <= today).GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount));
        var outByMonth = bookings.Where(b => b.Month <= today).GroupBy(b => b.Month).ToDictionary(g => g.Key, g => g.Sum(b => b.Amount));
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
