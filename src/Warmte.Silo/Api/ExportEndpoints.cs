using NodaTime;
using Warmte.Common;
using Warmte.Silo.Auth;
using Warmte.Spreadsheets.Export;

namespace Warmte.Silo.Api;

/// <summary>
/// Spreadsheet downloads (.xlsx): the umbrella comparison for the coordinators, one project, and
/// the financier's portfolio. Read-only over the same grains the JSON endpoints read; every role
/// may read, as everywhere in the API today. The file name says what is in it and the date.
/// </summary>
public static class ExportEndpoints
{
    public static void MapExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/umbrellas/{id}/export.xlsx", async (string id, HttpContext http, IGrainFactory grains, IClock clock, Operations.CostlyWork costly, ActorNames names) =>
        {
            var context = Context(http, clock);
            if (!Slug.IsValid(id) || await grains.GetGrain<Umbrellas.IUmbrellaGrain>(id).Compare() is not { } comparison)
                return Problems.NotFound("Koepel", id);
            // The role's limit on the projects read into one workbook, before they are read (issue 16).
            var count = comparison.Rows.Select(r => r.ProjectId).OfType<string>().Distinct().Count();
            if (costly.Refuse(http.User, "projects", "projecten in één werkmap", count, s => s.ExportProjects) is { } tooBig) return tooBig;
            var viewer = await names.ForViewerAsync(http.User);
            return await costly.RunAsync(http, async () =>
            {
                var export = (await ExportLoader.UmbrellaAsync(grains, comparison, context.Today)).ShowingActors(viewer);
                return await costly.Lane.Run(() => File(UmbrellaWorkbook.Write(export, context), XlsxFile.FileName(id, context)));
            });
        }).WithTags("Export").WithSummary("Vergelijking van de koepel als spreadsheet: Overzicht, een blad per project, Toelichting");

        api.MapGet("/projects/{id}/export.xlsx", async (string id, HttpContext http, IGrainFactory grains, IClock clock, Operations.CostlyWork costly, ActorNames names) =>
        {
            var context = Context(http, clock);
            if (!Slug.IsValid(id)) return Problems.NotFound("Project", id);
            var viewer = await names.ForViewerAsync(http.User);
            return await costly.RunAsync(http, async () => await ExportLoader.ProjectAsync(grains, id, context.Today) is { } export
                ? await costly.Lane.Run(() => File(ProjectWorkbook.Write(export.ShowingActors(viewer), context), XlsxFile.FileName(id, context)))
                : Problems.NotFound("Project", id));
        }).WithTags("Export").WithSummary("Eén project als spreadsheet: businesscase met formules, tranches, kaspositie per maand");

        api.MapGet("/portfolio/export.xlsx", async (HttpContext http, IGrainFactory grains, IClock clock, Operations.CostlyWork costly, ActorNames names) =>
        {
            var context = Context(http, clock);
            // Every project is read to find the funded ones: the role's limit counts them all, before any is read.
            var ids = await Registry.ProjectDirectory.AllProjectIdsAsync(grains);
            if (costly.Refuse(http.User, "projects", "projecten in één werkmap", ids.Length, s => s.ExportProjects) is { } tooBig) return tooBig;
            var viewer = await names.ForViewerAsync(http.User);
            return await costly.RunAsync(http, async () =>
            {
                var export = (await ExportLoader.PortfolioAsync(grains, ids, context.Today, http.User.FunderScope())).ShowingActors(viewer);
                // Writing the workbook (building the sheets, zipping them) is the CPU part: on the lane, like a Monte Carlo.
                return await costly.Lane.Run(() => File(PortfolioWorkbook.Write(export, context), XlsxFile.FileName("portefeuille", context)));
            });
        }).WithTags("Export").WithSummary("Portefeuille van de financier als spreadsheet, met een blad per project");
    }

    /// <summary>
    /// The member register and a project's consent answers per complex, in the columns their imports read (tester9a T8), so a
    /// board can check or edit them in a spreadsheet and import them again. Personal data: the cooperative's own board and
    /// admins only (<see cref="Access.CanSeePersonalDataOf"/>), as the JSON of the same data; every other role 403. Built on
    /// the costly lane like the other workbooks.
    /// </summary>
    public static void MapRegisterExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cooperatives/{id}/members/export.xlsx", async (string id, HttpContext http, IGrainFactory grains, IClock clock, Operations.CostlyWork costly) =>
        {
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            if (!http.User.CanSeePersonalDataOf(id)) return MemberEndpoints.PersonalData(id);
            var context = Context(http, clock);
            return await costly.RunAsync(http, async () =>
            {
                var name = (await grains.GetGrain<Cooperatives.ICooperativeGrain>(id).Get())?.Cooperative.StatutoryName ?? id;
                var members = await grains.GetGrain<Members.IMemberRegisterGrain>(id).Members();
                return await costly.Lane.Run(() => Results.File(RegisterSheets.Members(name, members, context), XlsxFile.ContentType, XlsxFile.FileName("leden-" + id, context)));
            });
        }).WithTags("Export").WithSummary("Ledenregister als spreadsheet, in de kolommen van de ledenimport (bestuur van de coöperatie en beheerders)");

        api.MapGet("/projects/{id}/consent/export.xlsx", async (string id, HttpContext http, IGrainFactory grains, IClock clock, Operations.CostlyWork costly) =>
        {
            if (!Slug.IsValid(id) || await Answers.ProjectCooperative(http, id) is not { } cooperativeId) return Problems.NotFound("Project", id);
            if (!http.User.CanSeePersonalDataOf(cooperativeId)) return ConsentEndpoints.TenantData(cooperativeId);
            var context = Context(http, clock);
            return await costly.RunAsync(http, async () =>
            {
                var name = (await grains.GetGrain<Projects.IProjectGrain>(id).GetSummary())?.Name ?? id;
                var status = await grains.GetGrain<TenantConsent.ITenantConsentGrain>(id).Status(withAddresses: true);
                return await costly.Lane.Run(() => Results.File(RegisterSheets.Consent(name, status, context), XlsxFile.ContentType, XlsxFile.FileName("instemming-" + id, context)));
            });
        }).WithTags("Export").WithSummary("Antwoorden van huurders per adres als spreadsheet, één blad per complex, in de kolommen van de instemmingsimport (bestuur en beheerders)");
    }

    private static ExportContext Context(HttpContext http, IClock clock) => new(clock.GetCurrentInstant(), http.User.Actor());

    /// <summary>The workbook's bytes (computed here, on the caller's thread: the lane) as the answer.</summary>
    private static IResult File(ExportWorkbook workbook, string fileName)
    {
        using (workbook) return Results.File(workbook.ToBytes(), XlsxFile.ContentType, fileName);
    }
}
