using System.Collections.Immutable;
using System.Text.Json;
using Warmte.Serialization;
using Warmte.Spreadsheets.Import;

namespace Warmte.Client;

/// <summary>
/// <c>warmte import members|ballots|consent</c>: read a member list, ballot list or consent list from
/// .xlsx, .xls, .ods or .csv, check every row with the same rules as the service, and send it. All or
/// nothing unless <c>--skip-invalid</c>; <c>--dry-run</c> shows the mapping and every row it would import or refuse, sends nothing (consent rows are checked by the service without being stored).
/// </summary>
internal static class ImportCommands
{
    private static readonly ArgumentSpec File = new("bestand", "het .xlsx-, .xls-, .ods- of .csv-bestand");
    private static readonly ArgumentSpec Cooperative = new("coop", "de id van de coöperatie");
    private static readonly ArgumentSpec Project = new("project", "de id van het project");
    private static readonly ArgumentSpec Complex = new("complex", "de id van het complex (bijv. stadgenoot-a)");
    private static readonly ArgumentSpec Meeting = new("vergadering", "de id van de ALV-vergadering");
    private static readonly ArgumentSpec Proposal = new("voorstel", "de id van het voorstel");

    public static readonly OptionSpec DryRun = new("dry-run", null, "Alleen lezen en controleren: toon de kolommen, de rijen die ingelezen zouden worden en elke fout; verstuur niets");
    public static readonly OptionSpec SkipInvalid = new("skip-invalid", null,
        "Alleen de goede rijen inlezen: sla foute rijen over en verstuur de goede (standaard: bij één foute rij wordt niets verstuurd)");
    public static readonly OptionSpec JoinedOn = new("joined-on", "JJJJ-MM-DD",
        "Datum lid sinds voor elke rij zonder eigen datum (ook als de kolom Lid sinds ontbreekt); de proefrun toont hem");

    internal const string Formats = "Het bestand mag .xlsx, .xls (oud Excel), .ods (LibreOffice) of .csv zijn (';' of ',', decimale komma of punt, UTF-8 of Windows-1252). "
        + "De kopregel mag in de eerste 20 rijen staan, onder een titel; kolomnamen worden herkend ongeacht hoofdletters, accenten en spaties, "
        + "in het Nederlands of Engels; andere kolommen worden genegeerd. Elke fout noemt blad, rij, kolom en reden.";

    public static readonly CommandSpec Members = new(
        "import members",
        "Ledenlijst inlezen in het ledenregister (bestuur)",
        "Leest een ledenlijst (lidnummer, naam, categorie, postcode, huisnummer, lid sinds; optioneel huisletter, toevoeging, "
        + "woningequivalenten met decimale komma, uitgeschreven, stemgerechtigd, e-mail, straat, woonplaats) en registreert de leden op lidnummer: een bekend nummer "
        + "wordt bijgewerkt, nooit verdubbeld; hetzelfde bestand nog eens inlezen verandert niets. Huisnummers zoals 14-H, 14H, 9 a, "
        + "14-III of 14 hs worden herkend, ook in één kolom Adres (Wibautstraat 14-H). Zonder kolom Lid sinds: geef --joined-on. "
        + "Een rij die in elke kolom gelijk is aan een eerdere rij van hetzelfde lid wordt één keer ingelezen (met een melding); "
        + "hetzelfde lidnummer met andere gegevens wordt geweigerd, met de kolommen die verschillen. "
        + "Een bestand van warmte export members kan zo weer ingelezen worden; een gewist lid ((gewist), zonder adres) wordt overgeslagen. " + Formats,
        [Cooperative, File], [DryRun, SkipInvalid, JoinedOn],
        ["warmte import members ketelhuiswg leden.xlsx --dry-run", "warmte import members ketelhuiswg leden.csv",
         "warmte import members ketelhuiswg ledenlijst-penningmeester.xlsx --joined-on 2020-01-01 --skip-invalid"],
        RunMembers);

    public static readonly CommandSpec Ballots = new(
        "import ballots",
        "Stemlijst van een ALV-voorstel inlezen (bestuur)",
        "Leest per lid de stem (lidnummer, stem: voor/tegen/onthouding, optioneel gevolmachtigde) en legt elke stem vast op het voorstel. "
        + "Een stem die er al is, telt niet dubbel. " + Formats,
        [Cooperative, Meeting, Proposal, File], [DryRun, SkipInvalid],
        ["warmte import ballots ketelhuiswg alv-2026-12-12 tarief-2027 stemmen.xlsx"],
        RunBallots);

