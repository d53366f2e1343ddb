using Warmte.Alv;

namespace Warmte.Gates;

/// <summary>
/// Met when the ALV's decision in force on the project's realisatiebesluit passed. The evidence
/// names the meeting and the exact counts; a correction that overturned it counts, not the original.
/// For a gate decision the decision in force on its date counts (<see cref="GateFacts.RealisatiebesluitOnDecisionDate"/>,
/// <see cref="AlvRules.DecisionFor"/> with an as-of date), not the latest: a later meeting that decided
/// otherwise does not change what stood on the decision date (review2 F4).
/// </summary>
public sealed class RealisatiebesluitCondition : IGateCondition
{
    public string Key => "realisatiebesluit";

    public string Description => "Realisatiebesluit door de ALV";

    public ConditionResult Evaluate(GateContext context)
    {
        var known = context.Known;
        var latest = known.Realisatiebesluit;
        // The decision in force on the day judged: looked up for that day (a gate decision), or else the
        // latest when it was taken by then (the checklist of today: every closed decision is on or before today).
        var inForce = known.DecisionDate == context.AsOf
            ? known.RealisatiebesluitOnDecisionDate
            : latest is { } l && l.MeetingDate <= context.AsOf ? latest : null;
        if (inForce is { Result.Outcome: DecisionOutcome.Aangenomen })
            return new ConditionResult(Key, Description, true, Evidence(inForce));
        if (latest is { Result.Outcome: DecisionOutcome.Aangenomen } && latest.MeetingDate > context.AsOf)
            return new ConditionResult(Key, Description, false,
                $"Op {DutchFormat.Date(context.AsOf)} nog niet genomen (pas op {DutchFormat.Date(latest.MeetingDate)}). {Evidence(latest)}", latest.MeetingDate);
        if (inForce is not null)
            return new ConditionResult(Key, Description, false,
                (inForce == latest ? "" : $"Op {DutchFormat.Date(context.AsOf)} gold: ") + Evidence(inForce));
        if (latest is not null)
            return new ConditionResult(Key, Description, false,
                $"Op {DutchFormat.Date(context.AsOf)} had de ALV nog geen realisatiebesluit genomen. Nu: {Evidence(latest)}");
        return new ConditionResult(Key, Description, false, "De ALV heeft nog geen realisatiebesluit over dit project genomen (gesloten voorstel).");
    }

    private static string Evidence(DecisionStatus d) =>
        $"ALV '{d.MeetingId}' van {DutchFormat.Date(d.MeetingDate)}, voorstel '{d.ProposalId}'"
        + (d.Corrects is null ? "" : $" (correctie op {d.Corrects})") + $": {d.Result.Describe()}.";
}
