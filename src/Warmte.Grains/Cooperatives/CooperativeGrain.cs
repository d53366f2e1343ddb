using NodaTime;
using Warmte.Audit;
using Warmte.Common;
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
            await GrainFactory.GetGrain<IRegistryGrain>(0).AddCooperative(Id);
            foreach (var umbrella in state.State.Record.Umbrellas)
                await GrainFactory.GetGrain<IUmbrellaGrain>(umbrella).AddMember(Id, actor);
            return Refusal.Conflict("already-exists", $"Coöperatie '{Id}' bestaat al.");
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

        await GrainFactory.GetGrain<IRegistryGrain>(0).AddCooperative(Id);
        foreach (var umbrella in state.State.Record!.Umbrellas)
            await GrainFactory.GetGrain<IUmbrellaGrain>(umbrella).AddMember(Id, actor);
        return Outcome<CooperativeView>.Ok((await Get())!);
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
                if (!cooperative.Projects.Contains(command.Id!)) await Link(existing.Id, existing.Name, actor);
                else await GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(existing.Id).Watch();
            }
            return created;
        }
        if (await Link(command.Id!, created.Value!.Name, actor) is { } refusal) return refusal;
        return created;
    }

    private async Task<Refusal?> Link(string projectId, string projectName, string actor)
    {
        var link = CooperativeRules.AddProject(state.State.Record!, projectId, projectName);
        if (await state.ApplyAsync(link, actor, clock.GetCurrentInstant(), DeactivateOnIdle) is { } refusal) return refusal;
        await GrainFactory.GetGrain<Alerts.IAlertWatchGrain>(projectId).Watch();
        return null;
    }

    public async Task<Outcome<CooperativeView>> JoinUmbrella(string umbrellaId, string actor)
    {
        if (state.State.Record is not { } cooperative) return Refusal.NotFound("Coöperatie", Id);
        if (!Slug.IsValid(umbrellaId) || !await GrainFactory.GetGrain<IUmbrellaGrain>(umbrellaId).Exists())
            return Refusal.NotFound("Koepel", umbrellaId);
        var outcome = CooperativeRules.JoinUmbrella(cooperative, umbrellaId);
        if (await state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle) is { } refusal) return refusal;
        await GrainFactory.GetGrain<IUmbrellaGrain>(umbrellaId).AddMember(Id, actor);
        return Outcome<CooperativeView>.Ok((await Get())!);
    }

    public async Task<AuditPage?> GetAudit(int page, int pageSize) =>
        state.State.Record is null ? null : await state.AuditPageAsync(page, pageSize);
}
