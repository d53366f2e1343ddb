using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.CashFlow;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Rules that hold for any valid plan: generated as a plan file and read by <see cref="PlanReader"/>,
/// so every generated plan is one a user could write.
/// </summary>
public sealed class CashFlowProperties
{
    private static readonly string[] KindNames = ["design", "businessCase", "contracts", "communication", "organisation", "advisers"];

    /// <summary>A work package before the phases are known: cost in cents, and where it runs.</summary>
    public sealed record PackageShape(int Cents, int Scope, int From, int Length, bool Fixed, int Kind);

    public sealed record PlanShape(
        int[] PhaseMonths, PackageShape[] Packages, int[] BudgetPercent, int ExtraGrantPercent, int Tranches,
        int ToApproved, int ToPaid, int Opening, int Buffer, int Restart, int Bridge, int RateBasisPoints, bool Waits,
        int[] Delays, int Margin)
    {
        /// <summary>The same plan without milestone delays or margin.</summary>
        public PlanShape WithoutDelays() => this with { Delays = [.. Delays.Select(_ => 0)], Margin = -1 };

        /// <summary>
        /// The same plan with every fixed cost (a package that runs on during a stall) over the whole
        /// programme, as organisation and communication are in KetelhuisWG: a month of standing still then
        /// costs the same wherever the work stands.
        /// </summary>
        public PlanShape WithSteadyFixedCosts() => this with { Packages = [.. Packages.Select(p => p.Fixed ? p with { Scope = -2 } : p)] };
    }

    private static Gen<PackageShape> Packages() =>
        from cents in Gen.Choose(0, 5_000_000)
        from scope in Gen.Choose(-2, 3)
        from start in Gen.Choose(0, 60)
        from length in Gen.Choose(0, 20)
        from isFixed in Gen.Elements(true, false, false)
        from kind in Gen.Choose(0, 5)
        select new PackageShape(cents, scope, start, length, isFixed, kind);

    private static Gen<PlanShape> Shapes() =>
        from phaseCount in Gen.Choose(1, 4)
        from months in Gen.Choose(1, 12).ArrayOf(phaseCount)
        from packageCount in Gen.Choose(1, 5)
        from packages in Packages().ArrayOf(packageCount)
        from budgets in Gen.Choose(60, 140).ArrayOf(phaseCount)
        from extra in Gen.Choose(0, 60)
        from tranches in Gen.Choose(1, 8)
        from toApproved in Gen.Choose(0, 12)
        from toPaid in Gen.Choose(0, 6)
        from opening in Gen.Choose(0, 100_000)
        from buffer in Gen.Choose(0, 60_000)
        from restart in Gen.Choose(0, 20_000)
        from bridge in Gen.Choose(1, 400_000)
        from rate in Gen.Choose(0, 1_200)
        from waits in Gen.Elements(true, true, false)
        from delays in Gen.Elements(0, 0, 1, 2, 5).ArrayOf(phaseCount)
        from margin in Gen.Choose(-1, 4)
        select new PlanShape(months, packages, budgets, extra, tranches, toApproved, toPaid, opening, buffer, restart, bridge, rate, waits, delays, margin);

