using ClosedXML.Excel;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Spreadsheets.Export;

/// <summary>
/// The member register and the tenant-consent answers as spreadsheets a board can edit and import again (tester9a T8): the
/// header row is the one the import reads (<see cref="Import.Imports.MemberColumns"/>, <see cref="Import.Imports.ConsentColumns"/>),
/// in the import's column order, on row 1 so the table sorts and filters as it is. Personal data: the endpoints hand these
/// only to the cooperative's own board and admins (docs/security.md). Every cell a person typed is written as text
/// (<c>SetValue</c> of a string, column format <c>@</c>): a name like <c>=HYPERLINK(…)</c> stays text, <c>0012</c> keeps its zeros.
/// </summary>
public static class RegisterSheets
{
    /// <summary>The member columns written, as the import's labels (Adres is left out: postcode and house number have their own).</summary>
    public static readonly string[] MemberHeaders =
        [.. Import.Imports.MemberColumns.Where(c => c.Field != "address").Select(c => c.Label)];

    /// <summary>The consent columns written, as the import's labels (Adres left out).</summary>
    public static readonly string[] ConsentHeaders =
        [.. Import.Imports.ConsentColumns.Where(c => c.Field != "address").Select(c => c.Label)];

    /// <summary>A category as the register writes it and the import reads it ("eigenaar-bewoner").</summary>
    public static string Category(MemberCategory category) => category switch
    {
        MemberCategory.EigenaarBewoner => "eigenaar-bewoner",
        MemberCategory.Huurder => "huurder",
        MemberCategory.Bedrijf => "bedrijf",
        _ => "overig",
    };

    /// <summary>
    /// One row per member, in member-number order. An erased member (AVG) is written as the register shows it: number,
    /// name "(gewist)", category, woningequivalenten, dates; no address, e-mail, street or town.
    /// </summary>
    public static byte[] Members(string cooperativeName, IEnumerable<Member> members, ExportContext context)
    {
        using var workbook = XlsxFile.New();
        var sheet = workbook.AddWorksheet("Leden");
        Header(sheet, MemberHeaders);
        var row = 2;
        foreach (var m in members.OrderBy(m => m.Number, StringComparer.Ordinal))
        {
            var cells = new Dictionary<string, object?>
            {
                ["Lidnummer"] = m.Number, ["Naam"] = m.Name, ["Categorie"] = Category(m.Category), ["Woningequivalenten"] = m.Woningequivalenten,
                ["Postcode"] = m.Address?.Postcode, ["Huisnummer"] = m.Address?.Huisnummer.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Huisletter"] = m.Address?.Huisletter, ["Toevoeging"] = m.Address?.Toevoeging,
                ["Lid sinds"] = m.JoinedOn, ["Uitgeschreven"] = m.LeftOn, ["Stemgerechtigd"] = m.EligibleToVote ? "ja" : "nee",
                ["E-mail"] = m.Email, ["Straat"] = m.Street, ["Woonplaats"] = m.Town,
            };
            Write(sheet, row++, MemberHeaders, cells);
        }
        Finish(sheet, MemberHeaders, row - 1);
        Explain(workbook, context, $"Ledenregister van {cooperativeName}",
        [
            "Eén rij per lid, ook oud-leden (met de datum Uitgeschreven). De kolommen zijn die van warmte import members: "
            + "pas het blad aan en lees het weer in; wat u niet verandert, blijft zoals het is.",
            "Het huisnummer staat in de delen van de BAG: Huisnummer, Huisletter (9A: letter A) en Toevoeging (14-H: toevoeging H). "
            + "14H en 14-H zijn volgens de BAG twee verschillende adressen.",
            $"Een lid met de naam {MemberPrivacyRules.ErasedName} is gewist (AVG): naam, adres en e-mail zijn niet meer opgeslagen. "
            + "Zo'n rij wordt bij het inlezen overgeslagen.",
            "Bevat persoonsgegevens (AVG): alleen voor het bestuur. Bewaar het bestand niet langer dan nodig en deel het niet.",
        ]);
        return XlsxFile.ToBytes(workbook);
    }