    public static readonly CommandSpec Consent = new(
        "import consent",
        "Akkoordverklaringen van huurders van een complex inlezen (bestuur)",
        "Leest per adres het antwoord (postcode, huisnummer, optioneel huisletter en toevoeging, antwoord: akkoord/geweigerd, datum) en legt ze "
        + "vast bij het complex. Huisnummers zoals 14-H, 9A of 14 hs worden herkend, ook in één kolom Adres (Wibautstraat 14-H, "
        + "of met de postcode vooraan: 1091 GM Wibautstraat 14-H). Een later antwoord van hetzelfde adres vervangt het eerdere: per adres telt het antwoord met de laatste datum "
        + "(bij dezelfde datum de onderste rij), in het bestand en tegenover wat al is vastgelegd; de samenvatting noemt welke rij welke vervangt. "
        + "Vóór het versturen (ook bij --dry-run) controleert de dienst elke rij met zijn eigen regels zonder iets op te slaan: "
        + "een datum in de toekomst of vóór het voorstel aan de huurders, een ouder antwoord dan het opgeslagen, meer adressen dan huurwoningen. "
        + "Staat een adres in het ledenregister met huisletter en toevoeging andersom (14-H tegenover 14H: volgens de BAG twee adressen), "
        + "dan meldt de import dat, met beide adressen. Een werkmap van warmte export consent wordt gelezen op het blad met de naam van het complex. "
        + Formats,
        [Project, Complex, File], [DryRun, SkipInvalid],
        ["warmte import consent wg-terrein stadgenoot-a akkoordverklaringen.xls --dry-run"],
        RunConsent);

    private static readonly ArgumentSpec Kind = new("soort", "members, ballots, consent, budget of tranches");
    private static readonly OptionSpec Out = new("out", "bestand", "Het .xlsx-bestand dat geschreven wordt (verplicht)");

    public static readonly CommandSpec Template = new(
        "template",
        "Leeg, gedocumenteerd importsjabloon schrijven (zonder de dienst)",
        "Schrijft een .xlsx met de kopregel die warmte import zoekt (verplichte kolommen vet) en een blad Toelichting met "
        + "per kolom wat erin hoort en welke kopjes ook herkend worden. Ingevuld leest het zonder fouten in.",
        [Kind], [Out],
        ["warmte template members --out leden.xlsx", "warmte template consent --out akkoordverklaringen.xlsx", "warmte template budget --out begroting.xlsx"],
        RunTemplate) { Offline = true };