    /// <summary>The plan file a shape describes; budgets and grant follow from the planned costs so the file is valid.</summary>
    internal static PlanFile File(PlanShape shape)
    {
        var phases = shape.PhaseMonths.Select((m, i) => (Name: $"Fase {i + 1}", Months: m)).ToList();
        var total = phases.Sum(p => p.Months);
        var firsts = phases.Select((p, i) => 1 + phases.Take(i).Sum(q => q.Months)).ToList();
        var packages = shape.Packages.Select((p, i) =>
        {
            var entry = new WorkPackageEntry
            {
                Name = $"Pakket {i + 1}", Kind = KindNames[p.Kind], MonthlyCost = p.Cents / 100m, RunsDuringStall = p.Fixed,
            };
            return p.Scope switch
            {
                -2 => entry,
                -1 => entry with { FromMonth = 1 + p.From % total, ToMonth = Math.Min(total, 1 + p.From % total + p.Length) },
                _ => entry with { Phase = phases[p.Scope % phases.Count].Name },
            };
        }).ToList();

        decimal CostOf(int month) => packages.Where(p =>
        {
            var (from, to) = p.Phase is { } name
                ? (firsts[phases.FindIndex(f => f.Name == name)], firsts[phases.FindIndex(f => f.Name == name)] + phases.First(f => f.Name == name).Months - 1)
                : (p.FromMonth ?? 1, p.ToMonth ?? p.FromMonth ?? total);
            return month >= from && month <= to;
        }).Sum(p => p.MonthlyCost!.Value);

        var budgets = phases.Select((p, i) =>
            decimal.Round(Enumerable.Range(firsts[i], p.Months).Sum(CostOf) * shape.BudgetPercent[i] / 100m, 2, MidpointRounding.AwayFromZero)).ToList();
        var amount = Math.Max(1_000m, decimal.Round(budgets.Sum() * (100 + shape.ExtraGrantPercent) / 100m, 2, MidpointRounding.AwayFromZero));
        var size = Math.Max(0.01m, decimal.Round(amount / shape.Tranches, 2, MidpointRounding.AwayFromZero));

        return new PlanFile
        {
            FormatVersion = 1,
            Name = "gegenereerd",
            StartMonth = "2020-01",
            OpeningBalance = shape.Opening,
            CashBuffer = shape.Buffer,
            RestartCost = shape.Restart,
            Phases = [.. phases.Select((p, i) => new PhaseEntry
            {
                Name = p.Name, Months = p.Months, Budget = budgets[i],
                Milestones = shape.Delays[i] == 0 ? null : [new MilestoneEntry { Name = $"Besluit {i + 1}", DelayMonths = shape.Delays[i] }],
            })],
            MilestoneMarginMonths = shape.Margin < 0 ? null : shape.Margin,
            WorkPlan = [.. packages],
            Grant = new GrantEntry { Name = "Subsidie", Funder = "Fonds", Amount = amount, TrancheSize = size, WaitsForAccounting = shape.Waits },
            LeadTimes = new LeadTimesEntry { RequestToApprovedMonths = shape.ToApproved, ApprovedToPaidMonths = shape.ToPaid },
            BridgeLoan = new BridgeLoanEntry { Size = shape.Bridge, AnnualRate = shape.RateBasisPoints / 10_000m },
        };
    }

    internal static CashFlowPlan Plan(PlanShape shape)
    {
        var outcome = PlanReader.Validate(File(shape));
        Assert.True(outcome.IsOk, string.Join("; ", outcome.Refusal?.Errors.Select(e => $"{e.Field}: {e.Reason}") ?? []));
        return outcome.Value!;
    }

    internal static Arbitrary<PlanShape> AnyPlan() => Shapes().ToArbitrary();

    private static void AssertCents(decimal amount) => Assert.Equal(decimal.Round(amount, 2), amount);

    [Property(MaxTest = 200)]
    public Property Money_is_conserved_to_the_cent_every_month_in_every_regime() =>
        Prop.ForAll(AnyPlan(), shape =>
        {
            var plan = Plan(shape);
            foreach (var regime in CashFlowSimulator.RegimesFor(plan))
            {
                var result = CashFlowSimulator.Simulate(plan, regime);
                var cash = plan.OpeningBalance;
                foreach (var m in result.Months)
                {
                    Assert.Equal(cash, m.Opening);
                    Assert.Equal(m.Received - m.Spent, m.Closing - m.Opening);
                    Assert.Equal(m.GrantReceived + m.BridgeDrawn, m.Received);
                    Assert.Equal(m.WorkCost + m.StallCost + m.RestartCost + m.BridgeRepaid, m.Spent);
                    foreach (var amount in new[] { m.Closing, m.Received, m.Spent, m.BridgeInterest, m.BridgeOutstanding, m.Exposure }) AssertCents(amount);
                    cash = m.Closing;
                }
                var s = result.Summary;
                Assert.Equal(result.Months.Sum(m => m.WorkCost + m.StallCost + m.RestartCost), s.WorkSpent);
                if (s.Completed) Assert.Equal(plan.PlannedCost + s.ExtraCost, s.WorkSpent);
                Assert.Equal(s.DurationMonths, result.Months.Length);
                Assert.Equal(s.MonthsStalled, result.Months.Count(m => m.Status == MonthStatus.Stalled));
            }
        });

