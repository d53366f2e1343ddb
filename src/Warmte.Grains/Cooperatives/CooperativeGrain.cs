using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Registry;
using Warmte.Projects;
using Warmte.Umbrellas;

namespace Warmte.Cooperatives;

/// <summary>Thin shell around <see cref="CooperativeRules"/>; fans out to its project grains for overviews.</summary>
public sealed class CooperativeGrain(
    Journal.IJournalStore store, IClock clock) : Grain, ICooperativeGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "cooperative";

    private Journal.JournaledState<RecordState<CooperativeRecord>> state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<RecordState<CooperativeRecord>>(store, JournalType, this.GetPrimaryKeyString());
        await state.LoadAsync();
    }

    private string Id => this.GetPrimaryKeyString();

    private LocalDate Today => AmsterdamTime.Today(clock);

    public async Task<Outcome<CooperativeView>> Create(CreateCooperative command, string actor)
    {
        if (state.State.Record is not null)
        {
            // Re-registering repairs a directory entry or umbrella membership lost to a crash or a
            // failed write after the cooperative was stored (each is a no-op when already there).
            await Register(actor);
            return Refusal.Conflict("already-exists", $"Coöperatie '{Id}' bestaat al. {CompleteNote}");
        }
        if (command.Id != Id) return Refusal.Invalid("id", $"'{command.Id}' hoort niet bij deze coöperatie ('{Id}').");

        var outcome = CooperativeRules.Create(command, Today, clock.GetCurrentInstant());
        if (outcome.IsOk)
        {
            var unknown = new List<FieldError>();
            var umbrellas = outcome.Value!.Value.Umbrellas;
            for (var i = 0; i < umbrellas.Length; i++)
                if (!await GrainFactory.GetGrain<IUmbrellaGrain>(umbrellas[i]).Exists())
                    unknown.Add(new FieldError($"umbrellas[{i}]", $"koepel '{umbrellas[i]}' bestaat niet."));
            if (unknown.Count > 0) return Refusal.Invalid(unknown);
        }
        if (await state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle) is { } refusal) return refusal;

        await Register(actor);
        return Outcome<CooperativeView>.Ok((await Get())!);
    }

    /// <summary>The note on the 409 of a repeated creation: what an earlier try left out is stored now (docs/operations.md, "A full disk").</summary>
    public const string CompleteNote = "Alles wat erbij hoort is vastgelegd.";

    /// <summary>
    /// The commits after the cooperative's own: the registry (the list of cooperatives), then each umbrella's membership.
    /// Each is a no-op when already there, so a repeated creation completes what a failed one left out; a failure here
    /// says what is stored (PartiallyStoredException), never "nothing".
    /// </summary>
    private async Task Register(string actor)
    {
        var umbrellas = state.State.Record!.Umbrellas;
        string NotMemberOf(int from) =>
            $"nog geen lid van {(umbrellas.Length - from == 1 ? "koepel" : "koepels")} {string.Join(", ", umbrellas.Skip(from).Select(u => $"'{u}'"))}";
        await PartiallyStoredException.Step(() => GrainFactory.GetGrain<IRegistryGrain>(0).AddCooperative(Id),
            () => $"De coöperatie '{Id}' is aangemaakt, maar nog niet volledig vastgelegd (ze staat nog niet in de lijst van coöperaties"
                  + (umbrellas.Length > 0 ? $" en is {NotMemberOf(0)})." : ")."));
        for (var i = 0; i < umbrellas.Length; i++)
        {
            var from = i;
            await PartiallyStoredException.Step(() => GrainFactory.GetGrain<IUmbrellaGrain>(umbrellas[from]).AddMember(Id, actor),
                () => $"De coöperatie '{Id}' is aangemaakt, maar nog niet volledig vastgelegd (ze is {NotMemberOf(from)}).");
        }
    }

    public Task<bool> Exists() => Task.FromResult(state.State.Record is not null);

    public Task<string[]> ProjectIds() => Task.FromResult(state.State.Record is { } cooperative ? cooperative.Projects.ToArray() : []);

    public Task<LocalDate?> FoundedOn() => Task.FromResult(state.State.Record?.FoundedOn);

    public async Task<CooperativeView?> Get()
    {
        if (state.State.Record is not { } cooperative) return null;
        var summaries = await Task.WhenAll(cooperative.Projects.Select(p => GrainFactory.GetGrain<IProjectGrain>(p).GetSummary()));
        return new CooperativeView { Cooperative = cooperative, Projects = [.. summaries.OfType<ProjectSummary>()] };
    }

    public async Task<Outcome<CooperativeView>> Update(UpdateCooperative command, string actor)
    {
        if (state.State.Record is not { } cooperative) return Refusal.NotFound("Coöperatie", Id);
        // A new founding date is checked against the members already stored (only then is the register asked).
        var firstMember = command.FoundedOn is { } founded && founded != cooperative.FoundedOn
            ? await GrainFactory.GetGrain<Members.IMemberRegisterGrain>(Id).FirstJoined()
            : null;
        // And against the ALV's meetings (tester T5): the earliest one, asked only when the date moves.
        var firstMeeting = command.FoundedOn is { } moved && moved != cooperative.FoundedOn
            ? await GrainFactory.GetGrain<Alv.IAlvGrain>(Id).FirstMeeting()
            : null;
        var outcome = CooperativeRules.Update(cooperative, command, Today, firstMember, firstMeeting);
        if (await state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle) is { } refusal) return refusal;
        return Outcome<CooperativeView>.Ok((await Get())!);
    }

    public async Task<Outcome<ProjectView>> CreateProject(CreateProject command, string actor)
    {
        if (state.State.Record is not { } cooperative) return Refusal.NotFound("Coöperatie", Id);
        var v = new Validation();
        Slug.Check(v, "id", command.Id);
        if (v.HasErrors) return v.ToRefusal();
        if (cooperative.Projects.Length >= CooperativeRules.MaxProjects)
            return Refusal.Conflict("too-many-projects", $"Een coöperatie heeft maximaal {CooperativeRules.MaxProjects} projecten.");

        var project = GrainFactory.GetGrain<IProjectGrain>(command.Id!);
        var created = await project.Create(Id, command, actor);
        if (!created.IsOk)
        {
            // The project is stored before the link to it, the link before its alert watch: when storing the link failed (a
            // version conflict, a database error, a full disk), the retry finds the project there and completes the link; when
            // only the watch failed, the retry registers it again (idempotent), so the sweep never misses the project.
            if (created.Refusal!.Code == "already-exists" && await project.Get() is { } existing && existing.CooperativeId == Id)
            {
                if (await Complete(existing.Id, existing.Name, actor) is { } refused) return refused;
                return created.Refusal with { Message = $"{created.Refusal.Message} {CompleteNote}" };
            }
            return created;
        }
        if (await Complete(command.Id!, created.Value!.Name, actor) is { } refusal) return refusal;
        return created;
    }

    /// <summary>
    /// The commits after the project's own: its link in this cooperative (when not there yet), then its alert watch
    /// (idempotent). A failure of either says the project exists (PartiallyStoredException); the same request again completes it.
    /// </summary>
    private async Task<Refusal?> Complete(string projectId, string projectName, string actor)
    {
        if (!state.State.Record!.Projects.Contains(projectId))
        {
            var link = CooperativeRules.AddProject(state.State.Record!, projectId, projectName);
            var refused = await PartiallyStoredException.Step(() => state.ApplyAsync(link, actor, clock.GetCurrentInstant(), DeactivateOnIdle),
                () => $"Het project '{projectId}' is aangemaakt, maar nog niet volledig vastgelegd (de koppeling aan coöperatie '{Id}' "
                      + "en de bewaking van zijn signalen ontbreken nog).");
            if (refused is not null) return refused;
        }
        await PartiallyStoredException.Step(() => GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(projectId).Watch(),
            () => $"Het project '{projectId}' is aangemaakt en aan coöperatie '{Id}' gekoppeld, maar nog niet volledig vastgelegd "
                  + "(de bewaking van zijn signalen ontbreekt nog).");
        return null;
    }

    public async Task<Outcome<CooperativeView>> JoinUmbrella(string umbrellaId, string actor)
    {
        if (state.State.Record is not { } cooperative) return Refusal.NotFound("Coöperatie", Id);
        if (!Slug.IsValid(umbrellaId) || !await GrainFactory.GetGrain<IUmbrellaGrain>(umbrellaId).Exists())
            return Refusal.NotFound("Koepel", umbrellaId);
        var outcome = CooperativeRules.JoinUmbrella(cooperative, umbrellaId);
        if (await state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle) is { } refusal) return refusal;
        // The umbrella's side is a commit of its own; joining again (same request) stores nothing here and completes it there.
        await PartiallyStoredException.Step(() => GrainFactory.GetGrain<IUmbrellaGrain>(umbrellaId).AddMember(Id, actor),
            () => $"Coöperatie '{Id}' is lid van koepel '{umbrellaId}', maar dat is nog niet volledig vastgelegd "
                  + "(de koepel heeft haar nog niet als lid en vergelijkt haar nog niet).");
        return Outcome<CooperativeView>.Ok((await Get())!);
    }

    public async Task<AuditPage?> GetAudit(int page, int pageSize) =>
        state.State.Record is null ? null : await state.AuditPageAsync(page, pageSize);
}
