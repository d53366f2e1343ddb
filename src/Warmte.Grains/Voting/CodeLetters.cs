using System.Net;
using System.Text;
using ClosedXML.Excel;
using Warmte.Common;
using Warmte.Spreadsheets.Export;

namespace Warmte.Voting;

/// <summary>
/// The codes as the board hands them out: a mail-merge sheet (xlsx) and printable letters (HTML,
/// one per page). The link carries the code after '#': browsers never send that part to a server,
/// so the code does not end up in access logs or Referer headers.
/// </summary>
public static class CodeLetters
{
    /// <summary>"https://warmte.example/stem#7KQ3-M9XD-2HTB-R4VN".</summary>
    public static string Link(string baseUrl, string code) => $"{baseUrl.TrimEnd('/')}/stem#{code}";

    public static byte[] Sheet(IssuedCodes issued, string baseUrl)
    {
        using var workbook = XlsxFile.New();
        var sheet = workbook.AddWorksheet("Stemcodes");
        string[] headers = ["Lidnummer", "Naam", "Adres", "Stemcode", "Link", "Vergadering", "Datum vergadering", "Online stemmen vanaf"];
        for (var c = 0; c < headers.Length; c++) sheet.Cell(1, c + 1).SetValue(headers[c]);
        sheet.Row(1).Style.Font.Bold = true;
        var row = 2;
        foreach (var code in issued.Codes)
        {
            sheet.Cell(row, 1).SetValue(code.MemberNumber);
            sheet.Cell(row, 2).SetValue(code.Name);
            sheet.Cell(row, 3).SetValue(code.Address);
            sheet.Cell(row, 4).SetValue(code.Code);
            sheet.Cell(row, 5).SetValue(Link(baseUrl, code.Code));
            sheet.Cell(row, 6).SetValue(issued.MeetingTitle);
            sheet.Cell(row, 7).SetValue(DutchFormat.Date(issued.MeetingDate));
            sheet.Cell(row, 8).SetValue(DutchFormat.Date(issued.Opens));
            row++;
        }
        // Every cell is text, written with SetValue: ClosedXML 0.95's `Value =` guesses a type from the
        // string, and read "06-12-2026" as 12 June (the date number 46185 in a text column, tester F9).
        // Member numbers and codes are text too (a code like 0123-... must keep its zeros).
        sheet.Columns(1, 8).Style.NumberFormat.Format = "@";
        // Fixed widths: measuring text (AdjustToContents) needs fonts a server may not have.
        double[] widths = [12, 28, 16, 24, 52, 28, 18, 20];
        for (var c = 0; c < widths.Length; c++) sheet.Column(c + 1).Width = widths[c];
        return XlsxFile.ToBytes(workbook);
    }

    /// <summary>One Dutch letter per member, each on its own printed page.</summary>
    public static string Letters(IssuedCodes issued, string baseUrl)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Stemcodes ")
            .Append(E(issued.MeetingTitle)).Append("</title><style>")
            .Append("body{font-family:Georgia,serif;color:#111;margin:0}")
            .Append(".brief{max-width:40rem;margin:2rem auto;padding:2rem;line-height:1.5}")
            .Append(".code{font-family:'DejaVu Sans Mono',monospace;font-size:1.6rem;letter-spacing:.1em;border:2px solid #111;padding:.5rem 1rem;display:inline-block}")
            .Append("@media print{.brief{margin:0;padding:2cm;page-break-after:always;break-after:page}.brief:last-child{page-break-after:auto;break-after:auto}}")
            .Append("</style></head><body>");
        foreach (var code in issued.Codes)
        {
            var link = Link(baseUrl, code.Code);
            html.Append("<section class=\"brief\">")
                .Append("<p>").Append(E(code.Name)).Append("<br>").Append(E(code.Address)).Append("</p>")
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
}