    [Property(MaxTest = 200)]
    public Property The_paid_total_never_exceeds_the_grant() =>
        Prop.ForAll(AnyPlan(), shape =>
        {
            var plan = Plan(shape);
            foreach (var regime in CashFlowSimulator.RegimesFor(plan))
            {
                var result = CashFlowSimulator.Simulate(plan, regime);
                var paid = 0m;
                foreach (var m in result.Months)
                {
                    paid += m.GrantReceived;
                    Assert.True(paid <= plan.Grant.Amount, $"{regime}: {paid} paid of a grant of {plan.Grant.Amount} in {m.Month}");
                }
                Assert.Equal(paid, result.Summary.GrantPaid);
            }
        });

    /// <summary>The plan with the funder faster by up to 12 months to approve and 6 to pay.</summary>
    private static CashFlowPlan Faster(CashFlowPlan slow, int fasterApproval, int fasterPayment) => slow with
    {
        LeadTimes = FunderLeadTimes.Setting(
            Math.Max(0, slow.LeadTimes.RequestToApprovedMonths - fasterApproval),
            Math.Max(0, slow.LeadTimes.ApprovedToPaidMonths - fasterPayment)),
    };

    [Property(MaxTest = 300)]
    public Property Stall_months_never_increase_when_the_funder_is_faster_if_a_stalled_month_costs_the_same_everywhere() =>
        Prop.ForAll(AnyPlan(), Gen.Choose(0, 12).ToArbitrary(), Gen.Choose(0, 6).ToArbitrary(), (shape, fasterApproval, fasterPayment) =>
        {
            // Random milestone waits, margins, buffers and restart costs, with or without the accounting rule. Only
            // the fixed costs are steadied: where they differ per work month, a faster funder can move a stall
            // onto dearer months (FasterFunderTests; docs/cashflow-plan.md "Does a faster funder always help?").
            var slow = Plan(shape.WithSteadyFixedCosts());
            var fast = Faster(slow, fasterApproval, fasterPayment);
            var slowResult = CashFlowSimulator.Simulate(slow, Regime.Tranches).Summary;
            var fastResult = CashFlowSimulator.Simulate(fast, Regime.Tranches).Summary;
            var said = $"lead {slow.LeadTimes.RequestToPaidMonths} → {slowResult.MonthsStalled} months stalled (completed {slowResult.Completed}); " +
                       $"lead {fast.LeadTimes.RequestToPaidMonths} → {fastResult.MonthsStalled} (completed {fastResult.Completed})";
            Assert.True(fastResult.MonthsStalled <= slowResult.MonthsStalled, said);
            Assert.True(fastResult.Completed || !slowResult.Completed, said);
            if (slowResult.Completed) Assert.True(fastResult.CompletedIn <= slowResult.CompletedIn, said);
        });

    [Property(MaxTest = 300)]
    public Property The_first_stall_never_comes_earlier_when_the_funder_is_faster() =>
        Prop.ForAll(AnyPlan(), Gen.Choose(0, 12).ToArbitrary(), Gen.Choose(0, 6).ToArbitrary(), (shape, fasterApproval, fasterPayment) =>
        {
            // Any plan, milestone waits and margins included: up to the first stall the two runs do the same
            // work, and the faster funder's money is never later, so its runway is never shorter.
            var slow = Plan(shape);
            var fast = Faster(slow, fasterApproval, fasterPayment);
            var slowStall = CashFlowSimulator.Simulate(slow, Regime.Tranches).Stalls.FirstOrDefault()?.Start;
            var fastStall = CashFlowSimulator.Simulate(fast, Regime.Tranches).Stalls.FirstOrDefault()?.Start;
            if (fastStall is { } f) Assert.True(slowStall is { } s && s <= f, $"first stall {slowStall} with lead {slow.LeadTimes.RequestToPaidMonths}, {f} with {fast.LeadTimes.RequestToPaidMonths}");
        });

    [Property(MaxTest = 100)]
    public Property Pre_financing_the_full_planned_cost_per_phase_never_stalls() =>
        Prop.ForAll(AnyPlan(), shape =>
        {
            // Budgets at exactly the planned cost, and the buffer from own money: the Danish model's promise.
            var exact = shape.WithoutDelays() with { BudgetPercent = [.. shape.BudgetPercent.Select(_ => 100)], Buffer = Math.Min(shape.Buffer, shape.Opening) };
            var result = CashFlowSimulator.Simulate(Plan(exact), Regime.Milestones);
            Assert.True(result.Summary.Completed);
            Assert.Equal(0, result.Summary.MonthsStalled);
        });
}
