using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Review2 F6: <c>reachedOn</c> is the day the threshold judged now was met. A complex stored at 2/3 before the
/// law's 70% was enforced kept the day 2/3 was met once later answers took it to 70%.
/// </summary>
public sealed class ConsentReachedOnTests
{
    private static readonly LocalDate TwoThirdsDay = new(2025, 1, 25);
    private static readonly LocalDate Today = new(2025, 3, 1);
    private static readonly Instant Now = Instant.FromUtc(2025, 3, 1, 10, 0);

    private static ConsentRecord Legacy(Share threshold, int agreed, LocalDate? reachedOn) => new()
    {
        Complexes = [new Complex
        {
            Id = "blok-c", Name = "Blok C", Corporation = "X", RentedHomes = 12, Threshold = threshold, Agreed = agreed,
            FirstAnswerOn = new LocalDate(2025, 1, 20), ReachedOn = reachedOn,
        }],
    };

    private static ConsentRecord Agree(ConsentRecord record, int huisnummer, LocalDate on)
    {
        var outcome = ConsentRules.RecordDeclarations(record, "blok-c", new RecordDeclarations
        {
            Declarations = [new DeclarationInput { Postcode = "1054 AB", Huisnummer = huisnummer, Response = "Akkoord", On = on }],
        }, new Dictionary<DutchAddress, Declaration>(), on, "bestuur", Now);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        return outcome.Value!.Change.Value;
    }

    private static ComplexStatus Status(ConsentRecord record, LocalDate today) => ConsentRules.Status(record, "p", today, null).Complexes.Single();

    [Fact]
    public void A_legacy_complex_at_two_thirds_that_reaches_seventy_percent_later_shows_that_later_day()
    {
        // 8 of 12 met the stored 2/3 on 25-01-2025; 70% needs 9: the ninth answer comes on 01-03-2025.
        var record = Agree(Legacy(new Share(2, 3), 8, TwoThirdsDay), 9, Today);
        var status = Status(record, Today);
        Assert.True(status.Reached);
        Assert.Equal(Today, status.ReachedOn);
        // Later answers keep the day 70% was met.
        var later = Agree(record, 10, Today.PlusDays(5));
        Assert.Equal(Today, Status(later, Today.PlusDays(5)).ReachedOn);
    }

    /// <summary>Review3 F6: a complex as an older build stored it — 9 of 12 at 2/3, reachedOn the day 2/3 was met, no ReachedUnder.</summary>
    private static ConsentRecord StoredByOlderBuild() => Legacy(new Share(2, 3), 9, TwoThirdsDay);

    [Fact]
    public void An_older_builds_complex_judged_under_another_threshold_shows_reachedOn_unknown_with_a_note()
    {
        var status = Status(StoredByOlderBuild(), Today);
        Assert.True(status.Reached);
        Assert.Null(status.ReachedOn);
        Assert.Contains("niet bekend", status.ReachedOnNote);
        Assert.Contains("2/3", status.ReachedOnNote);
    }

    [Fact]
    public void An_unrelated_upsert_of_an_older_builds_complex_does_not_stamp_today()
    {
        var upserted = ConsentRules.SetComplex(StoredByOlderBuild(), "blok-c",
            new SetComplex { Name = "Blok C", Corporation = "X", RentedHomes = 12, Deadline = new LocalDate(2025, 6, 1) }, Today);
        Assert.True(upserted.IsOk, upserted.Refusal?.Message);
        var complex = upserted.Value!.Value.Complexes.Single();
        Assert.Null(complex.ReachedOn);
        Assert.Null(Status(upserted.Value.Value, Today).ReachedOn);
        // Nor on the next one, nor when one more tenant agrees: it was met before either.
        var again = ConsentRules.SetComplex(upserted.Value.Value, "blok-c",
            new SetComplex { Name = "Blok C", Corporation = "X", RentedHomes = 12, Deadline = new LocalDate(2025, 7, 1) }, Today.PlusDays(1)).Value!.Value;
        Assert.Null(again.Complexes.Single().ReachedOn);
        Assert.Null(Status(Agree(again, 10, Today.PlusDays(2)), Today.PlusDays(2)).ReachedOn);
    }

    [Fact]
    public void With_the_answers_still_stored_reachedOn_is_the_date_of_the_answer_that_met_the_threshold()
    {
        // 70% of 12 needs 9: the ninth Akkoord by date is dated 09-02-2025 (recorded in another order).
        var answers = Enumerable.Range(1, 9).Select(i => new Declaration
        {
            Address = new DutchAddress("1054 AB", i, null), Response = ConsentResponse.Akkoord,
            On = new LocalDate(2025, 2, 10 - i), RecordedBy = "bestuur", RecordedAt = Now,
        }).Reverse().ToImmutableArray();
        var status = ConsentRules.Status(StoredByOlderBuild(), "p", Today, null, new Dictionary<string, ImmutableArray<Declaration>> { ["blok-c"] = answers }).Complexes.Single();
        Assert.Equal(new LocalDate(2025, 2, 9), status.ReachedOn);
        Assert.Contains("9e akkoord", status.ReachedOnNote);
        // Counts only (the answers of other roles are not shown): the same day.
        Assert.Null(status.Declarations);
    }

    [Fact]
    public void A_complex_stored_at_seventy_percent_keeps_its_reached_day_when_more_tenants_agree()
    {
        var reachedDay = new LocalDate(2025, 2, 1);
        var record = Agree(Legacy(new Share(70, 100), 9, reachedDay), 10, Today);
        Assert.Equal(reachedDay, Status(record, Today).ReachedOn);
    }
}
