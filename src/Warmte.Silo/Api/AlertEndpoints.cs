using Microsoft.Extensions.Logging;
using NodaTime;
using Warmte.Alerts;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Registry;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Api;

/// <summary>Alerts per project and the financier's portfolio, computed from the current state on every read.</summary>
public static class AlertEndpoints
{
    public static void MapAlertEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{id}/alerts", async (string id, IGrainFactory grains, IClock clock) =>
        {
            return Slug.IsValid(id) && await ProjectFacts.LoadAsync(grains, id, AmsterdamTime.Today(clock)) is { } facts
                ? Answers.Ok(facts.Alerts)
                : Problems.NotFound("Project", id);
        }).WithTags("Signalen").WithSummary("Signalen van een project, ernstigste eerst");

        api.MapGet("/projects/{id}/alerts/history", async (string id, IGrainFactory grains) =>
            await Answers.ProjectExists(grains, id)
                ? Answers.Ok(await grains.GetGrain<IAlertWatchGrain>(id).History())
                : Problems.NotFound("Project", id)).WithTags("Signalen").WithSummary("Wanneer elk signaal opkwam en verdween");

        api.MapGet("/portfolio", async (HttpContext http, IGrainFactory grains, Journal.IJournalStore store, IClock clock, ILoggerFactory logs) =>
        {
            var today = AmsterdamTime.Today(clock);
            var log = logs.CreateLogger(ProjectSummaries.LogCategory);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            // The summaries in one query (stale or missing ones recomputed): docs/storage.md, "Project summaries".
            // A financier of one funder reads that funder's rows only (the funder index); everyone else every project's.
            var scope = http.User.FunderScope();
            var cooperativeIds = await grains.GetGrain<IRegistryGrain>(0).Cooperatives();
            var registry = System.Diagnostics.Stopwatch.GetTimestamp();
            IReadOnlyList<CooperativeRecord>? cooperativesRead = null;
            IReadOnlyDictionary<string, ProjectSummaryRow> summaries;
            if (scope is null) (cooperativesRead, summaries) = await ProjectSummaries.ReadCooperativesAsync(store, grains, cooperativeIds, today, log);
            else summaries = await ProjectSummaries.ReadFunderAsync(store, grains, cooperativeIds, scope, today, log);
            var read = System.Diagnostics.Stopwatch.GetTimestamp();
            // Only funded projects are in the portfolio; a financier of one funder sees that funder's grants.
            var funded = summaries.Values.Select(s => s.PortfolioOn(today, scope)).OfType<PortfolioRow>().ToList();
            // The cooperative by its name, as the coordinator's views show it (tester T8.7): from the cooperatives' snapshots the
            // full read already has, or (one funder's rows) one more batch read of the cooperatives shown; no grain calls.
            cooperativesRead ??= funded.Count == 0 ? [] : await ProjectSummaries.CooperativesAsync(store, [.. funded.Select(r => r.CooperativeId).Distinct(StringComparer.Ordinal)]);
            var cooperativeNames = cooperativesRead.GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().StatutoryName, StringComparer.Ordinal);
            funded = [.. funded.Select(r => r with { CooperativeName = cooperativeNames.GetValueOrDefault(r.CooperativeId) })];
            log.LogDebug("Portfolio: registry {Registry:F1} ms, read {Read:F1} ms, rows of the day {Derive:F1} ms",
                System.Diagnostics.Stopwatch.GetElapsedTime(started, registry).TotalMilliseconds, System.Diagnostics.Stopwatch.GetElapsedTime(registry, read).TotalMilliseconds,
                System.Diagnostics.Stopwatch.GetElapsedTime(read).TotalMilliseconds);
            return WideViewAnswer.Json(new PortfolioAnswer(today, scope, funded.Sum(r => r.Granted), funded.Sum(r => r.Paid), funded.Sum(r => r.Outstanding),
                Portfolio.Sort(funded)), logs, "Portfolio", started);
        }).KnownQuery([], "welke subsidies een financier ziet, volgt uit zijn token (financier:<funderId> ziet alleen die van dat fonds)")
            .WithTags("Signalen").WithSummary("Portefeuille van de financier: gefinancierde projecten, urgentste eerst");
    }
}
