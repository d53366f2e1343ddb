using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Members;

namespace Warmte.Alv;

/// <summary>Everything a cooperative's ALV has decided and is deciding: its statutes and its meetings.</summary>
[GenerateSerializer, Immutable]
public sealed record AlvRecord
{
    /// <summary>Null until the cooperative sets its own: then <see cref="Statutes.LegalDefaults"/> apply.</summary>
    [Id(0)] public Statutes? Statutes { get; init; }
    [Id(1)] public ImmutableArray<Meeting> Meetings { get; init; } = [];

    /// <summary>
    /// Meetings whose online voting must still follow a correction or removal of the meeting (an outbox): written in
    /// the same commit as that correction, taken off once the online voting grain has applied it (idempotently), so a
    /// crash between the two writes leaves the follow-up here to apply again (docs/members-and-decisions.md,
    /// "A corrected meeting and its online voting").
    /// </summary>
    [Id(2)] public ImmutableArray<string> OnlineFollowUps { get; init; } = [];

    public Statutes EffectiveStatutes => (Statutes ?? Alv.Statutes.LegalDefaults).WithLaw();

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

    /// <summary>
    /// How many days after a meeting a counting error of that meeting may be recounted (a same-meeting
    /// correction): added, counted and closed by the 14th day after the meeting. Later a correction is a
    /// new vote, which belongs on the agenda of a later meeting called with the statutes' notice (review3 F2).
    /// </summary>
    public const int RecountDays = 14;

    public static string DecisionTypeNames => string.Join(", ", Enum.GetNames<DecisionType>());

    // ---- statutes ----

