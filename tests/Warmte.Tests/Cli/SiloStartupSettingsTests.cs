using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester8 T4, T5, T6, T11: the built silo program as a separate process. A wrong setting value stops the start with
/// exit 1 and a Dutch message naming the setting, before the data directory is made, a port bound or a token printed;
/// the token verbs refuse a folder without a database; --version, the start-up log line and /api/status name the build.
/// </summary>
public sealed partial class SiloStartupSettingsTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "warmte-silo-settings-" + Guid.NewGuid().ToString("N")[..10]);

    public SiloStartupSettingsTests() => Directory.CreateDirectory(_work);

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { }
    }

    private string DataDir => Path.Combine(_work, "data");

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("--Orleans:GrainCollection:CollectionAge|abc", "Orleans:GrainCollection:CollectionAge: 'abc' is geen tijdsduur")]
    [InlineData("--Orleans:Membership:ProbeTimeout|snel", "Orleans:Membership:ProbeTimeout: 'snel' is geen tijdsduur")]
    [InlineData("--Alerts:Period|banaan", "Alerts:Period: 'banaan' is geen tijdsduur")]
    [InlineData("--Alerts:Period=00:00:00", "Alerts:Period: '00:00:00' moet langer dan nul zijn")]
    [InlineData("--Storage:GroupCommit|maybe", "Storage:GroupCommit: 'maybe' is geen ja/nee-waarde")]
    [InlineData("--Dashboard:Enabled|ja", "Dashboard:Enabled: 'ja' is geen ja/nee-waarde")]
    [InlineData("--Logging:Format|xml", "Logging:Format: 'xml' is geen logformaat")]
    [InlineData("--RateLimit:PermitsPerSecond|veel", "RateLimit:PermitsPerSecond: 'veel' is geen geheel getal")]
    [InlineData("--CostLimits:MonteCarloRuns:admin|alles", "CostLimits:MonteCarloRuns:admin: 'alles' is geen geheel getal")]
    [InlineData("--Auth:BootstrapAdminToken|kort", "Auth:BootstrapAdminToken: het token is 4 tekens lang")]
    [InlineData("--Voting:CodeKey|c2hvcnQta2V5", "Voting:CodeKey: de sleutel is geen base64 van minstens 32 bytes")]
    [InlineData("--Storage:Provder|postgresql", "Instelling Storage:Provder (op de opdrachtregel: --Storage:Provder) is onbekend en zou genegeerd worden; bedoelt u Storage:Provider?")]
    [InlineData("--Stroage:Provider=PostgreSQL", "Instelling Stroage:Provider (op de opdrachtregel: --Stroage:Provider) is onbekend (er is geen onderdeel Stroage) en zou genegeerd worden; bedoelt u Storage:Provider?")]
    public async Task A_wrong_setting_value_stops_the_start_with_exit_1_naming_it_before_anything_is_made(string setting, string named)
    {
        var port = FreePort.Next();
        var result = await BuiltProgram.Silo(["--data-dir", DataDir, "--urls", $"http://127.0.0.1:{port}", .. setting.Split('|')]);
        AssertRefusedBeforeAnything(result, named, port);
        if (setting.Contains("CodeKey", StringComparison.Ordinal)) Assert.DoesNotContain("c2hvcnQta2V5", result.Err); // a secret is not repeated
    }

    /// <summary>
    /// Papercut: an unknown key under the service's own sections, from the environment as from the command line, stops the start
    /// with the key, where it came from and the key meant; keys of Orleans and Logging are left to them. A verb reading the
    /// storage settings refuses it too: token create on the SQLite file while the operator meant PostgreSQL.
    /// </summary>
    [Fact]
    public async Task An_unknown_key_from_the_environment_stops_the_start_naming_the_key_meant_and_a_verb_refuses_it_too()
    {
        var port = FreePort.Next();
        var result = await BuiltProgram.Run("dotnet", [BuiltProgram.SiloDll, "--data-dir", DataDir, "--urls", $"http://127.0.0.1:{port}",
                "--Orleans:GatewayPort", "0", "--Logging:LogLevel:Warmte", "Information"],
            new Dictionary<string, string?> { ["Mail__Hots"] = "smtp.voorbeeld.nl", ["RequestLog__SucessLevel"] = "Warning" });
        AssertRefusedBeforeAnything(result, "2 instellingen kloppen niet", port);
        Assert.Contains("Instelling Mail:Hots (omgevingsvariabele Mail__Hots) is onbekend en zou genegeerd worden; bedoelt u Mail:Host?", result.Err);
        Assert.Contains("Instelling RequestLog:SucessLevel (omgevingsvariabele RequestLog__SucessLevel) is onbekend en zou genegeerd worden; "
                        + "bedoelt u RequestLog:SuccessLevel?", result.Err);
        Assert.DoesNotContain("Orleans:GatewayPort", result.Err);
        Assert.DoesNotContain("Logging:", result.Err);

        var verb = await BuiltProgram.Silo("token", "create", "--role", "admin", "--name", "Beheer", "--new-database", "--data-dir", DataDir,
            "--Storage:Provder", "postgresql");
        Assert.True(verb.ExitCode == 1, verb.ToString());
        Assert.Contains("is mislukt: Instelling Storage:Provder (op de opdrachtregel: --Storage:Provder) is onbekend", verb.Err);
        Assert.Contains("bedoelt u Storage:Provider?", verb.Err);
        Assert.DoesNotContain("wt_", verb.Out);
        Assert.False(Directory.Exists(DataDir), "a refused verb made the data directory");
    }

    /// <summary>T4: Kestrel's "Invalid url" used to come after the database, the first token and the silo port.</summary>
    [Fact]
    public async Task A_malformed_listen_address_stops_the_start_with_exit_1_naming_urls_before_anything_is_made()
    {
        var result = await BuiltProgram.Silo("--data-dir", DataDir, "--urls", "notaurl");
        AssertRefusedBeforeAnything(result, "--urls: 'notaurl' is geen bruikbaar HTTP-adres", port: null);
        var ftp = await BuiltProgram.Silo("--data-dir", DataDir, "--urls", $"ftp://127.0.0.1:{FreePort.Next()}");
        AssertRefusedBeforeAnything(ftp, "met http:// of https:// beginnen", port: null);
    }

    [Fact]
    public async Task Every_wrong_setting_is_named_in_one_answer()
    {
        var port = FreePort.Next();
        var result = await BuiltProgram.Silo("--data-dir", DataDir, "--urls", $"http://127.0.0.1:{port}",
            "--Alerts:Period", "banaan", "--Voting:RequestsPerMinutePerAddress", "veel", "--Mail:Port", "vijfentwintig");
        AssertRefusedBeforeAnything(result, "3 instellingen kloppen niet", port);
        foreach (var key in new[] { "Alerts:Period: 'banaan'", "Voting:RequestsPerMinutePerAddress: 'veel' is geen geheel getal", "Mail:Port: 'vijfentwintig' is geen geheel getal" })
            Assert.Contains(key, result.Err);
    }

    /// <summary>A good value of each checked kind passes the check: the silo starts (and is stopped at once).</summary>
    [Fact]
    public async Task Good_values_of_the_checked_settings_start_the_service()
    {
        await using var silo = SiloProcess.OnSqlite("settings-good", "--Alerts:Period", "1.00:00:00",
            "--Orleans:GrainCollection:CollectionAge", "00:20:00", "--Storage:GroupCommit", "False", "--Logging:Format", "plain",
            "--Dashboard:Enabled", "false", "--CostLimits:MonteCarloRuns:admin", "500");
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromMinutes(3));
        silo.Stop();
    }

    private void AssertRefusedBeforeAnything(CliResult result, string named, int? port)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(named, result.Err);
        Assert.Contains("De dienst kon niet worden opgezet", result.Err);
        Assert.Contains("niets gestart, aangemaakt of gewijzigd", result.Err);
        Assert.DoesNotContain("Unhandled exception", result.Err);
        Assert.DoesNotContain("Failed to convert", result.Err);
        Assert.DoesNotContain("wt_", result.Out); // no first admin token printed
        Assert.False(Directory.Exists(DataDir), "a refused start made the data directory");
        if (port is { } p) Assert.True(PortIsFree(p), "a refused start left a server on the port");
    }

    /// <summary>T5: a mistyped --data-dir gets no new database from the token verbs.</summary>
    [Theory]
    [InlineData("token|create|--role|admin|--name|Typo")]
    [InlineData("token|list")]
    [InlineData("token|revoke|tok-123")]
    public async Task A_token_command_on_a_folder_without_a_database_is_refused_and_creates_nothing(string commandLine)
    {
        var typo = Path.Combine(_work, "dataa");
        var result = await BuiltProgram.Silo([.. commandLine.Split('|'), "--data-dir", typo]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Er is geen Warmtenet-database in {typo}", result.Err);
        // Tester10 T5: a cluster silo's folder holds no SQLite file either; the refusal names the cluster's storage
        // settings, and says --new-database is never for a cluster.
        Assert.Contains("--Storage:Provider PostgreSQL --Storage:ConnectionString", result.Err);
        Assert.Contains("Storage__ConnectionString", result.Err);
        Assert.Contains("nooit voor een cluster: token create --new-database", result.Err);
        Assert.DoesNotContain("wt_", result.Out);
        Assert.False(Directory.Exists(typo), "the token command made the mistyped folder");

        // An existing folder without a database is refused alike, and stays empty.
        Directory.CreateDirectory(typo);
        var empty = await BuiltProgram.Silo([.. commandLine.Split('|'), "--data-dir", typo]);
        Assert.True(empty.ExitCode == 1, empty.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(typo));
    }

    /// <summary>
    /// Tester10 T5: the token verbs pointed at a cluster's PostgreSQL that does not answer (nothing listens on the port)
    /// say which settings they read, in Dutch, exit 1, and make nothing.
    /// </summary>
    [Theory]
    [InlineData("token|create|--role|board:helmersbuurt|--name|Bestuur")]
    [InlineData("token|list")]
    public async Task A_token_command_on_an_unreachable_cluster_database_names_the_storage_settings(string commandLine)
    {
        var port = FreePort.Next();
        var result = await BuiltProgram.Silo([.. commandLine.Split('|'), "--data-dir", DataDir, "--Storage:Provider", "PostgreSQL",
            "--Storage:ConnectionString", $"Host=127.0.0.1;Port={port};Database=warmtenet;Username=warmte;Password=x;Timeout=5"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("De PostgreSQL-database uit Storage:ConnectionString is niet bereikbaar", result.Err);
        Assert.Contains("dezelfde Storage:Provider en Storage:ConnectionString als de silo's van het cluster", result.Err);
        Assert.DoesNotContain("--new-database", result.Err);
        Assert.DoesNotContain("wt_", result.Out);
        Assert.False(Directory.Exists(DataDir), "the token command made a data folder for a PostgreSQL cluster");
    }

    /// <summary>T5: before the first start, --new-database makes the database, readable by the service's user only.</summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Token_create_with_new_database_makes_a_0600_database_in_a_0700_folder_that_the_service_then_uses()
    {
        var created = await BuiltProgram.Silo("token", "create", "--role", "admin", "--name", "Eerste Beheer", "--new-database", "--data-dir", DataDir);
        Assert.True(created.ExitCode == 0, created.ToString());
        var token = Regex.Match(created.Out, @"(?m)^(wt_\S{20,})$").Groups[1].Value;
        Assert.NotEqual("", token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(DataDir));
        foreach (var file in Directory.GetFiles(DataDir))
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file}: {File.GetUnixFileMode(file)}");

        // Now the folder has a database: list needs no switch, and the token works on the service started on it.
        var list = await BuiltProgram.Silo("token", "list", "--data-dir", DataDir);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("admin\tEerste Beheer", list.Out);
        await using var silo = SiloProcess.OnSqliteIn("token-first", DataDir);
        silo.PresetAdminToken = false;
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromMinutes(3));
        using var client = silo.Client(token);
        var status = await client.GetAsync("api/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        silo.Stop();
        Assert.DoesNotContain("eerste beheerderstoken", await File.ReadAllTextAsync(silo.LogPath)); // an admin existed: no second one
    }

    /// <summary>T6: which build runs, from --version, the start-up log line and /api/status, all the same commit.</summary>
    [Fact]
    public async Task Version_start_up_log_and_status_name_the_same_build_commit()
    {
        var version = await BuiltProgram.Silo("--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal("", version.Err);
        var match = VersionLine().Match(version.Out.Trim());
        Assert.True(match.Success, version.Out);
        var (number, commit) = (match.Groups[1].Value, match.Groups[2].Value);
        // A commit of this repository (the one the build was made from), not a made-up or fixed string.
        var known = await BuiltProgram.Run("git", ["-C", RepoFiles.Root, "cat-file", "-e", commit + "^{commit}"]);
        Assert.True(known.ExitCode == 0, $"{commit} is not a commit of the repository: {known}");

        await using var silo = SiloProcess.OnSqlite("version", "--Logging:LogLevel:Warmte.Silo", "Information");
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromMinutes(3));
        using var client = silo.Client();
        using var status = JsonDocument.Parse(await client.GetStringAsync("api/status"));
        Assert.Equal(number, status.RootElement.GetProperty("version").GetString());
        Assert.Equal(commit, status.RootElement.GetProperty("commit").GetString());
        // The client's status names it after the version.
        var cli = await BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, "status"], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = silo.BaseUrl, ["WARMTE_TOKEN"] = WarmteServer.BootstrapAdminToken, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        });
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains($"Warmtenet {number} (commit {commit[..12]}) op {silo.BaseUrl}", cli.Out);
        silo.Stop();
        Assert.Contains($"Warmte.Silo {number} (commit {commit}) starting on Sqlite", await File.ReadAllTextAsync(silo.LogPath));
    }

    [Fact]
    public async Task Version_belongs_to_the_program_not_to_a_verb()
    {
        var onVerb = await BuiltProgram.Silo("token", "list", "--version");
        Assert.True(onVerb.ExitCode == 2, onVerb.ToString());
        Assert.Contains("Onbekende optie '--version'", onVerb.Err);
        var withValue = await BuiltProgram.Silo("--version=ja");
        Assert.True(withValue.ExitCode == 2, withValue.ToString());
        Assert.Contains("--version neemt geen waarde", withValue.Err);
        var help = await BuiltProgram.Silo("--help");
        Assert.Contains("--version", help.Out);
    }

    [GeneratedRegex(@"^Warmte\.Silo (\d+\.\d+\.\d+) \(commit ([0-9a-f]{40})\)$")]
    private static partial Regex VersionLine();
}
