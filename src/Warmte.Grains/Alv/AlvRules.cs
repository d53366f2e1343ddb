using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Members;

namespace Warmte.Alv;

/// <summary>Everything a cooperative's ALV has decided and is deciding: its statutes and its meetings.</summary>
[GenerateSerializer, Immutable]
public sealed record AlvRecord
{
    /// <summary>Null until the cooperative sets its own: then <see cref="Statutes.LegalDefaults"/> apply.</summary>
    [Id(0)] public Statutes? Statutes { get; init; }
    [Id(1)] public ImmutableArray<Meeting> Meetings { get; init; } = [];

    public Statutes EffectiveStatutes => Statutes ?? Alv.Statutes.LegalDefaults;

    public static readonly AlvRecord Empty = new();
}

/// <summary>
/// Rules of ALV meetings, pure. Who may vote is looked up in the member register by the grain and
/// handed in as an <see cref="EligibilityCheck"/>, so every rule here is a function of its inputs.
/// </summary>
public static partial class AlvRules
{
    public const int MaxProposals = 50;
    public const int MaxAttendance = 20_000;

    public static string DecisionTypeNames => string.Join(", ", Enum.GetNames<DecisionType>());

    // ---- statutes ----

    public static Outcome<Change<AlvRecord>> SetStatutes(AlvRecord record, SetStatutes command)
    {
        var v = new Validation();
        var baseRule = Statutes.LegalDefaults.Default;
        var @default = command.Default is null ? baseRule : Rule(v, "default", command.Default, baseRule);
        var overrides = ImmutableArray.CreateBuilder<TypedDecisionRule>();
        var list = command.Overrides ?? [];
        for (var i = 0; i < list.Length; i++)
        {
            var at = $"overrides[{i}]";
            if (list[i] is not { } input) { v.Add(at, "is leeg."); continue; }
            if (!TryDecisionType(v, $"{at}.decisionType", input.DecisionType, out var type)) continue;
            if (overrides.Any(o => o.Type == type)) { v.Add($"{at}.decisionType", $"{type} staat er al eerder in."); continue; }
            overrides.Add(new TypedDecisionRule(type, Rule(v, at, input, @default)));
        }
        if (command.Default?.DecisionType is not null) v.Add("default.decisionType", "hoort alleen bij een uitzondering (overrides).");
        var electronic = Electronic(v, command.Electronic);
        if (v.HasErrors) return v.ToRefusal();
        var statutes = new Statutes { Default = @default, Overrides = overrides.ToImmutable(), Electronic = electronic };
        return new Change<AlvRecord>(record with { Statutes = statutes }, "alv.statutes-set",
            $"Statuten (ALV-regels) vastgelegd: standaard {Describe(@default)}"
            + string.Concat(statutes.Overrides.Select(o => $"; {o.Type}: {Describe(o.Rule)}")) + "."
            + (electronic == ElectronicVoting.Off ? "" : " " + Describe(electronic)));
    }

    public static string Describe(ElectronicVoting e) =>
        $"Elektronisch stemmen: {(e.AdvanceVotingAllowed ? $"vooraf toegestaan (vanaf {AdvanceVotingDays} dagen voor de vergadering)" : "niet toegestaan")}"
        + $", vooraf-stemmers tellen {(e.AdvanceVotersCountAsPresent ? "" : "niet ")}mee als aanwezig"
        + $", volmacht online {(e.OnlineProxiesAllowed ? "toegestaan" : "niet toegestaan")}"
        + (e.SecretBallotTypes.IsEmpty ? "" : $", geheime stemming bij {string.Join(", ", e.SecretBallotTypes)}") + ".";

    private static ElectronicVoting Electronic(Validation v, ElectronicVotingInput? input)
    {
        if (input is null) return ElectronicVoting.Off;
        var secret = ImmutableArray.CreateBuilder<DecisionType>();
        var list = input.SecretBallotTypes ?? [];
        for (var i = 0; i < list.Length; i++)
        {
            if (!TryDecisionType(v, $"electronic.secretBallotTypes[{i}]", list[i], out var type)) continue;
            if (secret.Contains(type)) v.Add($"electronic.secretBallotTypes[{i}]", $"{type} staat er al eerder in.");
            else secret.Add(type);
        }
        var result = new ElectronicVoting
        {
            AdvanceVotingAllowed = input.AdvanceVotingAllowed ?? false,
            AdvanceVotersCountAsPresent = input.AdvanceVotersCountAsPresent ?? false,
            OnlineProxiesAllowed = input.OnlineProxiesAllowed ?? false,
            SecretBallotTypes = [.. secret.Order()],
        };
        return result is { AdvanceVotingAllowed: false, AdvanceVotersCountAsPresent: false, OnlineProxiesAllowed: false, SecretBallotTypes.IsEmpty: true }
            ? ElectronicVoting.Off : result;
    }

