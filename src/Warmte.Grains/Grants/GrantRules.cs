using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;

namespace Warmte.Grants;

/// <summary>
/// The tranche rules, as pure functions: a tranche goes Gepland → Aangevraagd → Verantwoording
/// ingediend → Goedgekeurd (or Afgekeurd, then resubmitted) → Uitbetaald; the first tranche of a grant with
/// <see cref="Grant.FirstTrancheAdvance"/> may skip the accounting (Aangevraagd → Goedgekeurd: an advance); with the grant's
/// default setting a tranche is paid only after the previous tranche's accounting was approved;
/// the total paid never exceeds the grant; amounts are positive with at most two decimals; step
/// dates never run backwards and never lie in the future.
/// </summary>
/// <summary>A grant after a tranche step, and the step (for the journal: kind <c>tranche-step</c>, tag <c>grant/number</c>).</summary>
public sealed record SteppedGrant(Change<Grant> Change, int Number, TrancheStep Step);

public static class GrantRules
{
    public const int MaxTranches = 100;
    public const int MaxDocuments = 50;
    public const decimal MaxAmount = 10_000_000_000m;

    /// <summary>
    /// Grants one project keeps, and tranches across them. Every grant lives in the project's one snapshot, rewritten by every
    /// step and read whole by the summaries, cash plan, exports and alerts: these two bound it (a real project has a handful of
    /// grants with about ten tranches each; KetelhuisWG: four grants, PAW in eight tranches). docs/grants-and-tranches.md.
    /// </summary>
    public const int MaxGrantsPerProject = 50;

    /// <inheritdoc cref="MaxGrantsPerProject"/>
    public const int MaxTranchesPerProject = 500;

    public static Outcome<Change<Grant>> Create(
        string projectId, CreateGrant command, IReadOnlyList<Grant> existing, LocalDate today, Instant now)
    {
        var v = new Validation();
        var id = Slug.Check(v, "id", command.Id);
        if (existing.Any(g => g.Id == id)) return Refusal.Conflict("already-exists", $"Subsidie '{id}' bestaat al bij dit project.");
        if (existing.Count >= MaxGrantsPerProject)
            return Refusal.Conflict("too-many-grants",
                $"Een project houdt maximaal {MaxGrantsPerProject} subsidies bij en dit project heeft er al {existing.Count}. "
                + "Leg toekenningen van dezelfde regeling vast als één subsidie met meer tranches (een nieuw trancheplan van die subsidie).");
        if (TooManyTranches(existing.Sum(g => g.Tranches.Length), command.Tranches?.Length ?? 0) is { } tooMany) return tooMany;
        var funder = v.Text("funder", command.Funder);
        var funderId = command.FunderId is null ? null : Slug.Check(v, "funderId", command.FunderId);
        var scheme = v.Text("scheme", command.Scheme);
        var amount = Amount(v, "amountGranted", command.AmountGranted);
        if (command.DecidedOn is not { } decidedOn) { v.Add("decidedOn", "is verplicht."); decidedOn = today; }
        else if (decidedOn > today) v.Add("decidedOn", $"{DutchFormat.Date(decidedOn)} ligt in de toekomst.");
        var conditions = v.OptionalNotes("conditions", command.Conditions, 4000);
        var norm = command.ReviewNormDays ?? Grant.DefaultReviewNormDays;
        if (norm is < 1 or > 3650) v.Add("reviewNormDays", "moet tussen 1 en 3650 dagen liggen.");
        var planned = command.Tranches ?? [];
        if (planned.Length > MaxTranches) v.Add("tranches", $"maximaal {MaxTranches} tranches.");
        var tranches = ImmutableArray.CreateBuilder<Tranche>();
        var plannedTotal = 0m;
        for (var i = 0; i < planned.Length && i < MaxTranches; i++)
        {
            var trancheAmount = Amount(v, $"tranches[{i}].amount", planned[i]?.Amount);
            plannedTotal += trancheAmount;
            tranches.Add(new Tranche { Number = i + 1, PlannedAmount = trancheAmount, PlannedOn = planned[i]?.PlannedOn, Status = TrancheStatus.Gepland });
        }
        if (!v.HasErrors && plannedTotal > amount)
            v.Add("tranches", $"de tranches ({DutchFormat.Money(plannedTotal)}) zijn samen meer dan de toekenning ({DutchFormat.Money(amount)}).");
        if (v.HasErrors) return v.ToRefusal();

        var grant = new Grant
        {
            Id = id, ProjectId = projectId, Funder = funder, Scheme = scheme, AmountGranted = amount, DecidedOn = decidedOn,
            Conditions = conditions, EarnedBack = command.EarnedBack ?? false, PreviousAccountingFirst = command.PreviousAccountingFirst ?? true,
            FirstTrancheAdvance = command.FirstTrancheAdvance ?? true,
            Tranches = tranches.ToImmutable(), CreatedAt = now, ReviewNormDays = norm, FunderId = funderId,
        };
        return Outcome<Change<Grant>>.Ok(new(grant, "grant.created",
            $"Subsidie '{scheme}' van {funder}: {DutchFormat.Money(amount)} toegekend op {DutchFormat.Date(decidedOn)}, {grant.Tranches.Length} tranche(s) gepland."));
    }

