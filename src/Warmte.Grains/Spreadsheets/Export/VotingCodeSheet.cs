using ClosedXML.Excel;
using Warmte.Voting;

namespace Warmte.Spreadsheets.Export;

/// <summary>
/// The voting codes as a mail-merge sheet (xlsx): one row per member with the code, the link and the meeting, and the
/// member's e-mail address where the register has one, so a board that mails from its own mail program can merge on it
/// (papercut l). Only the own board and admins download it (the codes endpoint's guard), the roles that may see members'
/// personal data (docs/security.md). The postal parts for a window envelope follow (tester6 T8: street, house number,
/// postcode, town; empty where the register has none), and what a letter's postal address lacks (tester9b T3: the
/// response header names only the first few). New columns only ever go at the end, so a merge template made on
/// the earlier columns keeps working. The link carries the code after '#' (<see cref="CodeLetters.Link"/>).
/// </summary>
public static class VotingCodeSheet
{
    public static readonly string[] Headers =
        ["Lidnummer", "Naam", "Adres", "Stemcode", "Link", "Vergadering", "Datum vergadering", "Online stemmen vanaf", "E-mail",
         "Straat", "Huisnummer", "Postcode", "Woonplaats", CodeLetters.MissingColumn];

    /// <param name="emails">Member number → e-mail address, for the members that have one.</param>
    public static byte[] Write(IssuedCodes issued, string baseUrl, IReadOnlyDictionary<string, string> emails)
    {
        using var workbook = XlsxFile.New();
        var sheet = workbook.AddWorksheet("Stemcodes");
        for (var c = 0; c < Headers.Length; c++) sheet.Cell(1, c + 1).SetValue(Headers[c]);
        sheet.Row(1).Style.Font.Bold = true;
        var row = 2;
        foreach (var code in issued.Codes)
        {
            sheet.Cell(row, 1).SetValue(code.MemberNumber);
            sheet.Cell(row, 2).SetValue(code.Name);
            sheet.Cell(row, 3).SetValue(code.Address);
            sheet.Cell(row, 4).SetValue(code.Code);
            sheet.Cell(row, 5).SetValue(CodeLetters.Link(baseUrl, code.Code));
            sheet.Cell(row, 6).SetValue(issued.MeetingTitle);
            sheet.Cell(row, 7).SetValue(DutchFormat.Date(issued.MeetingDate));
            sheet.Cell(row, 8).SetValue(DutchFormat.Date(issued.Opens));
            // Last, so sheets and merge templates made with the earlier columns keep their positions.
            if (emails.TryGetValue(code.MemberNumber, out var email)) sheet.Cell(row, 9).SetValue(email);
            sheet.Cell(row, 10).SetValue(code.Street ?? "");
            sheet.Cell(row, 11).SetValue(code.Home?.HouseNumberText ?? "");
            sheet.Cell(row, 12).SetValue(code.Home?.Postcode ?? "");
            sheet.Cell(row, 13).SetValue(code.Town ?? "");
            // What the letter's address lacks: the full list the response header only counts (tester9b T3).
            sheet.Cell(row, 14).SetValue(code.HasPostalAddress ? "" : CodeLetters.MissingParts(code));
            row++;
        }
        // Every cell is text, written with SetValue: ClosedXML 0.95's `Value =` guesses a type from the string and read
        // "06-12-2026" as 12 June (tester F9); member numbers and codes keep their leading zeros.
        sheet.Columns(1, Headers.Length).Style.NumberFormat.Format = "@";
        // Fixed widths: measuring text (AdjustToContents) needs fonts a server may not have.
        double[] widths = [12, 28, 16, 24, 52, 28, 18, 20, 30, 28, 12, 10, 20, 28];
        for (var c = 0; c < widths.Length; c++) sheet.Column(c + 1).Width = widths[c];
        return XlsxFile.ToBytes(workbook);
    }
}