    public static string Describe(DecisionRule r) =>
        $"quorum {r.Quorum}, {(r.MajorityRule == MajorityRule.MoreThan ? "meer dan" : "minstens")} {r.Majority} van de stemmen"
        + $"{(r.AbstentionsCount ? " (onthoudingen tellen mee)" : "")}, {(r.Weighting == VoteWeighting.OneMemberOneVote ? "één lid één stem" : "gewogen naar woningequivalenten")}, "
        + $"max. {r.MaxProxiesPerAttendee} volmacht(en), oproeptermijn {r.MinimumNoticeDays} dagen";

    private static DecisionRule Rule(Validation v, string at, DecisionRuleInput input, DecisionRule fallback)
    {
        var quorum = fallback.Quorum;
        if (input.Quorum is not null && (quorum = Share.Parse(input.Quorum)!) is null)
        {
            v.Add($"{at}.quorum", $"'{Slug.Truncate(input.Quorum)}' is geen aandeel; schrijf bijv. \"1/2\", \"2/3\", \"50%\" of \"0\" (geen quorum).");
            quorum = fallback.Quorum;
        }
        var majority = fallback.Majority;
        if (input.Majority is not null && ((majority = Share.Parse(input.Majority)!) is null || majority == Share.None))
        {
            v.Add($"{at}.majority", $"'{Slug.Truncate(input.Majority)}' is geen meerderheid; schrijf bijv. \"1/2\" of \"2/3\".");
            majority = fallback.Majority;
        }
        var majorityRule = fallback.MajorityRule;
        if (input.MajorityRule is not null && !Enum.TryParse(input.MajorityRule, true, out majorityRule))
            v.Add($"{at}.majorityRule", $"'{Slug.Truncate(input.MajorityRule)}' is onbekend; kies MoreThan (meer dan) of AtLeast (minstens).");
        var weighting = fallback.Weighting;
        if (input.Weighting is not null && !Enum.TryParse(input.Weighting, true, out weighting))
            v.Add($"{at}.weighting", $"'{Slug.Truncate(input.Weighting)}' is onbekend; kies OneMemberOneVote of PerWoningequivalent.");
        var proxies = input.MaxProxiesPerAttendee ?? fallback.MaxProxiesPerAttendee;
        if (proxies is < 0 or > 100) v.Add($"{at}.maxProxiesPerAttendee", "moet tussen 0 en 100 liggen.");
        var notice = input.MinimumNoticeDays ?? fallback.MinimumNoticeDays;
        if (notice is < 0 or > 365) v.Add($"{at}.minimumNoticeDays", "moet tussen 0 en 365 dagen liggen.");
        return new DecisionRule
        {
            Quorum = quorum, Majority = majority, MajorityRule = majorityRule, Weighting = weighting,
            AbstentionsCount = input.AbstentionsCount ?? fallback.AbstentionsCount, MaxProxiesPerAttendee = proxies,
            SecondMeetingWithoutQuorum = input.SecondMeetingWithoutQuorum ?? fallback.SecondMeetingWithoutQuorum,
            MinimumNoticeDays = notice,
        };
    }

    private static bool TryDecisionType(Validation v, string field, string? text, out DecisionType type)
    {
        type = DecisionType.Overig;
        if (string.IsNullOrWhiteSpace(text)) { v.Add(field, "is verplicht."); return false; }
        if (Enum.TryParse(text.Trim(), true, out type) && Enum.IsDefined(type)) return true;
        v.Add(field, $"'{Slug.Truncate(text)}' is geen besluitsoort; kies uit {DecisionTypeNames}.");
        return false;
    }

    // ---- meetings and proposals ----

