using System.Text.Json;
using NodaTime;
using Warmte.Alv;
using Warmte.Members;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Decisions;

/// <summary>
/// The ALV's history lives in journal rows, not in the snapshot (issue 15), and a secret ballot keeps
/// no link between a member and a choice anywhere in the database (issue 17). Real SQLite files.
/// </summary>
public sealed class AlvJournalTests
{
    private static readonly LocalDate Today = new(2026, 11, 22); // GrainStorageTests' clock

    private static async Task Register(IGrainFactory grains, int count)
    {
        var registered = await grains.GetGrain<IMemberRegisterGrain>("ketelhuiswg").Register([.. Enumerable.Range(1, count).Select(i => (MemberInput?)new MemberInput
        {
            Number = $"L-{i}", Name = "Lid " + i, Category = "huurder", Postcode = "1054 AB", Huisnummer = 1 + i % 80, JoinedOn = new LocalDate(2020, 1, 1),
        })], "test");
        Assert.True(registered.IsOk, registered.Refusal?.Message);
    }

    private static async Task<List<(string Table, string Text)>> AlvRows(Database database)
    {
        await using var connection = await database.OpenAsync();
        var rows = new List<(string, string)>();
        foreach (var (table, columns) in new[]
                 {
                     ("warmte_snapshot", "version || '|' || last_seq || '|' || state || '|' || modified_at"),
                     ("warmte_journal", "seq || '|' || kind || '|' || coalesce(tag, '') || '|' || at || '|' || coalesce(actor, '') || '|' || payload"),
                     ("warmte_idempotency", "idem_key || '|' || fingerprint || '|' || coalesce(answer, '') || '|' || coalesce(seq, '') || '|' || at"),
                 })
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT {columns} FROM {table} WHERE grain_type = 'alv'";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((table, reader.GetString(0)));
        }
        return rows;
    }

    private static async Task<long> SnapshotBytes(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT length(CAST(state AS BLOB)) FROM warmte_snapshot WHERE grain_type = 'alv' AND grain_key = 'ketelhuiswg'";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_thousand_ballots_stay_out_of_the_snapshot_and_close_to_the_counted_result()
    {
        var settings = await GrainStorageTests.Storage("sqlite");
        var cluster = await GrainStorageTests.Cluster(settings);
        try
        {
            var grains = cluster.Client;
            await GrainStorageTests.CreateKetelhuis(grains);
            await Register(grains, 2_100);
            var alv = grains.GetGrain<IAlvGrain>("ketelhuiswg");
            var meeting = await alv.CreateMeeting(new CreateMeeting
            {
                Id = "alv", Title = "ALV", Date = Today, NoticeDate = Today.PlusDays(-14),
                Proposals = [new ProposalInput { Id = "tarief", Title = "Tarief", DecisionType = "Tariefbesluit" }],
            }, "test");
            Assert.True(meeting.IsOk, meeting.Refusal?.Message);
            // On the list: 1..500 (who vote) and 2001..2100 (who do not).
            var present = Enumerable.Range(1, 500).Concat(Enumerable.Range(2001, 100)).Select(i => (string?)$"L-{i}").ToArray();
            Assert.True((await alv.RecordAttendance("alv", new RecordAttendance { Present = [.. present] }, "test")).IsOk);
            var empty = await SnapshotBytes(new Database(settings));

            var choices = new[] { "Voor", "Voor", "Tegen", "Onthouding", "Voor" };
            for (var i = 1; i <= 2_000; i++)
            {
                var cast = await alv.CastBallot("alv", "tarief", new CastBallot { MemberNumber = $"L-{i}", Choice = choices[i % 5] }, "test");
                Assert.True(cast.IsOk, cast.Refusal?.Message);
            }
            // A retry and a second ballot of the same member: one vote.
            Assert.True((await alv.CastBallot("alv", "tarief", new CastBallot { MemberNumber = "L-7", Choice = choices[7 % 5] }, "test")).IsOk);
            Assert.Equal("already-voted", (await alv.CastBallot("alv", "tarief", new CastBallot { MemberNumber = "L-7", Choice = "Onthouding" }, "test")).Refusal!.Code);

            var bytes = await SnapshotBytes(new Database(settings));
            Assert.True(bytes < 8 * 1024, $"snapshot {bytes} bytes");
            Assert.True(bytes - empty < 512, $"2,000 ballots grew the snapshot by {bytes - empty} bytes");

            var page = (await alv.Ballots("alv", "tarief", 10, 200))!;
            Assert.Equal(2_000, page.Total);
            Assert.Equal(Enumerable.Range(1801, 200).Select(i => $"L-{i}"), page.Items.Select(b => b.MemberNumber));
            Assert.All(page.Items, b => Assert.Null(b.Choice)); // sealed while open
            Assert.Equal(600, (await alv.Attendance("alv", 1, 200))!.Total);

            var closed = await alv.Close("alv", "tarief", "test");
            Assert.True(closed.IsOk, closed.Refusal?.Message);
            var result = closed.Value!.Closed!.Result;
            var expected = Enumerable.Range(1, 2_000).GroupBy(i => choices[i % 5]).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal((expected["Voor"], expected["Tegen"], expected["Onthouding"]), ((int)result.For, (int)result.Against, (int)result.Abstain));
            Assert.Equal(2_100, result.PresentOrRepresented); // 2,000 voters and the 100 on the list who did not vote
            Assert.Equal(2_100, result.EligibleMembers);
            Assert.Equal(choices[123 % 5], (await alv.Ballots("alv", "tarief", 1, 200))!.Items.Single(b => b.MemberNumber == "L-123").Choice.ToString());
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_secret_ballot_leaves_no_row_that_links_a_member_to_a_choice_or_a_receipt()
    {
        var settings = await GrainStorageTests.Storage("sqlite");
        var cluster = await GrainStorageTests.Cluster(settings);
        try
        {
            var grains = cluster.Client;
            await GrainStorageTests.CreateKetelhuis(grains);
            await Register(grains, 30);
            var alv = grains.GetGrain<IAlvGrain>("ketelhuiswg");
            var statutes = await alv.SetStatutes(new SetStatutes
            {
                Electronic = new ElectronicVotingInput { AdvanceVotingAllowed = true, AdvanceVotersCountAsPresent = true, SecretBallotTypes = ["Bestuursverkiezing"] },
            }, "test");
            Assert.True(statutes.IsOk, statutes.Refusal?.Message);
            Assert.True((await alv.CreateMeeting(new CreateMeeting
            {
                Id = "alv", Title = "ALV", Date = Today, NoticeDate = Today.PlusDays(-20),
                Proposals = [new ProposalInput { Id = "bestuur", Title = "Bestuursverkiezing", DecisionType = "Bestuursverkiezing" }],
            }, "test")).IsOk);

            var choices = new[] { VoteChoice.Voor, VoteChoice.Tegen, VoteChoice.Voor, VoteChoice.Onthouding };
            var receipts = new Dictionary<string, (string Receipt, VoteChoice Choice)>();
            for (var i = 1; i <= 24; i++)
            {
                // Receipts made by the caller; here in an order unlike the members' so sorting shows.
                var receipt = $"R{(i * 7919 % 1000):000}-{i * 31 % 97:00}-CODE";
                var channel = i % 3 == 0 ? BallotChannel.Meeting : BallotChannel.Online;
                var cast = await alv.Cast("alv", "bestuur", new CastBallot { MemberNumber = $"L-{i}", Choice = choices[i % 4].ToString(), Channel = channel, Receipt = receipt }, "test");
                Assert.True(cast.IsOk, cast.Refusal?.Message);
                Assert.Equal(receipt, cast.Value!.Receipt);
                receipts[$"L-{i}"] = (receipt, choices[i % 4]);
            }
            // Sealed: the board sees turnout, not choices, and the second vote names the first channel.
            var turnout = (await alv.Turnout("alv", "bestuur"))!;
            Assert.Equal((24, 16, 8), (turnout.Ballots, turnout.Online, turnout.AtMeeting));
            var again = await alv.Cast("alv", "bestuur", new CastBallot { MemberNumber = "L-1", Choice = "Voor", Channel = BallotChannel.Meeting }, "test");
            Assert.Equal("already-voted", again.Refusal!.Code);
            Assert.Contains("online", again.Refusal.Errors.Single(e => e.Field == "memberNumber").Reason);
            Assert.Null(await alv.Receipts("alv", "bestuur"));
            // A lost answer resent (the online page derives the same receipt from its attempt): the first
            // answer again, counted once; the receipt under another choice or another receipt is a second vote.
            var (r1, c1) = receipts["L-1"];
            var resent = await alv.Cast("alv", "bestuur", new CastBallot { MemberNumber = "L-1", Choice = c1.ToString(), Channel = BallotChannel.Online, Receipt = r1 }, "test");
            Assert.True(resent.IsOk && resent.Value!.Repeat, resent.Refusal?.Message);
            Assert.Equal(r1, resent.Value!.Receipt);
            Assert.Equal(24, (await alv.Turnout("alv", "bestuur"))!.Ballots);
            var otherChoice = await alv.Cast("alv", "bestuur", new CastBallot { MemberNumber = "L-1", Choice = c1 == VoteChoice.Voor ? "Tegen" : "Voor", Channel = BallotChannel.Online, Receipt = r1 }, "test");
            Assert.Equal("already-voted", otherChoice.Refusal!.Code);
            var otherReceipt = await alv.Cast("alv", "bestuur", new CastBallot { MemberNumber = "L-1", Choice = c1.ToString(), Channel = BallotChannel.Online, Receipt = receipts["L-2"].Receipt }, "test");
            Assert.Equal("already-voted", otherReceipt.Refusal!.Code);

            await CheckNoLink(settings, receipts, open: true);
            var closed = await alv.Close("alv", "bestuur", "test");
            Assert.True(closed.IsOk, closed.Refusal?.Message);
            var result = closed.Value!.Closed!.Result;
            Assert.Equal(receipts.Values.Count(r => r.Choice == VoteChoice.Voor), (int)result.For);
            Assert.Equal(receipts.Values.Count(r => r.Choice == VoteChoice.Tegen), (int)result.Against);
            await CheckNoLink(settings, receipts, open: false);

            // Verifiable: each receipt is published under the choice it was cast with, the lists sorted by code.
            var published = (await alv.Receipts("alv", "bestuur"))!;
            Assert.Equal(receipts.Values.Where(r => r.Choice == VoteChoice.Voor).Select(r => r.Receipt).Order(StringComparer.Ordinal), published.Voor);
            foreach (var (receipt, choice) in receipts.Values)
                Assert.Equal(choice, (await alv.CheckReceipt("alv", "bestuur", receipt))!.Choice);
            Assert.Null(await alv.CheckReceipt("alv", "bestuur", "ONBEKEND-123"));
            // After closing, the board's ballot list still shows who voted and never what.
            Assert.All((await alv.Ballots("alv", "bestuur", 1, 50))!.Items, b => Assert.Null(b.Choice));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Every alv row of every table: none names a member together with a choice or a receipt.</summary>
    private static async Task CheckNoLink(Silo.Storage.StorageSettings settings, Dictionary<string, (string Receipt, VoteChoice Choice)> votes, bool open)
    {
        var rows = await AlvRows(new Database(settings));
        Assert.NotEmpty(rows);
        var choiceWords = Enum.GetNames<VoteChoice>().Select(c => $"\"{c}\"").ToArray();
        foreach (var (table, text) in rows)
        {
            var members = votes.Keys.Where(m => System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{m}\b")).ToList();
            if (members.Count == 0) continue;
            Assert.False(choiceWords.Any(text.Contains), $"{table} row names {members[0]} and a choice: {text}");
            Assert.False(votes.Values.Any(v => text.Contains(v.Receipt)), $"{table} row names {members[0]} and a receipt: {text}");
        }
        // The rows that hold choices or receipts name no member and keep receipts in code order, not arrival order.
        foreach (var (_, text) in rows.Where(r => votes.Values.Any(v => r.Text.Contains(v.Receipt))))
        {
            var positions = votes.Values.Select(v => (v.Receipt, At: text.IndexOf(v.Receipt, StringComparison.Ordinal))).Where(x => x.At >= 0).ToList();
            foreach (var group in new[] { positions })
            {
                var inText = group.OrderBy(x => x.At).Select(x => x.Receipt).ToList();
                if (open) Assert.Equal(inText.Order(StringComparer.Ordinal), inText);
            }
        }
    }
}
