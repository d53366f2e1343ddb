using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Warmte.Alv;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// The imports from the spreadsheets cooperatives keep: the member list, the ballot list of an ALV,
/// and the consent answers of a complex. Each reads rows into the same inputs the API takes and
/// checks them with the same domain rules, so a file that reads cleanly is accepted by the service.
/// </summary>
public static partial class Imports
{
    // Address columns shared by the member and consent imports. A whole address in one cell
    // ("Wibautstraat 14-H", optionally ", 1091 GM Amsterdam") stands in for Huisnummer (and Postcode).
    private static readonly ColumnSpec PostcodeColumn = new("postcode", "Postcode", true, "postcode", "post code", "pc", "zip", "zip code", "postal code");
    private static readonly ColumnSpec HouseNumberColumn = new("huisnummer", "Huisnummer", true,
        "huisnummer", "huisnr", "huis nr", "huisnummer en toevoeging", "huisnummer + toevoeging", "house number", "nr", "nummer huis");
    private static readonly ColumnSpec LetterColumn = new("huisletter", "Huisletter", false, "huisletter", "letter", "house letter");
    private static readonly ColumnSpec AdditionColumn = new("toevoeging", "Toevoeging", false,
        "toevoeging", "huisnummertoevoeging", "huisnummer toevoeging", "toev", "addition", "suffix");
    private static readonly ColumnSpec AddressColumn = new("address", "Adres", false,
        "adres", "straat en huisnummer", "straat + huisnummer", "straat huisnummer", "woonadres", "adres lid", "address", "street address");

    public static readonly ImmutableArray<ColumnSpec> MemberColumns =
    [
        new("number", "Lidnummer", true, "lidnummer", "lid nr", "lidnr", "lid nummer", "lidmaatschapsnummer", "member number", "membership number", "nummer", "nr lid"),
        new("name", "Naam", true, "naam", "name", "volledige naam", "naam lid", "full name"),
        new("category", "Categorie", true, "categorie", "category", "soort lid", "soort", "type lid", "type"),
        new("woningequivalenten", "Woningequivalenten", false, "woningequivalenten", "woningequivalent", "weq", "we", "aantal weq", "dwelling equivalents"),
        PostcodeColumn, HouseNumberColumn, LetterColumn, AdditionColumn, AddressColumn,
        new("joinedOn", "Lid sinds", true, "lid sinds", "datum toetreding", "toegetreden", "ingeschreven", "inschrijfdatum", "datum lidmaatschap", "joined", "join date", "member since"),
        new("leftOn", "Uitgeschreven", false, "uitgeschreven", "datum uittreding", "uitgetreden", "opgezegd", "left", "left on"),
        new("eligibleToVote", "Stemgerechtigd", false, "stemgerechtigd", "stemrecht", "mag stemmen", "eligible", "voting rights"),
        new("email", "E-mail", false, "e-mail", "email", "e-mailadres", "emailadres", "e-mail adres", "mail", "email address"),
        // Street and town complete the postal address of the voting-code letter (tester6 T8); optional.
        new("street", "Straat", false, "straat", "straatnaam", "straat naam", "street", "street name"),
        new("town", "Woonplaats", false, "woonplaats", "plaats", "plaatsnaam", "stad", "town", "city", "place"),
    ];