    public static Outcome<Change<AlvRecord>> SetStatutes(AlvRecord record, SetStatutes command, Instant now = default)
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
            // Omitted fields keep the default as the law allows it for this type (a Statutenwijziging
            // without a majority of its own needs 2/3, not the default's 1/2).
            var rule = Rule(v, at, input, LegalMinimums.Apply(type, @default));
            foreach (var (field, reason) in LegalMinimums.Violations(type, rule))
                if (v.Errors.All(e => e.Field != $"{at}.{field}")) v.Add($"{at}.{field}", reason);
            overrides.Add(new TypedDecisionRule(type, rule));
        }
        if (command.Default is not null)
            foreach (var (field, reason) in LegalMinimums.Violations(null, @default))
                if (v.Errors.All(e => e.Field != $"default.{field}")) v.Add($"default.{field}", reason);
        if (command.Default?.DecisionType is not null) v.Add("default.decisionType", "hoort alleen bij een uitzondering (overrides).");
        var electronic = Electronic(v, command.Electronic);
        if (v.HasErrors) return v.ToRefusal();
        var statutes = new Statutes { Default = @default, Overrides = overrides.ToImmutable(), Electronic = electronic, OverridesChosen = true };
        // An open proposal that got votes before rules were fixed at the first vote keeps the rules it was voted under: fixed
        // now, before these statutes replace the ones it was read with (review19 #3).
        var read = record.EffectiveStatutes;
        var meetings = record.Meetings.Select(m => m.Proposals.Any(p => p.Closed is null && p.Rules is null && ProposalRules.HasVotes(p))
            ? m with { Proposals = [.. m.Proposals.Select(p => p.Closed is null && p.Rules is null && ProposalRules.HasVotes(p)
                ? p with { Rules = ProposalRules.Of(read, p, now) } : p)] }
            : m).ToImmutableArray();
        return new Change<AlvRecord>(record with { Statutes = statutes, Meetings = meetings }, "alv.statutes-set",
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
        + $"max. {r.MaxProxiesPerAttendee} {DutchFormat.Noun(r.MaxProxiesPerAttendee, "volmacht", "volmachten")}, oproeptermijn {r.MinimumNoticeDays} {DutchFormat.Noun(r.MinimumNoticeDays, "dag", "dagen")}";

    /// <summary>
    /// The statutes in the shape <c>PUT …/alv/statutes</c> takes (tester finding A12: what GET answered could not be sent
    /// back): every rule written out in full, so reading them in again gives the same statutes. Only the board's own overrides:
    /// a law-derived one (<see cref="TypedDecisionRule.Derived"/>) sent back would freeze it at today's default (tester10 T1).
    /// </summary>
    public static SetStatutes AsInput(Statutes statutes) => new()
    {
        Default = Input(statutes.Default, null),
        Overrides = [.. statutes.Overrides.Where(o => !o.Derived).Select(o => (DecisionRuleInput?)Input(o.Rule, o.Type))],
        Electronic = new ElectronicVotingInput
        {
            AdvanceVotingAllowed = statutes.Electronic.AdvanceVotingAllowed,
            AdvanceVotersCountAsPresent = statutes.Electronic.AdvanceVotersCountAsPresent,
            OnlineProxiesAllowed = statutes.Electronic.OnlineProxiesAllowed,
            SecretBallotTypes = [.. statutes.Electronic.SecretBallotTypes.Select(t => (string?)t.ToString())],
        },
    };

    /// <summary>One rule in the shape PUT takes (for showing a derived rule beside <c>input</c>).</summary>
    public static DecisionRuleInput AsInput(DecisionRule rule, DecisionType type) => Input(rule, type);

    private static DecisionRuleInput Input(DecisionRule rule, DecisionType? type) => new()
    {
        Quorum = rule.Quorum.ToString(), Majority = rule.Majority.ToString(), MajorityRule = rule.MajorityRule.ToString(),
        AbstentionsCount = rule.AbstentionsCount, MaxProxiesPerAttendee = rule.MaxProxiesPerAttendee, Weighting = rule.Weighting.ToString(),
        SecondMeetingWithoutQuorum = rule.SecondMeetingWithoutQuorum, MinimumNoticeDays = rule.MinimumNoticeDays, DecisionType = type?.ToString(),
    };

    private static DecisionRule Rule(Validation v, string at, DecisionRuleInput input, DecisionRule fallback)
    {
        var quorum = fallback.Quorum;
        if (input.Quorum is not null && (quorum = Share.Parse(input.Quorum)!) is null)
        {
            v.Add($"{at}.quorum", $"'{Slug.Truncate(input.Quorum)}' is geen aandeel tussen 0% en 100%; schrijf bijv. \"1/2\", \"2/3\", \"50%\" of \"0\" (geen quorum).");
            quorum = fallback.Quorum;
        }
        var majority = fallback.Majority;
        if (input.Majority is not null && ((majority = Share.Parse(input.Majority)!) is null || majority == Share.None))
        {
            v.Add($"{at}.majority", $"'{Slug.Truncate(input.Majority)}' is geen meerderheid: die ligt boven 0% en hoogstens op 100%; schrijf bijv. \"1/2\", \"2/3\" of \"50%\".");
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

    /// <param name="foundedOn">The cooperative's founding date, when known: a meeting before it is refused (tester T5).</param>
    public static Outcome<Change<AlvRecord>> CreateMeeting(AlvRecord record, CreateMeeting command, LocalDate today, string actor, Instant now,
        LocalDate? foundedOn = null)
    {
        var v = new Validation();
        var id = Slug.Check(v, "id", command.Id, example: "alv-2024-12-14");
        if (Slug.IsValid(id) && record.Meetings.Any(m => m.Id == id)) v.Add("id", $"vergadering '{id}' bestaat al.");
        // A removed meeting whose planned online voting has not yet lapsed (its follow-up is still on the outbox): a new
        // meeting under that id would inherit it. Rare (seconds after a removal, or after a crash), so ask to wait.
        else if (Slug.IsValid(id) && !record.OnlineFollowUps.IsDefaultOrEmpty && record.OnlineFollowUps.Contains(id!))
            return Refusal.Conflict("online-follow-up-pending",
                $"De online stemming van de verwijderde vergadering '{id}' wordt nog afgesloten; leg de nieuwe vergadering over een minuut opnieuw vast (of kies een andere id).");
        var title = v.Text("title", command.Title);
        if (command.Date is not { } date) { v.Add("date", "is verplicht."); date = today; }
        if (command.NoticeDate is not { } notice) { v.Add("noticeDate", "is verplicht."); notice = date; }
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
            if (ProposalFrom(v, $"proposals[{i}]", inputs[i], record, proposals, id, date, out _) is { } p)
                proposals.Add(p);
        // The dates (founding, notice) and the notice period, as a correction of the meeting checks them. Every
        // proposal of a new meeting is a vote at that meeting, a correction too (it corrects a decision of
        // another meeting, so it is a new vote): the notice applies to all (review2 F1).
        if (command.Date is not null && command.NoticeDate is not null)
            CheckMeetingDates(v, record, proposals, date, notice, today, foundedOn);
        if (v.HasErrors) return v.ToRefusal();
        var meeting = new Meeting
        {
            Id = id, Title = title, Date = date, NoticeDate = notice, SecondMeetingOf = command.SecondMeetingOf,
            Proposals = proposals.ToImmutable(), CreatedBy = actor, CreatedAt = now,
        };
        return new Change<AlvRecord>(record with { Meetings = record.Meetings.Add(meeting) }, "alv.meeting-created",
            $"ALV '{id}' op {DutchFormat.Date(date)} (opgeroepen {DutchFormat.Date(notice)}) met {proposals.Count} {DutchFormat.Noun(proposals.Count, "voorstel", "voorstellen")}.");
    }

    /// <summary>Adds a proposal to a meeting: a correction of a closed decision, or an agenda item before the meeting.</summary>
    public static Outcome<Change<AlvRecord>> AddProposal(AlvRecord record, string meetingId, ProposalInput? input, LocalDate today)
    {
        if (Find(record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var v = new Validation();
        var proposal = ProposalFrom(v, "body", input, record, meeting.Proposals.ToBuilder(), meeting.Id, meeting.Date, out var correctedMeeting);
        if (v.HasErrors || proposal is null) return v.ToRefusal();
        // Only a correction of a decision of this same meeting (a counting error) was voted at this meeting
        // already: it may be recorded after the meeting and needs no notice of its own. A correction of
        // another meeting's decision is a new vote: an agenda item like any other (review2 F1).
        // A correction of a decision of this same meeting (a counting error), not a new vote.
        var sameMeeting = correctedMeeting == meeting.Id;
        if (sameMeeting && RecountOver(meeting, proposal, today) is { } over) return over;
        if (!sameMeeting && today > meeting.Date)
            return Refusal.Conflict("meeting-held", proposal.Corrects is null
                ? $"De vergadering van {DutchFormat.Date(meeting.Date)} is al gehouden; een nieuw agendapunt vraagt een nieuwe vergadering. Een correctie van een besluit van deze vergadering kan wel (corrects)."
                : $"De vergadering van {DutchFormat.Date(meeting.Date)} is al gehouden; een correctie van een besluit van een andere vergadering ({proposal.Corrects}) is een nieuwe stemming en hoort op de agenda van een vergadering die nog komt.");
        var rule = record.EffectiveStatutes.RuleFor(proposal.DecisionType);
        if (!sameMeeting && Period.DaysBetween(meeting.NoticeDate, meeting.Date) < rule.MinimumNoticeDays)
            return NoticeTooShort($"een besluit van de soort {proposal.DecisionType} vraagt een oproeptermijn van minstens {rule.MinimumNoticeDays} dagen; "
                + $"deze vergadering is {Period.DaysBetween(meeting.NoticeDate, meeting.Date)} {DutchFormat.Noun(Period.DaysBetween(meeting.NoticeDate, meeting.Date), "dag", "dagen")} vooraf opgeroepen ({DutchFormat.Date(meeting.NoticeDate)}).");
        // An item put on the agenda after the notice went out was not in the notice the members got: its notice runs
        // from the day it is added (tester5 T2: a realisatiebesluit added on the meeting day passed as duly called).
        // A board that sends a new notice with the item records that date on the meeting (PATCH …/meetings/{id}).
        var left = Period.DaysBetween(today, meeting.Date);
        if (!sameMeeting && today > meeting.NoticeDate && left < rule.MinimumNoticeDays)
            return NoticeTooShort($"dit voorstel komt na de oproeping van {DutchFormat.Date(meeting.NoticeDate)} op de agenda, en een besluit van de soort "
                + $"{proposal.DecisionType} vraagt een oproeptermijn van minstens {rule.MinimumNoticeDays} dagen; tot de vergadering van {DutchFormat.Date(meeting.Date)} "
                + $"{(left == 1 ? "is" : "zijn")} het nog {left} {DutchFormat.Noun(left, "dag", "dagen")}. Zet het op de agenda van een latere vergadering, of roep opnieuw op met dit voorstel "
                + "en leg die oproepdatum vast bij de vergadering.");
        var updated = meeting with { Proposals = meeting.Proposals.Add(proposal) };
        return new Change<AlvRecord>(Replace(record, updated), "alv.proposal-added",
            proposal.Corrects is null
                ? $"Voorstel '{proposal.Id}' ({proposal.DecisionType}) toegevoegd aan ALV '{meetingId}'."
                : $"Correctie '{proposal.Id}' op besluit {proposal.Corrects} vastgelegd in ALV '{meetingId}': {proposal.CorrectionReason}");
    }

    /// <summary>Problem code of a proposal whose decision type needs more notice than the meeting gives (the fix is a date, not the type).</summary>
    public const string NoticeTooShortCode = "proposal-notice-too-short";

    /// <summary>
    /// The notice refusal of <see cref="AddProposal"/>: still one error on <c>decisionType</c> (the type sets the notice it
    /// needs), under its own problem code, so a client can say that the way out is another meeting or a new notice.
    /// </summary>
    private static Refusal NoticeTooShort(string reason) =>
        new(RefusalKind.Invalid, NoticeTooShortCode, "De oproeptermijn is te kort voor dit voorstel.", [new FieldError("decisionType", reason)]);

    /// <summary>The last day a counting error of <paramref name="meeting"/> may be recounted (added, counted and closed).</summary>
    public static LocalDate RecountUntil(Meeting meeting) => meeting.Date.PlusDays(RecountDays);

    /// <summary>A refusal when a same-meeting correction comes after the recount period: then it is a new vote.</summary>
    private static Refusal? RecountOver(Meeting meeting, Proposal correction, LocalDate today)
    {
        if (today <= RecountUntil(meeting)) return null;
        var message = $"Een telfout van de vergadering van {DutchFormat.Date(meeting.Date)} herstel je binnen {RecountDays} {DutchFormat.Noun(RecountDays, "dag", "dagen")} (tot en met {DutchFormat.Date(RecountUntil(meeting))}): "
            + $"een hertelling van de stemmen die op die vergadering zijn uitgebracht. Nu is een correctie van {correction.Corrects} een nieuwe stemming; "
            + "zet haar op de agenda van een latere vergadering, opgeroepen met de gewone oproeptermijn.";
        return Refusal.Conflict("recount-period-over", message, [new FieldError("corrects", message)]);
    }

    /// <summary>
    /// Whether <paramref name="member"/> took part in the meeting a same-meeting correction recounts: on the
    /// meeting's attendance list, or on the corrected decision's tally (present, proxy giver or holder), or a
    /// voter or proxy holder of one of its ballots. A recount counts the votes of that meeting, nobody else's.
    /// </summary>
    public static bool RecordedForRecount(Meeting meeting, Proposal correction, BallotBook book, string member)
    {
        if (book.IsPresent(meeting.Id, member)) return true;
        var target = correction.Corrects!.Split('/')[1];
        if (book.TallyOf(meeting.Id, target) is { } t && (t.Present.Contains(member) || t.Proxies.Any(p => p.Member == member || p.Holder == member))) return true;
        // Only a ballot that counted its voter and holder as present: an online ballot of a member not counted present
        // (advance voters not counted as present) is carried into the recount as it is, and makes nobody present (tester T4).
        return book.BallotsOf(meeting.Id, target).Any(b => b.Counted && (b.MemberNumber == member || b.ProxyHolder == member));
    }

    private static string NotInRecount(Meeting meeting, Proposal correction, string member) =>
        $"lid {member} staat niet op de presentielijst van de vergadering van {DutchFormat.Date(meeting.Date)} en stemde niet over {correction.Corrects}; "
        + "een hertelling telt alleen de stemmen van die vergadering.";

    /// <summary>Whether a proposal corrects a decision of the meeting it is placed in (a counting error, not a new vote).</summary>
    public static bool IsSameMeetingCorrection(Proposal proposal, string meetingId) =>
        proposal.Corrects is { } c && c.Split('/') is [var target, _] && target == meetingId;

    /// <param name="meetingId">The meeting the proposal is placed in.</param>
    /// <param name="meetingDate">Its date: a correction in another meeting than its target's must come after the target's meeting.</param>
    /// <param name="correctedMeeting">For a valid correction: the meeting of the decision it corrects (read once from <c>corrects</c>); else null.</param>
    private static Proposal? ProposalFrom(Validation v, string at, ProposalInput? input, AlvRecord record, IEnumerable<Proposal> siblings, string meetingId, LocalDate meetingDate,
        out string? correctedMeeting)
    {
        correctedMeeting = null;
        if (input is null) { v.Add(at, "is leeg."); return null; }
        var before = v.Errors.Count;
        var id = Slug.Check(v, $"{at}.id", input.Id, example: "realisatiebesluit");
        if (Slug.IsValid(id) && siblings.Any(p => p.Id == id)) v.Add($"{at}.id", $"voorstel '{id}' staat al op deze agenda.");
        var title = v.Text($"{at}.title", input.Title);
        // An unknown type is one error, not also the rules of whatever type a failed parse left behind
        // (Enum.TryParse leaves 0, Realisatiebesluit: tester finding F12).
        var known = TryDecisionType(v, $"{at}.decisionType", input.DecisionType, out var type);
        string? projectId = null;
        if (input.ProjectId is not null) projectId = Slug.Check(v, $"{at}.projectId", input.ProjectId, example: "wg-terrein");
        if (known && type == DecisionType.Realisatiebesluit && input.ProjectId is null)
            v.Add($"{at}.projectId", "een realisatiebesluit gaat over één project: geef projectId.");
        var reason = v.OptionalNotes($"{at}.correctionReason", input.CorrectionReason, 2000);
        if (input.Corrects is { } corrects)
        {
            var parts = corrects.Split('/');
            var targetMeeting = parts.Length == 2 ? Find(record, parts[0]) : null;
            var target = targetMeeting?.Proposals.FirstOrDefault(p => p.Id == parts[1]);
            correctedMeeting = targetMeeting?.Id;
            if (target is null) v.Add($"{at}.corrects", $"'{Slug.Truncate(corrects)}' is geen bestaand besluit (schrijf vergadering/voorstel).");
            else if (target.Closed is null) v.Add($"{at}.corrects", $"besluit {corrects} is nog niet gesloten; een open voorstel corrigeer je niet.");
            else if (known && (target.DecisionType != type || target.ProjectId != projectId))
                v.Add($"{at}.corrects", $"een correctie gaat over dezelfde besluitsoort en hetzelfde project als {corrects} ({target.DecisionType}{(target.ProjectId is null ? "" : ", " + target.ProjectId)}).");
            // A correction in another meeting is a new vote: never in a meeting before (or on the day of) the
            // decision it corrects, which would date the new decision before the old one (review2 F1).
            else if (targetMeeting!.Id != meetingId && meetingDate <= targetMeeting.Date)
                v.Add($"{at}.corrects",
                    $"besluit {corrects} is genomen op de vergadering van {DutchFormat.Date(targetMeeting.Date)}; een correctie in een andere vergadering is een nieuwe stemming "
                    + $"en hoort in een latere vergadering (na {DutchFormat.Date(targetMeeting.Date)}), opgeroepen met de gewone oproeptermijn. "
                    + $"Een telfout herstel je op dezelfde vergadering ('{targetMeeting.Id}').");
            if (reason is null) v.Add($"{at}.correctionReason", "is verplicht bij een correctie: waarom wordt het besluit gecorrigeerd?");
        }
        else if (reason is not null) v.Add($"{at}.correctionReason", "hoort alleen bij een correctie (corrects).");
        if (v.Errors.Count > before) { correctedMeeting = null; return null; }
        return new Proposal
        {
            Id = id, Title = title, DecisionType = type, ProjectId = projectId, Corrects = input.Corrects,
            CorrectionReason = reason, Mode = BallotMode.Open,
        };
    }

    /// <summary>The member numbers a ballot command needs checked in the register (the voter and any proxy holder).</summary>
    public static ImmutableArray<string> NumbersIn(CastBallot command) =>
        [.. new[] { command.MemberNumber, command.ProxyHolder }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => MemberRules.NormaliseNumber(n!))];

    public static Outcome<AlvChange> RecordAttendance(
        AlvRecord record, string meetingId, RecordAttendance command, EligibilityCheck eligibility, BallotBook book, LocalDate today, string actor, Instant now)
    {
        if (Find(record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        if (today < meeting.Date)
            return Refusal.Conflict("meeting-not-held", $"De vergadering is op {DutchFormat.Date(meeting.Date)}; de presentielijst volgt daarna.");
        var v = new Validation();
        var present = Numbers(v, "present", command.Present, eligibility, meeting.Date);
        if (v.HasErrors) return v.ToRefusal();
        var added = present.Where(n => !book.IsPresent(meetingId, n)).Order(StringComparer.Ordinal).ToImmutableArray();
        if (added.Length == 0) return Outcome<AlvChange>.Ok((AlvChange)new Change<AlvRecord>(record, "alv.attendance-recorded", "Geen nieuwe aanwezigen."));
        // A recount counts who was there: nobody is added to the list while one is open (review3 F2).
        if (meeting.Proposals.FirstOrDefault(p => p.Closed is null && IsSameMeetingCorrection(p, meetingId)) is { } recount)
            return Refusal.Conflict("recount-open",
                $"Op deze vergadering loopt een hertelling ('{recount.Id}', correctie van {recount.Corrects}); de presentielijst ligt vast tot die gesloten is. "
                + $"Niet bijgeschreven: {string.Join(", ", added)}.");
        // A member counted through a ballot (not on the list until now) is now on the list: count them once.
        var addedSet = added.ToHashSet();
        var proposals = meeting.Proposals.Select(p => p.Closed is not null || p.Count.Tally is not null || p.Count.Extra == 0 ? p
            : p with { Count = p.Count with { Extra = p.Count.Extra - CountedThroughBallots(book.BallotsOf(meetingId, p.Id)).Count(addedSet.Contains) } });
        var updated = meeting with { PresentCount = meeting.PresentCount + added.Length, Proposals = [.. proposals] };
        var facts = added.SelectMany(n => new[]
        {
            AlvFacts.Entry(AlvFacts.Attendance, meetingId, now, actor, new AttendanceFact(n)),
            AlvFacts.Entry(AlvFacts.PresentMark, AlvFacts.PresentTag(meetingId, n), now, actor, new AttendanceFact(n)),
        });
        return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(Replace(record, updated), "alv.attendance-recorded",
            $"Presentielijst ALV '{meetingId}': {added.Length} {DutchFormat.Noun(added.Length, "aanwezige", "aanwezigen")} bijgeschreven, {updated.PresentCount} in totaal."), [.. facts]));
    }

    /// <summary>
    /// A proxy at the meeting is exercised by a member who is there (tester6 T6: a member who had only voted online that morning
    /// was accepted as holder). Once the board has recorded the attendance list, that list says who is there: a holder not on it
    /// is refused (409 <c>proxy-holder-absent</c>, field <c>proxyHolder</c>) unless the board already entered her own vote at the
    /// meeting on this proposal. Without any list, the ballot itself counts the holder present (the list may follow).
    /// An online vote never makes a member present at the meeting, whatever the statutes count for the quorum.
    /// </summary>
    public static Refusal? HolderNotPresent(Meeting meeting, Proposal proposal, BallotBook book, string holder)
    {
        if (meeting.PresentCount == 0 || book.IsPresent(meeting.Id, holder)) return null;
        if (CurrentMark(proposal, book.Voter(meeting.Id, proposal.Id, holder)) is { Channel: BallotChannel.Meeting }) return null;
        var message = $"Lid {holder} staat niet op de presentielijst van deze vergadering ({meeting.PresentCount} "
            + $"{DutchFormat.Noun(meeting.PresentCount, "aanwezige", "aanwezigen")}); alleen een aanwezig lid kan op de vergadering een volmacht uitoefenen. "
            + $"Is lid {holder} er wel, zet het lid dan eerst op de presentielijst "
            + $"(warmte alv attendance <coöperatie> {meeting.Id} --present {holder}, of POST …/meetings/{meeting.Id}/attendance).";
        return Refusal.Conflict("proxy-holder-absent", message, [new FieldError("proxyHolder", message)]);
    }

    /// <summary>The members a proposal's ballots count as present or represented: voters and proxy holders of counted ballots.</summary>
    public static IEnumerable<string> CountedThroughBallots(IEnumerable<BallotFact> ballots) =>
        ballots.Where(b => b.Counted).SelectMany(b => b.ProxyHolder is null ? [b.MemberNumber] : new[] { b.MemberNumber, b.ProxyHolder }).Distinct();

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

    /// <summary>How a channel reads in a Dutch message: "online", "op de vergadering", ...</summary>
    public static string Describe(BallotChannel channel) => channel switch
    {
        BallotChannel.Online => "online",
        BallotChannel.Tally => "via de presentielijst van de papieren telling",
        _ => "op de vergadering",
    };

    private static string Via(VoterMarkFact mark) =>
        Describe(mark.Channel) + (mark.ProxyHolder is { } h ? $", bij volmacht door lid {h}" : "");

    /// <summary>The mark that counts: a mark of a replaced tally does not.</summary>
    public static VoterMarkFact? CurrentMark(Proposal proposal, VoterMarkFact? mark) =>
        mark is { Channel: BallotChannel.Tally } && mark.TallyVersion != proposal.Count.TallyVersion ? null : mark;

    /// <summary>Receipt codes: letters, digits and dashes, 8 to 64 characters (the caller makes them; at least 80 bits for online votes).</summary>
    public static bool IsReceipt(string? receipt) =>
        receipt is { Length: >= 8 and <= 64 } && receipt.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>
    /// Records one member's vote by any channel. A member votes at most once per proposal across every
    /// channel: the same open ballot again by the same channel is a harmless repeat (a retry), anything
    /// else is refused naming the channel that counted first. Only members eligible on the meeting date
    /// vote; a proxy holder must be eligible too and carries at most the statutes' number of volmachten.
    /// For a secret ballot (statutes) the choice goes into the counts only: no row links it to the member.
    /// </summary>
    /// <param name="byBoard">
    /// The board's ballot endpoint (not the member's own page): a repeat is recognised only for a ballot the
    /// board itself enters at the meeting on an open (not secret) proposal. An online or secret ballot
    /// "again" from the board is refused like every other second vote (409, naming the channel): whether
    /// it would have matched would tell the board the member's choice while the proposal is sealed.
    /// </param>
    public static Outcome<AlvChange> CastBallot(
        AlvRecord record, string meetingId, string proposalId, CastBallot command, EligibilityCheck eligibility, BallotBook book,
        LocalDate today, string actor, Instant now, bool byBoard = false)
    {
        var channel = command.Channel ?? BallotChannel.Meeting;
        if (!Enum.IsDefined(channel) || channel == BallotChannel.Tally)
            return Refusal.Invalid("channel", "kies Meeting (het bestuur voert de stem in) of Online; de papieren telling gaat via de telling (tally).");
        if (Open(record, meetingId, proposalId, channel == BallotChannel.Online ? null : today, out var meeting, out var proposal) is { } closed) return closed;
        var statutes = record.EffectiveStatutes;
        var recount = IsSameMeetingCorrection(proposal!, meetingId);
        if (recount && channel == BallotChannel.Online)
            return Refusal.Conflict("recount-not-online", "Dit voorstel is een hertelling van de stemmen op de vergadering (correctie van "
                + $"{proposal!.Corrects}); het bestuur voert de hertelde stemmen in, online stemmen kan er niet op.");
        if (channel == BallotChannel.Online && OnlineVoteAllowed(statutes, meeting!, today) is { } notNow) return notNow;
        if (channel == BallotChannel.Meeting && proposal!.Count.Tally is not null)
            return Refusal.Conflict("tally-recorded", "Voor dit voorstel is de telling van de papieren stemming ingevoerd; stemmen per lid erbij zou dubbel tellen.");
        var v = new Validation();
        var number = string.IsNullOrWhiteSpace(command.MemberNumber) ? null : MemberRules.NormaliseNumber(command.MemberNumber);
        if (number is null) v.Add("memberNumber", "is verplicht.");
        else if (eligibility.Refused.TryGetValue(number, out var why)) v.Add("memberNumber", $"mag niet stemmen op {DutchFormat.Date(meeting!.Date)}: {why}");
        // A recount carries the online ballots over unchanged (tester T4): the board enters no ballot for such a member, whatever the choice.
        if (recount && number is not null && CurrentMark(proposal!, book.Voter(meetingId, proposalId, number)) is { Channel: BallotChannel.Online } carriedMark)
            return OnlineVoteStands(proposal!, number, carriedMark);
        var choice = VoteChoice.Voor;
        if (string.IsNullOrWhiteSpace(command.Choice)) v.Add("choice", "is verplicht.");
        else if (!Enum.TryParse(command.Choice.Trim(), true, out choice) || !Enum.IsDefined(choice))
            v.Add("choice", $"'{Slug.Truncate(command.Choice)}' is geen stem; kies Voor, Tegen of Onthouding.");
        var holder = string.IsNullOrWhiteSpace(command.ProxyHolder) ? null : MemberRules.NormaliseNumber(command.ProxyHolder);
        // The proposal's rules: fixed at its first vote, else the statutes now (this ballot fixes them; tester10 T3).
        ArgumentNullException.ThrowIfNull(proposal); // Open found it
        var fixedRules = ProposalRules.Of(statutes, proposal, now);
        var rule = fixedRules.Rule;
        if (holder is not null)
        {
            if (holder == number) v.Add("proxyHolder", "een lid is niet zijn eigen gevolmachtigde; laat proxyHolder weg.");
            else if (eligibility.Refused.TryGetValue(holder, out var whyHolder)) v.Add("proxyHolder", $"mag geen volmacht uitoefenen: {whyHolder}");
            else if (rule.MaxProxiesPerAttendee == 0) v.Add("proxyHolder", $"de statuten staan bij een {proposal.DecisionType} geen stemmen bij volmacht toe.");
            else if (channel == BallotChannel.Online && !fixedRules.OnlineProxiesAllowed)
                v.Add("proxyHolder", "de statuten staan geen volmacht via online stemmen toe.");
        }
        if (recount && number is not null && !v.Errors.Any(e => e.Field == "memberNumber") && !RecordedForRecount(meeting!, proposal, book, number))
            v.Add("memberNumber", NotInRecount(meeting!, proposal, number));
        if (recount && holder is not null && !v.Errors.Any(e => e.Field == "proxyHolder") && !RecordedForRecount(meeting!, proposal, book, holder))
            v.Add("proxyHolder", NotInRecount(meeting!, proposal, holder));
        var secret = fixedRules.Secret;
        var receipt = string.IsNullOrWhiteSpace(command.Receipt) ? null : command.Receipt.Trim();
        if (receipt is not null && !IsReceipt(receipt)) v.Add("receipt", "een ontvangstcode is 8 tot 64 letters, cijfers of streepjes.");
        if (v.HasErrors) return v.ToRefusal();

        // A vote through a holder who may not vote on the meeting date does not count and leaves the giver free (tester4 T1):
        // her new ballot supersedes it, closing leaves the dead one out. Not on a secret ballot: that one cannot be taken out.
        var (earlierMark, deadProxy) = Earlier(proposal, book.Voter(meetingId, proposalId, number!), h => !eligibility.Refused.ContainsKey(h));
        if (deadProxy is not null && secret) return DeadProxySecret(eligibility, [("memberNumber", number!, deadProxy)]);
        if (earlierMark is { } earlier)
        {
            if ((!byBoard || (channel == BallotChannel.Meeting && !secret)) && IsRepeat(proposal, earlier, channel, choice, holder, receipt, secret))
                return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(record, "alv.ballot-cast", "Dezelfde stem opnieuw ontvangen; niets gewijzigd."), [])
                {
                    Cast = new CastResult { Proposal = proposal, Receipt = secret ? receipt : earlier.Receipt, Channel = channel, Repeat = true, RecordedAt = earlier.At },
                });
            var message = $"Lid {number} heeft op dit voorstel al gestemd ({Via(earlier)}); een lid stemt één keer.";
            return Refusal.Conflict("already-voted", message, [new FieldError("memberNumber", message)]);
        }
        if (receipt is not null && secret && proposal.Count.SealedReceipts.Any(r => r.Receipt == receipt))
            return Refusal.Invalid("receipt", "deze ontvangstcode is al uitgegeven; maak een nieuwe.");
        VoterMarkFact? holderMark = null;
        if (holder is not null)
        {
            if (channel == BallotChannel.Meeting && !recount && HolderNotPresent(meeting!, proposal, book, holder) is { } absent) return absent;
            holderMark = CountingMark(proposal, book.Voter(meetingId, proposalId, holder), h => !eligibility.Refused.ContainsKey(h));
            if (holderMark?.ProxyHolder is not null)
                return Refusal.Conflict("proxy-holder-represented", $"Lid {holder} is zelf bij volmacht vertegenwoordigd en kan geen volmacht uitoefenen.");
            // A proxy of a giver who may not vote on the meeting date is dead and takes no slot (tester T1; the same rule as online).
            var carried = ProxiesCarried(proposal, book, meetingId, holder, eligibility);
            if (carried >= rule.MaxProxiesPerAttendee)
                return Refusal.Conflict("too-many-proxies", $"Lid {holder} heeft al {carried} {DutchFormat.Noun(carried, "volmacht", "volmachten")} uitgeoefend; de statuten staan er maximaal {rule.MaxProxiesPerAttendee} toe.");
            if (!book.ProxiesOf(meetingId, proposalId, number!).IsEmpty)
                return Refusal.Conflict("proxy-holder-represented", $"Lid {number} oefent al een volmacht uit en is dus aanwezig; stem zonder volmacht.");
        }

        // Present or represented: a ballot at the meeting counts its voter (and holder); an online ballot
        // only when the statutes count advance voters as present. Each member once, on top of the base list.
        var counted = channel == BallotChannel.Meeting || fixedRules.AdvanceVotersCountAsPresent;
        var extra = 0;
        if (counted)
        {
            bool OnBase(string n) => proposal.Count.Tally is not null
                ? CurrentMark(proposal, book.Voter(meetingId, proposalId, n)) is { Channel: BallotChannel.Tally }
                : book.IsPresent(meetingId, n);
            bool HoldsCounted(string n) => book.ProxiesOf(meetingId, proposalId, n).Any(p => p.Counted);
            // A superseded dead proxy ballot that counted the giver already counted her once.
            if (!OnBase(number!) && !HoldsCounted(number!) && deadProxy?.Counted != true) extra++;
            // The holder's own ballot counted her already, also when it does not count as a vote (a dead proxy vote of hers: closing
            // keeps her present through this ballot when it leaves that one out).
            if (holder is not null && !OnBase(holder) && CurrentMark(proposal, book.Voter(meetingId, proposalId, holder))?.Counted != true && !HoldsCounted(holder)) extra++;
        }
        var weight = rule.Weighting == VoteWeighting.OneMemberOneVote ? 1 : eligibility.Voters.First(x => x.Number == number).Woningequivalenten;
        var totals = proposal.Count.Totals.Add(choice, weight);
        var count = proposal.Count with
        {
            For = totals.For, Against = totals.Against, Abstain = totals.Abstain,
            Ballots = proposal.Count.Ballots + 1,
            Online = proposal.Count.Online + (channel == BallotChannel.Online ? 1 : 0),
            AtMeeting = proposal.Count.AtMeeting + (channel == BallotChannel.Meeting ? 1 : 0),
            ByProxy = proposal.Count.ByProxy + (holder is null ? 0 : 1),
            Extra = proposal.Count.Extra + extra,
            Receipts = proposal.Count.Receipts + (receipt is null ? 0 : 1),
            Superseded = proposal.Count.Superseded + (deadProxy is null ? 0 : 1),
            // Sorted by the code, never by arrival: the list carries no timing.
            SealedReceipts = secret && receipt is not null
                ? [.. proposal.Count.SealedReceipts.Add(new SealedReceipt(receipt, choice)).OrderBy(r => r.Receipt, StringComparer.Ordinal)]
                : proposal.Count.SealedReceipts,
        };
        var updated = proposal with { Mode = proposal.Count.Tally is null ? BallotMode.Ballots : BallotMode.Tally, Count = count, Rules = fixedRules };
        var tag = AlvFacts.Tag(meetingId, proposalId);
        var facts = ImmutableArray.CreateBuilder<JournalAppend>();
        facts.Add(AlvFacts.Entry(AlvFacts.Ballot, tag, now, actor, new BallotFact
        {
            MemberNumber = number!, Choice = secret ? null : choice, ProxyHolder = holder, Weight = weight, Channel = channel,
            Receipt = secret ? null : receipt, Counted = counted, RecordedBy = actor, RecordedAt = now,
        }));
        facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(meetingId, proposalId, number!), now, actor, new VoterMarkFact
        {
            Channel = channel, Counted = counted, ProxyHolder = holder, Choice = secret ? null : choice, Receipt = secret ? null : receipt,
        }));
        if (holder is not null)
            facts.Add(AlvFacts.Entry(AlvFacts.ProxyMark, AlvFacts.Tag(meetingId, proposalId, holder), now, actor, new ProxyMarkFact(number!, counted)));
        // The online turnout (members who voted online at this meeting) moves in this same commit: no second count elsewhere.
        var firstOnline = channel == BallotChannel.Online && !book.VotedOnline(meetingId, number!);
        if (firstOnline)
            facts.Add(AlvFacts.Entry(AlvFacts.OnlineMark, AlvFacts.PresentTag(meetingId, number!), now, actor, new AttendanceFact(number!)));
        var meetingNow = firstOnline ? meeting! with { OnlineVoters = meeting!.OnlineVoters + 1 } : meeting!;
        return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(Replace(record, meetingNow, updated), "alv.ballot-cast",
            $"Stem op '{meetingId}/{proposalId}' van lid {number}{(holder is null ? "" : $" (bij volmacht door {holder})")} vastgelegd ({Describe(channel)})."),
            facts.ToImmutable())
        {
            Cast = new CastResult { Proposal = updated, Receipt = receipt, Channel = channel, RecordedAt = now },
        });
    }

    /// <summary>
    /// Whether a ballot of a member who already voted is the same ballot again (a retry after a lost
    /// answer), which changes nothing and answers the first receipt. Same channel and proxy holder,
    /// and: for an open ballot the same choice (and, when the caller gives a receipt, the same
    /// receipt: the online page derives it from the member's code and the attempt, so only a resend
    /// of that attempt matches); for a secret ballot, where no row names the member's choice or
    /// receipt, the given receipt must be in the sealed list under the same choice — only the
    /// member's own attempt can produce that receipt, so nothing about anyone else is revealed.
    /// </summary>
    public static bool IsRepeat(Proposal proposal, VoterMarkFact earlier, BallotChannel channel, VoteChoice choice, string? holder, string? receipt, bool secret)
    {
        if (earlier.Channel != channel || earlier.ProxyHolder != holder) return false;
        if (secret) return receipt is not null && proposal.Count.SealedReceipts.Any(r => r.Receipt == receipt && r.Choice == choice);
        return earlier.Choice == choice && (receipt is null || earlier.Receipt is null || earlier.Receipt == receipt);
    }

    public static ImmutableArray<string> NumbersIn(RecordTally command) =>
        [.. (command.Present ?? []).Concat((command.Proxies ?? []).SelectMany(p => new[] { p?.Member, p?.Holder }))
            .Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => MemberRules.NormaliseNumber(n!)).Distinct()];

    /// <summary>
    /// Enters the paper count with its attendance list; the tally cannot hold more votes than the list
    /// has voters, and nobody on it may have voted by another channel (online). Entering it again replaces it.
    /// </summary>
    public static Outcome<AlvChange> RecordTally(
        AlvRecord record, string meetingId, string proposalId, RecordTally command, EligibilityCheck eligibility, BallotBook book,
        LocalDate today, string actor, Instant now)
    {
        if (Open(record, meetingId, proposalId, today, out var meeting, out var proposal) is { } closed) return closed;
        if (proposal!.Count.AtMeeting > 0)
            return Refusal.Conflict("ballots-recorded", "Op dit voorstel zijn al stemmen per lid vastgelegd; een telling erbij zou dubbel tellen.");
        var v = new Validation();
        var fixedRules = ProposalRules.Of(record.EffectiveStatutes, proposal, now);
        var rule = fixedRules.Rule;
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
        foreach (var over in proxies.GroupBy(p => p.Holder)
                     .Select(g => (g.Key, Count: g.Count() + ProxiesCarried(proposal, book, meetingId, g.Key, eligibility)))
                     .Where(g => g.Count > rule.MaxProxiesPerAttendee && rule.MaxProxiesPerAttendee > 0))
            v.Add("proxies", $"lid {over.Key} draagt {over.Count} volmachten; de statuten staan er maximaal {rule.MaxProxiesPerAttendee} toe.");
        // A recount (same-meeting correction) counts the meeting's own voters only (review3 F2).
        if (IsSameMeetingCorrection(proposal, meetingId))
        {
            for (var i = 0; i < present.Length; i++)
                if (!RecordedForRecount(meeting, proposal, book, present[i])) v.Add($"present[{i}]", NotInRecount(meeting, proposal, present[i]));
            for (var i = 0; i < proxies.Count; i++)
            {
                if (!RecordedForRecount(meeting, proposal, book, proxies[i].Member)) v.Add($"proxies[{i}].member", NotInRecount(meeting, proposal, proxies[i].Member));
                if (!RecordedForRecount(meeting, proposal, book, proxies[i].Holder)) v.Add($"proxies[{i}].holder", NotInRecount(meeting, proposal, proxies[i].Holder));
            }
        }
        // One vote per member across channels, by the ballots' own rule (Earlier): nobody on the list may have a vote that
        // counts by another channel (online, a ballot). A vote through a holder who may not vote on the meeting date does not
        // count and leaves her free to be on the list (tester4 T1); the list supersedes it, closing leaves it out. Not on a
        // secret ballot: that one cannot be taken out. A mark of the tally itself is replaced by entering it again.
        var listed = present.Select((n, i) => (Field: $"present[{i}]", Member: n)).Concat(proxies.Select((p, i) => (Field: $"proxies[{i}].member", p.Member))).ToList();
        var freed = new List<(string? Field, string Member, VoterMarkFact Dead)>();
        foreach (var (field, n) in listed)
        {
            var (counting, dead) = Earlier(proposal, book.Voter(meetingId, proposalId, n), h => !eligibility.Refused.ContainsKey(h));
            if (counting is { Channel: not BallotChannel.Tally }) v.Add(field, $"lid {n} heeft al gestemd ({Via(counting)}); een lid stemt één keer.");
            else if (dead is { Channel: not BallotChannel.Tally }) freed.Add((field, n, dead));
        }
        if (v.HasErrors) return v.ToRefusal();
        if (freed.Count > 0 && fixedRules.Secret) return DeadProxySecret(eligibility, freed);

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
        var version = proposal.Count.TallyVersion + 1;
        // The tally's list is the base now: ballots (online) count on top for whoever is not on it.
        var extra = CountedThroughBallots(book.BallotsOf(meetingId, proposalId)).Count(n => !voters.Contains(n));
        var count = proposal.Count with
        {
            Tally = new TallySummary
            {
                For = forVotes, Against = against, Abstain = abstain, PresentCount = present.Length, ProxyCount = proxies.Count,
                RecordedBy = actor, RecordedAt = now,
            },
            TallyVersion = version, Extra = extra,
            // The dead proxy votes of the members the list freed are superseded: the live count recounts this proposal.
            Superseded = proposal.Count.Superseded + freed.Count,
        };
        var updated = proposal with { Mode = BallotMode.Tally, Count = count, Rules = fixedRules };
        var facts = ImmutableArray.CreateBuilder<JournalAppend>();
        facts.Add(AlvFacts.Entry(AlvFacts.Tally, AlvFacts.Tag(meetingId, proposalId), now, actor, new TallyFact { Tally = tally, Version = version }));
        foreach (var n in tally.Present)
            facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(meetingId, proposalId, n), now, actor,
                new VoterMarkFact { Channel = BallotChannel.Tally, Counted = true, TallyVersion = version }));
        foreach (var p in tally.Proxies)
            facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(meetingId, proposalId, p.Member), now, actor,
                new VoterMarkFact { Channel = BallotChannel.Tally, Counted = true, ProxyHolder = p.Holder, TallyVersion = version }));
        return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(Replace(record, meeting, updated), "alv.tally-recorded",
            $"Telling op '{meetingId}/{proposalId}': {Votes(forVotes)} voor, {Votes(against)} tegen, {Votes(abstain)} {DutchFormat.Noun(abstain, "onthouding", "onthoudingen")}; {present.Length} aanwezig, {proxies.Count} {DutchFormat.Noun(proxies.Count, "volmacht", "volmachten")}."),
            facts.ToImmutable()));
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

    /// <summary>How many members count as present or represented on a proposal (for the quorum): the base list plus ballots beyond it.</summary>
    public static int PresentOrRepresented(Meeting meeting, Proposal proposal) =>
        proposal.Closed is { } closed ? closed.Result.PresentOrRepresented :
        (proposal.Count.Tally is { } t ? t.PresentCount + t.ProxyCount : meeting.PresentCount) + proposal.Count.Extra;

    /// <summary>All votes of a proposal: ballots of every channel plus the paper tally.</summary>
    public static VoteTotals Totals(Proposal proposal) =>
        proposal.Count.Tally is { } t
            ? new VoteTotals(proposal.Count.For + t.For, proposal.Count.Against + t.Against, proposal.Count.Abstain + t.Abstain)
            : proposal.Count.Totals;

    /// <summary>
    /// Closes a proposal: the result is fixed from then on; a correction is a new proposal that references it.
    /// The receipts are published (a <c>receipts</c> row, per choice, sorted): for an open ballot from its ballot
    /// rows (<paramref name="book"/> holds them), for a secret ballot from the sealed list, which leaves the snapshot.
    /// With <paramref name="eligibility"/> (who of the proposal's voters, proxy holders and attendance list may vote
    /// on the meeting date; the grain always gives it) only eligible members count: a ballot of a member written
    /// out on or before the meeting date after voting, or cast by a proxy holder who may not vote, is left out of
    /// the totals, the turnout and the published receipts, and the result says so (review3 F3).
    /// </summary>
    public static Outcome<AlvChange> Close(
        AlvRecord record, string meetingId, string proposalId, Electorate electorate, BallotBook book, LocalDate today, string actor, Instant now,
        EligibilityCheck? eligibility = null)
    {
        if (Open(record, meetingId, proposalId, today, out var meeting, out var proposal) is { } closed) return closed;
        // A recount without counted votes would replace the decision with nothing (review3 F2).
        // The online ballots carried over are not a recount: the board must have entered the recounted votes of the meeting.
        if (IsSameMeetingCorrection(proposal!, meetingId) && proposal!.Count.Tally is null && proposal.Count.AtMeeting == 0)
            return Refusal.Conflict("recount-empty",
                $"'{proposalId}' is een hertelling van {proposal.Corrects}: voer eerst de hertelde stemmen in (de telling, tally, of de stemmen per lid op de vergadering; "
                + "de online stemmen gaan vanzelf ongewijzigd mee). "
                + "Zonder stemmen is er niets hersteld en blijft het besluit zoals het was.");
        // The rules fixed at the first vote (tester10 T3); a proposal closed without any vote takes the statutes as they are now.
        ArgumentNullException.ThrowIfNull(proposal); // Open found it
        var rule = ProposalRules.Of(record.EffectiveStatutes, proposal, now).Rule;
        var left = eligibility is null ? Outcome<Exclusion>.Ok(new Exclusion(proposal.Count, 0, [], [], [])) : Exclude(meeting!, proposal, book, eligibility);
        if (!left.IsOk) return left.Refusal!;
        var (count, notPresent, leftOut, removed, keptVoters) = left.Value!;
        var represented = count.ByProxy + (count.Tally?.ProxyCount ?? 0);
        // Members on the attendance list who may not vote are not present for the quorum either: the closed count
        // keeps that in Extra, so PresentOrRepresented of the closed proposal is the result's figure.
        count = count with { Extra = count.Extra - notPresent };
        var counted = proposal with { Count = count };
        var present = PresentOrRepresented(meeting!, counted);
        // A recount corrects the counting of votes, not who was there: present or represented is at most what the
        // corrected decision counted (tester T4; before, a recount entering online voters at the meeting made them present).
        if (IsSameMeetingCorrection(proposal, meetingId) && meeting!.Proposals.FirstOrDefault(p => p.Id == proposal.Corrects!.Split('/')[1]) is { Closed: { } original })
        {
            present = Math.Min(present, original.Result.PresentOrRepresented);
            represented = Math.Min(represented, present);
        }
        var result = VoteCounting.Decide(rule, Totals(counted), electorate.Members, present, represented, meeting!.SecondMeetingOf is not null)
            with { LeftOut = leftOut };
        var updated = proposal with
        {
            Closed = new ClosedDecision { Result = result, ClosedBy = actor, ClosedAt = now },
            Count = count with { SealedReceipts = [] },
        };
        var facts = ImmutableArray<JournalAppend>.Empty;
        if (proposal.Count.Receipts > 0)
        {
            var receipts = proposal.Count.SealedReceipts.Select(r => (r.Receipt, r.Choice))
                .Concat(book.BallotsOf(meetingId, proposalId).Where(b => b is { Receipt: not null, Choice: not null } && !removed.Contains(b)).Select(b => (b.Receipt!, b.Choice!.Value)))
                .ToList();
            ImmutableArray<string> Of(VoteChoice c) => [.. receipts.Where(r => r.Item2 == c).Select(r => r.Item1).Order(StringComparer.Ordinal)];
            facts = [AlvFacts.Entry(AlvFacts.Receipts, AlvFacts.Tag(meetingId, proposalId), now, actor,
                new ReceiptsFact(Of(VoteChoice.Voor), Of(VoteChoice.Tegen), Of(VoteChoice.Onthouding)))];
        }
        // Each ballot left out gets a newer voter mark saying so and why: the member's paper tells them their vote was not counted (tester T8.11).
        // Not for a member whose newer ballot counts (a superseded dead proxy vote, tester4 T1): her mark stays the counted one.
        if (eligibility is not null && removed.Count > 0)
            facts = facts.AddRange(removed.Where(b => !keptVoters.Contains(b.MemberNumber)).Select(b => AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(meetingId, proposalId, b.MemberNumber), now, actor, new VoterMarkFact
            {
                Channel = b.Channel, Counted = false, ProxyHolder = b.ProxyHolder, Choice = b.Choice, Receipt = b.Receipt,
                LeftOut = eligibility.Refused.TryGetValue(b.MemberNumber, out var why) ? why.TrimEnd('.')
                    : b.ProxyHolder is { } h && eligibility.Refused.TryGetValue(h, out var whyHolder) ? $"uw gevolmachtigde lid {h} mocht niet stemmen: {whyHolder.TrimEnd('.')}"
                    : book.IsWithdrawn(meetingId, proposalId, b) ? $"u heeft de volmacht aan lid {b.ProxyHolder} ingetrokken"
                    : "niet stemgerechtigd op de vergaderdatum",
            })));
        // Meeting.OnlineVoters stays "members who cast an online ballot": the turnout leaves out whose online vote does not
        // count, on every reading, closed or open (OnlineTurnout; tester4 T5), so closing changes nothing there.
        return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(Replace(record, meeting, updated), "alv.proposal-closed",
            $"Besluit '{meetingId}/{proposalId}' ({proposal.DecisionType}) gesloten. {result.Describe(withMembers: true)}."), facts));
    }

    /// <summary>The count closing uses after leaving out who may not vote: attendance members not counted, the Dutch notes, the ballots left out.</summary>
    private sealed record Exclusion(ProposalCount Count, int NotPresent, ImmutableArray<string> LeftOut, ImmutableHashSet<BallotFact> Removed, ImmutableHashSet<string> KeptVoters);

    /// <summary>
    /// An open proposal's count as closing would count it now (tester4 T5): the ballots of members and through holders who
    /// may not vote on the meeting date and superseded proxy votes left out, attendance members who may not vote not present.
    /// The turnout, the meeting view and the online status all show this figure. When closing would refuse (a paper tally
    /// or a secret ballot naming such a member), the recorded figure stays: the board has to act before closing.
    /// <paramref name="book"/> as closing reads it: the proposal's ballots, its tally and the meeting's attendance list.
    /// </summary>
    public static ProposalCount CountedNow(Meeting meeting, Proposal proposal, BallotBook book, EligibilityCheck eligibility)
    {
        if (proposal.Closed is not null) return proposal.Count;
        var left = Exclude(meeting, proposal, book, eligibility);
        if (!left.IsOk) return proposal.Count;
        var count = left.Value!.Count;
        return count with { Extra = count.Extra - left.Value.NotPresent };
    }

    /// <summary>The whole meeting counted as closing would count it now (<see cref="CountedNow(Meeting, Proposal, BallotBook, EligibilityCheck)"/> per open proposal).</summary>
    public static Meeting CountedNow(Meeting meeting, BallotBook book, EligibilityCheck eligibility) =>
        meeting with { Proposals = [.. meeting.Proposals.Select(p => p with { Count = CountedNow(meeting, p, book, eligibility) })] };

    private static Outcome<Exclusion> Exclude(Meeting meeting, Proposal proposal, BallotBook book, EligibilityCheck eligibility)
    {
        string? Why(string? n) => n is not null && eligibility.Refused.TryGetValue(n, out var why) ? why.TrimEnd('.') : null;
        var on = DutchFormat.Date(meeting.Date);
        var tally = proposal.Count.Tally is null ? null : book.TallyOf(meeting.Id, proposal.Id);
        if (tally is not null)
        {
            // A paper count cannot be split per member: the board enters it again without them.
            var notEligible = tally.Present.Concat(tally.Proxies.SelectMany(p => new[] { p.Member, p.Holder })).Distinct().Where(n => Why(n) is not null).Order(StringComparer.Ordinal).ToList();
            if (notEligible.Count > 0)
            {
                var who = notEligible.Count == 1 ? $"staat 1 lid dat op {on} niet mocht stemmen" : $"staan {notEligible.Count} {DutchFormat.Noun(notEligible.Count, "lid", "leden")} die op {on} niet mochten stemmen";
                var message = $"Op de presentielijst van de telling {who}: "
                    + string.Join("; ", notEligible.Select(Why)) + ". Voer de telling opnieuw in zonder hen (hun stemmen tellen niet mee) en sluit dan.";
                return Refusal.Conflict("tally-not-eligible", message, [new FieldError("present", message)]);
            }
        }
        var ballots = book.BallotsOf(meeting.Id, proposal.Id);
        // A member's newest ballot is the one that counts: an earlier one is a proxy vote that did not count and was
        // superseded when the giver voted again (tester4 T1; ProxyVotes), left out even if its holder has since rejoined.
        var newest = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ballots.Length; i++) newest[ballots[i].MemberNumber] = i;
        // A member on the paper tally's list voted there, later than any ballot of hers: the list only takes a member whose
        // ballot does not count (a dead proxy vote, RecordTally), so such a ballot is superseded too, even if its holder rejoined.
        var onTally = tally is null ? [] : tally.Present.Concat(tally.Proxies.Select(p => p.Member)).ToHashSet(StringComparer.Ordinal);
        // A proxy vote the giver withdrew while it did not count is dead for good, whatever happens to its holder (tester5 T1).
        bool Withdrawn(BallotFact b) => book.IsWithdrawn(meeting.Id, proposal.Id, b);
        var removed = ballots.Where((b, i) => newest[b.MemberNumber] != i || onTally.Contains(b.MemberNumber) || Why(b.MemberNumber) is not null || Why(b.ProxyHolder) is not null || Withdrawn(b)).ToList();
        var keptVoters = ballots.Where((b, i) => newest[b.MemberNumber] == i && Why(b.MemberNumber) is null && Why(b.ProxyHolder) is null && !Withdrawn(b)).Select(b => b.MemberNumber)
            .Concat(onTally).ToHashSet(StringComparer.Ordinal);
        if (removed.Where(b => b.Choice is null).Select(b => b.MemberNumber).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } secret)
        {
            var message = $"Bij deze geheime stemming {(secret.Count == 1 ? "is" : "zijn")} {secret.Count} {DutchFormat.Noun(secret.Count, "stem", "stemmen")} uitgebracht door of voor leden die op {on} niet mochten stemmen "
                + $"({string.Join("; ", secret.Select(n => Why(n) ?? $"de gevolmachtigde van lid {n} mocht niet stemmen"))}). "
                + "Een geheime stem is niet uit de telling te halen zonder de keuze te kennen. Klopt de uitschrijfdatum niet, herstel die dan in het ledenregister; "
                + "klopt ze wel, dan is deze stemming niet zuiver en hoort het voorstel opnieuw op de agenda van een volgende vergadering.";
            return Refusal.Conflict("secret-ballot-not-eligible", message);
        }
        var notPresent = tally is null
            ? book.Present.Where(tag => tag.StartsWith(meeting.Id + "/", StringComparison.Ordinal)).Count(tag => Why(tag[(meeting.Id.Length + 1)..]) is not null)
            : 0;
        var notes = ImmutableArray.CreateBuilder<string>();
        if (removed.Count > 0)
            notes.Add($"{removed.Count} {DutchFormat.Noun(removed.Count, "stem", "stemmen")} niet meegeteld: "
                + string.Join("; ", removed.Select(b => Why(b.MemberNumber)
                    ?? $"lid {b.MemberNumber} stemde bij volmacht via lid {b.ProxyHolder}, maar {Why(b.ProxyHolder) ?? (Withdrawn(b) ? "trok die volmacht daarna in" : "daarna is opnieuw gestemd")}"
                    + (keptVoters.Contains(b.MemberNumber) ? $"; de latere stem van lid {b.MemberNumber} telt wel" : ""))));
        if (notPresent > 0)
            notes.Add($"{notPresent} {DutchFormat.Noun(notPresent, "lid", "leden")} op de presentielijst {(notPresent == 1 ? "telt" : "tellen")} niet mee voor het quorum: "
                + string.Join("; ", book.Present.Where(tag => tag.StartsWith(meeting.Id + "/", StringComparison.Ordinal)).Select(tag => Why(tag[(meeting.Id.Length + 1)..])).OfType<string>().Order(StringComparer.Ordinal)));
        if (removed.Count == 0) return Outcome<Exclusion>.Ok(new Exclusion(proposal.Count, notPresent, notes.ToImmutable(), [], []));

        var totals = proposal.Count.Totals;
        foreach (var b in removed) totals = totals.Add(b.Choice!.Value, -b.Weight);
        // Who the removed ballots counted as present or represented and nothing else counts: not on the base
        // list (attendance, or the tally's), and no ballot that stays. An eligible holder of a left-out proxy was
        // there in person and stays counted; the giver of a proxy whose holder may not vote is not represented.
        bool OnBase(string n) => tally is not null ? tally.Present.Contains(n) || tally.Proxies.Any(p => p.Member == n) : book.IsPresent(meeting.Id, n);
        var kept = CountedThroughBallots(ballots.Where(b => !removed.Contains(b))).ToHashSet();
        var dropped = removed.Where(b => b.Counted).Select(b => b.MemberNumber)
            .Concat(removed.Where(b => b.Counted && b.ProxyHolder is not null && Why(b.ProxyHolder) is not null).Select(b => b.ProxyHolder!))
            .Distinct().Count(n => !OnBase(n) && !kept.Contains(n));
        var count = proposal.Count with
        {
            For = totals.For, Against = totals.Against, Abstain = totals.Abstain,
            Ballots = proposal.Count.Ballots - removed.Count,
            Online = proposal.Count.Online - removed.Count(b => b.Channel == BallotChannel.Online),
            AtMeeting = proposal.Count.AtMeeting - removed.Count(b => b.Channel == BallotChannel.Meeting),
            ByProxy = proposal.Count.ByProxy - removed.Count(b => b.ProxyHolder is not null),
            Receipts = proposal.Count.Receipts - removed.Count(b => b.Receipt is not null),
            Extra = proposal.Count.Extra - dropped,
            Superseded = 0,
        };
        return Outcome<Exclusion>.Ok(new Exclusion(count, notPresent, notes.ToImmutable(), [.. removed], keptVoters.ToImmutableHashSet(StringComparer.Ordinal)));
    }

    /// <summary>Checks that a proposal can take votes or be closed; <paramref name="today"/> null skips the meeting-date check (online votes have their own window).</summary>
    private static Refusal? Open(AlvRecord record, string meetingId, string proposalId, LocalDate? today, out Meeting? meeting, out Proposal? proposal)
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
        if (today is { } day && IsSameMeetingCorrection(proposal, meetingId) && RecountOver(meeting, proposal, day) is { } over) return over;
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
    /// With <paramref name="asOf"/>: the decision in force on that day — only meetings held on or before
    /// it count (their decisions and their corrections), so a later meeting that decided otherwise does
    /// not change what stood then (review2 F4). A same-meeting correction (a recount) counts from the day it
    /// was closed (Amsterdam time), not from its meeting's date: until then the decision it corrects stood,
    /// so a gate decided before the recount stays judged by what stood that day (review3 F2).
    /// </summary>
    public static DecisionStatus? DecisionFor(AlvRecord record, string projectId, DecisionType type, LocalDate? asOf = null)
    {
        var closed = record.Meetings
            .Where(m => asOf is null || m.Date <= asOf)
            .SelectMany(m => m.Proposals.Where(p => p.Closed is not null && p.DecisionType == type && p.ProjectId == projectId).Select(p => (Meeting: m, Proposal: p)))
            .Where(x => asOf is null || !IsSameMeetingCorrection(x.Proposal, x.Meeting.Id) || AmsterdamTime.DateOf(x.Proposal.Closed!.ClosedAt) <= asOf)
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
            ClosedOn = AmsterdamTime.DateOf(current.Proposal.Closed!.ClosedAt),
        };
    }
}
