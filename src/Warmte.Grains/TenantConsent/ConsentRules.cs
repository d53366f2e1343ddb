using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Members;

namespace Warmte.TenantConsent;

/// <summary>
/// Tenant consent per complex, pure: registering complexes, recording answers per address,
/// and counting them exactly against the threshold (70 of 100 passes, 69 of 100 does not).
/// </summary>
public static class ConsentRules
{
    public const string RowKind = "declaration";
    public const string FactKind = "declaration";

    public const int MaxRentedHomes = 100_000;
    public const int MaxDeclarationsPerCall = 20_000;

    /// <param name="history">The complex's answers so far as facts (<see cref="ConsentAsOf.History"/>), to date <see cref="Complex.MetOn"/>
    /// under the (possibly changed) number of homes; null: not known (the view derives it on reading).</param>
    public static Outcome<Change<ConsentRecord>> SetComplex(ConsentRecord record, string complexId, SetComplex command, LocalDate today,
        ImmutableArray<DeclarationFact>? history = null)
    {
        var v = new Validation();
        Slug.Check(v, "id", complexId);
        var name = v.Text("name", command.Name);
        var corporation = v.Text("corporation", command.Corporation);
        if (command.RentedHomes is not { } homes) { v.Add("rentedHomes", "is verplicht."); homes = 1; }
        else if (homes is < 1 or > MaxRentedHomes) v.Add("rentedHomes", $"moet tussen 1 en {MaxRentedHomes} liggen.");
        var threshold = homes < ConsentThresholds.ComplexMinimumHomes ? ConsentThresholds.SmallComplex : ConsentThresholds.Default;
        if (command.Threshold is not null)
        {
            if (Share.Parse(command.Threshold) is not { } parsed || parsed == Share.None)
                v.Add("threshold", $"'{Slug.Truncate(command.Threshold)}' is geen drempel; schrijf bijv. \"70%\" of \"7/10\".");
            else if (homes < ConsentThresholds.ComplexMinimumHomes && parsed != ConsentThresholds.SmallComplex)
                v.Add("threshold", $"onder {ConsentThresholds.ComplexMinimumHomes} woningen geldt het 70%-vermoeden niet: elke huurder moet instemmen.");
            else if (ConsentThresholds.IsBelowLaw(parsed))
                v.Add("threshold", $"'{Slug.Truncate(command.Threshold)}' ligt onder de wettelijke 70% (BW 7:220 lid 3; Amsterdam vraagt ook 70% per complex): een gemeente mag een hogere drempel vragen, nooit een lagere.");
            else threshold = parsed;
        }
        if (command.ProposalDate is { } proposed && proposed > today) v.Add("proposalDate", $"{DutchFormat.Date(proposed)} ligt in de toekomst.");
        if (command.Deadline is { } deadline && command.ProposalDate is { } from && deadline < from)
            v.Add("deadline", $"{DutchFormat.Date(deadline)} ligt vóór het voorstel ({DutchFormat.Date(from)}).");
        var existing = record.Complexes.FirstOrDefault(c => c.Id == complexId);
        if (existing is not null && existing.Answers > homes)
            v.Add("rentedHomes", $"er zijn al {existing.Answers} adressen met een antwoord; het complex telt er niet minder dan dat.");
        if (existing is not null && command.ProposalDate is { } p && existing.FirstAnswerOn < p)
            v.Add("proposalDate", $"er zijn antwoorden van vóór {DutchFormat.Date(p)}.");
        if (v.HasErrors) return v.ToRefusal();

        var complex = new Complex
        {
            Id = complexId, Name = name, Corporation = corporation, RentedHomes = homes, Threshold = threshold,
            ProposalDate = command.ProposalDate, Deadline = command.Deadline,
            Agreed = existing?.Agreed ?? 0, Refused = existing?.Refused ?? 0, FirstAnswerOn = existing?.FirstAnswerOn,
            // The threshold the stored day was judged by: for a complex of an older build, its stored threshold
            // (the new one may differ), so the day is never carried over to another threshold (review3 F6).
            ReachedOn = existing?.ReachedOn, ReachedUnder = existing is null ? null : JudgedUnder(existing), AnswersRemovedOn = existing?.AnswersRemovedOn,
            LastWithdrawalOn = existing?.LastWithdrawalOn, UnmetSince = existing?.UnmetSince,
        };
        complex = WithMetOn(WithGate(complex, today, existing), existing is null ? [] : history);
        var complexes = existing is null ? record.Complexes.Add(complex) : record.Complexes.Replace(existing, complex);
        return new Change<ConsentRecord>(record with { Complexes = complexes }, existing is null ? "consent.complex-added" : "consent.complex-updated",
            $"Complex '{complexId}' ({corporation}, {homes} huurwoningen, drempel {threshold}) {(existing is null ? "toegevoegd" : "bijgewerkt")}.");
    }

