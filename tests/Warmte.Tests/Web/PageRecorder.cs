using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;

namespace Warmte.Tests.Web;

/// <summary>
/// What a page did, with the time since the recording started: every request and its answer, failed
/// requests, console messages, script errors and main-frame navigations. When a wait on the page times
/// out, <see cref="Report"/> says what happened instead (a screenshot goes to the temp folder).
/// </summary>
public sealed class PageRecorder
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly IPage _page;

    public PageRecorder(IPage page)
    {
        _page = page;
        page.Request += (_, r) => Add($"→ {r.Method} {r.Url}");
        page.Response += (_, r) => Add($"← {r.Status} {r.Request.Method} {r.Url}");
        page.RequestFailed += (_, r) => Add($"✗ {r.Method} {r.Url}: {r.Failure}");
        page.Console += (_, m) => Add($"console.{m.Type}: {m.Text}");
        page.PageError += (_, e) => Add($"page error: {e}");
        page.FrameNavigated += (_, f) => { if (f == page.MainFrame) Add($"navigated to {f.Url}"); };
        page.Crash += (_, _) => Add("page crashed");
        page.Close += (_, _) => Add("page closed");
    }

    public void Add(string line) => _lines.Enqueue($"{_clock.ElapsedMilliseconds,7} ms  {line}");

    /// <summary>The recording, the page's address and visible messages now, and where the screenshot went.</summary>
    public async Task<string> Report(string what)
    {
        var report = new List<string> { $"{what}; page now at {_page.Url}" };
        try
        {
            var messages = await _page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('.message')].map(e => e.textContent).join(' | ')");
            if (!string.IsNullOrEmpty(messages)) report.Add("messages on the page: " + messages);
            var directory = Path.Combine(Path.GetTempPath(), "warmte-browser");
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, $"page-{DateTime.UtcNow:HHmmss-fff}.png");
            await _page.ScreenshotAsync(new PageScreenshotOptions { Path = file, Timeout = 10_000 });
            report.Add("screenshot: " + file);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            report.Add("the page could not be read: " + e.Message.Split('\n')[0]);
        }
        report.AddRange(_lines);
        return string.Join(Environment.NewLine, report);
    }
}
