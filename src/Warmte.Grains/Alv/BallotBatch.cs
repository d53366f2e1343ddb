using System.Collections.Immutable;
using Warmte.Common;

namespace Warmte.Alv;

/// <summary>
/// What a list of ballots did (<see cref="IAlvGrain.CastBallots"/>, <c>warmte import ballots</c>): ballots
/// recorded, ballots already there (the same ballot again changes nothing), and the refused ones with
/// their problems as <c>ballots[i].field</c>; <see cref="DryRun"/>: checked only, nothing stored.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BallotBatchResult(
    [property: Id(0)] int Recorded, [property: Id(1)] int Unchanged, [property: Id(2)] ImmutableArray<FieldError> Skipped, [property: Id(3)] bool DryRun)
{
    /// <summary>The positions in the list (0-based) of ballots already stored as they are: nothing to read in (tester T8.10).</summary>
    [Id(4)] public ImmutableArray<int> AlreadyStored { get; init; } = [];
}

/// <summary>Turns the refusal of one ballot of a list into problems on that ballot: "ballots[i].field", or "ballots[i]" for a refusal without a field.</summary>
public static class BallotBatch
{
    public static IEnumerable<FieldError> Problems(int index, Refusal refusal) =>
        refusal.Errors.IsDefaultOrEmpty
            ? [new FieldError($"ballots[{index}]", refusal.Message)]
            : refusal.Errors.Select(e => new FieldError(string.IsNullOrEmpty(e.Field) ? $"ballots[{index}]" : $"ballots[{index}].{e.Field}", e.Reason));
}
