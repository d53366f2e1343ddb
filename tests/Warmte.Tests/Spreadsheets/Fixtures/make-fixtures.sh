#!/bin/sh
# Regenerates the spreadsheet fixtures of MemberListImportTests, OdsReaderTests and the process tests. The tests read the committed files;
# CI does not need LibreOffice. Needs python3 and LibreOffice Calc (Debian: libreoffice-calc-nogui).
#
#   ledenlijst-penningmeester.csv   the treasurer's member list as Excel on a Dutch Windows saves "CSV (;)":
#                                   Windows-1252, ';', decimal comma, CRLF, a title and an export date above the header
#   ledenlijst-penningmeester.xlsx  the same list opened in LibreOffice Calc (Dutch locale: 2,5 is the number 2.5)
#   ledenlijst-penningmeester.xls   and saved as Excel 97-2003
#   akkoord-adres.csv / .xls        consent answers with the address in one column ("Wibautstraat 14-H")
#   stemmen-titel.csv               a ballot list with a title row and headers in capitals
#   akkoord-blok-a.csv / .xlsx      tester finding F8: consent answers as a corporation exports them (UTF-8 with BOM, CRLF,
#                                   ';'), addresses postcode first and last, one answer dated in the future (31-12-2026),
#                                   one before the proposal (01-09-2026), three rows the file itself gets wrong
#   begroting-werkelijk-geweigerd.csv / .xlsx   tester finding T6: a budget as Excel saves "CSV UTF-8" (BOM, CRLF, ';',
#                                   decimal comma) whose second row's Werkelijk (50.000) is below a booking the service has
set -eu
cd "$(dirname "$0")"
# A private LibreOffice profile, so a Calc someone has open (or another conversion) does not get in the way.
profile="-env:UserInstallation=file:///tmp/warmte-fixtures-lo-profile"

python3 - <<'PY'
rows = [
    "Ledenlijst Coöperatie Warmtenet Zuid;;;;;",
    "Geëxporteerd uit de ledenadministratie op 01-11-2026;;;;;",
    ";;;;;",
    "Lid nr.;Naam;Categorie;Postcode;Huisnr;WEQ",
    "1001;Anna de Vries;HUURDER;1091GM;14-H;1",
    "1002;José Muñoz;eigenaar;1091 gm;9A;1",
    "1003;Café Oost;Bedrijf;1091 GM;12;2,5",
    "1004;Els Bakker; huurder ;1091GM;14-2;1",
    "1005;Piet Jansen;buurman;1091 SS;14-ABCDE;1,255",
    "1006;Fatima el Amrani;Eigenaar;1091 GN;3 hs;1",
]
open("ledenlijst-penningmeester.csv", "wb").write(("\r\n".join(rows) + "\r\n").encode("cp1252"))
consent = [
    "Akkoordverklaringen complex A (Stadgenoot);;;",
    ";;;",
    "Adres;Postcode;Antwoord;Datum",
    "Wibautstraat 14-H;1091GM;Akkoord;01-02-2025",
    "Wibautstraat 14-1;1091 gm;AKKOORD;02-02-2025",
    "Wibautstraat 9 a;1091 GM;geweigerd;03-02-2025",
    "Wibautstraat 14 hs;1091 GM;ja;03-02-2025",
]
open("akkoord-adres.csv", "wb").write(("\r\n".join(consent) + "\r\n").encode("cp1252"))
ballots = [
    "Stemlijst ALV tariefbesluit;;",
    "LID NR.;STEM;VOLMACHT AAN",
    "1001;VOOR;",
    "1002;Tegen;",
    "1003; voor ;",
]
blok_a = [
    "Adres;Antwoord;Datum",
    "Wibautstraat 20, 1091 GM Amsterdam;Akkoord;01-11-2026",
    "1091 GM Wibautstraat 22;akkoord;02-11-2026",
    "1091GM Wibautstraat 18;geweigerd;03-11-2026",
    "1091 gm, Wibautstraat 20-H;ja;04-11-2026",
    "Wibautstraat 30;akkoord;05-11-2026",
    "1091 GM;akkoord;05-11-2026",
    "Wibautstraat 32, 1091 GM;misschien;05-11-2026",
    "Wibautstraat 24, 1091 GM;Akkoord;31-12-2026",
    "Wibautstraat 26, 1091 GM;Akkoord;01-09-2026",
]
open("akkoord-blok-a.csv", "wb").write(b"\xef\xbb\xbf" + ("\r\n".join(blok_a) + "\r\n").encode("utf-8"))
open("stemmen-titel.csv", "wb").write(("\r\n".join(ballots) + "\r\n").encode("cp1252"))
# The whole address in one Adres cell, no Straat or Woonplaats columns: street, house number, postcode and town are split
# out; "Laan 1940 45" reads two ways and is warned about; "Dapperstraat 14 H" takes its postcode from the Postcode column.
adres = [
    "Lid nr.;Naam;Categorie;Adres;Postcode;Lid sinds",
    "2001;Anna de Vries;huurder;Dapperstraat 14-H, 1093 BS Amsterdam;;01-03-2021",
    "2002;Bram Smit;eigenaar;Dapperstraat 14 H;1093 BS;01-03-2021",
    "2003;Carla Jansen;huurder;Kerkweg 2a 1234 AB  Ons Dorp;;01-03-2021",
    "2004;Dirk Bos;huurder;Laan 1940 45, 1234 AB Ons Dorp;;01-03-2021",
    "2005;Eva Mulder;huurder;1e Oosterparkstraat 9a, Amsterdam;1091 GM;01-03-2021",
]
open("ledenlijst-adres.csv", "wb").write(("\r\n".join(adres) + "\r\n").encode("cp1252"))
PY

