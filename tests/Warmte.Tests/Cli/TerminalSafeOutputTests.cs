using Warmte.Client;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester9b T4: text stored before the service refused control characters (old data) reached every reader's terminal
/// raw, so one board could send escape sequences to other organisations' CLIs. The CLI now writes every control
/// character but line breaks and tabs as its code, in the one place its output meets the terminal.
/// </summary>
public sealed class TerminalSafeOutputTests
{
    private const string Token = "wt_cli-terminal-0123456789abcdefghijklmnop";

    [Fact]
    public async Task A_stored_escape_sequence_in_a_name_from_the_service_is_printed_visibly_not_sent_to_the_terminal()
    {
        var status = Samples.Status.Replace("Beheerder (eerste start)", "Jan\\u001b[31mRood\\u0000\\u001b]52;c;Z2VoZWlt\\u0007 \\r overschreven");
        var api = new FakeApi().Get("/api/status", status);
        var result = await CliHarness.Run(CliHarness.Env("http://localhost:5080", Token), api, "status");
        Assert.True(result.ExitCode == WarmteCli.Ok, result.ToString());
        Assert.Contains("Jan\\u001b[31mRood\\u0000\\u001b]52;c;Z2VoZWlt\\u0007 \\u000d overschreven", result.Out);
        Assert.DoesNotContain(result.Out + result.Err, c => char.IsControl(c) && c is not ('\n' or '\t' or '\r'));
        Assert.DoesNotContain("\r ", result.Out);
    }

    [Fact]
    public async Task A_refusal_whose_message_holds_an_escape_reaches_stderr_visibly()
    {
        var api = new FakeApi().Problem("GET", "/api/status", 409, "Niet mogelijk", "Project \\u001b[2Jweg bestaat al.", "conflict");
        var result = await CliHarness.Run(CliHarness.Env("http://localhost:5080", Token), api, "status");
        Assert.Equal(WarmteCli.BadInput, result.ExitCode);
        Assert.Contains("Project \\u001b[2Jweg bestaat al.", result.Err);
        Assert.DoesNotContain('\u001b', result.Err);
    }

    [Fact]
    public void Line_ends_and_tabs_stay_and_every_other_control_character_is_shown_as_its_code()
    {
        Assert.Equal("a\nb\tc\r\nd", TerminalSafeWriter.Visible("a\nb\tc\r\nd"));
        Assert.Equal("x\\u001by\\u009bz\\u000d\\u007f", TerminalSafeWriter.Visible("x\u001by\u009bz\r\u007f"));
        var inner = new StringWriter();
        var safe = TerminalSafeWriter.Wrap(inner);
        Assert.Same(safe, TerminalSafeWriter.Wrap(safe));
        safe.Write('\u001b');
        safe.WriteLine("ok\u0007");
        safe.Write("één".ToCharArray(), 0, 3);
        Assert.Equal("\\u001bok\\u0007" + inner.NewLine + "één", inner.ToString());
    }

    [Fact]
    public void A_directional_override_or_isolate_stored_before_it_was_refused_is_shown_as_its_code_and_rtl_marks_stay()
    {
        // "Jan" + RLO + "seirV ed" would display as "Jan de Vries" in the terminal.
        Assert.Equal("Jan\\u202eseirV ed \\u2067x\\u2069", TerminalSafeWriter.Visible("Jan\u202EseirV ed \u2067x\u2069"));
        Assert.Equal("\u05D9\u05E2\u05DC\u200F \u0645\u0631\u06CC\u0645\u200C", TerminalSafeWriter.Visible("\u05D9\u05E2\u05DC\u200F \u0645\u0631\u06CC\u0645\u200C"));
    }
}
