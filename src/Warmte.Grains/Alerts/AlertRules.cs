using System.Collections.Immutable;
using NodaTime;
using Warmte.Grants;
using Warmte.Milestones;
using Warmte.Projects;

namespace Warmte.Alerts;

public enum AlertSeverity { Low = 1, Medium = 2, High = 3 }

/// <summary>Something a board or funder should act on, with since when it is true.</summary>
[GenerateSerializer, Immutable]
public sealed record Alert(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string Kind,
    [property: Id(2)] AlertSeverity Severity,
    [property: Id(3)] LocalDate Since,
    [property: Id(4)] string Message,
    [property: Id(5)] string Subject);

/// <summary>
/// The alerts of a project, derived from its current state and today's date, so they are never
/// stale: re-evaluating after a change or on a new day gives the current set. Pure.
/// </summary>
public static class AlertRules
{
    /// <summary>A request not yet accounted for after this many days is the board's overdue accounting.</summary>
    public const int AccountingDueDays = 60;

    /// <summary>Work months of runway at or below which a coming stall is an alert.</summary>
    public const int RunwayAlertMonths = 3;

    /// <summary>A rejected accounting not resubmitted after this many days is overdue again.</summary>
    public const int ResubmitDueDays = 30;

    /// <summary>An approved tranche not paid after this many days is a payment that stays out.</summary>
    public const int PaymentDueDays = 30;

    // Since (Alert.Since) is the day the condition started to hold, the same on every read and every day: derived
    // from stored dates here; the cash forecasts (today) are dated from the watch's first raise by AlertSince.

    public static ImmutableArray<Alert> For(
        ProjectView project, IEnumerable<GrantView> grants, LocalDate today, CashFlow.Outlook? outlook = null) =>
        For(project.Id, project.Phase, project.Milestones, grants, today, outlook);

