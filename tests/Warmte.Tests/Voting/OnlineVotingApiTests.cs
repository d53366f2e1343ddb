using System.Net;
using System.Text.Json;
using ClosedXML.Excel;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>One service whose clock stands on the day of the test meetings (20 March 2027, noon in Amsterdam).</summary>
public sealed class OnlineVotingFixture : IAsyncLifetime
{
    public static readonly Instant Now = Instant.FromUtc(2027, 3, 20, 11, 0);

    public const string MeetingDate = "2027-03-20";

    public WarmteServer Server { get; private set; } = null!;

    // The lockout has its own test (OnlineVotingLockoutTests); here the tests' deliberate wrong codes add up across tests.
    public async Task InitializeAsync() => Server = await WarmteServer.StartAsync(clock: new FakeClock(Now),
        extraArgs: ["--Voting:FailuresBeforeLockout", "100000"]);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class OnlineVotingApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A cooperative with three members, a meeting today with two proposals, online voting open; returns (coop, board client).</summary>
    private async Task<(string Coop, HttpClient Board)> Opened(string meeting = "alv")
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = meeting, title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[]
            {
                new { id = "realisatiebesluit", title = "Realisatiebesluit warmtenet", decisionType = "Realisatiebesluit", projectId = project },
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var board = Server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        // Without statutes that allow electronic voting the board cannot open it (BW 2:38a).
        var off = await board.Put($"api/cooperatives/{coop}/alv/meetings/{meeting}/online", new { proposals = new[] { new { proposalId = "tarief" } } });
        Assert.Equal(HttpStatusCode.Conflict, off.Status);
        Assert.Equal("online-voting-off", off.Code);
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await board.Put($"api/cooperatives/{coop}/alv/meetings/{meeting}/online", new
        {
            opens = "2027-03-01",
            proposals = new[]
            {
                new { proposalId = "realisatiebesluit", explanation = "Het bestuur stelt voor het warmtenet te bouwen." },
                new { proposalId = "tarief", explanation = "Vastrecht en GJ-prijs voor 2028." },
            },
        });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        Assert.Equal("open", opened.Text("status"));
        return (coop, board);
    }

    private static async Task<Dictionary<string, string>> Codes(HttpClient board, string coop, string meeting = "alv", object? body = null)
    {
        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/{meeting}/online/codes", body ?? new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        return issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
    }

    private HttpClient Member() => Server.Client(token: null);

