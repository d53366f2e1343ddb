using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Registry;

namespace Warmte.Silo.Api;

/// <summary>Alerts per project and the financier's portfolio, computed from the current state on every read.</summary>
public static class AlertEndpoints
{
    public static void MapAlertEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{id}/alerts", async (string id, IGrainFactory grains, IClock clock) =>
        {
            if (!Slug.IsValid(id) || await grains.GetGrain<IProjectGrain>(id).Get() is not { } project) return Problems.NotFound("Project", id);
            var grants = await grains.GetGrain<IFundingGrain>(id).Grants();
            var outlook = await grains.GetGrain<ICashPlanGrain>(id).Outlook(CashFlowEndpoints.ThisMonth(clock));
            return Answers.Ok(AlertRules.For(project, grants, AmsterdamTime.Today(clock), outlook));
        }).WithTags("Signalen").WithSummary("Signalen van een project, ernstigste eerst");

        api.MapGet("/projects/{id}/alerts/history", async (string id, IGrainFactory grains) =>
            Slug.IsValid(id) && await grains.GetGrain<IProjectGrain>(id).GetSummary() is not null
                ? Answers.Ok(await grains.GetGrain<IAlertWatchGrain>(id).History())
                : Problems.NotFound("Project", id)).WithTags("Signalen").WithSummary("Wanneer elk signaal opkwam en verdween");

        api.MapGet("/portfolio", async (IGrainFactory grains, IClock clock) =>
        {
            var today = AmsterdamTime.Today(clock);
            var cooperatives = await grains.GetGrain<IRegistryGrain>(0).Cooperatives();
            var views = await Task.WhenAll(cooperatives.Select(c => grains.GetGrain<ICooperativeGrain>(c).Get()));
            var projectIds = views.OfType<CooperativeView>().SelectMany(v => v.Cooperative.Projects).Distinct();
            var rows = await Task.WhenAll(projectIds.Select(async id =>
            {
                var grants = await grains.GetGrain<IFundingGrain>(id).Grants();
                if (grants.IsEmpty) return null;
                var project = await grains.GetGrain<IProjectGrain>(id).Get();
                var outlook = await grains.GetGrain<ICashPlanGrain>(id).Outlook(CashFlowEndpoints.ThisMonth(clock));
                return project is null ? null : Portfolio.Row(project, grants, today, outlook);
            }));
            var funded = rows.OfType<PortfolioRow>().ToList();
            return Answers.Ok(new
            {
                asOf = today,
                granted = funded.Sum(r => r.Granted),
                paid = funded.Sum(r => r.Paid),
                outstanding = funded.Sum(r => r.Outstanding),
                projects = Portfolio.Sort(funded),
            });
        }).WithTags("Signalen").WithSummary("Portefeuille van de financier: gefinancierde projecten, urgentste eerst");
    }
}
