using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alerts;
using Warmte.Cooperatives;
using Warmte.Milestones;
using Warmte.Phases;
using Warmte.Umbrellas;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// The stored binary form of a project summary (<see cref="ProjectSummaryCodec"/>) gives back the row
/// it was made from: the same JSON through the wide views' serialiser, so the answers built from a
/// decoded row are byte-for-byte those built from the row itself — decimals with their scale, dates,
/// instants to the tick, texts with any character. A placeholder or a damaged row decodes to nothing
/// (the read recomputes it), never to a wrong row or an exception.
/// </summary>
public sealed class ProjectSummaryCodecTests
{
    private static Gen<decimal> Money() =>
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        from mid in Gen.Elements(0, 0, 1, 12_345)
        from negative in Gen.Elements(true, false)
        from scale in Gen.Choose(0, 12)
        select new decimal(lo, mid, 0, negative, (byte)scale);

    private static Gen<LocalDate> Day() => Gen.Choose(0, 60_000).Select(d => new LocalDate(1990, 1, 1).PlusDays(d));

    private static Gen<Instant> Moment() =>
        from seconds in Gen.Choose(0, int.MaxValue)
        from ticks in Gen.Choose(0, 9_999_999)
        select Instant.FromUnixTimeSeconds(seconds).PlusTicks(ticks);

    private static Gen<string> Text() => Gen.Elements("", "Zuid", "Coöperatie Ĳsselmonde U.A.", "€ 1.000,00 — \"quote\" \\ \n\t", "日本語", new string('x', 3000));

    private static Gen<ProjectSummaryRow> Rows() =>
        from name in Text()
        from condition in Gen.Elements<string?>(null, "Vergunning", "Coöperatie € \"x\"")
        from phase in Gen.Elements(Enum.GetValues<Phase>())
        from since in Day()
        from months in Gen.Choose(0, 400)
        from we in Gen.Choose(0, 100_000)
        from changed in Moment()
        from amounts in Money().ArrayOf(7)
        from optional in Gen.Elements(true, false)
        from closes in Gen.Elements<bool?>(true, false, null)
        from alerts in Gen.Choose(0, 50)
        from asOf in Day()
        from milestones in (from key in Text() from baseline in Day() from planned in Day() from actual in Gen.Elements<int?>(null, 3)
                            select new Milestone { Key = key, Name = key + "!", BaselineOn = baseline, PlannedOn = planned, ActualOn = actual is { } a ? planned.PlusDays(a) : null }).ArrayOf()
        select new ProjectSummaryRow
        {
            ProjectId = "p-" + months, CooperativeId = "c-" + we, AsOf = asOf,
            Line = new ProjectSummary
            {
                Id = "p-" + months, Name = name, Phase = phase, PhaseSince = since, MonthsInPhase = months, Woningequivalenten = we,
                NextUnmetCondition = condition, LastChangeAt = changed,
            },
            Finance = new ProjectFinance
            {
                SubsidiesGranted = amounts[0], SubsidiesPaid = amounts[1], SubsidiesOutstanding = amounts[2],
                Investment = optional ? amounts[3] : null, SourcesMinusUses = optional ? amounts[4] : null, Npv = optional ? amounts[5] : null,
                MinDscr = optional ? amounts[6] : null, FinancingCloses = closes, OpenAlerts = alerts,
            },
            Calendar = new SummaryCalendar { Phase = phase, OpenMilestones = [.. milestones], Grants = [], HasCashPlan = false },
        };

    [Property(MaxTest = 300)]
    public Property A_row_decodes_to_the_same_json_it_was_encoded_from() =>
        Prop.ForAll(Rows().ToArbitrary(), row =>
        {
            var decoded = ProjectSummaryCodec.Decode(ProjectSummaryCodec.Encode(row));
            Assert.NotNull(decoded);
            Assert.Equal(JsonSerializer.Serialize(row, WideViewJson.Options), JsonSerializer.Serialize(decoded, WideViewJson.Options));
            // The day's figures derived from it too (the answers are built from these).
            Assert.Equal(JsonSerializer.Serialize(row.LineOn(row.AsOf.PlusDays(45)), WideViewJson.Options),
                JsonSerializer.Serialize(decoded!.LineOn(row.AsOf.PlusDays(45)), WideViewJson.Options));
        });

    [Property(MaxTest = 200)]
    public Property A_damaged_row_decodes_to_nothing_or_to_a_row_never_to_an_exception() =>
        Prop.ForAll(Rows().ToArbitrary(), Gen.Choose(0, 10_000).ToArbitrary(), (row, cut) =>
        {
            var bytes = ProjectSummaryCodec.Encode(row);
            _ = ProjectSummaryCodec.Decode(bytes[..Math.Min(cut, bytes.Length - 1)]);
            var flipped = (byte[])bytes.Clone();
            flipped[cut % flipped.Length] ^= 0x5a;
            _ = ProjectSummaryCodec.Decode(flipped);
        });

    [Fact]
    public void A_placeholder_decodes_to_nothing() => Assert.Null(ProjectSummaryCodec.Decode([]));

    [Fact]
    public void A_json_row_of_the_release_before_decodes_to_nothing() =>
        Assert.Null(ProjectSummaryCodec.Decode(System.Text.Encoding.UTF8.GetBytes("""{"projectId":"p","cooperativeId":"c","asOf":"2026-06-15"}""")));
}
