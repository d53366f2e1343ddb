using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using Warmte.Common;

namespace Warmte.CashFlow;

/// <summary>
/// Reads a cash-flow plan file (JSON, format version 1) into a validated <see cref="CashFlowPlan"/>,
/// or refuses it with every problem named by its field path ("workPlan[2].monthlyCost") and reason.
/// Unknown keys are refused, so a misspelt field is never silently ignored.
/// </summary>
public static class PlanReader
{
    public const int CurrentFormatVersion = 1;
    /// <summary>30 years of development work is already far beyond any real plan.</summary>
    public const int MaxWorkMonths = 360;
    /// <summary>The longest expected wait at a milestone, and the longest margin: five years.</summary>
    public const int MaxDelayMonths = 60;
    public const int MaxLeadMonths = 60;
    public const int MaxTranches = 100;
    public const int MaxPhases = 50;
    // A monthly budget per category over six years is 432 packages; the simulator walks them once per month.
    public const int MaxWorkPackages = 1000;

    private static readonly IReadOnlyDictionary<string, WorkKind> Kinds = new Dictionary<string, WorkKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["design"] = WorkKind.Design,
        ["businessCase"] = WorkKind.BusinessCase,
        ["contracts"] = WorkKind.Contracts,
        ["communication"] = WorkKind.Communication,
        ["organisation"] = WorkKind.Organisation,
        ["advisers"] = WorkKind.Advisers,
    };

    public static Outcome<CashFlowPlan> Read(string json)
    {
        var file = JsonFile.Read<PlanFile>(json, "plan", "planformaat");
        return file.IsOk ? Validate(file.Value!) : file.Refusal!;
    }

    public static Outcome<CashFlowPlan> Validate(PlanFile file)
    {
        var v = new Validation();
        if (file.FormatVersion != CurrentFormatVersion)
            v.Add("formatVersion", file.FormatVersion is null ? "is verplicht (1)." : $"{file.FormatVersion} wordt niet ondersteund; dit is formaat {CurrentFormatVersion}.");
        var name = v.Text("name", file.Name);
        var description = v.OptionalNotes("description", file.Description, 4000);
        var start = Month(v, "startMonth", file.StartMonth, required: true);
        var today = Month(v, "today", file.Today, required: false);
        if (start is { } s && today is { } t && t < s) v.Add("today", "ligt vóór startMonth.");
        var opening = Money(v, "openingBalance", file.OpeningBalance ?? 0m);
        var buffer = Money(v, "cashBuffer", file.CashBuffer ?? 0m);
        var restart = Money(v, "restartCost", file.RestartCost ?? 0m);

        var phases = ReadPhases(v, file.Phases);
        var workMonths = phases.Count > 0 ? phases[^1].LastMonth : 0;
        var packages = ReadWorkPlan(v, file.WorkPlan, phases, workMonths);
        var grant = ReadGrant(v, file.Grant);
        // Phase budgets above the grant are allowed, as a work plan above it is (tester T10): the difference is money still to find
        // (CashFlowPlan.MoneyToFind), shown with the plan.
        var leadTimes = ReadLeadTimes(v, file.LeadTimes);
        var bridge = ReadBridge(v, file.BridgeLoan);
        var margin = Whole(v, "milestoneMarginMonths", file.MilestoneMarginMonths, 0, MaxDelayMonths, required: false);

        var assumptions = ImmutableArray.CreateBuilder<PlanAssumption>();
        for (var i = 0; i < (file.Assumptions?.Count ?? 0); i++)
        {
            var a = file.Assumptions![i];
            var p = $"assumptions[{i}]";
            if (a is null) { v.Add(p, "is leeg."); continue; }
            assumptions.Add(new PlanAssumption(v.Text($"{p}.field", a.Field), v.Notes($"{p}.reasoning", a.Reasoning, 4000), v.OptionalNotes($"{p}.source", a.Source, 1000)));
        }

        if (v.HasErrors) return v.ToRefusal();
        return Outcome<CashFlowPlan>.Ok(new CashFlowPlan
        {
            Name = name, Description = description, StartMonth = start!.Value, Today = today,
            OpeningBalance = opening, CashBuffer = buffer, RestartCost = restart,
            Phases = [.. phases], WorkPlan = packages, Grant = grant!, LeadTimes = leadTimes!, BridgeLoan = bridge,
            Assumptions = assumptions.ToImmutable(), MilestoneMarginMonths = margin,
        });
    }

    private static List<PlanPhase> ReadPhases(Validation v, List<PhaseEntry?>? entries)
    {
        var phases = new List<PlanPhase>();
        if (entries is not { Count: > 0 }) { v.Add("phases", "is verplicht: minstens één fase met maanden en budget."); return phases; }
        if (entries.Count > MaxPhases) { v.Add("phases", $"heeft meer dan {MaxPhases} fasen."); return phases; }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var next = 1;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var p = $"phases[{i}]";
            if (e is null) { v.Add(p, "is leeg."); continue; }
            var phaseName = v.Text($"{p}.name", e.Name);
            if (phaseName.Length > 0 && !names.Add(phaseName)) v.Add($"{p}.name", $"'{phaseName}' komt al eerder voor; fasenamen zijn uniek.");
            var months = Whole(v, $"{p}.months", e.Months, 1, MaxWorkMonths, required: true) ?? 1;
            var budget = Money(v, $"{p}.budget", e.Budget, required: true);
            var first = next;
            var last = next + months - 1;
            next = last + 1;
            var milestones = ImmutableArray.CreateBuilder<PlanMilestone>();
            for (var j = 0; j < (e.Milestones?.Count ?? 0); j++)
            {
                var m = e.Milestones![j];
                var mp = $"{p}.milestones[{j}]";
                if (m is null) { v.Add(mp, "is leeg."); continue; }
                var milestoneName = v.Text($"{mp}.name", m.Name);
                var within = m.Month is null ? months : Whole(v, $"{mp}.month", m.Month, 1, months, required: true) ?? months;
                var delay = Whole(v, $"{mp}.delayMonths", m.DelayMonths, 0, MaxDelayMonths, required: false) ?? 0;
                milestones.Add(new PlanMilestone(milestoneName, first + within - 1, delay));
            }
            phases.Add(new PlanPhase(phaseName, first, last, budget, [.. milestones.OrderBy(m => m.WorkMonth)]));
        }
        if (next - 1 > MaxWorkMonths) v.Add("phases", $"de fasen duren samen {next - 1} werkmaanden; het maximum is {MaxWorkMonths}.");
        return phases;
    }

    private static ImmutableArray<WorkPackage> ReadWorkPlan(Validation v, List<WorkPackageEntry?>? entries, List<PlanPhase> phases, int workMonths)
    {
        var packages = ImmutableArray.CreateBuilder<WorkPackage>();
        if (entries is not { Count: > 0 }) { v.Add("workPlan", "is verplicht: minstens één werkpakket met maandkosten."); return packages.ToImmutable(); }
        if (entries.Count > MaxWorkPackages) { v.Add("workPlan", $"heeft meer dan {MaxWorkPackages} werkpakketten."); return packages.ToImmutable(); }
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var p = $"workPlan[{i}]";
            if (e is null) { v.Add(p, "is leeg."); continue; }
            var packageName = v.Text($"{p}.name", e.Name);
            var kind = WorkKind.Advisers;
            if (e.Kind is null) v.Add($"{p}.kind", "is verplicht: " + KindList + ".");
            else if (!Kinds.TryGetValue(e.Kind.Trim(), out kind)) v.Add($"{p}.kind", $"'{Slug.Truncate(e.Kind)}' is geen soort werk; kies uit {KindList}.");
            var cost = Money(v, $"{p}.monthlyCost", e.MonthlyCost, required: true);

            int from = 1, to = workMonths;
            if (e.Phase is not null)
            {
                if (e.FromMonth is not null || e.ToMonth is not null)
                    v.Add($"{p}.phase", "geef óf phase óf fromMonth/toMonth, niet allebei.");
                var phase = phases.FirstOrDefault(f => string.Equals(f.Name, e.Phase.Trim(), StringComparison.OrdinalIgnoreCase));
                if (phase is null)
                    v.Add($"{p}.phase", $"'{Slug.Truncate(e.Phase)}' is geen fase van dit plan" + (phases.Count > 0 ? $"; kies uit {string.Join(", ", phases.Select(f => f.Name))}." : "."));
                else (from, to) = (phase.FirstMonth, phase.LastMonth);
            }
            else if (e.FromMonth is not null || e.ToMonth is not null)
            {
                var max = Math.Max(1, workMonths);
                from = Whole(v, $"{p}.fromMonth", e.FromMonth, 1, max, required: true) ?? 1;
                to = e.ToMonth is null ? from : Whole(v, $"{p}.toMonth", e.ToMonth, 1, max, required: true) ?? from;
                if (to < from) v.Add($"{p}.toMonth", "ligt vóór fromMonth.");
            }
            packages.Add(new WorkPackage(packageName, kind, cost, from, to, e.RunsDuringStall ?? false));
        }
        return packages.ToImmutable();
    }

    private static string KindList => string.Join(", ", Kinds.Keys);

    private static PlanGrant? ReadGrant(Validation v, GrantEntry? g)
    {
        if (g is null) { v.Add("grant", "is verplicht: de subsidie met bedrag en tranches."); return null; }
        var grantName = v.Text("grant.name", g.Name);
        var funder = v.Text("grant.funder", g.Funder);
        var amount = Money(v, "grant.amount", g.Amount, required: true);
        if (g.Amount is 0m) v.Add("grant.amount", "moet groter dan 0 zijn.");
        var tranches = ImmutableArray.CreateBuilder<decimal>();
        if (g.TrancheSize is not null && g.Tranches is not null)
            v.Add("grant", "geef óf trancheSize óf tranches, niet allebei.");
        else if (g.TrancheSize is { } size)
        {
            var before = v.Errors.Count;
            if (size <= 0m) v.Add("grant.trancheSize", "moet groter dan 0 zijn.");
            else Money(v, "grant.trancheSize", size);
            if (v.Errors.Count > before) { /* already explained */ }
            else if (amount > 0m && size > amount) v.Add("grant.trancheSize", "is groter dan de subsidie zelf.");
            else if (amount > 0m && Math.Ceiling(amount / size) > MaxTranches) v.Add("grant.trancheSize", $"geeft meer dan {MaxTranches} tranches.");
            else if (amount > 0m)
            {
                // Whole tranches of the size, the last one the remainder: € 7.7 M in € 1 M gives 7 × € 1 M + € 0.7 M.
                for (var left = amount; left > 0m; left -= size) tranches.Add(Math.Min(size, left));
            }
        }
        else if (g.Tranches is { Count: > 0 } list)
        {
            if (list.Count > MaxTranches) v.Add("grant.tranches", $"heeft meer dan {MaxTranches} tranches.");
            for (var i = 0; i < list.Count; i++)
            {
                var t = Money(v, $"grant.tranches[{i}]", list[i], required: true);
                if (list[i] is 0m) v.Add($"grant.tranches[{i}]", "moet groter dan 0 zijn.");
                tranches.Add(t);
            }
            if (list.All(t => t is > 0m) && tranches.Sum() != amount)
                v.Add("grant.tranches", $"tellen op tot {DutchFormat.Money(tranches.Sum())}, niet tot grant.amount ({DutchFormat.Money(amount)}).");
        }
        else v.Add("grant.trancheSize", "is verplicht (of geef grant.tranches): in welke delen de subsidie wordt betaald.");
        return new PlanGrant(grantName, funder, amount, tranches.ToImmutable(), g.WaitsForAccounting ?? true);
    }

    private static FunderLeadTimes? ReadLeadTimes(Validation v, LeadTimesEntry? l)
    {
        if (l is null) { v.Add("leadTimes", "is verplicht: de doorlooptijden van de financier in maanden, of de waargenomen historie."); return null; }
        var toApproved = Whole(v, "leadTimes.requestToApprovedMonths", l.RequestToApprovedMonths, 0, MaxLeadMonths, required: false);
        var toPaid = Whole(v, "leadTimes.approvedToPaidMonths", l.ApprovedToPaidMonths, 0, MaxLeadMonths, required: false);
        if (l.Observed is { Count: > 0 } observed)
        {
            var list = new List<LeadTimeObservation>();
            for (var i = 0; i < observed.Count; i++)
            {
                var o = observed[i];
                var p = $"leadTimes.observed[{i}]";
                if (o is null) { v.Add(p, "is leeg."); continue; }
                var requested = Month(v, $"{p}.requested", o.Requested, required: true);
                var approved = Month(v, $"{p}.approved", o.Approved, required: true);
                var paid = Month(v, $"{p}.paid", o.Paid, required: true);
                if (requested is not { } r || approved is not { } a || paid is not { } pd) continue;
                if (a < r) v.Add($"{p}.approved", "ligt vóór requested: datums lopen niet terug.");
                else if (pd < a) v.Add($"{p}.paid", "ligt vóór approved: datums lopen niet terug.");
                else if (LeadTimeObservation.MonthsBetween(r, pd) > 2 * MaxLeadMonths) v.Add($"{p}.paid", $"ligt meer dan {2 * MaxLeadMonths} maanden na requested.");
                else list.Add(new LeadTimeObservation(r, a, pd));
            }
            // History wins over the settings: what this funder actually did is the better forecast.
            return list.Count == observed.Count ? FunderLeadTimes.FromObservations(list) : null;
        }
        if (l.RequestToApprovedMonths is null) v.Add("leadTimes.requestToApprovedMonths", "is verplicht zolang er geen waarnemingen (observed) zijn.");
        if (l.ApprovedToPaidMonths is null) v.Add("leadTimes.approvedToPaidMonths", "is verplicht zolang er geen waarnemingen (observed) zijn.");
        return toApproved is { } ta && toPaid is { } tp ? FunderLeadTimes.Setting(ta, tp) : null;
    }

    private static BridgeLoan? ReadBridge(Validation v, BridgeLoanEntry? b)
    {
        if (b is null) return null;
        var size = Money(v, "bridgeLoan.size", b.Size, required: true);
        if (b.Size is 0m) v.Add("bridgeLoan.size", "moet groter dan 0 zijn.");
        if (b.AnnualRate is null) v.Add("bridgeLoan.annualRate", "is verplicht (als fractie, 0.03 = 3%).");
        else if (b.AnnualRate is < 0m or > 0.5m) v.Add("bridgeLoan.annualRate", "moet tussen 0% en 50% liggen (als fractie: 0 tot 0.5).");
        return new BridgeLoan(size, b.AnnualRate ?? 0m);
    }

    private static int? Whole(Validation v, string field, int? value, int min, int max, bool required)
    {
        if (value is null)
        {
            if (required) v.Add(field, "is verplicht.");
            return null;
        }
        if (value < min || value > max) { v.Add(field, $"moet tussen {min} en {max} liggen."); return null; }
        return value;
    }

    private static decimal Money(Validation v, string field, decimal? value, bool required)
    {
        if (value is null)
        {
            if (required) v.Add(field, "is verplicht.");
            return 0m;
        }
        return Money(v, field, value.Value);
    }

    /// <summary>An amount that is booked: euros, not negative, at most 2 decimals.</summary>
    private static decimal Money(Validation v, string field, decimal value)
    {
        if (value < 0m) v.Add(field, "mag niet negatief zijn.");
        else if (value > 10_000_000_000m) v.Add(field, "is onwaarschijnlijk groot (meer dan € 10 miljard).");
        else if (decimal.Round(value, 2) != value) v.Add(field, "heeft te veel decimalen (maximaal 2: euro's en centen).");
        return value;
    }

    private static YearMonth? Month(Validation v, string field, string? text, bool required)
    {
        if (text is null)
        {
            if (required) v.Add(field, "is verplicht (JJJJ-MM, bijv. 2019-01).");
            return null;
        }
        var parsed = YearMonthPattern.Iso.Parse(text.Trim());
        if (parsed.Success && parsed.Value.Year is >= 1900 and <= 2200) return parsed.Value;
        v.Add(field, $"'{Slug.Truncate(text)}' is geen maand; gebruik JJJJ-MM, bijv. 2019-01.");
        return null;
    }
}
