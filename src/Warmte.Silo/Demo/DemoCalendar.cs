using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;

namespace Warmte.Silo.Demo;

/// <summary>
/// The demo's cash story in time, from the service's today and nothing else, so a given today always gives the same
/// demo (papercut n: the KetelhuisWG cash-flow plan started 01-2019, its 54 work months ended 06-2023, and the demo
/// looked three years stale: the pre-financing regime "finished" in 2023, a budget for this year fell outside the plan).
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

    /// <summary>Work months of the plan still ahead on today (stall-free): today falls inside the work programme with a year to go.</summary>
    public const int WorkMonthsAhead = 12;

    /// <summary>The plan's first month: the work programme runs through today, with <see cref="WorkMonthsAhead"/> work months after it.</summary>
    public static YearMonth PlanStart(LocalDate today, int workMonths) => today.ToYearMonth().PlusMonths(-(workMonths - WorkMonthsAhead));

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
        var workMonths = node["phases"]!.AsArray().Sum(p => p!["months"]!.GetValue<int>());
        var start = PlanStart(today, workMonths);
        node["startMonth"] = NodaTime.Text.YearMonthPattern.Iso.Format(start);
        if (node["assumptions"] is JsonArray assumptions)
            foreach (var assumption in assumptions.OfType<JsonObject>().Where(a => a["field"]?.GetValue<string>() == "startMonth"))
                assumption["reasoning"] = $"Demo: het plan begint {workMonths - WorkMonthsAhead} {DutchFormat.Noun(workMonths - WorkMonthsAhead, "maand", "maanden")} vóór vandaag ({start.Month:00}-{start.Year}), "
                                          + $"zodat het werkprogramma van {workMonths} {DutchFormat.Noun(workMonths, "werkmaand", "werkmaanden")} vandaag loopt, met nog {WorkMonthsAhead} {DutchFormat.Noun(WorkMonthsAhead, "werkmaand", "werkmaanden")} te gaan. "
                                          + "In werkelijkheid ging het PAW-geld vanaf 2020 stromen (zie de tranches); de start verschuift alleen de kalender, niet het patroon.";
        return node.ToJsonString();
    }
}
