using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using Orleans.Runtime;
using Warmte.Common;
using Warmte.Journal;
using Warmte.Members;

namespace Warmte.Voting;

/// <summary>
/// A keyed voting mail as the grain prepared it: either the codes to send, or — the key was stored by an earlier try —
/// that try's answer (JSON, without codes), to be given again as it is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PreparedMail(
    [property: Id(0)] string Fingerprint, [property: Id(1)] IssuedCodes? Codes, [property: Id(2)] string? StoredAnswer,
    [property: Id(3)] string? Run = null);

/// <summary>
/// A keyed voting mail that was started and has not ended (a row of <c>warmte_voting_mailing</c>): which request
/// (fingerprint), the silo running the mailing (its Orleans address, generation included), when it started, and the
/// mailing's own run id: a restart under the same key on the same silo is another run, so the first run's end never
/// removes the restart's mark.
/// </summary>
public sealed record MailingStarted(string Key, string Fingerprint, string Silo, Instant StartedAt, string Run);

/// <summary>
/// The durable "a mailing is in progress" marks, one per meeting and key, shared by every silo (SQLite or PostgreSQL,
/// <c>warmte_voting_mailing</c>). Durable so that a retry through another silo, or after the grain moved, still knows.
/// </summary>
public interface IVotingMailings
{
    Task<MailingStarted?> FindAsync(string votingKey, string key);

    /// <summary>Records that a mailing started; replaces an interrupted one's mark under the same key.</summary>
    Task StartAsync(string votingKey, MailingStarted mailing);

    /// <summary>Removes the mark, if it is still the one of mailing run <paramref name="run"/> (a restart keeps its own).</summary>
    Task EndAsync(string votingKey, string key, string run);
}

/// <summary>What may happen before a keyed mail: the stored answer to give again, or mail (again, when <see cref="Restarted"/>).</summary>
public sealed record MailGo(string? StoredAnswer, MailingStarted? Restarted);

/// <summary>
/// The rules of a retried voting mail (<c>POST …/online/mail</c> with an <c>Idempotency-Key</c>). The mail goes out
/// before the commit that makes its codes valid and cannot be taken back, so unlike the other keyed writes the key is
/// looked up <b>before</b> anything is sent: a stored key answers its first answer and nothing is mailed; a key whose
/// mail is still going out is refused (409) so a member never gets two mails whose second code replaces the first.
/// </summary>
public static class VotingMailRetry
{
    /// <summary>
    /// How long a mailing whose silo this silo's membership view does not know yet (<see cref="SiloStatus.None"/>) still
    /// counts as being sent: a silo that just joined can serve the mail before the gossip about it arrived here. Well
    /// above Orleans' membership refresh; after it, a silo nobody knows is gone.
    /// </summary>
    public static readonly Duration JoinGrace = Duration.FromMinutes(2);

    /// <summary>
    /// Whether the mailer's silo still runs, by the cluster's membership: any status but dead counts as running, whatever
    /// the mailing's age (a large cooperative's mailing takes longer than half an hour). A silo the membership does not
    /// know: gone when a newer generation runs on its endpoint (it restarted) or after <see cref="JoinGrace"/>; before
    /// that, in doubt, still being sent.
    /// </summary>
    public static bool MailerRuns(SiloStatus status, bool newerOnSameEndpoint, Instant startedAt, Instant now) => status switch
    {
        SiloStatus.Dead => false,
        SiloStatus.None => !newerOnSameEndpoint && now - startedAt < JoinGrace,
        _ => true,
    };

    /// <summary>
    /// What the key stands for: which members the mail was for (numbers as the register writes them, sorted, each
    /// once), or "all". The order of the list and a repeated number do not make another request.
    /// </summary>
    public static string Fingerprint(IssueCodes command)
    {
        if (command.Members is not { Length: > 0 } members) return "mail:all";
        var numbers = members.Select(m => string.IsNullOrWhiteSpace(m) ? "" : MemberRules.NormaliseNumber(m))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return "mail:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', numbers))));
    }

