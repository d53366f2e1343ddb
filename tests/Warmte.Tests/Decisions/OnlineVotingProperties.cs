using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Issue 17: votes arrive by several channels (online, entered at the meeting, the paper tally's
/// list, by proxy), with retries. Whatever the interleaving, each member counts at most once and the
/// closed result is the statutes' rule applied to the ballots that were accepted.
/// </summary>
public sealed class OnlineVotingProperties
{
    private static readonly LocalDate Date = new(2025, 6, 14);
    private static readonly Instant Now = Instant.FromUtc(2025, 6, 14, 10, 0);
    private const int Members = 8;

    private static string M(int i) => $"L-{i}";

    private static EligibilityCheck Everyone(IEnumerable<string> numbers) =>
        new([.. numbers.Distinct().Select(n => new Voter(n, 1 + int.Parse(n[2..]) % 3))], ImmutableDictionary<string, string>.Empty);

    /// <summary><see cref="Attempt"/>: the online page's submission attempt (nonce); its receipt is derived from member and attempt.</summary>
    public sealed record Step(int Member, bool Online, VoteChoice Choice, int? Holder, int Attempt = 0);

    public sealed record Scenario(bool CountOnlineAsPresent, bool Weighted, bool WithTally, int TallyAt, int AttendanceAt, int[] Attendance, Step[] Steps, bool Secret = false);

    private static string ReceiptOf(string member, int attempt) => $"RCPT-{member}-{attempt}";

    private static Gen<Scenario> Scenarios() =>
        from countAsPresent in Gen.Elements(true, false)
        from weighted in Gen.Elements(true, false)
        from withTally in Gen.Elements(true, false)
        from steps in (from member in Gen.Choose(1, Members)
                       from online in Gen.Elements(true, false)
                       from choice in Gen.Elements(VoteChoice.Voor, VoteChoice.Tegen, VoteChoice.Onthouding)
                       from holder in Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Choose(1, Members).Select(h => (int?)h)))
                       from attempt in Gen.Choose(0, 1)
                       select new Step(member, online, choice, holder, attempt)).ArrayOf().Select(a => a.Take(25).ToArray())
        from tallyAt in Gen.Choose(0, 25)
        from attendanceAt in Gen.Choose(0, 25)
        from attendance in Gen.Choose(1, Members).ArrayOf().Select(a => a.Distinct().Take(5).ToArray())
        from secret in Gen.Elements(true, false)
        select new Scenario(countAsPresent, weighted, withTally, tallyAt, attendanceAt, attendance, steps, secret);

    [Property(MaxTest = 300)]
    public Property Each_member_counts_once_and_the_result_is_the_rule_on_the_accepted_ballots() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            var statutes = AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes
            {
                Default = new DecisionRuleInput { Quorum = "1/2", MaxProxiesPerAttendee = 2, Weighting = scenario.Weighted ? "PerWoningequivalent" : "OneMemberOneVote" },
                Electronic = new ElectronicVotingInput { AdvanceVotingAllowed = true, AdvanceVotersCountAsPresent = scenario.CountOnlineAsPresent, OnlineProxiesAllowed = true,
                    SecretBallotTypes = scenario.Secret ? ["Tariefbesluit"] : [] },
            });
            Assert.True(statutes.IsOk, string.Join("; ", statutes.Refusal?.Errors.Select(e => e.Field + ": " + e.Reason) ?? []));
            var record = statutes.Value!.Value;
            var created = AlvRules.CreateMeeting(record, new CreateMeeting
            {
                Id = "alv", Title = "ALV", Date = Date, NoticeDate = Date.PlusDays(-14),
                Proposals = [new ProposalInput { Id = "tarief", Title = "Tarief", DecisionType = "Tariefbesluit" }],
            }, Date, "t", Now);
            Assert.True(created.IsOk, string.Join("; ", created.Refusal?.Errors.Select(e => e.Field + ": " + e.Reason) ?? []));
            record = created.Value!.Value;
            var book = BallotBook.Empty;
            var accepted = new List<(string Member, VoteChoice Choice, string? Holder, bool Counted, decimal Weight, string? Receipt)>();
            Tally? tally = null;
            var present = new HashSet<string>();
            var weights = Everyone(Enumerable.Range(1, Members).Select(M)).Voters.ToDictionary(v => v.Number, v => scenario.Weighted ? v.Woningequivalenten : 1m);

            void Apply(Common.Outcome<AlvChange> outcome)
            {
                if (!outcome.IsOk) return;
                record = outcome.Value!.Record;
                book = book.With(outcome.Value.Facts);
            }

            for (var i = 0; i <= scenario.Steps.Length; i++)
            {
                if (!scenario.WithTally && i == scenario.AttendanceAt)
                {
                    Apply(AlvRules.RecordAttendance(record, "alv", new RecordAttendance { Present = [.. scenario.Attendance.Select(a => (string?)M(a))] },
                        Everyone(scenario.Attendance.Select(M)), book, Date, "t", Now));
                    present.UnionWith(scenario.Attendance.Select(M));
                }
                if (scenario.WithTally && i == scenario.TallyAt && tally is null)
                {
                    // The paper list: whoever is on the attendance draw and has not voted online; every vote Voor.
                    var list = scenario.Attendance.Select(M).Where(n => accepted.All(a => a.Member != n)).Order().ToList();
                    var outcome = AlvRules.RecordTally(record, "alv", "tarief", new RecordTally
                    {
                        For = list.Sum(n => weights[n]), Against = 0, Abstain = 0, Present = [.. list.Select(n => (string?)n)],
                    }, Everyone(list), book, Date, "t", Now);
                    Assert.True(outcome.IsOk, outcome.Refusal?.Message + string.Join("; ", outcome.Refusal?.Errors.Select(e => e.Reason) ?? []));
                    Apply(outcome);
                    tally = new Tally { For = list.Sum(n => weights[n]), Against = 0, Abstain = 0, Present = [.. list], Proxies = [], RecordedBy = "t", RecordedAt = Now };
                }
                if (i == scenario.Steps.Length) break;
                var step = scenario.Steps[i];
                // With a paper tally, ballots per member can only come online.
                var online = step.Online || scenario.WithTally;
                var command = new CastBallot
                {
                    MemberNumber = M(step.Member), Choice = step.Choice.ToString(), ProxyHolder = step.Holder is { } h ? M(h) : null,
                    Channel = online ? BallotChannel.Online : BallotChannel.Meeting,
                    Receipt = online ? ReceiptOf(M(step.Member), step.Attempt) : null,
                };
                var cast = AlvRules.CastBallot(record, "alv", "tarief", command, Everyone(AlvRules.NumbersIn(command)), book, Date, "t", Now);
                if (cast.IsOk && !cast.Value!.Cast!.Repeat)
                    accepted.Add((M(step.Member), step.Choice, command.ProxyHolder, !online || scenario.CountOnlineAsPresent, weights[M(step.Member)], command.Receipt));
                else if (cast.IsOk)
                {
                    // A repeat is only the very ballot that counted, resent: same choice, holder and (online) attempt; it answers that receipt.
                    var first = accepted.Single(a => a.Member == M(step.Member));
                    Assert.Equal((first.Choice, first.Holder), (step.Choice, command.ProxyHolder));
                    if (online) Assert.Equal(first.Receipt, command.Receipt);
                    Assert.Equal(first.Receipt, cast.Value!.Cast!.Receipt);
                    Assert.Empty(cast.Value!.Facts);
                }
                else if (!cast.IsOk && accepted.Any(a => a.Member == M(step.Member)))
                    Assert.Contains(cast.Refusal!.Code, new[] { "already-voted", "proxy-holder-represented", "too-many-proxies", "invalid-input" });
                Apply(cast);
            }

            // Each member at most once across ballots and the paper list; each holder within the statutes.
            var voters = accepted.Select(a => a.Member).Concat(tally?.Present ?? []).ToList();
            Assert.Equal(voters.Count, voters.Distinct().Count());
            Assert.All(accepted.Where(a => a.Holder is not null).GroupBy(a => a.Holder), g => Assert.True(g.Count() <= 2));

            var closed = AlvRules.Close(record, "alv", "tarief", new Electorate(Date, Members, weights.Values.Sum()), book, Date, "t", Now);
            Assert.True(closed.IsOk, closed.Refusal?.Message);
            var result = closed.Value!.Record.Meetings[0].Proposals[0].Closed!.Result;
            // Verifiable: every accepted online receipt is published once, under its choice.
            var published = closed.Value.Facts.Where(f => f.Kind == AlvFacts.Receipts).Select(f => AlvFacts.Read<ReceiptsFact>(f.Payload)).SingleOrDefault()
                ?? new ReceiptsFact([], [], []);
            foreach (var (choice, list) in new[] { (VoteChoice.Voor, published.Voor), (VoteChoice.Tegen, published.Tegen), (VoteChoice.Onthouding, published.Onthouding) })
                Assert.Equal(accepted.Where(a => a.Receipt is not null && a.Choice == choice).Select(a => a.Receipt!).Order(StringComparer.Ordinal), list);

            // The statutes' rule on the final ballots, computed here from the accepted list.
            var totals = accepted.Aggregate(new VoteTotals(tally?.For ?? 0, 0, 0), (t, a) => t.Add(a.Choice, a.Weight));
            var baseList = tally is not null ? tally.Present.ToHashSet() : present;
            var attending = baseList.Concat(accepted.Where(a => a.Counted).SelectMany(a => a.Holder is null ? [a.Member] : new[] { a.Member, a.Holder })).Distinct().Count();
            var rule = record.EffectiveStatutes.RuleFor(DecisionType.Tariefbesluit);
            var expected = VoteCounting.Decide(rule, totals, Members, attending, accepted.Count(a => a.Holder is not null), false);
            Assert.Equal(expected, result);
        });
}
