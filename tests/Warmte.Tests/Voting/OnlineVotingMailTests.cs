using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using NodaTime.Testing;
using Warmte.Silo.Mail;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd, writing a Maildir) on a free loopback port, for the
/// voting-code mail tests.
/// </summary>
public sealed class SmtpMaildir : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpMaildir(Process process, int port, string maildir)
    {
        _process = process;
        Port = port;
        Maildir = maildir;
    }

    public int Port { get; }

    public string Maildir { get; }

    /// <param name="secondsPerMessage">
    /// When above zero, the server waits this long before it accepts each message (a handler of its own, next to the
    /// Maildir): a mailing that takes a while, to retry while it is still going.
    /// </param>
    public static async Task<SmtpMaildir> StartAsync(double secondsPerMessage = 0)
    {
        var port = FreePort.Next();
        var maildir = Path.Combine(Path.GetTempPath(), "warmte-maildir-" + Guid.NewGuid().ToString("N")[..12]);
        string[] handler = ["aiosmtpd.handlers.Mailbox", maildir];
        string? modules = null;
        if (secondsPerMessage > 0)
        {
            modules = maildir + "-handler";
            Directory.CreateDirectory(modules);
            await File.WriteAllTextAsync(Path.Combine(modules, "slowmailbox.py"), SlowMailbox);
            handler = ["slowmailbox.SlowMailbox", maildir, secondsPerMessage.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        }
        // Debian's interpreter: the package installs the module for /usr/bin/python3, not for another python on PATH.
        var start = new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", .. handler])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        if (modules is not null) start.Environment["PYTHONPATH"] = modules;
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 -m aiosmtpd did not start (apt-get install python3-aiosmtpd).");
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"aiosmtpd stopped: {await process.StandardError.ReadToEndAsync()} (apt-get install python3-aiosmtpd)");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < until) { await Task.Delay(100); }
        }
        return new SmtpMaildir(process, port, maildir);
    }

    private const string SlowMailbox = """
        import asyncio
        from aiosmtpd.handlers import Mailbox

        class SlowMailbox(Mailbox):
            def __init__(self, mail_dir, seconds):
                super().__init__(mail_dir)
                self.seconds = float(seconds)

            async def handle_DATA(self, server, session, envelope):
                await asyncio.sleep(self.seconds)
                return await super().handle_DATA(server, session, envelope)

            @classmethod
            def from_cli(cls, parser, *args):
                if len(args) != 2:
                    parser.error("SlowMailbox: maildir and seconds per message")
                return cls(args[0], args[1])
        """;

    /// <summary>Every message delivered so far (Maildir "new"), in delivery order.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var dir = Path.Combine(Maildir, "new");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).OrderBy(DeliveryNumber).Select(f => MimeMessage.Load(f))] : [];
    }

    /// <summary>
    /// Python's Maildir names a message "seconds.M{microseconds}P{pid}Q{counter}.host" with the microseconds not
    /// zero-padded, so the names do not sort in delivery order within one second; the one server's counter does.
    /// </summary>
    private static long DeliveryNumber(string file)
    {
        var match = Regex.Match(Path.GetFileName(file), @"P\d+Q(\d+)\.");
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Unexpected Maildir file name: {file}");
    }

    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        try { Directory.Delete(Maildir, true); } catch (DirectoryNotFoundException) { }
        try { Directory.Delete(Maildir + "-handler", true); } catch (DirectoryNotFoundException) { }
    }
}

/// <summary>
/// Issue 17: the silo mails each eligible member with an e-mail address their own voting code, through
/// a real SMTP server; members without an address are named for a letter; codes are in no answer.
/// </summary>
public sealed class OnlineVotingMailTests
{
    private const string PublicUrl = "https://stem.voorbeeld.nl";

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Reads a member list the way `warmte import members` does (the E-mailadres column included) and registers it.</summary>
    private static async Task ImportMembers(HttpClient admin, string coop)
    {
        var path = Path.Combine(Path.GetTempPath(), $"warmte-leden-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path,
            "Lidnummer;Naam;Categorie;Postcode;Huisnummer;Lid sinds;E-mailadres\n"
            + "M-1;Anna de Vries;eigenaar-bewoner;1091 GM;1;2020-01-01;anna@voorbeeld.nl\n"
            + "M-2;Bram Jansen;huurder;1091 GM;2;2020-01-01;  bram.jansen@VOORBEELD.nl \n"
            + "M-3;Carla Smit;huurder;1091 GM;3;2020-01-01;\n"
            + "M-4;Dirk Bakker;bedrijf;1091 GM;4;2020-01-01;dirk@bakker.example\n", Encoding.UTF8);
        var read = Warmte.Spreadsheets.Import.Imports.Members(Warmte.Spreadsheets.Import.SheetReader.Read(path).Value!, new NodaTime.LocalDate(2027, 3, 20));
        File.Delete(path);
        Assert.True(read.IsClean, string.Join("\n", read.Problems));
        var registered = await admin.Post($"api/cooperatives/{coop}/members", new { members = read.Rows.Select(r => r.Item) });
        Assert.True(registered.Status == HttpStatusCode.OK, registered.Raw);
    }