    /// <summary>
    /// The answer as the key's row keeps it: a JSON string holding the answer's text. PostgreSQL keeps the row's answer
    /// as jsonb, which reorders an object's properties and drops its spacing; a string's text it keeps as it is, so the
    /// retry gets the first answer byte for byte on either engine.
    /// </summary>
    public static string Stored(string answer) => JsonSerializer.Serialize(answer);

    /// <summary>The answer a stored key gives, or null when the row holds none.</summary>
    public static string? AnswerOf(IdempotencyRecord stored) =>
        stored.Answer is { } json ? JsonSerializer.Deserialize<string>(json) : null;

    public static readonly Refusal KeyReused = Refusal.Conflict("idempotency-key-reused",
        "Deze verzendsleutel (Idempotency-Key) is al gebruikt voor een mail aan andere leden. Herhaal het oorspronkelijke verzoek precies, of gebruik een nieuwe sleutel.");

    public static readonly Refusal StillSending = Refusal.Conflict("mail-in-progress",
        "De mail met deze verzendsleutel wordt nog verstuurd; probeer het over een minuut opnieuw. Er is niets extra verstuurd en geen code vervangen.");

    public const string InterruptedCode = "mail-interrupted";

    /// <summary>
    /// The mailing under this key was interrupted (its silo is gone from the cluster): mails may
    /// have gone out whose codes never became valid, so only a new mailing with new codes helps, and the board must ask
    /// for it knowingly.
    /// </summary>
    public static Refusal Interrupted(MailingStarted mailing)
    {
        var started = mailing.StartedAt.InZone(AmsterdamTime.Zone);
        return Refusal.Conflict(InterruptedCode,
            $"De mailing met deze verzendsleutel is op {DutchFormat.Date(started.Date)} om {started.TimeOfDay.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)} begonnen en onderbroken: "
            + "de silo die mailde, draait niet meer. Leden die toen al een mail kregen, hebben een code die nooit geldig is geworden; hun eerdere code werkt nog. "
            + "Er is nu niets verstuurd. Verstuur opnieuw met \"restartInterrupted\": true (CLI: --opnieuw): dan krijgt ieder gekozen lid met een e-mailadres "
            + "een nieuwe mail met een nieuwe code, en alleen die werkt. Voor wie de onderbroken mailing was, staat in de audittrail van de online stemming (…/online/audit).");
    }

    /// <summary>
    /// Before preparing: a refusal (still being sent by a running silo, interrupted without <paramref name="restartInterrupted"/>,
    /// or the key stands for another request), the stored answer, or go (mail; <see cref="MailGo.Restarted"/> names the
    /// interrupted mailing this one restarts). <paramref name="mailerRuns"/>: whether the silo of <paramref name="mailing"/>
    /// is still a member of the cluster.
    /// </summary>
    public static Outcome<MailGo> Before(string fingerprint, MailingStarted? mailing, bool mailerRuns, IdempotencyRecord? stored, Instant now,
        bool restartInterrupted)
    {
        if (stored is not null)
            return stored.Fingerprint == fingerprint && AnswerOf(stored) is { } answer ? Outcome<MailGo>.Ok(new MailGo(answer, null)) : KeyReused;
        if (mailing is null) return Outcome<MailGo>.Ok(new MailGo(null, null));
        if (mailing.Fingerprint != fingerprint) return KeyReused;
        if (mailerRuns) return StillSending;
        return restartInterrupted ? Outcome<MailGo>.Ok(new MailGo(null, mailing)) : Interrupted(mailing);
    }

    /// <summary>A stored key's answer at the commit (another try committed first): its answer, or 409 for another request.</summary>
    public static Outcome<string> Replay(IdempotencyRecord stored, string fingerprint) =>
        stored.Fingerprint == fingerprint && AnswerOf(stored) is { } answer ? Outcome<string>.Ok(answer) : KeyReused;

    /// <summary>The codes that went out, checked: each one a voting code (they come back from the silo, not from a member).</summary>
    public static Outcome<ImmutableArray<IssuedCode>> Sent(ImmutableArray<IssuedCode> codes) =>
        codes.Any(c => VotingCodes.ParseCode(c.Code) != c.Code)
            ? Refusal.Invalid("codes", "bevat iets dat geen stemcode is.")
            : Outcome<ImmutableArray<IssuedCode>>.Ok(codes);
}
