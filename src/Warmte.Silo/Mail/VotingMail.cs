using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Warmte.Common;
using Warmte.Silo.Storage;
using Warmte.Voting;

namespace Warmte.Silo.Mail;

/// <summary>How the SMTP connection is secured (<c>Mail:Security</c>).</summary>
public enum MailSecurity
{
    /// <summary>Plain text: only to a server on this machine (loopback), see <see cref="MailSettings.Check"/>.</summary>
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>
/// "Mail:*" configuration. Without <see cref="Host"/> the silo sends no mail (the board prints
/// letters or a mail-merge sheet instead).
/// </summary>
public sealed class MailSettings
{
    public string? Host { get; set; }

    /// <summary>Default: 587 for StartTls and None, 465 for SslOnConnect.</summary>
    public int? Port { get; set; }

    /// <summary>The sender, e.g. "Bestuur Warmtenet &lt;bestuur@voorbeeld.nl&gt;" or just the address.</summary>
    public string? From { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public int EffectivePort => Port ?? (Security == MailSecurity.SslOnConnect ? 465 : 587);

    /// <summary>
    /// Checks the settings at start-up; throws <see cref="ConfigurationException"/> naming the setting.
    /// <see cref="MailSecurity.None"/> is refused unless the host is loopback: the mails carry voting
    /// codes (and the login carries the password), which must not cross a network in plain text.
    /// </summary>
    public MailSettings Check()
    {
        if (!Enabled) return this;
        if (string.IsNullOrWhiteSpace(From) || !MailboxAddress.TryParse(From, out _))
            throw new ConfigurationException("Mail:From ontbreekt of is geen e-mailadres (bijv. \"Bestuur <bestuur@voorbeeld.nl>\").");
        if (Port is { } p && p is < 1 or > 65535) throw new ConfigurationException($"Mail:Port {p} is geen poort (1-65535).");
        if (Security == MailSecurity.None && !IsLoopback(Host!))
            throw new ConfigurationException($"Mail:Security None (onversleuteld) mag alleen naar een server op deze machine (localhost, 127.0.0.1, ::1), niet naar '{Host}': "
                + "de mails bevatten stemcodes en het wachtwoord gaat mee; kies StartTls of SslOnConnect.");
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
            throw new ConfigurationException("Mail:UserName en Mail:Password horen samen: geef beide of geen van beide.");
        return this;
    }

    public static bool IsLoopback(string host) =>
        host.Trim().Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim().Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>One voting-code mail: to whom, and the message.</summary>
public sealed record CodeMail(string MemberNumber, MimeMessage Message);

/// <summary>A member whose mail could not be sent, with the reason (no code in it).</summary>
public sealed record MailFailure(string MemberNumber, string Reason);

/// <summary>
/// What sending did: <see cref="NotReached"/> when the server could not be reached or refused the login, before any
/// message went (then nothing was sent); otherwise the recipients whose message failed.
/// </summary>
public sealed record MailReport(string? NotReached, IReadOnlyList<MailFailure> Failures);

/// <summary>Sends mails over one SMTP connection; a recipient's failure is answered, not thrown.</summary>
public interface IMailSender
{
    Task<MailReport> SendAsync(IReadOnlyList<CodeMail> mails, CancellationToken cancellationToken);
}

/// <summary>
/// MailKit's SMTP client. No protocol log is kept, and only counts are logged: the messages carry
/// voting codes, which must exist nowhere but in the member's mailbox.
/// </summary>
public sealed class SmtpMailSender(MailSettings settings, ILogger<SmtpMailSender> log) : IMailSender
{
    public async Task<MailReport> SendAsync(IReadOnlyList<CodeMail> mails, CancellationToken cancellationToken)
    {
        var failures = new List<MailFailure>();
        if (mails.Count == 0) return new MailReport(null, failures);
        using var client = new SmtpClient();
        try
        {
            var options = settings.Security switch
            {
                MailSecurity.None => SecureSocketOptions.None,
                MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(settings.Host!, settings.EffectivePort, options, cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpCommandException or SmtpProtocolException
                                      or AuthenticationException or SslHandshakeException or OperationCanceledException)
        {
            log.LogWarning("Mailserver {Host}:{Port} niet bereikbaar of aanmelden mislukt ({Error}); {Count} mails niet verstuurd.",
                settings.Host, settings.EffectivePort, e.GetType().Name, mails.Count);
            return new MailReport($"de mailserver {settings.Host}:{settings.EffectivePort} was niet bereikbaar of weigerde de aanmelding ({e.GetType().Name}).", []);
        }
        for (var i = 0; i < mails.Count; i++)
        {
            var mail = mails[i];
            try
            {
                await client.SendAsync(mail.Message, cancellationToken);
            }
            catch (SmtpCommandException e)
            {
                failures.Add(new MailFailure(mail.MemberNumber, $"de mailserver weigerde het bericht ({(int)e.StatusCode}: {Slug.Truncate(e.Message)})."));
            }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException)
            {
                failures.Add(new MailFailure(mail.MemberNumber, $"de verbinding met de mailserver viel weg ({e.GetType().Name})."));
                if (client.IsConnected) continue;
                failures.AddRange(mails.Skip(i + 1).Select(m => new MailFailure(m.MemberNumber, "niet verstuurd: de verbinding met de mailserver viel eerder weg.")));
                break;
            }
        }
        if (client.IsConnected)
        {
            try { await client.DisconnectAsync(true, cancellationToken); }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException) { /* the mails went; the goodbye did not */ }
        }
        log.LogInformation("Stemcodes gemaild: {Sent} verstuurd, {Failed} mislukt.", mails.Count - failures.Count, failures.Count);
        return new MailReport(null, failures);
    }
}

/// <summary>The Dutch voting-code mail (pure: text in, message out).</summary>
public static class VotingCodeMail
{
    public static MimeMessage Message(string from, string to, IssuedCodes issued, IssuedCode code, string baseUrl)
    {
        var link = CodeLetters.Link(baseUrl, code.Code);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(code.Name, to));
        message.Subject = $"Uw stemcode voor de ALV van {issued.CooperativeName} op {DutchFormat.Date(issued.MeetingDate)}";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Beste {code.Name},

                U kunt online stemmen over de voorstellen voor de algemene ledenvergadering (ALV) van
                {issued.CooperativeName}: "{issued.MeetingTitle}" op {DutchFormat.Date(issued.MeetingDate)}.
                Stemmen kan vanaf {DutchFormat.Date(issued.Opens)} tot en met de dag van de vergadering.

                Uw persoonlijke stemcode (lidnummer {code.MemberNumber}):

                    {code.Code}

                Stem via deze link (de code staat er al in):
                {link}

                Deel deze code met niemand: wie de code heeft, kan namens u stemmen. Kreeg u eerder een
                code, dan vervangt deze die zodra de verzending is afgerond. Werkt deze code niet,
                probeer dan uw eerdere code of neem contact op met het bestuur.

                Met vriendelijke groet,
                het bestuur van {issued.CooperativeName}
                """,
        };
        return message;
    }
}