# CSV import options: ';' (59), '"' (34), Windows-1252 (1), from line 1, column formats (1 = standard,
# 2 = text), language nl-NL (1043) so "2,5" becomes the number 2.5 (WEQ standard: number cells).
# Member numbers standard (number cells). House numbers as text: in a standard column Calc (and Excel)
# turn "14-2" into the date 14 February — a treasurer who keeps such numbers formats the column as
# text; the import names that mistake (ImportFileTests / MemberListImportTests make such a cell).
soffice "$profile" --headless --infilter="CSV:59,34,1,1,1/1/2/2/3/2/4/2/5/2/6/1,1043" --convert-to xlsx ledenlijst-penningmeester.csv >/dev/null
soffice "$profile" --headless --infilter="CSV:59,34,1,1,1/1/2/2/3/2/4/2/5/2/6/1,1043" --convert-to xls ledenlijst-penningmeester.csv >/dev/null
soffice "$profile" --headless --infilter="CSV:59,34,1,1,1/2/2/2/3/2/4/1,1043" --convert-to xls akkoord-adres.csv >/dev/null
# Adres and Postcode as text, Lid sinds standard with nl-NL (date cells).
soffice "$profile" --headless --infilter="CSV:59,34,1,1,1/1/2/2/3/2/4/2/5/2/6/1,1043" --convert-to xlsx ledenlijst-adres.csv >/dev/null
# UTF-8 (76); Adres and Antwoord as text, Datum standard with nl-NL: the dates become date cells.
soffice "$profile" --headless --infilter="CSV:59,34,76,1,1/2/2/2/3/1,1043" --convert-to xlsx akkoord-blok-a.csv >/dev/null
printf '\357\273\277Maand;Categorie;Begroot;Werkelijk\r\n2019-05;ontwerp;10.000,00;\r\n2020-03;adviseurs;20.000,00;50.000,00\r\n' > begroting-werkelijk-geweigerd.csv
# UTF-8; Categorie as text, the rest standard with nl-NL: 10.000,00 becomes the number 10000 (Maand stays the text 2019-05).
soffice "$profile" --headless --infilter="CSV:59,34,76,1,1/1/2/2/3/1/4/1,1043" --convert-to xlsx begroting-werkelijk-geweigerd.csv >/dev/null

# LibreOffice's own format (.ods, what Calc saves by default): the .xlsx twins above opened and saved by Calc,
# so each .ods holds the same cells as its twin and the tests expect the same members, rows and problems.
for twin in ledenlijst-penningmeester akkoord-blok-a begroting-werkelijk-geweigerd; do
    soffice "$profile" --headless --convert-to ods "$twin.xlsx" >/dev/null
done
# leden-celsoorten.fods (written by hand, flat OpenDocument XML) holds what Calc stores and the .xlsx twins do
# not: a merged title (covered cells), a date, currency, percentage, time and boolean cell, "14-H" and "2,5" as
# text cells, "Anna  de Vries" (text:s), a comment, two-line text, two empty rows between members, a column
# formatted to the last of 1.024 columns and 1.048.000 formatted empty rows after the last member, and a
# hidden sheet. Calc turns it into the .ods the tests read and into an .xlsx twin to compare it with.
soffice "$profile" --headless --convert-to ods leden-celsoorten.fods >/dev/null
soffice "$profile" --headless --convert-to xlsx leden-celsoorten.fods >/dev/null
# begroting-kolom-opgemaakt.fods / ledenlijst-kolom-opgemaakt.fods (written by hand, as Calc stores them): a budget whose
# column C (Begroot) and a member list whose column F (WEQ) are formatted as whole columns, as are all columns after the
# data up to the last (AMJ), with a million formatted empty rows below. Calc saves such a sheet as an .xlsx whose rows
# run to column 1.024, which ExcelDataReader reports as 1.024 columns (SheetReader counts only up to the last value).
# A Basic macro that formats columns through the API did not give Calc's wide .xlsx; the column styles in the .fods do.
for sheet in begroting-kolom-opgemaakt ledenlijst-kolom-opgemaakt; do
    soffice "$profile" --headless --convert-to xlsx "$sheet.fods" >/dev/null
done
# ledenlijst-wachtwoord.ods: the member list saved by Calc with the password "geheim" (File > Save As, "Save with
# password"). soffice --convert-to cannot set a password, so a Basic macro in the private profile does the saving.
soffice "$profile" --headless --terminate_after_init >/dev/null 2>&1 || true
cat > /tmp/warmte-fixtures-lo-profile/user/basic/Standard/Module1.xba <<'XBA'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub SaveWithPassword(source As String, target As String, password As String)
    Dim load(0) As New com.sun.star.beans.PropertyValue
    load(0).Name = &quot;Hidden&quot;
    load(0).Value = True
    doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), &quot;_blank&quot;, 0, load())
    Dim store(1) As New com.sun.star.beans.PropertyValue
    store(0).Name = &quot;FilterName&quot;
    store(0).Value = &quot;calc8&quot;
    store(1).Name = &quot;Password&quot;
    store(1).Value = password
    doc.storeToURL(ConvertToURL(target), store())
    doc.close(True)
End Sub
</script:module>
XBA
soffice "$profile" --headless "macro:///Standard.Module1.SaveWithPassword(\"$PWD/ledenlijst-penningmeester.xlsx\",\"$PWD/ledenlijst-wachtwoord.ods\",\"geheim\")" >/dev/null