    /// <summary>
    /// Reads a member list. <paramref name="joinedOn"/> (the CLI's <c>--joined-on</c>) is the join date
    /// of every row without one of its own, also when the file has no such column.
    /// </summary>
    /// <param name="foundedOn">The cooperative's founding date, when known: a join date before it is a problem of its row.</param>
    /// <param name="projectWoningequivalenten">What the cooperative's projects count together, when known: a member
    /// counting more is warned about (<see cref="MemberRules.ImplausibleWoningequivalenten"/>).</param>
    public static ImportResult<MemberInput> Members(IEnumerable<Sheet> sheets, NodaTime.LocalDate today, NodaTime.LocalDate? joinedOn = null,
        NodaTime.LocalDate? foundedOn = null, decimal? projectWoningequivalenten = null)
    {
        var warnings = new List<ImportProblem>();
        var erasedRows = new HashSet<int>();
        IReadOnlyList<ImportedRow<MemberInput>> allRows = [];
        var result = RowImport.Read(sheets, MemberColumns, c =>
        {
            var weq = Woningequivalenten(c);
            // A row as the register export writes an erased member (AVG): name "(gewist)", no address. Read without its
            // address; the service leaves an erased member as it is and names the row (MemberRules.ErasedRowReason).
            if (IsErasedRow(c))
            {
                erasedRows.Add(c.Row.Number);
                return new MemberInput
                {
                    Number = c.Text("number"), Name = c.Text("name"), Category = c.Text("category"), Woningequivalenten = weq,
                    JoinedOn = c.Date("joinedOn"), LeftOn = c.Date("leftOn"), EligibleToVote = c.YesNo("eligibleToVote"),
                };
            }
            var (postcode, house, line) = ReadAddress(c);
            // Street and town from the Adres cell when the house number came from it and the row has no Straat or
            // Woonplaats of its own; a line that also reads another way is warned about on its row (AddressLine.Parts.Doubt).
            if (house is not null && line?.Doubt is { } addressDoubt)
                warnings.Add(new ImportProblem(c.SheetName, c.Row.Number, c.ColumnName("address"), addressDoubt));
            WarnPostcodeDisagreement(c, postcode, line, warnings);
            if (weq is { } w && MemberRules.ImplausibleWoningequivalenten(w, projectWoningequivalenten, c.Raw("woningequivalenten") as string) is { } doubt)
                warnings.Add(new ImportProblem(c.SheetName, c.Row.Number, c.ColumnName("woningequivalenten"), doubt));
            return new MemberInput
            {
                Number = c.Text("number"), Name = c.Text("name"), Category = c.Text("category"),
                Woningequivalenten = weq, Postcode = postcode,
                Huisnummer = house?.Number, Huisletter = house?.Letter, Toevoeging = house?.Addition,
                JoinedOn = c.Date("joinedOn"), LeftOn = c.Date("leftOn"), EligibleToVote = c.YesNo("eligibleToVote"),
                Email = c.Text("email"), Street = c.Text("street") ?? line?.Street, Town = c.Text("town") ?? line?.Town,
            };
        },
        (_, rows) =>
        {
            allRows = rows;
            // A member number twice is judged below (identical rows read once, different ones named by column); an erased
            // member's row has no address to check: the service decides about it.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var checkedRows = rows.Where(r => !erasedRows.Contains(r.Row) && (r.Item.Number is not { } n || seen.Add(MemberRules.NormaliseNumber(n)))).ToList();
            return DomainProblems(checkedRows, MemberRules.Validate([.. checkedRows.Select(r => (MemberInput?)r.Item)], today, defaultJoinedOn: joinedOn, foundedOn: foundedOn).Refusal);
        },
        missingColumns: mapping => MissingColumns(mapping, MemberColumns, joinedOn is not null
            ? []
            : [("joinedOn", "voeg die kolom toe, of geef alle leden dezelfde datum met --joined-on JJJJ-MM-DD (bijv. --joined-on 2020-01-01)")]),
        checkEveryRow: true);
        return SameNumberTwice(result with { Warnings = [.. warnings] }, allRows);
    }

    /// <summary>
    /// The name the register shows for an erased member and no address at all: the row the register export writes for them.
    /// </summary>
    private static bool IsErasedRow(RowCells c) =>
        c.Text("name") == MemberPrivacyRules.ErasedName && c.Text("postcode") is null && c.Text("huisnummer") is null && c.Text("address") is null;

