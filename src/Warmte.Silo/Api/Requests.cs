using System.Collections.Immutable;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Projects;
using Warmte.Umbrellas;

namespace Warmte.Silo.Api;

// Request bodies as the API receives them. Field names equal the domain commands' names; dates
// arrive as ISO text and are parsed here so a bad date is reported against its own field.

public sealed record CreateCooperativeRequest(
    string? Id, string? StatutoryName, string? Kind, string? Municipality, string? FoundedOn, ImmutableArray<string>? Umbrellas)
{
    public CreateCooperative ToCommand(Validation v) => new()
    {
        Id = Id, StatutoryName = StatutoryName, Kind = Kind, Municipality = Municipality,
        FoundedOn = RequestBody.Date(v, "foundedOn", FoundedOn), Umbrellas = Umbrellas,
    };
}

public sealed record UpdateCooperativeRequest(string? StatutoryName, string? Kind, string? Municipality, string? FoundedOn)
{
    public UpdateCooperative ToCommand(Validation v) => new()
    {
        StatutoryName = StatutoryName, Kind = Kind, Municipality = Municipality,
        FoundedOn = RequestBody.Date(v, "foundedOn", FoundedOn),
    };
}

public sealed record JoinUmbrellaRequest(string? UmbrellaId);

public sealed record CreateProjectRequest(
    string? Id, string? Name, int? Woningequivalenten, int? PlannedConnections, string? Technology, string? StartedOn)
{
    public CreateProject ToCommand(Validation v) => new()
    {
        Id = Id, Name = Name, Woningequivalenten = Woningequivalenten, PlannedConnections = PlannedConnections,
        Technology = Technology, StartedOn = RequestBody.Date(v, "startedOn", StartedOn),
    };
}

public sealed record UpdateProjectRequest(string? Name, int? Woningequivalenten, int? PlannedConnections, string? Technology)
{
    public UpdateProject ToCommand() => new()
    {
        Name = Name, Woningequivalenten = Woningequivalenten, PlannedConnections = PlannedConnections, Technology = Technology,
    };
}

public sealed record TransitionRequestBody(string? To, string? DecidedOn, string? DecidedBy, string? Rationale)
{
    public TransitionRequest ToCommand(Validation v) => new()
    {
        To = To, DecidedOn = RequestBody.Date(v, "decidedOn", DecidedOn), DecidedBy = DecidedBy, Rationale = Rationale,
    };
}

public sealed record DeliverableRequest(string? PresentOn, string? Reference)
{
    public RecordDeliverable ToCommand(Validation v) => new()
    {
        PresentOn = RequestBody.Date(v, "presentOn", PresentOn), Reference = Reference,
    };
}

public sealed record MilestoneRequest(string? Name, string? PlannedOn, string? ActualOn)
{
    public SetMilestone ToCommand(Validation v) => new()
    {
        Name = Name, PlannedOn = RequestBody.Date(v, "plannedOn", PlannedOn), ActualOn = RequestBody.Date(v, "actualOn", ActualOn),
    };
}

public sealed record CreateUmbrellaRequest(string? Id, string? Name)
{
    public CreateUmbrella ToCommand() => new() { Name = Name };
}

public sealed record CreateTokenRequest(string? Name, string? Role);
