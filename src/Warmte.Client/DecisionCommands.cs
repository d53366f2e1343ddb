using System.Text.Json;

namespace Warmte.Client;

/// <summary>
/// Members, the ALV, tenant consent and the gate checklist: <c>warmte members</c>,
/// <c>warmte alv create|update|delete|show|attendance|vote|close</c>, <c>warmte alv proposal add</c>,
/// <c>warmte consent</c>, <c>warmte gates</c>.
/// </summary>
internal static class DecisionCommands
{
    private static readonly ArgumentSpec Cooperative = new("coop", "de id van de coöperatie (bijv. ketelhuiswg)");
    private static readonly ArgumentSpec Project = new("project", "de id van het project (bijv. wg-terrein)");
    private static readonly ArgumentSpec Meeting = new("vergadering", "de id van de ALV-vergadering (bijv. alv-2024-12-14)");
    private static readonly ArgumentSpec Proposal = new("voorstel", "de id van het voorstel (bijv. realisatiebesluit)");

    private static readonly OptionSpec MeetingId = new("id", "id", "Id van de vergadering (verplicht), bijv. alv-2024-12-14");
    private static readonly OptionSpec Title = new("title", "tekst", "Titel van de vergadering (verplicht)");
    private static readonly OptionSpec MeetingDate = new("date", "JJJJ-MM-DD", "Vergaderdatum (verplicht)");
    private static readonly OptionSpec NoticeDate = new("notice-date", "JJJJ-MM-DD", "Datum van de oproep (verplicht; de statuten eisen een minimale termijn)");
    // Repeatable together: each --proposal starts a proposal, and the --type, --proposal-title and --project after it are its own
    // (tester6 T18). Given before the first --proposal they hold for every proposal that does not give its own.
    private static readonly OptionSpec ProposalId = new("proposal", "id",
        "Id van een voorstel op de agenda (verplicht; vaker voor meer voorstellen), bijv. realisatiebesluit") { Repeatable = true };
    private static readonly OptionSpec ProposalTitle = new("proposal-title", "tekst",
        "Titel van het voorstel ervoor (standaard: bij één voorstel de titel van de vergadering, bij meer de id van het voorstel)") { Repeatable = true };
    private static readonly OptionSpec DecisionType = new("type", "besluitsoort",
        "Besluitsoort van het voorstel ervoor: Realisatiebesluit, Statutenwijziging, Bestuursverkiezing, Tariefbesluit of Overig (verplicht)") { Repeatable = true };
    private static readonly OptionSpec ProjectOption = new("project", "id",
        "Het project waar het voorstel ervoor over gaat (verplicht bij een realisatiebesluit)") { Repeatable = true };
    private static readonly OptionSpec Member = new("member", "lidnummer", "Het lid dat stemt (verplicht)");
    private static readonly OptionSpec Choice = new("choice", "stem", "Voor, Tegen of Onthouding (verplicht)");
    private static readonly OptionSpec Proxy = new("proxy", "lidnummer", "Het aanwezige lid dat bij volmacht voor --member stemt; staat er al een presentielijst, dan moet het lid daarop "
        + "staan (online gestemd hebben maakt niemand aanwezig); zonder presentielijst telt deze stem het lid als aanwezig");

    private static readonly OptionSpec Present = new("present", "lidnummers",
        "De aanwezige leden, met komma's gescheiden (verplicht), bijv. KWG-0001,KWG-0002; wie er al op staat blijft staan");

    public static readonly CommandSpec Members = new(
        "members",
        "Ledenregister van een coöperatie",
        "Toont het aantal leden, stemgerechtigden en woningequivalenten per categorie. Het bestuur van de coöperatie en "
        + "beheerders zien ook de leden zelf (lidnummer, naam, adres, lid sinds, stemrecht); andere rollen alleen de aantallen.",
        [Cooperative], [],
        ["warmte members ketelhuiswg", "warmte members ketelhuiswg --json > leden.json"],
        RunMembers);

    public static readonly CommandSpec AlvCreate = new(
        "alv create",
        "ALV-vergadering vastleggen met haar agenda: één of meer voorstellen (bestuur)",
        "Legt een algemene ledenvergadering vast met datum, oproepdatum en de voorstellen op de agenda. Elke --proposal begint "
        + "een voorstel; de --type, --proposal-title en --project erna horen bij dat voorstel (vóór de eerste --proposal gelden ze "
        + "voor elk voorstel zonder eigen waarde). De dienst controleert de oproeptermijn die de statuten voor elke besluitsoort "
        + "eisen. Een voorstel later toevoegen, een correctie op een gesloten besluit of een hertelling: alv proposal add. "
        + "Een verkeerde datum: alv update of alv delete.",
        [Cooperative], [MeetingId, Title, MeetingDate, NoticeDate, ProposalId, ProposalTitle, DecisionType, ProjectOption],
        ["warmte alv create ketelhuiswg --id alv-2024-12-14 --title \"ALV realisatiebesluit\" --date 2024-12-14 --notice-date 2024-11-29 "
         + "--proposal realisatiebesluit --type Realisatiebesluit --project wg-terrein",
         "warmte alv create ketelhuiswg --id alv-2026-12 --title \"ALV december\" --date 2026-12-20 --notice-date 2026-11-20 "
         + "--proposal jaarplan --type Overig --proposal-title \"Jaarplan 2027\" --proposal statuten --type Statutenwijziging "
         + "--proposal bestuur --type Bestuursverkiezing"],
        RunAlvCreate);