    /// <summary>
    /// One sheet per complex, named after the complex id (the consent import of that complex reads the sheet with its name),
    /// one row per address with its answer and date, in address order. A complex whose answers were removed after the
    /// retention period has only its header row, and the Toelichting says so.
    /// </summary>
    public static byte[] Consent(string projectName, ConsentStatus status, ExportContext context)
    {
        using var workbook = XlsxFile.New();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Toelichting" };
        var lines = new List<string>
        {
            "Eén blad per complex, met per adres het laatste antwoord. De kolommen zijn die van warmte import consent: "
            + "lees een blad weer in met warmte import consent <project> <complex> <bestand> (het blad met de naam van het complex wordt gelezen).",
            "Adressen zonder antwoord staan er niet in; zij tellen als niet akkoord.",
        };
        foreach (var complex in status.Complexes)
        {
            var sheet = workbook.AddWorksheet(SheetFormat.SheetName(complex.Id, taken));
            Header(sheet, ConsentHeaders);
            var row = 2;
            foreach (var d in (complex.Declarations ?? []).OrderBy(d => d.Address.Postcode, StringComparer.Ordinal)
                         .ThenBy(d => d.Address.Huisnummer).ThenBy(d => d.Address.Huisletter ?? "", StringComparer.Ordinal)
                         .ThenBy(d => d.Address.Toevoeging ?? "", StringComparer.Ordinal))
            {
                var cells = new Dictionary<string, object?>
                {
                    ["Postcode"] = d.Address.Postcode, ["Huisnummer"] = d.Address.Huisnummer.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Huisletter"] = d.Address.Huisletter, ["Toevoeging"] = d.Address.Toevoeging,
                    ["Antwoord"] = d.Response == ConsentResponse.Akkoord ? "akkoord" : "geweigerd", ["Datum"] = d.On,
                };
                Write(sheet, row++, ConsentHeaders, cells);
            }
            Finish(sheet, ConsentHeaders, row - 1);
            lines.Add($"{complex.Id}: {complex.Name} ({complex.Corporation}), {complex.RentedHomes} huurwoningen; {complex.Agreed} akkoord, "
                      + $"{complex.Refused} geweigerd, {complex.NoResponse} zonder antwoord"
                      + (complex.AnswersRemovedOn is { } removed ? $". De antwoorden per adres zijn op {DutchFormat.Date(removed)} verwijderd na de bewaartermijn; alleen de aantallen zijn er nog." : "."));
        }
        if (status.Complexes.IsEmpty) lines.Add("Dit project heeft nog geen complexen.");
        lines.Add("Bevat persoonsgegevens (AVG): de antwoorden per adres zijn alleen voor het bestuur en de woningcorporatie van het complex.");
        Explain(workbook, context, $"Huurdersinstemming van {projectName}", lines);
        return XlsxFile.ToBytes(workbook);
    }

    private static void Header(IXLWorksheet sheet, string[] headers)
    {
        for (var c = 0; c < headers.Length; c++) sheet.Cell(1, c + 1).SetValue(headers[c]);
        SheetFormat.Header(sheet.Range(1, 1, 1, headers.Length));
        sheet.SheetView.FreezeRows(1);
    }

    /// <summary>Text as text (never a formula, never a guessed number or date), dates as dd-mm-jjjj date cells, numbers as numbers.</summary>
    private static void Write(IXLWorksheet sheet, int row, string[] headers, Dictionary<string, object?> cells)
    {
        for (var c = 0; c < headers.Length; c++)
        {
            var cell = sheet.Cell(row, c + 1);
            switch (cells.GetValueOrDefault(headers[c]))
            {
                case null: break;
                case NodaTime.LocalDate date: cell.SetDate(date); break;
                case decimal number: cell.SetValue(number); cell.Style.NumberFormat.Format = "General"; break;
                case string text: cell.SetValue(text); break;
            }
        }
    }

    private static void Finish(IXLWorksheet sheet, string[] headers, int lastRow)
    {
        // Text columns stay text when a board member types in them (0012, 1054 AB, 14-1), as in the import templates.
        for (var c = 0; c < headers.Length; c++)
            if (headers[c] is not ("Lid sinds" or "Uitgeschreven" or "Datum" or "Woningequivalenten"))
                sheet.Column(c + 1).Style.NumberFormat.Format = "@";
        sheet.Range(1, 1, Math.Max(lastRow, 1), headers.Length).SetAutoFilter();
        for (var c = 0; c < headers.Length; c++)
            sheet.Column(c + 1).Width = headers[c] switch { "Naam" or "E-mail" or "Straat" => 28, "Woonplaats" => 18, _ => Math.Max(12, headers[c].Length + 4) };
    }

    private static void Explain(XLWorkbook workbook, ExportContext context, string title, IReadOnlyList<string> lines)
    {
        var sheet = workbook.AddWorksheet("Toelichting");
        sheet.Cell(1, 1).SetValue(title).Style.Font.SetBold().Font.SetFontSize(12);
        sheet.Cell(2, 1).SetValue("Geëxporteerd op");
        sheet.Cell(2, 2).SetMoment(context.ExportedAt);
        if (context.ExportedBy is { } by)
        {
            sheet.Cell(3, 1).SetValue("Door");
            sheet.Cell(3, 2).SetValue(by);
        }
        for (var i = 0; i < lines.Count; i++) sheet.Cell(5 + i, 1).SetValue(lines[i]);
        sheet.Column(1).Width = 120;
        sheet.Column(2).Width = 20;
    }
}
