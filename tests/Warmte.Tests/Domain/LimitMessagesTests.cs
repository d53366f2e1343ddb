using NodaTime;
using Warmte.Alv;
using Warmte.CashFlow;
using Warmte.Client;

namespace Warmte.Tests.Domain;

/// <summary>Tester6 T17: a refusal for a value out of range names the range, not only examples.</summary>
public sealed class LimitMessagesTests
{
    [Fact]
    public void An_amount_with_too_many_digits_is_refused_naming_the_largest_amount_the_cli_reads()
    {
        Assert.False(Amounts.TryParse("999999999999999999,99", out _, out var problem));
        Assert.Equal("dat bedrag is onwaarschijnlijk groot: hoogstens 15 cijfers vóór de komma (€ 999.999.999.999.999,99).", problem);
        // The largest amount it names is one it reads.
        Assert.True(Amounts.TryParse("999.999.999.999.999,99", out var largest, out var none), none);
        Assert.Equal(999_999_999_999_999.99m, largest);
    }

    [Fact]
    public void A_booking_above_the_services_limit_is_refused_naming_that_limit()
    {
        var booked = ActualCash.Book(new BookSpending { Month = new YearMonth(2026, 11), Kind = "Ontwerp", Amount = 1_000_000_000.01m },
            new YearMonth(2026, 12), "b-1", "bestuur", Instant.FromUtc(2026, 12, 7, 10, 0));
        Assert.False(booked.IsOk);
        var error = Assert.Single(booked.Refusal!.Errors);
        Assert.Equal(("amount", "is onwaarschijnlijk groot (meer dan € 1.000.000.000,00)."), (error.Field, error.Reason));
        Assert.True(ActualCash.Book(new BookSpending { Month = new YearMonth(2026, 11), Kind = "Ontwerp", Amount = 1_000_000_000m },
            new YearMonth(2026, 12), "b-1", "bestuur", Instant.FromUtc(2026, 12, 7, 10, 0)).IsOk);
    }

    [Theory]
    [InlineData("150%")]
    [InlineData("3/2")]
    [InlineData("-10%")]
    public void A_quorum_outside_zero_to_hundred_percent_is_refused_saying_so(string quorum)
    {
        var outcome = AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes { Default = new DecisionRuleInput { Quorum = quorum } });
        Assert.False(outcome.IsOk);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("default.quorum", error.Field);
        Assert.Contains("tussen 0% en 100%", error.Reason);
        Assert.StartsWith($"'{quorum}' is geen aandeel", error.Reason);
    }

    [Fact]
    public void A_majority_above_hundred_percent_is_refused_saying_where_a_majority_lies()
    {
        var outcome = AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes { Default = new DecisionRuleInput { Majority = "120%" } });
        Assert.False(outcome.IsOk);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("default.majority", error.Field);
        Assert.Contains("boven 0% en hoogstens op 100%", error.Reason);
    }
}
