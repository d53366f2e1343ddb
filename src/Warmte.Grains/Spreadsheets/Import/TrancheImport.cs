using System.Collections.Immutable;
using NodaTime;
using Warmte.Common;
using Warmte.Grants;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// One tranche as a funder's letters record it: the plan (amount, planned date) and, as far as it
/// went, the dates of request, accounting (verantwoording, with the amount spent and its period),
/// approval and payment (with the amount paid).
/// </summary>
public sealed record TrancheRow(
    int Number, decimal Amount, LocalDate? PlannedOn,
    LocalDate? RequestedOn, LocalDate? AccountedOn, decimal? AccountedAmount, LocalDate? PeriodFrom, LocalDate? PeriodTo,
    LocalDate? ApprovedOn, LocalDate? PaidOn, decimal? PaidAmount);

/// <summary>A tranche step the file has and the service does not: the row and column it came from and the command.</summary>
public sealed record TrancheStepToSend(int Row, string Field, int Number, TrancheAction Action, TrancheCommand Command)
{
    public string Path => Action switch
    {
        TrancheAction.Request => "request",
        TrancheAction.SubmitAccounting => "accounting",
        TrancheAction.Approve => "approve",
        TrancheAction.Reject => "reject",
        _ => "pay",
    };
}

/// <summary>What importing the tranche file means for the grant as the service has it.</summary>
public sealed record TrancheSync(
    ImmutableArray<PlannedTranche?> Plan, bool PlanChanges, ImmutableArray<TrancheStepToSend> Steps,
    int StepsAlreadyRecorded, ImmutableArray<(int Row, string Field, string Reason)> Problems);

public static class TrancheImport
{
    public static readonly ImmutableArray<ColumnSpec> Columns =
    [
        new("number", "Tranche", true, "tranche", "tranchenummer", "tranche nr", "nr tranche", "tranche number"),
        new("amount", "Gepland bedrag", true, "gepland bedrag", "bedrag", "tranchebedrag", "bedrag tranche", "planned amount", "amount"),
        new("plannedOn", "Gepland op", false, "gepland op", "geplande datum", "gepland", "planning", "planned on", "planned date", "planned"),
        new("requestedOn", "Aangevraagd", false, "aangevraagd", "aangevraagd op", "aanvraag", "datum aanvraag", "requested", "requested on"),
        new("accountedOn", "Verantwoording ingediend", false, "verantwoording ingediend", "verantwoording", "verantwoord op", "datum verantwoording",
            "accounting submitted", "accounting"),
        new("accountedAmount", "Verantwoord bedrag", false, "verantwoord bedrag", "bedrag verantwoording", "besteed", "besteed bedrag", "amount spent", "spent"),
        new("periodFrom", "Periode van", false, "periode van", "verantwoording van", "van", "period from"),
        new("periodTo", "Periode tot", false, "periode tot", "periode tm", "periode tot en met", "verantwoording tot", "tot", "period to"),
        new("approvedOn", "Goedgekeurd", false, "goedgekeurd", "goedgekeurd op", "goedkeuring", "datum goedkeuring", "approved", "approved on"),
        new("paidOn", "Uitbetaald", false, "uitbetaald", "uitbetaald op", "betaald", "betaald op", "datum betaling", "paid", "paid on"),
        new("paidAmount", "Bedrag uitbetaald", false, "bedrag uitbetaald", "uitbetaald bedrag", "betaald bedrag", "paid amount", "amount paid"),
        new("grant", "Subsidie", false, "subsidie", "subsidie financier regeling", "regeling", "grant"),
    ];

