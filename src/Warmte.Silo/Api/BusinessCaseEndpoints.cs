using System.Text.Json;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.BusinessCase.Model;
using Warmte.BusinessCase.Versions;
using Warmte.Common;
using Warmte.Projects;
using Warmte.Serialization;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

public sealed record SaveBusinessCaseRequest(string? Note, JsonElement? Model);

public sealed record EvaluateRequest(JsonElement? Model);

public sealed record LoanGridRequest(
    [property: JsonFieldHint(LoanGrid.RateForm)] decimal[]? Rates, int[]? Terms, string[]? Types, int[]? Graces, int? Loan);

public sealed record MonteCarloRequest(int? Runs, int? Seed);

/// <summary>Business-case versions per project, and evaluation, loan grid, stress tests and Monte Carlo on them.</summary>
public static class BusinessCaseEndpoints
{
    public const int MaxGridCells = 2_000;
    public const int MaxApiRuns = 100_000;

    public static void MapBusinessCaseEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/business-cases/evaluate", async (HttpContext http) =>
        {
            var (body, problem) = await RequestBody.ReadAsync<EvaluateRequest>(http.Request);
            if (problem is not null) return problem;
            if (body!.Model is not { ValueKind: JsonValueKind.Object } model) return Problems.Invalid("model", "is verplicht: het model als JSON-object.");
            var read = ModelReader.Read(model.GetRawText());
            if (!read.IsOk) return Problems.From(Refusal.Invalid(read.Refusal!.Errors.Select(e => e with { Field = "model." + e.Field })));
            return Answers.Ok(Full(read.Value!));
        }).WithTags("Business case").ReadsBody<EvaluateRequest>().WithSummary("Een model doorrekenen zonder het te bewaren");

        var group = api.MapGroup("/projects/{id}/business-cases").WithTags("Business case");

        group.MapGet("/", async (string id, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (!await Answers.ProjectExists(grains, id)) return Problems.NotFound("Project", id);
            var grain = grains.GetGrain<IBusinessCaseGrain>(id);
            if (page is null && pageSize is null) return Answers.Ok(await grain.List());
            // Paged from the journal: the same list, one page of it, oldest first; the total in a header.
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            var versions = await grain.ListPage((int)Math.Min(int.MaxValue, (long)(p - 1) * size), size);
            http.Response.Headers["X-Total-Count"] = versions.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Answers.Ok(versions.Versions);
        }).KnownQuery(["page", "pageSize"]).WithSummary("Bewaarde versies met hun KPI's (alle, of een pagina met page en pageSize)");

        group.MapPost("/", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            if (await Answers.Project(grains, id) is not { } project) return Problems.NotFound("Project", id);
            if (!http.User.CanWriteCooperative(project.CooperativeId))
                return Problems.Forbidden($"Alleen het bestuur van '{project.CooperativeId}' of een beheerder bewaart hier een business case.");
            if (Answers.IdempotencyKey(http, out var key) is { } badKey) return badKey;
            var (body, problem) = await RequestBody.ReadAsync<SaveBusinessCaseRequest>(http.Request);
            if (problem is not null) return problem;
            if (body!.Model is not { ValueKind: JsonValueKind.Object } model) return Problems.Invalid("model", "is verplicht: het model als JSON-object.");
            var saved = await grains.GetGrain<IBusinessCaseGrain>(id).Save(model.GetRawText(), body.Note, http.User.Actor(), key);
            if (!saved.IsOk) return Problems.From(saved.Refusal!);
            // The version with what the board should check (tester T12): a model of another size than the project.
            var answer = JsonSerializer.SerializeToNode(saved.Value!, WarmteJson.Default)!.AsObject();
            var warnings = ModelReader.Read(model.GetRawText()) is { IsOk: true } read
                ? BusinessCaseRules.Warnings(id, project.Woningequivalenten, read.Value!.Revenue.Woningequivalenten)
                : [];
            answer["warnings"] = new System.Text.Json.Nodes.JsonArray([.. warnings.Select(w => (System.Text.Json.Nodes.JsonNode?)w)]);
            return Answers.Created(Outcome<System.Text.Json.Nodes.JsonObject>.Ok(answer), $"/api/projects/{id}/business-cases/{saved.Value!.Version}");
        }).ReadsBody<SaveBusinessCaseRequest>().WithSummary("Nieuwe versie bewaren (gevalideerd en doorgerekend); met Idempotency-Key één keer");

        group.MapGet("/{version:int}", async (string id, int version, IGrainFactory grains) =>
        {
            if (await Version(id, version, grains) is not { } saved) return Problems.NotFound("Business-caseversie", $"{id}/{version}");
            var inputs = ModelReader.Read(saved.ModelJson).Value!;
            return Answers.Ok(new
            {
                version = BusinessCaseVersionInfo.Of(saved),
                model = JsonDocument.Parse(saved.ModelJson).RootElement,
                result = Full(inputs),
            });
        }).WithSummary("Eén versie: het model, de doorrekening en de opgeloste waarden");

        group.MapGet("/compare", async (string id, int? from, int? to, IGrainFactory grains) =>
        {
            if (from is null || to is null) return Problems.From(Refusal.Invalid(
                new[] { ("from", from), ("to", to) }.Where(p => p.Item2 is null).Select(p => new FieldError(p.Item1, "is verplicht (versienummer)."))));
            if (await Version(id, from.Value, grains) is not { } a) return Problems.NotFound("Business-caseversie", $"{id}/{from}");
            if (await Version(id, to.Value, grains) is not { } b) return Problems.NotFound("Business-caseversie", $"{id}/{to}");
            return Answers.Ok(new
            {
                from = BusinessCaseVersionInfo.Of(a),
                to = BusinessCaseVersionInfo.Of(b),
                difference = new
                {
                    uses = b.Kpis.Uses - a.Kpis.Uses,
                    sources = b.Kpis.Sources - a.Kpis.Sources,
                    surplus = b.Kpis.Surplus - a.Kpis.Surplus,
                    npv = b.Kpis.Npv - a.Kpis.Npv,
                    irr = b.Kpis.Irr - a.Kpis.Irr,
                    minDscr = b.Kpis.MinDscr - a.Kpis.MinDscr,
                    lowestCashBalance = b.Kpis.LowestCashBalance - a.Kpis.LowestCashBalance,
                    financingCloses = new { from = a.Kpis.FinancingCloses, to = b.Kpis.FinancingCloses },
                },
            });
        }).KnownQuery(["from", "to"]).WithSummary("Twee versies naast elkaar");

        group.MapPost("/{version:int}/loan-grid", async (string id, int version, HttpContext http, IGrainFactory grains, Operations.CostlyWork costly) =>
        {
            if (await Version(id, version, grains) is not { } saved) return Problems.NotFound("Business-caseversie", $"{id}/{version}");
            var (body, problem) = await RequestBody.ReadAsync<LoanGridRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var rates = body!.Rates ?? [];
            var terms = body.Terms ?? [];
            // Omitted graces: the model loan's own grace years (as the CLI and the dashboard do), read once the model is parsed.
            var graces = body.Graces ?? [];
            var loan = body.Loan ?? 0;
            if (rates.Length == 0) v.Add("rates", "is verplicht: rentes als fractie, bijv. [0.02, 0.025] voor 2% en 2,5%.");
            for (var i = 0; i < rates.Length; i++) if (LoanGrid.RateProblem(rates[i]) is { } rateProblem) v.Add($"rates[{i}]", rateProblem);
            if (terms.Length == 0) v.Add("terms", "is verplicht: looptijden in jaren, bijv. [20, 30].");
            for (var i = 0; i < terms.Length; i++) if (terms[i] is < 1 or > 100) v.Add($"terms[{i}]", "moet tussen 1 en 100 jaar liggen.");
            for (var i = 0; i < graces.Length; i++) if (graces[i] is < 0 or > 99) v.Add($"graces[{i}]", "moet tussen 0 en 99 jaar liggen.");
            var types = new List<RepaymentType>();
            var typeTexts = body.Types ?? ["Annuity"];
            for (var i = 0; i < typeTexts.Length; i++)
                if (Enum.TryParse<RepaymentType>(typeTexts[i], true, out var t) && Enum.IsDefined(t) && !typeTexts[i].Any(char.IsDigit)) types.Add(t);
                else v.Add($"types[{i}]", "kies Annuity, Linear of Bullet.");
            if (loan < 0) v.Add("loan", "moet 0 of meer zijn (de hoeveelste lening van het model, vanaf 0).");
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            // Distinct cells count, as api.md says (a rate given twice is one column): first the role's limit, which names the
            // caller's own number (tester9b T11: a reader was told 2,000, not its 200), then the service's (issue 16); then
            // one of the silo's places for costly work.
            var cells = (long)rates.Distinct().Count() * terms.Distinct().Count() * Math.Max(1, types.Distinct().Count()) * Math.Max(1, graces.Distinct().Count());
            if (costly.Refuse(http.User, "rates", "leningrastercellen", cells, s => s.LoanGridCells) is { } tooBig) return tooBig;
            if (cells > MaxGridCells) return Problems.Invalid("rates", $"te veel combinaties (maximaal {MaxGridCells} cellen per verzoek).");
            // The model is parsed inside the place, on the lane: a request answered busy has cost only the checks above.
            return await costly.ComputeAsync(http, () =>
            {
                var inputs = ModelReader.Read(saved.ModelJson).Value!;
                if (LoanGrid.LoanIndexProblem(inputs.Loans.Length, loan, "loan") is { } noLoan)
                    return Problems.Invalid("loan", $"lening {loan} bestaat niet: {noLoan}");
                int[] gracesUsed = body.Graces is null ? [inputs.Loans[loan].Terms.GraceYears] : [.. graces.Distinct()];
                return Answers.Ok(LoanGrid.Simulate(inputs, rates.Distinct().ToArray(), terms.Distinct().ToArray(),
                    types.Distinct().ToArray(), gracesUsed, loan, costly.Settings.ThreadsPerRequest, costly.Lane));
            });
        }).ReadsBody<LoanGridRequest>().WithSummary("Leningraster: rentes × looptijden × aflossingsvormen × aflossingsvrije jaren");

        group.MapGet("/{version:int}/stress", async (string id, int version, IGrainFactory grains) =>
        {
            if (await Version(id, version, grains) is not { } saved) return Problems.NotFound("Business-caseversie", $"{id}/{version}");
            var inputs = ModelReader.Read(saved.ModelJson).Value!;
            return Answers.Ok(new { scenarios = StressTests.Run(inputs), tornado = StressTests.Tornado(inputs) });
        }).WithSummary("Stresstests en gevoeligheid (tornado)");

        group.MapPost("/{version:int}/montecarlo", async (string id, int version, HttpContext http, IGrainFactory grains, Operations.CostlyWork costly) =>
        {
            if (await Version(id, version, grains) is not { } saved) return Problems.NotFound("Business-caseversie", $"{id}/{version}");
            var (body, problem) = await RequestBody.ReadAsync<MonteCarloRequest>(http.Request);
            if (problem is not null) return problem;
            var runs = body!.Runs ?? 10_000;
            if (runs is < 1 or > MaxApiRuns) return Problems.Invalid("runs", $"moet tussen 1 en {MaxApiRuns} liggen.");
            if (costly.Refuse(http.User, "runs", "Monte Carlo-runs", runs, s => s.MonteCarloRuns) is { } tooBig) return tooBig;
            // The model is parsed inside the place, on the lane (see the loan grid).
            return await costly.ComputeAsync(http, () => Answers.Ok(MonteCarlo.Run(ModelReader.Read(saved.ModelJson).Value!, runs, body.Seed ?? 1,
                maxDegreeOfParallelism: costly.Settings.ThreadsPerRequest, scheduler: costly.Lane)));
        }).ReadsBody<MonteCarloRequest>().WithSummary("Monte Carlo: P10/P50/P90 van NPV en min. DSCR (zelfde seed, zelfde uitkomst)");
    }

    private static object Full(Inputs inputs) => new
    {
        evaluation = BusinessCaseEngine.Evaluate(inputs),
        solutions = new
        {
            breakEvenTariff = Solvers.BreakEvenTariff(inputs),
            highestAffordableRate = Solvers.HighestAffordableRate(inputs),
            largestLoan = Solvers.LargestLoan(inputs),
        },
    };

    private static async Task<BusinessCaseVersion?> Version(string id, int version, IGrainFactory grains) =>
        Slug.IsValid(id) ? await grains.GetGrain<IBusinessCaseGrain>(id).Get(version) : null;
}
