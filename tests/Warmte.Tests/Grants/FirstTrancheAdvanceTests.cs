using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alerts;
using Warmte.Common;
using Warmte.Grants;
using Warmte.Serialization;
using Warmte.Spreadsheets.Import;

namespace Warmte.Tests.Grants;

/// <summary>
/// Tester T3: every tranche, also the first, was paid only after its own accounting, so a new cooperative had to pre-finance
/// tranche 1 and was asked to account for money it never received. The first tranche of a grant is now an advance (default for
/// new grants): request → approve → pay, its accounting going with tranche 2's request; stored grants keep their old way.
/// </summary>
public sealed class FirstTrancheAdvanceTests
{
    private static readonly LocalDate Today = new(2026, 12, 7);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 12, 0);
    private static readonly LocalDate Decided = new(2026, 2, 1);

    private static Grant Ontwikkel(bool? advance = null) =>
        GrantRules.Create("dapperbuurt", new CreateGrant
        {
            Id = "gem-ontw", Funder = "Gemeente Amsterdam", Scheme = "Ontwikkelsubsidie", AmountGranted = 300_000m, DecidedOn = Decided,
            FirstTrancheAdvance = advance,
            Tranches = [new PlannedTranche { Amount = 100_000m }, new PlannedTranche { Amount = 100_000m }, new PlannedTranche { Amount = 100_000m }],
        }, [], Today, Now).Value!.Value;

    private static Outcome<Audit.Change<Grant>> Do(Grant g, int n, TrancheAction action, LocalDate on, decimal? amount = null) =>
        GrantRules.Step(g, n, new TrancheCommand
        {
            Action = action, On = on, Amount = amount, Reason = "r",
            PeriodFrom = action == TrancheAction.SubmitAccounting ? Decided : null,
            PeriodTo = action == TrancheAction.SubmitAccounting ? on : null,
        }, Today, "test", Now);

    private static Grant Ok(Outcome<Audit.Change<Grant>> outcome) =>
        outcome.IsOk ? outcome.Value!.Value : throw new Xunit.Sdk.XunitException(outcome.Refusal!.Message + " " + string.Join("; ", outcome.Refusal.Errors.Select(e => $"{e.Field}: {e.Reason}")));

    [Fact]
    public void A_new_grants_first_tranche_is_approved_on_its_request_and_paid_as_an_advance()
    {
        var g = Ontwikkel();
        Assert.True(g.FirstTrancheAdvance);
        g = Ok(Do(g, 1, TrancheAction.Request, new LocalDate(2026, 3, 1)));
        g = Ok(Do(g, 1, TrancheAction.Approve, new LocalDate(2026, 3, 20)));
        Assert.Equal(TrancheStatus.Goedgekeurd, g.Tranches[0].Status);
        g = Ok(Do(g, 1, TrancheAction.Pay, new LocalDate(2026, 4, 1), 100_000m));
        var t = g.Tranches[0];
        Assert.Equal((TrancheStatus.Uitbetaald, (LocalDate?)null, true), (t.Status, t.AccountedOn, t.ApprovedAsAdvance));
        Assert.Equal(100_000m, g.TotalPaid);
        Assert.Equal(200_000m, g.Outstanding);
    }

    [Fact]
    public void The_next_tranche_is_released_by_the_accounting_of_what_was_spent_and_cannot_skip_it()
    {
        var g = Ok(Do(Ok(Do(Ok(Do(Ontwikkel(), 1, TrancheAction.Request, new LocalDate(2026, 3, 1))), 1, TrancheAction.Approve, new LocalDate(2026, 3, 20))),
            1, TrancheAction.Pay, new LocalDate(2026, 4, 1), 100_000m));
        g = Ok(Do(g, 2, TrancheAction.Request, new LocalDate(2026, 9, 1)));
        var refused = Do(g, 2, TrancheAction.Approve, new LocalDate(2026, 9, 2));
        Assert.Equal("tranche-state", refused.Refusal!.Code);
        Assert.Contains("Alleen de eerste tranche kan als voorschot", refused.Refusal.Message);
        Assert.Equal("tranche-state", Do(g, 2, TrancheAction.Pay, new LocalDate(2026, 9, 2), 100_000m).Refusal!.Code);
        g = Ok(Do(g, 2, TrancheAction.SubmitAccounting, new LocalDate(2026, 9, 1), 96_750.50m));
        g = Ok(Do(g, 2, TrancheAction.Approve, new LocalDate(2026, 11, 1)));
        g = Ok(Do(g, 2, TrancheAction.Pay, new LocalDate(2026, 11, 15), 100_000m));
        Assert.False(g.Tranches[1].ApprovedAsAdvance);
        Assert.Equal(200_000m, g.TotalPaid);
    }

    [Fact]
    public void The_first_tranche_can_still_go_through_an_accounting_and_pay_before_approval_says_what_comes_first()
    {
        var g = Ok(Do(Ontwikkel(), 1, TrancheAction.Request, new LocalDate(2026, 3, 1)));
        var early = Do(g, 1, TrancheAction.Pay, new LocalDate(2026, 3, 2), 100_000m);
        Assert.Equal("tranche-state", early.Refusal!.Code);
        Assert.Contains("keurt de aanvraag eerst goed", early.Refusal.Message);
        g = Ok(Do(g, 1, TrancheAction.SubmitAccounting, new LocalDate(2026, 3, 5), 10_000m));
        g = Ok(Do(g, 1, TrancheAction.Approve, new LocalDate(2026, 3, 20)));
        g = Ok(Do(g, 1, TrancheAction.Pay, new LocalDate(2026, 4, 1), 100_000m));
        Assert.False(g.Tranches[0].ApprovedAsAdvance);
    }

    [Fact]
    public void A_grant_without_the_advance_pays_the_first_tranche_after_accounting_as_before()
    {
        var g = Ok(Do(Ontwikkel(advance: false), 1, TrancheAction.Request, new LocalDate(2026, 3, 1)));
        var refused = Do(g, 1, TrancheAction.Approve, new LocalDate(2026, 3, 2));
        Assert.Equal("tranche-state", refused.Refusal!.Code);
        Assert.Contains("geen voorschot", refused.Refusal.Message);
    }

    /// <summary>A grant stored before this release has no <c>firstTrancheAdvance</c> in its JSON: it reads false and keeps behaving as it did.</summary>
    [Fact]
    public void A_grant_stored_before_the_setting_reads_without_the_advance()
    {
        var stored = JsonSerializer.SerializeToNode(Ontwikkel(), WarmteJson.Default)!.AsObject();
        Assert.True(stored.Remove("firstTrancheAdvance"));
        var read = JsonSerializer.Deserialize<Grant>(stored.ToJsonString(), WarmteJson.Default)!;
        Assert.False(read.FirstTrancheAdvance);
        read = Ok(Do(read, 1, TrancheAction.Request, new LocalDate(2026, 3, 1)));
        Assert.Equal("tranche-state", Do(read, 1, TrancheAction.Approve, new LocalDate(2026, 3, 2)).Refusal!.Code);
    }

    [Fact]
    public void An_advance_awaiting_approval_is_not_an_overdue_accounting_but_a_review_past_the_norm()
    {
        var requested = Today.PlusDays(-97);
        var advance = Ok(Do(Ontwikkel(), 1, TrancheAction.Request, requested));
        var alert = Assert.Single(AlertRules.For("dapperbuurt", Phases.Phase.Haalbaarheid, [], [GrantView.Of(advance)], Today));
        Assert.Equal(AlertKinds.TrancheRequestPending, alert.Kind);
        Assert.Contains("aangevraagd op 01-09-2026 als voorschot, na 97 dagen nog niet goedgekeurd (norm 90 dagen)", alert.Message);
        Assert.DoesNotContain("verantwoording", alert.Message);
        // Within the norm nothing is asked of anyone yet.
        Assert.Empty(AlertRules.For("dapperbuurt", Phases.Phase.Haalbaarheid, [], [GrantView.Of(advance)], requested.PlusDays(80)));

        // The same request on a grant without the advance still waits for the board's accounting (60 days).
        var declared = Ok(Do(Ontwikkel(advance: false), 1, TrancheAction.Request, requested));
        var overdue = Assert.Single(AlertRules.For("dapperbuurt", Phases.Phase.Haalbaarheid, [], [GrantView.Of(declared)], Today));
        Assert.Equal(AlertKinds.AccountingOverdue, overdue.Kind);
    }

    [Fact]
    public void An_advance_past_the_review_norm_is_expected_later_and_uncertain_like_a_late_review()
    {
        var requested = Today.PlusDays(-97);
        var view = GrantView.Of(Ok(Do(Ontwikkel(), 1, TrancheAction.Request, requested)));
        var tranche = view.Grant.Tranches[0];
        Assert.Equal(7, PaymentExpectation.DaysOverReviewNorm(view.Grant, tranche, Today));
        // No lead time observed on this grant: the norm (90 days) again from today, then 30 days to payment.
        Assert.Equal(Today.PlusDays(90 + 30), PaymentExpectation.ExpectedOn(view, tranche, Today));
        Assert.StartsWith("betaling onzeker: de beoordeling loopt 7 dagen over de norm van 90 dagen", PaymentExpectation.Uncertainty(view, tranche, Today));
        // Within the norm: request + the norm, as for any requested tranche.
        Assert.Equal(requested.PlusDays(90), PaymentExpectation.ExpectedOn(view, tranche, requested.PlusDays(10)));
    }

    [Fact]
    public void The_lead_times_that_forecast_an_accountings_review_leave_the_advance_out()
    {
        var g = Ok(Do(Ok(Do(Ok(Do(Ontwikkel(), 1, TrancheAction.Request, new LocalDate(2026, 3, 1))), 1, TrancheAction.Approve, new LocalDate(2026, 3, 11))),
            1, TrancheAction.Pay, new LocalDate(2026, 3, 16), 100_000m));
        g = Ok(Do(g, 2, TrancheAction.Request, new LocalDate(2026, 4, 1)));
        g = Ok(Do(g, 2, TrancheAction.SubmitAccounting, new LocalDate(2026, 4, 1), 90_000m));
        g = Ok(Do(g, 2, TrancheAction.Approve, new LocalDate(2026, 10, 18)));   // 200 days after the request
        g = Ok(Do(g, 2, TrancheAction.Pay, new LocalDate(2026, 11, 17), 100_000m)); // 30 days after approval
        var lead = LeadTimes.Of(g.Tranches);
        Assert.Equal(200m, lead.RequestToApprovalDays);      // not the median of 10 and 200
        Assert.Equal(230m, lead.RequestToPaymentDays);       // not the median of 15 and 230
        Assert.Equal(17.5m, lead.ApprovalToPaymentDays);     // paying is the same work for both: 5 and 30 days
        Assert.Equal(1, lead.Observations);
        var plan = Warmte.CashFlow.ObservedLeadTimes.From([GrantView.Of(g)])!;
        Assert.Equal(200m, plan.RequestToApprovedDays);
    }

    [Fact]
    public void The_tranche_import_sends_an_advance_from_request_to_approval_without_an_accounting()
    {
        ImmutableArray<ImportedRow<TrancheRow>> rows =
        [
            new(2, new TrancheRow(1, 100_000m, null, new LocalDate(2026, 3, 1), null, null, null, null, new LocalDate(2026, 3, 20), new LocalDate(2026, 4, 1), 100_000m)),
            new(3, new TrancheRow(2, 100_000m, null, new LocalDate(2026, 9, 1), null, null, null, null, null, null, null)),
        ];
        var fresh = TrancheImport.Compare(rows, null, Decided);
        Assert.Equal([(1, TrancheAction.Request), (1, TrancheAction.Approve), (1, TrancheAction.Pay), (2, TrancheAction.Request)],
            fresh.Steps.Select(s => (s.Number, s.Action)));
        Assert.Empty(fresh.Problems);

        // Recorded already: nothing to send again.
        var g = Ok(Do(Ok(Do(Ok(Do(Ontwikkel(), 1, TrancheAction.Request, new LocalDate(2026, 3, 1))), 1, TrancheAction.Approve, new LocalDate(2026, 3, 20))),
            1, TrancheAction.Pay, new LocalDate(2026, 4, 1), 100_000m));
        var again = TrancheImport.Compare(rows, g);
        Assert.Equal([(2, TrancheAction.Request)], again.Steps.Select(s => (s.Number, s.Action)));
        Assert.Equal(3, again.StepsAlreadyRecorded);

        // A grant that pays the first tranche after accounting: the file's approval without an accounting is not sent.
        var declared = TrancheImport.Compare(rows, Ontwikkel(advance: false));
        Assert.Equal([(1, TrancheAction.Request), (2, TrancheAction.Request)], declared.Steps.Select(s => (s.Number, s.Action)));
    }

    /// <summary>
    /// Random step sequences on a grant with the advance: whatever is accepted, the only step skipped is the first tranche's
    /// accounting (Aangevraagd → Goedgekeurd of tranche 1), a later tranche is never approved or paid without its accounting,
    /// and money is conserved (the total paid is the sum of the tranches' payments and never more than the grant).
    /// </summary>
    [Property(MaxTest = 300)]
    public Property No_step_is_skipped_but_the_first_tranches_accounting_and_money_is_conserved() =>
        Prop.ForAll(
            (from n in Gen.Choose(1, 3)
             from action in Gen.Elements(Enum.GetValues<TrancheAction>())
             from cents in Gen.Choose(1, 20_000_000)
             select (n, action, amount: cents / 100m)).ArrayOf().ToArbitrary(),
            Gen.Elements(true, false).ToArbitrary(),
            (steps, advance) =>
            {
                var g = Ontwikkel(advance);
                var on = Decided;
                foreach (var (n, action, amount) in steps)
                {
                    on = on.PlusDays(1);
                    if (on > Today) break;
                    var before = g.Tranches[n - 1].Status;
                    var outcome = Do(g, n, action, on, amount);
                    if (!outcome.IsOk) continue;
                    g = outcome.Value!.Value;
                    var after = g.Tranches[n - 1].Status;
                    var allowed = (before, after) switch
                    {
                        (TrancheStatus.Gepland, TrancheStatus.Aangevraagd) => true,
                        (TrancheStatus.Aangevraagd or TrancheStatus.Afgekeurd, TrancheStatus.VerantwoordingIngediend) => true,
                        (TrancheStatus.VerantwoordingIngediend, TrancheStatus.Goedgekeurd or TrancheStatus.Afgekeurd) => true,
                        (TrancheStatus.Aangevraagd, TrancheStatus.Goedgekeurd) => advance && n == 1,
                        (TrancheStatus.Goedgekeurd, TrancheStatus.Uitbetaald) => true,
                        _ => false,
                    };
                    Assert.True(allowed, $"tranche {n}: {before} → {after} (advance {advance})");
                    Assert.True(g.TotalPaid <= g.AmountGranted);
                    Assert.Equal(g.Tranches.Sum(t => t.PaidAmount ?? 0m), g.TotalPaid);
                    Assert.Equal(g.AmountGranted - g.TotalPaid, g.Outstanding);
                }
                foreach (var t in g.Tranches.Where(t => t.Status is TrancheStatus.Goedgekeurd or TrancheStatus.Uitbetaald))
                    Assert.True(t.AccountedOn is not null || (advance && t.Number == 1), $"tranche {t.Number} approved without accounting");
            });
}
