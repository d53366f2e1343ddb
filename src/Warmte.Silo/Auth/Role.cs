using System.Security.Claims;
using Warmte.Common;

namespace Warmte.Silo.Auth;

/// <summary>
/// The roles a token can carry: admin; board:&lt;cooperative&gt; (writes its own cooperative and its
/// projects); financier (municipality); coordinator (umbrella); reader.
/// </summary>
public static class Role
{
    public const string Admin = "admin";
    public const string Financier = "financier";
    public const string Coordinator = "coordinator";
    public const string Reader = "reader";
    public const string BoardPrefix = "board:";
    /// <summary>A financier for one funder's grants: <c>financier:&lt;funderId&gt;</c>; plain <see cref="Financier"/> is for all funders.</summary>
    public const string FinancierPrefix = "financier:";

    public static string Board(string cooperativeId) => BoardPrefix + cooperativeId;

    public static bool IsValid(string? role) =>
        role is Admin or Financier or Coordinator or Reader
        || (role is not null && role.StartsWith(BoardPrefix, StringComparison.Ordinal) && Slug.IsValid(role[BoardPrefix.Length..]))
        || (role is not null && role.StartsWith(FinancierPrefix, StringComparison.Ordinal) && Slug.IsValid(role[FinancierPrefix.Length..]));

    public const string Description = "admin, financier, financier:<financier-id>, coordinator, reader of board:<coöperatie-id>";

    /// <summary>The cooperative of a board role (<c>board:ketelhuiswg</c> → ketelhuiswg); null for other roles.</summary>
    public static string? CooperativeOf(string? role) =>
        role is not null && role.StartsWith(BoardPrefix, StringComparison.Ordinal) ? role[BoardPrefix.Length..] : null;

    /// <summary>What token create says when a board token names a cooperative that does not exist (yet).</summary>
    public static string UnknownCooperativeWarning(string cooperative) =>
        $"Let op: coöperatie '{cooperative}' bestaat (nog) niet. Het token werkt pas als er een coöperatie met precies deze id is; "
        + "controleer de schrijfwijze (warmte cooperative list toont de bestaande) of trek het token in met token revoke.";
}

/// <summary>What the caller may do, read from the claims the bearer-token handler set.</summary>
public static class Access
{
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "onbekend";

    public static string RoleOf(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";

    public static bool IsAdmin(this ClaimsPrincipal user) => user.RoleOf() == Role.Admin;

    /// <summary>A financier, for all funders or for one (<c>financier:&lt;funderId&gt;</c>).</summary>
    public static bool IsFinancier(this ClaimsPrincipal user) =>
        user.RoleOf() is var role && (role == Role.Financier || role.StartsWith(Role.FinancierPrefix, StringComparison.Ordinal));

    /// <summary>The one funder a financier's token is for; null for every other role and for a financier of all funders.</summary>
    public static string? FunderScope(this ClaimsPrincipal user) =>
        user.RoleOf() is var role && role.StartsWith(Role.FinancierPrefix, StringComparison.Ordinal) ? role[Role.FinancierPrefix.Length..] : null;

    /// <summary>Admins everywhere; a board only its own cooperative (and, through it, its projects).</summary>
    public static bool CanWriteCooperative(this ClaimsPrincipal user, string cooperativeId) =>
        user.IsAdmin() || user.RoleOf() == Role.Board(cooperativeId);

    /// <summary>
    /// Names, addresses and who-voted-what of a cooperative's members: its own board and admins only;
    /// every other role gets counts and aggregates.
    /// </summary>
    public static bool CanSeePersonalDataOf(this ClaimsPrincipal user, string cooperativeId) =>
        user.CanWriteCooperative(cooperativeId);
}