    public static Outcome<Change<AlvRecord>> CreateMeeting(AlvRecord record, CreateMeeting command, LocalDate today, string actor, Instant now)
    {
        var v = new Validation();
        var id = Slug.Check(v, "id", command.Id);
        if (Slug.IsValid(id) && record.Meetings.Any(m => m.Id == id)) v.Add("id", $"vergadering '{id}' bestaat al.");
        var title = v.Text("title", command.Title);
        if (command.Date is not { } date) { v.Add("date", "is verplicht."); date = today; }
        if (command.NoticeDate is not { } notice) { v.Add("noticeDate", "is verplicht."); notice = date; }
        else if (notice > today) v.Add("noticeDate", $"{DutchFormat.Date(notice)} ligt in de toekomst: leg de vergadering vast als de oproep verstuurd is.");
        else if (notice > date) v.Add("noticeDate", $"{DutchFormat.Date(notice)} ligt na de vergaderdatum.");
        if (command.SecondMeetingOf is { } first)
        {
            var earlier = record.Meetings.FirstOrDefault(m => m.Id == first);
            if (earlier is null) v.Add("secondMeetingOf", $"vergadering '{Slug.Truncate(first)}' bestaat niet.");
            else if (earlier.Date >= date) v.Add("secondMeetingOf", $"een tweede vergadering volgt op de eerste ({DutchFormat.Date(earlier.Date)}).");
            else if (!earlier.Proposals.Any(p => p.Closed?.Result.Outcome == DecisionOutcome.GeenQuorum))
                v.Add("secondMeetingOf", $"op vergadering '{first}' is geen voorstel zonder quorum gebleven.");
        }
        var proposals = ImmutableArray.CreateBuilder<Proposal>();
        var inputs = command.Proposals ?? [];
        if (inputs.Length == 0) v.Add("proposals", "een vergadering heeft minstens één voorstel op de agenda.");
        if (inputs.Length > MaxProposals) v.Add("proposals", $"maximaal {MaxProposals} voorstellen per vergadering.");
        for (var i = 0; i < inputs.Length && i < MaxProposals; i++)
        {
            if (ProposalFrom(v, $"proposals[{i}]", inputs[i], record, proposals) is { } p)
            {
                proposals.Add(p);
                var rule = record.EffectiveStatutes.RuleFor(p.DecisionType);
                if (p.Corrects is null && Period.DaysBetween(notice, date) < rule.MinimumNoticeDays)
                    v.Add($"proposals[{i}].decisionType",
                        $"een {p.DecisionType} vraagt volgens de statuten een oproeptermijn van minstens {rule.MinimumNoticeDays} dagen; "
                        + $"tussen {DutchFormat.Date(notice)} en {DutchFormat.Date(date)} zitten er {Period.DaysBetween(notice, date)}.");
            }
        }
        if (v.HasErrors) return v.ToRefusal();
        var meeting = new Meeting
        {
            Id = id, Title = title, Date = date, NoticeDate = notice, SecondMeetingOf = command.SecondMeetingOf,
            Proposals = proposals.ToImmutable(), CreatedBy = actor, CreatedAt = now,
        };
        return new Change<AlvRecord>(record with { Meetings = record.Meetings.Add(meeting) }, "alv.meeting-created",
            $"ALV '{id}' op {DutchFormat.Date(date)} (opgeroepen {DutchFormat.Date(notice)}) met {proposals.Count} voorstel(len).");
    }

