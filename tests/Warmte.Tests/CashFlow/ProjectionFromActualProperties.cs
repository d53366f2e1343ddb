using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.CashFlow;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Projecting from the actual state must continue exactly where reality is: if the project went
/// month by month as the simulation from its start says, the projection from any month on equals
/// the rest of that simulation — month by month, to the cent, events included.
/// </summary>
public sealed class ProjectionFromActualProperties
{
    [Property(MaxTest = 300)]
    public Property Projecting_from_any_month_of_a_simulation_continues_it_exactly() =>
        Prop.ForAll(CashFlowProperties.AnyPlan(), Gen.Choose(0, 10_000).ToArbitrary(), (shape, pick) =>
        {
            // With random milestone waits. The actual state does not say that the work is waiting for a milestone
            // (a permit applied for, a vote called), so it is taken at the end of a month after which no wait is
            // pending; from inside a wait the projection would resume the work at once (a documented limit).
            var plan = CashFlowProperties.Plan(shape);
            var full = CashFlowSimulator.Simulate(plan, Regime.Tranches);
            var ends = Enumerable.Range(0, Math.Max(0, full.Months.Length - 1)).Where(i => full.Months[i + 1].Status != MonthStatus.Waiting).ToList();
            if (ends.Count == 0) return;
            var k = ends[pick % ends.Count];
            var state = StateAfter(plan, full.Months, k);

            var projected = CashFlowSimulator.SimulateFrom(plan, state);
            if (state.WorkMonthsDone == plan.WorkMonths) { Assert.Null(projected); return; }
            Assert.NotNull(projected);
            var expected = full.Months.Skip(k + 1).ToList();
            Assert.Equal(expected.Count, projected.Months.Length);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i] with { Events = [] }, projected.Months[i] with { Events = [] });
                Assert.Equal(expected[i].Events.Select(e => (e.Kind, e.Amount, e.Number, e.Name)), projected.Months[i].Events.Select(e => (e.Kind, e.Amount, e.Number, e.Name)));
            }
            Assert.Equal(full.Summary.Completed, projected.Summary.Completed);
            Assert.Equal(full.Summary.GrantPaid, projected.Summary.GrantPaid);
            Assert.Equal(full.Summary.WorkSpent, projected.Summary.WorkSpent);
        });

    /// <summary>The state at the end of month <paramref name="k"/>, read off the simulated months the way it would be recorded.</summary>
    internal static ActualState StateAfter(CashFlowPlan plan, ImmutableArray<MonthResult> months, int k)
    {
        var past = months.Take(k + 1).ToList();
        var events = past.SelectMany(m => m.Events.Select(e => (m.Month, Event: e))).ToList();
        var lead = plan.LeadTimes;
        var paidNumbers = events.Where(e => e.Event.Kind == EventKind.TranchePaid).Select(e => e.Event.Number).ToHashSet();
        var payments = events.Where(e => e.Event.Kind == EventKind.TrancheRequested && !paidNumbers.Contains(e.Event.Number))
            .Select(e => new ExpectedPayment(e.Month.PlusMonths(lead.RequestToPaidMonths), e.Event.Amount, e.Event.Number!.Value));
        var submissions = events.Where(e => e.Event.Kind == EventKind.AccountingSubmitted).ToList();
        var approvedCount = events.Count(e => e.Event.Kind == EventKind.AccountingApproved);
        var running = 0m;
        var approvals = new List<ExpectedApproval>();
        for (var i = 0; i < submissions.Count; i++)
        {
            running += submissions[i].Event.Amount;
            if (i >= approvedCount)
                approvals.Add(new ExpectedApproval(submissions[i].Month.PlusMonths(lead.RequestToApprovedMonths), running, submissions[i].Event.Number!.Value));
        }
        var last = past[^1];
        return new ActualState
        {
            Month = last.Month,
            Cash = last.Closing,
            // A stalled month names the work month it waits to do; a working or waiting month the last one done.
            WorkMonthsDone = last.Status == MonthStatus.Stalled ? last.WorkMonth - 1 : last.WorkMonth,
            ProgressSource = ProgressSource.Reported,
            Stalled = last.Status == MonthStatus.Stalled,
            GrantPaid = past.Sum(m => m.GrantReceived),
            Spent = past.Sum(m => m.WorkCost + m.StallCost + m.RestartCost),
            AccountingSubmitted = submissions.Sum(s => s.Event.Amount),
            AccountingApproved = events.Where(e => e.Event.Kind == EventKind.AccountingApproved).Select(e => e.Event.Amount).DefaultIfEmpty(0m).Max(),
            TranchesStarted = 1 + events.Count(e => e.Event.Kind == EventKind.TrancheRequested),
            ExpectedPayments = [.. payments],
            ExpectedApprovals = [.. approvals],
        };
    }
}
