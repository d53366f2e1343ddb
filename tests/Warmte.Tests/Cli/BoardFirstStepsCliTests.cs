using System.Net;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>The service on 07-12-2026, shared by the board's first-steps tests.</summary>
public sealed class BoardFirstStepsServerFixture : IAsyncLifetime
{
    public WarmteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 7, 12, 0)));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Tester9a T7 and T11: a board's basic tasks with the built <c>warmte</c> program as a separate process against a real
/// silo, without curl: creating a cooperative and a project, recording gate documents, a consent complex, the ALV
/// statutes and the Wcw data. Each command's refusal by the service is printed in the service's words; a bad argument
/// is refused before anything is sent (the program is then pointed at an address where nothing listens, so a request
/// would end in "niet bereiken", exit 2).
/// </summary>
public sealed class BoardFirstStepsCliTests(BoardFirstStepsServerFixture fixture) : IClassFixture<BoardFirstStepsServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private Task<CliResult> Warmte(string token, params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = token, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(120));

    /// <summary>A cooperative made by the admin, and a token of its board.</summary>
    private async Task<(string Coop, string Board)> Cooperative()
    {
        var coop = NewId("coop");
        var created = await Warmte(WarmteServer.BootstrapAdminToken, "cooperative", "create", "--id", coop, "--name", "Coöperatie Zuidwarmte U.A.",
            "--kind", "warmtenet", "--municipality", "Amsterdam", "--founded", "18-12-2019");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Coöperatie '{coop}' (Coöperatie Zuidwarmte U.A.) aangemaakt.", created.Out);
        Assert.Contains($"warmte project create {coop}", created.Out);
        // Tester10 T5: the board's token is made through the API, or on the server with the service's storage (a cluster's too).
        Assert.Contains($"POST /api/tokens met {{\"name\":\"Bestuur Coöperatie Zuidwarmte U.A.\",\"role\":\"board:{coop}\"}}", created.Out);
        Assert.Contains("--Storage:Provider PostgreSQL --Storage:ConnectionString", created.Out);
        var token = await Server.Client().Post("api/tokens", new { name = "Bestuur Zuidwarmte", role = $"board:{coop}" });
        Assert.True(token.Status == HttpStatusCode.Created, token.Raw);
        return (coop, token.Text("token"));
    }

    private async Task<string> Project(string coop, string board, string connections = "400")
    {
        var project = NewId("net");
        var created = await Warmte(board, "project", "create", coop, "--id", project, "--name", "Warmtenet Zuid",
            "--woningequivalenten", "420", "--connections", connections, "--started", "2024-03-01");
        Assert.True(created.ExitCode == 0, created.ToString());
        return project;
    }

    [Fact]
    public async Task A_board_creates_its_project_records_the_first_gates_documents_and_advances_without_curl()
    {
        var (coop, board) = await Cooperative();
        var project = NewId("net");
        var created = await Warmte(board, "project", "create", coop, "--id", project, "--name", "Warmtenet Zuid",
            "--woningequivalenten", "420", "--connections", "400", "--started", "2024-03-01");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Project '{project}' (Warmtenet Zuid) aangemaakt bij {coop}: fase Initiatief sinds 01-03-2024.", created.Out);
        Assert.Contains("[intentieverklaring]", created.Out);
        var stored = await Server.Client().Get($"api/projects/{project}");
        Assert.Equal(420, stored.Body.GetProperty("woningequivalenten").GetInt32());
        Assert.Equal(400, stored.Body.GetProperty("plannedConnections").GetInt32());

        // T11: the gate's refusal in Dutch without technical keys; the key only in the command that records the document.
        var early = await Warmte(board, "project", "advance", project, "--date", "2024-05-01", "--by", "ALV", "--rationale", "Haalbaarheid starten");
        Assert.True(early.ExitCode == 1, early.ToString());
        Assert.Contains("  Intentieverklaring (letter of intent): Nog niet aanwezig.", early.Err);
        Assert.DoesNotContain("conditions.", early.Err);
        Assert.Contains($"  warmte project deliverable {project} intentieverklaring --on JJJJ-MM-DD", early.Err);

        var group = await Warmte(board, "project", "deliverable", project, "bewonersgroep", "--on", "2024-03-01");
        Assert.True(group.ExitCode == 0, group.ToString());
        var letter = await Warmte(board, "project", "deliverable", project, "intentieverklaring", "--on", "15-04-2024", "--reference", "LOI gemeente");
        Assert.True(letter.ExitCode == 0, letter.ToString());
        Assert.Contains($"Intentieverklaring (letter of intent) vastgelegd voor {project}: aanwezig sinds 15-04-2024 (LOI gemeente).", letter.Out);
        Assert.Contains("(2 van 2 voorwaarden vervuld)", letter.Out);

        var go = await Warmte(board, "project", "advance", project, "--date", "2024-05-01", "--by", "ALV", "--rationale", "Haalbaarheid starten");
        Assert.True(go.ExitCode == 0, go.ToString());
        Assert.Contains("Initiatief → Haalbaarheid (go) op 01-05-2024", go.Out);

        // Refused by the service in its own words (a date in the future of its 07-12-2026), with the option it is about.
        var future = await Warmte(board, "project", "deliverable", project, "haalbaarheidsstudie", "--on", "2027-01-01");
        Assert.True(future.ExitCode == 1, future.ToString());
        Assert.Contains("(HTTP 400)", future.Err);
        Assert.Contains("presentOn: 01-01-2027 ligt in de toekomst.", future.Err);
        Assert.Contains("presentOn is --on", future.Err);

        // Computed conditions and unknown documents are refused before anything is sent.
        var computed = await Warmte(board, "project", "deliverable", project, "realisatiebesluit");
        Assert.True(computed.ExitCode == 1, computed.ToString());
        Assert.Contains("volgt uit het gesloten ALV-besluit", computed.Err);
        var unknown = await BuiltProgram.Warmte("project", "deliverable", project, "studie");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("Onbekend stuk 'studie'. Kies uit: bewonersgroep, intentieverklaring, haalbaarheidsstudie", unknown.Err);
        Assert.DoesNotContain("niet bereiken", unknown.Err);
    }

    [Fact]
    public async Task Bad_arguments_of_the_new_commands_are_refused_before_anything_is_sent()
    {
        // BuiltProgram.Warmte points at an address where nothing listens: a request would say "niet bereiken" with exit 2.
        (string[] Args, string Message)[] cases =
        [
            (["cooperative", "create", "--id", "Zuid_Warmte", "--name", "Z", "--kind", "warmtenet", "--municipality", "Amsterdam"], "'Zuid_Warmte' is geen geldige id voor --id"),
            (["cooperative", "create", "--id", "zuid", "--name", "Z", "--kind", "zonnepanelen", "--municipality", "Amsterdam"], "'zonnepanelen' is geen soort voor --kind"),
            (["project", "create", "zuid", "--id", "net", "--name", "N", "--woningequivalenten", "veel"], "'veel' is geen heel getal voor --woningequivalenten"),
            (["project", "create", "zuid", "--id", "net", "--name", "N", "--started", "31-02-2024"], "'31-02-2024' is geen geldige datum voor --started"),
            (["consent", "complex", "p", "Blok_A", "--name", "A"], "'Blok_A' is geen geldige id voor het complex"),
            (["consent", "complex", "p", "blok-a", "--threshold", "zeventig"], "'zeventig' is geen drempel voor --threshold"),
            (["alv", "statutes", "zuid", "--online-voting", "misschien"], "'misschien' bij --online-voting: schrijf ja of nee"),
            (["alv", "statutes", "zuid", "--quorum", "de helft"], "'de helft' is geen deel voor --quorum"),
            (["alv", "statutes", "zuid", "--secret-ballot", "Voorzitter"], "'Voorzitter' is geen besluitsoort voor --secret-ballot"),
            (["alv", "statutes", "zuid"], "Geef op wat er verandert"),
            (["wcw", "set", "p", "--public-share", "120"], "'120' is geen percentage voor --public-share"),
            (["wcw", "set", "p", "--member-control", "wel"], "'wel' bij --member-control: schrijf ja of nee"),
        ];
        foreach (var (args, message) in cases)
        {
            var result = await BuiltProgram.Warmte(args);
            Assert.True(result.ExitCode == 1, $"{string.Join(' ', args)}: {result}");
            Assert.Contains(message, result.Err);
            Assert.DoesNotContain("niet bereiken", result.Err);
        }
    }

    [Fact]
    public async Task The_consent_import_names_the_command_for_an_unknown_complex_which_then_creates_it()
    {
        var (coop, board) = await Cooperative();
        var project = await Project(coop, board);
        var dir = Path.Combine(Path.GetTempPath(), "boardcli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "akkoord.csv"),
                "Adres;Antwoord;Datum\r\nWagenaarstraat 9, 1093 CZ Amsterdam;Akkoord;01-11-2026\r\nWagenaarstraat 11, 1093 CZ Amsterdam;geweigerd;02-11-2026\r\n");
            var file = Path.Combine(dir, "akkoord.csv");
            var unknown = await Warmte(board, "import", "consent", project, "wagenaar-9", file);
            Assert.True(unknown.ExitCode == 1, unknown.ToString());
            Assert.Contains("Complex 'wagenaar-9' bestaat niet.", unknown.Err);
            Assert.Contains($"warmte consent complex {project} wagenaar-9 --name", unknown.Err);

            // A new complex needs its name, corporation and homes; nothing is sent without them.
            var incomplete = await Warmte(board, "consent", "complex", project, "wagenaar-9", "--name", "Wagenaarstraat 9-41");
            Assert.True(incomplete.ExitCode == 1, incomplete.ToString());
            Assert.Contains("Complex 'wagenaar-9' is nieuw; geef ook --corporation, --rented-homes op.", incomplete.Err);

            var created = await Warmte(board, "consent", "complex", project, "wagenaar-9", "--name", "Wagenaarstraat 9-41",
                "--corporation", "Stadgenoot", "--rented-homes", "10", "--proposal-date", "2026-10-15");
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.Contains($"Complex 'wagenaar-9' vastgelegd voor {project}: Wagenaarstraat 9-41 (Stadgenoot), 10 huurwoningen, 7 akkoord nodig.", created.Out);

            // The service's refusal as it words it, with the option it is about.
            var low = await Warmte(board, "consent", "complex", project, "wagenaar-9", "--threshold", "60%");
            Assert.True(low.ExitCode == 1, low.ToString());
            Assert.Contains("ligt onder de wettelijke 70%", low.Err);
            Assert.Contains("threshold is --threshold", low.Err);

            // Changing one value keeps the others.
            var more = await Warmte(board, "consent", "complex", project, "wagenaar-9", "--rented-homes", "20");
            Assert.True(more.ExitCode == 0, more.ToString());
            Assert.Contains("bijgewerkt", more.Out);
            Assert.Contains("Wagenaarstraat 9-41 (Stadgenoot), 20 huurwoningen, 14 akkoord nodig.", more.Out);
            var complex = (await Server.Client().Get($"api/projects/{project}/consent")).Body.GetProperty("complexes")[0];
            Assert.Equal("2026-10-15", complex.GetProperty("proposalDate").GetString());

            var imported = await Warmte(board, "import", "consent", project, "wagenaar-9", file);
            Assert.True(imported.ExitCode == 0, imported.ToString());
            Assert.Contains("Antwoorden vastgelegd: 1 akkoord, 1 geweigerd, 18 zonder antwoord van 20 huurwoningen.", imported.Out);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_board_sets_its_statutes_one_rule_at_a_time_and_online_voting_then_opens()
    {
        var (coop, board) = await Cooperative();

        var set = await Warmte(board, "alv", "statutes", coop, "--online-voting", "ja", "--notice-days", "14", "--max-proxies", "1");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains($"Besluitregels van {coop} vastgelegd.", set.Out);
        Assert.Contains("hoogstens 1 volmacht per aanwezige", set.Out);
        Assert.Contains("oproeptermijn 14 dagen", set.Out);
        Assert.Contains("Elektronisch stemmen vooraf: toegestaan", set.Out);

        // One more rule keeps the ones set before.
        var quorum = await Warmte(board, "alv", "statutes", coop, "--quorum", "1/3", "--majority-rule", "minstens");
        Assert.True(quorum.ExitCode == 0, quorum.ToString());
        Assert.Contains("Standaard: quorum 1/3, minstens 1/2 van de stemmen", quorum.Out);
        Assert.Contains("oproeptermijn 14 dagen", quorum.Out);
        Assert.Contains("Elektronisch stemmen vooraf: toegestaan", quorum.Out);
        var stored = await Server.Client().Get($"api/cooperatives/{coop}/alv/statutes");
        Assert.True(stored.Body.GetProperty("input").GetProperty("electronic").GetProperty("advanceVotingAllowed").GetBoolean(), stored.Raw);
        Assert.Equal(14, stored.Body.GetProperty("input").GetProperty("default").GetProperty("minimumNoticeDays").GetInt32());

        // The law goes first, in the service's words, with the option it is about.
        var shortNotice = await Warmte(board, "alv", "statutes", coop, "--notice-days", "3");
        Assert.True(shortNotice.ExitCode == 1, shortNotice.ToString());
        Assert.Contains("minstens 7 dagen", shortNotice.Err);
        Assert.Contains("default.minimumNoticeDays is --notice-days", shortNotice.Err);
        Assert.Equal(14, (await Server.Client().Get($"api/cooperatives/{coop}/alv/statutes")).Body
            .GetProperty("input").GetProperty("default").GetProperty("minimumNoticeDays").GetInt32());

        // Without electronic voting in the statutes, opening online voting names this command.
        var other = await Cooperative();
        await ApiCalls.SeedMembers(Server.Client(), other.Coop);
        var meeting = await Server.Client().Post($"api/cooperatives/{other.Coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2026-12-30", noticeDate = "2026-12-07",
            proposals = new[] { new { id = "jaarplan", title = "Jaarplan", decisionType = "Overig" } },
        });
        Assert.True(meeting.Status == HttpStatusCode.Created, meeting.Raw);
        var off = await Warmte(other.Board, "alv", "online", "open", other.Coop, "alv", "--proposals", "jaarplan");
        Assert.True(off.ExitCode == 1, off.ToString());
        Assert.Contains($"warmte alv statutes {other.Coop} --online-voting ja", off.Err);
        var allowed = await Warmte(other.Board, "alv", "statutes", other.Coop, "--online-voting", "ja");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        var open = await Warmte(other.Board, "alv", "online", "open", other.Coop, "alv", "--proposals", "jaarplan");
        Assert.True(open.ExitCode == 0, open.ToString());
    }

    [Fact]
    public async Task The_board_records_its_wcw_data_one_criterion_at_a_time()
    {
        var (coop, board) = await Cooperative();
        var project = await Project(coop, board);

        var before = await Warmte(board, "wcw", project);
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Contains($"Wet collectieve warmte voor {project}: nog geen route gehaald.", before.Out);
        Assert.Contains($"Vastleggen: warmte wcw set {project}", before.Out);
        Assert.DoesNotContain("domain.md", before.Out);

        var four = await Warmte(board, "wcw", "set", project, "--legal-entity", "ja", "--sustainable-source", "ja", "--no-profit", "ja", "--open-membership", "ja");
        Assert.True(four.ExitCode == 0, four.ToString());
        Assert.Contains("Ontbreekt: Warmtegemeenschap: ontbreekt zeggenschap bij de leden.", four.Out);

        // The last criterion alone: the four recorded before stay.
        var community = await Warmte(board, "wcw", "set", project, "--member-control", "ja");
        Assert.True(community.ExitCode == 0, community.ToString());
        Assert.Contains($"Wet collectieve warmte voor {project}: warmtegemeenschap.", community.Out);
        Assert.Contains("rechtspersoon ja, duurzame hoofdbron ja, geen winstoogmerk ja, open lidmaatschap ja, zeggenschap leden ja", community.Out);

        var share = await Warmte(board, "wcw", "set", project, "--public-share", "50,5", "--mixed", "ja");
        Assert.True(share.ExitCode == 0, share.ToString());
        Assert.Contains("publiek aandeel 50,5% (gemengde constructie)", share.Out);
        Assert.Contains(": warmtegemeenschap.", share.Out);

        // A refusal of the service (a reader may not write) is printed as the service words it.
        var reader = (await Server.Client().Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token");
        var refused = await Warmte(reader, "wcw", "set", project, "--member-control", "nee");
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains($"Alleen het bestuur van '{coop}' of een beheerder legt dit vast.", refused.Err);
    }

    [Fact]
    public async Task A_readers_refusal_of_the_member_list_names_the_summary_and_the_command()
    {
        var (coop, _) = await Cooperative();
        var reader = (await Server.Client().Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token");
        var refused = await Server.Client(reader).Get($"api/cooperatives/{coop}/members");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        var detail = refused.Body.GetProperty("detail").GetString()!;
        Assert.Contains($"GET /api/cooperatives/{coop}/members/summary", detail);
        Assert.Contains($"warmte members {coop}", detail);
    }
}