    /// <summary>A cooperative with the imported members and a meeting today, online voting open; returns the board's client.</summary>
    internal static async Task<HttpClient> Opened(WarmteServer server, string coop)
    {
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ImportMembers(admin, coop);
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[] { new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "tarief" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        return server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
    }

    [Fact]
    public async Task Each_member_with_an_email_address_gets_their_own_working_code_by_real_smtp_and_the_others_are_named_for_a_letter()
    {
        await using var smtp = await SmtpMaildir.StartAsync();
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now), extraArgs:
        [
            "--Mail:Host", "127.0.0.1", "--Mail:Port", smtp.Port.ToString(), "--Mail:Security", "None",
            "--Mail:From", "Bestuur Warmtenet <bestuur@warmtenet.example>", "--Voting:PublicUrl", PublicUrl,
        ]);
        var coop = NewId("coop");
        var board = await Opened(server, coop);

        // The e-mail address is in the member's entry for the board (the domain in lower case), absent for M-3.
        var m2 = await board.Get($"api/cooperatives/{coop}/members/M-2");
        Assert.Equal("bram.jansen@voorbeeld.nl", m2.Text("email"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await board.Get($"api/cooperatives/{coop}/members/M-3")).Body.GetProperty("email").ValueKind);

        var sent = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/mail", new { });
        Assert.True(sent.Status == HttpStatusCode.OK, sent.Raw);
        // Only the codes that went out are made (tester5 T4): M-3 has no address, so no code was made for her.
        Assert.Equal((3, 3), (sent.Body.GetProperty("issued").GetInt32(), sent.Body.GetProperty("mailed").GetInt32()));
        Assert.Equal(0, sent.Body.GetProperty("failed").GetArrayLength());
        Assert.Equal(["M-3"], sent.Body.GetProperty("withoutEmail").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("brief", sent.Text("note"));
        Assert.Contains("\"M-3\"", sent.Text("note"));
        Assert.DoesNotContain("code\":", sent.Raw); // counts and numbers only: no code in the answer

        var messages = smtp.Messages();
        Assert.Equal(["anna@voorbeeld.nl", "bram.jansen@voorbeeld.nl", "dirk@bakker.example"],
            messages.Select(m => Assert.Single(m.To.Mailboxes).Address).Order(StringComparer.Ordinal));
        Assert.All(messages, m => Assert.Equal("bestuur@warmtenet.example", Assert.Single(m.From.Mailboxes).Address));
        var member = server.Client(token: null);
        var codes = new HashSet<string>();
        foreach (var message in messages)
        {
            var to = Assert.Single(message.To.Mailboxes);
            var text = message.TextBody ?? "";
            Assert.Contains("stemcode", message.Subject);
            Assert.Contains($"Beste {to.Name}", text);
            var link = Regex.Match(text, Regex.Escape(PublicUrl) + @"/stem#([0-9A-Z-]+)");
            Assert.True(link.Success, text);
            var code = link.Groups[1].Value;
            Assert.Contains($"    {code}", text); // the code on its own line too, for typing
            // Members never ask for a code: the board sends it (tester6 T14g).
            Assert.Contains("Kreeg u eerder een\n", text.ReplaceLineEndings("\n"));
            // The mail does not promise what an interrupted mailing cannot keep: the old code stops only once the new one is stored (tester10 T2).
            var flat = Regex.Replace(text, @"\s+", " ");
            Assert.DoesNotContain("werkt alleen deze nieuwe", flat);
            Assert.Contains("zodra de verzending is afgerond", flat);
            Assert.Contains("probeer dan uw eerdere code of neem contact op met het bestuur", flat);
            Assert.DoesNotContain("Vroeg u", text);
            Assert.True(codes.Add(code));
            // The code in the mail opens that member's own ballot.
            var paper = await member.Post("api/stem/paper", new { code });
            Assert.True(paper.Status == HttpStatusCode.OK, paper.Raw);
            Assert.Equal(to.Name, paper.Text("memberName"));
        }

        // The letter for M-3: a re-issue for that member only; the mailed codes keep working.
        var letter = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { members = new[] { "M-3" } });
        Assert.Equal(["M-3"], letter.Body.GetProperty("codes").EnumerateArray().Select(c => c.GetProperty("memberNumber").GetString()));
        var letterCode = letter.Body.GetProperty("codes")[0].GetProperty("code").GetString();
        foreach (var c in codes) Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code = c })).Status);

        // Only the board: another cooperative's board and a reader are refused, and nothing is sent.
        var admin = server.Client();
        foreach (var role in new[] { "reader", "board:other-coop" })
        {
            var outsider = server.Client((await admin.Post("api/tokens", new { name = "Buitenstaander " + role, role })).Text("token"));
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/mail", new { })).Status);
        }
        Assert.Equal(3, smtp.Messages().Count);

        // The CLI: warmte alv online codes <coop> <meeting> --mail, here for one member.
        var boardToken = (await admin.Post("api/tokens", new { name = "Bestuur CLI", role = $"board:{coop}" })).Text("token");
        var cli = await Cli(server, boardToken, "alv", "online", "codes", coop, "alv", "--mail", "--members", "M-2");
        Assert.True(cli.Code == 0, cli.Err);
        Assert.Contains("1 uitgegeven, 1 gemaild", cli.Out);
        Assert.Equal(4, smtp.Messages().Count);

        // Mailing everyone again (tester5 T4): only the members the mail reached get a new code. M-3 has no address, so
        // the letter code she holds keeps working (she is named, and the CLI exits 3: done, but not every member was reached).
        var again = await Cli(server, boardToken, "alv", "online", "codes", coop, "alv", "--mail");
        Assert.True(again.Code == 3, again.Out + again.Err);
        Assert.Contains("3 uitgegeven, 3 gemaild", again.Out);
        Assert.Contains("Zonder e-mailadres: M-3", again.Out);
        Assert.Contains("niet vervangen", again.Out);
        Assert.Equal(7, smtp.Messages().Count);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code = letterCode })).Status);
        // The first mail's codes are replaced by the new mail's.
        foreach (var c in codes) Assert.Equal(HttpStatusCode.NotFound, (await member.Post("api/stem/paper", new { code = c })).Status);
        var latest = smtp.Messages().Skip(4).Select(m => Regex.Match(m.TextBody ?? "", Regex.Escape(PublicUrl) + @"/stem#([0-9A-Z-]+)").Groups[1].Value).ToList();
        Assert.Equal(3, latest.Count);
        foreach (var c in latest) Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code = c })).Status);
        var both = await Cli(server, boardToken, "alv", "online", "codes", coop, "alv", "--mail", "--out", "x.xlsx");
        Assert.Equal((1, true), (both.Code, both.Err.Contains("niet beide")));

        // The mail server gone (tester5 T4): nothing is sent and nothing replaced, a 409 in Dutch; the codes members hold keep working.
        await smtp.StopAsync();
        var down = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/mail", new { members = new[] { "M-1", "M-3" } });
        Assert.Equal((HttpStatusCode.Conflict, "mail-unreachable"), (down.Status, down.Code));
        Assert.Contains("niet bereikbaar", down.Raw);
        Assert.Contains("geen code vervangen", down.Raw);
        // Said once, not again at the end of the server's reason (tester6 T14c).
        var downMessage = down.Text("detail");
        Assert.Single(Regex.Matches(downMessage, "niets verstuurd"));
        foreach (var c in latest.Append(letterCode)) Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code = c })).Status);
        var downCli = await Cli(server, boardToken, "alv", "online", "codes", coop, "alv", "--mail");
        Assert.True(downCli.Code == 1, downCli.Out + downCli.Err);
        Assert.Contains("niet bereikbaar", downCli.Err);
        Assert.Contains($"warmte alv online codes {coop} alv --out brieven.html", downCli.Err);
        foreach (var c in latest.Append(letterCode)) Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code = c })).Status);
        var view = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal(4, view.Body.GetProperty("codesIssued").GetInt32());
    }

    internal static async Task<(int Code, string Out, string Err)> Cli(WarmteServer server, string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = token };
        var code = await Warmte.Client.WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Without_mail_settings_the_call_is_refused_before_any_code_is_replaced()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now));
        var coop = NewId("coop");
        var board = await Opened(server, coop);
        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        var code = issued.Body.GetProperty("codes")[0].GetProperty("code").GetString();

        var refused = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/mail", new { });
        Assert.Equal((HttpStatusCode.Conflict, "mail-not-configured"), (refused.Status, refused.Code));
        Assert.Contains("Mail:Host", refused.Raw);
        Assert.Equal(HttpStatusCode.OK, (await server.Client(token: null).Post("api/stem/paper", new { code })).Status);
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("mail.voorbeeld.nl", false)]
    [InlineData("10.0.0.5", false)]
    public void Unencrypted_smtp_is_allowed_only_to_this_machine(string host, bool allowed)
    {
        var settings = new MailSettings { Host = host, From = "bestuur@voorbeeld.nl", Security = MailSecurity.None };
        if (allowed) Assert.Same(settings, settings.Check());
        else Assert.Contains("StartTls", Assert.Throws<ConfigurationException>(() => settings.Check()).Message);
        var tls = new MailSettings { Host = host, From = "bestuur@voorbeeld.nl", Security = MailSecurity.StartTls };
        Assert.Same(tls, tls.Check());
    }

    [Fact]
    public void A_sender_that_is_no_address_stops_the_start()
    {
        Assert.Contains("Mail:From", Assert.Throws<ConfigurationException>(() => new MailSettings { Host = "localhost" }.Check()).Message);
        Assert.Contains("Mail:UserName", Assert.Throws<ConfigurationException>(() => new MailSettings { Host = "localhost", From = "a@b.nl", UserName = "x" }.Check()).Message);
    }
}

