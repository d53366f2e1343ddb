using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
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
    [property: Id(0)] string Fingerprint, [property: Id(1)] IssuedCodes? Codes, [property: Id(2)] string? StoredAnswer);

/// <summary>
/// A keyed voting mail that was started and has not ended (a row of <c>warmte_voting_mailing</c>): which request
/// (fingerprint), the silo running the mailing (its Orleans address, generation included) and when it started.
/// </summary>
public sealed record MailingStarted(string Key, string Fingerprint, string Silo, Instant StartedAt);

/// <summary>
/// The durable "a mailing is in progress" marks, one per meeting and key, shared by every silo (SQLite or PostgreSQL,
/// <c>warmte_voting_mailing</c>). Durable so that a retry through another silo, or after the grain moved, still knows.
/// </summary>
public interface IVotingMailings
{
    Task<MailingStarted?> FindAsync(string votingKey, string key);

    /// <summary>Records that a mailing started; replaces an interrupted one's mark under the same key.</summary>
    Task StartAsync(string votingKey, MailingStarted mailing);

    /// <summary>Removes the mark, if it is still the one <paramref name="silo"/> wrote (a restart elsewhere keeps its own).</summary>
    Task EndAsync(string votingKey, string key, string silo);
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
    /// How long a mailing counts as still being sent while its silo runs. After that (sending hangs) it counts as
    /// interrupted like one whose silo is gone.
    /// </summary>
    public static readonly Duration InFlightLimit = Duration.FromMinutes(30);

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
        "Deze idempotency-sleutel is al gebruikt voor een mail aan andere leden. Herhaal het oorspronkelijke verzoek precies, of gebruik een nieuwe sleutel.");

    public static readonly Refusal StillSending = Refusal.Conflict("mail-in-progress",
        "De mail met deze idempotency-sleutel wordt nog verstuurd; probeer het over een minuut opnieuw. Er is niets extra verstuurd en geen code vervangen.");

    public const string InterruptedCode = "mail-interrupted";

    /// <summary>
    /// The mailing under this key was interrupted (its silo is gone, or it ran past <see cref="InFlightLimit"/>): mails may
    /// have gone out whose codes never became valid, so only a new mailing with new codes helps, and the board must ask
    /// for it knowingly.
    /// </summary>
    public static Refusal Interrupted(MailingStarted mailing)
    {
        var started = mailing.StartedAt.InZone(AmsterdamTime.Zone);
        return Refusal.Conflict(InterruptedCode,
            $"De mailing met deze idempotency-sleutel is op {DutchFormat.Date(started.Date)} om {started.TimeOfDay.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)} begonnen en onderbroken: "
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
        if (mailerRuns && now - mailing.StartedAt < InFlightLimit) return StillSending;
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
