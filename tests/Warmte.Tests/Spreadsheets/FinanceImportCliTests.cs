using System.Net;
using System.Text.Json;
using ClosedXML.Excel;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// warmte import budget|tranches against the real service: template → filled → imported →
/// re-imported (nothing changes) → updated (updates, never duplicates) → exported, with the
/// financier's steps refused to a board and reported on their row and column.
/// </summary>
public sealed class FinanceImportCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"warmte-finance-cli-{Guid.NewGuid():N}{extension}");

    private Task<CliResult> As(string token, params string[] args) => CliHarness.Run(CliHarness.Env(Server.BaseUrl, token), null, args);

    private async Task<string> Token(string role, string name)
    {
        var answer = await Server.Client().Post("api/tokens", new { name, role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return answer.Text("token");
    }

    /// <summary>Writes the template of <paramref name="kind"/> and fills its rows from row 4, in the template's column order.</summary>
    private async Task<string> FilledTemplate(string kind, params object?[][] rows)
    {
        var file = TempFile(".xlsx");
        var written = await As(Server.AdminToken, "template", kind, "--out", file);
        Assert.True(written.ExitCode == 0, written.Err);
        using var workbook = new XLWorkbook(file);
        var sheet = workbook.Worksheets.First();
        for (var r = 0; r < rows.Length; r++)
            for (var c = 0; c < rows[r].Length; c++)
                switch (rows[r][c])
                {
                    case null: break;
                    case string s: sheet.Cell(4 + r, c + 1).SetValue(s); break;
                    case DateTime d: sheet.Cell(4 + r, c + 1).SetValue(d); break;
                    case var n: sheet.Cell(4 + r, c + 1).SetValue(Convert.ToDecimal(n)); break;
                }
        workbook.Save();
        return file;
    }

    private static void Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_filled_budget_template_sets_the_work_plan_and_the_month_totals_once_and_reaches_the_export()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);

        // Maand, Categorie, Begroot, Werkelijk, Loopt door bij stilstand, Omschrijving
        object?[][] rows =
        [
            ["2019-01", "ontwerp", 75000, 70000, null, null],
            ["2019-02", "ontwerp", 75000, null, null, null],
            ["2019-01", "organisatie", 12000, 12500.5, null, null],
            ["2019-02", "organisatie", 12000, null, null, null],
        ];
        var file = await FilledTemplate("budget", rows);
        var imported = await As(Server.AdminToken, "import", "budget", project, file);
        Ok(imported);
        Assert.Contains("Begroting: werkplan vervangen door 2 werkpakketten uit 4 rijen.", imported.Out);
        Assert.Contains("Werkelijke uitgaven: 2 maandtotalen: 2 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 weggehaald.", imported.Out);
        var workPlan = (await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("plan").GetProperty("workPlan");
        Assert.Equal([("design", 1, 2, 75000m, false), ("organisation", 1, 2, 12000m, true)], workPlan.EnumerateArray().Select(p =>
            (p.GetProperty("kind").GetString()!, p.GetProperty("fromMonth").GetInt32(), p.GetProperty("toMonth").GetInt32(),
             p.GetProperty("monthlyCost").GetDecimal(), p.GetProperty("runsDuringStall").GetBoolean())));
        Assert.Equal(82_500.50m, (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray().Sum(b => b.GetProperty("amount").GetDecimal()));

        var again = await As(Server.AdminToken, "import", "budget", project, file);
        Ok(again);
        Assert.Contains("werkplan ongewijzigd (2 werkpakketten)", again.Out);
        Assert.Contains("0 nieuw, 0 bijgewerkt, 2 ongewijzigd", again.Out);

        rows[0][3] = 71000;
        var updated = await As(Server.AdminToken, "import", "budget", project, await FilledTemplate("budget", rows));
        Ok(updated);
        Assert.Contains("0 nieuw, 1 bijgewerkt, 1 ongewijzigd", updated.Out);
        var bookings = (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items");
        Assert.Equal(2, bookings.GetArrayLength());
        Assert.Equal(83_500.50m, bookings.EnumerateArray().Sum(b => b.GetProperty("amount").GetDecimal()));

        // The export shows the actual cash line (tester T3): 01-2019 spent what was booked for it (71.000 + 12.500,50), 02-2019 nothing.
        var export = TempFile(".xlsx");
        Ok(await As(Server.AdminToken, "export", "project", project, "--out", export));
        using var workbook = new XLWorkbook(export);
        var sheet = workbook.Worksheet(project);
        var header = sheet.RowsUsed().First(r => r.Cell(1).GetString() == "Maand" && r.Cell(7).GetString() == "Uitgaven");
        Assert.Equal("werkelijk", sheet.Cell(header.RowNumber() + 1, 2).GetString());
        Assert.Equal(83_500.50m, (decimal)sheet.Cell(header.RowNumber() + 1, 7).GetDouble());
        Assert.Equal(0m, (decimal)sheet.Cell(header.RowNumber() + 2, 7).GetDouble());

        // The round trip: the export's "Begroting" sheet is the budget as imported, and importing the
        // exported workbook again changes nothing.
        var budget = workbook.Worksheet("Begroting");
        Assert.Equal(["Maand", "Categorie", "Begroot", "Werkelijk"], Enumerable.Range(1, 4).Select(c => budget.Cell(1, c).GetString()));
        Assert.Equal(4, budget.RowsUsed().Count() - 1);
        var reimported = await As(Server.AdminToken, "import", "budget", project, export);
        Ok(reimported);
        Assert.Contains("werkplan ongewijzigd (2 werkpakketten)", reimported.Out);
        Assert.Contains("0 nieuw, 0 bijgewerkt, 2 ongewijzigd", reimported.Out);
        Assert.Equal(83_500.50m, (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray().Sum(b => b.GetProperty("amount").GetDecimal()));
    }

    [Fact]
    public async Task The_dry_run_of_a_budget_update_says_what_happens_to_the_spending_already_booked()
    {
        // Papercut f: with bookings there, the dry run named the work plan it replaces but not what became of the bookings.
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month = "2019-03", kind = "design", amount = 50_000m })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month = "2019-05", kind = "advisers", amount = 7_000m })).Status);

        var file = await FilledTemplate("budget",
            ["2019-01", "ontwerp", 80000, null, null, null],
            ["2019-03", "ontwerp", 80000, 60000, null, null]);
        var dry = await As(Server.AdminToken, "import", "budget", project, file, "--dry-run");
        Ok(dry);
        Assert.Contains("Het werkplan vervangen verandert geen geboekte uitgaven: de 2 boekingen (€ 57.000,00) blijven staan", dry.Out);
        Assert.Contains("De dienst zou van 1 maandtotaal er 1 nieuw boeken, 0 bijwerken, 0 ongewijzigd laten en 0 weghalen.", dry.Out);
        Assert.Contains("03-2019 ontwerp: € 50.000,00 los geboekt (1 boeking) blijft staan en telt mee, het maandtotaal boekt alleen de rest (€ 10.000,00)", dry.Out);
        Assert.Contains("Proefrun: er is niets verstuurd.", dry.Out);
        Assert.Equal(2, (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").GetArrayLength());

        // The real run says the same about the bookings, and keeps them.
        var real = await As(Server.AdminToken, "import", "budget", project, file);
        Ok(real);
        Assert.Contains("03-2019 ontwerp: € 50.000,00 los geboekt (1 boeking) blijft staan en telt mee", real.Out);
        var after = (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(67_000m, after.Sum(b => b.GetProperty("amount").GetDecimal()));

        // The API's dry run answers the same sentence; an earlier month total that changes is named with its old amount.
        var check = await admin.Put($"api/projects/{project}/spending/totals?dryRun=true",
            new { totals = new[] { new { month = "2019-03", kind = "ontwerp", amount = 65_000m } } });
        Assert.Equal(HttpStatusCode.OK, check.Status);
        Assert.Contains("(het eerder ingelezen maandtotaal was € 10.000,00)", check.Text("message"));
    }

    [Fact]
    public async Task A_month_total_from_the_budget_is_named_in_Dutch_in_the_spending_list_and_keeps_its_id()
    {
        // Papercut d: the month total's row showed only its stored id, t-2019-02-organisation, English among Dutch labels.
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);
        Ok(await As(Server.AdminToken, "import", "budget", project, await FilledTemplate("budget", ["2019-02", "organisatie", null, 12345, null, null])));

        var list = await As(Server.AdminToken, "spending", "list", project);
        Ok(list);
        var row = Assert.Single(list.Out.Split('\n'), l => l.Contains("t-2019-02-organisation"));
        Assert.Contains("maandtotaal organisatie 02-2019 uit de begroting", row);
        Assert.Contains("€ 12.345,00", row);
        // The id is the stored key (idempotent re-import, docs/api.md): the API still answers it.
        Assert.Equal("t-2019-02-organisation", Assert.Single((await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_budget_that_does_not_fit_the_plan_is_reported_on_its_rows_and_nothing_is_sent()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var file = await FilledTemplate("budget", ["2019-01", "ontwerp", 75000, null, null, null]);
        var noPlan = await As(Server.AdminToken, "import", "budget", project, file);
        Assert.Equal(1, noPlan.ExitCode);
        Assert.Contains("nog geen kasstroomplan", noPlan.Err);

        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);
        var outside = await As(Server.AdminToken, "import", "budget", project,
            await FilledTemplate("budget", ["2018-06", "ontwerp", 75000, null, null, null], ["2019-01", "adviseurs", 1000, 900, null, null]));
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains("rij 4, kolom A (Maand): 06-2018 ligt vóór de start van het kasstroomplan (01-2019)", outside.Err);
        Assert.Contains("Er is niets verstuurd", outside.Err);
        Assert.Equal(0, (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").GetArrayLength());
    }

    // Tranche, Gepland bedrag, Gepland op, Aangevraagd, Verantwoording ingediend, Verantwoord bedrag, Periode van, Periode tot,
    // Goedgekeurd, Uitbetaald, Bedrag uitbetaald, Subsidie
    private static object?[][] TrancheRows(DateTime? secondRequested = null, decimal thirdAmount = 700_000m) =>
    [
        [1, 1_000_000, null, new DateTime(2020, 3, 15), new DateTime(2020, 9, 1), 900_000, null, null, new DateTime(2020, 12, 1), new DateTime(2020, 12, 15), null, null],
        [2, 1_000_000, null, secondRequested ?? new DateTime(2021, 6, 1), null, null, null, null, null, null, null, null],
        [3, thirdAmount, new DateTime(2023, 1, 1), null, null, null, null, null, null, null, null, null],
    ];

    [Fact]
    public async Task A_tranche_history_is_recorded_step_by_step_with_each_role_and_round_trips_through_the_export()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var board = await Token($"board:{coop}", "Bestuur");
        var financier = await Token("financier", "Gemeente Amsterdam");
        var file = await FilledTemplate("tranches", TrancheRows());

        var missing = await As(board, "import", "tranches", project, "paw", file);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--funder, --scheme, --granted en --decided-on", missing.Err);

        // The board records the grant, its requests and its accounting; approving and paying is refused, on its row and column.
        var byBoard = await As(board, "import", "tranches", project, "paw", file,
            "--funder", "Rijk via gemeente", "--scheme", "PAW", "--granted", "2700000", "--decided-on", "2020-01-01");
        Assert.Equal(1, byBoard.ExitCode);
        Assert.Contains("Subsidie paw: subsidie 'paw' vastgelegd met 3 tranches.", byBoard.Out);
        Assert.Contains("Tranchestappen: 3 stappen vastgelegd, 0 al aanwezig, 1 geweigerd.", byBoard.Out);
        Assert.Contains("rij 4, kolom I (Goedgekeurd): geweigerd door de dienst: Goedkeuren, afkeuren en uitbetalen doet de financier", byBoard.Err);

        var byFinancier = await As(financier, "import", "tranches", project, "paw", file);
        Ok(byFinancier);
        Assert.Contains("trancheplan ongewijzigd (3 tranches)", byFinancier.Out);
        Assert.Contains("2 stappen vastgelegd, 3 al aanwezig, 0 geweigerd", byFinancier.Out);
        var grant = (await admin.Get($"api/projects/{project}/grants/paw")).Body.GetProperty("grant");
        Assert.Equal(["Uitbetaald", "Aangevraagd", "Gepland"], grant.GetProperty("tranches").EnumerateArray().Select(t => t.GetProperty("status").GetString()));
        Assert.Equal(900_000m, grant.GetProperty("tranches")[0].GetProperty("accounting").GetProperty("amountSpent").GetDecimal());
        Assert.Equal(1_000_000m, grant.GetProperty("tranches")[0].GetProperty("paidAmount").GetDecimal());

        var again = await As(financier, "import", "tranches", project, "paw", file);
        Ok(again);
        Assert.Contains("0 stappen vastgelegd, 5 al aanwezig", again.Out);

        // An updated plan updates; a recorded step with another date is reported, not rewritten.
        Ok(await As(board, "import", "tranches", project, "paw", await FilledTemplate("tranches", TrancheRows(thirdAmount: 650_000m))));
        Assert.Equal(650_000m, (await admin.Get($"api/projects/{project}/grants/paw")).Body.GetProperty("grant").GetProperty("tranches")[2].GetProperty("plannedAmount").GetDecimal());
        var conflict = await As(board, "import", "tranches", project, "paw", await FilledTemplate("tranches", TrancheRows(new DateTime(2021, 7, 1), 650_000m)));
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("rij 5, kolom D (Aangevraagd): de dienst heeft 'Aangevraagd' al op 01-06-2021 vastgelegd; het bestand zegt 01-07-2021", conflict.Err);

        // Round trip: the project's export carries the tranche table; importing it changes nothing.
        var before = (await admin.Get($"api/projects/{project}/grants/paw")).Raw;
        var export = TempFile(".xlsx");
        Ok(await As(Server.AdminToken, "export", "project", project, "--out", export));
        var preview = await As(financier, "import", "tranches", project, "paw", export, "--dry-run");
        Ok(preview);
        Assert.Contains("3 goede rijen, 0 foute rijen.", preview.Out);
        var roundTrip = await As(financier, "import", "tranches", project, "paw", export);
        Ok(roundTrip);
        Assert.Contains("trancheplan ongewijzigd (3 tranches)", roundTrip.Out);
        Assert.Contains("0 stappen vastgelegd, 5 al aanwezig, 0 geweigerd", roundTrip.Out);
        Assert.Equal(before, (await admin.Get($"api/projects/{project}/grants/paw")).Raw);
    }

    /// <summary>
    /// Tester finding A6: the export labels a tranche row "funder, scheme"; the dry run did not ask the service for the
    /// grant, so when the grant's id is not its scheme it refused the export's own table ("0 goede rijen", exit 1)
    /// while the real import of the same file worked.
    /// </summary>
    [Fact]
    public async Task The_dry_run_of_an_exported_tranche_table_recognises_the_grant_by_its_label()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var file = TempFile(".csv");
        await File.WriteAllTextAsync(file, "Tranche;Gepland bedrag;Gepland op\n1;1000000;01-03-2021\n2;700000;01-03-2022\n");
        Ok(await As(Server.AdminToken, "import", "tranches", project, "rijksbijdrage", file,
            "--funder", "Rijk (PAW) via gemeente Amsterdam", "--scheme", "Programma Aardgasvrije Wijken", "--granted", "1700000", "--decided-on", "2020-01-01"));
        var export = TempFile(".xlsx");
        Ok(await As(Server.AdminToken, "export", "project", project, "--out", export));

        var preview = await As(Server.AdminToken, "import", "tranches", project, "rijksbijdrage", export, "--dry-run");
        Ok(preview);
        Assert.Contains("2 goede rijen, 0 foute rijen.", preview.Out);
        Assert.DoesNotContain("overgeslagen", preview.Out);
        Assert.Contains("Proefrun: er is niets verstuurd.", preview.Out);
        var imported = await As(Server.AdminToken, "import", "tranches", project, "rijksbijdrage", export);
        Ok(imported);
        Assert.Contains("trancheplan ongewijzigd (2 tranches)", imported.Out);
    }

    /// <summary>Review2 F9: the text summary counted the rows skipped for another grant, the --json summary did not.</summary>
    [Fact]
    public async Task The_json_summary_of_a_tranche_import_counts_the_rows_of_another_grant_it_skipped()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var file = TempFile(".csv");
        await File.WriteAllTextAsync(file, "Subsidie;Tranche;Gepland bedrag\nRijk, PAW;1;1000000\nGemeente, KFA;1;50000\nGemeente, KFA;2;60000\nRijk, PAW;2;700000\n");
        var imported = await As(Server.AdminToken, "import", "tranches", project, "paw", file, "--json",
            "--funder", "Rijk", "--scheme", "PAW", "--granted", "1700000", "--decided-on", "2020-01-01");
        Ok(imported);
        using var summary = JsonDocument.Parse(imported.Out);
        Assert.Equal(2, summary.RootElement.GetProperty("skippedRows").GetInt32());
        Assert.Equal(0, summary.RootElement.GetProperty("badRows").GetInt32());
        Assert.Equal(2, (await admin.Get($"api/projects/{project}/grants/paw")).Body.GetProperty("grant").GetProperty("tranches").GetArrayLength());
    }

    [Fact]
    public async Task Members_and_consent_reach_the_export_as_counts_only()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var members = await FilledTemplate("members",
            ["L-0012", "Anna Bakker", "huurder", "1", "1054 AB", "7", null, "14-12-2020", null, "ja"],
            ["L-0013", "Bedrijf West", "bedrijf", "3", "1054 AC", "9", null, "05-01-2021", null, "nee"]);
        Ok(await As(Server.AdminToken, "import", "members", coop, members));
        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "A", corporation = "Stadgenoot", rentedHomes = 4, proposalDate = "2025-01-15" });
        var consent = await FilledTemplate("consent", ["1054 AB", "7", null, "akkoord", "01-02-2025"], ["1054 AB", "8", null, "geweigerd", "02-02-2025"]);
        Ok(await As(Server.AdminToken, "import", "consent", project, "complex-a", consent));

        var export = TempFile(".xlsx");
        Ok(await As(Server.AdminToken, "export", "project", project, "--out", export));
        using var workbook = new XLWorkbook(export);
        var cells = workbook.Worksheets.SelectMany(w => w.CellsUsed()).Select(c => c.GetString()).ToList();
        Assert.Contains(cells, c => c.StartsWith("Ledenregister: 2 leden, waarvan 1 stemgerechtigd", StringComparison.Ordinal));
        var complex = workbook.Worksheet(project).RowsUsed().First(r => r.Cell(1).GetString() == "A");
        Assert.Equal((4, 1, 1, 2), ((int)complex.Cell(3).GetDouble(), (int)complex.Cell(4).GetDouble(), (int)complex.Cell(5).GetDouble(), (int)complex.Cell(6).GetDouble()));
        // No personal data: neither names, member numbers nor addresses are in the workbook, so these do not round-trip.
        Assert.DoesNotContain(cells, c => c.Contains("Anna Bakker") || c.Contains("L-0012") || c.Contains("1054 AB"));
    }

    [Fact]
    public async Task What_only_the_service_refuses_is_reported_on_the_row_and_column_it_came_from()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "A", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" });
        var consent = TempFile(".csv");
        File.WriteAllText(consent, "Postcode;Huisnummer;Toevoeging;Antwoord;Datum\n1054 AB;1;;akkoord;2025-02-01\n1054 AB;2;;akkoord;2025-01-01\n");
        var refused = await As(Server.AdminToken, "import", "consent", project, "complex-a", consent);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("rij 3, kolom E (Datum): geweigerd door de dienst: 01-01-2025 ligt vóór het voorstel aan de huurders (15-01-2025).", refused.Err);
        // The service checked the rows before anything was sent (dryRun), so nothing was sent at all.
        Assert.Contains("Er is niets verstuurd", refused.Err);
        Assert.Equal(0, (await admin.Get($"api/projects/{project}/consent")).Body.GetProperty("complexes")[0].GetProperty("agreed").GetInt32());

        var members = await ApiCalls.SeedMembers(admin, coop);
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        });
        var ballots = TempFile(".csv");
        File.WriteAllText(ballots, $"Lidnummer;Stem\n{members[0]};voor\nX-999;tegen\n");
        var vote = await As(Server.AdminToken, "import", "ballots", coop, "alv", "tarief", ballots);
        Assert.Equal(1, vote.ExitCode);
        Assert.Contains("rij 3, kolom A (Lidnummer): geweigerd door de dienst: mag niet stemmen", vote.Err);
    }
}
