using NodaTime;
using Warmte.Audit;
using Warmte.Common;

namespace Warmte.TenantConsent;

/// <summary>Thin shell around <see cref="ConsentRules"/>: load, apply, persist, answer.</summary>
public sealed class TenantConsentGrain(
    Journal.IJournalStore store, IClock clock) : Grain, ITenantConsentGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "consent";

    private Journal.JournaledState<RecordState<ConsentRecord>> state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<RecordState<ConsentRecord>>(store, JournalType, this.GetPrimaryKeyString());
        await state.LoadAsync();
    }

    private string ProjectId => this.GetPrimaryKeyString();

    private ConsentRecord Record => state.State.Record ?? ConsentRecord.Empty;

    private LocalDate Today => AmsterdamTime.Today(clock);

    public Task<ConsentStatus> Status(bool withAddresses) =>
        Task.FromResult(ConsentRules.Status(Record, ProjectId, Today, withAddresses));

    public Task<Outcome<ConsentStatus>> SetComplex(string complexId, SetComplex command, string actor) =>
        Apply(ConsentRules.SetComplex(Record, complexId, command, Today), actor);

    public Task<Outcome<ConsentStatus>> RemoveComplex(string complexId, string actor) =>
        Apply(ConsentRules.RemoveComplex(Record, complexId), actor);

    public Task<Outcome<ConsentStatus>> RecordDeclarations(string complexId, RecordDeclarations command, string actor) =>
        Apply(ConsentRules.RecordDeclarations(Record, complexId, command, Today, actor, clock.GetCurrentInstant()), actor);

    public Task<Outcome<ConsentStatus>> SetApplicability(SetApplicability command, string actor) =>
        Apply(ConsentRules.SetApplicability(Record, command), actor);

    public Task<AuditPage> GetAudit(int page, int pageSize) => state.AuditPageAsync(page, pageSize);

    private async Task<Outcome<ConsentStatus>> Apply(Outcome<Change<ConsentRecord>> outcome, string actor)
    {
        // The rules start from Empty when nothing is stored: Empty given back unchanged stores nothing.
        var refusal = await state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle, unchanged: ConsentRecord.Empty);
        if (refusal is not null) return refusal;
        await Alerts.ProjectChanged.Raise(GrainFactory, ProjectId); // consent moves a gate
        return Outcome<ConsentStatus>.Ok(ConsentRules.Status(Record, ProjectId, Today, withAddresses: true));
    }
}
