using System.Collections.Immutable;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alerts;
using Warmte.BusinessCase.Versions;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Tests.BusinessCase;

/// <summary>
/// The pure upgrade functions of the business-case grain and the alert watch, for every old row:
/// nothing is lost (each version its two rows with its number as tag, each cleared alert its row,
/// in stored order), the snapshot holds only what is current, and reading the rows back gives the
/// old versions and alerts again.
/// </summary>
public sealed class BusinessCaseUpgradeProperties
{
    private static BusinessCaseVersion Version(int number, int seed) => new()
    {
        Version = number, Name = $"Model {seed}", Note = seed % 3 == 0 ? null : $"variant {seed}", SavedBy = $"bestuur-{seed % 4}",
        SavedAt = Instant.FromUnixTimeTicks(638_000_000_000_000_000L + seed * 10_000_123L + number),
        ModelJson = $$"""{"name":"Model {{seed}}","discountRate":0.0{{seed % 9}},"tekst":"é \" \\ {{number}}"}""",
        Kpis = new KpiSummary
        {
            Uses = 1_000_000.50m + seed, Sources = 990_000m + number, Surplus = -9_999.49m, Npv = 12.34m * seed, Irr = seed % 2 == 0 ? null : 0.041234m,
            MinDscr = 1.2345m, MinDscrYear = 2030, LenderMinDscr = 1.2m, FinancingCloses = seed % 2 == 0,
            LowestCashBalance = -1.01m, LowestCashBalanceYear = 2027, CovenantBreaches = [2031, 2032],
        },
    };

    [Property(MaxTest = 100)]
    public Property Every_version_becomes_its_two_rows_and_reads_back_as_it_was() =>
        Prop.ForAll(Gen.Choose(0, 40).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (count, seed) =>
        {
            var versions = Enumerable.Range(1, count).Select(n => Version(n, seed + n)).ToList();
            var legacy = JsonSerializer.Serialize(new LegacyBusinessCaseState { Versions = versions }, WarmteJson.Default);
            var upgraded = BusinessCaseUpgrade.From(legacy);

            Assert.Empty(upgraded.Keys);
            Assert.Equal(2 * count, upgraded.Entries.Count);
            var state = JsonSerializer.Deserialize<BusinessCaseState>(upgraded.State, WarmteJson.Default)!;
            Assert.Equal(count, state.Count);
            Assert.Equal(Json(count == 0 ? null : BusinessCaseVersionInfo.Of(versions[^1])), Json(state.Latest));
            for (var i = 0; i < count; i++)
            {
                var (info, model) = (upgraded.Entries[2 * i], upgraded.Entries[2 * i + 1]);
                Assert.Equal((BusinessCaseGrain.VersionKind, (i + 1).ToString()), (info.Kind, info.Tag));
                Assert.Equal((BusinessCaseGrain.ModelKind, (i + 1).ToString()), (model.Kind, model.Tag));
                Assert.Equal((versions[i].SavedAt, versions[i].SavedBy), (info.At, info.Actor));
                Assert.Equal(Json(BusinessCaseVersionInfo.Of(versions[i])), Json(Read<BusinessCaseVersionInfo>(info)));
                Assert.Equal(versions[i].ModelJson, Read<BusinessCaseModelText>(model).ModelJson);
            }
            // The snapshot does not grow with the number of versions: it is the latest version's figures.
            Assert.True(upgraded.State.Length < 1_000, $"{upgraded.State.Length} bytes");
        });

    [Property(MaxTest = 100)]
    public Property Every_cleared_alert_becomes_a_row_in_order_and_the_active_ones_stay() =>
        Prop.ForAll(Gen.Choose(0, 300).ToArbitrary(), Gen.Choose(0, 3).ToArbitrary(), (cleared, active) =>
        {
            WatchedAlert Watched(int i, bool isCleared) => new($"kind-{i % 5}|subject-{i}",
                new Alert("p", $"kind-{i % 5}", (AlertSeverity)(i % 3 + 1), new LocalDate(2026, 1, 1).PlusDays(i), $"Signaal {i}", $"subject-{i}"),
                Instant.FromUtc(2026, 1, 1, 0, 0).Plus(Duration.FromHours(i)), isCleared ? Instant.FromUtc(2026, 2, 1, 0, 0).Plus(Duration.FromHours(i)) : null);
            var legacy = new LegacyAlertWatchState
            {
                LastEvaluatedAt = Instant.FromUtc(2026, 3, 1, 8, 0),
                Active = [.. Enumerable.Range(0, active).Select(i => Watched(1000 + i, false))],
                Cleared = [.. Enumerable.Range(0, cleared).Select(i => Watched(i, true))],
            };
            var upgraded = AlertWatchUpgrade.From(JsonSerializer.Serialize(legacy, WarmteJson.Default));
            var state = JsonSerializer.Deserialize<AlertWatchState>(upgraded.State, WarmteJson.Default)!;
            Assert.Equal(legacy.LastEvaluatedAt, state.LastEvaluatedAt);
            Assert.Equal(legacy.Active, state.Active);
            Assert.Equal(legacy.Cleared, upgraded.Entries.Select(Read<WatchedAlert>));
            Assert.All(upgraded.Entries, e => Assert.Equal(AlertWatchGrain.ClearedKind, e.Kind));
        });

    // Records holding an ImmutableArray compare it by reference: compared as their JSON.
    private static string Json<T>(T value) => JsonSerializer.Serialize(value, WarmteJson.Default);

    private static T Read<T>(JournalAppend entry) => JsonSerializer.Deserialize<T>(entry.Payload, WarmteJson.Default)!;
}
