using System.Net;
using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester finding A21 over HTTP: <c>POST /api/projects/{id}/spending/{bookingId}/correction</c> books the
/// difference to what a booking should have been, with a reason, once per idempotency key; the original
/// stays in the list, the cash position follows; bad input is a 400 naming the field and changes nothing;
/// only the project's board or an admin corrects. <c>PUT …/spending/totals</c> takes a sheet's total as
/// the month's total for that kind: refused (naming the booking) below what was booked one by one, the
/// rest booked above it — never added on top.
/// </summary>
public sealed class SpendingCorrectionApiTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 12, 6, 12, 0));

    private static async Task<ApiCalls.Answer> Send(HttpClient client, string path, object body, string? key = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        if (key is not null) message.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(message);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiCalls.Answer(response.StatusCode, raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone(), raw,
            response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_typo_is_corrected_once_with_a_reason_and_the_cash_position_follows()
    {
        await using var server = await WarmteServer.StartAsync(clock: Clock);
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "corr-a", "corr-a-net");
        await ApiCalls.SeedCooperativeWithProject(admin, "corr-b", "corr-b-net");
        async Task<HttpClient> Token(string role) => server.Client((await admin.Post("api/tokens", new { name = "t", role })).Text("token"));
        var board = await Token("board:corr-a");
        var spending = $"api/projects/{project}/spending";

        var typo = await board.Post(spending, new { month = "2026-11", kind = "adviseurs", amount = 850_000.00m, note = "typo, moest 85.000 zijn" });
        Assert.Equal(HttpStatusCode.Created, typo.Status);
        var typoId = typo.Text("id");
        await board.Post(spending, new { month = "2026-11", kind = "ontwerp", amount = 1_000.50m });
        async Task<decimal> SpentInNovember() =>
            (await admin.Get($"api/projects/{project}/cash-position")).Body.GetProperty("months").EnumerateArray()
                .Single(m => m.GetProperty("month").GetString() == "2026-11").GetProperty("spent").GetDecimal();
        Assert.Equal(851_000.50m, await SpentInNovember());

        // Refusals change nothing: another board, a reader, no reason, a negative amount, an unknown booking.
        var correction = $"{spending}/{typoId}/correction";
        var other = await Send(await Token("board:corr-b"), correction, new { amount = 85_000m, reason = "tikfout" });
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(await Token("reader"), correction, new { amount = 85_000m, reason = "tikfout" })).Status);
        var noReason = await Send(board, correction, new { amount = 85_000m });
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (noReason.Status, noReason.ContentType));
        Assert.Equal(["reason"], noReason.ErrorFields);
        Assert.Equal(["amount"], (await Send(board, correction, new { amount = -500m, reason = "tikfout" })).ErrorFields);
        Assert.Equal(["amount"], (await Send(board, correction, new { amount = 1.001m, reason = "tikfout" })).ErrorFields);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(board, $"{spending}/b-bestaatniet/correction", new { amount = 1m, reason = "x" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(board, $"api/projects/bestaat-niet/spending/{typoId}/correction", new { amount = 1m, reason = "x" })).Status);
        Assert.Equal(2, (await admin.Get(spending)).Body.GetProperty("items").GetArrayLength());
        Assert.Equal(851_000.50m, await SpentInNovember());

        // The correction, sent twice with one key (a retry): booked once, answered the same.
        var first = await Send(board, correction, new { amount = 85_000.00m, reason = "tikfout: factuur was € 85.000" }, "corr-1");
        var retry = await Send(board, correction, new { amount = 85_000.00m, reason = "tikfout: factuur was € 85.000" }, "corr-1");
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(first.Text("id"), retry.Text("id"));
        Assert.Equal(-765_000.00m, first.Body.GetProperty("amount").GetDecimal());
        Assert.Equal((typoId, "2026-11", "Advisers"), (first.Text("corrects"), first.Text("month"), first.Text("kind")));
        // The same key for another request is a conflict; the same request under a new key has nothing left to correct.
        Assert.Equal(HttpStatusCode.Conflict, (await Send(board, correction, new { amount = 80_000m, reason = "anders" }, "corr-1")).Status);
        Assert.Equal(["amount"], (await Send(board, correction, new { amount = 85_000.00m, reason = "tikfout" }, "corr-2")).ErrorFields);

        var list = (await admin.Get(spending)).Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, list.Count); // the typo stays, the correction is beside it
        Assert.Equal(850_000.00m, list[0].GetProperty("amount").GetDecimal());
        Assert.False(list[0].TryGetProperty("corrects", out _)); // an ordinary booking has no "corrects"
        Assert.Equal(86_000.50m, await SpentInNovember());
        var position = (await admin.Get($"api/projects/{project}/cash-position")).Body;
        Assert.Equal(86_000.50m, position.GetProperty("totalSpent").GetDecimal());

        // A correction names its booking, not another correction; reversing altogether is amount 0.
        Assert.Equal(["bookingId"], (await Send(board, $"{spending}/{first.Text("id")}/correction", new { amount = 0m, reason = "x" })).ErrorFields);
        var reversed = await Send(admin, correction, new { amount = 0m, reason = "dubbel geboekt" });
        Assert.Equal(-85_000.00m, reversed.Body.GetProperty("amount").GetDecimal());
        Assert.Equal(1_000.50m, await SpentInNovember());
    }

    [Fact]
    public async Task A_sheets_month_total_is_the_months_total_for_its_kind_never_added_on_top()
    {
        await using var server = await WarmteServer.StartAsync(clock: Clock);
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "corr-c", "corr-c-net");
        var spending = $"api/projects/{project}/spending";
        var typo = await admin.Post(spending, new { month = "2026-11", kind = "adviseurs", amount = 850_000.00m });
        async Task<decimal> Spent() => (await admin.Get($"api/projects/{project}/cash-position")).Body.GetProperty("totalSpent").GetDecimal();

        // The tester's sheet: 85.000 for November's advisers. Refused, naming the booking; nothing booked.
        var refused = await admin.Put($"{spending}/totals", new { totals = new[] { new { month = "2026-11", kind = "adviseurs", amount = 85_000.00m } } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["totals[0].amount"], refused.ErrorFields);
        Assert.Contains(typo.Text("id"), refused.Raw);
        Assert.Equal(850_000.00m, await Spent());

        await Send(admin, $"{spending}/{typo.Text("id")}/correction", new { amount = 60_000m, reason = "tikfout" });
        // Now the sheet's 85.000 is the month's total: 60.000 booked one by one, 25.000 the rest.
        var set = await admin.Put($"{spending}/totals", new { totals = new[] { new { month = "2026-11", kind = "adviseurs", amount = 85_000.00m } } });
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(1, set.Body.GetProperty("created").GetInt32());
        Assert.Equal(85_000.00m, await Spent());
        var total = (await admin.Get(spending)).Body.GetProperty("items").EnumerateArray().Single(b => b.GetProperty("id").GetString() == "t-2026-11-advisers");
        Assert.Equal(25_000.00m, total.GetProperty("amount").GetDecimal());
        // The same sheet again changes nothing; a sheet that matches the bookings removes the rest.
        var again = await admin.Put($"{spending}/totals", new { totals = new[] { new { month = "2026-11", kind = "adviseurs", amount = 85_000.00m } } });
        Assert.Equal(1, again.Body.GetProperty("unchanged").GetInt32());
        Assert.Equal(85_000.00m, await Spent());
        var matches = await admin.Put($"{spending}/totals", new { totals = new[] { new { month = "2026-11", kind = "adviseurs", amount = 60_000m } } });
        Assert.Equal(1, matches.Body.GetProperty("removed").GetInt32());
        Assert.Equal(60_000m, await Spent());
        // A month total is changed by the sheet, not by a correction.
        await admin.Put($"{spending}/totals", new { totals = new[] { new { month = "2026-10", kind = "ontwerp", amount = 5_000m } } });
        Assert.Equal(["bookingId"], (await Send(admin, $"{spending}/t-2026-10-design/correction", new { amount = 1m, reason = "x" })).ErrorFields);
    }
}