    /// <summary>
    /// A member number on more than one row (tester9a T9). Rows that say the same in every column the import read (after
    /// normalising: 1091GM is 1091 GM, HUURDER is huurder, 2,5 is 2.5) are one member copied twice: the later row is read once
    /// with the earlier, and a warning on the earlier row names both. Rows that differ are refused on the later row, naming the
    /// columns that differ, since only the board knows which is right. The consent import reads an address twice as a
    /// change of mind (the later answer counts); a member list has no such order.
    /// </summary>
    private static ImportResult<MemberInput> SameNumberTwice(ImportResult<MemberInput> result, IReadOnlyList<ImportedRow<MemberInput>> rows)
    {
        if (result.Mapping is not { } mapping) return result;
        var badRows = result.Problems.Select(p => p.Row).ToHashSet();
        var first = new Dictionary<string, ImportedRow<MemberInput>>(StringComparer.Ordinal);
        var dropped = new HashSet<int>();
        var problems = new List<ImportProblem>();
        var warnings = new List<ImportProblem>();
        foreach (var row in rows)
        {
            if (row.Item.Number is not { } raw) continue;
            var number = MemberRules.NormaliseNumber(raw);
            if (!first.TryGetValue(number, out var earlier)) { first[number] = row; continue; }
            var differing = DifferingFields(earlier.Item, row.Item);
            if (differing.Count == 0 && (!badRows.Contains(row.Row) || badRows.Contains(earlier.Row)))
            {
                // The same cells make the same problems: those are reported on the earlier row, once.
                dropped.Add(row.Row);
                warnings.Add(new ImportProblem(mapping.Sheet.Name, earlier.Row, mapping.ColumnName("number"),
                    $"rij {row.Row} is gelijk aan deze rij (lid {number}, elke kolom hetzelfde); het lid is één keer ingelezen. Haal de dubbele rij weg als u de lijst bijhoudt."));
                continue;
            }
            // A part of the address read from another column (14H in Huisnummer, the whole address in Adres) is named by that column.
            string Column(string f) => mapping.Columns.ContainsKey(f) ? f
                : f is "huisletter" or "toevoeging" && mapping.Columns.ContainsKey("huisnummer") ? "huisnummer"
                : f is "postcode" or "huisnummer" or "huisletter" or "toevoeging" or "street" or "town" && mapping.Columns.ContainsKey("address") ? "address" : f;
            var columns = differing.Select(Column).Distinct().Select(f => mapping.Columns.ContainsKey(f) ? $"kolom {mapping.ColumnName(f)}" : mapping.Label(f)).ToList();
            problems.Add(new ImportProblem(mapping.Sheet.Name, row.Row, mapping.ColumnName("number"),
                $"lidnummer {number} staat ook al in rij {earlier.Row}, met andere gegevens in {Join(columns)}; "
                + "één lid heeft één rij: maak de rijen gelijk of haal er één weg."));
        }
        if (dropped.Count == 0 && problems.Count == 0) return result;
        var newlyBad = problems.Select(p => p.Row).Where(r => !badRows.Contains(r)).ToHashSet();
        return result with
        {
            Rows = [.. result.Rows.Where(r => !dropped.Contains(r.Row) && !newlyBad.Contains(r.Row))],
            Problems = [.. result.Problems.Where(p => !dropped.Contains(p.Row)).Concat(problems).OrderBy(p => p.Row).ThenBy(p => RowImport.ColumnOrder(p.Column))],
            BadRows = result.BadRows - dropped.Count(badRows.Contains) + newlyBad.Count,
            Warnings = [.. result.Warnings.Where(w => !dropped.Contains(w.Row)).Concat(warnings).OrderBy(w => w.Row)],
        };
    }

