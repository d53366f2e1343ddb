namespace Warmte.Client;

/// <summary>
/// A progress line on the terminal for long work: a bar when the amount of work is known (rows sent),
/// elapsed seconds while waiting for the service (building a workbook). Only on an interactive
/// terminal's stderr: pipes, files and tests get no control characters.
/// </summary>
internal sealed class Progress : IDisposable
{
    private readonly TextWriter? _terminal;
    private readonly string _label;
    private readonly long? _total;
    private readonly System.Diagnostics.Stopwatch _elapsed = System.Diagnostics.Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly Lock _gate = new();
    private long _done;
    private int _lastLength;

    private Progress(TextWriter? terminal, string label, long? total)
    {
        (_terminal, _label, _total) = (terminal, label, total);
        if (_terminal is null) return;
        if (total is null) _timer = new Timer(_ => Draw(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        else Draw();
    }

    /// <summary>Shows progress on <paramref name="stderr"/> when it is the console's and not redirected; otherwise does nothing.</summary>
    public static Progress Start(TextWriter stderr, string label, long? total = null) =>
        new(ReferenceEquals(TerminalSafeWriter.Unwrap(stderr), Console.Error) && !Console.IsErrorRedirected ? TerminalSafeWriter.Unwrap(stderr) : null, label, total);

    public void Report(long done)
    {
        _done = done;
        if (_terminal is not null) Draw();
    }

    private void Draw()
    {
        lock (_gate)
        {
            var line = _total is { } total
                ? $"{_label} {Bar(_done, total)}"
                : $"{_label} {Nl.Count((long)_elapsed.Elapsed.TotalSeconds, "seconde", "seconden")}";
            _terminal!.Write("\r" + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
    }

    /// <summary>"[######------------------------]  20% (200 van 1.000)".</summary>
    internal static string Bar(long done, long total, int width = 30)
    {
        var fraction = total <= 0 ? 1m : Math.Clamp((decimal)done / total, 0m, 1m);
        var filled = (int)Math.Round(fraction * width, MidpointRounding.AwayFromZero);
        return $"[{new string('#', filled)}{new string('-', width - filled)}] {fraction * 100m,3:0}% ({Nl.Number(done)} van {Nl.Number(total)})";
    }

    public void Dispose()
    {
        _timer?.Dispose();
        if (_terminal is null) return;
        lock (_gate) _terminal.Write("\r" + new string(' ', _lastLength) + "\r");
    }
}