    private static readonly OptionSpec NewTitle = new("title", "tekst", "Nieuwe titel van de vergadering");
    private static readonly OptionSpec NewDate = new("date", "JJJJ-MM-DD", "Nieuwe vergaderdatum");
    private static readonly OptionSpec NewNoticeDate = new("notice-date", "JJJJ-MM-DD", "Nieuwe datum van de oproep");

    public static readonly CommandSpec AlvUpdate = new(
        "alv update",
        "Datum, oproepdatum of titel van een vergadering corrigeren (bestuur)",
        "Corrigeert een verkeerd ingevoerde vergadering; alleen wat u opgeeft verandert. De titel kan altijd (ook na stemmen "
        + "en sluiten; de audittrail bewaart de oude titel). Datum en oproepdatum alleen zolang er niets op de "
        + "vergadering is vastgelegd: geen presentielijst, geen stemmen of telling, geen gesloten voorstel en geen uitgegeven "
        + "stemcodes (anders 409, met wat er is vastgelegd). Dezelfde regels als bij alv create: de vergadering en "
        + "de oproep niet vóór de oprichting, de oproep niet in de toekomst en lang genoeg vooraf voor elk voorstel. "
        + "Een geplande online stemming schuift mee met een nieuwe datum of vervalt; de uitvoer zegt welke. Een nieuwe titel "
        + "geldt ook voor voorstellen die de oude titel van de vergadering hadden.",
        [Cooperative, Meeting], [NewDate, NewNoticeDate, NewTitle],
        ["warmte alv update ketelhuiswg alv-2024-12-14 --date 2024-12-21 --notice-date 2024-11-29"],
        RunAlvUpdate);

    public static readonly CommandSpec AlvDelete = new(
        "alv delete",
        "Vergadering verwijderen waarop niets is vastgelegd (bestuur)",
        "Verwijdert een vergadering die verkeerd of dubbel is ingevoerd, met haar voorstellen. Alleen zolang er niets op is "
        + "vastgelegd (zie alv update); de audittrail van de ALV bewaart wat er stond.",
        [Cooperative, Meeting], [],
        ["warmte alv delete ketelhuiswg alv-2024-12-14"],
        RunAlvDelete);

    private static readonly OptionSpec NewProposalId = new("id", "id", "Id van het nieuwe voorstel (verplicht), bijv. hertelling");
    private static readonly OptionSpec NewProposalTitle = new("title", "tekst", "Titel van het voorstel (standaard bij een correctie: \"Correctie: \" en de titel van het gecorrigeerde)");
    private static readonly OptionSpec ProposalType = new("type", "besluitsoort",
        "Realisatiebesluit, Statutenwijziging, Bestuursverkiezing, Tariefbesluit of Overig (verplicht, behalve bij een correctie: dan die van het gecorrigeerde besluit)");
    private static readonly OptionSpec ProposalProject = new("project", "id", "Het project waar het besluit over gaat (bij een correctie standaard dat van het gecorrigeerde besluit)");
    private static readonly OptionSpec Corrects = new("corrects", "vergadering/voorstel",
        "Het gesloten besluit dat dit voorstel corrigeert; op dezelfde vergadering is dat een hertelling (telfout)");
    private static readonly OptionSpec CorrectionReason = new("correction-reason", "tekst", "Waarom het besluit wordt gecorrigeerd (verplicht bij --corrects)");

    public static readonly CommandSpec AlvProposalAdd = new(
        "alv proposal add",
        "Voorstel toevoegen aan een vergadering: agendapunt, correctie of hertelling (bestuur)",
        "Voegt een voorstel toe aan een vergadering (POST …/alv/meetings/{vergadering}/proposals). Zonder --corrects is het een "
        + "agendapunt vóór de vergadering. Met --corrects vergadering/voorstel corrigeert het een gesloten besluit: op dezelfde "
        + "vergadering is het een hertelling van een telfout (binnen 14 dagen na de vergadering, alleen de stemmen van die "
        + "vergadering; online stemmen gaan ongewijzigd mee), op een latere vergadering een nieuwe stemming. De besluitsoort en "
        + "het project zijn bij een correctie die van het gecorrigeerde besluit. Daarna: alv vote of import ballots, en alv close.",
        [Cooperative, Meeting], [NewProposalId, NewProposalTitle, ProposalType, ProposalProject, Corrects, CorrectionReason],
        ["warmte alv proposal add ketelhuiswg alv-2024-12-14 --id hertelling --corrects alv-2024-12-14/realisatiebesluit --correction-reason \"Telfout: 3 volmachten niet meegeteld\"",
         "warmte alv proposal add ketelhuiswg alv-2025-06-12 --id tarief-2026 --title \"Tarief 2026\" --type Tariefbesluit"],
        RunAlvProposalAdd);

    public static readonly CommandSpec AlvShow = new(
        "alv show",
        "ALV-vergaderingen en hun uitslagen",
        "Toont per vergadering de voorstellen, hoeveel stemmen er zijn, en van gesloten voorstellen de uitslag met de "
        + "exacte aantallen en de regel uit de statuten.",
        [Cooperative], [],
        ["warmte alv show ketelhuiswg"],
        RunAlvShow);

