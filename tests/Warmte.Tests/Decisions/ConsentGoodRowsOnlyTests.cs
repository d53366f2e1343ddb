using NodaTime;
using Warmte.Common;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Recording consent answers "good rows only" (tester finding F8): the good answers are recorded, every problem
/// of the others is named on its item with the same Dutch text the all-or-nothing refusal gives; all or nothing
/// stays the default. The dates: 06-12-2026 today, the proposal to the tenants 01-10-2026.
/// </summary>
public sealed class ConsentGoodRowsOnlyTests
{
    private static readonly LocalDate Proposal = new(2026, 10, 1);
    private static readonly LocalDate Today = new(2026, 12, 6);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 6, 11, 0);

    private static ConsentRecord BlokA(int homes = 20)
    {
        var outcome = ConsentRules.SetComplex(ConsentRecord.Empty, "blok-a", new SetComplex
        {
            Name = "Blok A", Corporation = "Stadgenoot", RentedHomes = homes, ProposalDate = Proposal,
        }, Today);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        return outcome.Value!.Value;
    }

    private static DeclarationInput Answer(int number, LocalDate on, string response = "Akkoord") =>
        new() { Postcode = "1091 GM", Huisnummer = number, Response = response, On = on };

    private static readonly DeclarationInput?[] TestersFile =
    [
        Answer(20, new(2026, 11, 1)), Answer(22, new(2026, 11, 2)), Answer(18, new(2026, 11, 3), "Geweigerd"),
        Answer(24, new(2026, 12, 31)), Answer(26, new(2026, 9, 1)),
    ];

    private static Outcome<DeclarationsRecorded> Record(ConsentRecord record, DeclarationInput?[] answers, bool? skipInvalid,
        IReadOnlyDictionary<DutchAddress, Declaration>? stored = null) =>
        ConsentRules.RecordDeclarations(record, "blok-a", new RecordDeclarations { Declarations = [.. answers], SkipInvalid = skipInvalid },
            stored ?? new Dictionary<DutchAddress, Declaration>(), Today, "bestuur", Now);

    [Fact]
    public void Good_rows_only_records_the_good_answers_and_names_the_future_and_the_pre_proposal_ones()
    {
        var outcome = Record(BlokA(), TestersFile, skipInvalid: true);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        var (change, recorded, skipped) = outcome.Value!;
        Assert.Equal([20, 22, 18], recorded.Select(r => r.New.Address.Huisnummer));
        Assert.Equal(
            [new("declarations[3].on", "31-12-2026 ligt in de toekomst."), new("declarations[4].on", "01-09-2026 ligt vóór het voorstel aan de huurders (01-10-2026).")],
            skipped.ToArray<FieldError>());
        var complex = change.Value.Complexes.Single();
        Assert.Equal((2, 1, new LocalDate(2026, 11, 1)), (complex.Agreed, complex.Refused, complex.FirstAnswerOn));
        Assert.Contains("2 antwoorden met een fout overgeslagen", change.Summary);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public void All_or_nothing_stays_the_default_with_the_same_texts(bool? skipInvalid)
    {
        var outcome = Record(BlokA(), TestersFile, skipInvalid);
        Assert.False(outcome.IsOk);
        Assert.Equal(
            [("declarations[3].on", "31-12-2026 ligt in de toekomst."), ("declarations[4].on", "01-09-2026 ligt vóór het voorstel aan de huurders (01-10-2026).")],
            outcome.Refusal!.Errors.Select(e => (e.Field, e.Reason)));
    }

    [Fact]
    public void Good_rows_only_leaves_out_the_new_addresses_past_the_rented_homes_and_an_older_answer_than_the_stored_one()
    {
        var stored = new Dictionary<DutchAddress, Declaration>();
        var first = Record(BlokA(homes: 3), [Answer(1, new(2026, 11, 20))], skipInvalid: null);
        foreach (var (answer, _) in first.Value!.Recorded) stored[answer.Address] = answer;
        var record = first.Value.Change.Value;

        var outcome = Record(record, [Answer(1, new(2026, 11, 10), "Geweigerd"), Answer(2, new(2026, 11, 1)), Answer(3, new(2026, 11, 1)), Answer(4, new(2026, 11, 1))],
            skipInvalid: true, stored);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        Assert.Equal([2, 3], outcome.Value!.Recorded.Select(r => r.New.Address.Huisnummer));
        Assert.Equal(["declarations[0].on", "declarations[3].postcode"], outcome.Value.Skipped.Select(e => e.Field));
        Assert.Contains("antwoordde al later, op 20-11-2026", outcome.Value.Skipped[0].Reason);
        Assert.Contains("telt 3 huurwoningen", outcome.Value.Skipped[1].Reason);
        Assert.Equal(3, outcome.Value.Change.Value.Complexes.Single().Agreed);

        // All or nothing: the whole call is refused, nothing recorded.
        Assert.False(Record(record, [Answer(2, new(2026, 11, 1)), Answer(3, new(2026, 11, 1)), Answer(4, new(2026, 11, 1))], skipInvalid: null, stored).IsOk);
    }

    [Fact]
    public void Good_rows_only_with_every_row_bad_records_nothing_and_names_every_row()
    {
        var outcome = Record(BlokA(), [Answer(24, new(2026, 12, 31)), Answer(26, new(2026, 9, 1))], skipInvalid: true);
        Assert.True(outcome.IsOk);
        Assert.Empty(outcome.Value!.Recorded);
        Assert.Equal(2, outcome.Value.Skipped.Length);
    }

    [Theory]
    [InlineData("2026-12-06", null)]
    [InlineData("2026-10-01", null)]
    [InlineData("2026-12-07", "07-12-2026 ligt in de toekomst.")]
    [InlineData("2026-09-30", "30-09-2026 ligt vóór het voorstel aan de huurders (01-10-2026).")]
    public void An_answer_date_lies_between_the_proposal_and_today(string on, string? problem) =>
        Assert.Equal(problem, ConsentRules.AnswerDateProblem(NodaTime.Text.LocalDatePattern.Iso.Parse(on).Value, Proposal, Today));
}
