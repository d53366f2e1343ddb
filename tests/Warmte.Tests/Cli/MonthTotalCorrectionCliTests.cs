using System.Text.Json;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Testing;
using Warmte.CashFlow;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester finding T8.8, with the built <c>warmte</c> program: the sheet's Werkelijk of 11-2026 adviseurs (€ 100.000)
/// was imported next to a booking of € 95.000 (the month-total booking holds € 5.000). Correcting that booking to 0
/// leaves the month at € 5.000 — no longer the sheet's total. The correction's answer (CLI and API) says so and
/// what to do: import the sheet again, which makes the month € 100.000 again.
/// </summary>
public sealed class MonthTotalCorrectionCliTests
{
    [Fact]
    public async Task A_correction_says_when_the_months_imported_total_no_longer_covers_the_bookings()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 6, 12, 0)));
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var dir = Path.Combine(Path.GetTempPath(), "monthtotal-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var environment = new Dictionary<string, string> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = board, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config" };
        Task<CliProcessResult> Warmte(params string[] args) => CliProcess.RunInAsync(dir, environment, args);
        try
        {
            var booked = await Warmte("spending", "book", project, "--kind", "adviseurs", "--amount", "95.000,00", "--month", "2026-11");
            Assert.True(booked.ExitCode == 0, booked.ToString());
            var id = Regex.Match(booked.Out, @"Boeking (b-[0-9a-f]+)").Groups[1].Value;
            await File.WriteAllTextAsync(Path.Combine(dir, "werkelijk.csv"), "Maand;Categorie;Werkelijk\r\n2026-11;adviseurs;100.000,00\r\n");
            var imported = await Warmte("import", "budget", project, "werkelijk.csv");
            Assert.True(imported.ExitCode == 0, imported.ToString());

            var corrected = await Warmte("spending", "correct", project, id, "--amount", "0", "--reason", "dubbel");
            Assert.True(corrected.ExitCode == 0, corrected.ToString());
            Assert.Contains("voor 11-2026 adviseurs is een maandtotaal uit de begroting ingelezen (boeking t-2026-11-advisers, € 5.000,00", corrected.Out);
            Assert.Contains("staat 11-2026 adviseurs nu op € 5.000,00 in plaats van € 100.000,00: het ingelezen maandtotaal dekt de boekingen niet meer", corrected.Out);
            Assert.Contains($"lees het blad dan opnieuw in (warmte import budget {project} <bestand>)", corrected.Out);
            Assert.Contains("geboekte uitgaven € 5.000,00", (await Warmte("cash-position", project)).Out);

            // The advice works: importing the sheet again makes the month the sheet's total.
            var again = await Warmte("import", "budget", project, "werkelijk.csv");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("geboekte uitgaven € 100.000,00", (await Warmte("cash-position", project)).Out);

            // The API's answer carries the same notice (here through --json, which prints it).
            var json = await Warmte("spending", "correct", project, id, "--amount", "10.000,00", "--reason", "toch een deel", "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            var notice = JsonDocument.Parse(json.Out).RootElement.GetProperty("monthTotal");
            Assert.Equal(100_000m, notice.GetProperty("before").GetDecimal());
            Assert.Equal(110_000m, notice.GetProperty("now").GetDecimal());
            Assert.Equal("t-2026-11-advisers", notice.GetProperty("totalBooking").GetString());

            // A booking in a month without an imported total: no notice.
            var other = await Warmte("spending", "book", project, "--kind", "ontwerp", "--amount", "1.000,00", "--month", "2026-10");
            var otherId = Regex.Match(other.Out, @"Boeking (b-[0-9a-f]+)").Groups[1].Value;
            var plain = await Warmte("spending", "correct", project, otherId, "--amount", "900,00", "--reason", "tikfout");
            Assert.True(plain.ExitCode == 0, plain.ToString());
            Assert.DoesNotContain("maandtotaal", plain.Out);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Without_a_month_total_or_for_another_kind_there_is_nothing_to_tell()
    {
        var at = Instant.FromUtc(2026, 12, 6, 12, 0);
        var month = new YearMonth(2026, 11);
        SpendingBooking Booking(string id, WorkKind kind, decimal amount, string? corrects = null) =>
            new() { Id = id, Month = month, Kind = kind, Amount = amount, BookedBy = "t", BookedAt = at, Corrects = corrects };
        var correction = Booking("b-2", WorkKind.Advisers, -95_000m, "b-1");
        Assert.Null(MonthTotalNotice.After(correction, [Booking("b-1", WorkKind.Advisers, 95_000m), correction]));
        Assert.Null(MonthTotalNotice.After(correction, [Booking("b-1", WorkKind.Advisers, 95_000m), correction, Booking("t-2026-11-design", WorkKind.Design, 5_000m)]));
        var notice = MonthTotalNotice.After(correction, [Booking("b-1", WorkKind.Advisers, 95_000m), Booking("t-2026-11-advisers", WorkKind.Advisers, 5_000m), correction]);
        Assert.NotNull(notice);
        Assert.Equal((100_000m, 5_000m), (notice!.Before, notice.Now));
    }
}