    /// <summary>
    /// Reads the tranche list. The header may be anywhere on the sheet (the project sheet of an export
    /// has its tranche table far down); rows whose Subsidie column names another grant, and totals
    /// rows ("Totaal …"), are skipped.
    /// </summary>
    public static ImportResult<TrancheRow> Read(IEnumerable<Sheet> sheets, Func<string, bool> isThisGrant)
    {
        var result = ReadRows(sheets, isThisGrant);
        if (result.Mapping is not { } mapping || !mapping.Columns.TryGetValue("grant", out var grant) || !mapping.Columns.TryGetValue("number", out var number))
            return result;
        // Another grant's row is left out, and said so (tester finding F11: it was dropped without a word). The table
        // runs to its first blank row; below it (the export's project sheet has its cash and consent tables there)
        // only a row shaped like a tranche — a tranche number and an amount — is another grant's, not another table's.
        var tableEnd = mapping.Sheet.Rows.FirstOrDefault(r => r.Number > mapping.HeaderRow && r.IsBlank)?.Number ?? int.MaxValue;
        var amount = mapping.Columns.TryGetValue("amount", out var a) ? a.Index : (int?)null;
        bool ShapedLikeATranche(SheetRow r) =>
            Cells.WholeNumber(r[number.Index]).Value is >= 1 and <= GrantRules.MaxTranches
            && amount is { } at && Cells.Decimal(r[at]).Value is > 0m;
        return result with
        {
            Skipped =
            [
                .. mapping.Sheet.Rows
                    .Where(r => r.Number > mapping.HeaderRow && !r.IsBlank && !IsTotal(r) && Cells.Text(r[number.Index]) is not null
                        && Cells.Text(r[grant.Index]) is { } name && !isThisGrant(name)
                        && (r.Number < tableEnd || ShapedLikeATranche(r)))
                    .Select(r => $"rij {r.Number}: overgeslagen, kolom {HeaderMapping.Letter(grant.Index)} ({grant.Header}) '{Cells.Text(r[grant.Index])}' is niet de subsidie die u inleest."),
            ],
        };
    }

    private static ImportResult<TrancheRow> ReadRows(IEnumerable<Sheet> sheets, Func<string, bool> isThisGrant) =>
        RowImport.Read(sheets, Columns, c =>
        {
            var number = c.WholeNumber("number");
            if (number is null && c.Text("number") is null) c.Problem("number", "is leeg.");
            else if (number is < 1 or > GrantRules.MaxTranches) c.Problem("number", $"moet tussen 1 en {GrantRules.MaxTranches} liggen.");
            var amount = Money(c, "amount");
            if (amount is null && c.Text("amount") is null) c.Problem("amount", "is leeg.");
            var row = new TrancheRow(number ?? 0, amount ?? 0m, c.Date("plannedOn"),
                c.Date("requestedOn"), c.Date("accountedOn"), Money(c, "accountedAmount"), c.Date("periodFrom"), c.Date("periodTo"),
                c.Date("approvedOn"), c.Date("paidOn"), Money(c, "paidAmount"));
            // A later step implies the earlier ones; dates never run backwards within a tranche.
            (string Field, LocalDate? On)[] steps = [("requestedOn", row.RequestedOn), ("accountedOn", row.AccountedOn), ("approvedOn", row.ApprovedOn), ("paidOn", row.PaidOn)];
            for (var i = 1; i < steps.Length; i++)
            {
                if (steps[i].On is not { } on) continue;
                if (steps[i - 1].On is not { } before)
                    c.Problem(steps[i - 1].Field, $"is leeg, maar de tranche heeft wel '{Label(steps[i].Field)}' ({DutchFormat.Date(on)}); een stap volgt op de vorige.");
                else if (on < before)
                    c.Problem(steps[i].Field, $"{DutchFormat.Date(on)} ligt vóór '{Label(steps[i - 1].Field)}' ({DutchFormat.Date(before)}); data lopen niet terug.");
            }
            if (row.PaidAmount is not null && row.PaidOn is null) c.Problem("paidOn", "is leeg, maar er staat een uitbetaald bedrag.");
            if (row.PeriodFrom is { } from && row.PeriodTo is { } to && to < from) c.Problem("periodTo", "ligt vóór Periode van.");
            return row;
        },
        (_, rows) => Numbers(rows),
        searchRows: int.MaxValue,
        skip: (mapping, r) => IsTotal(r) || mapping.Columns.TryGetValue("grant", out var g) && Cells.Text(r[g.Index]) is { } name && !isThisGrant(name),
        // The numbering is checked over every row read, also those with a bad cell: one bad amount in tranche 1's
        // row must not add "tranche 1 ontbreekt" on the next row (tester finding A13).
        checkEveryRow: true);

