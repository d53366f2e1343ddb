using System.Net;
using System.Text;
using Warmte.Common;
using Warmte.Spreadsheets.Export;

namespace Warmte.Voting;

/// <summary>
/// The codes as the board hands them out: printable letters (HTML, one per page); the mail-merge
/// sheet is <see cref="Spreadsheets.Export.VotingCodeSheet"/>. The link carries the code after '#': browsers never send that part to a server,
/// so the code does not end up in access logs or Referer headers.
/// </summary>
public static class CodeLetters
{
    /// <summary>"https://warmte.example/stem#7KQ3-M9XD-2HTB-R4VN".</summary>
    public static string Link(string baseUrl, string code) => $"{baseUrl.TrimEnd('/')}/stem#{code}";

    /// <summary>One Dutch letter per member, each on its own printed page.</summary>
    public static string Letters(IssuedCodes issued, string baseUrl)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Stemcodes ")
            .Append(E(issued.MeetingTitle)).Append("</title><style>")
            .Append("body{font-family:Georgia,serif;color:#111;margin:0}")
            .Append(".brief{max-width:40rem;margin:2rem auto;padding:2rem;line-height:1.5}")
            // The address block sits where a window envelope (DIN C5/6, left) shows it; without a full address it is a marked empty box.
            .Append(".adres{min-height:6.5em;margin-bottom:1.5rem}")
            .Append(".adres.onvolledig{border:2px dashed #b00;padding:.5rem}")
            .Append(".adres .invullen{display:inline-block;min-width:14em;border-bottom:1px solid #111}")
            .Append(".adres .let-op{color:#b00;font-family:sans-serif;font-size:.8rem;margin:.25rem 0 0}")
            .Append(".code{font-family:'DejaVu Sans Mono',monospace;font-size:1.6rem;letter-spacing:.1em;border:2px solid #111;padding:.5rem 1rem;display:inline-block}")
            .Append("@media print{.brief{margin:0;padding:2cm;page-break-after:always;break-after:page}.brief:last-child{page-break-after:auto;break-after:auto}}")
            .Append("</style></head><body>");
        foreach (var code in issued.Codes)
        {
            var link = Link(baseUrl, code.Code);
            html.Append("<section class=\"brief\">")
                .Append(AddressBlock(code))
                .Append("<p>Lidnummer ").Append(E(code.MemberNumber)).Append("</p>")
                .Append("<h1>Uw stemcode voor de ").Append(E(issued.MeetingTitle)).Append("</h1>")
                .Append("<p>Beste ").Append(E(code.Name)).Append(",</p>")
                .Append("<p>Op ").Append(E(DutchFormat.Date(issued.MeetingDate))).Append(" houdt ").Append(E(issued.CooperativeName))
                .Append(" haar algemene ledenvergadering. U kunt vanaf ").Append(E(DutchFormat.Date(issued.Opens)))
                .Append(" tot en met de vergadering online stemmen over de voorstellen. Dat kan één keer per voorstel; ")
                .Append("stemt u online, dan telt die stem, ook als u daarna naar de vergadering komt.</p>")
                .Append("<p>Uw persoonlijke stemcode:</p><p class=\"code\">").Append(E(code.Code)).Append("</p>")
                .Append("<p>Ga naar <strong>").Append(E(link)).Append("</strong>, of ga naar ")
                .Append(E(baseUrl.TrimEnd('/') + "/stem")).Append(" en typ de code over (hoofdletters, streepjes en spaties maken niet uit).</p>")
                .Append("<p>Na uw stem krijgt u een ontvangstcode. Bewaar die: na de vergadering kunt u daarmee controleren dat uw stem is meegeteld.</p>")
                .Append("<p>Deel deze code met niemand. Krijgt u een nieuwe brief, dan werkt alleen de nieuwste code.</p>")
                .Append("<p>Met vriendelijke groet,<br>het bestuur van ").Append(E(issued.CooperativeName)).Append("</p>")
                .Append("</section>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>
    /// The letter's address block, in the Dutch postal order: name; street and house number; postcode, two spaces, town in capitals.
    /// Without street or town (the register has only postcode and house number unless the board adds them) the block is a dashed box
    /// with what is known, an empty line for each missing part and a note, so the board fills it in before posting (tester6 T8).
    /// </summary>
    public static string AddressBlock(IssuedCode code)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        const string Blank = "<span class=\"invullen\">&nbsp;</span>";
        var house = code.Home?.HouseNumberText;
        var postcode = code.Home?.Postcode;
        var html = new StringBuilder();
        html.Append(code.HasPostalAddress ? "<div class=\"adres\">" : "<div class=\"adres onvolledig\">").Append(E(code.Name)).Append("<br>");
        html.Append(string.IsNullOrEmpty(code.Street) ? Blank : E(code.Street)).Append(house is null ? "" : " " + E(house)).Append("<br>");
        html.Append(postcode is null ? Blank : E(postcode)).Append("&nbsp;&nbsp;")
            .Append(string.IsNullOrEmpty(code.Town) ? Blank : E(code.Town.ToUpper(DutchFormat.Culture)));
        if (!code.HasPostalAddress)
        {
            var missing = MissingParts(code);
            html.Append("<p class=\"let-op\">Adres onvolledig in het ledenregister (").Append(E(missing))
                .Append(missing.Contains(" en ", StringComparison.Ordinal) ? " ontbreken" : " ontbreekt")
                .Append("): vul het hier in vóór verzending.</p>");
        }
        return html.Append("</div>").ToString();
    }

    /// <summary>"straat", "woonplaats" or "straat en woonplaats": what the register lacks for a postal address.</summary>
    public static string MissingParts(IssuedCode code)
    {
        var missing = new List<string>();
        if (string.IsNullOrEmpty(code.Street)) missing.Add("straat");
        if (code.Home is null) missing.Add("postcode en huisnummer");
        if (string.IsNullOrEmpty(code.Town)) missing.Add("woonplaats");
        return missing.Count <= 1 ? string.Concat(missing) : string.Join(", ", missing[..^1]) + " en " + missing[^1];
    }

    /// <summary>Most member numbers the warning names (tester9b T3): the rest is counted, the sheet and the letters show each.</summary>
    public const int MaxNamedInWarning = 10;

    /// <summary>
    /// The warning for the board when letters lack a postal address: the count, at most <see cref="MaxNamedInWarning"/>
    /// member numbers (no names or addresses: it travels in a response header, ASCII only) and what to do. Bounded, so the
    /// header stays far below a proxy's header buffer (nginx: 4 or 8 kB) whatever the register's size (tester9b T3: 10.5 kB
    /// for 540 members, a 502 after every code had been replaced). Null when every letter can be posted.
    /// </summary>
    public static string? WithoutPostalAddress(IssuedCodes issued)
    {
        var without = issued.Codes.Where(c => !c.HasPostalAddress).Select(c => c.MemberNumber).ToList();
        if (without.Count == 0) return null;
        var n = issued.Codes.Length;
        var which = without.Count < n ? $"{without.Count} van de {n} brieven {(without.Count == 1 ? "heeft" : "hebben")} geen"
            : n == 1 ? "De brief heeft geen" : $"Geen van de {n} brieven heeft een";
        var all = without.Count <= MaxNamedInWarning;
        var named = all ? string.Join(", ", without) : string.Join(", ", without.Take(MaxNamedInWarning)) + $" en nog {without.Count - MaxNamedInWarning}";
        var remake = all
            ? $"maak ze opnieuw met --members {string.Join(",", without)}."
            : $"maak ze opnieuw met --members en de lidnummers uit de kolom {MissingColumn} van het werkblad (of de gemarkeerde brieven).";
        return $"{which} volledig postadres (straat of woonplaats ontbreekt in het ledenregister): {named}. "
               + $"Vul het adres op {(without.Count == 1 ? "die brief" : "die brieven")} met de hand in, of vul het register aan "
               + $"(kolommen Straat en Woonplaats in de ledenlijst) en {remake}";
    }

    /// <summary>The column of the codes sheet that says what a letter's postal address lacks (empty when complete).</summary>
    public const string MissingColumn = "Postadres ontbreekt";
}
