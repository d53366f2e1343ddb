using NodaTime;
using NodaTime.Text;
using Warmte.Common;
using Warmte.Silo.Auth;
using Warmte.Silo.Operations;

namespace Warmte.Silo.Api;

/// <summary>The refusal audit (docs/operations.md): refused writes of authenticated callers, for admins.</summary>
public static class RefusalAuditEndpoints
{
    public static void MapRefusalAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit/refusals", async (string? since, int? limit, HttpContext http, RefusalAuditStore store, IClock clock) =>
        {
            if (!http.User.IsAdmin()) return Problems.Forbidden("Alleen een beheerder (admin) ziet de geweigerde schrijfverzoeken.");
            var v = new Validation();
            var from = clock.GetCurrentInstant() - Duration.FromDays(1);
            if (since is not null)
            {
                var parsed = InstantPattern.ExtendedIso.Parse(since.Trim());
                if (parsed.Success) from = parsed.Value;
                else v.Add("since", $"'{Slug.Truncate(since)}' is geen tijdstip; gebruik ISO in UTC, bijv. 2026-11-22T10:00:00Z.");
            }
            var max = limit ?? 200;
            if (max is < 1 or > RefusalAuditStore.MaxLimit) v.Add("limit", $"moet tussen 1 en {RefusalAuditStore.MaxLimit} liggen.");
            if (v.HasErrors) return Problems.From(v.ToRefusal());
            var refusals = await store.SinceAsync(from, max);
            return Answers.Ok(new { since = from, count = refusals.Count, refusals });
        }).KnownQuery(["since", "limit"]).WithTags("Service").WithSummary("Geweigerde schrijfverzoeken van aangemelde aanroepers, oudste eerst (admin)");
    }
}
