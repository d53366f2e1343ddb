using System.Collections.Immutable;
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Warmte.Alv;
using Warmte.Members;
using Warmte.TenantConsent;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Domain;

/// <summary>
/// Tester finding T2: the consent view's <c>reachedOn</c> was the day the service saw the threshold met (06-12-2026),
/// the gate's evidence "gehaald op" the date of the answer that met it (05-12-2026). One definition now: the date of
/// the answer that brought the count to the threshold; the day the service recorded it is a separate field,
/// <c>thresholdRecordedOn</c> (the retention clock).
/// </summary>
public sealed class ConsentReachedOnDateTests : IAsyncLifetime
{
    private static readonly LocalDate Proposal = new(2026, 1, 1);
    private static readonly LocalDate Today = new(2026, 12, 31);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 31, 12, 0);

    /// <summary>
    /// Imports <paramref name="answers"/> (address, agrees, day after the proposal) in batches of the given sizes, in the
    /// order given, each batch one call, threading the history of facts as the grain does.
    /// </summary>
    private static (ConsentRecord Record, ImmutableArray<DeclarationFact> Facts) Import(int homes, IReadOnlyList<(int Address, bool Agree, int Day)> answers, int batch) =>
        Import(ConsentRules.SetComplex(ConsentRecord.Empty, "west-1",
            new SetComplex { Name = "West 1", Corporation = "Ymere", RentedHomes = homes, ProposalDate = Proposal }, Proposal).Value!.Value,
            [], new Dictionary<DutchAddress, Declaration>(), answers, batch);

    private static (ConsentRecord Record, ImmutableArray<DeclarationFact> Facts) Import(ConsentRecord record, ImmutableArray<DeclarationFact> facts,
        Dictionary<DutchAddress, Declaration> stored, IReadOnlyList<(int Address, bool Agree, int Day)> answers, int batch)
    {
        foreach (var chunk in answers.Chunk(batch))
        {
            var outcome = ConsentRules.RecordDeclarations(record, "west-1", new RecordDeclarations
            {
                Declarations = [.. chunk.Select(a => (DeclarationInput?)new DeclarationInput
                {
                    Postcode = "1091 GM", Huisnummer = a.Address, Response = a.Agree ? "Akkoord" : "Geweigerd", On = Proposal.PlusDays(a.Day),
                })],
            }, stored, Today, "bestuur", Now, facts);
            Assert.True(outcome.IsOk, outcome.Refusal?.Message);
            foreach (var r in outcome.Value!.Recorded) stored[r.New.Address] = r.New;
            facts = facts.AddRange(outcome.Value.Recorded.Select(ConsentRules.FactOf));
            record = outcome.Value.Change.Value;
        }
        return (record, facts);
    }

    /// <summary>One answer per address (distinct addresses), any dates, any mix of agreements and refusals.</summary>
    private static Gen<(int Homes, (int Address, bool Agree, int Day)[] Answers, int Batch)> Case() =>
        from homes in Gen.Choose(1, 30)
        from count in Gen.Choose(0, homes)
        from answers in Gen.ArrayOf(from agree in Gen.Elements(true, true, true, false) from day in Gen.Choose(0, 200) select (agree, day), count)
        from order in Gen.Shuffle(Enumerable.Range(0, count).ToArray())
        from batch in Gen.Choose(1, Math.Max(1, count))
        select (homes, order.Select(i => (i + 1, answers[i].agree, answers[i].day)).ToArray(), batch);

    [Property(MaxTest = 300)]
    public Property ReachedOn_is_the_date_of_the_answer_that_brought_the_count_to_the_threshold_for_any_order_of_import() =>
        Prop.ForAll(Case().ToArbitrary(), c =>
        {
            var (homes, answers, batch) = c;
            var (record, facts) = Import(homes, answers, batch);
            var status = ConsentRules.Status(record, "p", Today, null).Complexes.Single();
            var required = status.Required;
            // The model: the agreements by date; the one that brought the count to the threshold is the required-th.
            var agreements = answers.Where(a => a.Agree).Select(a => Proposal.PlusDays(a.Day)).Order().ToList();
            LocalDate? expected = agreements.Count >= required ? agreements[required - 1] : null;
            Assert.Equal(expected, status.ReachedOn);
            Assert.Null(status.ReachedOnNote);
            // The gate judges from the same history and names the same day ("gehaald op").
            var gate = ConsentAsOf.Status(record, "p", Today, new Dictionary<string, ImmutableArray<DeclarationFact>> { ["west-1"] = facts }).Complexes.Single();
            Assert.Equal(expected, gate.ReachedOn);
            // The day the service recorded it is the import's day, named apart.
            Assert.Equal(expected is null ? null : Today, status.ThresholdRecordedOn);
        });

    [Fact]
    public void A_withdrawal_then_a_new_agreement_dates_reachedOn_from_the_agreement_that_met_it_again()
    {
        // 7 of 10 agree on days 1..7, number 1 withdraws on day 10 (6 of 10), number 8 agrees on day 12.
        var record = ConsentRules.SetComplex(ConsentRecord.Empty, "west-1",
            new SetComplex { Name = "West 1", Corporation = "Ymere", RentedHomes = 10, ProposalDate = Proposal }, Proposal).Value!.Value;
        var stored = new Dictionary<DutchAddress, Declaration>();
        var (met, facts) = Import(record, [], stored, [.. Enumerable.Range(1, 7).Select(n => (n, true, n))], 7);
        Assert.Equal(Proposal.PlusDays(7), ConsentRules.Status(met, "p", Today, null).Complexes.Single().ReachedOn);
        var (withdrawn, facts2) = Import(met, facts, stored, [(1, false, 10)], 1);
        Assert.Null(ConsentRules.Status(withdrawn, "p", Today, null).Complexes.Single().ReachedOn);
        var (again, _) = Import(withdrawn, facts2, stored, [(8, true, 12)], 1);
        Assert.Equal(Proposal.PlusDays(12), ConsentRules.Status(again, "p", Today, null).Complexes.Single().ReachedOn);
    }

    // ---- the tester's case through the API: answers dated 01-12 … 05-12-2026, imported on 06-12-2026 ----

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 6, 10, 0));
    private WarmteServer _server = null!;

    public async Task InitializeAsync() => _server = await WarmteServer.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_consent_view_names_the_same_day_as_the_gate_and_the_recording_day_apart_T2()
    {
        var admin = _server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"zuid-{Guid.NewGuid().ToString("N")[..8]}");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/consent/complexes/west-1",
            new { name = "West 1", corporation = "Ymere", rentedHomes = 10, proposalDate = "2026-11-01" })).Status);
        // Seven agreements, the 7th (the one that meets 70% of 10) dated 05-12-2026; sent newest first.
        var dates = new[] { "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-04", "2026-12-05", "2026-12-05" };
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = dates.Select((d, i) => new { postcode = "1091 GM", huisnummer = i + 1, response = "Akkoord", on = d }).Reverse(),
        })).Status);

        var consent = await admin.Get($"api/projects/{project}/consent");
        var complex = consent.Body.GetProperty("complexes")[0];
        Assert.Equal("2026-12-05", complex.GetProperty("reachedOn").GetString());
        Assert.Equal("2026-12-06", complex.GetProperty("thresholdRecordedOn").GetString());

    }
}
