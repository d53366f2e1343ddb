namespace Warmte.Phases;

/// <summary>
/// The phases of a heat-network project, in order, plus the terminal <see cref="Gestopt"/>.
/// The names are the Dutch terms the cooperatives and the municipality use.
/// </summary>
public enum Phase
{
    /// <summary>Oriëntatie: a group of residents, a first idea, a letter of intent.</summary>
    Initiatief = 0,
    /// <summary>Verkenning: feasibility study, sketch design, first business case.</summary>
    Haalbaarheid = 1,
    /// <summary>Uitwerking: final design, contracts, permits, tenant consent, realisatiebesluit, financial close.</summary>
    Ontwikkeling = 2,
    /// <summary>Aanleg: the network is built and connections are made.</summary>
    Realisatie = 3,
    /// <summary>Exploitatie: 30+ years of operation.</summary>
    Beheer = 4,
    /// <summary>Abandoned, with a reason. Reachable from any phase; nothing follows it.</summary>
    Gestopt = 99,
}

/// <summary>What a transition between two phases means.</summary>
public enum TransitionKind
{
    /// <summary>A go at the gate: to the next phase, only when every gate condition is met.</summary>
    Go,
    /// <summary>A no-go that sends the project back one phase.</summary>
    NoGo,
    /// <summary>The project is abandoned (Gestopt).</summary>
    Stop,
}
