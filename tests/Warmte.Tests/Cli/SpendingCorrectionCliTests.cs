using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester finding A21, the tester's own sequence with the built <c>warmte</c> program as a separate process:
/// a booking of 850.000,00 meant as 85.000; the budget sheet's "Werkelijk" 85.000 for that month and kind is
/// refused naming the booking (before: booked on top, November € 935.000); <c>warmte spending correct</c> books
/// the difference with a reason; the same sheet then agrees, and the cash position shows € 85.000,00.
/// </summary>
public sealed class SpendingCorrectionCliTests
{
    [Fact]
    public async Task The_testers_typo_is_corrected_and_the_budget_sheet_is_the_months_total()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 6, 12, 0)));
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var dir = Path.Combine(Path.GetTempPath(), "spendfix-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var environment = new Dictionary<string, string> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = board, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config" };
        Task<CliProcessResult> Warmte(params string[] args) => CliProcess.RunInAsync(dir, environment, args);
        try
        {
            var typo = await Warmte("spending", "book", project, "--kind", "adviseurs", "--amount", "850.000,00", "--month", "2026-11", "--note", "typo, moest 85.000 zijn");
            Assert.True(typo.ExitCode == 0, typo.ToString());
            var id = Regex.Match(typo.Out, @"Boeking (b-[0-9a-f]+)").Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(id), typo.ToString());
            Assert.Contains($"warmte spending correct {project} {id}", typo.Out);

            // A negative amount is still no booking, but the refusal says how to correct.
            var negative = await Warmte("spending", "book", project, "--kind", "ontwerp", "--amount", "-500,00", "--month", "2026-11");
            Assert.Equal(1, negative.ExitCode);
            Assert.Contains("warmte spending correct", negative.Err);

            // The sheet's month total is not added on top: refused on its row, naming the booking; nothing sent.
            await File.WriteAllTextAsync(Path.Combine(dir, "werkelijk.csv"), "Maand;Categorie;Werkelijk\r\n2026-11;adviseurs;85.000,00\r\n");
            // The dry run asks the service too (tester A6 addendum: dry run OK where the real run refused).
            var dry = await Warmte("import", "budget", project, "werkelijk.csv", "--dry-run");
            Assert.True(dry.ExitCode == 1, dry.ToString());
            Assert.Contains($"{id} € 850.000,00", dry.Err);
            Assert.Contains("Proefrun", dry.Out);
            var refused = await Warmte("import", "budget", project, "werkelijk.csv");
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains("rij 2", refused.Err);
            Assert.Contains($"{id} € 850.000,00", refused.Err);
            Assert.Contains("warmte spending correct", refused.Err);
            Assert.Contains("geboekte uitgaven € 850.000,00", (await Warmte("cash-position", project)).Out);

            var corrected = await Warmte("spending", "correct", project, id, "--amount", "85.000,00", "--reason", "tikfout: factuur was € 85.000");
            Assert.True(corrected.ExitCode == 0, corrected.ToString());
            Assert.Contains("was € 850.000,00, nu € 85.000,00", corrected.Out);
            Assert.Contains("€ 765.000,00 eraf", corrected.Out);
            // Without a reason nothing is sent; the reason is required.
            var noReason = await Warmte("spending", "correct", project, id, "--amount", "80.000,00");
            Assert.Equal(1, noReason.ExitCode);
            Assert.Contains("--reason", noReason.Err);

            var list = await Warmte("spending", "list", project);
            Assert.Contains(id, list.Out);
            Assert.Contains($"correctie van {id}: tikfout", list.Out);
            Assert.Contains("gecorrigeerd, staat nu op € 85.000,00", list.Out);
            Assert.Contains("Totaal: € 85.000,00", list.Out);

            var agrees = await Warmte("import", "budget", project, "werkelijk.csv");
            Assert.True(agrees.ExitCode == 0, agrees.ToString());
            Assert.Contains("1 maandtotaal: 0 nieuw, 0 bijgewerkt, 1 ongewijzigd, 0 weggehaald", agrees.Out);

            var position = await Warmte("cash-position", project);
            Assert.Contains("geboekte uitgaven € 85.000,00", position.Out);
            Assert.Matches(@"(?m)^\s+11-2026\s.*€ 85\.000,00", position.Out);
            Assert.DoesNotContain("935.000", position.Out);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
