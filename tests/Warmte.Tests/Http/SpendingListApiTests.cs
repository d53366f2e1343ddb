using System.Net;
using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// <c>GET /api/projects/{id}/spending</c> answers a range of months, never every booking (issue 15): without a month the
/// most recent 24 months with bookings, with the request for earlier ones; <c>?from=&amp;to=</c> up to 120 months;
/// <c>?month=</c> as before. <c>warmte spending list</c> takes <c>--from</c>/<c>--to</c> and says in Dutch where the
/// earlier bookings are. The project workbook's budget sheet adds up to the bookings, to the cent. Real service, SQLite file.
/// </summary>
public sealed class SpendingListApiTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 12, 6, 11, 0));

    private static string Tag(YearMonth month) => NodaTime.Text.YearMonthPattern.Iso.Format(month);

    [Fact]
    public async Task The_listing_answers_the_last_24_booked_months_and_the_way_to_earlier_ones_and_the_sheet_adds_up()
    {
        await using var server = await WarmteServer.StartAsync(clock: Clock);
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "lijst-coop", "lijst-net");
        var spending = $"api/projects/{project}/spending";

        // 26 booked months: 2024-01 … 2025-02, a stall of three months, 2025-06 … 2026-05; odd cents, three kinds.
        var months = Enumerable.Range(0, 14).Select(i => new YearMonth(2024, 1).PlusMonths(i))
            .Concat(Enumerable.Range(0, 12).Select(i => new YearMonth(2025, 6).PlusMonths(i))).ToList();
        string[] kinds = ["Design", "Organisation", "Advisers"];
        var sent = new List<(string Month, string Kind, decimal Amount)>();
        for (var i = 0; i < months.Count; i++)
            for (var k = 0; k <= i % 3; k++)
            {
                var booking = (Tag(months[i]), kinds[(i + k) % 3], 1_000m + i * 17.13m + k * 0.07m);
                Assert.Equal(HttpStatusCode.Created, (await admin.Post(spending, new { month = booking.Item1, kind = booking.Item2, amount = booking.Item3 })).Status);
                sent.Add(booking);
            }
        // A month total from the budget sheet counts as a booking of its month and kind.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"{spending}/totals", new { totals = new[] { new { month = "2025-07", kind = "communicatie", amount = 2_500.05m } } })).Status);
        sent.Add(("2025-07", "Communication", 2_500.05m));

        var recent = await admin.Get(spending);
        Assert.Equal(HttpStatusCode.OK, recent.Status);
        Assert.Equal(("2024-03", "2026-05"), (recent.Text("from"), recent.Text("to")));
        Assert.Equal($"/api/projects/{project}/spending?to=2024-02", recent.Text("earlier"));
        Assert.Equal(JsonValueKind.Null, recent.Body.GetProperty("later").ValueKind);
        Assert.Equal(sent.Count(b => string.CompareOrdinal(b.Month, "2024-03") >= 0), recent.Body.GetProperty("items").GetArrayLength());
        Assert.Equal((sent.Count, sent.Sum(b => b.Amount)), (recent.Body.GetProperty("totalBookings").GetInt32(), recent.Body.GetProperty("totalAmount").GetDecimal()));
        // The items keep their shape.
        var item = recent.Body.GetProperty("items")[0];
        Assert.Equal(["amount", "bookedAt", "bookedBy", "id", "kind", "month"], item.EnumerateObject().Select(p => p.Name).Where(n => n != "note").Order());

        // The earlier request answers the first two months and points back at the later ones.
        var earlier = await admin.Get(recent.Text("earlier"));
        Assert.Equal(("2024-01", "2024-02"), (earlier.Text("from"), earlier.Text("to")));
        Assert.Equal(JsonValueKind.Null, earlier.Body.GetProperty("earlier").ValueKind);
        Assert.Equal($"/api/projects/{project}/spending?from=2024-03", earlier.Text("later"));
        Assert.Equal(sent.Where(b => b.Month is "2024-01" or "2024-02").Select(b => b.Amount),
            earlier.Body.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("amount").GetDecimal()));

        // from–to: every booking, in the order booked, a page of 50 at a time (tester8 T7): the total in the answer and in
        // X-Total-Count, the next page as a request for the same months; walking it gives every booking once.
        Assert.Equal(52, sent.Count);
        using (var firstPage = await admin.GetAsync($"{spending}?from=2024-01&to=2026-05"))
            Assert.Equal("52", Assert.Single(firstPage.Headers.GetValues("X-Total-Count")));
        var all = await admin.Get($"{spending}?from=2024-01&to=2026-05");
        Assert.Equal((1, 50, 52), (all.Body.GetProperty("page").GetInt32(), all.Body.GetProperty("pageSize").GetInt32(), all.Body.GetProperty("total").GetInt32()));
        Assert.Equal(50, all.Body.GetProperty("items").GetArrayLength());
        Assert.Equal($"/api/projects/{project}/spending?from=2024-01&to=2026-05&page=2&pageSize=50", all.Text("next"));
        var second = await admin.Get(all.Text("next"));
        Assert.Equal((2, 2, JsonValueKind.Null), (second.Body.GetProperty("page").GetInt32(), second.Body.GetProperty("items").GetArrayLength(), second.Body.GetProperty("next").ValueKind));
        // earlier, later and the project's totals mean what they meant, on every page.
        Assert.Equal((all.Text("earlier"), all.Text("later"), all.Text("totalBookings"), all.Text("totalAmount")),
            (second.Text("earlier"), second.Text("later"), second.Text("totalBookings"), second.Text("totalAmount")));
        Assert.Equal(sent.Select(b => (b.Month, b.Kind, b.Amount)),
            (await admin.SpendingItems($"{spending}?from=2024-01&to=2026-05&pageSize=7"))
            .Select(b => (b.GetProperty("month").GetString()!, b.GetProperty("kind").GetString()!, b.GetProperty("amount").GetDecimal())));
        // The default range is paged as well: its next page names the months it answered.
        Assert.Equal($"/api/projects/{project}/spending?from=2024-03&to=2026-05&page=2&pageSize=20", (await admin.Get($"{spending}?pageSize=20")).Text("next"));
        // Bad paging is a 400 naming the parameter; a whole number too large for it says so.
        Assert.Equal(["page"], (await admin.Get($"{spending}?page=0")).ErrorFields);
        Assert.Equal(["pageSize"], (await admin.Get($"{spending}?pageSize=201")).ErrorFields);
        var huge = await admin.Get($"{spending}?page=2147483648");
        Assert.Equal(["page"], huge.ErrorFields);
        Assert.Contains("te groot", huge.Body.GetProperty("errors").GetProperty("page")[0].GetString());
        var july = await admin.Get($"{spending}?month=2025-07");
        Assert.Equal(sent.Count(b => b.Month == "2025-07"), july.Body.GetProperty("items").GetArrayLength());
        Assert.Equal(("2025-07", "2025-07"), (july.Text("from"), july.Text("to")));

        // Refused, naming the field: too wide (121 months), the end before the start, month with from, not a month.
        var wide = await admin.Get($"{spending}?from=2016-05&to=2026-05");
        Assert.Equal(HttpStatusCode.BadRequest, wide.Status);
        Assert.Equal(["to"], wide.ErrorFields);
        Assert.Contains("120", wide.Body.GetProperty("errors").GetProperty("to").ToString());
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"{spending}?from=2016-06&to=2026-05")).Status);
        Assert.Equal(["to"], (await admin.Get($"{spending}?from=2025-01&to=2024-12")).ErrorFields);
        Assert.Equal(["month"], (await admin.Get($"{spending}?month=2025-01&from=2024-12")).ErrorFields);
        Assert.Equal(["from"], (await admin.Get($"{spending}?from=januari")).ErrorFields);

        // The workbook's budget sheet: per month and kind what was booked, summed here, to the cent.
        var expected = sent.GroupBy(b => (b.Month, Warmte.Spreadsheets.Import.BudgetImport.KindLabel(Enum.Parse<Warmte.CashFlow.WorkKind>(b.Kind))))
            .ToDictionary(g => g.Key, g => g.Sum(b => b.Amount));
        var sheet = await Storage.JournalUpgradeTests.BudgetSheetActuals(admin, project);
        Assert.Equal(expected.OrderBy(e => e.Key), sheet.OrderBy(e => e.Key));
        Assert.Equal(sent.Sum(b => b.Amount), sheet.Values.Sum());

        // The CLI: the most recent months, and in Dutch where the earlier ones are and how to see them.
        var env = CliHarness.Env(server.BaseUrl, WarmteServer.BootstrapAdminToken);
        var list = await CliHarness.Run(env, null, new LocalDate(2026, 12, 6), "spending", "list", project);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains($"Geboekte uitgaven van {project} van 03-2024 t/m 05-2026", list.Out);
        Assert.Contains($"Er zijn eerdere boekingen, van vóór 03-2024: warmte spending list {project} --to 02-2024", list.Out);
        Assert.DoesNotContain("latere boekingen", list.Out);
        var first = await CliHarness.Run(env, null, new LocalDate(2026, 12, 6), "spending", "list", project, "--from", "01-2024", "--to", "02-2024");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"Geboekte uitgaven van {project} van 01-2024 t/m 02-2024", first.Out);
        Assert.Equal(sent.Count(b => b.Month is "2024-01" or "2024-02"), first.Out.Split('\n').Count(l => l.TrimStart().StartsWith("b-", StringComparison.Ordinal)));
        Assert.Contains($"Er zijn latere boekingen, na 02-2024: warmte spending list {project} --from 03-2024", first.Out);
        Assert.DoesNotContain("eerdere boekingen", first.Out);
        // Pages in the CLI: which page of how many, and the command for the next one; the last page has none.
        var paged = await CliHarness.Run(env, null, new LocalDate(2026, 12, 6), "spending", "list", project, "--from", "01-2024", "--to", "05-2026", "--page-size", "20");
        Assert.True(paged.ExitCode == 0, paged.ToString());
        Assert.Contains($"Geboekte uitgaven van {project} van 01-2024 t/m 05-2026 (pagina 1 van 3; 52 boekingen in deze maanden)", paged.Out);
        Assert.Contains($"Volgende pagina: warmte spending list {project} --from 01-2024 --to 05-2026 --page 2 --page-size 20", paged.Out);
        var last = await CliHarness.Run(env, null, new LocalDate(2026, 12, 6), "spending", "list", project, "--from", "01-2024", "--to", "05-2026", "--page-size", "20", "--page", "3");
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Equal(12, last.Out.Split('\n').Count(l => l.TrimStart().StartsWith("b-", StringComparison.Ordinal) || l.TrimStart().StartsWith("t-", StringComparison.Ordinal)));
        Assert.DoesNotContain("Volgende pagina", last.Out);
        var beyond = await CliHarness.Run(env, null, new LocalDate(2026, 12, 6), "spending", "list", project, "--from", "01-2024", "--to", "05-2026", "--page", "9");
        Assert.Equal(1, beyond.ExitCode);
        Assert.Contains("Pagina 9 bestaat niet: deze maanden hebben 52 boekingen, 2 pagina's van 50.", beyond.ToString());
        Assert.NotEqual(0, (await CliHarness.Run(env, null, new LocalDate(2026, 12, 6), "spending", "list", project, "--page-size", "201")).ExitCode);
        var tooWide = await CliHarness.Run(env, null, new LocalDate(2026, 12, 6), "spending", "list", project, "--from", "01-2010", "--to", "12-2024");
        Assert.NotEqual(0, tooWide.ExitCode);
        Assert.Contains("120", tooWide.ToString());
    }
}