    public static string Label(string field) => Columns.First(c => c.Field == field).Label;

    private static bool IsTotal(SheetRow row) =>
        row.Cells.FirstOrDefault(c => Cells.Text(c) is not null) is string text && HeaderMatcher.Normalise(text) is var t
        && (t.StartsWith("totaal", StringComparison.Ordinal) || t.StartsWith("total", StringComparison.Ordinal));

    private static decimal? Money(RowCells c, string field)
    {
        var value = c.Decimal(field);
        if (value is not { } amount) return null;
        if (amount <= 0m) c.Problem(field, "moet groter dan 0 zijn.");
        else if (decimal.Round(amount, 2) != amount) c.Problem(field, "heeft meer dan 2 decimalen; bedragen zijn in euro's en centen.");
        return amount;
    }

    /// <summary>
    /// Each number once, and 1, 2, 3, … without gaps, over every row read (also rows with another bad cell). A row
    /// whose number could not be read (0) already has its own problem; it may be the "missing" tranche, so
    /// then no gap is reported.
    /// </summary>
    private static IEnumerable<(int, string, string)> Numbers(IReadOnlyList<ImportedRow<TrancheRow>> rows)
    {
        var first = new Dictionary<int, int>();
        var unreadable = false;
        foreach (var row in rows)
        {
            if (row.Item.Number is < 1 or > GrantRules.MaxTranches) { unreadable = true; continue; }
            if (first.TryGetValue(row.Item.Number, out var at)) yield return (row.Row, "number", $"tranche {row.Item.Number} staat er al in op rij {at}.");
            else first[row.Item.Number] = row.Row;
        }
        if (unreadable) yield break;
        var numbers = first.Keys.Order().ToList();
        for (var i = 0; i < numbers.Count; i++)
            if (numbers[i] != i + 1)
            {
                yield return (first[numbers[i]], "number", $"tranche {i + 1} ontbreekt; de tranches zijn genummerd 1, 2, 3, … zonder gaten.");
                yield break;
            }
    }