/// <summary>The member's optional e-mail address: one address, refused with the field and a Dutch reason otherwise.</summary>
public sealed class MemberEmailTests
{
    private static readonly NodaTime.LocalDate Today = new(2026, 11, 22);

    private static Warmte.Members.MemberInput Input(string? email) => new()
    {
        Number = "1", Name = "Jan", Category = "huurder", Postcode = "1091 GM", Huisnummer = 1, JoinedOn = new NodaTime.LocalDate(2020, 1, 1), Email = email,
    };

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("jan@voorbeeld.nl", "jan@voorbeeld.nl")]
    [InlineData(" Jan.de.Vries@Voorbeeld.NL ", "Jan.de.Vries@voorbeeld.nl")]
    [InlineData("j+alv@mail.voorbeeld.nl", "j+alv@mail.voorbeeld.nl")]
    public void An_address_is_kept_trimmed_with_the_domain_in_lower_case(string? written, string? stored)
    {
        var outcome = Warmte.Members.MemberRules.Validate([Input(written)], Today);
        Assert.True(outcome.IsOk);
        Assert.Equal(stored, outcome.Value![0].Email);
    }

    [Theory]
    [InlineData("jan@voorbeeld.nl, piet@voorbeeld.nl", "meer dan één")]
    [InlineData("jan@voorbeeld.nl;piet@voorbeeld.nl", "meer dan één")]
    [InlineData("Jan <jan@voorbeeld.nl>", "meer dan één")]
    [InlineData("jan@@voorbeeld.nl", "meer dan één")]
    [InlineData("jan.voorbeeld.nl", "geen e-mailadres")]
    [InlineData("jan@voorbeeld", "geen e-mailadres")]
    [InlineData("jan@-voorbeeld.nl", "geen e-mailadres")]
    public void Anything_but_one_address_is_refused_naming_the_field(string written, string reason)
    {
        var outcome = Warmte.Members.MemberRules.Validate([Input(written)], Today);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("members[0].email", error.Field);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void A_wrong_address_in_the_import_is_reported_on_its_row_and_column()
    {
        var path = Path.Combine(Path.GetTempPath(), $"warmte-email-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "Lidnummer;Naam;Categorie;Postcode;Huisnummer;Lid sinds;Email\n1;Jan;huurder;1091 GM;1;2020-01-01;jan@voorbeeld.nl\n2;Piet;huurder;1091 GM;2;2020-01-01;piet at voorbeeld.nl\n");
        var read = Warmte.Spreadsheets.Import.Imports.Members(Warmte.Spreadsheets.Import.SheetReader.Read(path).Value!, Today);
        File.Delete(path);
        var problem = Assert.Single(read.Problems).ToString();
        Assert.Contains("rij 3", problem);
        Assert.Contains("meer dan één", problem);
    }
}