    private static Task<int> RunTemplate(CommandContext context)
    {
        var kind = context.Argument(0).ToLowerInvariant();
        if (!Templates.All.TryGetValue(kind, out var template))
            throw new UsageException($"'{Tokens.Shorten(kind)}' is geen sjabloon; kies {string.Join(", ", Templates.All.Keys.Order())}.", context.Invocation.Command);
        var path = Commands.Required(context, Out);
        if (!path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--out '{Tokens.Shorten(path)}' moet op .xlsx eindigen.", context.Invocation.Command);
        using (var file = System.IO.File.Create(path)) Templates.Write(template, file);
        context.Out.WriteLine($"Sjabloon '{template.Title}' geschreven naar {path}. Vul het in en lees het in met warmte import {kind} ….");
        return Task.FromResult(WarmteCli.Ok);
    }

    internal static ImportResult<T> Read<T>(CommandContext context, int fileArgument, Func<ImmutableArray<Sheet>, ImportResult<T>> import)
    {
        var path = context.Argument(fileArgument);
        var limits = ImportLimits.FromEnvironment();
        if (!limits.IsOk) throw new InputException($"{limits.Refusal!.Errors[0].Field}: {limits.Refusal.Errors[0].Reason}");
        var sheets = SheetReader.Read(path, limits.Value);
        if (!sheets.IsOk) throw new InputException($"{sheets.Refusal!.Errors[0].Reason}");
        return import(sheets.Value!);
    }

    /// <summary>
    /// Shows mapping and problems; returns whether to go on and send. A dry run lists the rows it
    /// would import: all of them with <paramref name="allRows"/> (members, consent, ballots), otherwise the first five.
    /// </summary>
    /// <param name="countsAfterSending">When the rows will be sent: leave the counts to the caller, who prints them with
    /// <see cref="Counts"/> once the service has answered (the member import: rows about erased members are only known
    /// then, so the real run counts them as the dry run does; tester T8.2).</param>
    internal static bool Report<T>(CommandContext context, ImportResult<T> result, Func<T, string> describe, string? note = null, bool allRows = false,
        IReadOnlySet<int>? alreadyStored = null, bool countsAfterSending = false, IReadOnlySet<int>? replaced = null)
    {
        var output = context.Json ? context.Err : context.Out;
        // Only the header row is wrong (a required column missing): no row was read, so there are no good or bad rows to
        // count or to leave out, only the header to fix (tester6 T14f: "0 foute rijen" then "De foute rijen hierboven …").
        var headerOnly = result.Mapping is { } header && !result.IsClean && result.BadRows == 0 && result.Rows.IsEmpty
                         && result.Problems.All(p => p.Row == header.HeaderRow);
        var fixHeader = $"los eerst {(result.Problems.Length == 1 ? "de melding" : "de meldingen")} over de kopregel hierboven op.";
        var sending = !context.Invocation.Flag(DryRun) && result.Mapping is not null && !(result.Rows.IsEmpty && result.IsClean)
                      && (result.IsClean || context.Invocation.Flag(SkipInvalid));
        if (result.Mapping is { } mapping)
        {
            output.WriteLine($"Blad '{mapping.Sheet.Name}', kopregel op rij {mapping.HeaderRow}:");
            foreach (var (field, column) in mapping.Columns.OrderBy(c => c.Value.Index))
                output.WriteLine($"  kolom {HeaderMapping.Letter(column.Index)} \"{column.Header}\" → {mapping.Label(field)}");
            if (!(countsAfterSending && sending) && !headerOnly) Counts(output, result);
            if (note is not null) output.WriteLine(note);
        }
        // Values read in that look wrong (tester6 T7): the same lines in the dry run and before sending.
        var goodRows = result.Rows.Select(r => r.Row).ToHashSet();
        foreach (var warning in result.Warnings.Where(w => goodRows.Contains(w.Row))) output.WriteLine("Let op: " + warning);
        foreach (var problem in result.Problems) context.Err.WriteLine(problem.ToString());
        if (context.Invocation.Flag(DryRun))
        {
            // Rows the service already holds as they are change nothing: said apart, not as rows to read in (tester T8.10).
            var stored = alreadyStored ?? new HashSet<int>();
            var toRead = result.Rows.Where(r => !stored.Contains(r.Row) && replaced?.Contains(r.Row) != true).ToList();
            output.WriteLine(toRead.Count == 0 ? (result.Rows.IsEmpty ? "Geen rijen om in te lezen." : "Geen nieuwe rijen om in te lezen.")
                : allRows ? "Deze rijen zouden worden ingelezen:" : "Eerste rijen:");
            foreach (var row in allRows ? toRead : toRead.Take(5)) output.WriteLine($"  rij {row.Row}: {describe(row.Item)}");
            if (result.Rows.Where(r => stored.Contains(r.Row)).ToList() is { Count: > 0 } already)
            {
                output.WriteLine("Deze rijen staan er al precies zo in (er verandert niets):");
                foreach (var row in already) output.WriteLine($"  rij {row.Row}: {describe(row.Item)}");
            }
            if (result.Mapping is null)
                output.WriteLine("Er valt niets in te lezen: los eerst de melding hierboven op.");
            else if (headerOnly)
                output.WriteLine("Er valt niets in te lezen: " + fixHeader);
            else if (!result.IsClean)
                output.WriteLine(context.Invocation.Command.Options.Contains(SkipInvalid)
                    ? "De foute rijen hierboven worden niet ingelezen; zonder --skip-invalid wordt bij een foute rij niets ingelezen."
                    : "De foute rijen hierboven worden niet ingelezen.");
            output.WriteLine("Proefrun: er is niets verstuurd.");
            return false;
        }
        if (result.Mapping is not null && result.Rows.IsEmpty && result.IsClean)
        {
            context.Err.WriteLine("Het bestand heeft een kopregel maar geen ingevulde rijen; er is niets verstuurd.");
            return false;
        }
        if (headerOnly)
        {
            context.Err.WriteLine("Er is niets verstuurd: " + fixHeader);
            return false;
        }
        if (result.Mapping is null || (!result.IsClean && !context.Invocation.Flag(SkipInvalid)))
        {
            context.Err.WriteLine("Er is niets verstuurd. Verbeter de rijen hierboven, of gebruik --skip-invalid om alleen de goede rijen te versturen.");
            return false;
        }
        return true;
    }

    /// <summary>0 when every row was good (also for a dry run), 1 when rows were bad or nothing could be sent.</summary>
    internal static int Finish<T>(CommandContext context, ImportResult<T> result, bool sent) =>
        result.IsClean && result.Mapping is not null && (sent || (context.Invocation.Flag(DryRun) && !result.Rows.IsEmpty))
            ? WarmteCli.Ok
            : WarmteCli.BadInput;

    /// <summary>
    /// The service's field problems ("errors": {"members[3].postcode": [...]}) as (field path, reason);
    /// a refusal without field problems as one reason with an empty path.
    /// </summary>
    internal static List<(string Field, string Reason)> FieldErrors(ApiResponse response)
    {
        using var document = response.TryParse();
        if (document is null) return [("", $"HTTP {response.StatusCode}")];
        var root = document.RootElement;
        var list = new List<(string, string)>();
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            foreach (var field in errors.EnumerateObject())
                foreach (var reason in field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray() : Enumerable.Empty<JsonElement>())
                    list.Add((field.Name, reason.GetString() ?? ""));
        if (list.Count == 0) list.Add(("", root.ValueKind == JsonValueKind.Object ? root.Str("detail") ?? $"HTTP {response.StatusCode}" : $"HTTP {response.StatusCode}"));
        return list;
    }

    /// <summary>A bulk request the service refused (all or nothing): each problem on its row and column; nothing was stored.</summary>
    private static int ServiceRefused<T>(CommandContext context, ImportResult<T> result, ApiException refusal)
    {
        foreach (var problem in ServiceProblems.Map(result.Mapping!, FieldErrors(refusal.Response), i => i < result.Rows.Length ? [result.Rows[i].Row] : []).OrderBy(p => p.Row))
            context.Err.WriteLine(problem.ToString());
        context.Err.WriteLine("Er is niets opgeslagen: de dienst weigerde de rijen hierboven. Verbeter ze, of laat ze weg en lees opnieuw in.");
        return WarmteCli.BadInput;
    }

    /// <summary>"5 goede rijen, 0 foute rijen, 1 overgeslagen rij." with the skipped rows under it: the same line in dry run and real run.</summary>
    internal static void Counts<T>(TextWriter output, ImportResult<T> result)
    {
        output.WriteLine($"{Nl.Count(result.Rows.Length, "goede rij", "goede rijen")}, {Nl.Count(result.BadRows, "foute rij", "foute rijen")}"
            + (result.Skipped.IsEmpty ? "." : $", {Nl.Count(result.Skipped.Length, "overgeslagen rij", "overgeslagen rijen")}."));
        foreach (var skipped in result.Skipped) output.WriteLine("  " + skipped);
    }

    private static async Task<int> RunMembers(CommandContext context)
    {
        var joinedOn = Commands.ParseDate(context.Option(JoinedOn), JoinedOn, context.Invocation.Command);
        if (joinedOn is { } future && future > context.Today())
            throw new UsageException($"--joined-on {Nl.Date(future)} ligt in de toekomst; geef de datum waarop de leden lid werden.", context.Invocation.Command);
        var (foundedOn, projectWeq) = await CooperativeFactsAsync(context, context.Argument(0));
        var result = Read(context, 1, sheets => Imports.Members(sheets, context.Today(), joinedOn, foundedOn, projectWeq));
        var note = joinedOn is { } all && result.Mapping is { } m0
            ? m0.Columns.ContainsKey("joinedOn")
                ? $"Lid sinds: uit de kolom; rijen zonder datum krijgen {Nl.Date(all)} (--joined-on)."
                : $"Lid sinds: {Nl.Date(all)} voor elke rij (--joined-on; het bestand heeft geen kolom Lid sinds)."
            : null;
        var membersPath = $"/api/cooperatives/{ApiClient.Segment(context.Argument(0))}/members";
        // The dry run lets the service check the good rows against the stored register without storing anything
        // (review F1, tester A5): rows about erased members are listed as skipped, and what would change is counted.
        if (context.Invocation.Flag(DryRun) && result.Mapping is { } checkedMapping && !result.Rows.IsEmpty)
        {
            var checkedRows = result.Rows;
            try
            {
                ApiResponse check;
                using (Progress.Start(context.Err, $"{Nl.Count(checkedRows.Length, "lid", "leden")} laten controleren door de dienst…"))
                    check = await context.Api.PostJsonAsync(membersPath, MembersBody(checkedRows, joinedOn, dryRun: true));
                using var answer = Commands.Parse(check);
                var a = answer.RootElement;
                result = WithoutErased(result, checkedRows, a)
                    .WithProblems(ServiceProblems.Map(checkedMapping, Skipped(a), RowsOf(checkedRows)));
                var counted = $"De dienst zou vastleggen: {a.Int("created")} nieuw, {a.Int("updated")} bijgewerkt, {a.Int("unchanged")} ongewijzigd.";
                note = note is null ? counted : note + Environment.NewLine + counted;
            }
            catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 409)
            {
                result = result.WithProblems(ServiceProblems.Map(checkedMapping, FieldErrors(refusal.Response), RowsOf(checkedRows)));
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or TaskCanceledException or UnexpectedAnswerException or JsonException)
            {
                // Not reachable, or this token may not write the register: the file's own check still stands.
                var unchecked_ = $"De dienst kon de rijen niet tegen het ledenregister controleren ({(e is ApiException api ? $"HTTP {api.Response.StatusCode}" : e.Message)}); "
                                 + "gewiste leden worden bij het versturen overgeslagen.";
                note = note is null ? unchecked_ : note + Environment.NewLine + unchecked_;
            }
        }
        if (!Report(context, result, m => DescribeMember(m, joinedOn), note, allRows: true, countsAfterSending: true))
            return Finish(context, result, sent: false);
        // --skip-invalid as the consent import does it: the service is asked to store the good rows only (skipInvalid),
        // so a row the service refuses where the file's check did not (its date is the service's, not this computer's;
        // a founding date changed meanwhile) is listed on its row and column instead of refusing every row.
        var body = MembersBody(result.Rows, joinedOn, dryRun: false, skipInvalid: context.Invocation.Flag(SkipInvalid));
        ApiResponse response;
        try
        {
            using (Progress.Start(context.Err, $"{Nl.Count(result.Rows.Length, "lid", "leden")} versturen; de dienst controleert en bewaart…"))
                response = await context.Api.PostJsonAsync(membersPath, body);
        }
        catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 409)
        {
            Counts(context.Json ? context.Err : context.Out, result);
            return ServiceRefused(context, result, refusal);
        }
        using var document = Commands.Parse(response);
        var r = document.RootElement;
        if (context.Json) Counts(context.Err, WithoutErased(result, result.Rows, r));
        var left = ServiceProblems.Map(result.Mapping!, Skipped(r), RowsOf(result.Rows)).ToList();
        foreach (var problem in left) context.Err.WriteLine(problem.ToString());
        result = result.WithProblems(left);
        if (context.Json) context.Out.WriteLine(JsonRead.Pretty(document));
        else
        {
            // Rows about erased members are left as they were by the service (review F1): each named on its row, and counted
            // as skipped rows as the dry run counts them (tester T8.2: not "6 goede rijen" here and "5 goede rijen, 1 overgeslagen" there).
            var withoutErased = WithoutErased(result, result.Rows, r);
            var erased = withoutErased.Skipped.Except(result.Skipped).ToList();
            Counts(context.Out, withoutErased);
            context.Out.WriteLine($"Ledenregister bijgewerkt: {r.Int("created")} nieuw, {r.Int("updated")} bijgewerkt, {r.Int("unchanged")} ongewijzigd"
                                  + (erased.Count == 0 ? "." : $"; {Nl.Count(erased.Count, "gewist lid", "gewiste leden")} overgeslagen (AVG)."));
            if (!result.IsClean)
                context.Out.WriteLine($"{Nl.Count(withoutErased.Rows.Length, "goede rij", "goede rijen")} ingelezen; "
                                      + $"{Nl.Count(result.BadRows, "foute rij", "foute rijen")} niet ingelezen (--skip-invalid; de meldingen staan hierboven).");
        }
        return Finish(context, result, sent: true);
    }

    private static string MembersBody(ImmutableArray<ImportedRow<Members.MemberInput>> rows, NodaTime.LocalDate? joinedOn, bool dryRun, bool skipInvalid = false) =>
        JsonSerializer.Serialize(new
        {
            members = rows.Select(r => r.Item),
            joinedOn,
            skipInvalid = dryRun || skipInvalid ? true : (bool?)null,
            dryRun = dryRun ? true : (bool?)null,
        }, WarmteJson.Default);

    private static readonly System.Text.RegularExpressions.Regex MemberIndex = new(@"^members\[(\d+)\]");

    /// <summary>
    /// The result without the rows the service named under "erased" (members whose name and address were erased, AVG):
    /// those move to the skipped rows, "rij 5: overgeslagen, lid Z-004 is gewist op 06-12-2026 (AVG); …".
    /// </summary>
    private static ImportResult<Members.MemberInput> WithoutErased(ImportResult<Members.MemberInput> result,
        ImmutableArray<ImportedRow<Members.MemberInput>> sent, JsonElement answer)
    {
        var lines = new Dictionary<int, string>();
        foreach (var e in answer.Items("erased"))
            if (MemberIndex.Match(e.Str("field") ?? "") is { Success: true } m && int.TryParse(m.Groups[1].Value, out var i) && i < sent.Length)
                lines[sent[i].Row] = $"rij {sent[i].Row}: overgeslagen, {e.Str("reason")}";
        if (lines.Count == 0) return result;
        return result with
        {
            Rows = [.. result.Rows.Where(r => !lines.ContainsKey(r.Row))],
            Skipped = [.. result.Skipped, .. lines.OrderBy(l => l.Key).Select(l => l.Value)],
        };
    }

    /// <summary>
    /// The cooperative's founding date, so that the file's check (the dry run too) refuses a join date before it, as the
    /// service does; and the woningequivalenten of its projects together, so that a member counting more is warned about.
    /// Null when the service cannot say (not reachable, unknown cooperative): the service checks on sending.
    /// </summary>
    private static async Task<(NodaTime.LocalDate? FoundedOn, decimal? ProjectWoningequivalenten)> CooperativeFactsAsync(CommandContext context, string cooperative)
    {
        try
        {
            using var document = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{ApiClient.Segment(cooperative)}"));
            var root = document.RootElement;
            var foundedOn = root.TryGetProperty("cooperative", out var c) && c.TryGetProperty("foundedOn", out var f)
                && f.ValueKind == JsonValueKind.String && NodaTime.Text.LocalDatePattern.Iso.Parse(f.GetString()!) is { Success: true } parsed
                ? parsed.Value : (NodaTime.LocalDate?)null;
            var projects = root.Items("projects").ToList();
            decimal? weq = projects.Count == 0 ? null : projects.Sum(p => p.Dec("woningequivalenten") ?? 0m);
            return (foundedOn, weq);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or TaskCanceledException or UnexpectedAnswerException or JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>A member row of the dry run: "L-1 Jan (huurder), 1053 AB 14-H, 2,5 WEQ, lid sinds 01-01-2020".</summary>
    private static string DescribeMember(Members.MemberInput m, NodaTime.LocalDate? joinedOn)
    {
        var joined = m.JoinedOn ?? joinedOn;
        // The category as the register will store it ("eigenaar" is stored as eigenaar-bewoner; tester T10e).
        var category = Warmte.Members.MemberRules.TryParseCategory(m.Category, out var parsed) ? DecisionCommands.Category(parsed.ToString()) : m.Category?.Trim().ToLowerInvariant();
        return $"{m.Number} {m.Name} ({category}), {m.Postcode} {House(m.Huisnummer, m.Huisletter, m.Toevoeging)}, "
               + $"{Nl.Number(m.Woningequivalenten ?? 1, 2)} WEQ, lid sinds {(joined is { } j ? Nl.Date(j) : Nl.None)}"
               + (m.JoinedOn is null && joinedOn is not null ? " (--joined-on)" : "")
               // What else the row sets, so a file that only adds e-mail addresses shows what it changes (tester5 T10g).
               + (m.LeftOn is { } left ? $", uitgeschreven per {Nl.Date(left)}" : "")
               + (m.EligibleToVote is false ? ", niet stemgerechtigd" : "")
               + (string.IsNullOrWhiteSpace(m.Email) ? "" : $", e-mail {m.Email.Trim()}")
               + (string.IsNullOrWhiteSpace(m.Street) ? "" : $", straat {m.Street.Trim()}")
               + (string.IsNullOrWhiteSpace(m.Town) ? "" : $", woonplaats {m.Town.Trim()}");
    }

    private static string House(int? number, string? letter, string? addition) =>
        number is { } n ? new Members.HouseNumber(n, letter, addition).ToString() : Nl.None;

    private static async Task<int> RunConsent(CommandContext context)
    {
        // A workbook with a sheet per complex (warmte export consent) is read at the sheet named after this complex.
        var result = Read(context, 2, sheets => Imports.Consent(Imports.SheetOf(sheets, context.Argument(1))));
        result = Imports.WarnLetterOrAddition(result, await MemberAddressesAsync(context, context.Argument(0)));
        var path = $"/api/projects/{ApiClient.Segment(context.Argument(0))}/consent/complexes/{ApiClient.Segment(context.Argument(1))}/declarations";
        // The rules about the complex and its stored answers live in the service (a date in the future or before the
        // proposal, an older answer than the stored one, more addresses than rented homes).
        (int? Exit, ImportResult<TenantConsent.DeclarationInput> Result, JsonDocument? Answer, List<ImportProblem> Late) sent;
        try
        {
            sent = await CheckAndSendAsync(context, result, path, DeclarationsBody, result.Mapping is { } m ? ConsentColumnOf(m) : null, ("antwoord", "antwoorden"),
                d => $"{d.Postcode} {House(d.Huisnummer, d.Huisletter, d.Toevoeging)}: {d.Response} op {(d.On is { } on ? Nl.Date(on) : Nl.None)}");
        }
        catch (ApiException unknown) when (unknown.Response.StatusCode == 404 && IsUnknownComplex(unknown.Response))
        {
            // Tester9a T7: "Complex 'wagenaar-9' bestaat niet." said nothing about how to make one.
            throw new ApiException(unknown.Response)
            {
                Hint = $"Leg het complex eerst vast met: warmte consent complex {context.Argument(0)} {context.Argument(1)} "
                       + "--name \"<naam>\" --corporation <corporatie> --rented-homes <aantal>",
            };
        }
        if (sent.Exit is { } exit) return exit;
        result = sent.Result;
        using var document = sent.Answer!;
        if (context.Json) context.Out.WriteLine(JsonRead.Pretty(document));
        else
        {
            var complex = document.RootElement.Items("complexes").FirstOrDefault(c => c.Str("id") == context.Argument(1));
            context.Out.WriteLine($"Antwoorden vastgelegd: {complex.Int("agreed")} akkoord, {complex.Int("refused")} geweigerd, "
                                  + $"{complex.Int("noResponse")} zonder antwoord van {complex.Int("rentedHomes")} huurwoningen.");
            // Rows replaced by a later answer of the same address are read but not stored (tester T10e: "6 goede rijen
            // ingelezen" when 4 answers were stored): said with the count of answers that were.
            var replaced = document.RootElement.TryGetProperty("superseded", out var pairs) && pairs.ValueKind == JsonValueKind.Array ? pairs.GetArrayLength() : 0;
            if (!result.IsClean)
                context.Out.WriteLine($"{Nl.Count(result.Rows.Length, "goede rij", "goede rijen")} ingelezen"
                                      + (replaced == 0 ? "" : $" ({Nl.Number(replaced)} vervangen door een latere rij van hetzelfde adres: {Nl.Count(result.Rows.Length - replaced, "antwoord", "antwoorden")} vastgelegd)")
                                      + $"; {Nl.Count(result.BadRows, "foute rij", "foute rijen")} niet ingelezen (--skip-invalid; de meldingen staan hierboven).");
        }
        return Finish(context, result, sent: true);
    }

    /// <summary>
    /// The addresses in the member register of the project's cooperative, for the warning about a huisletter written as a
    /// toevoeging or the other way round (tester9a T13). Empty when the service cannot say (not reachable, a token that may not
    /// see members' addresses): the warning is help, not a check the import depends on.
    /// </summary>
    private static async Task<List<(string Number, Members.DutchAddress Address)>> MemberAddressesAsync(CommandContext context, string project)
    {
        var found = new List<(string, Members.DutchAddress)>();
        try
        {
            using var projectDocument = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}"));
            if (projectDocument.RootElement.Str("cooperativeId") is not { } cooperative) return found;
            using var members = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{ApiClient.Segment(cooperative)}/members"));
            if (members.RootElement.ValueKind != JsonValueKind.Array) return found;
            foreach (var m in members.RootElement.EnumerateArray())
                if (m.Str("number") is { } number && m.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.Object
                    && a.Str("postcode") is { } postcode && a.Int("huisnummer") is { } huisnummer)
                    found.Add((number, new Members.DutchAddress(postcode, huisnummer, a.Str("toevoeging"), a.Str("huisletter"))));
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or TaskCanceledException or UnexpectedAnswerException or JsonException) { }
        return found;
    }

    /// <summary>
    /// One flow for the imports whose rows only the service can judge in full (consent answers, ballots): it checks the
    /// rows the file reads cleanly without storing anything (dryRun), so the dry run, the summary and --skip-invalid say
    /// what the service will do, in its words, on the row and column each problem came from; then the rows are sent
    /// (with --skip-invalid only the good ones are stored), and what changed since the check (another import in
    /// between) is listed. Either an exit code (nothing sent) or the service's answer and the result with its problems.
    /// </summary>
    private static async Task<(int? Exit, ImportResult<T> Result, JsonDocument? Answer, List<ImportProblem> Late)> CheckAndSendAsync<T>(
        CommandContext context, ImportResult<T> result, string path, Func<ImmutableArray<ImportedRow<T>>, bool, bool, string> body,
        Func<string, string?>? columnOf, (string One, string Many) noun, Func<T, string> describe)
    {
        var refusedAsWhole = false;
        var alreadyStored = new HashSet<int>();
        var replaced = new SortedDictionary<int, ImportedRow<T>>(); // row → the later row of the same address that replaces it
        if (result.Mapping is { } mapping && !result.Rows.IsEmpty)
        {
            var checkedRows = result.Rows;
            try
            {
                ApiResponse check;
                using (Progress.Start(context.Err, $"{Nl.Count(checkedRows.Length, noun.One, noun.Many)} laten controleren door de dienst…"))
                    check = await context.Api.PostJsonAsync(path, body(checkedRows, true, true));
                using var answer = Commands.Parse(check);
                result = result.WithProblems(ServiceProblems.Map(mapping, Skipped(answer.RootElement), RowsOf(checkedRows), columnOf));
                if (answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty("alreadyStored", out var stored) && stored.ValueKind == JsonValueKind.Array)
                    foreach (var i in stored.EnumerateArray())
                        if (i.TryGetInt32(out var index) && index >= 0 && index < checkedRows.Length) alreadyStored.Add(checkedRows[index].Row);
                // Consent: an address twice in the file is two answers; the later one (by date) replaces the earlier (tester T2).
                if (answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty("superseded", out var superseded) && superseded.ValueKind == JsonValueKind.Array)
                    foreach (var pair in superseded.EnumerateArray())
                        if (pair.Int("index") is { } index && pair.Int("by") is { } by && index >= 0 && index < checkedRows.Length && by >= 0 && by < checkedRows.Length)
                            replaced[checkedRows[index].Row] = checkedRows[by];
            }
            catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 409)
            {
                // Wrong as a whole (too many rows, answers removed after the retention period): on the header row.
                refusedAsWhole = true;
                result = result.WithProblems(ServiceProblems.Map(mapping, FieldErrors(refusal.Response), RowsOf(checkedRows), columnOf));
            }
        }
        var replacedNote = replaced.Count == 0 ? null : string.Join(Environment.NewLine, replaced.Select(r =>
        {
            var earlier = result.Rows.First(x => x.Row == r.Key);
            return $"Rij {r.Key} ({describe(earlier.Item)}) wordt vervangen door rij {r.Value.Row} ({describe(r.Value.Item)}): "
                   + "van een adres telt het laatste antwoord.";
        }));
        if (!Report(context, result, describe, replacedNote, allRows: true, alreadyStored: alreadyStored, replaced: replaced.Keys.ToHashSet()))
            return (Finish(context, result, sent: false), result, null, []);
        if (refusedAsWhole || result.Rows.IsEmpty)
        {
            context.Err.WriteLine(refusedAsWhole
                ? "Er is niets verstuurd: de dienst weigert het bestand als geheel (zie hierboven)."
                : "Er is niets verstuurd: geen enkele rij is goed.");
            return (WarmteCli.BadInput, result, null, []);
        }
        ApiResponse response;
        try
        {
            using (Progress.Start(context.Err, $"{Nl.Count(result.Rows.Length, noun.One, noun.Many)} versturen; de dienst controleert en bewaart…"))
                response = await context.Api.PostJsonAsync(path, body(result.Rows, context.Invocation.Flag(SkipInvalid), false));
        }
        catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 409)
        {
            return (ServiceRefused(context, result, refusal), result, null, []);
        }
        var document = Commands.Parse(response);
        var late = ServiceProblems.Map(result.Mapping!, Skipped(document.RootElement), RowsOf(result.Rows), columnOf).ToList();
        foreach (var problem in late) context.Err.WriteLine(problem.ToString());
        return (null, result.WithProblems(late), document, late);
    }

    /// <summary>A 404 about the complex (not the project): the service's "Complex '…' bestaat niet."</summary>
    private static bool IsUnknownComplex(ApiResponse response)
    {
        using var problem = response.TryParse();
        return problem?.RootElement.Str("detail")?.StartsWith("Complex ", StringComparison.Ordinal) == true;
    }

    private static string DeclarationsBody(ImmutableArray<ImportedRow<TenantConsent.DeclarationInput>> rows, bool skipInvalid, bool dryRun) =>
        JsonSerializer.Serialize(new
        {
            declarations = rows.Select(r => r.Item),
            skipInvalid = skipInvalid ? true : (bool?)null,
            dryRun = dryRun ? true : (bool?)null,
        }, WarmteJson.Default);

    private static Func<int, IReadOnlyList<int>> RowsOf<T>(ImmutableArray<ImportedRow<T>> sent) => i => i < sent.Length ? [sent[i].Row] : [];

    /// <summary>The service's "skipped" problems ({field, reason}) of an answer; none when it has none.</summary>
    private static List<(string Field, string Reason)> Skipped(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("skipped", out var skipped) && skipped.ValueKind == JsonValueKind.Array
            ? [.. skipped.EnumerateArray().Select(e => (e.Str("field") ?? "", e.Str("reason") ?? ""))]
            : [];

    /// <summary>The column an API field of an answer was read from: its own, the Huisnummer column for letter and addition, or the Adres column.</summary>
    private static Func<string, string?> ConsentColumnOf(HeaderMapping mapping) => field =>
        mapping.Columns.ContainsKey(field) ? field
        : field is "huisletter" or "toevoeging" && mapping.Columns.ContainsKey("huisnummer") ? "huisnummer"
        : field is "postcode" or "huisnummer" or "huisletter" or "toevoeging" && mapping.Columns.ContainsKey("address") ? "address"
        : field;

    /// <summary>
    /// Ballots go to the service as one list (POST …/ballots/batch), which judges each row by the rules of one ballot
    /// as if the rows before it were cast (register, eligibility on the meeting date, a vote by another channel, proxy
    /// limits). The dry run and the check before sending ask it with dryRun, so they say what the service will do, on
    /// the row and column each problem came from (tester finding A20: the dry run called rows good that the service
    /// refused); without --skip-invalid nothing is stored when any row would be refused, and the list is stored in one
    /// commit, all or nothing.
    /// </summary>
    private static async Task<int> RunBallots(CommandContext context)
    {
        var result = Read(context, 3, sheets => Imports.Ballots(sheets));
        var path = $"/api/cooperatives/{ApiClient.Segment(context.Argument(0))}/alv/meetings/{ApiClient.Segment(context.Argument(1))}"
                   + $"/proposals/{ApiClient.Segment(context.Argument(2))}/ballots/batch";
        var sent = await CheckAndSendAsync(context, result, path, BallotsBody, f => f.Length == 0 ? "choice" : f, ("stem", "stemmen"),
            b => $"lid {b.MemberNumber}: {b.Choice}{(b.ProxyHolder is null ? "" : $" (volmacht {b.ProxyHolder})")}");
        if (sent.Exit is { } exit) return exit;
        result = sent.Result;
        using var document = sent.Answer!;
        var root = document.RootElement;
        var recorded = root.Int("recorded") ?? 0;
        var unchanged = root.Int("unchanged") ?? 0;
        if (context.Json)
        {
            var refused = sent.Late.Select(p => p.Row).Distinct().Count();
            context.Out.WriteLine(JsonSerializer.Serialize(new { recorded, unchanged, refused, badRows = result.BadRows }, WarmteJson.Default));
        }
        else
        {
            context.Out.WriteLine($"{Nl.Count(recorded, "stem", "stemmen")} vastgelegd, {unchanged} al aanwezig.");
            if (!result.IsClean)
                context.Out.WriteLine($"{Nl.Count(result.BadRows, "foute rij", "foute rijen")} niet ingelezen (--skip-invalid; de meldingen staan hierboven).");
        }
        return Finish(context, result, sent: true);
    }

    private static string BallotsBody(ImmutableArray<ImportedRow<Alv.CastBallot>> rows, bool skipInvalid, bool dryRun) =>
        JsonSerializer.Serialize(new
        {
            ballots = rows.Select(r => r.Item),
            skipInvalid = skipInvalid ? true : (bool?)null,
            dryRun = dryRun ? true : (bool?)null,
        }, WarmteJson.Default);
}
