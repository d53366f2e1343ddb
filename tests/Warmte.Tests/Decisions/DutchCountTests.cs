using System.Text.RegularExpressions;
using NodaTime;
using Warmte.Alerts;
using Warmte.Alv;
using Warmte.Gates;
using Warmte.Projects;
using Warmte.Tests.Domain;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Review2 F7: a count of one reads singular in Dutch ("1 dag", "1 maand", "1 lid", "1 voorstel"), never
/// "1 dagen" or "voorstel(len)".
/// </summary>
public sealed partial class DutchCountTests
{
    private static readonly LocalDate Date = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    [Fact]
    public void A_meeting_with_one_proposal_and_a_notice_of_one_day_read_singular()
    {
        var input = new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = Date, NoticeDate = Date.PlusDays(-14),
            Proposals = [new ProposalInput { Id = "tarief", Title = "Tarief", DecisionType = "Tariefbesluit" }],
        };
        var created = AlvRules.CreateMeeting(AlvRecord.Empty, input, Date, "bestuur", Now);
        Assert.EndsWith("met 1 voorstel.", created.Value!.Summary);

        var oneDay = AlvRules.CreateMeeting(AlvRecord.Empty, input with { NoticeDate = Date.PlusDays(-1) }, Date, "bestuur", Now);
        var error = Assert.Single(oneDay.Refusal!.Errors);
        Assert.Contains("zit 1 dag;", error.Reason);
    }

    [Fact]
    public void A_milestone_one_day_late_is_one_day_late()
    {
        var project = ProjectRules.SetMilestone(ProjectRulesTests.NewProject(), "start-bouw",
            new SetMilestone { Name = "Start bouw", PlannedOn = Date.PlusDays(-1) }, Date).Value!.Value;
        var alert = Assert.Single(AlertRules.For(ProjectView.Of(project, GateRules.Default, Date), [], Date));
        Assert.Contains("is 1 dag over", alert.Message);
    }

    // An interpolated count followed by a plural noun, e.g. "{late} dagen": it reads "1 dagen" when the count is one.
    [GeneratedRegex(@"\{(?<expr>[^{}]+)\} (?<noun>dagen|maanden|leden|voorstellen|volmachten|stemmen)\b")]
    private static partial Regex CountThenPlural();

    // Counts that are constants above one, or a list of numbers: never one.
    private static readonly HashSet<string> NeverOne =
    [
        "AdvanceVotingDays", "NoticeDays", "MaxAttendance", "MaxPerCall", "MaxRetentionMonths", "RiskRunwayMonths",
        "2 * MaxLeadMonths", "MaxProposals", "over.Count", "rule.MinimumNoticeDays", "grant.ReviewNormDays", "LegalMinimums.NoticeDays",
        "string.Join(\", \", working.Select(w => Nl.Number(w)))",
    ];

    [Fact]
    public void No_user_visible_text_puts_a_plural_noun_after_a_count_that_can_be_one()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(RepoFiles.Path("src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("//") || lines[i].TrimStart().StartsWith("///")) continue;
                foreach (Match m in CountThenPlural().Matches(lines[i]))
                    if (!NeverOne.Contains(m.Groups["expr"].Value.Trim()))
                        offenders.Add($"{Path.GetRelativePath(RepoFiles.Root, file)}:{i + 1}: {m.Value}");
            }
            for (var i = 0; i < lines.Length; i++)
                if (lines[i].Contains("(len)") || lines[i].Contains("volmacht(en)") || lines[i].Contains("voorwaarde(n)"))
                    offenders.Add($"{Path.GetRelativePath(RepoFiles.Root, file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(offenders.Count == 0, "Use DutchFormat.Noun / Nl.Count:\n" + string.Join("\n", offenders));
    }
}
