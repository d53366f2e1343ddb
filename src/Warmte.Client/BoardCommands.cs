using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using Warmte.Common;
using Warmte.Gates;

namespace Warmte.Client;

/// <summary>
/// A board's first steps without curl (tester9a T7): <c>warmte cooperative create</c>, <c>warmte project create</c>,
/// <c>warmte project deliverable</c>, <c>warmte consent complex</c>, <c>warmte alv statutes</c>, <c>warmte wcw</c> and
/// <c>warmte wcw set</c>. The CLI checks what it can read itself (ids, dates, numbers, yes/no, known document keys) before
/// anything is sent; the service judges the rest and its refusals are printed as it words them.
/// </summary>
internal static class BoardCommands
{
    private static readonly ArgumentSpec CooperativeArgument = new("coop", "de id van de coöperatie (bijv. ketelhuiswg)");
    private static readonly ArgumentSpec ProjectArgument = new("project", "de id van het project (bijv. wg-terrein)");

    // ---- cooperative create ----

    private static readonly OptionSpec CoopId = new("id", "id", "Id van de nieuwe coöperatie (verplicht): kleine letters, cijfers en koppeltekens, bijv. zuidwarmte");
    private static readonly OptionSpec CoopName = new("name", "naam", "Statutaire naam (verplicht), bijv. \"Coöperatie Zuidwarmte U.A.\"");
    private static readonly OptionSpec CoopKind = new("kind", "soort",
        "Soort coöperatie (verplicht): warmtenet, lokale-opwek, stadsbrede-opwek of communicatie")
    { Suggestions = ["warmtenet", "lokale-opwek", "stadsbrede-opwek", "communicatie"] };
    private static readonly OptionSpec CoopMunicipality = new("municipality", "gemeente", "Gemeente (verplicht), bijv. Amsterdam");
    private static readonly OptionSpec CoopFounded = new("founded", "JJJJ-MM-DD", "Oprichtingsdatum (datum van de akte; 18-12-2019 mag ook)");

    public static readonly CommandSpec CooperativeCreate = new(
        "cooperative create",
        "Nieuwe coöperatie aanmaken (beheerder)",
        "Maakt een coöperatie aan: id, statutaire naam, soort en gemeente. Alleen een beheerder (admin) mag dit; daarna maakt "
        + "het bestuur haar projecten aan met warmte project create. Een token voor het bestuur maakt de beheerder met POST /api/tokens, "
        + "of op de server met Warmte.Silo token create --role board:<id> --name \"Bestuur …\" en de opslaginstellingen van de dienst "
        + "(--data-dir, of in een cluster --Storage:Provider PostgreSQL --Storage:ConnectionString …).",
        [], [CoopId, CoopName, CoopKind, CoopMunicipality, CoopFounded],
        ["warmte cooperative create --id zuidwarmte --name \"Coöperatie Zuidwarmte U.A.\" --kind warmtenet --municipality Amsterdam --founded 2024-03-01"],
        RunCooperativeCreate);