    /// <summary>Whether <paramref name="planned"/> is the grant's tranche plan as it stands (amounts and planned dates).</summary>
    public static bool SamePlan(Grant grant, IReadOnlyList<PlannedTranche?> planned) =>
        planned.Count == grant.Tranches.Length
        && grant.Tranches.Select((t, i) => planned[i] is { } p && p.Amount == t.PlannedAmount && p.PlannedOn == t.PlannedOn).All(same => same);

    /// <summary>
    /// Who re-plans a grant's tranches (issue 16). The plan is part of the grant decision (the beschikking sets the
    /// tranches) and the funder's exposure and expected payments follow from it, so the plan of a grant that names its
    /// funder's account (<see cref="Grant.FunderId"/>) is that funder's: its own financier (<c>financier:&lt;funderId&gt;</c>),
    /// a financier for every funder, or an admin changes it, as they approve and pay its tranches. A financier of one
    /// funder re-plans that funder's grants only. The board re-plans grants without a funder account (funders not in
    /// the system, whose decision it records). Who may write does not depend on what is sent (tester T16: an unchanged
    /// plan of a funder's grant answered 200 to the board, any change 403).
    /// </summary>
    public static bool BoardMayReplan(Grant grant) => grant.FunderId is null;

    /// <summary>
    /// Whether the cooperative's board may record this grant (tester T1). A grant that names a funder's account
    /// (<see cref="CreateGrant.FunderId"/>) is that funder's decision: it counts in that funder's portfolio, exposure and
    /// next payment, so only that funder's financier (whose grants get its id), a financier for every funder or an admin
    /// records it. The board records grants of funders without an account here (no <c>funderId</c>), as before.
    /// </summary>
    public static bool BoardMayRecord(CreateGrant command) => command.FunderId is null;

    /// <summary>The board's refusal for <see cref="BoardMayRecord"/>: who records it instead, and the board's way forward.</summary>
    public static string BoardMayNotRecord(string funderId) =>
        $"Een subsidie op naam van financier '{funderId}' (funderId) legt die financier zelf vast, of een financier voor alle financiers "
        + "of een beheerder: het is zijn besluit en het telt in zijn portefeuille. Vraag de financier de subsidie vast te leggen, "
        + "of leg haar vast zonder funderId als de financier hier geen account heeft.";

    /// <summary>See <see cref="BoardMayReplan"/>: a financier without a funder scope re-plans every grant, one with a scope only its funder's.</summary>
    public static bool FinancierMayReplan(Grant grant, string? funderScope) =>
        funderScope is null || grant.FunderId == funderScope;

