using System.Reflection;

namespace Warmte.Silo.Hosting;

/// <summary>
/// Which build is running (tester8 T6): the version and the git commit it was built from. The .NET SDK puts the
/// commit into the assembly's informational version ("1.0.0+&lt;commit&gt;") when it knows it (SourceLink, built into
/// the SDK, reads it from the repository's .git at build time). A build from a source tree without .git has no commit.
/// Shown by <c>--version</c>, the start-up log line and <c>GET /api/status</c>.
/// </summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BuildInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The version without the commit: "1.0.0".</summary>
    public static string Version { get; } = Informational.Split('+', 2)[0];

    /// <summary>The full commit hash the build was made from, or null when the build did not know it.</summary>
    public static string? Commit { get; } = Informational.Split('+', 2) is [_, var commit] && commit.Length > 0 ? commit : null;

    /// <summary>The first 12 characters of the commit, as in the log line; null without one.</summary>
    public static string? ShortCommit => Commit is { } c ? c[..Math.Min(12, c.Length)] : null;

    /// <summary>"1.0.0 (commit d05fefb03f92)", or "1.0.0 (commit onbekend)".</summary>
    public static string Display => $"{Version} (commit {ShortCommit ?? "onbekend"})";
}
