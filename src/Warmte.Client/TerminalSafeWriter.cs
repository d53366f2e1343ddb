using System.Text;

namespace Warmte.Client;

/// <summary>
/// The one place where the CLI's output meets the terminal (tester9b T4): every control character in what it writes is
/// shown as its code (<c>\u001b</c>) instead of being sent raw, except line breaks and tabs. Text from the service
/// (names, notes, messages) may hold characters stored before the service refused them, and an ESC or a NUL in a
/// project's name would otherwise be a terminal escape sequence in every reader's terminal (colours, cursor moves,
/// a window title, the clipboard). "\r\n" stays a line end; a lone "\r" (it would overwrite the line) is shown.
/// </summary>
internal sealed class TerminalSafeWriter : TextWriter
{
    private readonly TextWriter _inner;

    private TerminalSafeWriter(TextWriter inner) : base(inner.FormatProvider)
    {
        _inner = inner;
        CoreNewLine = inner.NewLine.ToCharArray();
    }

    /// <summary>The writer, made safe (once: an already wrapped writer is returned as it is).</summary>
    public static TextWriter Wrap(TextWriter writer) => writer as TerminalSafeWriter ?? new TerminalSafeWriter(writer);

    /// <summary>The writer underneath (the progress line writes its own "\r" to the console).</summary>
    public static TextWriter Unwrap(TextWriter writer) => writer is TerminalSafeWriter safe ? safe._inner : writer;

    public override Encoding Encoding => _inner.Encoding;

    public override void Write(char value)
    {
        if (IsShown(value)) _inner.Write(value);
        else _inner.Write(Code(value));
    }

    public override void Write(string? value)
    {
        if (value is not null) _inner.Write(Visible(value));
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine() => _inner.WriteLine();

    public override void WriteLine(string? value)
    {
        Write(value);
        _inner.WriteLine();
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync() => _inner.FlushAsync();

    /// <summary><paramref name="text"/> with every control character but "\n", "\t" and "\r\n" written as its code.</summary>
    public static string Visible(string text)
    {
        var i = 0;
        while (i < text.Length && (IsShown(text[i]) || IsLineEnd(text, i))) i++;
        if (i == text.Length) return text;
        var safe = new StringBuilder(text.Length + 8).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (IsShown(c) || IsLineEnd(text, i)) safe.Append(c);
            else safe.Append(Code(c));
        }
        return safe.ToString();
    }

    // A directional override or isolate stored before it was refused would reorder the line shown: written as its code too.
    private static bool IsShown(char c) => (!char.IsControl(c) && !Warmte.Common.FreeText.IsDirectionalFormatting(c)) || c is '\n' or '\t';

    private static bool IsLineEnd(string text, int i) => text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n';

    private static string Code(char c) => $"\\u{(int)c:x4}";
}
