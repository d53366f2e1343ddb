using Warmte.Alv;

namespace Warmte.Gates;

/// <summary>
/// Met when the ALV's decision in force on the project's realisatiebesluit passed. The evidence
/// names the meeting and the exact counts; a correction that overturned it counts, not the original.
/// </summary>
public sealed class RealisatiebesluitCondition : IGateCondition
{
    public string Key => "realisatiebesluit";

    public string Description => "Realisatiebesluit door de ALV";

    public ConditionResult Evaluate(GateContext context)
    {
        if (context.Known.Realisatiebesluit is not { } d)
            return new ConditionResult(Key, Description, false, "De ALV heeft nog geen realisatiebesluit over dit project genomen (gesloten voorstel).");
        var evidence = $"ALV '{d.MeetingId}' van {DutchFormat.Date(d.MeetingDate)}, voorstel '{d.ProposalId}'"
                       + (d.Corrects is null ? "" : $" (correctie op {d.Corrects})") + $": {d.Result.Describe()}.";
        var passed = d.Result.Outcome == DecisionOutcome.Aangenomen;
        if (passed && d.MeetingDate > context.AsOf)
            return new ConditionResult(Key, Description, false,
                $"Op {DutchFormat.Date(context.AsOf)} nog niet genomen (pas op {DutchFormat.Date(d.MeetingDate)}). {evidence}", d.MeetingDate);
        return new ConditionResult(Key, Description, passed, evidence);
    }
}
