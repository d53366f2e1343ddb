using System.Net;
using System.Text;
using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>Where the CLI sends its token, which config files it trusts, and which files an export may write.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes; the suite runs on Linux
public sealed class CliSecurityTests
{
    private const string Token = "wt_cli-security-0123456789abcdefghijklmnop";

    [Theory]
    [InlineData("http://warmte.example.nl:5080")]
    [InlineData("http://10.0.0.11:5080")]
    public async Task Plain_http_to_another_machine_is_refused_in_dutch_and_sends_nothing_unless_WARMTE_INSECURE_is_1(string url)
    {
        var api = new FakeApi().Get("/api/status", Samples.Status);
        var refused = await CliHarness.Run(CliHarness.Env(url, Token), api, "status");
        Assert.Equal(WarmteCli.BadInput, refused.ExitCode);
        Assert.Contains("http:// naar een andere machine", refused.Err);
        Assert.Contains("WARMTE_URL of --url", refused.Err);
        Assert.Contains("WARMTE_INSECURE=1", refused.Err);
        Assert.Empty(api.Requests);
        CliHarness.AssertNoStackTrace(refused);

        var env = CliHarness.Env(url, Token);
        env[WarmteCli.InsecureVariable] = "1";
        Assert.Equal(WarmteCli.Ok, (await CliHarness.Run(env, api, "status")).ExitCode);
        Assert.Single(api.Requests);
    }

    [Theory]
    [InlineData("http://localhost:5080")]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("https://warmte.example.nl")]
    public async Task Loopback_over_http_and_any_host_over_https_are_accepted(string url)
    {
        var api = new FakeApi().Get("/api/status", Samples.Status);
        var result = await CliHarness.Run(CliHarness.Env(url, Token), api, "status");
        Assert.True(result.ExitCode == WarmteCli.Ok, result.ToString());
    }

    [Fact]
    public async Task A_token_in_a_config_file_others_may_read_is_refused_and_an_owner_only_file_is_used()
    {
        var dir = Directory.CreateTempSubdirectory("warmte-cli-config-");
        var config = Path.Combine(dir.FullName, "config");
        File.WriteAllText(config, $"url = https://warmte.example.nl\ntoken = {Token}\n");
        var env = new Dictionary<string, string?> { [WarmteCli.ConfigVariable] = config };
        foreach (var loose in new[] { "644", "640", "604", "620" })
        {
            File.SetUnixFileMode(config, (UnixFileMode)Convert.ToInt32(loose, 8));
            var api = new FakeApi().Get("/api/status", Samples.Status);
            var refused = await CliHarness.Run(env, api, "status");
            Assert.Equal(WarmteCli.BadInput, refused.ExitCode);
            Assert.Contains($"chmod 600 {config}", refused.Err);
            Assert.Empty(api.Requests);
        }

        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var ok = new FakeApi().Get("/api/status", Samples.Status);
        Assert.Equal(WarmteCli.Ok, (await CliHarness.Run(env, ok, "status")).ExitCode);
        Assert.Equal("Bearer " + Token, Assert.Single(ok.Requests).Authorization);

        // A token from the environment does not depend on the file's mode (the file then only gives the address).
        File.SetUnixFileMode(config, (UnixFileMode)Convert.ToInt32("644", 8));
        var fromEnv = new FakeApi().Get("/api/status", Samples.Status);
        env[WarmteCli.TokenVariable] = Token;
        Assert.Equal(WarmteCli.Ok, (await CliHarness.Run(env, fromEnv, "status")).ExitCode);
        dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("apec-2026-11-22.xlsx", "apec-2026-11-22.xlsx")]
    [InlineData("../../.bashrc", "export.xlsx")]
    [InlineData("../evil.xlsx", "evil.xlsx")]
    [InlineData("/etc/cron.d/evil.xlsx", "evil.xlsx")]
    [InlineData("..\\..\\evil.xlsx", "evil.xlsx")]
    [InlineData(".hidden.xlsx", "export.xlsx")]
    [InlineData("..", "export.xlsx")]
    [InlineData("rapport;rm -rf.xlsx", "export.xlsx")]
    [InlineData("geen-werkmap.sh", "export.xlsx")]
    [InlineData(null, "export.xlsx")]
    public void A_suggested_name_becomes_a_plain_xlsx_file_name_in_the_current_directory(string? suggested, string expected) =>
        Assert.Equal(expected, ExportCommands.SafeFileName(suggested));

    [Fact]
    public async Task Export_writes_a_server_suggested_path_only_as_a_plain_name_here_and_never_overwrites_without_force_or_out()
    {
        var work = Directory.CreateTempSubdirectory("warmte-cli-export-name-");
        var inside = Directory.CreateDirectory(Path.Combine(work.FullName, "here"));
        var served = Encoding.UTF8.GetBytes("not really a workbook, but the CLI only checks the media type");
        using var listener = new HttpListener();
        var port = FreePort.Next();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception) { return; }
                context.Response.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                context.Response.AddHeader("Content-Disposition", "attachment; filename=\"../evil.xlsx\"");
                await context.Response.OutputStream.WriteAsync(served);
                context.Response.Close();
            }
        });
        var env = new Dictionary<string, string> { ["WARMTE_URL"] = $"http://127.0.0.1:{port}", ["WARMTE_TOKEN"] = Token, ["WARMTE_CONFIG"] = "/nonexistent" };
        var target = Path.Combine(inside.FullName, "evil.xlsx");

        var first = await CliProcess.RunInAsync(inside.FullName, env, "export", "portfolio");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(served, File.ReadAllBytes(target));
        Assert.False(File.Exists(Path.Combine(work.FullName, "evil.xlsx")), "the server's ../ was followed");

        File.WriteAllText(target, "mine");
        var again = await CliProcess.RunInAsync(inside.FullName, env, "export", "portfolio");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("bestaat al en wordt niet overschreven", again.Err);
        Assert.Equal("mine", File.ReadAllText(target));

        var forced = await CliProcess.RunInAsync(inside.FullName, env, "export", "portfolio", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(served, File.ReadAllBytes(target));

        stop.Cancel();
        listener.Stop();
        await serving;
        work.Delete(recursive: true);
    }
}
