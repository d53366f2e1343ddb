namespace Warmte.Phases;

/// <summary>
/// The phase order and which moves are allowed: one step forward (go), one step back (no-go),
/// or to Gestopt from any phase. Nothing is skipped and Gestopt is final.
/// </summary>
public static class PhaseMachine
{
    /// <summary>The working phases in order, Initiatief first.</summary>
    public static readonly IReadOnlyList<Phase> Order =
        [Phase.Initiatief, Phase.Haalbaarheid, Phase.Ontwikkeling, Phase.Realisatie, Phase.Beheer];

    public static Phase? Next(Phase phase) => phase switch
    {
        Phase.Initiatief => Phase.Haalbaarheid,
        Phase.Haalbaarheid => Phase.Ontwikkeling,
        Phase.Ontwikkeling => Phase.Realisatie,
        Phase.Realisatie => Phase.Beheer,
        _ => null,
    };

    /// <summary>The phase a no-go sends a project back to; none from Initiatief, Beheer or Gestopt.</summary>
    public static Phase? Previous(Phase phase) => phase switch
    {
        Phase.Haalbaarheid => Phase.Initiatief,
        Phase.Ontwikkeling => Phase.Haalbaarheid,
        Phase.Realisatie => Phase.Ontwikkeling,
        _ => null,
    };

    /// <summary>What moving from <paramref name="from"/> to <paramref name="to"/> would be, or null if it is not allowed.</summary>
    public static TransitionKind? Classify(Phase from, Phase to)
    {
        if (from == Phase.Gestopt) return null;
        if (to == Phase.Gestopt) return TransitionKind.Stop;
        if (Next(from) == to) return TransitionKind.Go;
        if (Previous(from) == to) return TransitionKind.NoGo;
        return null;
    }

    /// <summary>Parses a phase name, ignoring case and surrounding blanks.</summary>
    public static bool TryParse(string? text, out Phase phase)
    {
        phase = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();
        // Enum.TryParse also accepts numbers; phases are named, never numbered, in this service.
        if (trimmed.Any(char.IsDigit)) return false;
        return Enum.TryParse(trimmed, ignoreCase: true, out phase) && Enum.IsDefined(phase);
    }

    public static string AllNames => string.Join(", ", Enum.GetNames<Phase>());
}
