using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using NodaTime;
using Warmte.Alv;
using Warmte.Members;

namespace Warmte.Benchmarks;

/// <summary>
/// The member register and ALV counting at the size of a large cooperative (5,000 members): a bulk
/// registration (validate + merge), the summary every role reads, the eligibility check behind one
/// ballot, one ballot on a proposal that already holds 3,000, and closing that proposal.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class DecisionBenchmarks
{
    private const int Members = 5_000;
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly LocalDate MeetingDate = new(2026, 6, 13);

    private ImmutableArray<MemberInput?> _inputs;
    private Dictionary<string, Member> _register = null!;
    private AlvRecord _withBallots = null!;

    [GlobalSetup]
    public void Setup()
    {
        _inputs = [.. Enumerable.Range(1, Members).Select(i => (MemberInput?)new MemberInput
        {
            Number = $"L-{i:00000}", Name = $"Lid {i}", Category = i % 3 == 0 ? "huurder" : "eigenaar-bewoner", Woningequivalenten = 1,
            Postcode = $"10{i % 90 + 10} AB", Huisnummer = i % 200 + 1, JoinedOn = new LocalDate(2020, 1, 1).PlusDays(i % 1500),
        })];
        _register = [];
        MemberRules.Merge(_register, MemberRules.Validate(_inputs, Today).Value);
        var record = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = MeetingDate, NoticeDate = MeetingDate.PlusDays(-14),
            Proposals = [new ProposalInput { Id = "tarief", Title = "Tarief", DecisionType = "Tariefbesluit" }],
        }, Today, "b", Instant.FromUtc(2026, 6, 1, 0, 0)).Value!.Value;
        for (var i = 1; i <= 3_000; i++)
            record = AlvRules.CastBallot(record, "alv", "tarief", new CastBallot { MemberNumber = $"L-{i:00000}", Choice = i % 4 == 0 ? "Tegen" : "Voor" },
                MemberRules.Check(_register, [$"L-{i:00000}"], MeetingDate), BallotBook.Empty, Today, "b", Instant.FromUtc(2026, 6, 13, 12, 0)).Value!.Record;
        _withBallots = record;
    }

    [Benchmark(Description = "Register 5,000 members (validate + merge)")]
    public RegistrationResult RegisterAll()
    {
        var register = new Dictionary<string, Member>();
        return MemberRules.Merge(register, MemberRules.Validate(_inputs, Today).Value);
    }

    [Benchmark(Description = "Summary of 5,000 members")]
    public MemberSummary Summary() => MemberRules.Summarise("coop", _register.Values, Today);

    [Benchmark(Description = "Eligibility of one voter among 5,000")]
    public EligibilityCheck Eligibility() => MemberRules.Check(_register, ["L-04321"], MeetingDate);

    [Benchmark(Description = "One ballot on a proposal holding 3,000")]
    public object Ballot() => AlvRules.CastBallot(_withBallots, "alv", "tarief", new CastBallot { MemberNumber = "L-04321", Choice = "Voor" },
        MemberRules.Check(_register, ["L-04321"], MeetingDate), BallotBook.Empty, Today, "b", Instant.FromUtc(2026, 6, 13, 12, 0));

    [Benchmark(Description = "Close a proposal with 3,000 ballots")]
    public object Close() => AlvRules.Close(_withBallots, "alv", "tarief", MemberRules.ElectorateOn(_register.Values, MeetingDate), BallotBook.Empty, Today, "b", Instant.FromUtc(2026, 6, 13, 20, 0));
}
