using System.Text.Json;

namespace Warmte.Client;

/// <summary>
/// How grants, tranches, alerts and the portfolio are shown to people: pure functions from the service's
/// JSON to Dutch text. Fields the service leaves out show as "—"; extra fields are ignored.
/// </summary>
internal static class GrantViews
{
    public static void GrantList(JsonElement views, string projectId, TextWriter output)
    {
        var list = views.Items().ToList();
        if (list.Count == 0)
        {
            output.WriteLine($"Project {projectId} heeft nog geen subsidies.");
            return;
        }
        output.WriteLine($"Subsidies van project {projectId}");
        var table = new TextTable("Id", "Regeling", "Financier", "Besluit", "Toegekend", "Betaald", "Openstaand", "Tranches", "Aanvraag → betaling")
            .AlignRight(4, 5, 6);
        decimal granted = 0m, paid = 0m, outstanding = 0m;
        foreach (var view in list)
        {
            var grant = view.Prop("grant") ?? default;
            var tranches = grant.Items("tranches").ToList();
            granted += grant.Dec("amountGranted") ?? 0m;
            paid += view.Dec("totalPaid") ?? 0m;
            outstanding += view.Dec("outstanding") ?? 0m;
            table.Add(
                grant.Str("id"),
                grant.Str("scheme"),
                grant.Str("funder"),
                Nl.Date(grant.Str("decidedOn")),
                Nl.Money(grant.Dec("amountGranted")),
                Nl.Money(view.Dec("totalPaid")),
                Nl.Money(view.Dec("outstanding")),
                $"{Nl.Number(tranches.Count(t => t.Str("status") == "Uitbetaald"))} van {Nl.Number(tranches.Count)} uitbetaald",
                Days(view.Prop("leadTimes")?.Int("requestToPaymentDays")));
        }
        table.WriteTo(output, "  ");
        output.WriteLine();
        output.WriteLine($"{Nl.Count(list.Count, "subsidie", "subsidies")}: toegekend {Nl.Money(granted)}, betaald {Nl.Money(paid)}, openstaand {Nl.Money(outstanding)}.");
        output.WriteLine($"Tranches per subsidie: warmte grant show {projectId} <subsidie>");
    }

    public static void Grant(JsonElement view, TextWriter output)
    {
        var grant = view.Prop("grant") ?? default;
        output.WriteLine($"{grant.Str("scheme") ?? Nl.None} ({grant.Str("id") ?? Nl.None}), project {grant.Str("projectId") ?? Nl.None}");
        var norm = grant.Int("reviewNormDays");
        Fields(output,
            ("Financier", grant.Str("funder") ?? Nl.None),
            ("Toegekend", $"{Nl.Money(grant.Dec("amountGranted"))} op {Nl.Date(grant.Str("decidedOn"))}"),
            ("Terugverdienen", grant.Bool("earnedBack") == true ? "ja, terug te verdienen in de exploitatie (voorfinanciering)" : Nl.YesNo(grant.Bool("earnedBack"))),
            ("Volgorde", grant.Bool("previousAccountingFirst") switch
            {
                true => "een tranche wordt pas uitbetaald na goedgekeurde verantwoording van de vorige",
                false => "tranches worden uitbetaald zonder te wachten op de vorige verantwoording",
                null => Nl.None,
            }),
            ("Eerste tranche", grant.Bool("firstTrancheAdvance") == true
                ? "voorschot op het subsidiebesluit: de financier keurt de aanvraag goed zonder verantwoording; die volgt bij tranche 2"
                : "pas na goedgekeurde verantwoording, zoals elke tranche"),
            ("Beoordelingsnorm", norm is { } n ? Nl.Count(n, "dag", "dagen") : Nl.None),
            ("Voorwaarden", grant.Str("conditions") ?? "geen vastgelegd"));

        output.WriteLine();
        var tranches = grant.Items("tranches").ToList();
        if (tranches.Count == 0)
            output.WriteLine("Tranches: nog geen trancheplan.");
        else
        {
            output.WriteLine("Tranches");
            var table = new TextTable("Nr", "Bedrag", "Status", "Aangevraagd", "Goedgekeurd", "Uitbetaald", "Betaald")
                .AlignRight(0, 1, 6);
            foreach (var t in tranches)
                table.Add(
                    Nl.Number(t.Int("number")),
                    Nl.Money(t.Dec("plannedAmount")),
                    Nl.TrancheStatus(t.Str("status")) + (Advance(grant, t) ? " (voorschot)" : ""),
                    Nl.Date(DateOf(t, "Aangevraagd")),
                    Nl.Date(DateOf(t, "Goedgekeurd")),
                    Nl.Date(DateOf(t, "Uitbetaald")),
                    Nl.Money(t.Dec("paidAmount")));
            table.WriteTo(output, "  ");
            var planned = tranches.Sum(t => t.Dec("plannedAmount") ?? 0m);
            output.WriteLine($"  Totaal gepland {Nl.Money(planned)} in {Nl.Count(tranches.Count, "tranche", "tranches")}"
                             + (grant.Dec("amountGranted") is { } amount && planned < amount ? $"; nog niet ingepland {Nl.Money(amount - planned)}." : "."));
            // What the forecast counts on is never more than is left of the grant (tester T1): said where the tranche is listed.
            foreach (var cap in view.Items("cappedTranches"))
                foreach (var (line, i) in Help.Wrap("Let op: " + cap.Str("text"), 96).Select((l, i) => (l, i)))
                    output.WriteLine((i == 0 ? "  " : "    ") + line);
            // More accounted than booked (tester T17): a warning, the funder judges the accounting.
            foreach (var warning in view.Items("accountingWarnings"))
                foreach (var (line, i) in Help.Wrap("Let op: " + warning.GetString(), 96).Select((l, i) => (l, i)))
                    output.WriteLine((i == 0 ? "  " : "    ") + line);

            var notes = tranches.SelectMany(Notes).ToList();
            if (notes.Count > 0)
            {
                output.WriteLine();
                output.WriteLine("Verantwoording en afkeuring");
                foreach (var note in notes)
                    foreach (var (line, i) in Help.Wrap(note, 96).Select((l, i) => (l, i)))
                        output.WriteLine((i == 0 ? "  " : "    ") + line);
            }
        }

        output.WriteLine();
        Fields(output,
            ("Betaald", Nl.Money(view.Dec("totalPaid"))),
            ("Openstaand", Nl.Money(view.Dec("outstanding"))));

        output.WriteLine();
        LeadTimes(view.Prop("leadTimes"), output);
    }

