using System.Net;
using System.Net.Sockets;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// The built silo program's command line, run as a separate process: help and usage errors start nothing
/// (no port bound, no data directory or database made), token commands run against the --data-dir given in
/// any position, and the program completes its own command lines for the shell.
/// </summary>
public sealed class SiloCommandLineTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "warmte-silo-cli-" + Guid.NewGuid().ToString("N")[..10]);

    public SiloCommandLineTests() => Directory.CreateDirectory(_work);

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { }
    }

    private string DataDir => Path.Combine(_work, "data");

    /// <summary>Whether a server could bind <paramref name="port"/> now: nothing of the silo holds it.</summary>
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

    /// <summary>The command line after --data-dir (any verb takes it) and, when it runs the service, --urls: where it would write and listen.</summary>
    private string[] WithPlaces(string commandLine, int port)
    {
        var words = commandLine.Split('|');
        return words[0].StartsWith('-')
            ? ["--data-dir", DataDir, "--urls", $"http://127.0.0.1:{port}", .. words]
            : ["--data-dir", DataDir, .. words];
    }

    [Theory]
    [InlineData("--help", "Warmte.Silo [opties]")]
    [InlineData("-h", "Warmte.Silo [opties]")]
    [InlineData("token|--help", "Warmte.Silo token <opdracht>")]
    [InlineData("token|create|--help", "Warmte.Silo token create [opties]")]
    [InlineData("token|create|-h|--role|admin", "Warmte.Silo token create [opties]")]
    [InlineData("token|list|--help", "Warmte.Silo token list [opties]")]
    [InlineData("token|revoke|--help", "Warmte.Silo token revoke <token-id> [opties]")]
    [InlineData("backup|--help", "Warmte.Silo backup [opties]")]
    [InlineData("completion|--help", "Warmte.Silo completion <shell> [opties]")]
    public async Task Help_on_every_verb_prints_dutch_usage_and_starts_nothing(string commandLine, string usage)
    {
        var port = FreePort.Next();
        var result = await BuiltProgram.Silo(WithPlaces(commandLine, port));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Err);
        Assert.Contains("Gebruik:", result.Out);
        Assert.Contains("  " + usage, result.Out);
        Assert.Contains("Afsluitcodes:", result.Out);
        Assert.Contains("--help", result.Out);
        Assert.DoesNotContain("Usage:", result.Out);
        Assert.False(Directory.Exists(DataDir), "help made the data directory");
        Assert.True(PortIsFree(port), "help left a server on the port");
    }

    [Fact]
    public async Task Help_names_the_documented_options_and_verbs()
    {
        var general = await BuiltProgram.Silo("--help");
        foreach (var text in new[] { "--data-dir <map>", "--demo", "--urls", "--Storage:Provider", "token", "backup", "completion", "Voorbeeld" })
            Assert.Contains(text, general.Out);
        var create = await BuiltProgram.Silo("token", "create", "--help");
        foreach (var text in new[] { "--role <rol>", "--name <naam>", "board:<coöperatie-id>", "--data-dir <map>" })
            Assert.Contains(text, create.Out);
    }

    [Theory]
    [InlineData("--bogus", "'--bogus'")]
    [InlineData("--demo|--kleur|rood", "'--kleur'")]
    [InlineData("tokens|list", "'tokens'")]
    [InlineData("serve", "'serve'")]
    [InlineData("--demo=ja", "--demo neemt geen waarde")]
    [InlineData("--Storage:Provider", "--Storage:Provider verwacht een waarde")]
    [InlineData("token|create|--role|admin|--name|N|--kleur|rood", "'--kleur'")]
    [InlineData("token|create|--role|admin", "--name is verplicht")]
    [InlineData("token|create|--name|N", "--role is verplicht")]
    [InlineData("token|create|--role", "--role verwacht een waarde")]
    [InlineData("token", "create, list, revoke")]
    [InlineData("token|list|extra", "'extra'")]
    [InlineData("token|revoke", "<token-id>")]
    [InlineData("token|revoke|--bogus", "'--bogus'")]
    [InlineData("token|list|--demo", "--demo hoort bij het starten van de dienst")]
    [InlineData("backup|--to|x.db|--urls|http://127.0.0.1:1", "--urls hoort bij het starten van de dienst")]
    [InlineData("backup", "--to is verplicht")]
    [InlineData("completion|fish", "'fish'")]
    public async Task A_usage_error_exits_2_with_a_dutch_message_naming_it_and_starts_nothing(string commandLine, string named)
    {
        var port = FreePort.Next();
        var result = await BuiltProgram.Silo(WithPlaces(commandLine, port));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains(named, result.Err);
        Assert.Contains("Meer hulp: Warmte.Silo", result.Err);
        Assert.DoesNotContain("Exception", result.Err);
        Assert.DoesNotContain("Unrecognized", result.Err);
        Assert.False(Directory.Exists(DataDir), "a usage error made the data directory");
        Assert.True(PortIsFree(port), "a usage error left a server on the port");
    }

    /// <summary>Tester5 T10j: a backup from a mistyped --data-dir is refused (exit 1) and makes no directory there.</summary>
    [Fact]
    public async Task A_backup_from_a_data_dir_that_does_not_exist_is_refused_and_creates_nothing()
    {
        var result = await BuiltProgram.Silo("backup", "--data-dir", DataDir, "--to", Path.Combine(_work, "kopie.db"));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("warmtenet.db bestaat niet; geef de map van de dienst met --data-dir", result.Err);
        Assert.False(Directory.Exists(DataDir), "a refused backup made the data directory");
        Assert.False(File.Exists(Path.Combine(_work, "kopie.db")));
    }

    [Fact]
    public async Task Token_commands_use_the_data_dir_given_before_or_after_the_verb()
    {
        // The first one makes the database (before the service's first start): --new-database (tester8 T5).
        var before = await BuiltProgram.Silo("--data-dir", DataDir, "token", "create", "--role", "admin", "--name", "Beheer Eerst", "--new-database");
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Matches(@"(?m)^wt_\S{20,}$", before.Out);
        Assert.True(File.Exists(Path.Combine(DataDir, "warmtenet.db")));

        var after = await BuiltProgram.Silo("token", "create", "--role", "board:ketelhuiswg", "--name=Bestuur Daarna", $"--data-dir={DataDir}");
        Assert.True(after.ExitCode == 0, after.ToString());
        var middle = await BuiltProgram.Silo("token", "--data-dir", DataDir, "create", "--name", "Financier Midden", "--role", "financier");
        Assert.True(middle.ExitCode == 0, middle.ToString());

        var list = await BuiltProgram.Silo("token", "list", "--data-dir", DataDir);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("admin\tBeheer Eerst", list.Out);
        Assert.Contains("board:ketelhuiswg\tBestuur Daarna", list.Out);
        Assert.Contains("financier\tFinancier Midden", list.Out);
        // Amsterdam wall-clock time as a Dutch reader writes it, not an ISO instant.
        Assert.Matches(@"(?m)^\S+\tadmin\tBeheer Eerst\taangemaakt \d\d-\d\d-\d{4} \d\d:\d\d$", list.Out);
        // Exactly Amsterdam's time, not UTC (review2 F8): tokens created at known instants, in summer (UTC+2) and winter (UTC+1).
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDir, "warmtenet.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var update = db.CreateCommand();
            update.CommandText = "UPDATE warmte_api_token SET created_at = CASE name WHEN 'Bestuur Daarna' THEN '2026-07-01T10:00:00Z' ELSE '2026-01-15T10:00:00Z' END WHERE name IN ('Bestuur Daarna', 'Financier Midden')";
            Assert.Equal(2, await update.ExecuteNonQueryAsync());
        }
        var known = await BuiltProgram.Silo("token", "list", "--data-dir", DataDir);
        Assert.True(known.ExitCode == 0, known.ToString());
        Assert.Matches(@"(?m)^\S+\tboard:ketelhuiswg\tBestuur Daarna\taangemaakt 01-07-2026 12:00$", known.Out);
        Assert.Matches(@"(?m)^\S+\tfinancier\tFinancier Midden\taangemaakt 15-01-2026 11:00$", known.Out);
        // Nothing went to the default ./data of the working directory: another directory has no database at all.
        var elsewhere = await BuiltProgram.Silo("--data-dir", Path.Combine(_work, "other"), "token", "list");
        Assert.DoesNotContain("Beheer Eerst", elsewhere.Out);
        Assert.Contains("geen Warmtenet-database", elsewhere.Err);

        var id = before.Out.Split(' ')[1];
        var revoke = await BuiltProgram.Silo("token", "revoke", id, "--data-dir", DataDir);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Matches(@"(?m)^" + id + @"\tadmin\tBeheer Eerst\taangemaakt \d\d-\d\d-\d{4} \d\d:\d\d\tingetrokken \d\d-\d\d-\d{4} \d\d:\d\d$",
            (await BuiltProgram.Silo("token", "list", "--data-dir", DataDir)).Out);
        var again = await BuiltProgram.Silo("token", "revoke", id, "--data-dir", DataDir);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains(id, again.Err);
        var badRole = await BuiltProgram.Silo("token", "create", "--role", "koning", "--name", "K", "--data-dir", DataDir);
        Assert.Equal(1, badRole.ExitCode);
        Assert.Contains("'koning' is geen rol", badRole.Err);
    }

    [Fact]
    public async Task Configuration_overrides_reach_the_token_command()
    {
        var withColon = await BuiltProgram.Silo("--Storage:Provider", "Sqlite", "token", "create", "--role", "reader", "--name", "Lezer",
            "--data-dir", DataDir, "--new-database");
        Assert.True(withColon.ExitCode == 0, withColon.ToString());
        Assert.Contains("reader\tLezer", (await BuiltProgram.Silo("token", "list", "--data-dir", DataDir)).Out);
        // An override in the form --Key=value, after the verb, reaches configuration too: this one is refused by it.
        var unknownProvider = await BuiltProgram.Silo("token", "list", "--data-dir", DataDir, "--Storage:Provider=Kolen");
        Assert.Equal(1, unknownProvider.ExitCode);
        Assert.Contains("Kolen", unknownProvider.Err);
    }

    [Theory]
    [InlineData("tok", "token")]
    [InlineData("token ", "create")]
    [InlineData("token cr", "create")]
    [InlineData("token create --ro", "--role")]
    [InlineData("token create --role ", "financier")]
    [InlineData("--data-dir /tmp token re", "revoke")]
    [InlineData("completion ", "bash")]
    public async Task The_program_completes_its_own_command_lines(string typed, string expected)
    {
        var result = await BuiltProgram.Silo($"[suggest:{typed.Length}]", typed);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Out.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task The_bash_completion_script_completes_in_a_real_bash()
    {
        var script = await BuiltProgram.Silo("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        var file = Path.Combine(_work, "silo-completion.bash");
        await File.WriteAllTextAsync(file, script.Out);
        // What bash does on Tab after "Warmte.Silo token cr": set COMP_* and call the registered function.
        var probe = $$"""
            source '{{file}}'
            COMP_LINE='Warmte.Silo token cr'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(Warmte.Silo token cr); COMP_CWORD=2
            $(complete -p Warmte.Silo | sed -E 's/.* -F ([^ ]+) .*/\1/')
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var result = await BuiltProgram.Run("bash", ["-c", probe], new Dictionary<string, string?>
        {
            ["PATH"] = BuiltProgram.SiloFolder + ":" + Environment.GetEnvironmentVariable("PATH"),
        });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["create"], result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
