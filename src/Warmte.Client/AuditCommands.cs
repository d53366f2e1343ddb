using NodaTime.Text;

namespace Warmte.Client;

/// <summary>The refusal audit for admins: refused writes of authenticated callers (docs/operations.md).</summary>
internal static class AuditCommands
{
    private static readonly OptionSpec Since = new("since", "tijdstip",
        "Vanaf wanneer, ISO in UTC (bijv. 2026-11-22T10:00:00Z); standaard de laatste 24 uur");
    private static readonly OptionSpec Limit = new("limit", "aantal", "Hoeveel regels ten hoogste (1 tot 1000, standaard 200)");

    public static readonly CommandSpec Refusals = new(
        "audit refusals",
        "Geweigerde schrijfverzoeken van aangemelde aanroepers (beheerder)",
        "Toont per geweigerd schrijfverzoek (POST, PUT, PATCH of DELETE met een 4xx-antwoord) wanneer, welk token en welke rol, "
        + "methode en pad, status, probleemcode en het doel. Het token zelf staat er nooit in. Alleen voor een beheerderstoken.",
        [], [Since, Limit],
        ["warmte audit refusals", "warmte audit refusals --since 2026-11-22T00:00:00Z --limit 1000 --json"],
        RunRefusals);

    private static async Task<int> RunRefusals(CommandContext context)
    {
        var query = new List<string>();
        if (context.Option(Since) is { } since)
        {
            if (!InstantPattern.ExtendedIso.Parse(since.Trim()).Success)
                throw new UsageException($"--since '{since}' is geen tijdstip; gebruik ISO in UTC, bijv. 2026-11-22T10:00:00Z.", context.Invocation.Command);
            query.Add("since=" + Uri.EscapeDataString(since.Trim()));
        }
        if (context.Option(Limit) is { } limit) query.Add("limit=" + Uri.EscapeDataString(limit.Trim()));
        var path = "/api/audit/refusals" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        using var document = Commands.Parse(await context.Api.GetAsync(path));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var root = document.RootElement;
        var table = new TextTable("Wanneer", "Token", "Rol", "Verzoek", "Status", "Code", "Doel").AlignRight(4);
        foreach (var r in root.GetProperty("refusals").EnumerateArray())
            table.Add(Nl.Instant(r.Str("at")), r.Str("tokenId"), r.Str("role"), $"{r.Str("method")} {r.Str("path")}",
                r.GetProperty("status").GetInt32().ToString(Nl.Culture), r.Str("code"), r.Str("targetId"));
        context.Out.WriteLine($"Geweigerde schrijfverzoeken sinds {Nl.Instant(root.Str("since"))}: {Nl.Number(root.GetProperty("count").GetInt32())}");
        table.WriteTo(context.Out, "  ");
        return WarmteCli.Ok;
    }
}
