using NodaTime;
using Warmte.Common;
using Warmte.Alerts;
using Warmte.Cooperatives;
using Warmte.Registry;

namespace Warmte.Umbrellas;

public sealed class UmbrellaGrain(
    Journal.IJournalStore store, IClock clock, Microsoft.Extensions.Logging.ILoggerFactory logs) : Grain, IUmbrellaGrain
{
    private readonly Microsoft.Extensions.Logging.ILogger _wideLog = logs.CreateLogger(Alerts.ProjectSummaries.LogCategory);

    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "umbrella";

    private Journal.JournaledState<RecordState<UmbrellaRecord>> state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<RecordState<UmbrellaRecord>>(store, JournalType, this.GetPrimaryKeyString());
        await state.LoadAsync();
    }

    private string Id => this.GetPrimaryKeyString();

    public async Task<Outcome<UmbrellaRecord>> Create(CreateUmbrella command, string actor)
    {
        if (state.State.Record is not null)
        {
            // Re-registering repairs a directory entry lost to a crash or a failed write after the umbrella was stored.
            await Register();
            return Refusal.Conflict("already-exists", $"Koepel '{Id}' bestaat al. {CooperativeGrain.CompleteNote}");
        }
        var outcome = UmbrellaRules.Create(Id, command, clock.GetCurrentInstant());
        if (await state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle) is { } refusal) return refusal;
        await Register();
        return Outcome<UmbrellaRecord>.Ok(state.State.Record!);
    }

    /// <summary>The commit after the umbrella's own (the list of umbrellas); a failure says the umbrella exists.</summary>
    private Task Register() =>
        Journal.PartiallyStoredException.Step(() => GrainFactory.GetGrain<IRegistryGrain>(0).AddUmbrella(Id),
            () => $"De koepel '{Id}' is aangemaakt, maar nog niet volledig vastgelegd (hij staat nog niet in de lijst van koepels).");

    public Task<bool> Exists() => Task.FromResult(state.State.Record is not null);

    public Task<UmbrellaRecord?> Get() => Task.FromResult(state.State.Record);

    public async Task AddMember(string cooperativeId, string actor)
    {
        if (state.State.Record is not { } umbrella) return;
        var change = UmbrellaRules.AddMember(umbrella, cooperativeId);
        await state.ApplyAsync(Outcome<Audit.Change<UmbrellaRecord>>.Ok(change), actor, clock.GetCurrentInstant(), DeactivateOnIdle);
    }

    /// <summary>
    /// The members' records (their snapshots) and their projects' lines and money side from the
    /// project summaries, queried at the same time (<see cref="ProjectSummaries.ReadCooperativesAsync"/>;
    /// stale or missing rows recomputed), combined by the same <see cref="UmbrellaRules.Rows"/> as before.
    /// </summary>
    public async Task<UmbrellaComparison?> Compare()
    {
        if (state.State.Record is not { } umbrella) return null;
        var today = AmsterdamTime.Today(clock);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // The members today ("Leden", as the workbook has them) from the rows the registers' commits keep, read beside the
        // summaries: no register is asked while its row is current (docs/storage.md, "Members today beside the summaries").
        var registers = Members.MemberCounts.ReadAsync(store, GrainFactory, umbrella.Members, today);
        var (cooperatives, summaries) = await ProjectSummaries.ReadCooperativesAsync(store, GrainFactory, umbrella.Members, today, _wideLog);
        var read = System.Diagnostics.Stopwatch.GetTimestamp();
        var views = cooperatives.Select(c => ProjectSummaries.View(c, summaries, today)).ToList();
        var comparison = new UmbrellaComparison
        {
            Id = umbrella.Id,
            Name = umbrella.Name,
            AsOf = today,
            Rows = UmbrellaRules.Rows(views, summaries.ToDictionary(s => s.Key, s => s.Value.FinanceOn(today)),
                await registers),
        };
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(_wideLog, "Umbrella comparison: read {Read:F1} ms, rows of the day {Derive:F1} ms",
            System.Diagnostics.Stopwatch.GetElapsedTime(started, read).TotalMilliseconds, System.Diagnostics.Stopwatch.GetElapsedTime(read).TotalMilliseconds);
        return comparison;
    }
}