    /// <summary>
    /// A new tranche plan (amounts and planned dates, in order). Tranches still Gepland may change,
    /// be added at the end or fall away from the end; a tranche that has been requested keeps its
    /// plan (it is what was asked for). Together at most the amount granted.
    /// </summary>
    /// <param name="otherTranches">The tranches of the project's other grants (<see cref="MaxTranchesPerProject"/>).</param>
    public static Outcome<Change<Grant>> Replan(Grant grant, IReadOnlyList<PlannedTranche?> planned, int otherTranches)
    {
        // Only a plan that adds tranches can pass the project's limit: a project stored above it may still shrink or change its plans.
        if (planned.Count > grant.Tranches.Length && TooManyTranches(otherTranches, planned.Count) is { } tooMany) return tooMany;
        var v = new Validation();
        if (planned.Count == 0) v.Add("tranches", "is verplicht: minstens één tranche.");
        if (planned.Count > MaxTranches) v.Add("tranches", $"maximaal {MaxTranches} tranches.");
        var tranches = ImmutableArray.CreateBuilder<Tranche>();
        var total = 0m;
        for (var i = 0; i < planned.Count && i < MaxTranches; i++)
        {
            var amount = Amount(v, $"tranches[{i}].amount", planned[i]?.Amount);
            var plannedOn = planned[i]?.PlannedOn;
            total += amount;
            if (i < grant.Tranches.Length)
            {
                var existing = grant.Tranches[i];
                if (existing.Status != TrancheStatus.Gepland && amount != existing.PlannedAmount)
                    v.Add($"tranches[{i}].amount", $"tranche {i + 1} is al {Label(existing.Status)}; het geplande bedrag ({DutchFormat.Money(existing.PlannedAmount)}) ligt vast.");
                if (existing.Status != TrancheStatus.Gepland && plannedOn != existing.PlannedOn)
                    v.Add($"tranches[{i}].plannedOn", $"tranche {i + 1} is al {Label(existing.Status)}; de geplande datum ligt vast.");
                tranches.Add(existing with { PlannedAmount = amount, PlannedOn = plannedOn });
            }
            else tranches.Add(new Tranche { Number = i + 1, PlannedAmount = amount, PlannedOn = plannedOn, Status = TrancheStatus.Gepland });
        }
        foreach (var dropped in grant.Tranches.Skip(planned.Count).Where(t => t.Status != TrancheStatus.Gepland))
            v.Add("tranches", $"tranche {dropped.Number} is al {Label(dropped.Status)} en kan niet uit het plan vervallen.");
        if (!v.HasErrors && total > grant.AmountGranted)
            v.Add("tranches", $"de tranches ({DutchFormat.Money(total)}) zijn samen meer dan de toekenning ({DutchFormat.Money(grant.AmountGranted)}).");
        if (v.HasErrors) return v.ToRefusal();
        return Outcome<Change<Grant>>.Ok(new(grant with { Tranches = tranches.ToImmutable() }, "grant.replanned",
            $"{grant.Scheme}: trancheplan bijgewerkt naar {tranches.Count} tranche(s), samen {DutchFormat.Money(total)}."));
    }

    /// <summary>
    /// 409 too-many-tranches when a plan of <paramref name="planned"/> tranches beside <paramref name="others"/> of the project's
    /// other grants passes <see cref="MaxTranchesPerProject"/>; null when it fits. A plan over <see cref="MaxTranches"/> is the
    /// field's own refusal (400 tranches), not this one.
    /// </summary>
    private static Refusal? TooManyTranches(int others, int planned) =>
        planned <= MaxTranches && others + planned > MaxTranchesPerProject
            ? Refusal.Conflict("too-many-tranches",
                $"Een project houdt maximaal {MaxTranchesPerProject} tranches bij over al zijn subsidies samen; de andere subsidies van dit project "
                + $"hebben er {others}, dus dit plan mag er hoogstens {Math.Max(0, MaxTranchesPerProject - others)} hebben (nu {planned}).")
            : null;

    /// <summary>
    /// Whether tranche <paramref name="number"/> of <paramref name="grant"/> is paid as an advance: the first tranche of a grant
    /// with <see cref="Grant.FirstTrancheAdvance"/>. The grant decision is its basis, so the financier approves the request
    /// itself; there is no spending yet to account for (tester T3: a new cooperative had to pre-finance tranche 1, and was
    /// asked to account for money it never received). The accounting of that money is the one sent with tranche 2.
    /// </summary>
    public static bool IsAdvance(Grant grant, int number) => grant.FirstTrancheAdvance && number == 1;

    /// <summary>
    /// The tranche waits for the funder's decision: its accounting is under review, or it is an advance requested and not yet
    /// approved. What the review norm (<see cref="Grant.ReviewNormDays"/>) is measured against, in the alerts and the forecast.
    /// </summary>
    public static bool AwaitsApproval(Grant grant, Tranche tranche) =>
        tranche.Status == TrancheStatus.VerantwoordingIngediend || (tranche.Status == TrancheStatus.Aangevraagd && IsAdvance(grant, tranche.Number));

