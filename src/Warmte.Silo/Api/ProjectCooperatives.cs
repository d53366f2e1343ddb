using System.Collections.Concurrent;
using Warmte.Common;

namespace Warmte.Silo.Api;

/// <summary>
/// Which cooperative a project belongs to, for the access checks of the project's writes (a booking,
/// a consent answer): asked of the project's grain once per project and then kept. A project's
/// cooperative is set when it is created and no operation moves or deletes a project
/// (<c>ProjectRules</c>), so a kept answer cannot go stale; an unknown project is not kept (it may be
/// created later). Per host, never static: every silo (and every test server in one process) has its
/// own database. Asking the grain was one more grain call on every booking (docs/performance.md).
/// </summary>
public sealed class ProjectCooperatives(IGrainFactory grains)
{
    /// <summary>More projects than this and the map starts again (memory stays bounded; asking again is cheap).</summary>
    public const int MaxKept = 200_000;

    private readonly ConcurrentDictionary<string, string> _kept = new(StringComparer.Ordinal);

    /// <summary>The project's cooperative, or null when the id is not a slug or no such project exists (answer 404).</summary>
    public async ValueTask<string?> Of(string projectId)
    {
        if (_kept.TryGetValue(projectId, out var kept)) return kept;
        if (!Slug.IsValid(projectId)) return null;
        if (await grains.GetGrain<Projects.IProjectGrain>(projectId).CooperativeId() is not { } cooperative) return null;
        if (_kept.Count >= MaxKept) _kept.Clear();
        _kept[projectId] = cooperative;
        return cooperative;
    }
}