    /// <summary>The answer to a tranche step: what is recorded, where the tranche and the grant now stand.</summary>
    public static void Step(JsonElement view, string projectId, int number, string done, TextWriter output)
    {
        var grant = view.Prop("grant") ?? default;
        var tranche = grant.Items("tranches").FirstOrDefault(t => t.Int("number") == number);
        output.WriteLine($"{done} voor tranche {Nl.Number(number)} van {grant.Str("scheme") ?? Nl.None} ({grant.Str("id") ?? Nl.None}), project {projectId}.");
        var fields = new List<(string, string)>();
        if (tranche.ValueKind == JsonValueKind.Object)
        {
            var last = tranche.Items("steps").LastOrDefault();
            var status = Nl.TrancheStatus(tranche.Str("status"));
            fields.Add(("Status tranche", last.ValueKind == JsonValueKind.Object
                ? $"{status} op {Nl.Date(last.Str("on"))}, vastgelegd door {last.Str("actor") ?? Nl.None}"
                : status));
            if (tranche.Prop("accounting") is { } accounting && tranche.Str("status") is "VerantwoordingIngediend" or "Afgekeurd")
                fields.Add(("Verantwoording", Accounting(accounting)));
            if (tranche.Str("rejectionReason") is { } reason) fields.Add(("Reden afkeuring", reason));
            if (tranche.Dec("paidAmount") is { } paid) fields.Add(("Uitbetaald", $"{Nl.Money(paid)} (gepland {Nl.Money(tranche.Dec("plannedAmount"))})"));
        }
        fields.Add(("Subsidie", $"betaald {Nl.Money(view.Dec("totalPaid"))} van {Nl.Money(grant.Dec("amountGranted"))}, "
                                + $"openstaand {Nl.Money(view.Dec("outstanding"))}"));
        Fields(output, [.. fields]);
        // The accounting just sent claims more than was booked (tester T17): said at once, not refused.
        foreach (var warning in view.Items("accountingWarnings"))
            foreach (var (line, i) in Help.Wrap("Let op: " + warning.GetString(), 96).Select((l, i) => (l, i)))
                output.WriteLine((i == 0 ? "" : "  ") + line);
    }

