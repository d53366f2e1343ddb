using Microsoft.Extensions.Configuration;
using Warmte.Silo.Hosting;

namespace Warmte.Tests.Operations;

/// <summary>
/// Papercut: <c>--Storage:Provder postgresql</c> started on SQLite without a word, the operator believing they ran
/// PostgreSQL. A key under one of the service's own sections that it does not read is refused, named with where it came
/// from and the key it most likely meant; the frameworks' sections (Orleans, Logging, Kestrel) are theirs to judge.
/// The rule, in process; the refused start as a process is in <c>Cli/SiloStartupSettingsTests</c>.
/// </summary>
public sealed class UnknownSettingKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warmte-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<string> FromCommandLine(params string[] args) =>
        StartupSettings.Problems(new ConfigurationBuilder().AddCommandLine(args).Build());

    [Theory]
    [InlineData("--Storage:Provder", "postgresql", "Instelling Storage:Provder (op de opdrachtregel: --Storage:Provder) is onbekend en zou genegeerd worden; bedoelt u Storage:Provider?")]
    [InlineData("--storage:provder", "postgresql", "bedoelt u Storage:Provider?")]
    [InlineData("--Storage:ConectionString", "Host=db", "bedoelt u Storage:ConnectionString?")]
    [InlineData("--Mail:Hots", "smtp.voorbeeld.nl", "bedoelt u Mail:Host?")]
    [InlineData("--Voting:FailuresBeforeLockOut", "50", "")] // keys are read without case: this one is known
    [InlineData("--Voting:RequestsPerMinute", "100", "bedoelt u Voting:RequestsPerMinutePerAddress?")]
    [InlineData("--RequestLog:SlowMilliseconds", "500", "onder RequestLog kent de dienst alleen SuccessLevel en SlowMs (het dichtst bij: RequestLog:SlowMs).")]
    [InlineData("--Alerts:Periode", "1.00:00:00", "bedoelt u Alerts:Period?")]
    [InlineData("--RateLimit:Enable", "false", "bedoelt u RateLimit:Enabled?")]
    [InlineData("--Dashboard:Enbled", "true", "bedoelt u Dashboard:Enabled?")]
    [InlineData("--Auth:BootstrapTokenPath", "/etc/warmte/token", "bedoelt u Auth:BootstrapTokenFile?")]
    [InlineData("--ForwardedHeaders:KnownProxy:0", "10.0.0.1", "bedoelt u ForwardedHeaders:KnownProxies?")]
    [InlineData("--CostLimits:MonteCarlo:admin", "500", "bedoelt u CostLimits:MonteCarloRuns?")]
    [InlineData("--Testing:ClockOffset", "60", "bedoelt u Testing:ClockOffsetSeconds?")]
    [InlineData("--RefusalAudit:Retention", "30", "bedoelt u RefusalAudit:RetentionDays?")]
    [InlineData("--Mail:PublicUrl", "https://stem.voorbeeld.nl", "bedoelt u Voting:PublicUrl?")] // the right key under another section
    [InlineData("--Mail:Enabled", "true", "onder Mail kent de dienst alleen Host, Port, From, UserName, Password en Security (het dichtst bij: Mail:UserName).")] // read-only: on when Mail:Host is set
    [InlineData("--Storage:Provider:Name", "PostgreSQL", "Instelling Storage:Provider:Name (op de opdrachtregel: --Storage:Provider:Name) is onbekend")]
    public void A_key_the_service_does_not_read_is_named_with_the_nearest_it_does(string key, string value, string expected)
    {
        var problems = FromCommandLine(key, value);
        if (expected == "")
        {
            Assert.Empty(problems);
            return;
        }
        Assert.Contains(expected, Assert.Single(problems));
    }

    [Fact]
    public void A_section_name_a_letter_or_two_off_is_a_typo_and_other_sections_are_left_alone()
    {
        Assert.Contains("Instelling Stroage:Provider (op de opdrachtregel: --Stroage:Provider) is onbekend (er is geen onderdeel Stroage) en zou genegeerd worden; "
                        + "bedoelt u Storage:Provider?", Assert.Single(FromCommandLine("--Stroage:Provider", "PostgreSQL")));
        Assert.Contains("bedoelt u Voting:CodeKey?", Assert.Single(FromCommandLine("--Votng:CodeKey", "x")));
        // The frameworks' own sections and anything not near one of the service's: not judged here.
        Assert.Empty(FromCommandLine("--Orleans:GatewayPort", "0", "--Orleans:Whatever", "1", "--Logging:LogLevel:Warmte", "Debug",
            "--Kestrel:Limits:MaxConcurrentConnections", "100", "--Hosting:Something", "1", "--Backup:Target", "/tmp/x", "--DataDir", "/tmp/data", "--Demo", "true"));
    }

    /// <summary>
    /// Review18 #7: every variable of the machine arrives in the configuration, so another program's <c>CERTS__PATH</c> or
    /// <c>OAUTH__CLIENT</c> (a letter or two from Alerts and Auth) must not stop the start; an unknown key under the
    /// service's own section from the environment (<c>Mail__Hots</c>) still does.
    /// </summary>
    [Fact]
    public void Another_programs_environment_variables_near_a_section_name_do_not_stop_the_start()
    {
        var prefix = "WARMTE_KEYS_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "CERTS__PATH", "/etc/ssl");
        Environment.SetEnvironmentVariable(prefix + "OAUTH__CLIENT", "x");
        Environment.SetEnvironmentVariable(prefix + "Mail__Hots", "smtp.voorbeeld.nl");
        try
        {
            var fromEnvironment = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            Assert.Contains("bedoelt u Mail:Host?", Assert.Single(StartupSettings.Problems(fromEnvironment)));
            // The same section typo on the command line is still named.
            Assert.Contains("bedoelt u Alerts:", Assert.Single(FromCommandLine("--Alerst:Period", "1.00:00:00")));
        }
        finally
        {
            foreach (var name in new[] { "CERTS__PATH", "OAUTH__CLIENT", "Mail__Hots" }) Environment.SetEnvironmentVariable(prefix + name, null);
        }
    }

    [Fact]
    public void Every_key_the_service_reads_is_known()
    {
        string[] keys =
        [
            "Storage:Provider", "Storage:ConnectionString", "Storage:GroupCommit",
            "Mail:Host", "Mail:Port", "Mail:From", "Mail:UserName", "Mail:Password", "Mail:Security",
            "Voting:CodeKey", "Voting:ReplaceStoredCodeKey", "Voting:PublicUrl", "Voting:RequestsPerMinutePerAddress", "Voting:FailuresBeforeLockout",
            "Voting:ConcurrentRequestsPerAddress", "Voting:BackOffLookupsPerSecond", "Voting:BackOffBurst", "Voting:LockoutMinutes",
            "Voting:ReceiptFailuresPerMeeting", "Voting:RequestsPerSecondPerMeeting",
            "RequestLog:SuccessLevel", "RequestLog:SlowMs", "ForwardedHeaders:KnownProxies:0", "ForwardedHeaders:KnownNetworks:1",
            "Alerts:Period", "RateLimit:Enabled", "RateLimit:PermitsPerSecond", "RateLimit:Burst", "RateLimit:TokenLookupsPerSecond", "RateLimit:TokenLookupBurst",
            "CostLimits:MonteCarloRuns:admin", "CostLimits:LoanGridCells:reader", "CostLimits:ExportProjects:board", "CostLimits:MaxConcurrent",
            "CostLimits:QueueLength", "CostLimits:QueueTimeoutSeconds", "CostLimits:RetryAfterSeconds", "CostLimits:ThreadsPerRequest", "CostLimits:Niceness",
            "Dashboard:Enabled", "Dashboard:HideTrace", "Dashboard:CounterUpdateIntervalMs", "Dashboard:HistoryLength", "Dashboard:SessionMinutes",
            "Auth:BootstrapAdminToken", "Auth:BootstrapTokenFile", "Testing:ClockOffsetSeconds", "Testing:DemoFaults", "RefusalAudit:RetentionDays",
        ];
        var unknown = StartupSettings.UnknownKeys(new ConfigurationBuilder().AddInMemoryCollection(keys.Select(k => new KeyValuePair<string, string?>(k, "1"))).Build());
        Assert.Empty(unknown);
    }

    [Fact]
    public void A_list_or_per_role_setting_given_as_one_value_is_named_as_ignored()
    {
        Assert.Contains("Instelling ForwardedHeaders:KnownProxies is een lijst en '10.0.0.1' zou genegeerd worden (op de opdrachtregel: --ForwardedHeaders:KnownProxies); "
                        + "geef elk item apart: ForwardedHeaders:KnownProxies:0", Assert.Single(FromCommandLine("--ForwardedHeaders:KnownProxies", "10.0.0.1")));
        Assert.Contains("CostLimits:MonteCarloRuns heeft een waarde per rol", Assert.Single(FromCommandLine("--CostLimits:MonteCarloRuns", "500")));
    }

    [Fact]
    public void A_key_in_appsettings_json_is_named_as_coming_from_there_and_every_unknown_key_at_once()
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"), """{ "Storage": { "Provder": "PostgreSQL" }, "Mail": { "Hots": "smtp.voorbeeld.nl" } }""");
        var configuration = new ConfigurationBuilder().SetBasePath(_dir).AddJsonFile("appsettings.json").AddCommandLine(["--Alerts:Periode", "1.00:00:00"]).Build();
        var problems = StartupSettings.Problems(configuration);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("Instelling Storage:Provder (in appsettings.json) is onbekend", StringComparison.Ordinal) && p.EndsWith("bedoelt u Storage:Provider?", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Instelling Mail:Hots (in appsettings.json)", StringComparison.Ordinal) && p.Contains("bedoelt u Mail:Host?", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Instelling Alerts:Periode (op de opdrachtregel: --Alerts:Periode)", StringComparison.Ordinal));
        var refused = Assert.Throws<Warmte.Silo.Storage.ConfigurationException>(() => StartupSettings.Check(configuration));
        Assert.StartsWith("3 instellingen kloppen niet", refused.Message);
    }

    [Theory]
    [InlineData("Provder", "Provider", 1)]
    [InlineData("Porvider", "Provider", 1)] // two letters swapped: one slip
    [InlineData("provider", "Provider", 0)]
    [InlineData("Stroage", "Storage", 1)]
    [InlineData("Mail", "Main", 1)]
    [InlineData("Provider", "ConnectionString", 14)]
    public void Distance_counts_slips_without_case(string a, string b, int expected) => Assert.Equal(expected, StartupSettings.Distance(a, b));
}