    public static readonly CommandSpec AlvAttendance = new(
        "alv attendance",
        "Presentielijst van een vergadering aanvullen (bestuur)",
        "Zet de aanwezige leden op de presentielijst van een vergadering (POST …/alv/meetings/{vergadering}/attendance), vanaf "
        + "de vergaderdatum. Alleen leden die op de vergaderdatum lid en stemgerechtigd waren; wie er al op staat blijft staan, "
        + "niemand gaat eraf. Staat er een presentielijst, dan kan alleen een lid dat erop staat op de vergadering een volmacht "
        + "uitoefenen (alv vote --proxy).",
        [Cooperative, Meeting], [Present],
        ["warmte alv attendance ketelhuiswg alv-2024-12-14 --present KWG-0001,KWG-0002,KWG-0003"],
        RunAlvAttendance);

    public static readonly CommandSpec AlvVote = new(
        "alv vote",
        "Stem van één lid vastleggen (bestuur)",
        "Legt de stem van één lid op een voorstel vast, eventueel uitgebracht door een gevolmachtigde (--proxy). Alleen leden "
        + "die op de vergaderdatum lid en stemgerechtigd waren stemmen; een lid stemt één keer per voorstel. Dezelfde stem "
        + "nog eens sturen is onschadelijk.",
        [Cooperative, Meeting, Proposal], [Member, Choice, Proxy],
        ["warmte alv vote ketelhuiswg alv-2024-12-14 realisatiebesluit --member KWG-0001 --choice voor",
         "warmte alv vote ketelhuiswg alv-2024-12-14 realisatiebesluit --member KWG-0002 --choice tegen --proxy KWG-0003"],
        RunAlvVote);

    public static readonly CommandSpec AlvClose = new(
        "alv close",
        "Voorstel sluiten en de uitslag vastleggen (bestuur)",
        "Sluit een voorstel: de dienst telt de stemmen (of de ingevoerde telling) tegen quorum en meerderheid uit de "
        + "statuten, met exacte gehele getallen. Daarna ligt de uitslag vast; een correctie is een nieuw besluit.",
        [Cooperative, Meeting, Proposal], [],
        ["warmte alv close ketelhuiswg alv-2024-12-14 realisatiebesluit"],
        RunAlvClose);

    public static readonly CommandSpec Consent = new(
        "consent",
        "Huurdersinstemming per complex",
        "Toont per complex van de woningcorporatie: huurwoningen, akkoord, geweigerd, geen antwoord (telt als niet akkoord), "
        + "de drempel (standaard 70%), of die gehaald is, het einde van de bezwaartermijn en de prognose bij het tempo tot nu.",
        [Project], [],
        ["warmte consent wg-terrein"],
        RunConsent);

    public static readonly CommandSpec Gates = new(
        "gates",
        "Checklist van de volgende poort",
        "Toont de voorwaarden van de poort naar de volgende fase, elk vervuld of open met het bewijs: documenten, het "
        + "realisatiebesluit van de ALV (vergadering en aantallen), de huurdersinstemming per complex en of de business case sluit.",
        [Project], [],
        ["warmte gates wg-terrein"],
        RunGates);

    private static string Coop(CommandContext context) => ApiClient.Segment(context.Argument(0));

    private static async Task<int> RunMembers(CommandContext context)
    {
        var coop = context.Argument(0);
        using var summary = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{Coop(context)}/members/summary"));
        JsonDocument? list = null;
        try
        {
            list = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{Coop(context)}/members"));
        }
        catch (ApiException forbidden) when (forbidden.Response.StatusCode == 403)
        {
            // Other roles see aggregates only; that is an answer, not an error.
        }
        using (list)
        {
            if (context.Json)
            {
                context.Out.WriteLine(list is null ? JsonRead.Pretty(summary) : JsonRead.Pretty(list));
                return WarmteCli.Ok;
            }
            var s = summary.RootElement;
            context.Out.WriteLine($"Ledenregister van {coop} op {Nl.Date(s.Str("on"))}");
            context.Out.WriteLine($"  {Nl.Count(s.Int("members") ?? 0, "lid", "leden")}, waarvan {Nl.Number(s.Int("eligibleToVote"))} stemgerechtigd; "
                                  + $"{Nl.Number(s.Dec("woningequivalenten") ?? 0, 2)} woningequivalenten; {Nl.Count(s.Int("formerMembers") ?? 0, "oud-lid", "oud-leden")}.");
            var categories = new TextTable("Categorie", "Leden", "Woningequivalenten").AlignRight(1, 2);
            foreach (var c in s.Items("byCategory")) categories.Add(Category(c.Str("category")), Nl.Number(c.Int("members")), Nl.Number(c.Dec("woningequivalenten") ?? 0, 2));
            categories.WriteTo(context.Out, "  ");
            if (list is null)
            {
                context.Out.WriteLine("  Namen en adressen zijn alleen zichtbaar voor het bestuur van de coöperatie en beheerders.");
                return WarmteCli.Ok;
            }
            context.Out.WriteLine();
            var table = new TextTable("Lidnummer", "Naam", "Categorie", "WEQ", "Adres", "Lid sinds", "Uitgeschreven", "Stemrecht").AlignRight(3);
            foreach (var m in list.RootElement.EnumerateArray())
            {
                var a = m.Prop("address");
                // "Wibautstraat 14-H, 1091 GM Amsterdam" when street and town are known (tester6 T8), else "1091 GM 14-H".
                var address = a is { } x && x.Int("huisnummer") is { } n
                    ? m.Str("street") is { Length: > 0 } street
                        ? $"{street} {new Members.HouseNumber(n, x.Str("huisletter"), x.Str("toevoeging"))}, {x.Str("postcode")}{(m.Str("town") is { Length: > 0 } town ? " " + town : "")}"
                        : $"{x.Str("postcode")} {new Members.HouseNumber(n, x.Str("huisletter"), x.Str("toevoeging"))}{(m.Str("town") is { Length: > 0 } t ? " " + t : "")}"
                    : Nl.None;
                table.Add(m.Str("number"), m.Str("name"), Category(m.Str("category")), Nl.Number(m.Dec("woningequivalenten") ?? 0, 2), address,
                    Nl.Date(m.Str("joinedOn")), m.Str("leftOn") is null ? "" : Nl.Date(m.Str("leftOn")), VotingRight(m, s.Str("on")));
            }
            table.WriteTo(context.Out, "  ");
            return WarmteCli.Ok;
        }
    }

