using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using NodaTime;
using Warmte.Serialization;

namespace Warmte.Silo.Auth;

/// <summary>
/// Token names are often people's names ("Jan de Vries"), and every change stores its token's name: audit trails
/// (<c>actor</c>), tranche steps, bookings (<c>bookedBy</c>), progress reports (<c>reportedBy</c>), saved plans and
/// business cases (<c>savedBy</c>), phases, deliverables, meetings, ballots and consent answers (<c>recordedBy</c>).
/// What is stored stays the name (the audit's integrity); what a caller is shown depends on who asks (issue 16):
/// <list type="bullet">
/// <item>an admin sees every name (admins issue the tokens and name them);</item>
/// <item>anyone else sees a name only when every token with that name has the caller's own role: the same board,
/// the same funder's financiers: people of one organisation see each other's names;</item>
/// <item>otherwise the role or organisation instead: "Beheerder", "Bestuur ketelhuiswg", "Financier", "Financier
/// gemeente-amsterdam", "Coördinator", "Lezer"; "Gebruiker" for a name no token has or tokens of several roles share.</item>
/// </list>
/// Names of the service itself (<c>demo</c>) are shown as they are. The middleware rewrites those fields in the JSON
/// answers of <c>/api</c> for every caller who is not an admin.
/// </summary>
public sealed class ActorNames(TokenStore tokens, IClock clock)
{
    /// <summary>The JSON properties (camelCase, as the API writes them) that hold a token's name.</summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
        { "actor", "savedBy", "bookedBy", "reportedBy", "recordedBy" };

    /// <summary>Actors that are the service, not a person.</summary>
    // The online voting records members' own votes and proxies as "online-stemming" (the member is not a token): shown as it is to
    // everyone, so an online vote and an online proxy read the same in the ALV audit (tester10 T13: "Gebruiker" for one of them).
    private static readonly IReadOnlySet<string> ServiceActors = new HashSet<string>(StringComparer.Ordinal)
        { Demo.DemoData.Actor, global::Warmte.Voting.OnlineVotingGrain.OnlineActor, global::Warmte.Voting.OnlineVotingGrain.FollowUpActor };

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (Instant At, IReadOnlyDictionary<string, string[]> Roles)? _cache;

    /// <summary>What <paramref name="viewerRole"/> is shown for the actor <paramref name="name"/>, whose tokens have <paramref name="actorRoles"/>.</summary>
    public static string Shown(string viewerRole, string name, IReadOnlyCollection<string> actorRoles)
    {
        if (viewerRole == Role.Admin || ServiceActors.Contains(name)) return name;
        if (actorRoles.Count > 0 && actorRoles.All(r => r == viewerRole)) return name;
        return actorRoles.Distinct().Count() == 1 ? Label(actorRoles.First()) : "Gebruiker";
    }

    /// <summary>A role as an organisation, in Dutch.</summary>
    public static string Label(string role) => role switch
    {
        Role.Admin => "Beheerder",
        Role.Financier => "Financier",
        Role.Coordinator => "Coördinator",
        Role.Reader => "Lezer",
        _ when role.StartsWith(Role.BoardPrefix, StringComparison.Ordinal) => "Bestuur " + role[Role.BoardPrefix.Length..],
        _ when role.StartsWith(Role.FinancierPrefix, StringComparison.Ordinal) => "Financier " + role[Role.FinancierPrefix.Length..],
        _ => "Gebruiker",
    };

    /// <summary>
    /// The roles of the tokens (revoked ones included: their changes stay) with each name; read again after 5 s, or
    /// after 1 s when <paramref name="wanted"/> is not known yet (a token made a moment ago).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string[]>> RolesByNameAsync(string? wanted = null)
    {
        var now = clock.GetCurrentInstant();
        bool Fresh((Instant At, IReadOnlyDictionary<string, string[]> Roles) c) =>
            now - c.At < TokenStore.CacheFor && (wanted is null || c.Roles.ContainsKey(wanted) || now - c.At < Duration.FromSeconds(1));
        if (_cache is { } fresh && Fresh(fresh)) return fresh.Roles;
        await _refresh.WaitAsync();
        try
        {
            if (_cache is { } again && Fresh(again)) return again.Roles;
            var all = await tokens.ListAsync();
            var roles = all.GroupBy(t => t.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(t => t.Role).Distinct().ToArray(), StringComparer.Ordinal);
            _cache = (now, roles);
            return roles;
        }
        finally { _refresh.Release(); }
    }

    /// <summary>What <paramref name="viewer"/> is shown for each actor name (for answers that are not JSON: the spreadsheets).</summary>
    public async Task<Func<string, string>> ForViewerAsync(ClaimsPrincipal viewer)
    {
        var role = viewer.RoleOf();
        if (role == Role.Admin) return name => name;
        var roles = await RolesByNameAsync();
        return name => Shown(role, name, roles.TryGetValue(name, out var r) ? r : []);
    }

    /// <summary>Rewrites the name fields of a JSON document for <paramref name="viewer"/>; null when nothing changed.</summary>
    public async Task<string?> RewriteAsync(ClaimsPrincipal viewer, string json)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException) { return null; }
        if (root is null) return null;
        var roles = await RolesByNameAsync();
        var names = new List<string>();
        Collect(root);
        if (names.FirstOrDefault(n => !roles.ContainsKey(n)) is { } unknown) roles = await RolesByNameAsync(unknown);
        var viewerRole = viewer.RoleOf();
        var changed = false;
        Walk(root);
        return changed ? root.ToJsonString(WarmteJson.Default) : null;

        void Collect(JsonNode node)
        {
            if (node is JsonObject o)
                foreach (var (key, value) in o)
                {
                    if (value is JsonValue v && Fields.Contains(key) && v.TryGetValue<string>(out var name)) names.Add(name);
                    else if (value is not null) Collect(value);
                }
            else if (node is JsonArray a)
                foreach (var item in a) if (item is not null) Collect(item);
        }

        void Walk(JsonNode node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj.ToList())
                    {
                        if (value is JsonValue v && Fields.Contains(key) && v.TryGetValue<string>(out var name))
                        {
                            var shown = Shown(viewerRole, name, roles.TryGetValue(name, out var r) ? r : []);
                            if (shown != name) { obj[key] = shown; changed = true; }
                        }
                        else if (value is not null) Walk(value);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array)
                        if (item is not null) Walk(item);
                    break;
            }
        }
    }
}

/// <summary>Applies <see cref="ActorNames"/> to the JSON answers of /api for callers who are not admins.</summary>
public static class ActorNamesMiddleware
{
    private static readonly byte[][] Needles = [.. ActorNames.Fields.Select(f => Encoding.UTF8.GetBytes($"\"{f}\""))];

    public static IApplicationBuilder UseActorNames(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var user = http.User;
        if (!http.Request.Path.StartsWithSegments("/api") || user.Identity?.IsAuthenticated != true || user.IsAdmin()
            || http.Request.Path.Value?.Contains("/export", StringComparison.Ordinal) == true)
        {
            await next(http);
            return;
        }
        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        // Nothing written: leave the response unstarted, so the status-code pages can still write their problem document.
        if (buffer.Length == 0) return;
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (http.Response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && Needles.Any(n => bytes.Span.IndexOf(n) >= 0)
            && await http.RequestServices.GetRequiredService<ActorNames>().RewriteAsync(user, Encoding.UTF8.GetString(bytes.Span)) is { } rewritten)
        {
            var output = Encoding.UTF8.GetBytes(rewritten);
            http.Response.ContentLength = output.Length;
            await original.WriteAsync(output);
            return;
        }
        await original.WriteAsync(bytes);
    });
}
