using System.Collections.Immutable;
using NodaTime;
using Orleans.Runtime;
using Warmte.Audit;
using Warmte.Common;

namespace Warmte.Members;

public sealed class MemberRegisterState
{
    /// <summary>Ordered by member number. Stored as a list: JSON dictionary keys would be re-cased by the naming policy.</summary>
    public List<Member> Members { get; set; } = [];

    public List<AuditEntry> Audit { get; set; } = [];
}

/// <summary>Thin shell around <see cref="MemberRules"/>: load, apply, persist, answer.</summary>
public sealed class MemberRegisterGrain(
    [PersistentState("members", StorageNames.Grains)] IPersistentState<MemberRegisterState> state,
    IClock clock) : Grain, IMemberRegisterGrain
{
    private List<Member>? _indexed;
    private Dictionary<string, Member> _byNumber = [];

    private LocalDate Today => AmsterdamTime.Today(clock);

    /// <summary>The register by member number, rebuilt only when the stored list was replaced (write or reload).</summary>
    private Dictionary<string, Member> ByNumber
    {
        get
        {
            if (!ReferenceEquals(_indexed, state.State.Members))
            {
                _byNumber = state.State.Members.ToDictionary(m => m.Number);
                _indexed = state.State.Members;
            }
            return _byNumber;
        }
    }

    public Task<Outcome<RegistrationResult>> Register(ImmutableArray<MemberInput?> members, string actor) =>
        Register(members, actor, new RegisterOptions());

    public async Task<Outcome<RegistrationResult>> Register(ImmutableArray<MemberInput?> members, string actor, RegisterOptions options)
    {
        ImmutableArray<Member> valid;
        ImmutableArray<FieldError> skipped = [];
        if (options.SkipInvalid)
        {
            var good = MemberRules.ValidateGoodOnly(members, Today, defaultJoinedOn: options.JoinedOn);
            if (!good.IsOk) return good.Refusal!;
            (valid, skipped) = good.Value;
        }
        else
        {
            var validated = MemberRules.Validate(members, Today, defaultJoinedOn: options.JoinedOn);
            if (!validated.IsOk) return validated.Refusal!;
            valid = validated.Value;
        }
        // Merge into a copy: memory takes the change only together with storage.
        var register = new Dictionary<string, Member>(ByNumber);
        var result = MemberRules.Merge(register, valid) with { Skipped = skipped };
        if (result.Created + result.Updated == 0) return Outcome<RegistrationResult>.Ok(result);
        state.State.Members = [.. register.Values.OrderBy(m => m.Number, StringComparer.Ordinal)];
        state.State.Audit.Add(new AuditEntry(clock.GetCurrentInstant(), actor, "members.registered",
            $"Ledenregister: {result.Created} nieuw, {result.Updated} bijgewerkt, {result.Unchanged} ongewijzigd."));
        await state.WriteOrReloadAsync(DeactivateOnIdle); // a failed write reloads the stored register
        return Outcome<RegistrationResult>.Ok(result);
    }

    public Task<ImmutableArray<Member>> Members() => Task.FromResult(state.State.Members.ToImmutableArray());

    public Task<Member?> Member(string number) =>
        Task.FromResult(ByNumber.GetValueOrDefault(MemberRules.NormaliseNumber(number)));

    public Task<MemberSummary> Summary() =>
        Task.FromResult(MemberRules.Summarise(this.GetPrimaryKeyString(), state.State.Members, Today));

    public Task<EligibilityCheck> Eligibility(ImmutableArray<string> numbers, LocalDate on) =>
        Task.FromResult(MemberRules.Check(ByNumber, numbers, on));

    public Task<Electorate> Electorate(LocalDate on) => Task.FromResult(MemberRules.ElectorateOn(state.State.Members, on));

    public Task<AuditPage> GetAudit(int page, int pageSize) => Task.FromResult(AuditTrail.Page(state.State.Audit, page, pageSize));
}
