using System.Text;

namespace Warmte.Silo.Operations;

/// <summary>
/// Makes request paths safe to write into logs and the refusal audit: a token pasted into a URL by
/// mistake (a path segment starting with the token prefix, or any segment longer than an id can be)
/// is replaced by "[verborgen]". The query string is never logged at all.
/// </summary>
public static class LogSafe
{
    public const string Hidden = "[verborgen]";

    /// <summary>Ids are slugs of at most 64 characters; anything longer in a path is not an id.</summary>
    private const int LongestId = 64;

    private const int MaxPathLength = 300;

    public static string Path(PathString path)
    {
        var value = path.Value ?? "";
        if (value.Length == 0) return "/";
        var builder = new StringBuilder(Math.Min(value.Length, MaxPathLength));
        foreach (var segment in value.Split('/'))
        {
            if (builder.Length > 0 || value.StartsWith('/')) builder.Append('/');
            builder.Append(LooksSecret(segment) ? Hidden : segment);
            if (builder.Length > MaxPathLength) break;
        }
        var text = value.StartsWith('/') ? builder.ToString(1, builder.Length - 1) : builder.ToString();
        return text.Length > MaxPathLength ? text[..MaxPathLength] + "…" : text;
    }

    public static bool LooksSecret(string segment) =>
        segment.Length > LongestId
        || segment.StartsWith(Auth.TokenStore.Prefix, StringComparison.OrdinalIgnoreCase)
        || segment.Contains("Bearer", StringComparison.OrdinalIgnoreCase);
}