    [Fact]
    public async Task A_member_opens_the_ballot_with_the_code_votes_and_gets_a_receipt()
    {
        var (coop, board) = await Opened();
        var codes = await Codes(board, coop);
        Assert.Equal(["L-1", "L-2", "L-3"], codes.Keys.Order());
        Assert.Equal(3, codes.Values.Distinct().Count());

        // Typed sloppily: lower case, spaces instead of dashes.
        var typed = codes["L-1"].ToLowerInvariant().Replace('-', ' ');
        var paper = await Member().Post("api/stem/paper", new { code = typed });
        Assert.True(paper.Status == HttpStatusCode.OK, paper.Raw);
        Assert.Equal("L-1", paper.Text("memberNumber"));
        Assert.Equal("Lid L-1", paper.Text("memberName"));
        Assert.Equal("Het bestuur stelt voor het warmtenet te bouwen.", paper.Body.GetProperty("items")[0].GetProperty("explanation").GetString());
        Assert.Equal(JsonValueKind.Null, paper.Body.GetProperty("items")[0].GetProperty("myVote").ValueKind);

        var vote = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "realisatiebesluit", choice = "voor" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", vote.Text("receipt"));
        Assert.Equal("Voor", vote.Text("choice"));

        // The vote is an ALV ballot, recorded through the online channel (sealed: no choice while open).
        var ballots = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/realisatiebesluit/ballots");
        Assert.True(ballots.Status == HttpStatusCode.OK, ballots.Raw);
        Assert.Equal(1, ballots.Body.GetProperty("total").GetInt32());
        Assert.Equal("L-1", ballots.Body.GetProperty("items")[0].GetProperty("memberNumber").GetString());
        Assert.Equal("Online", ballots.Body.GetProperty("items")[0].GetProperty("channel").GetString());

        var again = await Member().Post("api/stem/paper", new { code = codes["L-1"] });
        Assert.NotEqual(JsonValueKind.Null, again.Body.GetProperty("items")[0].GetProperty("myVote").ValueKind);
        Assert.Equal("online", again.Body.GetProperty("items")[0].GetProperty("votedVia").GetString());
        Assert.Equal(JsonValueKind.Null, again.Body.GetProperty("items")[1].GetProperty("myVote").ValueKind);

        // The same request again (a replay) is refused and says which vote counts.
        var replay = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "realisatiebesluit", choice = "Tegen" });
        Assert.Equal(HttpStatusCode.Conflict, replay.Status);
        Assert.Equal("already-voted", replay.Code);
        Assert.Contains("online", replay.Raw);

        // The board sees turnout, not choices.
        var view = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal(1, view.Body.GetProperty("voters").GetInt32());
        Assert.Equal(3, view.Body.GetProperty("codesIssued").GetInt32());
        Assert.Equal(3, view.Body.GetProperty("electorate").GetInt32());
        Assert.DoesNotContain("Voor", view.Raw);
    }

    [Fact]
    public async Task A_member_who_voted_at_the_meeting_is_refused_online_naming_that_channel()
    {
        var (coop, board) = await Opened();
        var codes = await Codes(board, coop);
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots", new { memberNumber = "L-2", choice = "Tegen" })).Status);
        var refused = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor" });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("already-voted", refused.Code);
        Assert.Contains("op de vergadering", refused.Raw);
        // And the other way round: an online vote first, then the board types a different ballot.
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-3"], proposalId = "tarief", choice = "Voor" })).Status);
        var typed = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots", new { memberNumber = "L-3", choice = "Tegen" });
        Assert.Equal(HttpStatusCode.Conflict, typed.Status);
    }

    [Fact]
    public async Task Unknown_replaced_and_expired_codes_all_get_the_same_answer()
    {
        var (coop, board) = await Opened();
        var first = await Codes(board, coop);
        var reissued = await Codes(board, coop, body: new { members = new[] { "l-1" } });
        Assert.Equal(["L-1"], reissued.Keys);
        Assert.NotEqual(first["L-1"], reissued["L-1"]);

        var answers = new List<ApiCalls.Answer>
        {
            await Member().Post("api/stem/paper", new { code = "7KQ3-M9XD-2HTB-R4VN" }),   // never issued
            await Member().Post("api/stem/paper", new { code = "niet-een-code" }),          // not even a code
            await Member().Post("api/stem/paper", new { code = first["L-1"] }),             // replaced
            await Member().Post("api/stem/votes", new { code = first["L-1"], proposalId = "tarief", choice = "Voor" }),
        };
        // The new code works, and L-2's code from the first letter still does.
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/paper", new { code = reissued["L-1"] })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/paper", new { code = first["L-2"] })).Status);

        var closed = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/close", new { });
        Assert.Equal("gesloten", closed.Text("status"));
        answers.Add(await Member().Post("api/stem/paper", new { code = reissued["L-1"] }));                 // expired
        answers.Add(await Member().Post("api/stem/votes", new { code = first["L-2"], proposalId = "tarief", choice = "Voor" })); // vote after closing

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.Equal(answers[0].Raw, answer.Raw);
        }
        Assert.Contains("niet (meer) geldig", answers[0].Raw);
        // Closed stays closed: no code is issued afterwards.
        Assert.Equal(HttpStatusCode.Conflict, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { })).Status);
    }

    [Fact]
    public async Task The_database_never_holds_a_usable_code()
    {
        var (coop, board) = await Opened();
        var codes = await Codes(board, coop);
        var hashes = new List<string>();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(Server.DataDir, "warmtenet.db")};Mode=ReadOnly"))
        {
            await connection.OpenAsync();
            var command = connection.CreateCommand();
            command.CommandText = "SELECT tag FROM warmte_journal WHERE grain_type = 'online-voting' AND grain_key = $key AND kind = 'code'";
            command.Parameters.AddWithValue("$key", $"{coop}/alv");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) hashes.Add(reader.GetString(0));
        }
        Assert.Equal(3, hashes.Count);
        Assert.All(hashes, h => Assert.Matches("^[0-9a-f]{64}$", h));
        // Every byte of the database and its write-ahead log: no code, with or without dashes.
        var bytes = string.Concat(Directory.GetFiles(Server.DataDir, "warmtenet.db*").Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return System.Text.Encoding.Latin1.GetString(copy.ToArray());
        }));
        foreach (var code in codes.Values)
        {
            Assert.DoesNotContain(code, bytes);
            Assert.DoesNotContain(code.Replace("-", ""), bytes);
        }
    }

    [Fact]
    public async Task The_board_downloads_a_mail_merge_sheet_and_printable_letters_whose_codes_work()
    {
        var (coop, board) = await Opened();
        using var sheetResponse = await board.PostAsync($"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=xlsx",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, sheetResponse.StatusCode);
        Assert.Equal("no-store", sheetResponse.Headers.CacheControl?.ToString());
        // No Voting:PublicUrl here: the download carries a Dutch warning that the links point at this request's address (tester F10).
        // And, since these members have no street or town in the register, that the letters lack a postal address (tester6 T8).
        var warnings = sheetResponse.Headers.GetValues("Warmte-Waarschuwing").ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("Voting:PublicUrl is niet ingesteld"));
        Assert.Contains(warnings, w => w.StartsWith("Geen van de 3 brieven heeft een volledig postadres"));
        using var workbook = new XLWorkbook(new MemoryStream(await sheetResponse.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet("Stemcodes");
        Assert.Equal("Lidnummer", sheet.Cell(1, 1).GetString());
        Assert.Equal("Stemcode", sheet.Cell(1, 4).GetString());
        Assert.Equal("Link", sheet.Cell(1, 5).GetString());
        Assert.Equal(4, sheet.LastRowUsed()!.RowNumber());
        var code = sheet.Cell(2, 4).GetString();
        Assert.Equal("L-1", sheet.Cell(2, 1).GetString());
        Assert.Equal("1054 AB 1", sheet.Cell(2, 3).GetString());
        Assert.Equal($"{Server.BaseUrl}/stem#{code}", sheet.Cell(2, 5).GetString());
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/paper", new { code })).Status);

        // Letters re-issue every code: the sheet's codes stop working, the letters' work.
        using var lettersResponse = await board.PostAsync($"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=letters",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var html = await lettersResponse.Content.ReadAsStringAsync();
        Assert.Equal("text/html", lettersResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(html, "<section class=\"brief\">").Count);
        Assert.Contains("page-break-after:always", html);
        Assert.Contains("Uw persoonlijke stemcode", html);
        var letterCode = System.Text.RegularExpressions.Regex.Match(html, "/stem#([0-9A-Z-]{19})").Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/paper", new { code = letterCode })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Member().Post("api/stem/paper", new { code })).Status);
    }

    [Fact]
    public async Task Only_the_own_board_manages_online_voting()
    {
        var (coop, _) = await Opened();
        var other = Server.Client((await Server.Client().Post("api/tokens", new { name = "Ander", role = "board:andere-coop" })).Text("token"));
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/close", new { })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Member().Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { })).Status);
    }

    [Fact]
    public async Task Bad_input_is_refused_in_dutch_naming_the_field_never_a_500()
    {
        var (coop, board) = await Opened();
        var codes = await Codes(board, coop);
        var early = await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-02-28", proposals = new[] { new { proposalId = "tarief" } } });
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        Assert.Equal(["opens"], early.ErrorFields);
        Assert.Contains("30e dag", early.Raw);
        Assert.Contains("01-03-2027", early.Raw);
        var unknownProposal = await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { proposals = new[] { new { proposalId = "bestaat-niet" } } });
        Assert.Equal(["proposals[0].proposalId"], unknownProposal.ErrorFields);
        var notMember = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { members = new[] { "L-99" } });
        Assert.Equal(["members[0]"], notMember.ErrorFields);
        Assert.Equal(["format"], (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=pdf", new { })).ErrorFields);

        var choice = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Misschien" });
        Assert.Equal(HttpStatusCode.BadRequest, choice.Status);
        Assert.Equal(["choice"], choice.ErrorFields);
        Assert.Contains("Voor, Tegen of Onthouding", choice.Raw);
        var proposal = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "begroting", choice = "Voor" });
        Assert.Equal(["proposalId"], proposal.ErrorFields);
        foreach (var raw in new[] { "", "{", "[]", "{\"code\": 12}", "null", "{\"code\":\"" + new string('A', 5000) + "\"}" })
        {
            var answer = await Member().PostRaw("api/stem/votes", raw);
            Assert.True((int)answer.Status is 400 or 404, $"{raw}: {answer.Status} {answer.Raw}");
            Assert.Equal("application/problem+json", answer.ContentType);
        }
        // Nothing of this changed the ballots.
        Assert.Equal(0, (await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots")).Body.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_closed_proposal_takes_no_more_online_votes()
    {
        var (coop, board) = await Opened();
        var codes = await Codes(board, coop);
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Voor" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        var late = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Tegen" });
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Equal("proposal-closed", late.Code);
    }

    [Fact]
    public async Task A_receipt_is_checked_only_after_the_result_and_bad_input_names_the_field()
    {
        var (coop, board) = await Opened();
        var codes = await Codes(board, coop);
        var vote = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen" });
        var receipt = vote.Text("receipt");
        var paper = await Member().Post("api/stem/paper", new { code = codes["L-1"] });
        Assert.Equal($"{coop}/alv", paper.Text("votingKey"));
        var early = await Member().Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt = receipt.ToLowerInvariant() });
        // Before the result: the same answer as for a meeting that does not exist, naming no proposal (tester9b T6).
        Assert.Equal(HttpStatusCode.NotFound, early.Status);
        Assert.Equal("no-result", early.Code);
        Assert.Equal(["receipt"], (await Member().Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt = "123" })).ErrorFields);
        Assert.Equal(["meeting"], (await Member().Post("api/stem/receipt", new { meeting = "../../etc", receipt })).ErrorFields);
        Assert.Equal(HttpStatusCode.NotFound, (await Member().Post("api/stem/receipt", new { meeting = "bestaat/niet", receipt })).Status);

        // After the result: the receipt is counted under the member's choice; a made-up one is not counted.
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/realisatiebesluit/close", new { })).Status);
        var checkedReceipt = await Member().Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt = receipt.ToLowerInvariant().Replace("-", " ") });
        Assert.True(checkedReceipt.Status == HttpStatusCode.OK, checkedReceipt.Raw);
        Assert.Equal("tarief", checkedReceipt.Body[0].GetProperty("proposalId").GetString());
        Assert.Equal("Tegen", checkedReceipt.Body[0].GetProperty("choice").GetString());
        var madeUp = await Member().Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt = receipt == "AAAA-AAAA" ? "BBBB-BBBB" : "AAAA-AAAA" });
        Assert.Equal(HttpStatusCode.NotFound, madeUp.Status);
        Assert.Equal("unknown-receipt", madeUp.Code);
    }
}

