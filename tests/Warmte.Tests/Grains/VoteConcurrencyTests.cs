using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;
using Warmte.Members;

namespace Warmte.Tests.Grains;

/// <summary>One member, one vote, also when many ballots for the same member arrive at once.</summary>
public sealed class VoteConcurrencyTests
{
    [Theory]
    [MemberData(nameof(GrainStorageTests.Backends), MemberType = typeof(GrainStorageTests))]
    public async Task Concurrent_ballots_of_one_member_count_once_and_every_member_counts(string backend)
    {
        var cluster = await GrainStorageTests.Cluster(await GrainStorageTests.Storage(backend));
        try
        {
            var grains = cluster.Client;
            await GrainStorageTests.CreateKetelhuis(grains);
            var numbers = Enumerable.Range(1, 30).Select(i => $"L-{i}").ToArray();
            var registered = await grains.GetGrain<IMemberRegisterGrain>("ketelhuiswg").Register([.. numbers.Select(n => (MemberInput?)new MemberInput
            {
                Number = n, Name = "Lid " + n, Category = "huurder", Postcode = "1054 AB", Huisnummer = 1, JoinedOn = new LocalDate(2020, 1, 1),
            })], "test");
            Assert.True(registered.IsOk, registered.Refusal?.Message);
            var alv = grains.GetGrain<IAlvGrain>("ketelhuiswg");
            var meeting = await alv.CreateMeeting(new CreateMeeting
            {
                Id = "alv", Title = "ALV", Date = new LocalDate(2024, 12, 14), NoticeDate = new LocalDate(2024, 11, 30),
                Proposals = [new ProposalInput { Id = "realisatiebesluit", Title = "Realisatiebesluit", DecisionType = "Realisatiebesluit", ProjectId = "wg-terrein" }],
            }, "test");
            Assert.True(meeting.IsOk, meeting.Refusal?.Message);

            // Every member sends five different ballots at the same moment.
            var choices = new[] { "Voor", "Tegen", "Onthouding", "Voor", "Tegen" };
            var outcomes = await Task.WhenAll(numbers.SelectMany(n => choices.Select(c =>
                alv.CastBallot("alv", "realisatiebesluit", new CastBallot { MemberNumber = n, Choice = c }, "test"))));

            // The ballots are journal rows now: read them back page by page as the API does.
            var ballots = (await alv.Ballots("alv", "realisatiebesluit", 1, 100))!.Items;
            Assert.Equal(numbers.Length, ballots.Length);
            Assert.Equal(numbers.Order(), ballots.Select(b => b.MemberNumber).Order());
            // Whatever came first per member was stored; the different ones after it were refused.
            Assert.All(outcomes.Where(o => !o.IsOk), o => Assert.Equal("already-voted", o.Refusal!.Code));

            var closed = await alv.Close("alv", "realisatiebesluit", "test");
            var result = closed.Value!.Closed!.Result;
            Assert.Equal(numbers.Length, result.For + result.Against + result.Abstain);
            Assert.Equal(30, result.EligibleMembers);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