    /// <summary>One step on tranche <paramref name="number"/>: the grant after it (see <see cref="Stepped"/>).</summary>
    public static Outcome<Change<Grant>> Step(
        Grant grant, int number, TrancheCommand command, LocalDate today, string actor, Instant now)
    {
        var stepped = Stepped(grant, number, command, today, actor, now);
        return stepped.IsOk ? stepped.Value!.Change : stepped.Refusal!;
    }

    /// <summary>
    /// One step on tranche <paramref name="number"/>: the grant after it — the tranche's status, current accounting, rejection
    /// reason, paid amount, the date of its latest step to each status and its step count — and the step itself, which the
    /// grain appends to the journal (issue 15: the grants state keeps no list of steps).
    /// </summary>
    public static Outcome<SteppedGrant> Stepped(
        Grant grant, int number, TrancheCommand command, LocalDate today, string actor, Instant now)
    {
        var index = grant.Tranches.IndexOf(grant.Tranches.FirstOrDefault(t => t.Number == number)!);
        if (index < 0) return Refusal.NotFound("Tranche", $"{grant.Id}/{number}");
        var tranche = grant.Tranches[index];

        var v = new Validation();
        if (command.On is not { } on) { v.Add("on", "is verplicht (de datum van deze stap)."); on = today; }
        else if (on > today) v.Add("on", $"{DutchFormat.Date(on)} ligt in de toekomst.");
        else if (tranche.LastStepOn is { } last && on < last)
            v.Add("on", $"{DutchFormat.Date(on)} ligt vóór de vorige stap van deze tranche ({DutchFormat.Date(last)}); data lopen niet terug.");
        else if (on < grant.DecidedOn)
            v.Add("on", $"{DutchFormat.Date(on)} ligt vóór het subsidiebesluit ({DutchFormat.Date(grant.DecidedOn)}).");

        var (from, to) = command.Action switch
        {
            TrancheAction.Request => (new[] { TrancheStatus.Gepland }, TrancheStatus.Aangevraagd),
            TrancheAction.SubmitAccounting => (new[] { TrancheStatus.Aangevraagd, TrancheStatus.Afgekeurd }, TrancheStatus.VerantwoordingIngediend),
            // An advance is approved on its request; an accounting sent with it anyway is approved as any other.
            TrancheAction.Approve => (IsAdvance(grant, number)
                ? new[] { TrancheStatus.VerantwoordingIngediend, TrancheStatus.Aangevraagd }
                : new[] { TrancheStatus.VerantwoordingIngediend }, TrancheStatus.Goedgekeurd),
            TrancheAction.Reject => (new[] { TrancheStatus.VerantwoordingIngediend }, TrancheStatus.Afgekeurd),
            _ => (new[] { TrancheStatus.Goedgekeurd }, TrancheStatus.Uitbetaald),
        };

        var updated = tranche.Kept() with { Status = to };
        string? detail = null;
        Accounting? submitted = null;
        switch (command.Action)
        {
            case TrancheAction.SubmitAccounting:
                var spent = Amount(v, "amount", command.Amount);
                if (command.PeriodFrom is not { } periodFrom) { v.Add("periodFrom", "is verplicht."); periodFrom = on; }
                if (command.PeriodTo is not { } periodTo) { v.Add("periodTo", "is verplicht."); periodTo = on; }
                if (periodTo < periodFrom) v.Add("periodTo", "ligt vóór periodFrom.");
                if (periodTo > on) v.Add("periodTo", "ligt na de datum van indienen.");
                var documents = command.Documents ?? [];
                if (documents.Length > MaxDocuments) v.Add("documents", $"maximaal {MaxDocuments} documentverwijzingen.");
                for (var i = 0; i < documents.Length && i < MaxDocuments; i++) v.Text($"documents[{i}]", documents[i], 500);
                submitted = new Accounting { AmountSpent = spent, PeriodFrom = periodFrom, PeriodTo = periodTo, Documents = [.. documents.Select(d => d?.Trim() ?? "")] };
                // The state keeps the accounting's figures; its documents go with the step into the journal.
                updated = updated with { Accounting = submitted with { Documents = null }, RejectionReason = null };
                detail = $"besteed {DutchFormat.Money(spent)} in {DutchFormat.Date(periodFrom)} – {DutchFormat.Date(periodTo)}";
                break;
            case TrancheAction.Reject:
                var reason = v.Notes("reason", command.Reason, 2000);
                updated = updated with { RejectionReason = reason };
                detail = reason;
                break;
            case TrancheAction.Pay:
                var paid = Amount(v, "amount", command.Amount);
                updated = updated with { PaidAmount = paid };
                detail = DutchFormat.Money(paid);
                break;
        }
        if (v.HasErrors) return v.ToRefusal();

        if (!from.Contains(tranche.Status))
            return Refusal.Conflict("tranche-state",
                $"Tranche {number} staat op {Label(tranche.Status)}; {Label(to)} kan alleen vanuit {string.Join(" of ", from.Select(Label))}."
                + StateHint(grant, tranche, command.Action));
        if (command.Action == TrancheAction.Pay && grant.PreviousAccountingFirst
            && grant.Tranches.FirstOrDefault(t => t.Number == number - 1) is { } previous
            && previous.Status is not (TrancheStatus.Goedgekeurd or TrancheStatus.Uitbetaald))
            return Refusal.Conflict("previous-accounting-not-approved",
                $"Tranche {number} wordt pas uitbetaald als de verantwoording van tranche {number - 1} is goedgekeurd (die staat op {Label(previous.Status)}).");

        if (command.Action == TrancheAction.Pay && updated.PaidAmount > grant.Outstanding)
            return Refusal.Conflict("exceeds-grant",
                $"Uitbetalen van {DutchFormat.Money(updated.PaidAmount.Value)} zou de toekenning overschrijden: er is nog {DutchFormat.Money(grant.Outstanding)} over van {DutchFormat.Money(grant.AmountGranted)}.");

        updated = updated.After(to, on);
        var step = new TrancheStep { To = to, On = on, Actor = actor, RecordedAt = now, Detail = detail, Accounting = submitted };
        var change = new Change<Grant>(grant with { Tranches = grant.Tranches.SetItem(index, updated) },
            $"tranche.{command.Action.ToString().ToLowerInvariant()}",
            $"{grant.Scheme}, tranche {number}: {Label(to)} op {DutchFormat.Date(on)}" + (detail is null ? "." : $" ({detail})."));
        return Outcome<SteppedGrant>.Ok(new SteppedGrant(change, number, step));
    }