    /// <summary>
    /// Compares the file with the grant as the service has it (null: not recorded yet). The plan
    /// changes when amounts or planned dates differ; each step dated in the file and not yet
    /// recorded is to be sent, in order; a step recorded with another date (or amount) is a problem:
    /// recorded history is not rewritten. <paramref name="decidedOn"/>: the decision date of a grant still to be created.
    /// </summary>
    public static TrancheSync Compare(IReadOnlyList<ImportedRow<TrancheRow>> rows, Grant? grant, LocalDate? decidedOn = null)
    {
        var ordered = rows.OrderBy(r => r.Item.Number).ToList();
        ImmutableArray<PlannedTranche?> plan = [.. ordered.Select(r => (PlannedTranche?)new PlannedTranche { Amount = r.Item.Amount, PlannedOn = r.Item.PlannedOn })];
        var planChanges = grant is null || !GrantRules.SamePlan(grant, plan);
        var steps = ImmutableArray.CreateBuilder<TrancheStepToSend>();
        var problems = ImmutableArray.CreateBuilder<(int, string, string)>();
        var recorded = 0;
        LocalDate? previousPeriodTo = null;
        foreach (var imported in ordered)
        {
            var (row, r) = (imported.Row, imported.Item);
            var existing = grant?.Tranches.FirstOrDefault(t => t.Number == r.Number);
            var periodFrom = r.PeriodFrom ?? previousPeriodTo?.PlusDays(1) ?? grant?.DecidedOn ?? decidedOn;
            previousPeriodTo = r.PeriodTo ?? r.AccountedOn ?? existing?.Accounting?.PeriodTo ?? previousPeriodTo;
            (TrancheAction Action, string Field, LocalDate? On, TrancheStatus Status)[] wanted =
            [
                (TrancheAction.Request, "requestedOn", r.RequestedOn, TrancheStatus.Aangevraagd),
                (TrancheAction.SubmitAccounting, "accountedOn", r.AccountedOn, TrancheStatus.VerantwoordingIngediend),
                (TrancheAction.Approve, "approvedOn", r.ApprovedOn, TrancheStatus.Goedgekeurd),
                (TrancheAction.Pay, "paidOn", r.PaidOn, TrancheStatus.Uitbetaald),
            ];
            // A first tranche paid as an advance goes from request straight to approval (tester T3); a grant still to be
            // created gets the service's default for new grants, first tranche in advance.
            var advance = grant is null ? r.Number == 1 : GrantRules.IsAdvance(grant, r.Number);
            foreach (var (action, field, on, status) in wanted)
            {
                if (on is null && action == TrancheAction.SubmitAccounting && advance && r.ApprovedOn is not null) continue;
                if (on is not { } date) break;
                var already = existing?.DateOf(status);
                var resubmission = action == TrancheAction.SubmitAccounting && existing?.Status == TrancheStatus.Afgekeurd
                                   && existing.DateOf(TrancheStatus.Afgekeurd) is { } rejected && date >= rejected;
                if (already == date && !resubmission)
                {
                    recorded++;
                    if (action == TrancheAction.SubmitAccounting && r.AccountedAmount is { } spent && existing!.Accounting?.AmountSpent != spent)
                        problems.Add((row, "accountedAmount", $"de dienst heeft {DutchFormat.Money(existing.Accounting?.AmountSpent ?? 0m)} als verantwoord bedrag; het bestand zegt {DutchFormat.Money(spent)}. Een vastgelegde verantwoording wordt niet herschreven."));
                    if (action == TrancheAction.Pay && r.PaidAmount is { } paidAmount && existing!.PaidAmount != paidAmount)
                        problems.Add((row, "paidAmount", $"de dienst heeft {DutchFormat.Money(existing.PaidAmount ?? 0m)} als uitbetaald bedrag; het bestand zegt {DutchFormat.Money(paidAmount)}. Een vastgelegde betaling wordt niet herschreven."));
                    continue;
                }
                if (already is { } other && !resubmission)
                {
                    problems.Add((row, field, $"de dienst heeft '{Label(field)}' al op {DutchFormat.Date(other)} vastgelegd; het bestand zegt {DutchFormat.Date(date)}. Een vastgelegde stap wordt niet herschreven."));
                    break;
                }
                TrancheCommand command;
                if (action == TrancheAction.SubmitAccounting)
                {
                    if (r.AccountedAmount is not { } spent)
                    {
                        problems.Add((row, "accountedAmount", "is verplicht bij een verantwoording die nog niet is vastgelegd (het bedrag dat in de periode is besteed)."));
                        break;
                    }
                    command = new TrancheCommand { Action = action, On = date, Amount = spent, PeriodFrom = periodFrom ?? date, PeriodTo = r.PeriodTo ?? date };
                }
                else if (action == TrancheAction.Pay)
                    command = new TrancheCommand { Action = action, On = date, Amount = r.PaidAmount ?? r.Amount };
                else command = new TrancheCommand { Action = action, On = date };
                steps.Add(new TrancheStepToSend(row, field, r.Number, action, command));
            }
        }
        return new TrancheSync(plan, planChanges, steps.ToImmutable(), recorded, problems.ToImmutable());
    }
}
