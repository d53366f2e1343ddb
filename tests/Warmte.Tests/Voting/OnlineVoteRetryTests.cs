using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>
/// A vote whose answer is lost (network drop, silo killed) and that the page sends again with the
/// same submission attempt (nonce) gets the first receipt and counts once; anything else after a
/// counted vote is still refused naming the channel (issue 17).
/// </summary>
public sealed class OnlineVoteRetryTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private HttpClient Member() => Server.Client(token: null);

    /// <summary>Three members, a meeting today with two proposals, online voting open (tarief secret when asked); (coop, board, codes).</summary>
    private async Task<(string Coop, HttpClient Board, Dictionary<string, string> Codes)> Opened(bool secretTarief)
    {
        var admin = Server.Client();
        var coop = $"retry-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{coop}");
        await ApiCalls.SeedMembers(admin, coop);
        var board = Server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        var statutes = await board.Put($"api/cooperatives/{coop}/alv/statutes", new
        {
            electronic = new { advanceVotingAllowed = true, secretBallotTypes = secretTarief ? new[] { "Tariefbesluit" } : [] },
        });
        Assert.True(statutes.Status == HttpStatusCode.OK, statutes.Raw);
        var created = await board.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[]
            {
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
                new { id = "begroting", title = "Begroting 2028", decisionType = "Overig" },
            },
        });
        Assert.True(created.Status == HttpStatusCode.Created, created.Raw);
        var opened = await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new
        {
            opens = "2027-03-01", proposals = new[] { new { proposalId = "tarief" }, new { proposalId = "begroting" } },
        });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        return (coop, board, codes);
    }

    private static string Nonce() => Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_vote_resent_with_the_same_nonce_gets_the_first_receipt_and_counts_once(bool secret)
    {
        var (coop, board, codes) = await Opened(secret);
        var nonce = Nonce();
        var first = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce });
        Assert.True(first.Status == HttpStatusCode.OK, first.Raw);
        var receipt = first.Text("receipt");

        // The answer was lost; the page sends the same request again (twice), a moment later. The answer is the first one
        // again, its time included: when the ballot was recorded, not when the resend arrived (tester F4 addendum).
        for (var i = 0; i < 2; i++)
        {
            await Task.Delay(50);
            var again = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce });
            Assert.True(again.Status == HttpStatusCode.OK, again.Raw);
            Assert.Equal(receipt, again.Text("receipt"));
            Assert.Equal("Tegen", again.Text("choice"));
            Assert.Equal(first.Text("at"), again.Text("at"));
        }

        // A different choice with the same nonce, the same choice with another attempt, or no nonce: refused, naming the channel.
        foreach (var body in new object[]
                 {
                     new { code = codes["L-1"], proposalId = "tarief", choice = "Voor", nonce },
                     new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce = Nonce() },
                     new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen" },
                 })
        {
            var refused = await Member().Post("api/stem/votes", body);
            Assert.True(refused.Status == HttpStatusCode.Conflict, refused.Raw);
            Assert.Equal("already-voted", refused.Code);
            Assert.Contains("(online)", refused.Raw);
        }

        // One nonce per submission: the same attempt on another proposal is its own vote with its own receipt.
        var other = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "begroting", choice = "Voor", nonce });
        Assert.True(other.Status == HttpStatusCode.OK, other.Raw);
        Assert.NotEqual(receipt, other.Text("receipt"));
        // Another member with the same nonce gets another receipt (the code is part of it).
        var l2 = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Tegen", nonce });
        Assert.True(l2.Status == HttpStatusCode.OK, l2.Raw);
        Assert.NotEqual(receipt, l2.Text("receipt"));

        // Counted once: two ballots on tarief, turnout says two online voters, and after closing the
        // receipt is published once, under the choice made.
        var turnout = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/turnout");
        Assert.Equal(2, turnout.Body.GetProperty("online").GetInt32());
        var view = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal(3, view.Body.GetProperty("votesCast").GetInt32());
        var closed = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var published = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/receipts");
        Assert.True(published.Status == HttpStatusCode.OK, published.Raw);
        var tegen = published.Body.GetProperty("tegen").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(1, tegen.Count(r => r == receipt));
        Assert.Equal(2, tegen.Count);
        Assert.Empty(published.Body.GetProperty("voor").EnumerateArray());
        if (!secret) return;

        // Secret ballot: the nonce is stored nowhere, and no row of any table names member L-1 next to the receipt or a choice.
        var rows = await AllRows(Path.Combine(Server.DataDir, "warmtenet.db"));
        Assert.DoesNotContain(rows, r => r.Text.Contains(nonce, StringComparison.Ordinal));
        var naming = rows.Where(r => r.Text.Contains(coop, StringComparison.Ordinal)
            && System.Text.RegularExpressions.Regex.IsMatch(r.Text, @"\bL-1\b") && r.Text.Contains("tarief", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(naming); // the ballot row and its mark: who voted, never what
        foreach (var (table, text) in naming)
        {
            Assert.False(text.Contains(receipt, StringComparison.Ordinal), $"{table}: {text}");
            Assert.False(text.Contains("\"Tegen\"", StringComparison.Ordinal) || text.Contains("\"tegen\"", StringComparison.Ordinal), $"{table}: {text}");
        }
    }

    [Fact]
    public async Task The_nonce_may_come_as_the_idempotency_key_header_and_a_bad_one_names_the_field()
    {
        var (_, _, codes) = await Opened(secretTarief: false);
        var nonce = Nonce();
        async Task<ApiCalls.Answer> Send(string choice)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/stem/votes")
            {
                Content = JsonContent.Create(new { code = codes["L-3"], proposalId = "tarief", choice }),
            };
            request.Headers.Add("Idempotency-Key", nonce);
            using var response = await Member().SendAsync(request);
            var raw = await response.Content.ReadAsStringAsync();
            return new ApiCalls.Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), raw, response.Content.Headers.ContentType?.MediaType);
        }
        var first = await Send("Onthouding");
        Assert.True(first.Status == HttpStatusCode.OK, first.Raw);
        var again = await Send("Onthouding");
        Assert.Equal(first.Text("receipt"), again.Text("receipt"));
        Assert.Equal(HttpStatusCode.Conflict, (await Send("Voor")).Status);

        foreach (var bad in new[] { "kort", "met spaties erin 1234", new string('x', 65), "ï-niet-ascii-0123456" })
        {
            var refused = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", nonce = bad });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal(["nonce"], refused.ErrorFields);
        }
        // Nothing was counted for L-2 by those.
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", nonce = Nonce() })).Status);
    }

    /// <summary>Every row of every table of the SQLite file, as text.</summary>
    internal static async Task<List<(string Table, string Text)>> AllRows(string file)
    {
        var rows = new List<(string, string)>();
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
        await connection.OpenAsync();
        var tables = new List<string>();
        var list = connection.CreateCommand();
        list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        foreach (var table in tables)
        {
            var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add((table, string.Join(" | ", values.Select(v => v switch { byte[] b => System.Text.Encoding.UTF8.GetString(b), _ => v?.ToString() }))));
            }
        }
        return rows;
    }
}