/// <summary>Guessing: after a few unknown codes from one address that address backs off for unknown codes; its valid codes still work.</summary>
public sealed class OnlineVotingLockoutTests
{
    [Fact]
    public async Task Repeated_unknown_codes_lock_the_address_out_with_retry_after()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now),
            extraArgs: ["--Voting:FailuresBeforeLockout", "3", "--Voting:LockoutMinutes", "10"]);
        var admin = server.Client();
        var coop = "coop-lock";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, "proj-lock");
        await ApiCalls.SeedMembers(admin, coop);
        await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } });
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        });
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { proposals = new[] { new { proposalId = "tarief" } } })).Status);
        var code = (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { })).Body.GetProperty("codes")[0].GetProperty("code").GetString();

        var member = server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code })).Status);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await member.Post("api/stem/paper", new { code = $"AAAA-BBBB-CCCC-DDD{i}" })).Status);
        var locked = await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-DDD9" });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
        Assert.Equal("too-many-attempts", locked.Code);
        Assert.Equal("application/problem+json", locked.ContentType);
        Assert.Contains("te veel pogingen", locked.Raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("10 minuten", locked.Raw);
        // The member's own valid code is served throughout: a guesser behind the same address cannot lock members out.
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code })).Status);
        var vote = await member.Post("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
    }
}

/// <summary>Tester9b T11: an empty attempt id ("nonce": "") was taken as none; the docs say 16 to 64 characters.</summary>
public sealed class EmptyNonceTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    [Fact]
    public async Task An_empty_nonce_is_refused_naming_the_field_and_a_vote_without_one_is_taken()
    {
        var server = fixture.Server;
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "tarief" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        var code = issued.Body.GetProperty("codes")[0].GetProperty("code").GetString()!;
        var member = server.Client(token: null);

        foreach (var empty in new[] { "", "   " })
        {
            var refused = await member.Post("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor", nonce = empty });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal(["nonce"], refused.ErrorFields);
            Assert.Contains("16 tot 64", refused.Raw);
        }
        // Nothing was counted: the same member still votes, without an attempt id.
        var vote = await member.Post("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
    }
}