    /// <summary>The same, from the only parts of the project it reads (the project summaries keep just these).</summary>
    public static ImmutableArray<Alert> For(
        string projectId, Phases.Phase phase, IEnumerable<MilestoneStatus> milestones, IEnumerable<GrantView> grants, LocalDate today, CashFlow.Outlook? outlook = null)
    {
        var alerts = ImmutableArray.CreateBuilder<Alert>();
        if (phase == Phases.Phase.Gestopt) return [];

        foreach (var m in milestones.Where(m => !m.Done))
        {
            if (m.Overdue)
            {
                var late = Days(m.PlannedOn, today);
                // Overdue from the first day after the planned date (Sinds: when the condition started, not the planned day itself).
                alerts.Add(new Alert(projectId, AlertKinds.MilestoneOverdue, late > 90 ? AlertSeverity.High : AlertSeverity.Medium, m.PlannedOn.PlusDays(1),
                    $"Mijlpaal '{m.Name}' is {late} {DutchFormat.Noun(late, "dag", "dagen")} over de geplande datum {DutchFormat.Date(m.PlannedOn)}.", $"mijlpaal/{m.Key}"));
            }
            else if (m.SlipMonths > 0)
                // Since the day the plan was moved past its baseline (kept with the milestone); unknown for a slip recorded
                // before that day was kept: today, and the alert watch's first raise dates it (AlertSince).
                alerts.Add(new Alert(projectId, AlertKinds.MilestoneSlipping, m.SlipMonths >= 6 ? AlertSeverity.Medium : AlertSeverity.Low, m.SlippingSince ?? today,
                    $"Mijlpaal '{m.Name}' schuift {m.SlipMonths} {DutchFormat.Noun(m.SlipMonths, "maand", "maanden")}: gepland {DutchFormat.Date(m.PlannedOn)}, oorspronkelijk {DutchFormat.Date(m.BaselineOn)}.", $"mijlpaal/{m.Key}"));
        }

        foreach (var view in grants)
        {
            var grant = view.Grant;
            foreach (var t in grant.Tranches)
            {
                var requested = t.DateOf(TrancheStatus.Aangevraagd);
                if (requested is not { } r) continue;
                var waiting = Days(r, today);
                // An advance requested and not yet approved waits for the funder, as an accounting under review does (tester T3).
                var advance = t.Status == TrancheStatus.Aangevraagd && GrantRules.IsAdvance(grant, t.Number);
                if (GrantRules.AwaitsApproval(grant, t) && waiting > grant.ReviewNormDays)
                    // Since the first day past the norm (counted from the request), not the request day.
                    alerts.Add(new Alert(projectId, AlertKinds.TrancheRequestPending,
                        waiting > 2 * grant.ReviewNormDays ? AlertSeverity.High : AlertSeverity.Medium, r.PlusDays(grant.ReviewNormDays + 1),
                        $"{grant.Scheme}, tranche {t.Number}: aangevraagd op {DutchFormat.Date(r)}" + (advance ? " als voorschot" : "")
                        + $", na {waiting} {DutchFormat.Noun(waiting, "dag", "dagen")} nog niet goedgekeurd (norm {grant.ReviewNormDays} dagen)."
                        // The forecast no longer counts on it next month (tester T4): said where the delay is reported.
                        + (PaymentExpectation.Uncertainty(view, t, today) is { } uncertain ? $" De {uncertain}." : ""), $"tranche/{grant.Id}/{t.Number}"));
                // No accounting is asked for an advance: there is no money yet to account for (tester T3).
                if (t.Status == TrancheStatus.Aangevraagd && !advance && waiting > AccountingDueDays)
                    alerts.Add(new Alert(projectId, AlertKinds.AccountingOverdue, AlertSeverity.Medium, r.PlusDays(AccountingDueDays + 1),
                        $"{grant.Scheme}, tranche {t.Number}: aangevraagd op {DutchFormat.Date(r)}, de verantwoording is na {waiting} {DutchFormat.Noun(waiting, "dag", "dagen")} nog niet ingediend.", $"tranche/{grant.Id}/{t.Number}"));
                if (t.Status == TrancheStatus.Afgekeurd && t.DateOf(TrancheStatus.Afgekeurd) is { } rejected && Days(rejected, today) > ResubmitDueDays)
                    alerts.Add(new Alert(projectId, AlertKinds.AccountingOverdue, AlertSeverity.Medium, rejected.PlusDays(ResubmitDueDays + 1),
                        $"{grant.Scheme}, tranche {t.Number}: verantwoording afgekeurd op {DutchFormat.Date(rejected)} ({t.RejectionReason}) en nog niet opnieuw ingediend.", $"tranche/{grant.Id}/{t.Number}"));
                if (t.Status == TrancheStatus.Goedgekeurd && t.DateOf(TrancheStatus.Goedgekeurd) is { } approved && Days(approved, today) > PaymentDueDays)
                    alerts.Add(new Alert(projectId, AlertKinds.PaymentPending, AlertSeverity.Medium, approved.PlusDays(PaymentDueDays + 1),
                        $"{grant.Scheme}, tranche {t.Number}: goedgekeurd op {DutchFormat.Date(approved)}, na {Days(approved, today)} {DutchFormat.Noun(Days(approved, today), "dag", "dagen")} nog niet uitbetaald.", $"tranche/{grant.Id}/{t.Number}"));
            }
        }
        if (outlook is { } o)
        {
            // Said with every cash alert: from the actual state, or the plan's simulation while nothing actual is recorded.
            var basis = o.Basis == CashFlow.OutlookBasis.Actual ? "vanaf de werkelijke stand" : "volgens de simulatie van het kasstroomplan";
            // The plan's simulation is no forecast of what was recorded (review2): said so in so many words.
            var planNote = o.Basis == CashFlow.OutlookBasis.Plan
                ? " Dit is het plan gesimuleerd vanaf de start; er zijn nog geen uitgaven of voortgang geboekt en nog geen tranches betaald."
                // Tranches paid, nothing booked (tester A7): what the figure rests on, in so many words.
                : o.WorkFromPlan
                    ? " Er zijn nog geen uitgaven of voortgang geboekt: gerekend met het werkelijke saldo (alle betaalde tranches) en de geplande uitgaven vanaf het punt waar het plan het werk nu heeft."
                    : "";
            if (o is { State: CashFlow.OutlookState.GapAhead, RunwayMonths: { } runway } && runway <= RunwayAlertMonths && o.GapStart is { } gap)
                alerts.Add(new Alert(projectId, AlertKinds.RunwayLow, runway <= 1 ? AlertSeverity.High : AlertSeverity.Medium, today,
                    o.RunsOutText is { } runsOut
                        // No tranche left to ask for (tester T5): the money to find, not a request.
                        ? $"Nog {runway} {DutchFormat.Noun(runway, "maand", "maanden")} werk ({basis}). {runsOut}" + planNote
                        : $"Nog {runway} {DutchFormat.Noun(runway, "maand", "maanden")} werk ({basis}); vanaf {DutchFormat.Month(gap)} dreigt een windstilte van {o.GapMonths} {DutchFormat.Noun(o.GapMonths ?? 0, "maand", "maanden")}. "
                          + (o.MoneyNeededBy is { } by ? $"De volgende tranche moet uiterlijk {DutchFormat.Month(by)} binnen zijn" : "")
                          + (o.MoneyExpected is { } expected ? $"; verwacht {DutchFormat.Month(expected)}." : ".") + planNote, "kas"));
            else if (o.State is CashFlow.OutlookState.InStall or CashFlow.OutlookState.OutOfFunding)
                // A stall whose first month is known holds since that month; otherwise since first seen (AlertSince).
                alerts.Add(new Alert(projectId, AlertKinds.InStall, AlertSeverity.High,
                    o is { State: CashFlow.OutlookState.InStall, GapStart: { } stalledSince } && stalledSince.OnDayOfMonth(1) < today ? stalledSince.OnDayOfMonth(1) : today,
                    o is { State: CashFlow.OutlookState.InStall, RunsOutText: { } stillRunsOut }
                        // No payment restarts the work: the outlook's own sentence, which names what still comes (tester9a T1).
                        ? $"{stillRunsOut} ({basis})" + planNote
                    : o.State == CashFlow.OutlookState.InStall
                        // Dated from when the stall began (tester T3); the money to find when no tranche is left (tester T5).
                        ? (o.GapStart is { } since ? $"Het werk ligt stil sinds {DutchFormat.Month(since)}" : "Het werk ligt nu stil") + $" (windstilte, {basis})"
                          + (o.MoneyExpected is { } e ? $"; geld verwacht {DutchFormat.Month(e)}." : ".") + planNote
                        : $"Het geld is op en er komt geen tranche meer ({basis})." + planNote, "kas"));
            // The cash goes below zero while only the fixed costs run on (tester T2): the board cannot pay its bills then,
            // however long the runway of the work; high when that is within the runway alert's horizon.
            if (o is { CashShortText: { } shortText, CashShortFrom: { } shortFrom })
                alerts.Add(new Alert(projectId, AlertKinds.CashShort,
                    MonthsBetween(o.Today, shortFrom) <= RunwayAlertMonths ? AlertSeverity.High : AlertSeverity.Medium, today,
                    $"{shortText} ({basis})" + planNote, "kas"));
        }
        return [.. alerts.OrderByDescending(a => a.Severity).ThenBy(a => a.Since)];
    }

    /// <summary><paramref name="alerts"/> with <paramref name="more"/> (the gate-evidence alerts), in the same order: worst first, then oldest.</summary>
    public static ImmutableArray<Alert> With(ImmutableArray<Alert> alerts, ImmutableArray<Alert> more) =>
        more.IsDefaultOrEmpty ? alerts : [.. alerts.Concat(more).OrderByDescending(a => a.Severity).ThenBy(a => a.Since)];

    private static int Days(LocalDate from, LocalDate to) => Period.Between(from, to, PeriodUnits.Days).Days;

    private static int MonthsBetween(YearMonth from, YearMonth to) => CashFlow.LeadTimeObservation.MonthsBetween(from, to);
}