    public static Outcome<Change<ConsentRecord>> SetApplicability(ConsentRecord record, SetApplicability command)
    {
        var v = new Validation();
        if (command.NotApplicable is not { } notApplicable) { v.Add("notApplicable", "is verplicht."); notApplicable = false; }
        var reason = notApplicable ? v.Notes("reason", command.Reason, 1000) : null;
        if (notApplicable && record.Complexes.Length > 0)
            v.Add("notApplicable", $"het project heeft {record.Complexes.Length} {DutchFormat.Noun(record.Complexes.Length, "complex", "complexen")} met huurwoningen; verwijder die eerst.");
        if (v.HasErrors) return v.ToRefusal();
        return new Change<ConsentRecord>(record with { NotApplicableReason = reason }, "consent.applicability-set",
            reason is null ? "Huurdersinstemming is weer nodig." : $"Geen huurdersinstemming nodig: {reason}");
    }

    public static Outcome<Change<ConsentRecord>> RemoveComplex(ConsentRecord record, string complexId)
    {
        if (record.Complexes.FirstOrDefault(c => c.Id == complexId) is not { } complex) return Refusal.NotFound("Complex", complexId);
        if (complex.Answers > 0)
            return Refusal.Conflict("complex-has-declarations", $"Complex '{complexId}' heeft al {complex.Answers} antwoorden; die verdwijnen niet stilletjes.");
        return new Change<ConsentRecord>(record with { Complexes = record.Complexes.Remove(complex) }, "consent.complex-removed", $"Complex '{complexId}' verwijderd.");
    }