    /// <summary>The kinds as boards say them, with the API's names (also accepted as typed).</summary>
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["warmtenet"] = "HeatNetwork", ["lokale-opwek"] = "LocalGeneration", ["stadsbrede-opwek"] = "CityWideGeneration",
        ["communicatie"] = "Communication", ["HeatNetwork"] = "HeatNetwork", ["LocalGeneration"] = "LocalGeneration",
        ["CityWideGeneration"] = "CityWideGeneration", ["Communication"] = "Communication",
    };

    private static async Task<int> RunCooperativeCreate(CommandContext context)
    {
        var command = context.Invocation.Command;
        var id = SlugOption(context, CoopId);
        var name = Commands.Required(context, CoopName);
        var kindText = Commands.Required(context, CoopKind);
        if (!Kinds.TryGetValue(kindText, out var kind))
            throw new UsageException($"'{Tokens.Shorten(kindText)}' is geen soort voor --kind; kies warmtenet, lokale-opwek, stadsbrede-opwek of communicatie.", command);
        var municipality = Commands.Required(context, CoopMunicipality);
        var founded = Commands.ParseDate(context.Option(CoopFounded), CoopFounded, command);
        var body = new JsonObject { ["id"] = id, ["statutoryName"] = name, ["kind"] = kind, ["municipality"] = municipality };
        if (founded is { } f) body["foundedOn"] = Iso(f);
        var answer = await Send(context, HttpMethod.Post, "/api/cooperatives", body, new()
        {
            ["id"] = "--id", ["statutoryName"] = "--name", ["kind"] = "--kind", ["municipality"] = "--municipality", ["foundedOn"] = "--founded",
        });
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var cooperative = document.RootElement.Prop("cooperative") ?? document.RootElement;
        context.Out.WriteLine($"Coöperatie '{cooperative.Str("id") ?? id}' ({cooperative.Str("statutoryName") ?? name}) aangemaakt.");
        context.Out.WriteLine($"Volgende stap, het eerste project: warmte project create {id} --id <project> --name \"<naam>\"");
        // Said for both set-ups: a cluster keeps its tokens in PostgreSQL, and a verb without those settings would look in an
        // empty SQLite folder (tester10 T5).
        context.Out.WriteLine($"Een token voor het bestuur: als beheerder via de API, POST /api/tokens met {{\"name\":\"Bestuur {name}\",\"role\":\"board:{id}\"}};");
        context.Out.WriteLine($"  of op de server: Warmte.Silo token create --role board:{id} --name \"Bestuur {name}\" met de opslag van de dienst:");
        context.Out.WriteLine("  --data-dir <map van de dienst> (één silo), of in een cluster --Storage:Provider PostgreSQL --Storage:ConnectionString \"…\" (of Storage__*).");
        return WarmteCli.Ok;
    }

    // ---- project create ----

    private static readonly OptionSpec ProjectId = new("id", "id", "Id van het nieuwe project (verplicht): kleine letters, cijfers en koppeltekens, bijv. warmtenet-zuid");
    private static readonly OptionSpec ProjectName = new("name", "naam", "Naam van het project (verplicht), bijv. \"Warmtenet Zuid\"");
    private static readonly OptionSpec Weq = new("woningequivalenten", "aantal", "Aantal woningequivalenten (heel getal), bijv. 600");
    private static readonly OptionSpec Connections = new("connections", "aantal", "Geplande aansluitingen (heel getal), bijv. 550; telt voor de Wcw-grootteklasse");
    private static readonly OptionSpec Technology = new("technology", "tekst", "Techniek, bijv. \"aquathermie (TEO) met WKO\"");
    private static readonly OptionSpec Started = new("started", "JJJJ-MM-DD", "Startdatum van het project (standaard vandaag; 01-03-2024 mag ook)");

    public static readonly CommandSpec ProjectCreate = new(
        "project create",
        "Nieuw project aanmaken bij een coöperatie (bestuur)",
        "Maakt een project aan bij de coöperatie; het begint in fase Initiatief. Daarna legt het bestuur de stukken van de eerste "
        + "poort vast met warmte project deliverable en neemt het poortbesluit met warmte project advance.",
        [CooperativeArgument], [ProjectId, ProjectName, Weq, Connections, Technology, Started],
        [
            "warmte project create zuidwarmte --id warmtenet-zuid --name \"Warmtenet Zuid\" --woningequivalenten 600 --connections 550 --started 2024-03-01",
        ],
        RunProjectCreate);

    private static async Task<int> RunProjectCreate(CommandContext context)
    {
        var command = context.Invocation.Command;
        var cooperative = context.Argument(0);
        var id = SlugOption(context, ProjectId);
        var name = Commands.Required(context, ProjectName);
        var body = new JsonObject { ["id"] = id, ["name"] = name };
        if (WholeNumber(context, Weq) is { } weq) body["woningequivalenten"] = weq;
        if (WholeNumber(context, Connections) is { } connections) body["plannedConnections"] = connections;
        if (context.Option(Technology) is { } technology) body["technology"] = technology.Trim();
        if (Commands.ParseDate(context.Option(Started), Started, command) is { } started) body["startedOn"] = Iso(started);
        var answer = await Send(context, HttpMethod.Post, $"/api/cooperatives/{ApiClient.Segment(cooperative)}/projects", body, new()
        {
            ["id"] = "--id", ["name"] = "--name", ["woningequivalenten"] = "--woningequivalenten", ["plannedConnections"] = "--connections",
            ["technology"] = "--technology", ["startedOn"] = "--started",
        });
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var project = document.RootElement;
        context.Out.WriteLine($"Project '{project.Str("id") ?? id}' ({project.Str("name") ?? name}) aangemaakt bij {cooperative}: "
                              + $"fase {project.Str("phase") ?? "Initiatief"} sinds {Nl.Date(project.Str("phaseSince"))}.");
        Views.Gate(project, context.Out);
        context.Out.WriteLine($"Leg een stuk vast met: warmte project deliverable {id} <stuk> --on JJJJ-MM-DD (het stuk tussen [ ] hierboven)");
        return WarmteCli.Ok;
    }

    // ---- project deliverable ----

    private static readonly ArgumentSpec DeliverableKey = new("stuk", "het stuk van de poortchecklist (bijv. intentieverklaring)")
    {
        Suggestions = [.. GateRules.Deliverables.Select(d => d.Key)],
    };
    private static readonly OptionSpec PresentOn = new("on", "JJJJ-MM-DD", "Sinds wanneer het stuk er is (standaard vandaag; 15-04-2024 mag ook)");
    private static readonly OptionSpec Reference = new("reference", "tekst", "Waar het stuk te vinden is, bijv. \"LOI gemeente, map Bestuur/2024\"");
    private static readonly OptionSpec Withdraw = new("withdraw", null, "Trek een vastgelegd stuk in (bijv. per vergissing afgevinkt)");

    public static readonly CommandSpec ProjectDeliverable = new(
        "project deliverable",
        "Stuk van de poortchecklist vastleggen of intrekken (bestuur)",
        "Legt vast dat een document of besluit dat een poort vraagt er is (de intentieverklaring, de haalbaarheidsstudie, de "
        + "vergunningen …), met datum en waar het te vinden is. Welke stukken de volgende poort vraagt en hun namen tussen [ ] "
        + "toont warmte project show. Het realisatiebesluit, de huurdersinstemming en 'financiering sluit' vinkt u niet af: "
        + "die volgen uit de ALV, de instemming per complex en de bewaarde business case. Stukken: "
        + string.Join(", ", GateRules.Deliverables.Select(d => d.Key)) + ".",
        [ProjectArgument, DeliverableKey], [PresentOn, Reference, Withdraw],
        [
            "warmte project deliverable warmtenet-zuid intentieverklaring --on 2024-04-15 --reference \"LOI gemeente\"",
            "warmte project deliverable warmtenet-zuid bewonersgroep --withdraw",
        ],
        RunProjectDeliverable);

    private static async Task<int> RunProjectDeliverable(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var key = context.Argument(1).ToLowerInvariant();
        if (GateRules.ComputedConditions.TryGetValue(key, out var computed))
            throw new UsageException($"'{key}' vinkt u niet af: het {computed}.", command);
        var definition = GateRules.FindDeliverable(key) ?? throw new UsageException(
            $"Onbekend stuk '{Tokens.Shorten(context.Argument(1))}'. Kies uit: {string.Join(", ", GateRules.Deliverables.Select(d => d.Key))}.", command);
        var path = $"/api/projects/{ApiClient.Segment(project)}/deliverables/{ApiClient.Segment(key)}";
        ApiResponse answer;
        if (context.Invocation.Flag(Withdraw))
        {
            if (context.Option(PresentOn) is not null || context.Option(Reference) is not null)
                throw new UsageException("--withdraw gaat niet samen met --on of --reference.", command);
            answer = await context.Api.SendAsync(HttpMethod.Delete, path, null, CancellationToken.None);
        }
        else
        {
            var on = Commands.ParseDate(context.Option(PresentOn), PresentOn, command) ?? context.Today();
            var body = new JsonObject { ["presentOn"] = Iso(on) };
            if (context.Option(Reference) is { } reference) body["reference"] = reference.Trim();
            answer = await Send(context, HttpMethod.Put, path, body, new() { ["presentOn"] = "--on", ["reference"] = "--reference" });
        }
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var view = document.RootElement;
        var stored = view.Items("deliverables").FirstOrDefault(d => d.Str("key") == key);
        context.Out.WriteLine(context.Invocation.Flag(Withdraw)
            ? $"{definition.Name} ingetrokken voor {project}."
            : $"{definition.Name} vastgelegd voor {project}: aanwezig sinds {Nl.Date(stored.ValueKind == JsonValueKind.Object ? stored.Str("presentOn") : null)}"
              + (stored.ValueKind == JsonValueKind.Object && stored.Str("reference") is { Length: > 0 } r ? $" ({r})" : "") + ".");
        if (view.Prop("nextGate") is not null) Views.Gate(view, context.Out);
        return WarmteCli.Ok;
    }

    // ---- consent complex ----

    private static readonly ArgumentSpec ComplexArgument = new("complex", "de id van het complex (bijv. wagenaar-9)");
    private static readonly OptionSpec ComplexName = new("name", "naam", "Naam van het complex (verplicht voor een nieuw complex), bijv. \"Wagenaarstraat 9-41\"");
    private static readonly OptionSpec Corporation = new("corporation", "naam", "Woningcorporatie die de woningen verhuurt (verplicht voor een nieuw complex), bijv. Stadgenoot");
    private static readonly OptionSpec RentedHomes = new("rented-homes", "aantal", "Aantal huurwoningen in het complex (verplicht voor een nieuw complex), bijv. 48");
    private static readonly OptionSpec Threshold = new("threshold", "drempel",
        "Drempel, bijv. 70% of 3/4 (standaard 70%; onder 10 woningen moet elke huurder instemmen)");
    private static readonly OptionSpec ProposalDate = new("proposal-date", "JJJJ-MM-DD", "Datum van het renovatievoorstel aan de huurders");
    private static readonly OptionSpec Deadline = new("deadline", "JJJJ-MM-DD", "Uiterste datum voor de antwoorden");

    public static readonly CommandSpec ConsentComplex = new(
        "consent complex",
        "Complex met huurwoningen vastleggen of bijwerken (bestuur)",
        "Legt een complex (bouwkundige eenheid) van een woningcorporatie vast bij het project: naam, corporatie, aantal "
        + "huurwoningen en de drempel (70% van alle huurders, BW 7:220). Voor een nieuw complex zijn --name, --corporation en "
        + "--rented-homes verplicht; bij een bestaand complex verandert alleen wat u opgeeft. Daarna leest warmte import consent "
        + "de akkoordverklaringen in.",
        [ProjectArgument, ComplexArgument], [ComplexName, Corporation, RentedHomes, Threshold, ProposalDate, Deadline],
        [
            "warmte consent complex dapperbuurt wagenaar-9 --name \"Wagenaarstraat 9-41\" --corporation Stadgenoot --rented-homes 48 --proposal-date 2025-01-15",
            "warmte consent complex dapperbuurt wagenaar-9 --rented-homes 50",
        ],
        RunConsentComplex);

    private static async Task<int> RunConsentComplex(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var complexId = context.Argument(1);
        if (!Slug.IsValid(complexId))
            throw new UsageException($"'{Tokens.Shorten(complexId)}' is geen geldige id voor het complex: gebruik 2 tot {Slug.MaxLength} kleine letters, "
                                     + "cijfers en koppeltekens, beginnend met een letter (bijv. wagenaar-9).", command);
        var homes = WholeNumber(context, RentedHomes);
        var proposal = Commands.ParseDate(context.Option(ProposalDate), ProposalDate, command);
        var deadline = Commands.ParseDate(context.Option(Deadline), Deadline, command);
        var threshold = context.Option(Threshold)?.Trim();
        if (threshold is not null && Warmte.Alv.Share.Parse(threshold) is null)
            throw new UsageException($"'{Tokens.Shorten(threshold)}' is geen drempel voor --threshold; schrijf bijv. 70% of 3/4.", command);

        // The service records the whole complex: what is not given is taken from the stored complex, so that changing one
        // value does not clear the others.
        using var current = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/consent"));
        var stored = current.RootElement.Items("complexes").FirstOrDefault(c => c.Str("id") == complexId);
        var exists = stored.ValueKind == JsonValueKind.Object;
        if (!exists)
        {
            var missing = new[] { ComplexName, Corporation, RentedHomes }.Where(o => string.IsNullOrWhiteSpace(context.Option(o))).ToList();
            if (missing.Count > 0)
                throw new UsageException($"Complex '{complexId}' is nieuw; geef ook {string.Join(", ", missing.Select(o => "--" + o.Name))} op.", command);
        }
        var body = new JsonObject
        {
            ["name"] = context.Option(ComplexName)?.Trim() ?? stored.Str("name"),
            ["corporation"] = context.Option(Corporation)?.Trim() ?? stored.Str("corporation"),
            ["rentedHomes"] = homes ?? (exists ? stored.Int("rentedHomes") : null),
        };
        if (threshold is not null) body["threshold"] = threshold;
        else if (exists && stored.Prop("threshold") is { } t && t.Int("numerator") is { } n && t.Int("denominator") is { } d
                 && homes is null) body["threshold"] = $"{n}/{d}";
        if ((proposal ?? (exists ? DateOf(stored.Str("proposalDate")) : null)) is { } p) body["proposalDate"] = Iso(p);
        if ((deadline ?? (exists ? DateOf(stored.Str("deadline")) : null)) is { } dl) body["deadline"] = Iso(dl);

        var answer = await Send(context, HttpMethod.Put, $"/api/projects/{ApiClient.Segment(project)}/consent/complexes/{ApiClient.Segment(complexId)}", body, new()
        {
            ["name"] = "--name", ["corporation"] = "--corporation", ["rentedHomes"] = "--rented-homes", ["threshold"] = "--threshold",
            ["proposalDate"] = "--proposal-date", ["deadline"] = "--deadline",
        });
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var complex = document.RootElement.Items("complexes").FirstOrDefault(c => c.Str("id") == complexId);
        var shown = complex.ValueKind == JsonValueKind.Object ? complex : default;
        context.Out.WriteLine($"Complex '{complexId}' {(exists ? "bijgewerkt" : "vastgelegd")} voor {project}: {shown.Str("name") ?? Nl.None} "
                              + $"({shown.Str("corporation") ?? Nl.None}), {Nl.Count(shown.Int("rentedHomes") ?? 0, "huurwoning", "huurwoningen")}, "
                              + $"{Nl.Number(shown.Int("required"))} akkoord nodig.");
        context.Out.WriteLine($"Akkoordverklaringen inlezen: warmte import consent {project} {complexId} <bestand>");
        return WarmteCli.Ok;
    }

    // ---- alv statutes ----

    private static readonly OptionSpec Quorum = new("quorum", "deel", "Quorum: welk deel van de leden aanwezig of vertegenwoordigd moet zijn, bijv. 1/2, 50% of 0");
    private static readonly OptionSpec Majority = new("majority", "deel", "Meerderheid van de uitgebrachte stemmen, bijv. 1/2 of 2/3");
    private static readonly OptionSpec MajorityRule = new("majority-rule", "regel", "meer-dan (meer dan het deel van --majority, gelijk is niet genoeg) of minstens (gelijk is genoeg)")
    { Suggestions = ["meer-dan", "minstens"] };
    private static readonly OptionSpec AbstentionsCount = new("abstentions-count", "ja|nee", "Tellen onthoudingen mee als uitgebrachte stem?");
    private static readonly OptionSpec MaxProxies = new("max-proxies", "aantal", "Hoeveel volmachten één aanwezige hoogstens mag hebben (0: geen volmachten)");
    private static readonly OptionSpec Weighting = new("weighting", "weging", "per-lid (één lid één stem) of per-weq (gewogen naar woningequivalenten)")
    { Suggestions = ["per-lid", "per-weq"] };
    private static readonly OptionSpec SecondMeeting = new("second-meeting", "ja|nee", "Mag een tweede vergadering zonder quorum besluiten?");
    private static readonly OptionSpec NoticeDays = new("notice-days", "dagen", "Oproeptermijn in dagen (de wet vraagt minstens 7)");
    private static readonly OptionSpec OnlineVoting = new("online-voting", "ja|nee",
        "Staan de statuten elektronisch stemmen vooraf toe (BW 2:38a)? Nodig voor warmte alv online open");
    private static readonly OptionSpec OnlinePresent = new("online-present", "ja|nee", "Tellen wie vooraf online stemden mee als aanwezig?");
    private static readonly OptionSpec OnlineProxies = new("online-proxies", "ja|nee", "Mogen leden online een volmacht geven?");
    private static readonly OptionSpec SecretBallot = new("secret-ballot", "besluitsoorten",
        "Besluitsoorten met geheime stemming, met komma's, bijv. Bestuursverkiezing; geen voor geen enkele");
    private static readonly OptionSpec StatutesFile = new("file", "bestand",
        "JSON-bestand met alle besluitregels, zoals PUT /api/cooperatives/{id}/alv/statutes ze neemt (docs/api.md); niet samen met de andere opties");

    public static readonly CommandSpec AlvStatutes = new(
        "alv statutes",
        "Besluitregels uit de statuten vastleggen: quorum, meerderheid, volmachten, online stemmen (bestuur)",
        "Legt de besluitregels van de ALV vast zoals de statuten ze geven. Alleen wat u opgeeft verandert (de standaardregel en "
        + "het elektronisch stemmen); uitzonderingen per besluitsoort blijven staan en gaan met --file (het hele JSON-object). "
        + "De wet gaat voor: een statutenwijziging vraagt minstens 2/3 en de oproeptermijn is minstens 7 dagen; een lagere "
        + "regel weigert de dienst; zonder eigen uitzondering volgt de regel voor een statutenwijziging de standaardregel (met minstens 2/3). "
        + "De regels van een voorstel liggen vast vanaf de eerste stem: een wijziging hier geldt niet voor open voorstellen waarop al "
        + "gestemd is (de dienst noemt ze). Met een quorum en online stemmen: tellen online stemmers niet mee als aanwezig "
        + "(--online-present nee), dan tellen ze niet voor het quorum. Online stemmen (warmte alv online open) kan pas met --online-voting ja.",
        [CooperativeArgument],
        [Quorum, Majority, MajorityRule, AbstentionsCount, MaxProxies, Weighting, SecondMeeting, NoticeDays, OnlineVoting, OnlinePresent, OnlineProxies, SecretBallot, StatutesFile],
        [
            "warmte alv statutes ketelhuiswg --quorum 1/2 --majority 1/2 --max-proxies 1 --notice-days 14 --online-voting ja --online-proxies ja",
            "warmte alv statutes ketelhuiswg --file statuten.json",
        ],
        RunAlvStatutes);

    private static async Task<int> RunAlvStatutes(CommandContext context)
    {
        var command = context.Invocation.Command;
        var cooperative = context.Argument(0);
        var ruleOptions = new[] { Quorum, Majority, MajorityRule, AbstentionsCount, MaxProxies, Weighting, SecondMeeting, NoticeDays };
        var electronicOptions = new[] { OnlineVoting, OnlinePresent, OnlineProxies, SecretBallot };
        var given = ruleOptions.Concat(electronicOptions).Where(o => context.Option(o) is not null).ToList();
        var path = $"/api/cooperatives/{ApiClient.Segment(cooperative)}/alv/statutes";
        JsonNode body;
        if (context.Option(StatutesFile) is { } file)
        {
            if (given.Count > 0)
                throw new UsageException($"--file gaat niet samen met {string.Join(", ", given.Select(o => "--" + o.Name))}: zet alles in het bestand, of laat --file weg.", command);
            body = JsonFile.Read(file.Trim(), "de besluitregels");
        }
        else
        {
            if (given.Count == 0)
                throw new UsageException("Geef op wat er verandert, bijv. --quorum 1/2 of --online-voting ja (of --file met alle regels).", command);
            // Everything is checked before the service is asked.
            var rule = new JsonObject();
            if (Fraction(context, Quorum) is { } quorum) rule["quorum"] = quorum;
            if (Fraction(context, Majority) is { } majority) rule["majority"] = majority;
            if (context.Option(MajorityRule) is { } majorityRule)
                rule["majorityRule"] = majorityRule.Trim().ToLowerInvariant() switch
                {
                    "meer-dan" or "meerdan" or "morethan" => "MoreThan",
                    "minstens" or "atleast" => "AtLeast",
                    _ => throw new UsageException($"'{Tokens.Shorten(majorityRule)}' is geen regel voor --majority-rule; kies meer-dan of minstens.", command),
                };
            if (YesNo(context, AbstentionsCount) is { } abstentions) rule["abstentionsCount"] = abstentions;
            if (WholeNumber(context, MaxProxies) is { } proxies) rule["maxProxiesPerAttendee"] = proxies;
            if (context.Option(Weighting) is { } weighting)
                rule["weighting"] = weighting.Trim().ToLowerInvariant() switch
                {
                    "per-lid" or "onememberonevote" => "OneMemberOneVote",
                    "per-weq" or "perwoningequivalent" => "PerWoningequivalent",
                    _ => throw new UsageException($"'{Tokens.Shorten(weighting)}' is geen weging voor --weighting; kies per-lid of per-weq.", command),
                };
            if (YesNo(context, SecondMeeting) is { } second) rule["secondMeetingWithoutQuorum"] = second;
            if (WholeNumber(context, NoticeDays) is { } notice) rule["minimumNoticeDays"] = notice;
            var electronic = new JsonObject();
            if (YesNo(context, OnlineVoting) is { } online) electronic["advanceVotingAllowed"] = online;
            if (YesNo(context, OnlinePresent) is { } present) electronic["advanceVotersCountAsPresent"] = present;
            if (YesNo(context, OnlineProxies) is { } onlineProxies) electronic["onlineProxiesAllowed"] = onlineProxies;
            if (context.Option(SecretBallot) is { } secret)
            {
                var types = secret.Trim().Equals("geen", StringComparison.OrdinalIgnoreCase) ? []
                    : secret.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var known = Enum.GetNames<Warmte.Alv.DecisionType>();
                var named = new JsonArray();
                foreach (var type in types)
                    named.Add(known.FirstOrDefault(k => k.Equals(type, StringComparison.OrdinalIgnoreCase)) ?? throw new UsageException(
                        $"'{Tokens.Shorten(type)}' is geen besluitsoort voor --secret-ballot; kies uit {string.Join(", ", known)} (of geen).", command));
                electronic["secretBallotTypes"] = named;
            }

            // PUT records the whole statutes: read them as they stand (in the shape PUT takes) and change only what was given.
            using var current = Commands.Parse(await context.Api.GetAsync(path));
            var input = current.RootElement.Prop("input") is { } stored ? JsonNode.Parse(stored.GetRawText())!.AsObject() : new JsonObject();
            var @default = input["default"] as JsonObject ?? new JsonObject();
            foreach (var (name, value) in rule) @default[name] = value?.DeepClone();
            input["default"] = @default;
            var storedElectronic = input["electronic"] as JsonObject ?? new JsonObject();
            foreach (var (name, value) in electronic) storedElectronic[name] = value?.DeepClone();
            input["electronic"] = storedElectronic;
            body = input;
        }

        await Send(context, HttpMethod.Put, path, body, StatutesOptions);
        using var after = Commands.Parse(await context.Api.GetAsync(path));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(after)); return WarmteCli.Ok; }
        context.Out.WriteLine($"Besluitregels van {cooperative} vastgelegd.");
        WriteStatutes(after.RootElement, context.Out);
        return WarmteCli.Ok;
    }

    private static readonly Dictionary<string, string> StatutesOptions = new()
    {
        ["default.quorum"] = "--quorum", ["default.majority"] = "--majority", ["default.majorityRule"] = "--majority-rule",
        ["default.abstentionsCount"] = "--abstentions-count", ["default.maxProxiesPerAttendee"] = "--max-proxies",
        ["default.weighting"] = "--weighting", ["default.secondMeetingWithoutQuorum"] = "--second-meeting",
        ["default.minimumNoticeDays"] = "--notice-days", ["electronic.advanceVotingAllowed"] = "--online-voting",
        ["electronic.advanceVotersCountAsPresent"] = "--online-present", ["electronic.onlineProxiesAllowed"] = "--online-proxies",
    };

    /// <summary>
    /// The statutes as they now apply (the answer's rules, not <c>input</c>: a law-derived rule is shown as following the
    /// default), in the words of the options, then the service's warnings.
    /// </summary>
    private static void WriteStatutes(JsonElement answer, TextWriter output)
    {
        var input = answer.ValueKind == JsonValueKind.Object ? answer.Prop("input") ?? default : default;
        void Rule(string label, JsonElement rule) =>
            output.WriteLine($"  {label}: quorum {rule.Str("quorum") ?? Nl.None}, "
                             + $"{(rule.Str("majorityRule") == "AtLeast" ? "minstens" : "meer dan")} {rule.Str("majority") ?? Nl.None} van de stemmen, "
                             + $"onthoudingen tellen {(rule.Bool("abstentionsCount") == true ? "mee" : "niet mee")}, "
                             + $"{(rule.Str("weighting") == "PerWoningequivalent" ? "gewogen naar woningequivalenten" : "één lid één stem")}, "
                             + $"hoogstens {Nl.Count(rule.Int("maxProxiesPerAttendee") ?? 0, "volmacht", "volmachten")} per aanwezige, "
                             + $"tweede vergadering zonder quorum {(rule.Bool("secondMeetingWithoutQuorum") == true ? "toegestaan" : "niet toegestaan")}, "
                             + $"oproeptermijn {Nl.Count(rule.Int("minimumNoticeDays") ?? 0, "dag", "dagen")}.");
        if (input.ValueKind != JsonValueKind.Object) return;
        if (input.Prop("default") is { } @default) Rule("Standaard", @default);
        foreach (var o in input.Items("overrides")) Rule(o.Str("decisionType") ?? "?", o);
        foreach (var o in answer.Items("derivedOverrides")) Rule($"{o.Str("decisionType") ?? "?"} (volgt de standaardregel; de wet vraagt minstens 2/3)", o);
        var e = input.Prop("electronic");
        var secret = e?.Items("secretBallotTypes").Select(t => t.GetString()).OfType<string>().ToList() ?? [];
        output.WriteLine($"  Elektronisch stemmen vooraf: {(e?.Bool("advanceVotingAllowed") == true ? "toegestaan" : "niet toegestaan")}; "
                         + $"vooraf-stemmers tellen {(e?.Bool("advanceVotersCountAsPresent") == true ? "mee" : "niet mee")} als aanwezig; "
                         + $"volmacht online {(e?.Bool("onlineProxiesAllowed") == true ? "toegestaan" : "niet toegestaan")}; "
                         + $"geheime stemming: {(secret.Count == 0 ? "geen" : string.Join(", ", secret))}.");
        foreach (var warning in answer.Items("warnings")) output.WriteLine($"Let op: {warning.GetString()}");
    }

    // ---- wcw ----

    private static readonly OptionSpec PublicShare = new("public-share", "procent", "Aandeel van het warmtebedrijf in publieke handen, in procent (0 tot 100), bijv. 51 of 50,5");
    private static readonly OptionSpec Mixed = new("mixed", "ja|nee", "Een gemengde publiek-private constructie (dan is minstens 51% publiek nodig)?");
    private static readonly OptionSpec LegalEntity = new("legal-entity", "ja|nee", "Warmtegemeenschap: is het project een rechtspersoon (bijv. de coöperatie)?");
    private static readonly OptionSpec SustainableSource = new("sustainable-source", "ja|nee", "Warmtegemeenschap: een duurzame hoofdbron?");
    private static readonly OptionSpec NoProfit = new("no-profit", "ja|nee", "Warmtegemeenschap: zonder winstoogmerk?");
    private static readonly OptionSpec OpenMembership = new("open-membership", "ja|nee", "Warmtegemeenschap: open en vrijwillig lidmaatschap?");
    private static readonly OptionSpec MemberControl = new("member-control", "ja|nee", "Warmtegemeenschap: echte zeggenschap bij de leden?");

    public static readonly CommandSpec Wcw = new(
        "wcw",
        "Toets aan de Wet collectieve warmte: grootteklasse, route en wat ontbreekt",
        "Toont hoe het project er volgens de Wet collectieve warmte voor staat: de grootteklasse (naar geplande aansluitingen), "
        + "de route (publiek meerderheidsbelang of warmtegemeenschap) en wat nog ontbreekt. Vastleggen: warmte wcw set.",
        [ProjectArgument], [],
        ["warmte wcw wg-terrein"],
        RunWcw);

    public static readonly CommandSpec WcwSet = new(
        "wcw set",
        "Wcw-gegevens vastleggen: publiek aandeel en de criteria van een warmtegemeenschap (bestuur)",
        "Legt vast wat het project over zichzelf verklaart voor de Wet collectieve warmte. Alleen wat u opgeeft verandert; "
        + "de rest blijft zoals het was vastgelegd (nog nooit vastgelegd telt als nee). Daarna toont de opdracht de toets.",
        [ProjectArgument], [PublicShare, Mixed, LegalEntity, SustainableSource, NoProfit, OpenMembership, MemberControl],
        [
            "warmte wcw set wg-terrein --legal-entity ja --sustainable-source ja --no-profit ja --open-membership ja --member-control ja",
            "warmte wcw set wg-terrein --public-share 51 --mixed ja",
        ],
        RunWcwSet);

    private static Task<int> RunWcw(CommandContext context) =>
        Commands.ShowAsync(context, $"/api/projects/{ApiClient.Segment(context.Argument(0))}/wcw", (root, output) => WriteWcw(context.Argument(0), root, output));

    private static async Task<int> RunWcwSet(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var flags = new (OptionSpec Option, string Field)[]
        {
            (Mixed, "mixedSetup"), (LegalEntity, "legalEntity"), (SustainableSource, "sustainableMainSource"), (NoProfit, "noProfitMotive"),
            (OpenMembership, "openVoluntaryMembership"), (MemberControl, "memberControl"),
        };
        decimal? share = null;
        if (context.Option(PublicShare) is { } shareText)
        {
            var t = shareText.Trim().TrimEnd('%').Trim().Replace(',', '.');
            if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) || parsed > 100m || decimal.Round(parsed, 2) != parsed)
                throw new UsageException($"'{Tokens.Shorten(shareText)}' is geen percentage voor --public-share; geef 0 tot 100, hoogstens 2 decimalen, bijv. 51 of 50,5.", command);
            share = parsed;
        }
        var values = flags.Select(f => (f.Field, Value: YesNo(context, f.Option))).ToList();
        if (share is null && values.All(v => v.Value is null))
            throw new UsageException("Geef op wat er verandert, bijv. --public-share 51 of --legal-entity ja.", command);

        var path = $"/api/projects/{ApiClient.Segment(project)}/wcw";
        using var current = Commands.Parse(await context.Api.GetAsync(path));
        var profile = current.RootElement.Prop("profile");
        var body = new JsonObject();
        var storedShare = profile?.Dec("publicSharePercent");
        if ((share ?? storedShare) is { } s) body["publicSharePercent"] = s;
        foreach (var (field, value) in values)
            body[field] = value ?? profile?.Bool(field) ?? false;
        var answer = await Send(context, HttpMethod.Put, path, body, new()
        {
            ["publicSharePercent"] = "--public-share", ["mixedSetup"] = "--mixed", ["legalEntity"] = "--legal-entity",
            ["sustainableMainSource"] = "--sustainable-source", ["noProfitMotive"] = "--no-profit",
            ["openVoluntaryMembership"] = "--open-membership", ["memberControl"] = "--member-control",
        });
        using var document = Commands.Parse(answer);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        context.Out.WriteLine($"Wcw-gegevens vastgelegd voor {project}.");
        WriteWcw(project, document.RootElement, context.Out);
        return WarmteCli.Ok;
    }

    private static void WriteWcw(string project, JsonElement wcw, TextWriter output)
    {
        var route = wcw.Str("route") switch
        {
            "Vrijgesteld" => "vrijgesteld (te klein voor de eigendomseis)",
            "PubliekMeerderheid" => "publiek meerderheidsbelang",
            "Warmtegemeenschap" => "warmtegemeenschap",
            "Geen" => "nog geen route gehaald",
            var other => other ?? Nl.None,
        };
        var band = wcw.Str("sizeBand") switch
        {
            "Klein" => "klein (minder dan 10 aansluitingen)",
            "Middel" => "10 tot 1.500 aansluitingen",
            "Groot" => "groot (meer dan 1.500 aansluitingen: aangewezen kavel nodig)",
            var other => other ?? Nl.None,
        };
        output.WriteLine($"Wet collectieve warmte voor {project}: {route}.");
        output.WriteLine($"  Grootteklasse: {band}; {Nl.Count(wcw.Int("connections") ?? 0, "geplande aansluiting", "geplande aansluitingen")}.");
        if (wcw.Prop("profile") is { } p)
            output.WriteLine($"  Vastgelegd: publiek aandeel {(p.Dec("publicSharePercent") is { } s ? Nl.Number(s, 2) + "%" : "niet opgegeven")}"
                             + $"{(p.Bool("mixedSetup") == true ? " (gemengde constructie)" : "")}; rechtspersoon {Nl.YesNo(p.Bool("legalEntity"))}, "
                             + $"duurzame hoofdbron {Nl.YesNo(p.Bool("sustainableMainSource"))}, geen winstoogmerk {Nl.YesNo(p.Bool("noProfitMotive"))}, "
                             + $"open lidmaatschap {Nl.YesNo(p.Bool("openVoluntaryMembership"))}, zeggenschap leden {Nl.YesNo(p.Bool("memberControl"))}.");
        foreach (var missing in wcw.Items("missing")) output.WriteLine($"  Ontbreekt: {missing.GetString()}");
        foreach (var note in wcw.Items("notes")) output.WriteLine($"  Let op: {note.GetString()}");
        if (wcw.Prop("profile") is null) output.WriteLine($"  Vastleggen: warmte wcw set {project} --public-share … of --legal-entity ja …");
        if (wcw.Str("source") is { } source) output.WriteLine($"  Bron: {source}");
    }

    // ---- shared ----

    /// <summary>Sends a write; a 400 gets the options of this command that the service's field names stand for.</summary>
    private static async Task<ApiResponse> Send(CommandContext context, HttpMethod method, string path, JsonNode body, Dictionary<string, string> options)
    {
        try
        {
            return await context.Api.SendAsync(method, path, body.ToJsonString(), CancellationToken.None);
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 400)
        {
            throw new ApiException(refused.Response) { Hint = Commands.FieldOptionHint(refused.Response, options) };
        }
    }

    private static string SlugOption(CommandContext context, OptionSpec option)
    {
        var value = Commands.Required(context, option);
        return Slug.IsValid(value) ? value : throw new UsageException(
            $"'{Tokens.Shorten(value)}' is geen geldige id voor --{option.Name}: gebruik 2 tot {Slug.MaxLength} kleine letters, cijfers en koppeltekens, "
            + "beginnend met een letter (bijv. warmtenet-zuid).", context.Invocation.Command);
    }

    /// <summary>A whole number of zero or more; null when not given.</summary>
    private static int? WholeNumber(CommandContext context, OptionSpec option)
    {
        if (context.Option(option) is not { } text) return null;
        var t = text.Trim().Replace(".", "", StringComparison.Ordinal);
        return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 10_000_000
            ? value
            : throw new UsageException($"'{Tokens.Shorten(text)}' is geen heel getal voor --{option.Name}; geef bijv. 600.", context.Invocation.Command);
    }

    /// <summary>ja or nee (also yes/no, true/false); null when not given.</summary>
    private static bool? YesNo(CommandContext context, OptionSpec option) =>
        context.Option(option)?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "ja" or "j" or "yes" or "true" => true,
            "nee" or "n" or "no" or "false" => false,
            _ => throw new UsageException($"'{Tokens.Shorten(context.Option(option)!)}' bij --{option.Name}: schrijf ja of nee.", context.Invocation.Command),
        };

    /// <summary>A share such as 1/2, 2/3, 50% or 0, checked as the service reads it; null when not given.</summary>
    private static string? Fraction(CommandContext context, OptionSpec option)
    {
        if (context.Option(option) is not { } text) return null;
        return Warmte.Alv.Share.Parse(text.Trim()) is not null ? text.Trim() : throw new UsageException(
            $"'{Tokens.Shorten(text)}' is geen deel voor --{option.Name}; schrijf bijv. 1/2, 2/3, 50% of 0.", context.Invocation.Command);
    }

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static LocalDate? DateOf(string? iso) =>
        iso is not null && NodaTime.Text.LocalDatePattern.Iso.Parse(iso) is { Success: true } parsed ? parsed.Value : null;
}

/// <summary>A JSON file given with --file, read as plain JSON (comments and trailing commas allowed); the service checks the fields.</summary>
internal static class JsonFile
{
    public static JsonNode Read(string path, string what)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > 1024 * 1024) throw new InputException($"'{path}' is groter dan 1 MB; dat zijn niet {what}.");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"Kan '{path}' niet lezen: {(e is FileNotFoundException or DirectoryNotFoundException ? "het bestand bestaat niet" : e.Message)}.");
        }
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return node as JsonObject ?? throw new InputException($"'{path}' bevat geen JSON-object {{ … }} met {what}.");
        }
        catch (JsonException e)
        {
            throw new InputException($"'{path}' is geen geldige JSON (regel {(e.LineNumber ?? 0) + 1}, positie {(e.BytePositionInLine ?? 0) + 1}).");
        }
    }
}
