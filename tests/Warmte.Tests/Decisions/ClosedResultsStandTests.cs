using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Tester6 T5: a member written out with a date before an ALV that is already closed, at which she counted. The closed results
/// stand as counted (only a recount counts again); the write-out says so per meeting, and the online panel of a closed meeting
/// reports the electorate the results were counted with, the register's figure beside it only when that moved.
/// </summary>
public sealed class ClosedResultsStandTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 20, 0);

    private static Meeting Meeting(string id, LocalDate date, params Proposal[] proposals) => new()
    {
        Id = id, Title = "ALV", Date = date, NoticeDate = date.PlusDays(-14), Proposals = [.. proposals], CreatedBy = "bestuur", CreatedAt = Now,
    };

    private static Proposal Open(string id) => new() { Id = id, Title = id, DecisionType = DecisionType.Overig, Mode = BallotMode.Ballots };

    private static Proposal Closed(string id, int eligible, Instant closedAt) => Open(id) with
    {
        Closed = new ClosedDecision
        {
            ClosedBy = "bestuur", ClosedAt = closedAt,
            Result = new DecisionResult
            {
                Outcome = DecisionOutcome.Aangenomen, For = 2, Against = 0, Abstain = 0, Denominator = 2, EligibleMembers = eligible,
                PresentOrRepresented = 2, QuorumMet = true, QuorumWaived = false, ForPercent = 100, Rule = null!, Represented = 0,
            },
        },
    };

    [Fact]
    public void The_testers_case_names_the_meeting_how_she_counted_and_that_a_recount_is_the_way()
    {
        var alv = Meeting("alv-2026-12", new LocalDate(2026, 12, 7), Closed("tarief-2027", 12, Now), Closed("statuten", 12, Now), Closed("benoeming", 12, Now));
        var counted = new[]
        {
            new CountedAtClose("alv-2026-12", "tarief-2027", CountedAs.Voted, BallotChannel.Online),
            new CountedAtClose("alv-2026-12", "statuten", CountedAs.Voted, BallotChannel.Meeting, "OW-005"),
            new CountedAtClose("alv-2026-12", "benoeming", CountedAs.ProxyHolder, BallotChannel.Tally, "OW-003"),
        };
        var sentence = Assert.Single(AlvRules.ClosedResultsStand("OW-002", [alv], counted, new LocalDate(2026, 12, 7)));
        Assert.StartsWith("Lid OW-002 stemde op de ALV van 07-12-2026 ('alv-2026-12': 'tarief-2027' online, 'statuten' bij volmacht via lid OW-005, "
                          + "'benoeming' bij volmacht voor lid OW-003); die uitslag blijft staan; een hertelling is nodig om dat te veranderen (kan tot en met 21-12-2026", sentence);
        // One command per decision, each one the service takes (RecountOnlineTests: a recount of a recount, a secret ballot).
        Assert.Contains("warmte alv proposal add <coöperatie> alv-2026-12 --corrects alv-2026-12/tarief-2027; "
                        + "warmte alv proposal add <coöperatie> alv-2026-12 --corrects alv-2026-12/statuten; "
                        + "warmte alv proposal add <coöperatie> alv-2026-12 --corrects alv-2026-12/benoeming).", sentence);
        Assert.DoesNotContain("<voorstel>", sentence);

        // After the recount period: the result stays as counted, and the sentence does not send the board to a recount it cannot add.
        var late = Assert.Single(AlvRules.ClosedResultsStand("OW-002", [alv], counted, new LocalDate(2026, 12, 22)));
        Assert.Contains("die uitslag blijft staan; een hertelling kon tot en met 21-12-2026, dus de uitslag blijft zoals geteld", late);
        Assert.DoesNotContain("--corrects", late);
    }

    [Fact]
    public void One_sentence_per_meeting_oldest_first_and_presence_alone_is_said_as_presence()
    {
        var spring = Meeting("alv-voorjaar", new LocalDate(2026, 4, 1), Closed("jaarrekening", 10, Now));
        var autumn = Meeting("alv-najaar", new LocalDate(2026, 11, 1), Closed("begroting", 10, Now));
        var sentences = AlvRules.ClosedResultsStand("L-1", [autumn, spring],
            [new CountedAtClose("alv-najaar", "begroting", CountedAs.Present), new CountedAtClose("alv-voorjaar", "jaarrekening", CountedAs.Voted, BallotChannel.Tally)],
            new LocalDate(2026, 12, 7));
        Assert.Equal(2, sentences.Length);
        Assert.StartsWith("Lid L-1 stemde op de ALV van 01-04-2026 ('alv-voorjaar': 'jaarrekening' op de papieren telling)", sentences[0]);
        Assert.StartsWith("Lid L-1 stond op de presentielijst van de ALV van 01-11-2026 ('alv-najaar') en telde mee als aanwezig; die uitslag blijft staan", sentences[1]);
        Assert.Empty(AlvRules.ClosedResultsStand("L-1", [autumn, spring], [], new LocalDate(2026, 12, 7)));
    }

    [Fact]
    public void The_panel_reports_the_counted_electorate_once_closed_and_the_register_beside_it_only_when_it_moved()
    {
        // Open: the register of now is the only figure (it is what the close will use).
        Assert.Equal((11, (int?)null), AlvRules.PanelElectorate([Closed("a", 12, Now), Open("b")], 11));
        // All closed with 12, the register now says 11 (the tester's case): 12, with 11 beside it.
        Assert.Equal((12, (int?)11), AlvRules.PanelElectorate([Closed("a", 12, Now), Closed("b", 12, Now)], 11));
        // No change since: one figure.
        Assert.Equal((12, (int?)null), AlvRules.PanelElectorate([Closed("a", 12, Now)], 12));
        // Closed on different registers: the last close's figure.
        Assert.Equal((11, (int?)10), AlvRules.PanelElectorate([Closed("a", 12, Now), Closed("b", 11, Now.Plus(Duration.FromHours(1)))], 10));
        Assert.Equal((9, (int?)null), AlvRules.PanelElectorate(ImmutableArray<Proposal>.Empty, 9));
    }
}
