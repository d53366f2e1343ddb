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

/// <summary>A keyed voting mail still being sent: which request (fingerprint) and since when.</summary>
public sealed record MailInFlight(string Fingerprint, Instant Since);

/// <summary>
/// The rules of a retried voting mail (<c>POST …/online/mail</c> with an <c>Idempotency-Key</c>). The mail goes out
/// before the commit that makes its codes valid and cannot be taken back, so unlike the other keyed writes the key is
/// looked up <b>before</b> anything is sent: a stored key answers its first answer and nothing is mailed; a key whose
/// mail is still going out is refused (409) so a member never gets two mails whose second code replaces the first.
/// </summary>
public static class VotingMailRetry
{
    /// <summary>
    /// How long a mail counts as still being sent. After that (the silo that sent it died, or sending hangs) a retry
    /// prepares again; the grain stays active at least this long while a mail is in flight.
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

    /// <summary>
    /// Before preparing: a refusal (still sending, or the key stands for another request), the stored answer, or
    /// neither (null: prepare and send). A mail in flight longer than <see cref="InFlightLimit"/> no longer counts.
    /// </summary>
    public static Outcome<string?> Before(string fingerprint, MailInFlight? inFlight, IdempotencyRecord? stored, Instant now)
    {
        if (stored is not null)
            return stored.Fingerprint == fingerprint && AnswerOf(stored) is { } answer ? Outcome<string?>.Ok(answer) : KeyReused;
        if (inFlight is not null && now - inFlight.Since < InFlightLimit)
            return inFlight.Fingerprint == fingerprint ? StillSending : KeyReused;
        return Outcome<string?>.Ok(null);
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
