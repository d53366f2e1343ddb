using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;

namespace Warmte.Silo.Demo;

/// <summary>
/// The demo's cash story in time, from the service's today and nothing else, so a given today always gives the same
/// demo (papercut n: the KetelhuisWG cash-flow plan started 01-2019, its 54 work months ended 06-2023, and the demo
/// looked three years stale). The plan and the PAW tranche history share one calendar: the plan starts in the month the
/// first tranche was paid (democal: a plan started "today − 42 months" put 3 of the 5 paid tranches in the plan and
/// all 5 in the actual line, and the cash chart showed the actual line € 2 mln above the plan).
/// Public facts (founding, realisatiebesluit, start of construction) keep their dates; only the approximations move.
/// Pure.
/// </summary>
public static class DemoCalendar
{
    /// <summary>
    /// The month the PAW tranche history was written for: tranche 6 requested 01-10-2026 and, 3½ months on, still waiting
    /// for approval (past the funder's review norm: an alert), as the dashboard tests' today (15-01-2027) shows it.
    /// </summary>
    public static readonly YearMonth StoryMonth = new(2027, 1);

    /// <summary>Payment of the first PAW tranche as written for <see cref="StoryMonth"/>: the money, and so the plan, starts there.</summary>
    public static readonly LocalDate FirstTranchePaid = new(2020, 3, 16);

    /// <summary>The plan's first month for <paramref name="today"/>: the month the first tranche was paid, on the tranches' calendar.</summary>
    public static YearMonth PlanStart(LocalDate today) => Story(FirstTranchePaid, today).ToYearMonth();

    /// <summary>
    /// A tranche date of the story as it falls for <paramref name="today"/>: as written up to <see cref="StoryMonth"/>, and as
    /// many months later as today is after it (never earlier: the first tranche follows the grant decision of 20-12-2019).
    /// </summary>
    public static LocalDate Story(LocalDate date, LocalDate today)
    {
        var shift = Math.Max(0, (today.Year - StoryMonth.Year) * 12 + today.Month - StoryMonth.Month);
        return date.PlusMonths(shift);
    }

    /// <summary>The plan file with its start month for <paramref name="today"/>, and the start month's assumption saying why.</summary>
    public static string WithStart(string planJson, LocalDate today)
    {
        var node = JsonNode.Parse(planJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        var start = PlanStart(today);
        node["startMonth"] = NodaTime.Text.YearMonthPattern.Iso.Format(start);
        if (node["assumptions"] is JsonArray assumptions)
            foreach (var assumption in assumptions.OfType<JsonObject>().Where(a => a["field"]?.GetValue<string>() == "startMonth"))
                assumption["reasoning"] = $"Demo: het plan begint in {start.Month:00}-{start.Year}, de maand waarin de eerste PAW-tranche werd uitbetaald (zie de tranches), "
                                          + "zodat plan en werkelijke kas op één kalender staan. De start verschuift alleen de kalender, niet het patroon.";
        return node.ToJsonString();
    }
}