    /// <summary>Adds a proposal to a meeting: a correction of a closed decision, or an agenda item before the meeting.</summary>
    public static Outcome<Change<AlvRecord>> AddProposal(AlvRecord record, string meetingId, ProposalInput? input, LocalDate today)
    {
        if (Find(record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var v = new Validation();
        var proposal = ProposalFrom(v, "body", input, record, meeting.Proposals.ToBuilder());
        if (v.HasErrors) return v.ToRefusal();
        if (proposal!.Corrects is null && today > meeting.Date)
            return Refusal.Conflict("meeting-held", $"De vergadering van {DutchFormat.Date(meeting.Date)} is al gehouden; een nieuw agendapunt vraagt een nieuwe vergadering. Een correctie kan wel (corrects).");
        var rule = record.EffectiveStatutes.RuleFor(proposal.DecisionType);
        if (proposal.Corrects is null && Period.DaysBetween(meeting.NoticeDate, meeting.Date) < rule.MinimumNoticeDays)
            return Refusal.Invalid("decisionType", $"een {proposal.DecisionType} vraagt een oproeptermijn van minstens {rule.MinimumNoticeDays} dagen.");
        var updated = meeting with { Proposals = meeting.Proposals.Add(proposal) };
        return new Change<AlvRecord>(Replace(record, updated), "alv.proposal-added",
            proposal.Corrects is null
                ? $"Voorstel '{proposal.Id}' ({proposal.DecisionType}) toegevoegd aan ALV '{meetingId}'."
                : $"Correctie '{proposal.Id}' op besluit {proposal.Corrects} vastgelegd in ALV '{meetingId}': {proposal.CorrectionReason}");
    }

    private static Proposal? ProposalFrom(Validation v, string at, ProposalInput? input, AlvRecord record, IEnumerable<Proposal> siblings)
    {
        if (input is null) { v.Add(at, "is leeg."); return null; }
        var before = v.Errors.Count;
        var id = Slug.Check(v, $"{at}.id", input.Id);
        if (Slug.IsValid(id) && siblings.Any(p => p.Id == id)) v.Add($"{at}.id", $"voorstel '{id}' staat al op deze agenda.");
        var title = v.Text($"{at}.title", input.Title);
        TryDecisionType(v, $"{at}.decisionType", input.DecisionType, out var type);
        string? projectId = null;
        if (input.ProjectId is not null) projectId = Slug.Check(v, $"{at}.projectId", input.ProjectId);
        if (type == DecisionType.Realisatiebesluit && input.ProjectId is null)
            v.Add($"{at}.projectId", "een realisatiebesluit gaat over één project: geef projectId.");
        var reason = v.OptionalText($"{at}.correctionReason", input.CorrectionReason);
        if (input.Corrects is { } corrects)
        {
            var parts = corrects.Split('/');
            var target = parts.Length == 2 ? Find(record, parts[0])?.Proposals.FirstOrDefault(p => p.Id == parts[1]) : null;
            if (target is null) v.Add($"{at}.corrects", $"'{Slug.Truncate(corrects)}' is geen bestaand besluit (schrijf vergadering/voorstel).");
            else if (target.Closed is null) v.Add($"{at}.corrects", $"besluit {corrects} is nog niet gesloten; een open voorstel corrigeer je niet.");
            else if (target.DecisionType != type || target.ProjectId != projectId)
                v.Add($"{at}.corrects", $"een correctie gaat over dezelfde besluitsoort en hetzelfde project als {corrects} ({target.DecisionType}{(target.ProjectId is null ? "" : ", " + target.ProjectId)}).");
            if (reason is null) v.Add($"{at}.correctionReason", "is verplicht bij een correctie: waarom wordt het besluit gecorrigeerd?");
        }
        else if (reason is not null) v.Add($"{at}.correctionReason", "hoort alleen bij een correctie (corrects).");
        if (v.Errors.Count > before) return null;
        return new Proposal
        {
            Id = id, Title = title, DecisionType = type, ProjectId = projectId, Corrects = input.Corrects,
            CorrectionReason = reason, Mode = BallotMode.Open,
        };
    }

    /// <summary>The member numbers a ballot command needs checked in the register (the voter and any proxy holder).</summary>
    public static ImmutableArray<string> NumbersIn(CastBallot command) =>
        [.. new[] { command.MemberNumber, command.ProxyHolder }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => MemberRules.NormaliseNumber(n!))];

    public static Outcome<Change<AlvRecord>> RecordAttendance(
        AlvRecord record, string meetingId, RecordAttendance command, EligibilityCheck eligibility, LocalDate today)
    {
        if (Find(record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        if (today < meeting.Date)
            return Refusal.Conflict("meeting-not-held", $"De vergadering is op {DutchFormat.Date(meeting.Date)}; de presentielijst volgt daarna.");
        var v = new Validation();
        var present = Numbers(v, "present", command.Present, eligibility, meeting.Date);
        if (v.HasErrors) return v.ToRefusal();
        var added = present.Except(meeting.Present).ToImmutableArray();
        if (added.Length == 0) return new Change<AlvRecord>(record, "alv.attendance-recorded", "Geen nieuwe aanwezigen.");
        var updated = meeting with { Present = [.. meeting.Present.Concat(added).Order(StringComparer.Ordinal)] };
        return new Change<AlvRecord>(Replace(record, updated), "alv.attendance-recorded",
            $"Presentielijst ALV '{meetingId}': {added.Length} aanwezige(n) bijgeschreven, {updated.Present.Length} in totaal.");
    }

    private static ImmutableArray<string> Numbers(Validation v, string field, ImmutableArray<string?>? raw, EligibilityCheck eligibility, LocalDate on)
    {
        var list = raw ?? [];
        if (list.Length > MaxAttendance) { v.Add(field, $"bevat meer dan {MaxAttendance} leden."); return []; }
        var seen = new HashSet<string>();
        for (var i = 0; i < list.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(list[i])) { v.Add($"{field}[{i}]", "is leeg."); continue; }
            var number = MemberRules.NormaliseNumber(list[i]!);
            if (!seen.Add(number)) { v.Add($"{field}[{i}]", $"lid {number} staat er dubbel in."); continue; }
            if (eligibility.Refused.TryGetValue(number, out var why))
                v.Add($"{field}[{i}]", $"mag niet stemmen op {DutchFormat.Date(on)}: {why}");
        }
        return [.. seen];
    }

    /// <summary>
    /// Records one member's vote. A member votes at most once per proposal: the same ballot again is
    /// a harmless repeat (a retry), a different one is refused. Only members eligible on the meeting
    /// date vote; a proxy holder must be eligible too and carries at most the statutes' number of volmachten.
    /// </summary>
    public static Outcome<Change<AlvRecord>> CastBallot(
        AlvRecord record, string meetingId, string proposalId, CastBallot command, EligibilityCheck eligibility,
        LocalDate today, string actor, Instant now)
    {
        if (Open(record, meetingId, proposalId, today, out var meeting, out var proposal) is { } closed) return closed;
        if (proposal!.Mode == BallotMode.Tally)
            return Refusal.Conflict("tally-recorded", "Voor dit voorstel is de telling van de papieren stemming ingevoerd; stemmen per lid erbij zou dubbel tellen.");
        var v = new Validation();
        var number = string.IsNullOrWhiteSpace(command.MemberNumber) ? null : MemberRules.NormaliseNumber(command.MemberNumber);
        if (number is null) v.Add("memberNumber", "is verplicht.");
        else if (eligibility.Refused.TryGetValue(number, out var why)) v.Add("memberNumber", $"mag niet stemmen op {DutchFormat.Date(meeting!.Date)}: {why}");
        var choice = VoteChoice.Voor;
        if (string.IsNullOrWhiteSpace(command.Choice)) v.Add("choice", "is verplicht.");
        else if (!Enum.TryParse(command.Choice.Trim(), true, out choice) || !Enum.IsDefined(choice))
            v.Add("choice", $"'{Slug.Truncate(command.Choice)}' is geen stem; kies Voor, Tegen of Onthouding.");
        var holder = string.IsNullOrWhiteSpace(command.ProxyHolder) ? null : MemberRules.NormaliseNumber(command.ProxyHolder);
        var rule = record.EffectiveStatutes.RuleFor(proposal.DecisionType);
        if (holder is not null)
        {
            if (holder == number) v.Add("proxyHolder", "een lid is niet zijn eigen gevolmachtigde; laat proxyHolder weg.");
            else if (eligibility.Refused.TryGetValue(holder, out var whyHolder)) v.Add("proxyHolder", $"mag geen volmacht uitoefenen: {whyHolder}");
            else if (rule.MaxProxiesPerAttendee == 0) v.Add("proxyHolder", $"de statuten staan bij een {proposal.DecisionType} geen stemmen bij volmacht toe.");
        }
        if (v.HasErrors) return v.ToRefusal();

        var weight = rule.Weighting == VoteWeighting.OneMemberOneVote ? 1 : eligibility.Voters.First(x => x.Number == number).Woningequivalenten;
        if (proposal.Ballots.FirstOrDefault(b => b.MemberNumber == number) is { } earlier)
        {
            if (earlier.Choice == choice && earlier.ProxyHolder == holder)
                return new Change<AlvRecord>(record, "alv.ballot-cast", "Dezelfde stem opnieuw ontvangen; niets gewijzigd.");
            return Refusal.Conflict("already-voted", $"Lid {number} heeft op dit voorstel al gestemd ({earlier.Choice}); een lid stemt één keer.");
        }
        if (holder is not null)
        {
            if (proposal.Ballots.Any(b => b.MemberNumber == holder && b.ProxyHolder is not null))
                return Refusal.Conflict("proxy-holder-represented", $"Lid {holder} is zelf bij volmacht vertegenwoordigd en kan geen volmacht uitoefenen.");
            var carried = proposal.Ballots.Count(b => b.ProxyHolder == holder);
            if (carried >= rule.MaxProxiesPerAttendee)
                return Refusal.Conflict("too-many-proxies", $"Lid {holder} heeft al {carried} volmacht(en) uitgeoefend; de statuten staan er maximaal {rule.MaxProxiesPerAttendee} toe.");
        }
        if (holder is not null && proposal.Ballots.Any(b => b.ProxyHolder == number))
            return Refusal.Conflict("proxy-holder-represented", $"Lid {number} oefent al een volmacht uit en is dus aanwezig; stem zonder volmacht.");

        var ballot = new Ballot { MemberNumber = number!, Choice = choice, ProxyHolder = holder, Weight = weight, RecordedBy = actor, RecordedAt = now };
        var updated = proposal with { Mode = BallotMode.Ballots, Ballots = proposal.Ballots.Add(ballot) };
        return new Change<AlvRecord>(Replace(record, meeting!, updated), "alv.ballot-cast",
            $"Stem op '{meetingId}/{proposalId}' van lid {number}{(holder is null ? "" : $" (bij volmacht door {holder})")} vastgelegd.");
    }

    public static ImmutableArray<string> NumbersIn(RecordTally command) =>
        [.. (command.Present ?? []).Concat((command.Proxies ?? []).SelectMany(p => new[] { p?.Member, p?.Holder }))
            .Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => MemberRules.NormaliseNumber(n!)).Distinct()];

    /// <summary>Enters the paper count with its attendance list; the tally cannot hold more votes than the list has voters.</summary>
    public static Outcome<Change<AlvRecord>> RecordTally(
        AlvRecord record, string meetingId, string proposalId, RecordTally command, EligibilityCheck eligibility,
        LocalDate today, string actor, Instant now)
    {
        if (Open(record, meetingId, proposalId, today, out var meeting, out var proposal) is { } closed) return closed;
        if (proposal!.Mode == BallotMode.Ballots)
            return Refusal.Conflict("ballots-recorded", "Op dit voorstel zijn al stemmen per lid vastgelegd; een telling erbij zou dubbel tellen.");
        var v = new Validation();
        var rule = record.EffectiveStatutes.RuleFor(proposal.DecisionType);
        var weighted = rule.Weighting == VoteWeighting.PerWoningequivalent;
        var forVotes = Count(v, "for", command.For, weighted);
        var against = Count(v, "against", command.Against, weighted);
        var abstain = Count(v, "abstain", command.Abstain, weighted);
        var present = Numbers(v, "present", command.Present, eligibility, meeting!.Date);
        var proxies = ImmutableArray.CreateBuilder<Proxy>();
        var proxyList = command.Proxies ?? [];
        var presentSet = present.ToHashSet();
        for (var i = 0; i < proxyList.Length; i++)
        {
            var at = $"proxies[{i}]";
            var member = proxyList[i]?.Member is { } m && !string.IsNullOrWhiteSpace(m) ? MemberRules.NormaliseNumber(m) : null;
            var holder = proxyList[i]?.Holder is { } h && !string.IsNullOrWhiteSpace(h) ? MemberRules.NormaliseNumber(h) : null;
            if (member is null) { v.Add($"{at}.member", "is verplicht."); continue; }
            if (holder is null) { v.Add($"{at}.holder", "is verplicht."); continue; }
            if (eligibility.Refused.TryGetValue(member, out var why)) v.Add($"{at}.member", why);
            if (eligibility.Refused.TryGetValue(holder, out var whyHolder)) v.Add($"{at}.holder", whyHolder);
            if (!presentSet.Contains(holder)) v.Add($"{at}.holder", $"lid {holder} staat niet op de presentielijst (present).");
            if (presentSet.Contains(member)) v.Add($"{at}.member", $"lid {member} is zelf aanwezig en heeft geen volmacht nodig.");
            if (proxies.Any(p => p.Member == member)) v.Add($"{at}.member", $"lid {member} heeft al een volmacht gegeven.");
            proxies.Add(new Proxy(member, holder));
        }
        if (rule.MaxProxiesPerAttendee == 0 && proxies.Count > 0) v.Add("proxies", $"de statuten staan bij een {proposal.DecisionType} geen stemmen bij volmacht toe.");
        foreach (var over in proxies.GroupBy(p => p.Holder).Where(g => g.Count() > rule.MaxProxiesPerAttendee && rule.MaxProxiesPerAttendee > 0))
            v.Add("proxies", $"lid {over.Key} draagt {over.Count()} volmachten; de statuten staan er maximaal {rule.MaxProxiesPerAttendee} toe.");
        if (v.HasErrors) return v.ToRefusal();

        // The count can hold at most one vote per voter on the list (or their woningequivalenten when weighted).
        var voters = present.Concat(proxies.Select(p => p.Member)).ToHashSet();
        var capacity = rule.Weighting == VoteWeighting.OneMemberOneVote
            ? voters.Count
            : eligibility.Voters.Where(x => voters.Contains(x.Number)).Sum(x => x.Woningequivalenten);
        if (forVotes + against + abstain > capacity)
            return Refusal.Invalid("for", $"de telling ({Votes(forVotes)} + {Votes(against)} + {Votes(abstain)} = {Votes(forVotes + against + abstain)}) is groter dan wat de presentielijst kan uitbrengen ({Votes(capacity)}).");
        var tally = new Tally
        {
            For = forVotes, Against = against, Abstain = abstain, Present = [.. present.Order(StringComparer.Ordinal)],
            Proxies = proxies.ToImmutable(), RecordedBy = actor, RecordedAt = now,
        };
        var updated = proposal with { Mode = BallotMode.Tally, Tally = tally };
        return new Change<AlvRecord>(Replace(record, meeting, updated), "alv.tally-recorded",
            $"Telling op '{meetingId}/{proposalId}': {Votes(forVotes)} voor, {Votes(against)} tegen, {Votes(abstain)} onthouding(en); {present.Length} aanwezig, {proxies.Count} volmacht(en).");
    }

    /// <summary>Votes as read in Dutch: "96", "2,5".</summary>
    private static string Votes(decimal votes) => votes.ToString("0.##", DutchFormat.Culture);

    /// <summary>A count of votes: whole votes, or woningequivalenten with up to two decimals when the rule weighs them.</summary>
    private static decimal Count(Validation v, string field, decimal? value, bool weighted)
    {
        if (value is not { } n) { v.Add(field, "is verplicht."); return 0; }
        if (n is < 0 or > 100_000_000) v.Add(field, "moet 0 of meer zijn (en niet absurd groot).");
        else if (!weighted && decimal.Truncate(n) != n)
            v.Add(field, $"{n.ToString(DutchFormat.Culture)} is geen geheel aantal stemmen (één lid één stem).");
        else if (decimal.Round(n, Members.MemberRules.WoningequivalentenDecimals) != n)
            v.Add(field, $"{n.ToString(DutchFormat.Culture)} heeft meer dan {Members.MemberRules.WoningequivalentenDecimals} decimalen.");
        return Members.MemberRules.Normalise(n);
    }

    /// <summary>The member numbers counted as present or represented on a proposal (for the quorum).</summary>
    public static ImmutableArray<string> PresentOrRepresented(Meeting meeting, Proposal proposal) =>
        proposal.Mode == BallotMode.Tally && proposal.Tally is { } t
            ? [.. t.Present.Concat(t.Proxies.Select(p => p.Member)).Distinct()]
            : [.. meeting.Present
                .Concat(proposal.Ballots.Select(b => b.MemberNumber))
                .Concat(proposal.Ballots.Where(b => b.ProxyHolder is not null).Select(b => b.ProxyHolder!))
                .Distinct()];

    /// <summary>Closes a proposal: the result is fixed from then on; a correction is a new proposal that references it.</summary>
    public static Outcome<Change<AlvRecord>> Close(
        AlvRecord record, string meetingId, string proposalId, Electorate electorate, LocalDate today, string actor, Instant now)
    {
        if (Open(record, meetingId, proposalId, today, out var meeting, out var proposal) is { } closed) return closed;
        var rule = record.EffectiveStatutes.RuleFor(proposal!.DecisionType);
        var totals = proposal.Mode == BallotMode.Tally && proposal.Tally is { } t
            ? new VoteTotals(t.For, t.Against, t.Abstain)
            : proposal.Ballots.Aggregate(new VoteTotals(), (sum, b) => sum.Add(b.Choice, b.Weight));
        var attending = PresentOrRepresented(meeting!, proposal);
        var represented = proposal.Mode == BallotMode.Tally ? proposal.Tally!.Proxies.Length : proposal.Ballots.Count(b => b.ProxyHolder is not null);
        var result = VoteCounting.Decide(rule, totals, electorate.Members, attending.Length, represented, meeting!.SecondMeetingOf is not null);
        var updated = proposal with { Closed = new ClosedDecision { Result = result, ClosedBy = actor, ClosedAt = now } };
        return new Change<AlvRecord>(Replace(record, meeting, updated), "alv.proposal-closed",
            $"Besluit '{meetingId}/{proposalId}' ({proposal.DecisionType}) gesloten. {result.Describe()}.");
    }

    private static Refusal? Open(AlvRecord record, string meetingId, string proposalId, LocalDate today, out Meeting? meeting, out Proposal? proposal)
    {
        meeting = Find(record, meetingId);
        proposal = meeting?.Proposals.FirstOrDefault(p => p.Id == proposalId);
        if (meeting is null) return Refusal.NotFound("Vergadering", meetingId);
        if (proposal is null) return Refusal.NotFound("Voorstel", $"{meetingId}/{proposalId}");
        if (proposal.Closed is not null)
            return Refusal.Conflict("proposal-closed",
                $"Besluit '{meetingId}/{proposalId}' is gesloten en verandert niet meer; leg een correctie vast als nieuw voorstel met corrects \"{meetingId}/{proposalId}\".");
        if (today < meeting.Date)
            return Refusal.Conflict("meeting-not-held", $"De vergadering is op {DutchFormat.Date(meeting.Date)}; stemmen en sluiten kan vanaf die dag.");
        return null;
    }

    public static Meeting? Find(AlvRecord record, string meetingId) => record.Meetings.FirstOrDefault(m => m.Id == meetingId);

    private static AlvRecord Replace(AlvRecord record, Meeting meeting) =>
        record with { Meetings = record.Meetings.Replace(record.Meetings.First(m => m.Id == meeting.Id), meeting) };

    private static AlvRecord Replace(AlvRecord record, Meeting meeting, Proposal proposal) =>
        Replace(record, meeting with { Proposals = meeting.Proposals.Replace(meeting.Proposals.First(p => p.Id == proposal.Id), proposal) });

    /// <summary>
    /// The decision in force on a project's question: the latest closed proposal of that type about
    /// the project that no closed correction has replaced. Null when the ALV has not decided.
    /// </summary>
    public static DecisionStatus? DecisionFor(AlvRecord record, string projectId, DecisionType type)
    {
        var closed = record.Meetings
            .SelectMany(m => m.Proposals.Where(p => p.Closed is not null && p.DecisionType == type && p.ProjectId == projectId).Select(p => (Meeting: m, Proposal: p)))
            .ToList();
        var corrected = closed.Where(x => x.Proposal.Corrects is not null).Select(x => x.Proposal.Corrects!).ToHashSet();
        var current = closed
            .Where(x => !corrected.Contains($"{x.Meeting.Id}/{x.Proposal.Id}"))
            .OrderBy(x => x.Meeting.Date).ThenBy(x => x.Proposal.Closed!.ClosedAt)
            .LastOrDefault();
        return current.Proposal is null ? null : new DecisionStatus
        {
            MeetingId = current.Meeting.Id, MeetingDate = current.Meeting.Date, ProposalId = current.Proposal.Id,
            Title = current.Proposal.Title, Result = current.Proposal.Closed!.Result, Corrects = current.Proposal.Corrects,
        };
    }
}