    /// <summary>What the refused step needs first, where the status alone does not say it (tester T3: whether the first tranche is an advance).</summary>
    private static string StateHint(Grant grant, Tranche tranche, TrancheAction action) => (action, tranche.Status) switch
    {
        (TrancheAction.Approve, TrancheStatus.Aangevraagd) when tranche.Number == 1 =>
            " Deze subsidie betaalt ook de eerste tranche pas na verantwoording (geen voorschot: zo vastgelegd bij het aanmaken): dien eerst de verantwoording in.",
        (TrancheAction.Approve, TrancheStatus.Aangevraagd) =>
            " Alleen de eerste tranche kan als voorschot zonder verantwoording worden goedgekeurd; bij deze tranche hoort de verantwoording van wat tot nu toe is besteed.",
        (TrancheAction.Pay, TrancheStatus.Aangevraagd) when IsAdvance(grant, tranche.Number) =>
            " De eerste tranche is een voorschot: de financier keurt de aanvraag eerst goed (warmte tranche approve), daarna volgt de uitbetaling.",
        _ => "",
    };

    public static string Label(TrancheStatus status) => status switch
    {
        TrancheStatus.Gepland => "gepland",
        TrancheStatus.Aangevraagd => "aangevraagd",
        TrancheStatus.VerantwoordingIngediend => "verantwoording ingediend",
        TrancheStatus.Goedgekeurd => "goedgekeurd",
        TrancheStatus.Afgekeurd => "afgekeurd",
        _ => "uitbetaald",
    };

    private static decimal Amount(Validation v, string field, decimal? value)
    {
        if (value is not { } amount) { v.Add(field, "is verplicht."); return 0m; }
        if (amount <= 0m) v.Add(field, "moet groter dan 0 zijn.");
        else if (amount > MaxAmount) v.Add(field, $"is onwaarschijnlijk groot (meer dan {DutchFormat.Money(MaxAmount)}).");
        else if (decimal.Round(amount, 2) != amount) v.Add(field, "heeft meer dan 2 decimalen; bedragen zijn in euro's en centen.");
        return amount;
    }
}