    private static string Join(IReadOnlyList<string> parts) =>
        parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts.Take(parts.Count - 1)) + " en " + parts[^1];

    /// <summary>The import fields (column keys) in which two rows of the same member differ, after normalising.</summary>
    private static List<string> DifferingFields(MemberInput a, MemberInput b)
    {
        static string? T(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        static string? Category(string? s) => MemberRules.TryParseCategory(s, out var c) ? c.ToString() : T(s)?.ToLowerInvariant();
        var fields = new List<string>();
        if (T(a.Name) != T(b.Name)) fields.Add("name");
        if (Category(a.Category) != Category(b.Category)) fields.Add("category");
        if ((a.Woningequivalenten ?? 1) != (b.Woningequivalenten ?? 1)) fields.Add("woningequivalenten");
        if (a.Postcode != b.Postcode) fields.Add("postcode");
        if (a.Huisnummer != b.Huisnummer) fields.Add("huisnummer");
        if (a.Huisletter != b.Huisletter) fields.Add("huisletter");
        if (a.Toevoeging != b.Toevoeging) fields.Add("toevoeging");
        if (a.JoinedOn != b.JoinedOn) fields.Add("joinedOn");
        if (a.LeftOn != b.LeftOn) fields.Add("leftOn");
        if (a.EligibleToVote != b.EligibleToVote) fields.Add("eligibleToVote");
        if (!string.Equals(T(a.Email), T(b.Email), StringComparison.OrdinalIgnoreCase)) fields.Add("email");
        if (T(a.Street) != T(b.Street)) fields.Add("street");
        if (T(a.Town) != T(b.Town)) fields.Add("town");
        return fields;
    }

    /// <summary>
    /// Woningequivalenten with a decimal comma or point ("2,5", "2.5", "0,25", a number cell), at most
    /// two decimals. A lone separator with one, two or four and more digits after it is the decimal one;
    /// with exactly three ("1,255", "1.000") it could be a thousands separator too, so it is refused with
    /// both readings named rather than guessed.
    /// </summary>
    private static decimal? Woningequivalenten(RowCells c)
    {
        const string Round = "rond af op 2 decimalen (bijv. 2,5 of 0,25)";
        var raw = c.Raw("woningequivalenten");
        if (raw is string text && Cells.Text(text) is { } t && t.Count(ch => ch is ',' or '.') == 1)
        {
            var parts = t.Replace(" ", "").Split(',', '.');
            if (parts[1].Length == 3 && parts[1].All(char.IsAsciiDigit) && parts[0].TrimStart('-').All(char.IsAsciiDigit))
            {
                c.Problem("woningequivalenten", $"{t} heeft meer dan {MemberRules.WoningequivalentenDecimals} decimalen; {Round}, "
                                                + $"of schrijf een duizendtal zonder punt of komma (bijv. {parts[0]}{parts[1]}).");
                return null;
            }
            if (decimal.TryParse(parts[0] + "." + parts[1], System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                raw = parsed;
        }
        var (value, problem) = Cells.Decimal(raw);
        if (problem is not null) { c.Problem("woningequivalenten", problem); return null; }
        if (value is { } weq && decimal.Round(weq, MemberRules.WoningequivalentenDecimals) != weq)
        {
            c.Problem("woningequivalenten", $"{weq.ToString(DutchFormat.Culture)} heeft meer dan {MemberRules.WoningequivalentenDecimals} decimalen; {Round}.");
            return null;
        }
        return value;
    }

    /// <summary>
    /// The required columns the header row lacks, each with what to do. A whole-address column stands
    /// in for Huisnummer and Postcode; <paramref name="advice"/> gives the advice for a field. The join
    /// date is only reported when advice for it is given (without it, --joined-on supplies the date).
    /// </summary>
    private static IEnumerable<string> MissingColumns(HeaderMapping mapping, IReadOnlyList<ColumnSpec> specs, IReadOnlyList<(string Field, string Advice)> advice)
    {
        var hasAddress = mapping.Columns.ContainsKey("address");
        foreach (var spec in specs.Where(s => s.Required && !mapping.Columns.ContainsKey(s.Field)))
        {
            if (hasAddress && spec.Field is "huisnummer" or "postcode") continue;
            var what = advice.FirstOrDefault(a => a.Field == spec.Field).Advice;
            if (what is null && spec.Field == "joinedOn") continue; // supplied by --joined-on
            what ??= spec.Field switch
            {
                "huisnummer" => "voeg een kolom Huisnummer toe (14, 14-H, 9A …), of een kolom Adres met straat en huisnummer (Wibautstraat 14-H)",
                "postcode" => "voeg een kolom Postcode toe (1053 AB), of zet de postcode in de kolom Adres (Wibautstraat 14-H, 1091 GM Amsterdam)",
                _ => "voeg die kolom toe",
            };
            var known = string.Join(", ", spec.Synonyms.Take(4).Select(y => $"\"{y}\""));
            yield return $"kolom {spec.Label} ontbreekt in de kopregel (herkend worden o.a. {known}); {what}.";
        }
    }

    /// <summary>
    /// The Postcode column and the postcode at the end of the Adres cell say different things: the column is used, and the row is
    /// warned about with both values, so a typo in either is seen before the voting-code letter goes to the wrong address (member
    /// list) or an answer is counted for the wrong home (consent). No warning when they agree (after normalising: 1093BS is
    /// 1093 BS), or when either is missing or not a postcode (that is a problem of its own).
    /// </summary>
    private static void WarnPostcodeDisagreement(RowCells c, string? used, AddressLine.Parts? line, List<ImportProblem> warnings)
    {
        if (used is null || line?.Postcode is not { } inLine || c.Text("postcode") is not { } inColumn) return;
        if (Postcode.Normalise(inLine) is not { } fromLine || Postcode.Normalise(inColumn) is not { } fromColumn || fromLine == fromColumn) return;
        warnings.Add(new ImportProblem(c.SheetName, c.Row.Number, c.ColumnName("postcode"),
            $"'{Common.Slug.Truncate(inColumn)}' verschilt van de postcode in {c.ColumnLabel("address")} "
            + $"('{Common.Slug.Truncate(c.Text("address") ?? "")}': {fromLine}); de postcode uit de kolom Postcode ({fromColumn}) is gebruikt. "
            + "Controleer het adres en maak beide gelijk, of laat de postcode in één van beide weg; de rij wordt wel ingelezen."));
    }

    /// <summary>
    /// The address of a row, from the columns there are: Postcode, Huisnummer (which may hold the
    /// whole house number: 14-H, 9A, 14 hs), Huisletter, Toevoeging, or one Adres cell. Every problem
    /// is reported on the column it came from; the postcode is returned normalised when it is valid.
    /// <c>Line</c> is what the Adres cell said when the house number was read from it (street, town, doubt).
    /// </summary>
    private static (string? Postcode, HouseNumber? House, AddressLine.Parts? Line) ReadAddress(RowCells c)
    {
        var postcodeText = c.Text("postcode");
        string? numberText = null;
        var numberField = "huisnummer";
        var raw = c.Raw("huisnummer");
        AddressLine.Parts? fromLine = null;
        if (raw is DateTime date)
        {
            // Day and month are what was typed (16-3 became 16 March): name that number back, not a made-up example (tester6 T14d).
            c.Problem("huisnummer", $"is door het spreadsheetprogramma als datum gelezen ({date:dd-MM}); zet de kolom op Tekst en typ het huisnummer opnieuw ({date.Day}-{date.Month}).");
            c.Covered("huisletter", "toevoeging");
        }
        else if (Cells.Text(raw) is { } typed) numberText = typed;
        else if (c.Has("address") && c.Text("address") is { } line)
        {
            numberField = "address";
            fromLine = AddressLine.Read(line);
            var (part, postcodeInLine, problem) = (fromLine.HouseNumberText, fromLine.Postcode, fromLine.Problem);
            if (problem is not null) { c.Problem("address", problem); c.Covered("huisnummer", "huisletter", "toevoeging", "postcode"); }
            numberText = part;
            postcodeText ??= postcodeInLine;
        }
        else if (c.Has("huisnummer") || c.Has("address")) { c.Problem(c.Has("huisnummer") ? "huisnummer" : "address", "is leeg."); c.Covered("huisnummer"); }

        // The postcode: its own column, or the end of the Adres cell.
        string? postcode = null;
        var postcodeField = c.Has("postcode") || !c.Has("address") ? "postcode" : "address";
        if (postcodeText is null)
        {
            if (!c.ReportedFields.Contains("postcode"))
                c.Problem(postcodeField, postcodeField == "postcode" ? "is leeg."
                    : numberField == "address" && numberText is not null
                        ? $"'{Common.Slug.Truncate(c.Text("address") ?? "")}': huisnummer {numberText} gevonden maar geen postcode, en er is geen kolom Postcode; "
                          + "zet de postcode voor of achter het adres (1091 GM Wibautstraat 14-H of Wibautstraat 14-H, 1091 GM Amsterdam) of voeg een kolom Postcode toe."
                        : "bevat geen postcode en er is geen kolom Postcode (bijv. 1091 GM Wibautstraat 14-H of Wibautstraat 14-H, 1091 GM Amsterdam).");
        }
        else if (Postcode.Normalise(postcodeText) is { } normalised) postcode = normalised;
        else c.Problem(postcodeField, $"'{Common.Slug.Truncate(postcodeText)}' is geen Nederlandse postcode (bijv. 1053 AB of 1053AB).");
        c.Covered("postcode");

        if (numberText is null) return (postcode ?? postcodeText, null, fromLine);
        var (house, problems) = HouseNumber.Parse(numberText);
        foreach (var p in problems) c.Problem(numberField, numberField == "address" ? $"'{numberText}': {p}" : p);
        if (house is not { } h) { c.Covered("huisnummer", "huisletter", "toevoeging"); return (postcode ?? postcodeText, null, fromLine); }

        // Separate Huisletter / Toevoeging columns add to what the house number cell says, never contradict it.
        var letter = h.Letter;
        if (c.Text("huisletter") is { } letterText)
        {
            var given = letterText.Trim().ToUpperInvariant();
            if (letter is not null && letter != given)
                c.Problem("huisletter", $"'{letterText}' verschilt van de huisletter in {c.ColumnLabel(numberField)} ({numberText}); laat één van beide leeg.");
            letter = given;
        }
        var addition = h.Addition;
        if (c.Text("toevoeging") is { } additionText)
        {
            var given = additionText.Trim().TrimStart('-', '/').Trim().ToUpperInvariant();
            if (addition is not null && addition != given)
                c.Problem("toevoeging", $"'{additionText}' verschilt van de toevoeging in {c.ColumnLabel(numberField)} ({numberText}); laat één van beide leeg.");
            addition = given.Length == 0 ? null : given;
        }
        var (combined, partProblems) = HouseNumber.Of(h.Number, letter, addition);
        foreach (var (part, reason) in partProblems) c.Problem(c.Has(part) ? part : numberField, reason);
        c.Covered("huisnummer", "huisletter", "toevoeging");
        return (postcode ?? postcodeText, combined ?? h, fromLine);
    }

    public static readonly ImmutableArray<ColumnSpec> BallotColumns =
    [
        new("memberNumber", "Lidnummer", true, "lidnummer", "lid nr", "lidnr", "lid nummer", "member number", "nummer"),
        new("choice", "Stem", true, "stem", "keuze", "vote", "choice", "stemkeuze"),
        new("proxyHolder", "Gevolmachtigde", false, "gevolmachtigde", "volmacht aan", "volmacht", "proxy", "proxy holder"),
    ];

    public static ImportResult<CastBallot> Ballots(IEnumerable<Sheet> sheets) =>
        RowImport.Read(sheets, BallotColumns, c =>
        {
            var number = c.Text("memberNumber");
            if (number is null) c.Problem("memberNumber", "is leeg.");
            var choice = Choice(c.Text("choice"));
            if (choice is null) c.Problem("choice", c.Text("choice") is null ? "is leeg." : $"'{c.Text("choice")}' is geen stem; schrijf voor, tegen of onthouding.");
            return new CastBallot { MemberNumber = number, Choice = choice, ProxyHolder = c.Text("proxyHolder") };
        }, (_, rows) => Duplicates(rows, r => MemberRules.NormaliseNumber(r.MemberNumber!), "memberNumber", "lid {0} staat er al in op rij {1}; een lid stemt één keer."),
        missingColumns: mapping => MissingColumns(mapping, BallotColumns, []));

    /// <summary>
    /// The sheet named after the complex when the workbook has one (the consent export writes a sheet per complex, named by
    /// <see cref="Export.SheetFormat.SheetName"/>); otherwise every sheet, and the header decides as before.
    /// </summary>
    public static IEnumerable<Sheet> SheetOf(IReadOnlyList<Sheet> sheets, string complexId)
    {
        var name = Export.SheetFormat.SheetName(complexId, new HashSet<string>());
        return sheets.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)) is { } own ? [own] : sheets;
    }

    public static readonly ImmutableArray<ColumnSpec> ConsentColumns =
    [
        PostcodeColumn, HouseNumberColumn, LetterColumn, AdditionColumn, AddressColumn,
        new("response", "Antwoord", true, "antwoord", "reactie", "akkoord", "instemming", "response", "answer"),
        new("on", "Datum", true, "datum", "datum antwoord", "ontvangen", "ontvangen op", "date"),
    ];

    public static ImportResult<DeclarationInput> Consent(IEnumerable<Sheet> sheets)
    {
        var warnings = new List<ImportProblem>();
        var result = RowImport.Read(sheets, ConsentColumns, c =>
        {
            var (postcode, house, line) = ReadAddress(c);
            // The same address columns as the member list, so the same warning (tester: a corporation's export with both).
            WarnPostcodeDisagreement(c, postcode, line, warnings);
            var response = Response(c.Text("response"));
            if (response is null) c.Problem("response", c.Text("response") is null ? "is leeg." : $"'{c.Text("response")}' is geen antwoord; schrijf akkoord of geweigerd.");
            var on = c.Date("on");
            if (on is null && c.Text("on") is null) c.Problem("on", "is leeg.");
            return house is not { } h || postcode is null ? null : new DeclarationInput
            {
                Postcode = postcode, Huisnummer = h.Number, Huisletter = h.Letter, Toevoeging = h.Addition, Response = response, On = on,
            };
        },
        // No duplicate check here: an address twice is two answers, and the later one (by date) replaces the earlier.
        // The service decides that (ConsentRules.Superseded) and the import reports which row replaced which (tester T2).
        missingColumns: mapping => MissingColumns(mapping, ConsentColumns, []));
        return result with { Warnings = [.. warnings] };
    }

    /// <summary>
    /// Consent rows whose address is, in the member register, the same home written with the huisletter and toevoeging the
    /// other way round (tester9a T13): "Dapperstraat 14 H" is huisletter H (14H), the register's "14-H" is toevoeging H, and
    /// per BAG those are two addresses, so the answer would not count for the member's home. Warned about on the row's
    /// house-number column, naming both, in the dry run and the real run; the row is still read as written (only the
    /// board knows which is right). No warning when the consent address is itself a member's address.
    /// </summary>
    /// <param name="members">Member number and register address of each member with an address.</param>
    public static ImportResult<DeclarationInput> WarnLetterOrAddition(ImportResult<DeclarationInput> result, IEnumerable<(string Number, DutchAddress Address)> members)
    {
        if (result.Mapping is not { } mapping) return result;
        var byNumber = members.GroupBy(m => (m.Address.Postcode, m.Address.Huisnummer)).ToDictionary(g => g.Key, g => g.ToList());
        var column = mapping.Columns.ContainsKey("huisnummer") ? mapping.ColumnName("huisnummer") : mapping.Columns.ContainsKey("address") ? mapping.ColumnName("address") : null;
        var warnings = new List<ImportProblem>();
        foreach (var row in result.Rows)
        {
            var d = row.Item;
            if (d.Postcode is null || d.Huisnummer is not { } number || !byNumber.TryGetValue((d.Postcode, number), out var homes)) continue;
            var here = new DutchAddress(d.Postcode, number, d.Toevoeging, d.Huisletter);
            if (homes.Any(h => SameAddress(h.Address, here))) continue;
            foreach (var (member, home) in homes.Where(h => OnlyLetterAndAdditionDiffer(h.Address, here)))
                warnings.Add(new ImportProblem(mapping.Sheet.Name, row.Row, column,
                    $"{here} ({Parts(here)}) staat in het ledenregister als {home} ({Parts(home)}, lid {member}); volgens de BAG zijn dat twee "
                    + $"verschillende adressen ({here.Huisnummer}H is huisletter H, {here.Huisnummer}-H toevoeging H). Controleer welk adres klopt en "
                    + "maak de lijst of het register gelijk; de rij wordt ingelezen zoals hij er staat."));
        }
        return warnings.Count == 0 ? result : result with { Warnings = [.. result.Warnings.Concat(warnings).OrderBy(w => w.Row)] };
    }

    private static bool SameAddress(DutchAddress a, DutchAddress b) =>
        a.Postcode == b.Postcode && a.Huisnummer == b.Huisnummer
        && string.Equals(a.Huisletter ?? "", b.Huisletter ?? "", StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Toevoeging ?? "", b.Toevoeging ?? "", StringComparison.OrdinalIgnoreCase);

    /// <summary>The same postcode and number, and the same characters after the number, split otherwise into huisletter and toevoeging.</summary>
    public static bool OnlyLetterAndAdditionDiffer(DutchAddress a, DutchAddress b) =>
        a.Postcode == b.Postcode && a.Huisnummer == b.Huisnummer && !SameAddress(a, b)
        && string.Equals((a.Huisletter ?? "") + (a.Toevoeging ?? ""), (b.Huisletter ?? "") + (b.Toevoeging ?? ""), StringComparison.OrdinalIgnoreCase);

    private static string Parts(DutchAddress a) => (a.Huisletter, a.Toevoeging) switch
    {
        ({ } l, { } t) => $"huisletter {l} en toevoeging {t}",
        ({ } l, null) => $"huisletter {l}",
        (null, { } t) => $"toevoeging {t}",
        _ => "zonder huisletter of toevoeging",
    };

    private static string? Choice(string? text) => text is null ? null : HeaderMatcher.Normalise(text) switch
    {
        "voor" or "v" or "ja" or "for" or "yes" => "Voor",
        "tegen" or "t" or "nee" or "against" or "no" => "Tegen",
        "onthouding" or "onthouden" or "o" or "blanco" or "abstain" or "abstention" => "Onthouding",
        _ => null,
    };

    private static string? Response(string? text) => text is null ? null : HeaderMatcher.Normalise(text) switch
    {
        "akkoord" or "ja" or "instemming" or "stemtin" or "agree" or "yes" or "j" => "Akkoord",
        "geweigerd" or "nee" or "weigering" or "nietakkoord" or "refused" or "no" or "n" => "Geweigerd",
        _ => null,
    };

    private static IEnumerable<(int, string, string)> Duplicates<T>(IReadOnlyList<ImportedRow<T>> rows, Func<T, string> key, string field, string reason)
    {
        var first = new Dictionary<string, int>();
        foreach (var row in rows)
        {
            var k = key(row.Item);
            if (first.TryGetValue(k, out var at)) yield return (row.Row, field, string.Format(reason, k, at));
            else first[k] = row.Row;
        }
    }

    [GeneratedRegex(@"\w+\[(\d+)\]")]
    private static partial Regex IndexedItem();

    [GeneratedRegex(@"^\w+\[(\d+)\]\.?(.*)$")]
    private static partial Regex IndexedField();

    /// <summary>Maps the domain's "members[3].postcode" back to the row the item came from.</summary>
    private static IEnumerable<(int, string, string)> DomainProblems<T>(IReadOnlyList<ImportedRow<T>> rows, Common.Refusal? refusal)
    {
        if (refusal is null) yield break;
        foreach (var error in refusal.Errors)
        {
            var match = IndexedField().Match(error.Field);
            if (match.Success && int.Parse(match.Groups[1].Value) is var i && i < rows.Count)
                yield return (rows[i].Row, match.Groups[2].Value,
                    IndexedItem().Replace(error.Reason, m => int.Parse(m.Groups[1].Value) is var j && j < rows.Count ? $"rij {rows[j].Row}" : m.Value));
        }
    }
}
