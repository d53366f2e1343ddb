using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warmte.Common;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Warmte.Tests.Http;

/// <summary>
/// The campaign's own service: the members' voting door's abuse limits (per address, lockout after
/// unknown codes or receipts, per meeting) are lifted, since every case comes from one address and the limits
/// have their own tests (Voting/OnlineVotingLockoutTests); with them on, the campaign's
/// <c>/api/stem/*</c> cases would mostly be 429s and never reach the accepted path. Voting codes by
/// mail go to a real local SMTP server (aiosmtpd, as in Voting/OnlineVotingMailTests), so
/// <c>…/online/mail</c> reaches its accepted path; the product's defaults stay without <c>Mail:*</c>.
/// Monte Carlo requests are capped at 1,000 runs for every role (see the arguments).
/// </summary>
public sealed class AbuseCampaignFixture : IAsyncLifetime
{
    public WarmteServer Server { get; private set; } = null!;

    public Voting.SmtpMaildir Smtp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Smtp = await Voting.SmtpMaildir.StartAsync();
        Server = await WarmteServer.StartAsync(extraArgs:
        [
            "--Voting:RequestsPerMinutePerAddress", "100000000", "--Voting:FailuresBeforeLockout", "100000000", "--Voting:RequestsPerSecondPerMeeting", "100000000",
            "--Voting:ReceiptFailuresPerMeeting", "100000000",
            // Bodies such as {} ask the default 10,000 Monte Carlo runs: on a shared machine at a load of 60 one such
            // computation outlasted the client's 100 s (a run stopped there). The campaign attacks input handling, not
            // the cost of computing (Operations/CostLimitTests has that): larger requests get the role limit's 400 here.
            "--CostLimits:MonteCarloRuns:admin", "1000", "--CostLimits:MonteCarloRuns:board", "1000", "--CostLimits:MonteCarloRuns:financier", "1000",
            "--CostLimits:MonteCarloRuns:coordinator", "1000", "--CostLimits:MonteCarloRuns:reader", "1000",
            "--Mail:Host", "127.0.0.1", "--Mail:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Mail:Security", "None",
            "--Mail:From", "Bestuur Campagne <bestuur@campagne.example>", "--Voting:PublicUrl", "https://stem.campagne.example",
        ]);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// The bad-input and abuse campaign (docs/operations.md): FsCheck picks an endpoint (every
/// POST, PUT, PATCH and DELETE the running app has, and every GET with query parameters, read from
/// its endpoint data sources, so new endpoints are attacked without touching this file; a new write
/// endpoint without a known-good body in <see cref="Examples"/> fails
/// <see cref="Every_write_endpoint_has_a_known_good_body_and_every_query_parameter_known_values"/>), route values (real ids, unknown ids, Unicode,
/// over-long and token-like text), a caller (every role, another cooperative's board, no token, a
/// revoked or made-up token) and a body (malformed JSON, a known-good body with one or two values
/// replaced by huge, negative or fractional-cent numbers, dates in year 0, 1 and 9999, Unicode and
/// NUL characters, 1 MB strings) and query values (known-good ones and junk). Every answer must be below 500, every refusal a problem document,
/// and a refused request — or any GET, or any request by a role that may not write — leaves the state as it was
/// (see <see cref="State"/> for exactly what is compared, and why some things are not).
/// WARMTE_CAMPAIGN_CASES sets the number of cases (default 400, about a minute on a loaded machine).
/// </summary>
public sealed class AbuseCampaign(AbuseCampaignFixture fixture, ITestOutputHelper output) : IClassFixture<AbuseCampaignFixture>
{
    private const string Coop = "camp-coop";
    private const string Other = "camp-other";
    private const string Project = "camp-proj";
    private const string Umbrella = "camp-umb";
    private const string OtherProject = "camp-other-proj";

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("WARMTE_CAMPAIGN_CASES"), out var n) && n > 0 ? n : 400;

    public enum Caller { Admin, Board, OtherBoard, Financier, Coordinator, Reader, None, Revoked, MadeUp }

    /// <summary>An endpoint: its method, route pattern and query parameters (the handler's simple-typed parameters that are not route values).</summary>
    public sealed record Endpoint(string Method, RoutePattern Pattern, string[] Query)
    {
        public string Key => $"{Method} {Pattern.RawText}";
    }

    public sealed record Case(int Endpoint, string[] RouteValues, string Query, Caller Caller, string Body)
    {
        public override string ToString() => $"endpoint {Endpoint}, route [{string.Join(", ", RouteValues.Select(v => Cut(v)))}], query '{Cut(Query)}', {Caller}, body {Cut(Body)}";
    }

    private static string Cut(string s) => s.Length <= 300 ? s : $"{s[..300]}… ({s.Length} chars)";

    private static readonly string[] Junk =
    [
        "onbekend-id", "Coöperatie Ketelhuis WG U.A.", "🔥🏠", "مرحبا", "\u202Eevil", "a\u0000b", "..", "%00", "x", new string('a', 300),
        "wt_looks-like-a-token-0000000000000000000000", "-1", "0", "99999999999", "L-1", "CAMP-COOP",
    ];

    /// <summary>Real values for each route parameter name; anything else gets junk.</summary>
    private static readonly Dictionary<string, string[]> Known = new()
    {
        ["id"] = [Coop, Project, Other, Umbrella],
        // "@stem": the meeting whose online voting is open (StemMeeting; a new one after the campaign closed it).
        // "@held": a meeting held today, without online voting (HeldMeeting; a new one after the campaign closed a proposal).
        ["meetingId"] = ["alv", StemPlaceholder, StemPlaceholder, HeldPlaceholder],
        ["proposalId"] = ["realisatiebesluit", "tarief", "telling"],
        // complex-a takes the declarations (and then may no longer be removed); complex-b is set and removed.
        ["complexId"] = ["complex-a", "complex-b"],
        ["grantId"] = ["paw"],
        ["bookingId"] = [BookingPlaceholder],
        // L-4 left the cooperative (seeded): the one member the privacy erasure accepts.
        ["number"] = ["1", "2", "L-1", "L-2", "L-4"],
        ["action"] = ["request", "accounting", "approve", "reject", "pay"],
        ["key"] = ["bewonersgroep", "intentieverklaring", "start-bouw"],
        ["version"] = ["1", "2"],
    };

    private static readonly string[] Nasty =
    [
        "0", "-1", "0.001", "-0.01", "0.005", "1e308", "-1e308", "1e-320", "1E+400", "79228162514264337593543950336",
        "-79228162514264337593543950336", "12345678901234567890.123", "2147483648", "-2147483649", "9999999999999999999999999999.99",
        "\"0000-01-01\"", "\"0001-01-01\"", "\"9999-12-31\"", "\"10000-01-01\"", "\"2024-02-30\"", "\"-0001-01-01\"", "\"0000-00\"", "\"9999-12\"",
        "\"Coöperatie Ketelhuis WG U.A.\"", "\"🔥🏠 warmte\"", "\"שלום עולם\"", "\"\\u202Eevil\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\"", "\" \"",
        "null", "true", "false", "[]", "{}", "[null]", "[{}]", "\"L-1\"", "\"Voor\"", "\"Realisatie\"", "\"Gestopt\"", "\"2024-12-14\"",
        "\"70%\"", "\"2/3\"", "\"0/0\"", "\"-5%\"", "\"1/0\"", "\"admin\"", "\"board:camp-other\"", "\"wt_00000000000000000000000000000000\"",
    ];