    /// <summary>
    /// The portfolio's "Geld reikt", as the portfolio page says it: first whether the cash goes below zero (the outlook's
    /// <c>cashShortFrom</c> and <c>shortfall</c>: the bills cannot be paid then), else the runway (a number only when the money
    /// runs out), else until the end of the work.
    /// </summary>
    internal static string MoneyLasts(JsonElement row)
    {
        static string Month(string iso) => CashFlowViews.Month(NodaTime.Text.YearMonthPattern.Iso.Parse(iso).Value);
        if (row.Str("cashShortFrom") is { } from)
            return $"kas leeg vanaf {Month(from)} (tekort {Nl.Money(row.Dec("shortfall"))}"
                   + (row.Str("shortfallMonth") is { } deepest && deepest != from ? $" in {Month(deepest)})" : ")");
        // The outlook's own short answer (tester7 T6): "werk ligt stil (sinds 09-2026)" rather than "nog 0 maanden".
        if (row.Str("moneyLastsText") is { } text) return text;
        if (row.Int("runwayMonths") is { } runway) return $"nog {Nl.Count(runway, "maand", "maanden")}";
        if (row.Str("moneyLastsUntil") is { } until) return $"tot het einde van het werk ({Month(until)})";
        return Nl.None;
    }

    public static void Portfolio(JsonElement portfolio, TextWriter output)
    {
        var rows = portfolio.Items("projects").ToList();
        output.WriteLine($"Portefeuille per {Nl.Date(portfolio.Str("asOf"))}: gefinancierde projecten, urgentste eerst");
        if (rows.Count == 0)
        {
            // A financier of one funder sees that funder's grants only: say whose (tester A10).
            output.WriteLine(portfolio.Str("funderId") is { } funder
                ? $"  Nog geen projecten met een subsidie van financier {funder}."
                : "  Nog geen projecten met een subsidie.");
            return;
        }
        var table = new TextTable("Project", "Coöperatie", "Fase", "Toegekend", "Betaald", "Openstaand", "Volgende betaling verwacht", "Signalen", "Geld reikt")
            .AlignRight(3, 4, 5);
        foreach (var row in rows)
        {
            var alerts = row.Items("alerts").ToList();
            var worst = row.Str("worstSeverity") ?? alerts.Select(a => a.Str("severity")).MaxBy(Rank);
            table.Add(
                row.Str("projectId"),
                row.Str("cooperativeName") ?? row.Str("cooperativeId"),
                row.Str("phase"),
                Nl.Money(row.Dec("granted") ?? 0m),
                Nl.Money(row.Dec("paid") ?? 0m),
                Nl.Money(row.Dec("outstanding") ?? 0m),
                row.Str("nextExpectedPayment") is { } next
                    ? Nl.Date(next) + (row.Dec("nextExpectedAmount") is { } amount ? $" ({Nl.Money(amount)})" : "")
                      + (row.Str("nextExpectedTranche") is { } tranche ? $", {tranche}" : "")
                      // Why, in the project's signal "beoordeling duurt lang" below (tester T4).
                      + (row.Str("nextExpectedUncertainty") is not null ? ", onzeker" : "")
                    : "geen aangevraagd",
                alerts.Count == 0 ? "geen" : $"{Nl.Number(alerts.Count)} ({Nl.Severity(worst)})",
                MoneyLasts(row));
        }
        table.WriteTo(output, "  ");
        output.WriteLine($"  Totaal {Nl.Count(rows.Count, "project", "projecten")}: toegekend {Nl.Money(portfolio.Dec("granted") ?? 0m)}, "
                         + $"betaald {Nl.Money(portfolio.Dec("paid") ?? 0m)}, openstaand {Nl.Money(portfolio.Dec("outstanding") ?? 0m)}.");
        output.WriteLine("  Volgende betaling: de eerstverwachte aangevraagde, nog niet betaalde tranche. Aangevraagd: aanvraagdatum plus de");
        output.WriteLine("  mediane doorlooptijd van aanvraag tot betaling (of de beoordelingsnorm); goedgekeurd: goedkeuringsdatum plus de");
        output.WriteLine("  mediane tijd van goedkeuring tot betaling (of 30 dagen); afgekeurd: opnieuw indienen, vanaf vandaag de hele doorlooptijd.");
        output.WriteLine("  Onzeker: de beoordeling loopt over de norm; vanaf vandaag opnieuw de norm (of de langere waargenomen beoordelingstijd)");
        output.WriteLine("  plus de tijd tot betaling, en het signaal \"beoordeling duurt lang\" zegt waarom.");

        var withAlerts = rows.Where(r => r.Items("alerts").Any()).ToList();
        output.WriteLine();
        if (withAlerts.Count == 0)
        {
            output.WriteLine("Signalen: geen.");
            return;
        }
        output.WriteLine("Signalen per project");
        foreach (var row in withAlerts)
        {
            output.WriteLine($"  {row.Str("projectId") ?? Nl.None} ({row.Str("projectName") ?? Nl.None})");
            AlertLines(row.Items("alerts"), output, "    ");
        }
    }

