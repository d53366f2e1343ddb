using System.Collections.Frozen;
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
    public string Text(string field, string? value, int maxLength = 200) => Required(field, value, maxLength, oneLine: true);

    /// <summary>Optional one-line text: null stays null, blank becomes null.</summary>
    public string? OptionalText(string field, string? value, int maxLength = 2000) => Optional(field, value, maxLength, oneLine: true);

    /// <summary>Required text that may run over several lines (a rationale, a reason): <see cref="FreeText.Lines"/>.</summary>
    public string Notes(string field, string? value, int maxLength) => Required(field, value, maxLength, oneLine: false);

    /// <summary>Optional text that may run over several lines (a note, a description): null stays null, blank becomes null.</summary>
    public string? OptionalNotes(string field, string? value, int maxLength) => Optional(field, value, maxLength, oneLine: false);

    private string Required(string field, string? value, int maxLength, bool oneLine)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is verplicht.");
            return string.Empty;
        }
        return Checked(field, value, maxLength, oneLine);
    }

    private string? Optional(string field, string? value, int maxLength, bool oneLine) =>
        string.IsNullOrWhiteSpace(value) ? null : Checked(field, value, maxLength, oneLine);

    /// <summary>Normalises the text (<see cref="FreeText.NormaliseOneLine"/>, <see cref="FreeText.NormaliseLines"/>), so
    /// the stored value is the normalised one, then checks its length and what is left.</summary>
    private string Checked(string field, string value, int maxLength, bool oneLine)
    {
        var trimmed = oneLine ? FreeText.NormaliseOneLine(value) : FreeText.NormaliseLines(value);
        Func<string, string?> problem = oneLine ? FreeText.OneLine : FreeText.Lines;
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
/// sequence, a lone carriage return that overwrites a line) is refused when it comes in, naming the field. What people
/// really write is normalised first, not refused (review18 #1): a spreadsheet cell with Alt+Enter or a pasted tab, a
/// note with Windows line ends. One-line text (names, titles, funder, scheme, technology, a street) has every run of
/// spaces, tabs and line breaks made one space; multi-line text (notes, reasons, descriptions) has "\r\n" and a lone
/// "\r" made "\n" and a tab a space. Every other control character (C0, DEL, C1) is then refused, and so are the
/// invisible format characters that make text display as other text (<see cref="RefusedFormatCharacters"/>).
/// </summary>
public static partial class FreeText
{
    public const string OneLineReason = "bevat een stuurteken (zoals een escape- of nulteken); geef gewone tekst.";

    public const string LinesReason = "bevat een stuurteken (zoals een escape- of nulteken); alleen gewone tekst en regeleinden zijn toegestaan.";

    /// <summary>One-line text as stored: each run of spaces, tabs and line breaks becomes one space; trimmed.</summary>
    public static string NormaliseOneLine(string text) => Blanks().Replace(text, " ").Trim();

    /// <summary>Multi-line text as stored: Windows and old Mac line ends become "\n", a tab a space; trimmed.</summary>
    public static string NormaliseLines(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\t', ' ').Trim();

    /// <summary>Why <paramref name="text"/> is not one line of text, or null when it is.</summary>
    public static string? OneLine(string text) => text.Any(char.IsControl) ? OneLineReason : Invisible(text);

    /// <summary>Why <paramref name="text"/> is not text of one or more lines, or null when it is.</summary>
    public static string? Lines(string text) => text.Any(c => char.IsControl(c) && c != '\n') ? LinesReason : Invisible(text);

    /// <summary>
    /// The invisible format characters refused in free text, with their Unicode names. The explicit directional
    /// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) make a name display as other text than it is
    /// ("ABC" + U+202E + "fdp.exe" reads "ABCexe.pdf") in exports, letters, the CLI and the voting page; text in Arabic or Hebrew
    /// script never needs them (the Unicode bidi algorithm orders it by itself), so they are refused. So are the
    /// zero-width space, word joiner, invisible operators and byte-order mark: invisible, they make two different
    /// names look the same. Kept, because real names in right-to-left scripts and Persian use them: the directional
    /// marks (U+200E LRM, U+200F RLM, U+061C ALM), which only steer neutral characters such as digits and brackets,
    /// and the zero-width (non-)joiners (U+200C, U+200D), which shape letters.
    /// </summary>
    public static readonly FrozenDictionary<char, string> RefusedFormatCharacters = new Dictionary<char, string>
    {
        ['\u202A'] = "LEFT-TO-RIGHT EMBEDDING",
        ['\u202B'] = "RIGHT-TO-LEFT EMBEDDING",
        ['\u202C'] = "POP DIRECTIONAL FORMATTING",
        ['\u202D'] = "LEFT-TO-RIGHT OVERRIDE",
        ['\u202E'] = "RIGHT-TO-LEFT OVERRIDE",
        ['\u2066'] = "LEFT-TO-RIGHT ISOLATE",
        ['\u2067'] = "RIGHT-TO-LEFT ISOLATE",
        ['\u2068'] = "FIRST STRONG ISOLATE",
        ['\u2069'] = "POP DIRECTIONAL ISOLATE",
        ['\u200B'] = "ZERO WIDTH SPACE",
        ['\u2060'] = "WORD JOINER",
        ['\u2061'] = "FUNCTION APPLICATION",
        ['\u2062'] = "INVISIBLE TIMES",
        ['\u2063'] = "INVISIBLE SEPARATOR",
        ['\u2064'] = "INVISIBLE PLUS",
        ['\uFEFF'] = "ZERO WIDTH NO-BREAK SPACE",
    }.ToFrozenDictionary();

    /// <summary>Whether <paramref name="c"/> is an embedding, override or isolate (the characters that reorder how text displays).</summary>
    public static bool IsDirectionalFormatting(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary>Why <paramref name="text"/> holds a refused format character (the first one, by code and name), or null.</summary>
    public static string? Invisible(string text)
    {
        foreach (var c in text)
            if (RefusedFormatCharacters.TryGetValue(c, out var name))
                return IsDirectionalFormatting(c)
                    ? $"bevat het onzichtbare richtingsteken U+{(int)c:X4} ({name}); daarmee wordt tekst in exports, brieven en schermen anders getoond dan hij is. Verwijder het teken; Arabische of Hebreeuwse tekst heeft het niet nodig."
                    : $"bevat het onzichtbare teken U+{(int)c:X4} ({name}); daarmee lijken verschillende namen gelijk. Verwijder het teken.";
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("[ \t\r\n]+")]
    private static partial System.Text.RegularExpressions.Regex Blanks();
}
