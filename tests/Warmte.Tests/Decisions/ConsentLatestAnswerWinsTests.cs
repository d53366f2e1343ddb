using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Common;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Tester finding T2: an address that answers twice in one call (a spreadsheet with 14-H Akkoord on 02-10 and
/// Geweigerd on 10-10) must end with its latest answer by date — before, the earlier was kept and the later refused
/// as a duplicate, storing 4/4 where the truth is 3/4. Equal dates: the later one in the call. Today 06-12-2026,
/// proposal to the tenants 01-10-2026.
/// </summary>
public sealed class ConsentLatestAnswerWinsTests
{
    private static readonly LocalDate Proposal = new(2026, 10, 1);
    private static readonly LocalDate Today = new(2026, 12, 6);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 6, 11, 0);

    private static ConsentRecord Oost(int homes = 4)
    {
        var outcome = ConsentRules.SetComplex(ConsentRecord.Empty, "oost", new SetComplex
        {
            Name = "Oost", Corporation = "Stadgenoot", RentedHomes = homes, ProposalDate = Proposal,
        }, Today);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        return outcome.Value!.Value;
    }

    private static DeclarationInput Answer(int number, string? addition, LocalDate on, string response) =>
        new() { Postcode = "1091 GM", Huisnummer = number, Toevoeging = addition, Response = response, On = on };

    private static Outcome<DeclarationsRecorded> Record(ConsentRecord record, IEnumerable<DeclarationInput?> answers, bool? skipInvalid = null,
        IReadOnlyDictionary<DutchAddress, Declaration>? stored = null) =>
        ConsentRules.RecordDeclarations(record, "oost", new RecordDeclarations { Declarations = [.. answers], SkipInvalid = skipInvalid },
            stored ?? new Dictionary<DutchAddress, Declaration>(), Today, "bestuur", Now);

    [Theory]
    [InlineData(null)]
    [InlineData(true)]
    public void The_testers_file_stores_the_later_withdrawal_three_of_four_agreed(bool? skipInvalid)
    {
        DeclarationInput?[] file =
        [
            Answer(14, "H", new(2026, 10, 2), "Akkoord"), Answer(14, "1", new(2026, 10, 3), "Akkoord"),
            Answer(16, null, new(2026, 10, 4), "Akkoord"), Answer(18, null, new(2026, 10, 5), "Akkoord"),
            Answer(14, "H", new(2026, 10, 10), "Geweigerd"),
        ];
        var outcome = Record(Oost(), file, skipInvalid);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        var result = outcome.Value!;
        Assert.Empty(result.Skipped);
        Assert.Equal([new SupersededAnswer(0, 4)], result.Superseded.ToArray());
        var fourteenH = Assert.Single(result.Recorded, r => r.New.Address.Toevoeging == "H");
        Assert.Equal((ConsentResponse.Geweigerd, new LocalDate(2026, 10, 10)), (fourteenH.New.Response, fourteenH.New.On));
        var complex = result.Change.Value.Complexes.Single();
        Assert.Equal((3, 1), (complex.Agreed, complex.Refused));
    }

    [Fact]
    public void On_the_same_date_the_later_row_wins()
    {
        var outcome = Record(Oost(), [Answer(16, null, new(2026, 10, 4), "Geweigerd"), Answer(16, null, new(2026, 10, 4), "Akkoord")]);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        Assert.Equal(ConsentResponse.Akkoord, Assert.Single(outcome.Value!.Recorded).New.Response);
        Assert.Equal([new SupersededAnswer(0, 1)], outcome.Value.Superseded.ToArray());
    }

    [Fact]
    public void A_later_answer_that_is_refused_never_lets_the_earlier_one_through()
    {
        // The withdrawal is dated in the future (a typo): it is refused, and the older Akkoord is not stored in its place.
        var outcome = Record(Oost(), [Answer(16, null, new(2026, 10, 4), "Akkoord"), Answer(16, null, new(2026, 12, 31), "Geweigerd")], skipInvalid: true);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        Assert.Empty(outcome.Value!.Recorded);
        Assert.Equal("declarations[1].on", Assert.Single(outcome.Value.Skipped).Field);
    }

    [Fact]
    public void A_file_answer_older_than_the_stored_one_does_not_replace_it()
    {
        var stored = Record(Oost(), [Answer(16, null, new(2026, 10, 20), "Geweigerd")]);
        Assert.True(stored.IsOk);
        var known = stored.Value!.Recorded.ToDictionary(r => r.New.Address, r => r.New);
        var again = Record(stored.Value.Change.Value, [Answer(16, null, new(2026, 10, 4), "Akkoord")], skipInvalid: true, stored: known);
        Assert.True(again.IsOk, again.Refusal?.Message);
        Assert.Empty(again.Value!.Recorded);
        Assert.Contains("antwoordde al later, op 20-10-2026", Assert.Single(again.Value.Skipped).Reason);
    }

    /// <summary>Answers of three addresses on random days (equal days too), in any order; some addresses already answered.</summary>
    private static Gen<(List<(int House, int Day, bool Agree)> Rows, List<(int House, int Day, bool Agree)> Stored)> Cases() =>
        from count in Gen.Choose(1, 12)
        from houses in Gen.ArrayOf(Gen.Choose(1, 3), count)
        from days in Gen.ArrayOf(Gen.Choose(1, 60), count)
        from agrees in Gen.ArrayOf(Gen.Elements(true, false), count)
        from storedMask in Gen.ArrayOf(Gen.Elements(true, false), 3)
        from storedDays in Gen.ArrayOf(Gen.Choose(1, 60), 3)
        from storedAgrees in Gen.ArrayOf(Gen.Elements(true, false), 3)
        select (houses.Select((h, i) => (h, days[i], agrees[i])).ToList(),
                Enumerable.Range(0, 3).Where(i => storedMask[i]).Select(i => (i + 1, storedDays[i], storedAgrees[i])).ToList());

    [Property(MaxTest = 300)]
    public Property For_any_order_of_rows_the_stored_answer_per_address_is_the_latest_by_date() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var first = new LocalDate(2026, 10, 1);
            DeclarationInput Input((int House, int Day, bool Agree) r) => Answer(r.House, null, first.PlusDays(r.Day - 1), r.Agree ? "Akkoord" : "Geweigerd");
            var record = Oost(homes: 3);
            var known = new Dictionary<DutchAddress, Declaration>();
            if (c.Stored.Count > 0)
            {
                var before = Record(record, c.Stored.Select(Input));
                Assert.True(before.IsOk, before.Refusal?.Message);
                record = before.Value!.Change.Value;
                foreach (var r in before.Value.Recorded) known[r.New.Address] = r.New;
            }
            var outcome = Record(record, c.Rows.Select(Input), skipInvalid: true, stored: known);
            Assert.True(outcome.IsOk, outcome.Refusal?.Message);
            var after = new Dictionary<DutchAddress, Declaration>(known);
            foreach (var r in outcome.Value!.Recorded) after[r.New.Address] = r.New;
            // Worked out independently: per house the (day, response) with the greatest day over the stored answer and the rows
            // (a stored answer on the same day as a row: the row replaces it only when it differs, and then it is the row's).
            foreach (var house in Enumerable.Range(1, 3))
            {
                var candidates = c.Stored.Where(s => s.House == house).Select(s => (s.Day, s.Agree, Row: -1))
                    .Concat(c.Rows.Select((r, i) => (r.House, r.Day, r.Agree, i)).Where(r => r.House == house).Select(r => (r.Day, r.Agree, Row: r.i)))
                    .OrderBy(x => x.Day).ThenBy(x => x.Row).ToList();
                var address = after.Keys.FirstOrDefault(a => a.Huisnummer == house);
                if (candidates.Count == 0) { Assert.Null(address); continue; }
                Assert.NotNull(address);
                var latest = candidates[^1];
                Assert.Equal((first.PlusDays(latest.Day - 1), latest.Agree ? ConsentResponse.Akkoord : ConsentResponse.Geweigerd),
                    (after[address].On, after[address].Response));
            }
            var complex = outcome.Value.Change.Value.Complexes.Single();
            Assert.Equal(after.Values.Count(d => d.Response == ConsentResponse.Akkoord), complex.Agreed);
            Assert.Equal(after.Values.Count(d => d.Response == ConsentResponse.Geweigerd), complex.Refused);
        });
}
