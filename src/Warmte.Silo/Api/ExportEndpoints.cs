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
        api.MapGet("/umbrellas/{id}/export.xlsx", async (string id, HttpContext http, IGrainFactory grains, IClock clock, ActorNames names) =>
        {
            var context = Context(http, clock);
            return Slug.IsValid(id) && await ExportLoader.UmbrellaAsync(grains, id, context.Today) is { } export
                ? File(UmbrellaWorkbook.Write(export.ShowingActors(await names.ForViewerAsync(http.User)), context), XlsxFile.FileName(id, context))
                : Problems.NotFound("Koepel", id);
        }).WithTags("Export").WithSummary("Vergelijking van de koepel als spreadsheet: Overzicht, een blad per project, Toelichting");

        api.MapGet("/projects/{id}/export.xlsx", async (string id, HttpContext http, IGrainFactory grains, IClock clock, ActorNames names) =>
        {
            var context = Context(http, clock);
            return Slug.IsValid(id) && await ExportLoader.ProjectAsync(grains, id, context.Today) is { } export
                ? File(ProjectWorkbook.Write(export.ShowingActors(await names.ForViewerAsync(http.User)), context), XlsxFile.FileName(id, context))
                : Problems.NotFound("Project", id);
        }).WithTags("Export").WithSummary("Eén project als spreadsheet: businesscase met formules, tranches, kaspositie per maand");

        api.MapGet("/portfolio/export.xlsx", async (HttpContext http, IGrainFactory grains, IClock clock, ActorNames names) =>
        {
            var context = Context(http, clock);
            var export = (await ExportLoader.PortfolioAsync(grains, context.Today, http.User.FunderScope())).ShowingActors(await names.ForViewerAsync(http.User));
            return File(PortfolioWorkbook.Write(export, context), XlsxFile.FileName("portefeuille", context));
        }).WithTags("Export").WithSummary("Portefeuille van de financier als spreadsheet, met een blad per project");
    }

    private static ExportContext Context(HttpContext http, IClock clock) => new(clock.GetCurrentInstant(), http.User.Actor());

    private static IResult File(ExportWorkbook workbook, string fileName)
    {
        using (workbook) return Results.File(workbook.ToBytes(), XlsxFile.ContentType, fileName);
    }
}