    /// <summary>
    /// Records answers per address, all or nothing — or, with <see cref="RecordDeclarations.SkipInvalid"/>,
    /// the good ones, naming every problem of the others in <see cref="DeclarationsRecorded.Skipped"/>.
    /// The same address again replaces its answer (a tenant may change their mind); a complex never holds
    /// more answering addresses than rented homes (good rows only: the new addresses past that are left out).
    /// <paramref name="stored"/> holds the complex's answers stored so far (current rows); the result
    /// names every answer to store with the one it replaces, and the complex's new counts. A dry run
    /// (<see cref="RecordDeclarations.DryRun"/>) is the same call whose result is not stored.
    /// </summary>
    public static Outcome<DeclarationsRecorded> RecordDeclarations(
        ConsentRecord record, string complexId, RecordDeclarations command, IReadOnlyDictionary<DutchAddress, Declaration> stored,
        LocalDate today, string actor, Instant now, ImmutableArray<DeclarationFact>? history = null)
    {
        if (record.Complexes.FirstOrDefault(c => c.Id == complexId) is not { } complex) return Refusal.NotFound("Complex", complexId);
        if (complex.AnswersRemovedOn is { } removed)
            return Refusal.Conflict("declarations-removed",
                $"De antwoorden per adres van complex '{complexId}' zijn op {DutchFormat.Date(removed)} na de bewaartermijn verwijderd; alleen de aantallen zijn bewaard.");
        var v = new Validation();
        var inputs = command.Declarations ?? [];
        if (inputs.Length == 0) v.Add("declarations", "bevat geen antwoorden.");
        if (inputs.Length > MaxDeclarationsPerCall) v.Add("declarations", $"bevat meer dan {MaxDeclarationsPerCall} antwoorden; splits de invoer.");
        if (v.HasErrors) return v.ToRefusal();
        var goodOnly = command.SkipInvalid == true;
        var byAddress = new Dictionary<DutchAddress, Declaration>(stored);
        var recorded = ImmutableArray.CreateBuilder<(Declaration New, Declaration? Before)>();
        var seen = new Dictionary<DutchAddress, int>();
        var superseded = Superseded(inputs);
        int added = 0, changed = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var at = $"declarations[{i}]";
            var before = v.Errors.Count;
            // A later answer of the same address in this call replaces this one: it is not recorded, whatever it says
            // (never the older answer kept while the later is refused; tester T2).
            if (superseded.ContainsKey(i)) continue;
            if (inputs[i] is not { } input) { v.Add(at, "is leeg."); continue; }
            var address = MemberRules.Address(v, at, input.Postcode, input.Huisnummer, input.Toevoeging, input.Huisletter);
            var response = ConsentResponse.Akkoord;
            if (string.IsNullOrWhiteSpace(input.Response)) v.Add($"{at}.response", "is verplicht.");
            else if (!Enum.TryParse(input.Response.Trim(), true, out response) || !Enum.IsDefined(response))
                v.Add($"{at}.response", $"'{Slug.Truncate(input.Response)}' is geen antwoord; kies Akkoord of Geweigerd.");
            if (input.On is not { } on) { v.Add($"{at}.on", "is verplicht."); on = today; }
            else if (AnswerDateProblem(on, complex.ProposalDate, today) is { } problem) v.Add($"{at}.on", problem);
            if (address is null) continue;
            if (seen.TryGetValue(address, out var first)) { v.Add($"{at}.postcode", $"adres {address} staat ook al in declarations[{first}]."); continue; }
            seen[address] = i;
            // All or nothing: nothing more is recorded once anything is wrong; good rows only: this row is left out.
            if (goodOnly ? v.Errors.Count > before : v.HasErrors) continue;
            var declaration = new Declaration { Address = address, Response = response, On = on, RecordedBy = actor, RecordedAt = now };
            if (!byAddress.TryGetValue(address, out var known))
            {
                if (goodOnly && byAddress.Count >= complex.RentedHomes)
                {
                    v.Add($"{at}.postcode", $"complex '{complexId}' telt {complex.RentedHomes} huurwoningen en heeft met de antwoorden hiervoor al {byAddress.Count} adressen; adres {address} zou er één te veel zijn.");
                    continue;
                }
                added++;
            }
            else if (known.Response == response && known.On == on) continue;
            else if (on < known.On) { v.Add($"{at}.on", $"adres {address} antwoordde al later, op {DutchFormat.Date(known.On)}; een ouder antwoord vervangt dat niet."); continue; }
            else changed++;
            byAddress[address] = declaration;
            recorded.Add((declaration, known));
        }
        if (v.HasErrors && !goodOnly) return v.ToRefusal();
        ImmutableArray<FieldError> skipped = [.. v.Errors];
        if (byAddress.Count > complex.RentedHomes)
            return Refusal.Invalid("declarations", $"complex '{complexId}' telt {complex.RentedHomes} huurwoningen; met deze antwoorden zouden er {byAddress.Count} adressen zijn.");
        if (added + changed == 0)
            return Outcome<DeclarationsRecorded>.Ok(new(new Change<ConsentRecord>(record, "consent.declarations-recorded", "Geen nieuwe antwoorden."), [], skipped) { Superseded = Pairs(superseded) });
        var agreed = complex.Agreed;
        var refusedCount = complex.Refused;
        foreach (var (now2, before) in recorded)
        {
            if (before is not null) { if (before.Response == ConsentResponse.Akkoord) agreed--; else refusedCount--; }
            if (now2.Response == ConsentResponse.Akkoord) agreed++; else refusedCount++;
        }
        var firstOn = recorded.Select(r => r.New.On).Append(complex.FirstAnswerOn ?? LocalDate.MaxIsoValue).Min();
        var withdrawn = recorded.Where(r => r.Before?.Response == ConsentResponse.Akkoord && r.New.Response == ConsentResponse.Geweigerd)
            .Select(r => (LocalDate?)r.New.On).Append(complex.LastWithdrawalOn).Max();
        var updated = WithGate(complex with { Agreed = agreed, Refused = refusedCount, FirstAnswerOn = firstOn, Declarations = [], LastWithdrawalOn = withdrawn }, today, complex);
        updated = WithMetOn(updated, history is { } h ? h.AddRange(recorded.Select(FactOf)) : null);
        var leftOut = skipped.Select(e => e.Field.Split(']')[0]).Distinct().Count();
        var left = leftOut == 0 ? "" : $"; {leftOut} {DutchFormat.Noun(leftOut, "antwoord", "antwoorden")} met een fout overgeslagen";
        return Outcome<DeclarationsRecorded>.Ok(new(new Change<ConsentRecord>(record with { Complexes = record.Complexes.Replace(complex, updated) }, "consent.declarations-recorded",
            $"Complex '{complexId}': {added} {DutchFormat.Noun(added, "nieuw antwoord", "nieuwe antwoorden")} en {changed} {DutchFormat.Noun(changed, "gewijzigd antwoord", "gewijzigde antwoorden")} vastgelegd{left}."), recorded.ToImmutable(), skipped) { Superseded = Pairs(superseded) });
    }

    /// <summary>
    /// The answers of one call that a later answer of the same address replaces, each with the index of the one that
    /// replaces it: per address the answer with the latest date wins, on equal dates the later one in the call (a
    /// tenant may change their mind; a spreadsheet lists answers in any order). Answers without a date or a readable
    /// address take no part: they are refused on their own.
    /// </summary>
    public static IReadOnlyDictionary<int, int> Superseded(IReadOnlyList<DeclarationInput?> inputs)
    {
        var latest = new Dictionary<DutchAddress, int>();
        var addresses = new DutchAddress?[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not { On: { } on } input) continue;
            if (MemberRules.Address(new Validation(), "", input.Postcode, input.Huisnummer, input.Toevoeging, input.Huisletter) is not { } address) continue;
            addresses[i] = address;
            if (!latest.TryGetValue(address, out var best) || inputs[best]!.On <= on) latest[address] = i;
        }
        var superseded = new Dictionary<int, int>();
        for (var i = 0; i < inputs.Count; i++)
            if (addresses[i] is { } address && latest[address] != i) superseded[i] = latest[address];
        return superseded;
    }

    private static ImmutableArray<SupersededAnswer> Pairs(IReadOnlyDictionary<int, int> superseded) =>
        [.. superseded.OrderBy(p => p.Key).Select(p => new SupersededAnswer(p.Key, p.Value))];

    /// <summary>
    /// Why an answer dated <paramref name="on"/> cannot be recorded, in Dutch without the field name, or null when it can:
    /// not after <paramref name="today"/> (the service's Amsterdam date), not before the proposal to the tenants.
    /// </summary>
    public static string? AnswerDateProblem(LocalDate on, LocalDate? proposalDate, LocalDate today) =>
        on > today ? $"{DutchFormat.Date(on)} ligt in de toekomst."
        : proposalDate is { } proposed && on < proposed ? $"{DutchFormat.Date(on)} ligt vóór het voorstel aan de huurders ({DutchFormat.Date(proposed)})."
        : null;

    /// <summary>
    /// The complex with <see cref="Complex.ReachedOn"/> set on the day the threshold is first met, cleared when no
    /// longer met. A stored day met under another threshold than the one judged now (a legacy complex stored at
    /// 2/3 keeps the day 2/3 was met) is not carried over (review2 F6). When <paramref name="before"/> already met
    /// the threshold judged now, this change did not make it met: the day stays as it was, or becomes unknown
    /// (null while met) when it was judged under another threshold — never today, which is only the day of an
    /// unrelated write (review3 F6). Only a change that makes the threshold met dates it today.
    /// </summary>
    public static Complex WithGate(Complex complex, LocalDate today, Complex? before = null)
    {
        var threshold = ConsentThresholds.For(complex.RentedHomes, complex.Threshold);
        if (!Meets(threshold, complex.Agreed, complex.RentedHomes))
        {
            // Unmet since this write, unless it was unmet already (then since when it was; unknown stays unknown).
            var unmetBefore = before is not null && !Meets(ConsentThresholds.For(before.RentedHomes, before.Threshold), before.Agreed, before.RentedHomes);
            return complex with { ReachedOn = null, ReachedUnder = null, UnmetSince = unmetBefore ? before!.UnmetSince : today };
        }
        complex = complex with { UnmetSince = null };
        if (JudgedUnder(complex) == threshold) return complex with { ReachedUnder = threshold };
        var metBefore = before is not null && Meets(threshold, before.Agreed, before.RentedHomes);
        return complex with { ReachedOn = metBefore ? null : today, ReachedUnder = threshold };
    }

    /// <summary>The address-free journal fact of one recorded answer (what the grain journals).</summary>
    public static DeclarationFact FactOf((Declaration New, Declaration? Before) recorded) =>
        new(recorded.New.Response, recorded.New.On, recorded.Before?.Response);

    /// <summary>
    /// The complex with <see cref="Complex.MetOn"/>, the date of the answer that met the threshold judged now, from its
    /// whole history of answers (<see cref="ConsentAsOf.MetSince"/>, the gate's "gehaald op"; tester T2): null while not
    /// met, and when <paramref name="history"/> is not known.
    /// </summary>
    public static Complex WithMetOn(Complex complex, ImmutableArray<DeclarationFact>? history)
    {
        var threshold = ConsentThresholds.For(complex.RentedHomes, complex.Threshold);
        if (history is not { } facts || !Meets(threshold, complex.Agreed, complex.RentedHomes)) return complex with { MetOn = null };
        return complex with { MetOn = ConsentAsOf.MetSince(facts, threshold, complex.RentedHomes) };
    }

    /// <summary>
    /// The threshold a complex's stored <see cref="Complex.ReachedOn"/> was judged by: <see cref="Complex.ReachedUnder"/>, or for a
    /// complex stored before that was kept, its stored threshold when it has a day; null when neither says.
    /// A met complex whose <see cref="Complex.ReachedUnder"/> is the threshold judged now and whose day is null was met on an unknown day.
    /// </summary>
    public static Share? JudgedUnder(Complex complex) => complex.ReachedUnder ?? (complex.ReachedOn is null ? null : complex.Threshold);

    /// <summary>
    /// The day a met complex reached <paramref name="threshold"/> as far as it is known: the date of the answer that met it
    /// (<see cref="Complex.MetOn"/>, tester T2); for a complex that does not know that, the stored day when it was judged by
    /// that threshold; else, when every Akkoord is still stored as an answer per address, the date of the
    /// <paramref name="required"/>-th Akkoord; else unknown (null), with the reason.
    /// </summary>
    public static (LocalDate? On, string? Note) ReachedOnShown(Complex complex, Share threshold, int required, ImmutableArray<Declaration>? answers)
    {
        if (complex.MetOn is { } met) return (met, null);
        if (JudgedUnder(complex) == threshold && complex.ReachedOn is { } day) return (day, null);
        var why = JudgedUnder(complex) is { } other && other != threshold
            ? $"het complex is door een oudere versie beoordeeld met drempel {other}, nu met {threshold}"
            : "de dienst heeft die dag niet vastgelegd";
        var agreements = (answers ?? []).Where(d => d.Response == ConsentResponse.Akkoord).Select(d => d.On).Order().ToList();
        if (complex.AnswersRemovedOn is null && agreements.Count == complex.Agreed && agreements.Count >= required && required > 0)
            return (agreements[required - 1], $"Afgeleid uit de antwoorden: het {required}e akkoord is gedateerd {DutchFormat.Date(agreements[required - 1])} ({why}).");
        return (null, $"De dag waarop de drempel ({threshold}) gehaald werd is niet bekend: {why}.");
    }

    /// <summary>
    /// The complexes whose answers per address are past the retention period on <paramref name="today"/>:
    /// decided (<see cref="Complex.DecidedOn"/>) at least <paramref name="months"/> months ago, with
    /// answers still stored. They keep their counts and get <see cref="Complex.AnswersRemovedOn"/>.
    /// </summary>
    public static (ConsentRecord Record, ImmutableArray<Complex> Due) RemoveAnswersPastRetention(ConsentRecord record, int months, LocalDate today)
    {
        var due = record.Complexes.Where(c => c.AnswersRemovedOn is null && c.Answers > 0 && c.DecidedOn(today) is { } d && d.PlusMonths(months) <= today).ToImmutableArray();
        if (due.Length == 0) return (record, []);
        return (record with { Complexes = [.. record.Complexes.Select(c => due.Contains(c) ? c with { AnswersRemovedOn = today } : c)] }, due);
    }

    /// <summary>A complex's answer's key among current rows: the complex, then the address in register order (postcode, number, letter, addition).</summary>
    public static string RowId(string complexId, DutchAddress address) =>
        $"{complexId}/{address.Postcode}/{address.Huisnummer:00000}/{address.Huisletter}/{address.Toevoeging}";

    /// <summary>
    /// An old snapshot's complexes with the answers inside become counts (the answers go to current
    /// rows): what the upgrade does with a snapshot of the release before; unchanged when there are none.
    /// </summary>
    public static ConsentRecord CountStoredDeclarations(ConsentRecord record, LocalDate today) => record with
    {
        Complexes = [.. record.Complexes.Select(c => c.Declarations.Length == 0 ? c : WithGate(c with
        {
            Agreed = c.Declarations.Count(d => d.Response == ConsentResponse.Akkoord),
            Refused = c.Declarations.Count(d => d.Response != ConsentResponse.Akkoord),
            FirstAnswerOn = c.Declarations.Min(d => d.On),
            Declarations = [],
        }, today) with { UnmetSince = null })], // an old snapshot does not say since when it was unmet: unknown, not the upgrade's day
    };

    /// <param name="answers">The answers per address by complex (board and admins), or null: counts only.</param>
    /// <param name="dates">All stored answers by complex, to date a <c>reachedOn</c> the record does not know (never shown as such); null: not read.</param>
    public static ConsentStatus Status(ConsentRecord record, string projectId, LocalDate today, IReadOnlyDictionary<string, ImmutableArray<Declaration>>? answers,
        IReadOnlyDictionary<string, ImmutableArray<Declaration>>? dates = null)
    {
        dates ??= answers;
        var complexes = record.Complexes.Select(c => Of(c, today, answers is null ? null : answers.GetValueOrDefault(c.Id, []), dates is null ? null : dates.GetValueOrDefault(c.Id, []))).ToImmutableArray();
        var homes = complexes.Sum(c => c.RentedHomes);
        var agreed = complexes.Sum(c => c.Agreed);
        return new ConsentStatus
        {
            ProjectId = projectId, On = today, Complexes = complexes, NotApplicableReason = record.NotApplicableReason,
            AllReached = record.NotApplicableReason is not null || complexes.Length > 0 && complexes.All(c => c.Reached),
            RentedHomes = homes, Agreed = agreed, AgreedPercent = Percent(agreed, homes),
        };
    }

    /// <summary>The smallest whole number of agreements meeting <paramref name="threshold"/> of <paramref name="homes"/>.</summary>
    public static int Required(Share threshold, int homes) =>
        (int)(((long)threshold.Numerator * homes + threshold.Denominator - 1) / threshold.Denominator);

    public static bool Meets(Share threshold, int agreed, int homes) => threshold.CompareTo(agreed, homes) >= 0;

    /// <summary>Whether showing <paramref name="complex"/> needs its answers' dates (met on a day the record does not know, answers still stored).</summary>
    public static bool NeedsAnswerDates(Complex complex)
    {
        var threshold = ConsentThresholds.For(complex.RentedHomes, complex.Threshold);
        return complex.AnswersRemovedOn is null && complex.Agreed > 0 && Meets(threshold, complex.Agreed, complex.RentedHomes)
            && complex.MetOn is null && !(JudgedUnder(complex) == threshold && complex.ReachedOn is not null);
    }

    public static ComplexStatus Of(Complex complex, LocalDate today, ImmutableArray<Declaration>? answers, ImmutableArray<Declaration>? dates = null)
    {
        var agreed = complex.Agreed;
        var refused = complex.Refused;
        // Judged by the law's threshold at least, whatever was stored (ConsentThresholds.For).
        var threshold = ConsentThresholds.For(complex.RentedHomes, complex.Threshold);
        var required = Required(threshold, complex.RentedHomes);
        var reached = Meets(threshold, agreed, complex.RentedHomes);
        var shown = reached ? ReachedOnShown(complex, threshold, required, dates ?? answers) : (null, null);
        return new ComplexStatus
        {
            Id = complex.Id, Name = complex.Name, Corporation = complex.Corporation, RentedHomes = complex.RentedHomes,
            Agreed = agreed, Refused = refused, NoResponse = complex.RentedHomes - agreed - refused,
            Threshold = threshold, Required = required, Reached = reached,
            Note = ConsentThresholds.Note(complex.RentedHomes, complex.Threshold),
            AgreedPercent = Percent(agreed, complex.RentedHomes),
            ProposalDate = complex.ProposalDate, ObjectionPeriodEnds = complex.ProposalDate?.Plus(ConsentThresholds.ObjectionPeriod),
            Deadline = complex.Deadline, Forecast = Forecast(complex, agreed, refused, required, reached, today),
            Declarations = answers, ReachedOn = shown.On, ReachedOnNote = shown.Note, AnswersRemovedOn = complex.AnswersRemovedOn,
            ThresholdRecordedOn = reached && JudgedUnder(complex) == threshold ? complex.ReachedOn : null,
            LastWithdrawalOn = complex.LastWithdrawalOn,
            UnmetSince = reached ? null : complex.UnmetSince,
        };
    }

    /// <summary>
    /// Extrapolates the collection pace so far (agreements per day since the proposal, or since the
    /// first answer) to the date the threshold would be reached, in whole days, rounding up.
    /// </summary>
    private static ConsentForecast Forecast(Complex complex, int agreed, int refused, int required, bool reached, LocalDate today)
    {
        var start = complex.ProposalDate ?? complex.FirstAnswerOn;
        var days = start is { } s ? Math.Max(1, Period.DaysBetween(s, today)) : 0;
        var perWeek = days == 0 ? 0m : Math.Round(agreed * 7m / days, 2, MidpointRounding.AwayFromZero);
        if (reached)
            return new ConsentForecast { AgreementsPerWeek = perWeek, ExpectedOn = null, BeforeDeadline = true, Explanation = "Drempel gehaald." };
        if (required > complex.RentedHomes - refused)
            return new ConsentForecast
            {
                AgreementsPerWeek = perWeek, BeforeDeadline = complex.Deadline is null ? null : false,
                Explanation = $"Niet meer haalbaar zonder dat weigeraars van mening veranderen: nodig {required}, nog open {complex.RentedHomes - agreed - refused}.",
            };
        if (agreed == 0 || days == 0)
            return new ConsentForecast { AgreementsPerWeek = 0m, Explanation = "Nog geen tempo: er zijn nog geen instemmingen." };
        var missing = required - agreed;
        var needDays = ((long)missing * days + agreed - 1) / agreed;
        // A pace that would take the date past the calendar's end (a proposal dated in year 1 or earlier, one
        // agreement since): no date, rather than an error on every read of the consent (the abuse campaign's find).
        if (needDays > Period.DaysBetween(today, LocalDate.MaxIsoValue))
            return new ConsentForecast
            {
                AgreementsPerWeek = perWeek, ExpectedOn = null, BeforeDeadline = complex.Deadline is null ? null : false,
                Explanation = $"Bij het tempo tot nu toe ({DutchFormat.Number(perWeek)} per week) {DutchFormat.Noun(missing, "komt de ontbrekende instemming", $"komen de ontbrekende {missing} instemmingen")} niet binnen afzienbare tijd binnen.",
            };
        var expected = today.PlusDays((int)needDays);
        bool? inTime = complex.Deadline is { } deadline ? expected <= deadline : null;
        var verdict = inTime switch
        {
            true => $", vóór de deadline van {DutchFormat.Date(complex.Deadline!.Value)}",
            false => $", ná de deadline van {DutchFormat.Date(complex.Deadline!.Value)}",
            null => "",
        };
        return new ConsentForecast
        {
            AgreementsPerWeek = perWeek, ExpectedOn = expected, BeforeDeadline = inTime,
            Explanation = $"Bij het tempo tot nu toe ({DutchFormat.Number(perWeek)} per week) {DutchFormat.Noun(missing, "is de ontbrekende instemming", $"zijn de ontbrekende {missing} instemmingen")} binnen op {DutchFormat.Date(expected)}{verdict}.",
        };
    }

    private static decimal Percent(int part, int whole) =>
        whole == 0 ? 0m : Math.Round(part * 100m / whole, 2, MidpointRounding.AwayFromZero);
}

/// <summary>What recording answers does: the new record (counts) and each answer stored with the one it replaced.</summary>
/// <param name="Skipped">Good rows only: every problem of the answers left out, on its item ("declarations[3].on"); empty otherwise.</param>
public sealed record DeclarationsRecorded(Change<ConsentRecord> Change, ImmutableArray<(Declaration New, Declaration? Before)> Recorded, ImmutableArray<FieldError> Skipped)
{
    /// <summary>The answers of the call that a later answer of the same address replaced (not recorded).</summary>
    public ImmutableArray<SupersededAnswer> Superseded { get; init; } = [];
}

/// <summary>declarations[<see cref="Index"/>] is replaced by the later answer of the same address, declarations[<see cref="By"/>].</summary>
[GenerateSerializer, Immutable]
public sealed record SupersededAnswer([property: Id(0)] int Index, [property: Id(1)] int By);
