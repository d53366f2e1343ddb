using NodaTime;
using Orleans.Runtime;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Registry;
using Warmte.Gates;
using Warmte.Phases;
using Warmte.Silo.Auth;
using Warmte.Silo.Demo;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Api;

/// <summary>Status, the gate catalogue, token management and the demo switch.</summary>
public static class ServiceEndpoints
{
    public static void MapServiceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/status", async (HttpContext http, IGrainFactory grains, IClock clock, StorageSettings storage, DemoReadiness demo) =>
        {
            var directory = grains.GetGrain<IRegistryGrain>(0);
            var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            return Answers.Ok(new
            {
                service = "Warmtenet",
                version = Hosting.BuildInfo.Version,
                // The git commit of the build (null when it was built without one): which build answers (tester8 T6).
                commit = Hosting.BuildInfo.Commit,
                storage = storage.Provider.ToString(),
                activeSilos = silos.Count,
                today = AmsterdamTime.Today(clock),
                caller = new { name = http.User.Actor(), role = http.User.RoleOf() },
                cooperatives = (await directory.Cooperatives()).Length,
                umbrellas = (await directory.Umbrellas()).Length,
                // With --demo the counts grow while the demo loads after the start (tester6 T19: "Coöperaties: 1" then 5):
                // Loading, Loaded or Failed, as /health/ready judges it; absent without --demo.
                demo = demo.Requested ? demo.Current.ToString() : null,
            });
        }).WithTags("Service").WithSummary("Toestand van de dienst en wie u bent");

        api.MapGet("/gates", () => Answers.Ok(PhaseMachine.Order.Skip(1).Select(to => new
        {
            from = PhaseMachine.Order[PhaseMachine.Order.ToList().IndexOf(to) - 1],
            to,
            // markable: the board records it (PUT …/deliverables/{key}); the others are computed from their own registers.
            conditions = GateRules.Default.ConditionsFor(to).Select(c => new { key = c.Key, description = c.Description, markable = GateRules.FindDeliverable(c.Key) is not null }),
        }))).WithTags("Service").WithSummary("De poorten en hun voorwaarden");

        var tokens = api.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapGet("/", async (HttpContext http, TokenStore store) =>
            http.User.IsAdmin() ? Answers.Ok(await store.ListAsync()) : Problems.Forbidden("Alleen een beheerder (admin) ziet de tokens."))
            .WithSummary("Tokens (zonder geheim)");
        tokens.MapPost("/", async (HttpContext http, TokenStore store, IGrainFactory grains) =>
        {
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) maakt tokens aan.");
            var (body, problem) = await RequestBody.ReadAsync<CreateTokenRequest>(http.Request);
            if (problem is not null) return problem;
            var v = new Validation();
            var name = v.Text("name", body!.Name, 100);
            if (!Role.IsValid(body.Role)) v.Add("role", $"'{body.Role}' is geen rol; kies uit {Role.Description}.");
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            var created = await store.CreateAsync(name, body.Role!, http.User.Actor());
            // A board token for a cooperative that does not exist (yet) is made, with a warning naming it (as token create does).
            var warning = Role.CooperativeOf(body.Role) is { } cooperative && Slug.IsValid(cooperative)
                && await grains.GetGrain<ICooperativeGrain>(cooperative).Get() is null
                ? Role.UnknownCooperativeWarning(cooperative) : null;
            return Results.Json(new { created.Info.Id, created.Info.Name, created.Info.Role, created.Token, warning }, Serialization.WarmteJson.Default,
                statusCode: StatusCodes.Status201Created);
        }).ReadsBody<CreateTokenRequest>().WithSummary("Token aanmaken; het geheim wordt één keer getoond");
        tokens.MapDelete("/{id}", async (string id, HttpContext http, TokenStore store) =>
        {
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) trekt tokens in.");
            return await store.RevokeAsync(id) ? Results.NoContent() : Problems.NotFound("Actief token", id);
        }).WithSummary("Token intrekken");

        api.MapPost("/demo", async (HttpContext http, DemoData demo) =>
        {
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) laadt de demo.");
            return Answers.Ok(await demo.LoadAsync());
        }).WithTags("Service").WithSummary("Demogegevens laden (APEC met KetelhuisWG en fictieve voorbeelden)");
    }
}