    private static string HugeString(int length) => "\"" + new string('é', length / 2) + "\"";

    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"id\"", "\"name\"", "\"amount\"", "\"on\"", "null", "1e999", "-0", "\"\\u0000\"", "\"", "\\", " ", "\"é€\"",
    ];

    /// <summary>Written in a known-good body of the members' voting door: replaced, when sent, by the current voting code of member L-1 (<see cref="StemCode"/>).</summary>
    private const string CodePlaceholder = "@code";

    /// <summary>Replaced, when sent, by the receipt code of the seed's online vote in the meeting whose voting is closed and counted (<see cref="Counted"/>).</summary>
    private const string ReceiptPlaceholder = "@receipt";

    /// <summary>A route value replaced, when sent, by the id of the booking seeded for the correction endpoint (booking ids are random).</summary>
    private const string BookingPlaceholder = "@booking";

    /// <summary>A route value or body text replaced, when sent, by the meeting whose online voting is open.</summary>
    private const string StemPlaceholder = "@stem";

    /// <summary>A route value replaced, when sent, by the meeting held today without online voting (ballots, the paper tally, attendance, closing).</summary>
    private const string HeldPlaceholder = "@held";

    /// <summary>A route value replaced, when sent, by the project whose gate to Haalbaarheid is met (<see cref="GateProject"/>).</summary>
    private const string GatePlaceholder = "@gate";

    /// <summary>Body text replaced, when sent, by today's date in Amsterdam (a gate decision may not lie before the phase began).</summary>
    private const string TodayPlaceholder = "@today";

    /// <summary>Body text replaced, when sent, by the date four years from today (a notice within the five-year horizon for leftOn).</summary>
    private const string NoticePlaceholder = "@in4years";

    /// <summary>The meeting (seeded once) whose online voting is closed and its proposal closed, so receipts can be checked.</summary>
    private const string Counted = "stem-klaar";

    /// <summary>The known-good "body" of an endpoint that reads none: no body at all (it also gets random and malformed ones).</summary>
    private const string NoBody = "";

    /// <summary>
    /// A body each write endpoint accepts with the seeded data and the right caller (or nearly: a
    /// second identical vote is refused as already cast), keyed by "METHOD pattern" (as the guard
    /// test prints it); the campaign sends it as is and mutated field by field. Every write endpoint
    /// must have one (<see cref="NoBody"/> for one that reads no body): the guard test fails otherwise.
    /// </summary>
    private static readonly Dictionary<string, string> Examples = WithModels(new()
    {
        ["POST /api/cooperatives/"] = """{"id":"camp-new","statutoryName":"Coöperatie Nieuw U.A.","kind":"HeatNetwork","municipality":"Amsterdam","foundedOn":"2019-12-18"}""",
        ["PATCH /api/cooperatives/{id}"] = """{"statutoryName":"Coöperatie Ketelhuis WG U.A.","kind":"HeatNetwork","municipality":"Amsterdam","foundedOn":"2019-12-18"}""",
        ["POST /api/cooperatives/{id}/projects"] = """{"id":"camp-p2","name":"Warmtenet","woningequivalenten":1500,"plannedConnections":1000,"startedOn":"2018-01-01"}""",
        ["POST /api/cooperatives/{id}/umbrellas"] = """{"umbrellaId":"camp-umb"}""",
        ["PATCH /api/projects/{id}"] = """{"name":"Warmtenet WG","woningequivalenten":1500,"plannedConnections":1000,"technology":"aquathermie"}""",
        ["POST /api/projects/{id}/transitions"] = """{"to":"Haalbaarheid","decidedOn":"@today","decidedBy":"ALV","rationale":"haalbaar"}""",
        ["PUT /api/projects/{id}/deliverables/{key}"] = """{"presentOn":"2024-01-01","reference":"notulen"}""",
        ["PUT /api/projects/{id}/milestones/{key}"] = """{"name":"Start bouw","plannedOn":"2025-05-01","actualOn":"2025-05-02"}""",
        ["POST /api/projects/{id}/business-cases/{version:int}/loan-grid"] = """{"rates":[0.03,0.05],"terms":[30],"types":["Annuity"],"graces":[0],"loan":0}""",
        ["POST /api/projects/{id}/business-cases/{version:int}/montecarlo"] = """{"runs":10,"seed":1}""",
        ["POST /api/projects/{id}/grants/"] = """{"id":"g2","funder":"Gemeente","scheme":"KFA","amountGranted":1000000.00,"decidedOn":"2021-01-01","tranches":[{"amount":500000,"plannedOn":"2021-06-01"},{"amount":500000}],"reviewNormDays":30}""",
        ["POST /api/projects/{id}/grants/{grantId}/tranches/{number:int}/{action}"] = """{"on":"2024-01-01","amount":1000000.00,"periodFrom":"2023-01-01","periodTo":"2023-12-31","documents":["verantwoording.pdf"],"reason":"onvolledig"}""",
        ["POST /api/projects/{id}/spending"] = """{"month":"2024-01","kind":"Design","amount":1234.56,"note":"ontwerp"}""",
        ["POST /api/cooperatives/{id}/members/"] = """{"members":[{"number":"L-9","name":"Lid Negen","category":"eigenaar-bewoner","woningequivalenten":1,"postcode":"1054 AB","huisnummer":9,"joinedOn":"2020-01-01"}]}""",
        ["PUT /api/cooperatives/{id}/members/{number}"] = """{"number":"L-1","name":"Lid Een","category":"huurder","woningequivalenten":1,"postcode":"1054 AB","huisnummer":1,"joinedOn":"2020-01-01","email":"lid1@campagne.example"}""",
        ["PUT /api/cooperatives/{id}/alv/statutes"] = """{"default":{"quorum":"1/2","majority":"1/2","majorityRule":"MoreThan","abstentionsCount":false,"minimumNoticeDays":7},"electronic":{"advanceVotingAllowed":true,"onlineProxiesAllowed":true}}""",
        ["POST /api/cooperatives/{id}/alv/meetings"] = """{"id":"alv2","title":"ALV","date":"2025-12-14","noticeDate":"2025-11-30","proposals":[{"id":"p1","title":"R","decisionType":"Realisatiebesluit","projectId":"camp-proj"}]}""",
        // The empty meeting "alv-leeg" (seeded, nothing recorded on it): corrected, and in the sweep's deletions removed.
        ["PATCH /api/cooperatives/{id}/alv/meetings/{meetingId}"] = """{"title":"ALV gecorrigeerd","date":"2024-12-14","noticeDate":"2024-11-30"}""",
        ["DELETE /api/cooperatives/{id}/alv/meetings/{meetingId}"] = NoBody,
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/proposals"] = """{"id":"p2","title":"Extra","decisionType":"Realisatiebesluit","projectId":"camp-proj"}""",
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/attendance"] = """{"present":["L-1","L-2"]}""",
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/proposals/{proposalId}/ballots"] = """{"memberNumber":"L-1","choice":"Voor"}""",
        ["PUT /api/cooperatives/{id}/alv/meetings/{meetingId}/proposals/{proposalId}/tally"] = """{"for":2,"against":1,"abstain":0,"present":["L-1","L-2","L-3"]}""",
        ["PUT /api/projects/{id}/consent/complexes/{complexId}"] = """{"name":"Complex A","corporation":"Stadgenoot","rentedHomes":20,"threshold":"70%","proposalDate":"2025-01-01","deadline":"2025-03-01"}""",
        ["POST /api/projects/{id}/consent/complexes/{complexId}/declarations"] = """{"declarations":[{"postcode":"1054 AB","huisnummer":1,"response":"Akkoord","on":"2025-01-15"}]}""",
        // "Consent is needed after all": the seeded complex has answers, so "not applicable" (true) is refused.
        ["PUT /api/projects/{id}/consent/applicability"] = """{"notApplicable":false,"reason":"Alleen koopwoningen"}""",
        ["PUT /api/projects/{id}/wcw/"] = """{"publicSharePercent":0,"mixedSetup":false,"legalEntity":true,"sustainableMainSource":true,"noProfitMotive":true,"openVoluntaryMembership":true,"memberControl":true}""",
        ["POST /api/umbrellas/"] = """{"id":"camp-umb2","name":"APEC 2"}""",
        ["POST /api/tokens/"] = """{"name":"campagne","role":"reader"}""",
        ["DELETE /api/tokens/{id}"] = NoBody,
        ["DELETE /api/projects/{id}/deliverables/{key}"] = NoBody,
        ["DELETE /api/projects/{id}/milestones/{key}"] = NoBody,
        ["DELETE /api/projects/{id}/consent/complexes/{complexId}"] = NoBody,
        // Tranche 1 as seeded (the campaign requests it: then its plan is fixed), tranche 2 re-planned.
        ["PUT /api/projects/{id}/grants/{grantId}/tranche-plan"] = """{"tranches":[{"amount":1000000.00},{"amount":3850000.00,"plannedOn":"2026-06-01"}]}""",
        ["POST /api/projects/{id}/spending/{bookingId}/correction"] = """{"amount":1.00,"reason":"tikfout"}""",
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/proposals/{proposalId}/ballots/batch"] = """{"ballots":[{"memberNumber":"L-2","choice":"Tegen"}],"skipInvalid":true}""",
        ["PUT /api/projects/{id}/spending/totals"] = """{"totals":[{"month":"2024-02","kind":"Design","amount":2500.00,"note":"maandtotaal"},{"month":"2024-02","kind":"Advisers","amount":0}]}""",
        ["PUT /api/projects/{id}/progress"] = """{"month":"2024-03","workMonthsDone":2,"stalled":false}""",
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/proposals/{proposalId}/close"] = NoBody,
        // Online voting, the board's side (issue 17): open, codes (for L-1 only, so the other members' codes stay), mail, close.
        ["PUT /api/cooperatives/{id}/alv/meetings/{meetingId}/online/"] = """{"opens":null,"proposals":[{"proposalId":"realisatiebesluit","explanation":"Het warmtenet bouwen."},{"proposalId":"tarief","explanation":"Tarief 2028."}]}""",
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/online/codes"] = """{"members":["L-1"]}""",
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/online/mail"] = """{"members":["L-1"]}""",
        ["POST /api/cooperatives/{id}/alv/meetings/{meetingId}/online/close"] = NoBody,
        // The members' door (no token; the code in the body).
        ["POST /api/stem/paper"] = """{"code":"@code"}""",
        ["POST /api/stem/votes"] = """{"code":"@code","proposalId":"tarief","choice":"Voor"}""",
        ["POST /api/stem/proxy"] = """{"code":"@code","holder":"L-2","proposalIds":["tarief"]}""",
        ["POST /api/stem/proxy/withdraw"] = """{"code":"@code","proposalIds":["tarief"]}""",
        ["POST /api/stem/receipt"] = """{"meeting":"camp-coop/stem-klaar","receipt":"@receipt"}""",
        // Privacy (AVG): erase a former member (L-4), the retention settings, a retention pass now.
        ["POST /api/cooperatives/{id}/members/{number}/erase"] = NoBody,
        // Writing a member out: L-1 gives notice for a far date (at most five years ahead), so L-1 stays a member (and a voter) for the campaign.
        ["POST /api/cooperatives/{id}/members/{number}/leave"] = """{"leftOn":"@in4years"}""",
        // Withdrawing a write-out (L-1's notice; refused for the erased L-4).
        ["POST /api/cooperatives/{id}/members/{number}/rejoin"] = NoBody,
        ["PUT /api/cooperatives/{id}/privacy/"] = """{"formerMemberRetentionMonths":24,"consentAnswerRetentionMonths":12}""",
        ["POST /api/cooperatives/{id}/privacy/retention-run"] = NoBody,
    });

    /// <summary>
    /// Known-good values of each query parameter, by name (junk is added to them); a GET or write
    /// endpoint with a query parameter not named here fails the guard test.
    /// </summary>
    private static readonly Dictionary<string, string[]> QueryValues = new()
    {
        ["page"] = ["1", "2"],
        ["pageSize"] = ["1", "50", "100"],
        ["from"] = ["1"],
        ["to"] = ["1", "2"],
        ["month"] = ["2024-01", "2024-02"],
        ["regime"] = ["Tranches", "Milestones", "Bridge"],
        ["since"] = ["2026-11-22T00:00:00Z"],
        ["limit"] = ["1", "200", "1000"],
        ["format"] = ["json", "xlsx", "letters"],
    };

    /// <summary>The business-case and cash-flow endpoints get the reference models of models/ as their good bodies.</summary>
    private static Dictionary<string, string> WithModels(Dictionary<string, string> examples)
    {
        var model = RepoFiles.Read("models", "ketelhuiswg.json");
        var plan = RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json");
        examples["POST /api/business-cases/evaluate"] = $$"""{"model":{{model}}}""";
        examples["POST /api/projects/{id}/business-cases/"] = $$"""{"note":"campagne","model":{{model}}}""";
        examples["PUT /api/projects/{id}/cashflow-plan"] = $$"""{"plan":{{plan}}}""";
        return examples;
    }

    private static IReadOnlyList<Endpoint>? _endpoints;
    private static readonly Dictionary<Caller, string?> Tokens = [];
    private static readonly SemaphoreSlim SeedLock = new(1, 1);

    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>
    /// The loaded demo data would change the cooperatives list and takes seconds; it is idempotent,
    /// admin-only and has its own tests. Everything else the app maps is in the campaign.
    /// </summary>
    private static readonly string[] Excluded = ["POST /api/demo"];

    /// <summary>The members' online-voting door needs no token (the voting code is in the body): no 401 there, by design.</summary>
    private static readonly string[] WithoutToken = ["POST /api/stem/paper", "POST /api/stem/votes", "POST /api/stem/receipt", "POST /api/stem/proxy", "POST /api/stem/proxy/withdraw"];

    /// <summary>
    /// Every write endpoint, and every GET with a query parameter, of the running app, from its
    /// endpoint data sources. Query parameters are the handler's parameters of a simple type (text,
    /// numbers, dates, booleans) that are not route values: what minimal APIs bind from the query.
    /// </summary>
    private static IReadOnlyList<Endpoint> CampaignEndpoints(Microsoft.AspNetCore.Builder.WebApplication app) =>
        [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => new Endpoint(m, e.RoutePattern, QueryParameters(e))))
            .Where(e => WriteMethods.Contains(e.Method) || e.Method == "GET" && e.Query.Length > 0)
            .Where(e => !Excluded.Contains($"{e.Method} {e.Pattern.RawText}".TrimEnd('/')))
            .DistinctBy(e => e.Key)
            .OrderBy(e => e.Key, StringComparer.Ordinal)];

    private static string[] QueryParameters(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<System.Reflection.MethodInfo>() is not { } handler) return [];
        var route = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. handler.GetParameters()
            .Where(p => p.Name is not null && !route.Contains(p.Name) && IsSimple(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType))
            .Select(p => p.Name!)];
    }

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(DateOnly) || type == typeof(Guid) || type.Namespace == "NodaTime" && type.IsValueType;

    /// <summary>An {id} takes its kind from the segment before it (a project id after "projects", ...).</summary>
    private static readonly Dictionary<string, string[]> IdsAfter = new()
    {
        ["projects"] = [Project, "camp-other-proj"],
        ["cooperatives"] = [Coop, Other],
        ["umbrellas"] = [Umbrella],
    };

    private static Gen<string> RouteValue(RoutePattern pattern, string name)
    {
        var known = Known.GetValueOrDefault(name) ?? [];
        if (name == "id")
        {
            var before = pattern.PathSegments.TakeWhile(s => !s.Parts.OfType<RoutePatternParameterPart>().Any(p => p.Name == "id"))
                .LastOrDefault()?.Parts.OfType<RoutePatternLiteralPart>().FirstOrDefault()?.Content;
            known = before is not null && IdsAfter.TryGetValue(before, out var ids) ? ids : known;
        }
        return known.Length > 0 ? Gen.Frequency((6, Gen.Elements(known)), (1, Gen.Elements(Junk))) : Gen.Elements(Junk);
    }

    private static Gen<string> Leaf() =>
        Gen.Frequency(
            (30, Gen.Elements(Nasty)),
            (1, Gen.Constant(HugeString(1024 * 1024))),
            (2, Gen.Constant(HugeString(100 * 1024))),
            (3, Gen.Choose(-1_000_000, 1_000_000).Select(i => (i / 1000m).ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static Gen<string> MalformedBody() => Gen.Elements(Fragments).ArrayOf().Select(string.Concat);

    private static readonly string[] FieldNames =
    [
        "id", "name", "amount", "on", "month", "kind", "to", "members", "number", "choice", "declarations", "model", "plan", "rates",
        "terms", "runs", "seed", "statutoryName", "umbrellaId", "role", "presentOn", "plannedOn", "default", "present", "for",
    ];

    private static Gen<string> RandomObject() =>
        from count in Gen.Choose(0, 5)
        from keys in Gen.Elements(FieldNames).ArrayOf(count)
        from values in Leaf().ArrayOf(count)
        select "{" + string.Join(",", keys.Zip(values).DistinctBy(p => p.First).Select(p => $"\"{p.First}\":{p.Second}")) + "}";

    /// <summary>The example with one to three changes: a value replaced by a nasty one, a field removed, or an unknown field added.</summary>
    private static Gen<string> Mutated(string example) =>
        from changes in Gen.Choose(1, 3)
        from picks in Gen.Choose(0, 1000).ArrayOf(changes)
        from kinds in Gen.Choose(0, 9).ArrayOf(changes)
        from leaves in Leaf().ArrayOf(changes)
        select Mutate(example, picks, kinds, leaves);

    private static string Mutate(string example, int[] picks, int[] kinds, string[] leaves)
    {
        var root = JsonNode.Parse(example)!;
        for (var i = 0; i < picks.Length; i++)
        {
            var slots = Slots(root).ToList();
            if (slots.Count == 0) break;
            var (parent, key, index) = slots[picks[i] % slots.Count];
            // A placeholder, replaced by the raw leaf afterwards: lone surrogates and out-of-range numbers do not survive JsonNode.
            JsonNode? value = JsonValue.Create(Placeholder(i));
            switch (kinds[i])
            {
                case 0 when parent is JsonObject o:
                    o.Remove(key!);
                    break;
                case 1 when parent is JsonObject o:
                    o["onbekendVeld" + i] = value;
                    break;
                default:
                    if (parent is JsonObject obj) obj[key!] = value;
                    else if (parent is JsonArray arr) arr[index] = value;
                    break;
            }
        }
        var text = root.ToJsonString();
        for (var i = 0; i < leaves.Length; i++) text = text.Replace($"\"{Placeholder(i)}\"", leaves[i]);
        return text;
    }

    private static string Placeholder(int i) => $"__leaf_{i}__";

    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        if (node is JsonObject o)
            foreach (var (key, child) in o.ToList())
            {
                yield return (o, key, -1);
                if (child is not null) foreach (var s in Slots(child)) yield return s;
            }
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
            {
                yield return (a, null, i);
                if (a[i] is { } child) foreach (var s in Slots(child)) yield return s;
            }
    }

    private static readonly string[] QueryJunk = ["", "-1", "0", "2147483648", "99999999999999999999", "1e9", "abc", "1.5", "%00", "%FF", "🔥", "null", "[]", "2024-13", "9999-12-31T23:59:59Z"];

    /// <summary>A query string: each parameter left out, given a known-good value or junk; now and then one parameter twice or an unknown one.</summary>
    private static Gen<string> QueryString(Endpoint endpoint)
    {
        if (endpoint.Query.Length == 0) return Gen.Frequency((9, Gen.Constant("")), (1, Gen.Elements("?page=1", "?x=%00", "?" + new string('a', 5000) + "=1")));
        var parameters = endpoint.Query.Select(name =>
            Gen.Frequency(
                (2, Gen.Constant<string?>(null)),
                (5, Gen.Elements(QueryValues.GetValueOrDefault(name) ?? ["1"]).Select(v => (string?)$"{name}={Uri.EscapeDataString(v)}")),
                (2, Gen.Elements(QueryJunk).Select(v => (string?)$"{name}={(v.Contains('%') ? v : Uri.EscapeDataString(v))}")),
                (1, Gen.Elements(QueryJunk).Select(v => (string?)$"{name}=1&{name}={Uri.EscapeDataString(v)}"))));
        return Gen.CollectToArray(parameters).Select(parts => parts.Where(p => p is not null).ToArray())
            .Select(parts => parts.Length == 0 ? "" : "?" + string.Join("&", parts));
    }

    /// <summary>
    /// Two kinds of case. Most pick everything at random (any caller, real or junk route values, any
    /// body). Two in five aim at the accepted path: the cooperative's board or an admin, the seeded
    /// ids (<see cref="CanonicalRouteValue"/>), and the known-good body as is or changed in one to three
    /// places, so the validation behind the role checks, and the writes, are attacked field by field.
    /// </summary>
    private static Gen<Case> Cases_(IReadOnlyList<Endpoint> endpoints) =>
        Gen.Frequency((3, RandomCases(endpoints)), (2, AcceptedPathCases(endpoints)));

    private static Gen<Case> AcceptedPathCases(IReadOnlyList<Endpoint> endpoints) =>
        from index in Gen.Choose(0, endpoints.Count - 1)
        let endpoint = endpoints[index]
        from query in QueryString(endpoint)
        from caller in Gen.Elements(Caller.Admin, Caller.Board)
        from body in endpoint.Method == "GET" ? Gen.Constant(NoBody)
            : Examples.TryGetValue(endpoint.Key, out var example) && example != NoBody
                ? Gen.Frequency((1, Gen.Constant(example)), (3, Mutated(example)))
            : Gen.Frequency((4, Gen.Constant(NoBody)), (1, RandomObject()))
        select new Case(index, [.. endpoint.Pattern.Parameters.Select(p => CanonicalRouteValue(endpoint.Pattern, p.Name))], query, caller, body);

    /// <summary>
    /// The seeded thing each route parameter names on the accepted path (L-4, the former member, for an
    /// erasure; the meeting held today for the ALV's own endpoints and the one with online voting open
    /// for <c>…/online/*</c>; the proposal "telling" for the paper tally, since a proposal takes either
    /// ballots per member or a tally; the gate project for a transition).
    /// </summary>
    private static string CanonicalRouteValue(RoutePattern pattern, string name)
    {
        var raw = pattern.RawText ?? "";
        return name switch
        {
            "id" when raw.StartsWith("/api/projects", StringComparison.Ordinal) && raw.EndsWith("/transitions", StringComparison.Ordinal) => GatePlaceholder,
            "id" when raw.StartsWith("/api/projects", StringComparison.Ordinal) => Project,
            "id" when raw.StartsWith("/api/umbrellas", StringComparison.Ordinal) => Umbrella,
            "id" when raw.StartsWith("/api/tokens", StringComparison.Ordinal) => ThrowawayToken,
            "id" => Coop,
            "meetingId" when raw.Contains("/online", StringComparison.Ordinal) => StemPlaceholder,
            "meetingId" when raw.EndsWith("/alv/meetings/{meetingId}", StringComparison.Ordinal) => "alv-leeg",
            // An agenda item is added to a meeting still ahead, called today: one added after the notice needs the notice
            // period from that day (tester5 T2), which the held meeting no longer has.
            "meetingId" when raw.EndsWith("/alv/meetings/{meetingId}/proposals", StringComparison.Ordinal) => "alv-komend",
            "meetingId" => HeldPlaceholder,
            "proposalId" when raw.EndsWith("/tally", StringComparison.Ordinal) => "telling",
            "complexId" when raw.EndsWith("/declarations", StringComparison.Ordinal) => "complex-a",
            "complexId" => "complex-b",
            "proposalId" => "tarief",
            "number" when raw.Contains("/tranches/", StringComparison.Ordinal) => "1",
            "number" when raw.EndsWith("/erase", StringComparison.Ordinal) => "L-4",
            "number" => "L-1",
            "key" when raw.Contains("/milestones/", StringComparison.Ordinal) => "start-bouw",
            "version" => "1",
            _ => Known.TryGetValue(name, out var known) ? known[0] : "x",
        };
    }

    /// <summary>A token made for the accepted path of DELETE /api/tokens/{id} (its id; see Seed).</summary>
    private static string ThrowawayToken = "tok-none";

    private static Gen<Case> RandomCases(IReadOnlyList<Endpoint> endpoints) =>
        from index in Gen.Choose(0, endpoints.Count - 1)
        let endpoint = endpoints[index]
        from values in Gen.CollectToArray(endpoint.Pattern.Parameters.Select(p => RouteValue(endpoint.Pattern, p.Name)))
        from query in QueryString(endpoint)
        from caller in Gen.Frequency(
            (8, Gen.Constant(Caller.Admin)), (6, Gen.Constant(Caller.Board)), (2, Gen.Constant(Caller.OtherBoard)),
            (2, Gen.Constant(Caller.Financier)), (1, Gen.Constant(Caller.Coordinator)), (1, Gen.Constant(Caller.Reader)),
            (1, Gen.Constant(Caller.None)), (1, Gen.Constant(Caller.Revoked)), (1, Gen.Constant(Caller.MadeUp)))
        from body in endpoint.Method == "GET" ? Gen.Constant(NoBody)
            : Examples.TryGetValue(endpoint.Key, out var example) && example != NoBody
                ? Gen.Frequency((1, Gen.Constant(example)), (6, Mutated(example)), (1, MalformedBody()), (1, RandomObject()))
            : Gen.Frequency((3, Gen.Constant(NoBody)), (2, RandomObject()), (1, MalformedBody()), (1, Gen.Constant("{}")))
        select new Case(index, [.. values], query, caller, body);

    /// <summary>
    /// The guard against endpoints the campaign attacks with random bodies only: every write
    /// endpoint of the running app has a known-good body in <see cref="Examples"/>, every query
    /// parameter known-good values in <see cref="QueryValues"/>, and no example is left over for an
    /// endpoint the app no longer has.
    /// </summary>
    [Fact]
    public async Task Every_write_endpoint_has_a_known_good_body_and_every_query_parameter_known_values()
    {
        var endpoints = CampaignEndpoints(fixture.Server.App);
        var writes = endpoints.Where(e => WriteMethods.Contains(e.Method)).ToList();
        Assert.True(writes.Count >= 40, $"only {writes.Count} write endpoints found: is the route table read?");
        Assert.Contains(endpoints, e => e.Key == "GET /api/projects/{id}/business-cases/" && e.Query.SequenceEqual(["page", "pageSize"]));
        var withoutBody = writes.Where(e => !Examples.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        Assert.True(withoutBody.Count == 0,
            "These write endpoints have no known-good body in AbuseCampaign.Examples (tests/Warmte.Tests/Http/AbuseCampaign.cs); add one line each, "
            + "[\"METHOD pattern\"] = a JSON body the endpoint accepts with the campaign's seeded data (or NoBody when it reads no body):\n  "
            + string.Join("\n  ", withoutBody));
        var unknownQuery = endpoints.SelectMany(e => e.Query.Where(q => !QueryValues.ContainsKey(q)).Select(q => $"{e.Key} ?{q}=")).ToList();
        Assert.True(unknownQuery.Count == 0, "These query parameters have no known-good values in AbuseCampaign.QueryValues; add them by name:\n  " + string.Join("\n  ", unknownQuery));
        var stale = Examples.Keys.Where(k => !writes.Any(e => e.Key == k)).ToList();
        Assert.True(stale.Count == 0, "These AbuseCampaign.Examples are for endpoints the app does not have (renamed?):\n  " + string.Join("\n  ", stale));
    }

    [Fact]
    public async Task No_request_gets_a_5xx_a_refusal_is_always_a_problem_document_and_never_a_partial_write()
    {
        var endpoints = await Seed();
        var tried = new ConcurrentDictionary<string, int>();
        var statuses = new ConcurrentDictionary<int, int>();
        var accepted = new ConcurrentDictionary<string, int>();
        var goodRefused = new ConcurrentDictionary<string, string>();
        var readsNotCompared = 0;
        var baseline = await Snapshot();
        // The record grains keep their record in a journal snapshot and their audit trail in journal
        // rows: the comparison must see those rows (a refused write that added an audit row shows as a
        // changed journal count), not only Orleans' grain-storage rows.
        foreach (var grain in new[] { $"project/{Project}", $"cooperative/{Coop}", $"umbrella/{Umbrella}" })
            Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(grain)} v\d+ seq\d+ journal:[1-9]\d* ", baseline.StoredAll);
        var sweep = 0;
        try
        {
            int Run(Case c)
            {
                var endpoint = endpoints[c.Endpoint];
                tried.AddOrUpdate(endpoint.Key, 1, (_, n) => n + 1);
                var (status, contentType, body, path) = Send(endpoint, c).GetAwaiter().GetResult();
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status < 300) accepted.AddOrUpdate(endpoint.Key, 1, (_, n) => n + 1);
                // Why the known-good body itself was refused, when it was (already voted, mail not configured, ...): printed below.
                if (status >= 400 && c.Caller is Caller.Admin or Caller.Board && Examples.GetValueOrDefault(endpoint.Key) == c.Body && body.StartsWith('{'))
                    goodRefused[endpoint.Key] = $"{status} {JsonNode.Parse(body)?["code"]}";
                var after = Snapshot().GetAwaiter().GetResult();
                var before = baseline;
                baseline = after;
                if (before.Day != after.Day) readsNotCompared++;
                Assert.True(status < 500, $"{endpoint.Key} answered {status}: {Cut(body)}");
                if (status == ConnectionClosed && Changed(before, after, mainOnly: false) is { } cut)
                    Assert.Fail($"{endpoint.Key}: the server closed the connection on an oversized body but changed {cut}");
                // Kestrel itself refuses a path with an encoded NUL as malformed HTTP, bare and before the service sees it.
                var refusedByServer = status == 400 && body.Length == 0 && path.Contains("%00", StringComparison.Ordinal);
                if (refusedByServer) statuses.AddOrUpdate(-400, 1, (_, n) => n + 1);
                refusedByServer |= status == ConnectionClosed;
                if (status >= 400 && !refusedByServer)
                {
                    Assert.True(contentType == "application/problem+json", $"{endpoint.Key} answered {status} as {contentType}: {Cut(body)}");
                    using var problem = JsonDocument.Parse(body);
                    Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
                    Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("code").GetString()));
                    if (Changed(before, after, mainOnly: false) is { } changed) Assert.Fail($"{endpoint.Key} refused with {status} but changed {changed}");
                }
                // The members' voting door ignores tokens: the voting code in the body is the member's identification.
                var byToken = !WithoutToken.Contains(endpoint.Key.TrimEnd('/'));
                if (!refusedByServer && c.Caller is Caller.None or Caller.Revoked or Caller.MadeUp && byToken)
                    Assert.Equal(401, status);
                if (status < 400 && byToken && c.Caller is Caller.Reader or Caller.Coordinator && Changed(before, after, mainOnly: false) is { } written)
                    Assert.Fail($"{c.Caller} changed, through {endpoint.Key}, {written}");
                if (status < 400 && byToken && c.Caller is Caller.OtherBoard && Changed(before, after, mainOnly: true) is { } crossed)
                    Assert.Fail($"another cooperative's board changed {Coop} through {endpoint.Key}: {crossed}");
                if (endpoint.Method == "GET" && Changed(before, after, mainOnly: false) is { } read)
                    Assert.Fail($"a GET ({endpoint.Key}, answered {status}) changed {read}");
                // An accepted write may have closed the online voting, re-issued L-1's code or made L-1 ineligible:
                // give the members' door a working code again, and compare the next case against the state after that.
                if (status < 300 && endpoint.Method != "GET" && KeepVotingOpen().GetAwaiter().GetResult())
                    baseline = Snapshot().GetAwaiter().GetResult();
                // Likewise the meeting held today (a closed proposal, or ballots and a tally on the wrong one) and the gate project (past its gate).
                if (status < 300 && endpoint.Key.Contains("/alv/", StringComparison.Ordinal) && KeepMeetingHeld().GetAwaiter().GetResult())
                    baseline = Snapshot().GetAwaiter().GetResult();
                if (status < 300 && endpoint.Key.EndsWith("/transitions", StringComparison.Ordinal) && KeepGateDue().GetAwaiter().GetResult())
                    baseline = Snapshot().GetAwaiter().GetResult();
                return status;
            }

            // The sweep: every write endpoint's known-good body once, unchanged, on the seeded ids, by the
            // cooperative's board (by an admin where the board is refused 403), deletions last; checked
            // like every other case. It makes the accepted-path guard below hold for every run, the
            // default 400 cases included, instead of hoping the random cases pick each one.
            await Task.Run(() =>
            {
                foreach (var (endpoint, index) in endpoints.Select((e, i) => (e, i)).Where(x => WriteMethods.Contains(x.e.Method))
                             .OrderBy(x => x.e.Method == "DELETE").ThenBy(x => x.e.Key, StringComparer.Ordinal))
                {
                    var c = new Case(index, [.. endpoint.Pattern.Parameters.Select(p => CanonicalRouteValue(endpoint.Pattern, p.Name))], "", Caller.Board, Examples[endpoint.Key]);
                    sweep++;
                    if (Run(c) == 403) { sweep++; Run(c with { Caller = Caller.Admin }); }
                }
            });
            var property = Prop.ForAll(Cases_(endpoints).ToArbitrary(), c => { Run(c); });
            // Off xUnit's synchronisation context: the property blocks on HTTP calls.
            await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property));

            // The guard: a write endpoint the whole run never accepted was attacked only on its refusals
            // (a state the campaign does not keep up, an example that went stale): name them.
            var never = endpoints.Where(e => WriteMethods.Contains(e.Method) && accepted.GetValueOrDefault(e.Key) == 0)
                .Select(e => $"{e.Key} (known-good body last refused: {goodRefused.GetValueOrDefault(e.Key, "never sent")})").ToList();
            Assert.True(never.Count == 0, "These write endpoints were never accepted in this run, so their accepted path went unattacked; "
                + "fix their example in AbuseCampaign.Examples or keep the state they need:\n  " + string.Join("\n  ", never));
        }
        finally
        {
            output.WriteLine($"Endpoints found in the app: {endpoints.Count(e => e.Method != "GET")} write endpoints and {endpoints.Count(e => e.Method == "GET")} GETs with query parameters (excluded: {string.Join(", ", Excluded)})");
            foreach (var endpoint in endpoints)
                output.WriteLine($"{tried.GetValueOrDefault(endpoint.Key),6}  {endpoint.Key}{(endpoint.Query.Length > 0 ? $" ?{string.Join("&", endpoint.Query)}" : "")}"
                    + $"{(endpoint.Method == "GET" || Examples.ContainsKey(endpoint.Key) ? "" : "  (random bodies only)")}"
                    + $"  accepted {accepted.GetValueOrDefault(endpoint.Key)}"
                    + (goodRefused.TryGetValue(endpoint.Key, out var why) ? $" (known-good body last refused: {why})" : ""));
            output.WriteLine($"{renewals,6}  times the online voting was given a working code again (a new meeting {stemMeetings - 1} times)");
            output.WriteLine($"{heldRenewals,6}  times a new meeting held today replaced one whose proposals the campaign had closed or filled; {gateRenewals,6} times the gate project was made due again (a new one {gateProjects - 1} times)");
            output.WriteLine($"{sweep,6}  of the cases were the sweep (each write endpoint's known-good body once, before the random cases)");
            output.WriteLine($"{tried.Values.Sum(),6}  cases in total; answers: {string.Join(", ", statuses.Where(p => p.Key > 0).OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"))}"
                + $"; of the 400s, {statuses.GetValueOrDefault(-400)} bare from Kestrel (encoded NUL in the path)"
                + $"; {statuses.GetValueOrDefault(ConnectionClosed)} bodies over {BodyLimit / 1024} kB cut off by the server closing the connection (a broken pipe for the client, no answer)");
            output.WriteLine($"{readsNotCompared,6}  cases compared on stored state only: the Amsterdam date changed between the snapshots");
        }
    }

    /// <summary>The first snapshot line that differs, around the first differing character.</summary>
    private static string Difference(string before, string after)
    {
        var (a, b) = (before.Split('\n'), after.Split('\n'));
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] == b[i]) continue;
            var at = 0;
            while (at < Math.Min(a[i].Length, b[i].Length) && a[i][at] == b[i][at]) at++;
            string Around(string line) => line.Substring(Math.Max(0, at - 150), Math.Min(line.Length - Math.Max(0, at - 150), 300));
            return $"{a[i].Split(' ')[0]}\n  before: …{Around(a[i])}…\n  after:  …{Around(b[i])}…";
        }
        return "the number of snapshot lines differs";
    }

    /// <summary>The service's request body limit (docs/operations.md, "Request body size").</summary>
    private const int BodyLimit = 256 * 1024;

    /// <summary>The "status" of a request whose oversized body the server cut off by closing the connection.</summary>
    private const int ConnectionClosed = -413;

    private async Task<(int Status, string? ContentType, string Body, string Path)> Send(Endpoint endpoint, Case c)
    {
        var path = string.Concat(endpoint.Pattern.PathSegments.Select(segment => "/" + string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => Uri.EscapeDataString(Resolve(c.RouteValues[endpoint.Pattern.Parameters.ToList().FindIndex(p => p.Name == parameter.Name)])),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
        var client = fixture.Server.Client(token: null);
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path.TrimStart('/') + c.Query);
        if (c.Body.Length > 0) request.Content = new StringContent(Resolve(c.Body), Encoding.UTF8, "application/json");
        if (Tokens[c.Caller] is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException && Encoding.UTF8.GetByteCount(c.Body) > BodyLimit)
        {
            // Kestrel answers 413 to a body over the limit as soon as it knows, and closes the connection; a client
            // still writing the rest of the body then sees a broken pipe instead of the answer. Counted apart.
            return (ConnectionClosed, null, "", path);
        }
        using var _ = response;
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), path);
    }

    /// <summary>The placeholders of the voting door's bodies and routes, filled in with the current code, meeting and receipt.</summary>
    private string Resolve(string text) => text switch
    {
        StemPlaceholder => _stemMeeting,
        HeldPlaceholder => _heldMeeting,
        GatePlaceholder => _gateProject,
        BookingPlaceholder => _booking,
        _ => text.Replace($"\"{CodePlaceholder}\"", $"\"{_stemCode}\"").Replace($"/{StemPlaceholder}\"", $"/{_stemMeeting}\"").Replace($"\"{ReceiptPlaceholder}\"", $"\"{_receipt}\"")
            .Replace($"\"{TodayPlaceholder}\"", $"\"{Today():yyyy-MM-dd}\"").Replace($"\"{NoticePlaceholder}\"", $"\"{Today().PlusYears(4):yyyy-MM-dd}\""),
    };

    private LocalDate Today() => AmsterdamTime.Today(fixture.Server.App.Services.GetRequiredService<IClock>());

    private string _heldMeeting = "";
    private string _gateProject = "";
    private string _booking = "";
    private int heldMeetings;
    private int gateProjects;
    private int heldRenewals;
    private int gateRenewals;

    private string _stemMeeting = "";
    private string _stemCode = "";
    private string _receipt = "";
    private int stemMeetings;
    private int renewals;

    /// <summary>
    /// A meeting two weeks from today with online voting open on two proposals (statutes allow it,
    /// proxies too), codes issued to every member; L-1's is the one the known-good bodies use and
    /// L-3 has voted online once (for a receipt). L-1 is (re)registered first, since the campaign may
    /// have changed it.
    /// </summary>
    private async Task OpenStemMeeting()
    {
        var admin = fixture.Server.Client();
        var today = AmsterdamTime.Today(fixture.Server.App.Services.GetRequiredService<IClock>());
        var meeting = $"stem-{++stemMeetings}";
        await Expect(admin.Put($"api/cooperatives/{Coop}/members/L-1", new
        {
            number = "L-1", name = "Lid L-1", category = "eigenaar-bewoner", woningequivalenten = 1, postcode = "1054 AB", huisnummer = 1, joinedOn = "2020-01-01",
            email = "lid1@campagne.example",
        }));
        await Expect(admin.Put($"api/cooperatives/{Coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = true } }));
        await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings", new
        {
            id = meeting, title = "Online ALV", date = today.PlusDays(14).ToString("yyyy-MM-dd", null), noticeDate = today.ToString("yyyy-MM-dd", null),
            proposals = new object[]
            {
                new { id = "realisatiebesluit", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId = Project },
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
            },
        }));
        await Expect(admin.Put($"api/cooperatives/{Coop}/alv/meetings/{meeting}/online", new
        {
            proposals = new[] { new { proposalId = "realisatiebesluit" }, new { proposalId = "tarief" } },
        }));
        var issued = await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings/{meeting}/online/codes", new { }));
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        await Expect(fixture.Server.Client(token: null).Post("api/stem/votes", new { code = codes["L-3"], proposalId = "realisatiebesluit", choice = "Voor" }));
        (_stemMeeting, _stemCode) = (meeting, codes["L-1"]);
    }

    /// <summary>
    /// A meeting held today (notice two weeks ago), no online voting: the board enters ballots per
    /// member on "tarief" and the paper tally on "telling" (a proposal takes one or the other), the
    /// attendance list, closes "tarief", adds proposals.
    /// </summary>
    private async Task OpenHeldMeeting()
    {
        var today = Today();
        var meeting = $"zaal-{++heldMeetings}";
        await Expect(fixture.Server.Client().Post($"api/cooperatives/{Coop}/alv/meetings", new
        {
            id = meeting, title = "ALV in de zaal", date = today.ToString("yyyy-MM-dd", null), noticeDate = today.PlusDays(-14).ToString("yyyy-MM-dd", null),
            proposals = new object[]
            {
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
                new { id = "telling", title = "Tarief 2029", decisionType = "Tariefbesluit" },
            },
        }));
        _heldMeeting = meeting;
    }

    /// <summary>
    /// After an accepted write to the ALV: when a proposal of the held meeting was closed, took a
    /// tally where ballots belong ("tarief") or ballots where the tally belongs ("telling"), a new
    /// held meeting takes its place. True when it wrote something (the caller takes a new baseline).
    /// </summary>
    private async Task<bool> KeepMeetingHeld()
    {
        var meetings = await fixture.Server.Client().Get($"api/cooperatives/{Coop}/alv/meetings");
        if (meetings.Status != HttpStatusCode.OK) throw new InvalidOperationException($"Reading the meetings failed: {meetings.Raw}");
        var held = meetings.Body.EnumerateArray().FirstOrDefault(m => m.GetProperty("id").GetString() == _heldMeeting);
        if (held.ValueKind == JsonValueKind.Object && held.GetProperty("proposals").EnumerateArray().All(p =>
                !p.GetProperty("isClosed").GetBoolean()
                && (p.GetProperty("id").GetString() == "telling" ? p.GetProperty("ballotCount").GetInt32() == 0 : !p.GetProperty("tallyRecorded").GetBoolean())))
            return false;
        heldRenewals++;
        await OpenHeldMeeting();
        return true;
    }

    /// <summary>
    /// A project of the cooperative in Initiatief whose gate to Haalbaarheid is met (both deliverables
    /// present): the known-good transition ("to Haalbaarheid" today) is a go.
    /// </summary>
    private async Task NewGateProject()
    {
        var admin = fixture.Server.Client();
        var project = $"camp-gate-{++gateProjects}";
        await Expect(admin.Post($"api/cooperatives/{Coop}/projects", new
        {
            id = project, name = "Poortproject", woningequivalenten = 100, plannedConnections = 80, startedOn = "2018-01-01",
        }));
        foreach (var key in new[] { "bewonersgroep", "intentieverklaring" })
            await Expect(admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = "2024-01-01", reference = "campagne" }));
        _gateProject = project;
    }

    /// <summary>
    /// After an accepted transition of the gate project: back to Initiatief by a no-go today (needs
    /// no conditions), or a new gate project when the campaign stopped it (Gestopt is final). True
    /// when it wrote something.
    /// </summary>
    private async Task<bool> KeepGateDue()
    {
        var admin = fixture.Server.Client();
        var project = await admin.Get($"api/projects/{_gateProject}");
        if (project.Status != HttpStatusCode.OK) throw new InvalidOperationException($"Reading the gate project failed: {project.Raw}");
        var phase = project.Text("phase");
        if (phase == "Initiatief") return false;
        gateRenewals++;
        var back = phase == "Haalbaarheid"
            ? await admin.Post($"api/projects/{_gateProject}/transitions", new { to = "Initiatief", decidedOn = Today().ToString("yyyy-MM-dd", null), decidedBy = "Campagne", rationale = "terug voor de volgende poort" })
            : null;
        if (back is not { Status: HttpStatusCode.OK or HttpStatusCode.Created }) await NewGateProject();
        return true;
    }

    /// <summary>
    /// A meeting held today whose online voting is closed and its one proposal closed: L-3's online
    /// vote's receipt is what the known-good receipt check asks about (<see cref="ReceiptPlaceholder"/>).
    /// Seeded once: nothing the campaign's accepted path sends reopens it.
    /// </summary>
    private async Task CountedMeeting()
    {
        var admin = fixture.Server.Client();
        var today = Today();
        await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings", new
        {
            id = Counted, title = "Uitgestemde ALV", date = today.ToString("yyyy-MM-dd", null), noticeDate = today.PlusDays(-14).ToString("yyyy-MM-dd", null),
            proposals = new object[] { new { id = "tarief", title = "Tarief 2027", decisionType = "Tariefbesluit" } },
        }));
        await Expect(admin.Put($"api/cooperatives/{Coop}/alv/meetings/{Counted}/online", new { proposals = new[] { new { proposalId = "tarief" } } }));
        var issued = await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings/{Counted}/online/codes", new { members = new[] { "L-3" } }));
        var code = issued.Body.GetProperty("codes").EnumerateArray().Single().GetProperty("code").GetString();
        var vote = await Expect(fixture.Server.Client(token: null).Post("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor" }));
        await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings/{Counted}/online/close", new { }));
        await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings/{Counted}/proposals/tarief/close", new { }));
        _receipt = vote.Text("receipt");
    }

    /// <summary>
    /// After an accepted write: when L-1's code no longer opens a ballot (the online voting was
    /// closed, the code re-issued in a sheet or letters, L-1 changed), re-issue it, or open voting on
    /// a new meeting. True when it wrote something (the caller takes a new baseline).
    /// </summary>
    private async Task<bool> KeepVotingOpen()
    {
        var paper = await fixture.Server.Client(token: null).Post("api/stem/paper", new { code = _stemCode });
        if (paper.Status == HttpStatusCode.OK) return false;
        renewals++;
        var issued = await fixture.Server.Client().Post($"api/cooperatives/{Coop}/alv/meetings/{_stemMeeting}/online/codes", new { members = new[] { "L-1" } });
        if (issued.Status == HttpStatusCode.OK && issued.Body.GetProperty("codes").EnumerateArray().FirstOrDefault(c => c.GetProperty("memberNumber").GetString() == "L-1") is { ValueKind: JsonValueKind.Object } code
            && await fixture.Server.Client(token: null).Post("api/stem/paper", new { code = code.GetProperty("code").GetString() }) is { Status: HttpStatusCode.OK })
        {
            _stemCode = code.GetProperty("code").GetString()!;
            return true;
        }
        await OpenStemMeeting();
        return true;
    }

    /// <summary>
    /// One snapshot of what a refused write must not change, in two parts.
    /// <para><b>Stored</b>: every grain's stored row (its version and its JSON) and the token table,
    /// read from the database itself, for every cooperative and project (not only the ones the reads
    /// below cover). Left out, because they change without any request and are not what a caller
    /// writes: the alert watch's rows (the alert history; written by the one-way re-evaluation after
    /// an accepted change, which may land while the next case runs, and by its reminder, the first a
    /// minute after a project is created) and the refusal audit (it records every refusal: that is
    /// its job, see docs/operations.md).</para>
    /// <para><b>Reads</b>: the API's answers, which also show what a grain holds in memory, so a change
    /// made in memory but never stored (a later write would store it) shows here. They are computed
    /// against today (a milestone's days late, consent's <c>on</c> and forecast, the umbrella's
    /// <c>asOf</c>), so they change at midnight in Amsterdam without any write: reads are compared only
    /// when both snapshots fall on the same Amsterdam date (<see cref="Day"/> spans the whole snapshot).</para>
    /// "Main" is the part of the cooperative under attack and its project; "All" is everything.
    /// </summary>
    private sealed record State(string? Day, string StoredMain, string StoredAll, string ReadMain, string ReadAll);

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/> (null: nothing), stored state first.</summary>
    private static string? Changed(State before, State after, bool mainOnly)
    {
        var (storedBefore, storedAfter) = mainOnly ? (before.StoredMain, after.StoredMain) : (before.StoredAll, after.StoredAll);
        if (storedBefore != storedAfter) return "the stored state: " + Difference(storedBefore, storedAfter);
        if (before.Day is null || before.Day != after.Day) return null;
        var (readBefore, readAfter) = mainOnly ? (before.ReadMain, after.ReadMain) : (before.ReadAll, after.ReadAll);
        return readBefore == readAfter ? null : "what the API reads (in memory, not stored): " + Difference(readBefore, readAfter);
    }

    private async Task<State> Snapshot()
    {
        var clock = fixture.Server.App.Services.GetRequiredService<IClock>();
        var dayBefore = AmsterdamTime.Today(clock);
        var (storedMain, storedAll) = await Stored();
        var (readMain, readAll) = await Reads();
        var day = AmsterdamTime.Today(clock) == dayBefore ? dayBefore.ToString() : null;
        return new State(day, storedMain, storedAll, readMain, readAll);
    }

    private static readonly string[] NotCompared = ["alertwatch"];

    /// <summary>The stored rows, one line each: "state/key vVERSION json", ordered; Main has the rows keyed by the attacked cooperative or project.</summary>
    private async Task<(string Main, string All)> Stored()
    {
        var database = fixture.Server.App.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync();
        var lines = new List<(string Key, string Line)>();
        await using (var grains = connection.CreateCommand())
        {
            grains.CommandText = """
                SELECT GrainTypeString, GrainIdExtensionString, GrainIdN0, GrainIdN1, Version, PayloadBinary FROM OrleansStorage
                ORDER BY GrainTypeString, GrainIdExtensionString, GrainIdN0, GrainIdN1
                """;
            await using var reader = await grains.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var state = reader.GetString(0);
                if (NotCompared.Contains(state)) continue;
                var key = reader.IsDBNull(1) ? $"{reader.GetValue(2)}.{reader.GetValue(3)}" : reader.GetString(1);
                var json = reader.IsDBNull(5) ? "(none)" : Encoding.UTF8.GetString((byte[])reader.GetValue(5));
                lines.Add((key, $"{state}/{key} v{reader.GetValue(4)} {json.ReplaceLineEndings("\\n")}"));
            }
        }
        // Journaled grains (docs/storage.md, "The journal"): the snapshot with its version, and how many
        // journal and idempotency rows each holds (rows are only ever added, so a count shows any write).
        await using (var journaled = connection.CreateCommand())
        {
            journaled.CommandText = """
                SELECT s.grain_type, s.grain_key, s.version, s.last_seq,
                       (SELECT COUNT(*) FROM warmte_journal j WHERE j.grain_type = s.grain_type AND j.grain_key = s.grain_key),
                       (SELECT COUNT(*) FROM warmte_idempotency i WHERE i.grain_type = s.grain_type AND i.grain_key = s.grain_key),
                       s.state
                FROM warmte_snapshot s ORDER BY s.grain_type, s.grain_key
                """;
            await using var reader = await journaled.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (NotCompared.Contains(reader.GetString(0))) continue; // the alert watch moved to the journal: still its own schedule
                var key = reader.GetString(1);
                lines.Add((key, $"{reader.GetString(0)}/{key} v{reader.GetValue(2)} seq{reader.GetValue(3)} journal:{reader.GetValue(4)} keys:{reader.GetValue(5)} {reader.GetString(6)}"));
            }
        }
        await using (var tokens = connection.CreateCommand())
        {
            tokens.CommandText = "SELECT id, name, role, created_at, created_by, revoked_at FROM warmte_api_token ORDER BY id";
            await using var reader = await tokens.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                lines.Add(("", $"token/{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)} {reader.GetString(3)} {reader.GetString(4)} revoked:{(reader.IsDBNull(5) ? "-" : reader.GetString(5))}"));
        }
        return (string.Join("\n", lines.Where(l => l.Key is Coop or Project).Select(l => l.Line)), string.Join("\n", lines.Select(l => l.Line)));
    }

    /// <summary>What the API answers about the cooperative under attack and its project in full (Main), the other cooperative and everything global.</summary>
    private async Task<(string Main, string All)> Reads()
    {
        var admin = fixture.Server.Client();
        string[] main =
        [
            $"api/cooperatives/{Coop}", $"api/projects/{Project}", $"api/cooperatives/{Coop}/members", $"api/cooperatives/{Coop}/alv/meetings",
            $"api/cooperatives/{Coop}/alv/statutes", $"api/projects/{Project}/consent", $"api/projects/{Project}/wcw", $"api/projects/{Project}/grants",
            $"api/projects/{Project}/spending", $"api/projects/{Project}/cashflow-plan", $"api/projects/{Project}/business-cases",
            $"api/cooperatives/{Coop}/audit?pageSize=5", $"api/projects/{Project}/audit?pageSize=5",
            $"api/cooperatives/{Coop}/alv/meetings/{_stemMeeting}/online", $"api/cooperatives/{Coop}/privacy",
        ];
        string[] others =
        [
            "api/cooperatives", "api/umbrellas", "api/tokens", $"api/umbrellas/{Umbrella}",
            $"api/cooperatives/{Other}", $"api/projects/{OtherProject}", $"api/projects/{OtherProject}/grants", $"api/projects/{OtherProject}/consent",
        ];
        var answers = await Task.WhenAll(main.Concat(others).Select(async p => p + " " + (await admin.Get(p)).Raw));
        var mainText = string.Join("\n", answers.Take(main.Length));
        return (mainText, mainText + "\n" + string.Join("\n", answers.Skip(main.Length)));
    }

    private async Task<IReadOnlyList<Endpoint>> Seed()
    {
        await SeedLock.WaitAsync();
        try
        {
            if (_endpoints is not null) return _endpoints;
            var admin = fixture.Server.Client();
            await ApiCalls.SeedCooperativeWithProject(admin, Coop, Project);
            await ApiCalls.SeedCooperativeWithProject(admin, Other, "camp-other-proj");
            await ApiCalls.SeedMembers(admin, Coop);
            await Expect(admin.Put($"api/cooperatives/{Coop}/members/L-4", new
            {
                number = "L-4", name = "Oud-lid L-4", category = "huurder", woningequivalenten = 1, postcode = "1054 AB", huisnummer = 4,
                joinedOn = "2020-01-01", leftOn = "2023-06-30",
            }));
            await Expect(admin.Post("api/umbrellas", new { id = Umbrella, name = "APEC" }));
            await Expect(admin.Post($"api/cooperatives/{Coop}/umbrellas", new { umbrellaId = Umbrella }));
            await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings", new
            {
                id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
                proposals = new[] { new { id = "realisatiebesluit", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId = Project } },
            }));
            await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings", new
            {
                id = "alv-leeg", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
                proposals = new[] { new { id = "begroting", title = "Begroting", decisionType = "Overig" } },
            }));
            await Expect(admin.Post($"api/cooperatives/{Coop}/alv/meetings", new
            {
                id = "alv-komend", title = "ALV over een maand", date = Today().PlusDays(30).ToString("yyyy-MM-dd", null), noticeDate = Today().ToString("yyyy-MM-dd", null),
                proposals = new[] { new { id = "begroting", title = "Begroting", decisionType = "Overig" } },
            }));
            await Expect(admin.Put($"api/projects/{Project}/consent/complexes/complex-a", new { name = "A", corporation = "Stadgenoot", rentedHomes = 20 }));
            await Expect(admin.Post($"api/projects/{Project}/grants", new
            {
                id = "paw", funder = "Rijk via gemeente", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2020-01-01",
                tranches = new[] { new { amount = 1_000_000m }, new { amount = 1_000_000m } },
            }));
            _booking = (await Expect(admin.Post($"api/projects/{Project}/spending", new { month = "2024-01", kind = "Design", amount = 100m, note = "te corrigeren" }))).Text("id");
            var model = JsonDocument.Parse(File.ReadAllText(RepoFiles.Path("models", "ketelhuiswg.json"))).RootElement;
            await Expect(admin.Post($"api/projects/{Project}/business-cases", new { note = "campagne", model }));

            async Task<string> NewToken(string role) => (await Expect(admin.Post("api/tokens", new { name = "campagne " + role, role }))).Text("token");
            Tokens[Caller.Admin] = WarmteServer.BootstrapAdminToken;
            Tokens[Caller.Board] = await NewToken($"board:{Coop}");
            Tokens[Caller.OtherBoard] = await NewToken($"board:{Other}");
            Tokens[Caller.Financier] = await NewToken("financier");
            Tokens[Caller.Coordinator] = await NewToken("coordinator");
            Tokens[Caller.Reader] = await NewToken("reader");
            var revoked = await Expect(admin.Post("api/tokens", new { name = "ingetrokken", role = "admin" }));
            await admin.Delete($"api/tokens/{revoked.Text("id")}");
            Tokens[Caller.Revoked] = revoked.Text("token");
            Tokens[Caller.MadeUp] = "wt_" + new string('q', 43);
            ThrowawayToken = (await Expect(admin.Post("api/tokens", new { name = "weggooi", role = "reader" }))).Text("id");
            Tokens[Caller.None] = null;
            await OpenStemMeeting();
            await OpenHeldMeeting();
            await NewGateProject();
            await CountedMeeting();
            return _endpoints = CampaignEndpoints(fixture.Server.App);
        }
        finally { SeedLock.Release(); }
    }

    private static async Task<ApiCalls.Answer> Expect(Task<ApiCalls.Answer> call)
    {
        var answer = await call;
        if ((int)answer.Status >= 300) throw new InvalidOperationException($"Seeding the campaign failed: {answer.Raw}");
        return answer;
    }
}
