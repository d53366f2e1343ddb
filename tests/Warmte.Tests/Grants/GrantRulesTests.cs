using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Common;
using Warmte.Grants;

namespace Warmte.Tests.Grants;

public sealed class GrantRulesTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    internal static Grant Paw(bool previousAccountingFirst = true) =>
        GrantRules.Create("wg-terrein", new CreateGrant
        {
            Id = "paw", Funder = "Rijk via gemeente Amsterdam", Scheme = "Programma Aardgasvrije Wijken", AmountGranted = 7_700_000m,
            DecidedOn = new LocalDate(2020, 1, 1), PreviousAccountingFirst = previousAccountingFirst,
            Tranches = [.. Enumerable.Range(0, 7).Select(_ => new PlannedTranche { Amount = 1_000_000m }), new PlannedTranche { Amount = 700_000m }],
        }, [], Today, Now).Value!.Value;

    private static Outcome<Audit.Change<Grant>> Do(Grant g, int n, TrancheAction action, LocalDate on, decimal? amount = null, string? reason = null) =>
        GrantRules.Step(g, n, new TrancheCommand
        {
            Action = action, On = on, Amount = amount, Reason = reason,
            PeriodFrom = action == TrancheAction.SubmitAccounting ? on.PlusMonths(-6) : null,
            PeriodTo = action == TrancheAction.SubmitAccounting ? on : null,
            Documents = action == TrancheAction.SubmitAccounting ? ["verantwoording.pdf"] : null,
        }, Today, "test", Now);

    internal static Grant Through(Grant g, int n, LocalDate on, TrancheStatus until)
    {
        g = Do(g, n, TrancheAction.Request, on).Value!.Value;
        if (until == TrancheStatus.Aangevraagd) return g;
        g = Do(g, n, TrancheAction.SubmitAccounting, on, 900_000m).Value!.Value;
        if (until == TrancheStatus.VerantwoordingIngediend) return g;
        g = Do(g, n, TrancheAction.Approve, on.PlusMonths(10)).Value!.Value;
        if (until == TrancheStatus.Goedgekeurd) return g;
        return Do(g, n, TrancheAction.Pay, on.PlusMonths(11), g.Tranches[n - 1].PlannedAmount).Value!.Value;
    }

    [Fact]
    public void A_tranche_walks_through_every_step_and_records_who_and_when()
    {
        var g = Through(Paw(), 1, new LocalDate(2020, 2, 1), TrancheStatus.Uitbetaald);
        var t = g.Tranches[0];
        Assert.Equal(TrancheStatus.Uitbetaald, t.Status);
        // The grant keeps the date of the latest step to each status and the count; the steps themselves are journal rows.
        Assert.Equal((4, new LocalDate(2020, 2, 1), new LocalDate(2020, 2, 1), new LocalDate(2020, 12, 1), (LocalDate?)null, new LocalDate(2021, 1, 1)),
            (t.StepCount, t.RequestedOn, t.AccountedOn, t.ApprovedOn, t.RejectedOn, t.PaidOn));
        Assert.Null(t.Steps);
        var step = GrantRules.Stepped(Through(Paw(), 1, new LocalDate(2020, 2, 1), TrancheStatus.Aangevraagd), 1, new TrancheCommand
        {
            Action = TrancheAction.SubmitAccounting, On = new LocalDate(2020, 3, 1), Amount = 5m, PeriodFrom = new LocalDate(2020, 1, 1),
            PeriodTo = new LocalDate(2020, 2, 29), Documents = ["a.pdf"],
        }, Today, "test", Now).Value!;
        Assert.Equal((TrancheStatus.VerantwoordingIngediend, new LocalDate(2020, 3, 1), "test", Now), (step.Step.To, step.Step.On, step.Step.Actor, step.Step.RecordedAt));
        Assert.Equal(["a.pdf"], step.Step.Accounting!.Documents!.Value.ToArray());
        Assert.Null(step.Change.Value.Tranches[0].Accounting!.Documents); // the documents go with the step, not into the state
        Assert.Equal(1_000_000m, g.TotalPaid);
        Assert.Equal(6_700_000m, g.Outstanding);
    }

    [Fact]
    public void A_rejected_accounting_can_be_resubmitted()
    {
        var g = Through(Paw(), 1, new LocalDate(2020, 2, 1), TrancheStatus.VerantwoordingIngediend);
        g = Do(g, 1, TrancheAction.Reject, new LocalDate(2020, 3, 1), reason: "Facturen ontbreken").Value!.Value;
        Assert.Equal(TrancheStatus.Afgekeurd, g.Tranches[0].Status);
        Assert.Equal("Facturen ontbreken", g.Tranches[0].RejectionReason);
        g = Do(g, 1, TrancheAction.SubmitAccounting, new LocalDate(2020, 4, 1), 950_000m).Value!.Value;
        Assert.Equal(TrancheStatus.VerantwoordingIngediend, g.Tranches[0].Status);
        Assert.Null(g.Tranches[0].RejectionReason);
        Assert.Equal("reason", Assert.Single(Do(g, 1, TrancheAction.Reject, new LocalDate(2020, 4, 2)).Refusal!.Errors).Field);
    }

    [Fact]
    public void The_next_tranche_is_paid_only_after_the_previous_accounting_was_approved()
    {
        var g = Through(Paw(), 1, new LocalDate(2020, 2, 1), TrancheStatus.VerantwoordingIngediend);
        g = Through(g, 2, new LocalDate(2020, 3, 1), TrancheStatus.Goedgekeurd);
        var refused = Do(g, 2, TrancheAction.Pay, new LocalDate(2021, 2, 1), 1_000_000m);
        Assert.Equal("previous-accounting-not-approved", refused.Refusal!.Code);

        // The per-grant setting turns the rule off (e.g. pre-financing).
        var free = Through(Paw(previousAccountingFirst: false), 1, new LocalDate(2020, 2, 1), TrancheStatus.VerantwoordingIngediend);
        free = Through(free, 2, new LocalDate(2020, 3, 1), TrancheStatus.Goedgekeurd);
        Assert.True(Do(free, 2, TrancheAction.Pay, new LocalDate(2021, 2, 1), 1_000_000m).IsOk);
    }

    [Fact]
    public void Steps_out_of_order_amounts_and_dates_are_refused()
    {
        var g = Paw();
        Assert.Equal("tranche-state", Do(g, 1, TrancheAction.Approve, new LocalDate(2020, 2, 1)).Refusal!.Code);
        Assert.Equal("tranche-state", Do(g, 1, TrancheAction.Pay, new LocalDate(2020, 2, 1), 1m).Refusal!.Code);
        Assert.Equal(RefusalKind.NotFound, Do(g, 9, TrancheAction.Request, new LocalDate(2020, 2, 1)).Refusal!.Kind);
        g = Do(g, 1, TrancheAction.Request, new LocalDate(2020, 2, 1)).Value!.Value;
        Assert.Equal(["on"], Do(g, 1, TrancheAction.SubmitAccounting, new LocalDate(2020, 1, 31), 5m).Refusal!.Errors.Select(e => e.Field));
        Assert.Equal(["on"], Do(g, 1, TrancheAction.SubmitAccounting, Today.PlusDays(1), 5m).Refusal!.Errors.Select(e => e.Field));
        Assert.Equal(["amount"], Do(g, 1, TrancheAction.SubmitAccounting, new LocalDate(2020, 3, 1), 10.005m).Refusal!.Errors.Select(e => e.Field));
        Assert.Equal(["amount"], Do(g, 1, TrancheAction.SubmitAccounting, new LocalDate(2020, 3, 1), -1m).Refusal!.Errors.Select(e => e.Field));
    }

    [Fact]
    public void The_total_paid_never_exceeds_the_grant()
    {
        var g = Through(Paw(), 1, new LocalDate(2020, 2, 1), TrancheStatus.Goedgekeurd);
        Assert.Equal("exceeds-grant", Do(g, 1, TrancheAction.Pay, new LocalDate(2021, 2, 1), 7_700_000.01m).Refusal!.Code);
        Assert.True(Do(g, 1, TrancheAction.Pay, new LocalDate(2021, 2, 1), 7_700_000m).IsOk);
    }

    private static Grant Small(string id, int tranches) =>
        GrantRules.Create("p", new CreateGrant
        {
            Id = id, Funder = "f", Scheme = "s", AmountGranted = 1_000m, DecidedOn = Today,
            Tranches = [.. Enumerable.Range(0, tranches).Select(_ => new PlannedTranche { Amount = 1m })],
        }, [], Today, Now).Value!.Value;

    private static CreateGrant NewGrant(int tranches) => new()
    {
        Id = "nieuw", Funder = "f", Scheme = "s", AmountGranted = 1_000m, DecidedOn = Today,
        Tranches = [.. Enumerable.Range(0, tranches).Select(_ => new PlannedTranche { Amount = 1m })],
    };

    [Fact]
    public void A_project_takes_fifty_grants_and_refuses_the_fifty_first_with_a_409_naming_the_limit()
    {
        var fortyNine = Enumerable.Range(1, 49).Select(i => Small($"g-{i}", 1)).ToList();
        Assert.True(GrantRules.Create("p", NewGrant(1), fortyNine, Today, Now).IsOk);
        var fifty = fortyNine.Append(Small("g-50", 1)).ToList();
        var refused = GrantRules.Create("p", NewGrant(1), fifty, Today, Now).Refusal!;
        Assert.Equal((RefusalKind.Conflict, "too-many-grants"), (refused.Kind, refused.Code));
        Assert.Contains("maximaal 50 subsidies", refused.Message);
        Assert.Contains("heeft er al 50", refused.Message);
        // The same id again is still "already exists", not the limit.
        Assert.Equal("already-exists", GrantRules.Create("p", NewGrant(1) with { Id = "g-3" }, fifty, Today, Now).Refusal!.Code);
    }

    [Fact]
    public void Tranches_across_a_projects_grants_stop_at_five_hundred_and_a_plan_may_always_shrink()
    {
        var others = Enumerable.Range(1, 5).Select(i => Small($"g-{i}", 90)).ToList(); // 450 tranches
        Assert.True(GrantRules.Create("p", NewGrant(50), others, Today, Now).IsOk);
        var refused = GrantRules.Create("p", NewGrant(51), others, Today, Now).Refusal!;
        Assert.Equal((RefusalKind.Conflict, "too-many-tranches"), (refused.Kind, refused.Code));
        Assert.Contains("maximaal 500 tranches", refused.Message);
        Assert.Contains("hoogstens 50 hebben (nu 51)", refused.Message);
        // Over a hundred in one plan is the field's own refusal, as before.
        Assert.Equal("tranches", Assert.Single(GrantRules.Create("p", NewGrant(101), [], Today, Now).Refusal!.Errors).Field);

        var grant = Small("eigen", 10);
        PlannedTranche?[] Plan(int n) => [.. Enumerable.Range(0, n).Select(_ => new PlannedTranche { Amount = 1m })];
        Assert.True(GrantRules.Replan(grant, Plan(50), otherTranches: 450).IsOk);
        Assert.Equal("too-many-tranches", GrantRules.Replan(grant, Plan(51), otherTranches: 450).Refusal!.Code);
        // A project stored above the limit (before it existed) may still shrink or change its plans, never grow them.
        Assert.True(GrantRules.Replan(grant, Plan(10), otherTranches: 600).IsOk);
        Assert.True(GrantRules.Replan(grant, Plan(4), otherTranches: 600).IsOk);
        Assert.Equal("too-many-tranches", GrantRules.Replan(grant, Plan(11), otherTranches: 600).Refusal!.Code);
    }

    [Fact]
    public void A_tranche_plan_larger_than_the_grant_is_refused()
    {
        var outcome = GrantRules.Create("p", new CreateGrant
        {
            Id = "xx", Funder = "f", Scheme = "s", AmountGranted = 100m, DecidedOn = Today,
            Tranches = [new PlannedTranche { Amount = 60m }, new PlannedTranche { Amount = 60m }],
        }, [], Today, Now);
        Assert.Equal("tranches", Assert.Single(outcome.Refusal!.Errors).Field);
    }

    [Fact]
    public void Lead_times_are_the_median_of_what_happened()
    {
        var g = Paw();
        g = Through(g, 1, new LocalDate(2020, 2, 1), TrancheStatus.Uitbetaald);
        g = Through(g, 2, new LocalDate(2021, 2, 1), TrancheStatus.Uitbetaald);
        var lead = LeadTimes.Of(g.Tranches);
        Assert.Equal(2, lead.Observations);
        Assert.InRange(lead.RequestToPaymentDays!.Value, 330, 336); // eleven months
        Assert.InRange(lead.ApprovalToPaymentDays!.Value, 28, 31);
    }

    /// <summary>Random sequences of tranche steps with random amounts: whatever is accepted, the total paid stays within the grant.</summary>
    [Property(MaxTest = 200)]
    public Property Paid_total_never_exceeds_the_grant() =>
        Prop.ForAll(
            (from n in Gen.Choose(1, 8)
             from action in Gen.Elements(Enum.GetValues<TrancheAction>())
             from cents in Gen.Choose(1, 300_000_000)
             select (n, action, amount: cents / 100m)).ArrayOf().ToArbitrary(),
            steps =>
            {
                var g = Paw(previousAccountingFirst: false);
                var on = new LocalDate(2020, 1, 1);
                foreach (var (n, action, amount) in steps)
                {
                    on = on.PlusDays(3);
                    if (on > Today) break;
                    var outcome = Do(g, n, action, on, amount, reason: "r");
                    if (outcome.IsOk) g = outcome.Value!.Value;
                    Assert.True(g.TotalPaid <= g.AmountGranted);
                    Assert.Equal(g.Tranches.Sum(t => t.PaidAmount ?? 0m), g.TotalPaid);
                }
            });
}