    public static void Alerts(JsonElement alerts, string projectId, TextWriter output)
    {
        var list = alerts.Items().ToList();
        if (list.Count == 0)
        {
            output.WriteLine($"Geen signalen voor project {projectId}.");
            return;
        }
        output.WriteLine($"Signalen voor project {projectId} ({Nl.Number(list.Count)}), ernstigste eerst");
        AlertLines(list, output, "  ");
    }

    private static void AlertLines(IEnumerable<JsonElement> alerts, TextWriter output, string indent)
    {
        var table = new TextTable("Ernst", "Sinds", "Soort", "Melding");
        foreach (var alert in alerts)
            table.Add(Nl.Severity(alert.Str("severity")), Nl.Date(alert.Str("since")), Nl.AlertKind(alert.Str("kind")), alert.Str("message"));
        table.WriteTo(output, indent);
    }

    private static void LeadTimes(JsonElement? leadTimes, TextWriter output)
    {
        var observations = leadTimes?.Int("observations") ?? 0;
        output.WriteLine(observations == 0
            ? "Doorlooptijden bij de financier (mediaan): nog geen tranche van aanvraag tot betaling doorlopen"
            : $"Doorlooptijden bij de financier (mediaan over {Nl.Count(observations, "uitbetaalde tranche", "uitbetaalde tranches")})");
        Fields(output,
            ("Aanvraag → goedkeuring", Days(leadTimes?.Dec("requestToApprovalDays"))),
            ("Goedkeuring → betaling", Days(leadTimes?.Dec("approvalToPaymentDays"))),
            ("Aanvraag → betaling", Days(leadTimes?.Dec("requestToPaymentDays"))));
    }

    /// <summary>
    /// Tranche 1 paid or to be paid as an advance (tester T3): approved without an accounting, or requested on a grant that
    /// pays its first tranche in advance — why its accounting date is empty.
    /// </summary>
    private static bool Advance(JsonElement grant, JsonElement tranche) =>
        tranche.Int("number") == 1 && DateOf(tranche, "VerantwoordingIngediend") is null
        && (DateOf(tranche, "Goedgekeurd") is not null || (tranche.Str("status") == "Aangevraagd" && grant.Bool("firstTrancheAdvance") == true));

    /// <summary>
    /// The date of the latest step to <paramref name="status"/>, as the service sent it: the tranche's own date of it
    /// (<c>requestedOn</c>, …; the grants list carries no steps), else from its steps (a service before these dates).
    /// </summary>
    private static string? DateOf(JsonElement tranche, string status) =>
        tranche.Str(status switch
        {
            "Aangevraagd" => "requestedOn",
            "VerantwoordingIngediend" => "accountedOn",
            "Goedgekeurd" => "approvedOn",
            "Afgekeurd" => "rejectedOn",
            _ => "paidOn",
        }) ?? (tranche.Items("steps").LastOrDefault(s => s.Str("to") == status) is { ValueKind: JsonValueKind.Object } step ? step.Str("on") : null);

    /// <summary>The accounting and rejection of a tranche, as lines of text.</summary>
    private static IEnumerable<string> Notes(JsonElement tranche)
    {
        var number = Nl.Number(tranche.Int("number"));
        if (tranche.Prop("accounting") is { } accounting) yield return $"Tranche {number}: {Accounting(accounting)}.";
        if (tranche.Str("status") == "Afgekeurd" && tranche.Str("rejectionReason") is { } reason)
            yield return $"Tranche {number} afgekeurd op {Nl.Date(DateOf(tranche, "Afgekeurd"))}: {reason}";
    }

    private static string Accounting(JsonElement accounting)
    {
        var documents = accounting.Items("documents").Select(d => d.ValueKind == JsonValueKind.String ? d.GetString() : null).OfType<string>().ToList();
        return $"besteed {Nl.Money(accounting.Dec("amountSpent"))} in {Nl.Date(accounting.Str("periodFrom"))} – {Nl.Date(accounting.Str("periodTo"))}"
               + (documents.Count == 0 ? "" : $"; documenten: {string.Join(", ", documents)}");
    }

    /// <summary>A median in days: "271 dagen", "13,5 dagen" (for an even count the mean of the two middle values).</summary>
    private static string Days(decimal? days) => days is { } d ? $"{Nl.Number(d, 1)} {(d == 1m ? "dag" : "dagen")}" : Nl.None;

    private static int Rank(string? severity) => severity switch { "High" => 3, "Medium" => 2, "Low" => 1, _ => 0 };

    private static void Fields(TextWriter output, params (string Label, string Value)[] fields)
    {
        var width = fields.Max(f => f.Label.Length) + 1;
        foreach (var (label, value) in fields)
            output.WriteLine($"  {(label + ":").PadRight(width)}  {value}");
    }
}