    /// <summary>
    /// The "Stemrecht" column on the register's date (the service's today, from the summary): a member
    /// who left (leftOn on or before it) or has not joined yet has none, whatever the statutes' flag
    /// <c>eligibleToVote</c> says (tester finding F19).
    /// </summary>
    internal static string VotingRight(System.Text.Json.JsonElement member, string? on)
    {
        var today = on is null ? (DateOnly?)null : DateOnly.ParseExact(on, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var left = member.Str("leftOn") is { } l ? DateOnly.ParseExact(l, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : (DateOnly?)null;
        var joined = member.Str("joinedOn") is { } j ? DateOnly.ParseExact(j, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : (DateOnly?)null;
        if (today is { } t && left is { } lo && lo <= t) return $"{Nl.None} (oud-lid)";
        if (today is { } t2 && joined is { } jo && jo > t2) return $"{Nl.None} (nog geen lid)";
        return Nl.YesNo(member.Bool("eligibleToVote"));
    }

    /// <summary>Votes as counted: whole votes, or woningequivalenten with decimals when weighted ("3,5").</summary>
    private static string Votes(System.Text.Json.JsonElement element, string name) =>
        element.Dec(name) is { } votes ? Nl.Number(votes, 2) : Nl.None;

    /// <summary>A member category as the register shows it ("eigenaar-bewoner") from the API's name ("EigenaarBewoner").</summary>
    internal static string Category(string? category) => category switch
    {
        "EigenaarBewoner" => "eigenaar-bewoner",
        "Huurder" => "huurder",
        "Bedrijf" => "bedrijf",
        "Overig" => "overig",
        _ => category ?? Nl.None,
    };

    private static async Task<int> RunAlvCreate(CommandContext context)
    {
        var command = context.Invocation.Command;
        var title = Commands.Required(context, Title);
        var body = new Dictionary<string, object?>
        {
            ["id"] = Commands.Required(context, MeetingId),
            ["title"] = title,
            ["date"] = Commands.ParseDate(Commands.Required(context, MeetingDate), MeetingDate, command)!.Value.ToString("uuuu-MM-dd", null),
            ["noticeDate"] = Commands.ParseDate(Commands.Required(context, NoticeDate), NoticeDate, command)!.Value.ToString("uuuu-MM-dd", null),
        };
        var proposals = Agenda(context.Invocation.InOrder, title, command);
        body["proposals"] = proposals.Select(p => new Dictionary<string, object?>
        {
            ["id"] = p.Id, ["title"] = p.Title, ["decisionType"] = p.Type, ["projectId"] = p.Project,
        }).ToArray();
        ApiResponse answer;
        try
        {
            answer = await context.Api.PostJsonAsync($"/api/cooperatives/{Coop(context)}/alv/meetings", JsonSerializer.Serialize(body));
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 400)
        {
            throw new ApiException(refused.Response) { Hint = AlvCreateFieldHint(refused.Response, [.. proposals.Select(p => p.Id)]) };
        }
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var m = document.RootElement;
        var agenda = m.Items("proposals").Select(p => p.Str("id")).Where(id => id is not null).ToList();
        context.Out.WriteLine($"ALV '{m.Str("id")}' op {Nl.Date(m.Str("date"))} vastgelegd (opgeroepen {Nl.Date(m.Str("noticeDate"))})"
                              + (agenda.Count == 0 ? "." : $" met {Nl.Count(agenda.Count, "voorstel", "voorstellen")}: {string.Join(", ", agenda)}."));
        return WarmteCli.Ok;
    }

    /// <summary>One proposal of <c>alv create</c> as typed.</summary>
    internal sealed record AgendaItem(string Id, string Title, string Type, string? Project);

    /// <summary>
    /// The proposals of <c>alv create</c> from its options in the order typed: each <c>--proposal</c> starts one, the
    /// <c>--type</c>, <c>--proposal-title</c> and <c>--project</c> after it are its own; given before the first
    /// <c>--proposal</c> they hold for every proposal without its own (so one proposal may take them in any order, as
    /// before). Refused with a usage message: no <c>--proposal</c>, a proposal without a type, an option twice for one proposal.
    /// </summary>
    internal static List<AgendaItem> Agenda(IReadOnlyList<(string Name, string Value)> inOrder, string meetingTitle, CommandSpec command)
    {
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = new List<(string Id, Dictionary<string, string> Own)>();
        foreach (var (name, typed) in inOrder)
        {
            var value = typed.Trim();
            if (value.Length == 0 && (name == ProposalId.Name || name == DecisionType.Name || name == ProposalTitle.Name || name == ProjectOption.Name))
                throw new UsageException($"Optie --{name} mag niet leeg zijn.", command);
            if (name == ProposalId.Name)
            {
                items.Add((value, new Dictionary<string, string>(StringComparer.Ordinal)));
                continue;
            }
            if (name != DecisionType.Name && name != ProposalTitle.Name && name != ProjectOption.Name) continue;
            var target = items.Count == 0 ? shared : items[^1].Own;
            if (!target.TryAdd(name, value))
                throw new UsageException(items.Count == 0
                    ? $"Optie --{name} staat twee keer vóór de eerste --proposal; zet elke --{name} na de --proposal waar hij bij hoort."
                    : $"Optie --{name} staat twee keer bij voorstel '{Tokens.Shorten(items[^1].Id)}'; begin elk volgend voorstel met --proposal.", command);
        }
        if (items.Count == 0)
            throw new UsageException($"Optie --{ProposalId.Name} is verplicht: het voorstel op de agenda (bijv. --proposal realisatiebesluit --type Realisatiebesluit).", command);
        return [.. items.Select(item =>
        {
            string? Get(OptionSpec option) => item.Own.TryGetValue(option.Name, out var own) ? own : shared.GetValueOrDefault(option.Name);
            var type = Get(DecisionType) ?? throw new UsageException(items.Count == 1
                ? $"Optie --{DecisionType.Name} is verplicht: de besluitsoort van het voorstel (bijv. --type Realisatiebesluit)."
                : $"Voorstel '{Tokens.Shorten(item.Id)}' heeft geen --{DecisionType.Name}; zet --type <besluitsoort> direct na --proposal {Tokens.Shorten(item.Id)}.", command);
            return new AgendaItem(item.Id, Get(ProposalTitle) ?? (items.Count == 1 ? meetingTitle : item.Id), type, Get(ProjectOption));
        })];
    }

    /// <summary>The service names API fields (proposals[0].decisionType); say which option of this command each one is (tester finding F12).</summary>
    /// <param name="proposals">The proposal ids as sent: with more than one, each field says which --proposal it belongs to.</param>
    internal static string? AlvCreateFieldHint(ApiResponse response, IReadOnlyList<string>? proposals = null)
    {
        var options = new Dictionary<string, string>
        {
            ["id"] = "--id", ["title"] = "--title", ["date"] = "--date", ["noticeDate"] = "--notice-date",
        };
        var ids = proposals is { Count: > 0 } ? proposals : [""];
        for (var i = 0; i < ids.Count; i++)
        {
            var of = ids.Count == 1 ? "" : $" bij --proposal {ids[i]}";
            options[$"proposals[{i}].id"] = "--proposal" + (ids.Count == 1 ? "" : $" ({Nl.Number(i + 1)}e)");
            options[$"proposals[{i}].title"] = "--proposal-title" + of;
            options[$"proposals[{i}].decisionType"] = "--type" + of;
            options[$"proposals[{i}].projectId"] = "--project" + of;
        }
        return Commands.FieldOptionHint(response, options);
    }

    private static string MeetingPath(CommandContext context) =>
        $"/api/cooperatives/{Coop(context)}/alv/meetings/{ApiClient.Segment(context.Argument(1))}";

    private static async Task<int> RunAlvUpdate(CommandContext context)
    {
        var command = context.Invocation.Command;
        var date = Commands.ParseDate(context.Option(NewDate), NewDate, command);
        var notice = Commands.ParseDate(context.Option(NewNoticeDate), NewNoticeDate, command);
        var title = context.Option(NewTitle);
        if (date is null && notice is null && title is null)
            throw new UsageException("Geef op wat er verandert: --date, --notice-date of --title.", command);
        var body = JsonSerializer.Serialize(new
        {
            title,
            date = date?.ToString("uuuu-MM-dd", null),
            noticeDate = notice?.ToString("uuuu-MM-dd", null),
        });
        ApiResponse answer;
        try
        {
            answer = await context.Api.SendAsync(HttpMethod.Patch, MeetingPath(context), body, CancellationToken.None);
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 400)
        {
            throw new ApiException(refused.Response) { Hint = AlvCreateFieldHint(refused.Response) };
        }
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var m = document.RootElement;
        context.Out.WriteLine($"ALV '{m.Str("id")}' gecorrigeerd: {m.Str("title")} op {Nl.Date(m.Str("date"))}, opgeroepen {Nl.Date(m.Str("noticeDate"))}.");
        // What the correction did to a planned online voting (moved with the date, or lapsed): the board must know.
        if (m.Str("onlineVotingChange") is { } online) context.Out.WriteLine($"  {online}");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunAlvDelete(CommandContext context)
    {
        using var document = Commands.Parse(await context.Api.SendAsync(HttpMethod.Delete, MeetingPath(context), null, CancellationToken.None));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var m = document.RootElement;
        context.Out.WriteLine($"ALV '{m.Str("id")}' van {Nl.Date(m.Str("date"))} verwijderd.");
        if (m.Str("onlineVotingChange") is { } online) context.Out.WriteLine($"  {online}");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunAlvProposalAdd(CommandContext context)
    {
        var command = context.Invocation.Command;
        var id = Commands.Required(context, NewProposalId);
        var corrects = context.Option(Corrects);
        string? title = context.Option(NewProposalTitle), type = context.Option(ProposalType), project = context.Option(ProposalProject);
        var reason = context.Option(CorrectionReason);
        if (corrects is null)
        {
            if (reason is not null) throw new UsageException("--correction-reason hoort bij --corrects.", command);
            title ??= Commands.Required(context, NewProposalTitle);
            type ??= Commands.Required(context, ProposalType);
        }
        else
        {
            reason ??= Commands.Required(context, CorrectionReason);
            // A correction is about the same question as the decision it corrects: take its type, project and title.
            if (corrects.Split('/') is [var targetMeeting, var targetProposal] && targetMeeting.Length > 0 && targetProposal.Length > 0)
            {
                using var meeting = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{Coop(context)}/alv/meetings/{ApiClient.Segment(targetMeeting)}"));
                if (meeting.RootElement.Items("proposals").FirstOrDefault(p => p.Str("id") == targetProposal) is { ValueKind: JsonValueKind.Object } target)
                {
                    type ??= target.Str("decisionType");
                    project ??= target.Str("projectId");
                    title ??= $"Correctie: {target.Str("title")}";
                }
            }
        }
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id, ["title"] = title, ["decisionType"] = type, ["projectId"] = project, ["corrects"] = corrects, ["correctionReason"] = reason,
        });
        ApiResponse answer;
        try
        {
            answer = await context.Api.PostJsonAsync($"{MeetingPath(context)}/proposals", body);
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 400)
        {
            throw new ApiException(refused.Response) { Hint = ProposalFieldHint(refused.Response, Coop(context), context.Argument(1)) };
        }
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var added = document.RootElement.Items("proposals").FirstOrDefault(p => p.Str("id") == id);
        context.Out.WriteLine(corrects is null
            ? $"Voorstel '{id}' toegevoegd aan ALV '{context.Argument(1)}'."
            : corrects.Split('/')[0] == context.Argument(1)
                ? $"Hertelling '{id}' van {corrects} toegevoegd aan ALV '{context.Argument(1)}'; leg de stemmen vast (alv vote, import ballots) en sluit met alv close."
                : $"Correctie '{id}' van {corrects} op de agenda van ALV '{context.Argument(1)}'.");
        if (added.ValueKind == JsonValueKind.Object && (added.Int("ballotCount") ?? 0) > 0)
            context.Out.WriteLine($"  {Nl.Count(added.Int("ballotCount") ?? 0, "online stem gaat", "online stemmen gaan")} ongewijzigd mee.");
        return WarmteCli.Ok;
    }

    /// <summary>
    /// The service names API fields (body.corrects); say which option of this command each one is. Except when the
    /// meeting's notice is too short for the proposal (problem code proposal-notice-too-short): that error is on
    /// decisionType, but --type is not what to change (tester5 T2), so the hint says what is.
    /// </summary>
    internal static string? ProposalFieldHint(ApiResponse response, string cooperative, string meeting)
    {
        using (var problem = response.TryParse())
            if (problem?.RootElement.Str("code") == "proposal-notice-too-short")
                return "Niet de besluitsoort is het probleem, maar de oproeptermijn. Zet het voorstel op de agenda van een latere vergadering "
                       + $"(warmte alv proposal add {cooperative} <latere vergadering> ...), of verstuur een nieuwe oproep met dit voorstel, "
                       + $"leg die oproepdatum vast met warmte alv update {cooperative} {meeting} --notice-date JJJJ-MM-DD "
                       + "(zo nodig met een latere --date) en voeg het voorstel daarna opnieuw toe.";
        var options = new Dictionary<string, string>
        {
            ["body.id"] = "--id", ["body.title"] = "--title", ["body.decisionType"] = "--type", ["body.projectId"] = "--project",
            ["body.corrects"] = "--corrects", ["body.correctionReason"] = "--correction-reason", ["corrects"] = "--corrects",
            ["id"] = "--id", ["title"] = "--title", ["decisionType"] = "--type", ["projectId"] = "--project", ["correctionReason"] = "--correction-reason",
        };
        return Commands.FieldOptionHint(response, options);
    }

    private static async Task<int> RunAlvShow(CommandContext context)
    {
        var coop = context.Argument(0);
        using var meetings = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{Coop(context)}/alv/meetings"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(meetings)); return WarmteCli.Ok; }
        var all = meetings.RootElement.EnumerateArray().ToList();
        if (all.Count == 0) { context.Out.WriteLine($"{coop} heeft nog geen ALV-vergaderingen vastgelegd."); return WarmteCli.Ok; }
        // Which closed decisions a later closed correction replaced, as the dashboard marks them (tester finding A9).
        var replacedBy = new Dictionary<string, string>();
        foreach (var m in all)
            foreach (var p in m.Items("proposals"))
                if (p.Str("corrects") is { } corrected && p.Bool("isClosed") == true) replacedBy[corrected] = $"{m.Str("id")}/{p.Str("id")}";
        foreach (var m in all)
        {
            context.Out.WriteLine($"{m.Str("title")} ({m.Str("id")}) op {Nl.Date(m.Str("date"))}, opgeroepen {Nl.Date(m.Str("noticeDate"))}"
                                  + (m.Str("secondMeetingOf") is { } first ? $"; tweede vergadering na {first}" : ""));
            foreach (var p in m.Items("proposals"))
            {
                var what = $"  {p.Str("id")}: {p.Str("title")} [{p.Str("decisionType")}{(p.Str("projectId") is { } project ? ", " + project : "")}]";
                context.Out.WriteLine(p.Bool("isClosed") == true
                    ? $"{what}\n    {ResultText(p)}"
                    : $"{what}\n    Open: {OpenCounts(p)}"
                      + (p.Prop("tallyCounts") is { } t ? $", telling {Votes(t, "for")} voor / {Votes(t, "against")} tegen / {Votes(t, "abstain")} onthouding" : "") + ".");
                if (p.Str("corrects") is { } corrects) context.Out.WriteLine($"    Correctie op {corrects}: {p.Str("correctionReason")}");
                if (replacedBy.TryGetValue($"{m.Str("id")}/{p.Str("id")}", out var by))
                    context.Out.WriteLine($"    Vervangen door de correctie {by}; dit besluit geldt niet meer.");
                // Closed under a rule below the law (statutes stored before it was enforced): the board must see it (review2 F10).
                if (p.Str("lawNote") is { } lawNote) context.Out.WriteLine($"    Let op: {lawNote}");
            }
        }
        return WarmteCli.Ok;
    }

    private static async Task<int> RunAlvAttendance(CommandContext context)
    {
        var command = context.Invocation.Command;
        var raw = Commands.Required(context, Present);
        var parts = raw.Split(',').Select(p => p.Trim()).ToList();
        if (parts.Any(p => p.Length == 0))
            throw new UsageException($"Optie --present bevat een leeg lidnummer ('{raw}'); scheid de lidnummers met één komma, bijv. KWG-0001,KWG-0002.", command);
        ApiResponse answer;
        try
        {
            answer = await context.Api.PostJsonAsync($"{MeetingPath(context)}/attendance", JsonSerializer.Serialize(new { present = parts }));
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 400)
        {
            // The service names present[i]; say which number of --present that is.
            var options = parts.Select((number, i) => (number, i)).ToDictionary(x => $"present[{x.i}]", x => $"lid {x.number} in --present");
            options["present"] = "--present";
            throw new ApiException(refused.Response) { Hint = Commands.FieldOptionHint(refused.Response, options) };
        }
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var total = document.RootElement.Int("presentCount") ?? 0;
        // How many were new and how many already on the list: a list handed in twice visibly changes nothing.
        var added = document.RootElement.Int("added");
        var already = document.RootElement.Int("alreadyPresent");
        var what = added is not { } a || already is not { } p ? "bijgewerkt"
            : (a == 0 ? "niemand bijgeschreven" : $"{Nl.Count(a, "lid", "leden")} bijgeschreven")
              + (p == 0 ? "" : $", {p} {(p == 1 ? "stond" : "stonden")} er al op");
        context.Out.WriteLine($"Presentielijst van ALV '{context.Argument(1)}' ({string.Join(", ", parts)}): {what}; "
                              + $"{Nl.Count(total, "aanwezige", "aanwezigen")} in totaal.");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunAlvVote(CommandContext context)
    {
        var body = new Dictionary<string, object?>
        {
            ["memberNumber"] = Commands.Required(context, Member),
            ["choice"] = Commands.Required(context, Choice),
            ["proxyHolder"] = context.Option(Proxy),
        };
        var path = $"/api/cooperatives/{Coop(context)}/alv/meetings/{ApiClient.Segment(context.Argument(1))}/proposals/{ApiClient.Segment(context.Argument(2))}/ballots";
        ApiResponse answer;
        try
        {
            answer = await context.Api.PostJsonAsync(path, JsonSerializer.Serialize(body));
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 409 && body["proxyHolder"] is string holder
                                           && HasCode(refused.Response, "proxy-holder-absent"))
        {
            throw new ApiException(refused.Response)
            {
                Hint = $"In deze opdracht: proxyHolder is --proxy. Is lid {holder} er wel, zet het lid dan eerst op de presentielijst: "
                       + $"warmte alv attendance {context.Argument(0)} {context.Argument(1)} --present {holder}",
            };
        }
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        context.Out.WriteLine($"Stem van lid {body["memberNumber"]} vastgelegd; {Nl.Count(document.RootElement.Int("ballotCount") ?? 0, "stem", "stemmen")} op dit voorstel.");
        return WarmteCli.Ok;
    }

    private static bool HasCode(ApiResponse response, string code)
    {
        using var problem = response.TryParse();
        return problem?.RootElement.Str("code") == code;
    }

    private static async Task<int> RunAlvClose(CommandContext context)
    {
        var path = $"/api/cooperatives/{Coop(context)}/alv/meetings/{ApiClient.Segment(context.Argument(1))}/proposals/{ApiClient.Segment(context.Argument(2))}/close";
        using var document = Commands.Parse(await context.Api.PostJsonAsync(path, "{}"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var result = document.RootElement.Prop("closed")?.Prop("result");
        context.Out.WriteLine($"Voorstel {context.Argument(2)} gesloten.");
        if (result is { } r)
            context.Out.WriteLine($"  {Outcome(r.Str("outcome"))}: {Votes(r, "for")} voor, {Votes(r, "against")} tegen, {Votes(r, "abstain")} {(r.Dec("abstain") == 1 ? "onthouding" : "onthoudingen")} — "
                                  + $"{Nl.Percent((r.Dec("forPercent") ?? 0m) / 100m)} van {Votes(r, "denominator")}; "
                                  + $"{r.Int("presentOrRepresented")} van {r.Int("eligibleMembers")} stemgerechtigden aanwezig of vertegenwoordigd.");
        // What closing left out (members not eligible on the meeting date), as the service words it.
        if (result is { } withLeftOut && withLeftOut.TryGetProperty("leftOut", out var leftOut) && leftOut.ValueKind == JsonValueKind.Array)
            foreach (var line in leftOut.EnumerateArray()) context.Out.WriteLine($"  {line.GetString()}.");
        return WarmteCli.Ok;
    }

    /// <summary>
    /// The service's result text: the share "for" is already written with two decimals ("80,00%", tester findings A9,
    /// T8.5) by the one formatter, <c>VoteResult.Describe</c>.
    /// </summary>
    /// <summary>
    /// What an open proposal holds so far: the ballots per member and, when the paper count was entered, that it
    /// waits to be closed (sealed: no figures before closing). A recorded tally is not "0 stemmen" (tester T8.1).
    /// </summary>
    private static string OpenCounts(JsonElement proposal)
    {
        var ballots = proposal.Int("ballotCount") ?? 0;
        if (proposal.Bool("tallyRecorded") != true) return $"{Nl.Count(ballots, "stem", "stemmen")} per lid vastgelegd";
        return "telling van de papieren stemming vastgelegd (de cijfers blijven verzegeld tot het sluiten)"
            + (ballots > 0 ? $", daarnaast {Nl.Count(ballots, "stem", "stemmen")} per lid" : "");
    }

    private static string? ResultText(JsonElement proposal) => proposal.Str("resultText");

    private static string Outcome(string? outcome) => outcome switch
    {
        "Aangenomen" => "Aangenomen",
        "Verworpen" => "Verworpen",
        "GeenQuorum" => "Geen quorum",
        _ => outcome ?? Nl.None,
    };

    private static async Task<int> RunConsent(CommandContext context)
    {
        var project = context.Argument(0);
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/consent"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var c = document.RootElement;
        if (c.Str("notApplicableReason") is { } reason)
        {
            context.Out.WriteLine($"Huurdersinstemming voor {project}: niet van toepassing ({reason}).");
            return WarmteCli.Ok;
        }
        var complexes = c.Items("complexes").ToList();
        if (complexes.Count == 0)
        {
            context.Out.WriteLine($"Voor {project} zijn nog geen complexen met huurwoningen vastgelegd.");
            return WarmteCli.Ok;
        }
        context.Out.WriteLine($"Huurdersinstemming voor {project} op {Nl.Date(c.Str("on"))}: {Nl.Number(c.Int("agreed"))} van {Nl.Number(c.Int("rentedHomes"))} "
                              + $"huishoudens akkoord ({Nl.Percent((c.Dec("agreedPercent") ?? 0m) / 100m)}); "
                              + (c.Bool("allReached") == true ? "in elk complex gehaald." : "nog niet in elk complex gehaald."));
        var table = new TextTable("Complex", "Corporatie", "Woningen", "Akkoord", "Geweigerd", "Geen antwoord", "Nodig", "Gehaald", "Bezwaartermijn tot")
            .AlignRight(2, 3, 4, 5, 6);
        foreach (var x in complexes)
            table.Add(x.Str("name"), x.Str("corporation"), Nl.Number(x.Int("rentedHomes")),
                $"{Nl.Number(x.Int("agreed"))} ({Nl.Percent((x.Dec("agreedPercent") ?? 0m) / 100m)})", Nl.Number(x.Int("refused")),
                Nl.Number(x.Int("noResponse")), Nl.Number(x.Int("required")), Reached(x), Nl.Date(x.Str("objectionPeriodEnds")));
        table.WriteTo(context.Out, "  ");
        // Judged at another threshold than the one stored (the law's 70%, or every tenant in a small complex): review2 F10.
        foreach (var x in complexes)
            if (x.Str("note") is { } note) context.Out.WriteLine($"  Let op, {x.Str("name")}: {note}");
        foreach (var x in complexes)
            if (x.Bool("reached") == true && x.Str("reachedOnNote") is { } reachedNote) context.Out.WriteLine($"  {x.Str("name")}: {reachedNote}");
        foreach (var x in complexes.Where(x => x.Bool("reached") != true))
            context.Out.WriteLine($"  {x.Str("name")}: {x.Prop("forecast")?.Str("explanation")}");
        return WarmteCli.Ok;
    }

    /// <summary>"ja, op 15-03-2026" (reachedOn: the date of the answer that met the threshold; tester T10c), "ja" when that day is not known, "nee".</summary>
    private static string Reached(JsonElement complex) =>
        complex.Bool("reached") != true ? Nl.YesNo(false)
        : complex.Str("reachedOn") is { } on ? $"{Nl.YesNo(true)}, op {Nl.Date(on)}"
        : Nl.YesNo(true);

    private static async Task<int> RunGates(CommandContext context)
    {
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(context.Argument(0))}/gate"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        context.Out.WriteLine($"{document.RootElement.Str("project") ?? context.Argument(0)}: fase {document.RootElement.Str("phase")}");
        Views.Gate(document.RootElement, context.Out);
        return WarmteCli.Ok;
    }
}
