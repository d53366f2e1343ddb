using System.Collections.Immutable;

namespace Warmte.Common;

/// <summary>Why a command was refused. The HTTP layer maps the kind to a status code.</summary>
public enum RefusalKind
{
    /// <summary>The input itself is wrong (400).</summary>
    Invalid,
    /// <summary>The thing addressed does not exist (404).</summary>
    NotFound,
    /// <summary>The input is fine but the current state does not allow it (409).</summary>
    Conflict,
}

/// <summary>One problem with one input field; <see cref="Field"/> is the JSON path the caller sent.</summary>
[GenerateSerializer, Immutable]
public sealed record FieldError([property: Id(0)] string Field, [property: Id(1)] string Reason);

/// <summary>
/// A refused command: what kind of refusal, a short machine code, a Dutch message for people,
/// and the field errors or unmet conditions behind it. A refused command changes nothing.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Refusal(
    [property: Id(0)] RefusalKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] ImmutableArray<FieldError> Errors)
{
    public static Refusal Invalid(IEnumerable<FieldError> errors) =>
        new(RefusalKind.Invalid, "invalid-input", "De invoer is niet geldig.", [.. errors]);

    public static Refusal Invalid(string field, string reason) => Invalid([new FieldError(field, reason)]);

    public static Refusal NotFound(string what, string id) =>
        new(RefusalKind.NotFound, "not-found", $"{what} '{id}' bestaat niet.", []);

    public static Refusal Conflict(string code, string message, IEnumerable<FieldError>? details = null) =>
        new(RefusalKind.Conflict, code, message, details is null ? [] : [.. details]);
}

/// <summary>The answer to a command: either a value or a refusal, never both.</summary>
[GenerateSerializer, Immutable]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] Refusal? Refusal)
{
    public bool IsOk => Refusal is null;

    public static Outcome<T> Ok(T value) => new(value, null);

    public static implicit operator Outcome<T>(Refusal refusal) => new(default, refusal);
}

/// <summary>Collects field errors while validating a command, so every problem is reported at once.</summary>
public sealed class Validation
{
    private readonly List<FieldError> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public IReadOnlyList<FieldError> Errors => _errors;

    public void Add(string field, string reason) => _errors.Add(new FieldError(field, reason));

    /// <summary>
    /// Requires non-blank text of at most <paramref name="maxLength"/> characters on one line (<see cref="FreeText.OneLine"/>);
    /// returns it trimmed.
    /// </summary>
    public string Text(string field, string? value, int maxLength = 200) => Required(field, value, maxLength, FreeText.OneLine);

    /// <summary>Optional one-line text: null stays null, blank becomes null.</summary>
    public string? OptionalText(string field, string? value, int maxLength = 2000) => Optional(field, value, maxLength, FreeText.OneLine);

    /// <summary>Required text that may run over several lines (a rationale, a reason): <see cref="FreeText.Lines"/>.</summary>
    public string Notes(string field, string? value, int maxLength) => Required(field, value, maxLength, FreeText.Lines);

    /// <summary>Optional text that may run over several lines (a note, a description): null stays null, blank becomes null.</summary>
    public string? OptionalNotes(string field, string? value, int maxLength) => Optional(field, value, maxLength, FreeText.Lines);

    private string Required(string field, string? value, int maxLength, Func<string, string?> problem)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is verplicht.");
            return string.Empty;
        }
        return Checked(field, value.Trim(), maxLength, problem);
    }

    private string? Optional(string field, string? value, int maxLength, Func<string, string?> problem) =>
        string.IsNullOrWhiteSpace(value) ? null : Checked(field, value.Trim(), maxLength, problem);

    private string Checked(string field, string trimmed, int maxLength, Func<string, string?> problem)
    {
        if (trimmed.Length > maxLength)
            Add(field, $"is te lang (maximaal {maxLength} tekens).");
        else if (problem(trimmed) is { } reason)
            Add(field, reason);
        return trimmed;
    }

    public Refusal ToRefusal() => Refusal.Invalid(_errors);
}

/// <summary>
/// The one rule for free text the service stores and shows again (tester9b T4): text is shown in other organisations'
/// terminals (the CLI), spreadsheets and pages, so a control character in it (NUL, ESC starting a terminal escape
/// sequence, a carriage return that overwrites a line) is refused when it comes in, naming the field. One-line text
/// (names, titles, funder, scheme, technology, a street) takes none; multi-line text (notes, reasons, descriptions)
/// takes line breaks (\n) and nothing else.
/// </summary>
public static class FreeText
{
    public const string OneLineReason = "bevat een regeleinde of ander stuurteken; geef één regel tekst.";

    public const string LinesReason = "bevat een stuurteken (zoals een tab, een escape- of nulteken of \\r); alleen regeleinden (\\n) zijn toegestaan.";

    /// <summary>Why <paramref name="text"/> is not one line of text, or null when it is.</summary>
    public static string? OneLine(string text) => text.Any(char.IsControl) ? OneLineReason : null;

    /// <summary>Why <paramref name="text"/> is not text of one or more lines, or null when it is.</summary>
    public static string? Lines(string text) => text.Any(c => char.IsControl(c) && c != '\n') ? LinesReason : null;
}
