using System.Collections.Immutable;
using System.Text.Json;
using Orleans.Runtime;
using Warmte.Common;
using Warmte.Serialization;
using Warmte.Members;
using Warmte.Silo.Api;
using Warmte.Silo.Auth;
using Warmte.Voting;

namespace Warmte.Silo.Mail;

/// <summary>
/// <c>POST /cooperatives/{id}/alv/meetings/{meetingId}/online/mail</c> (issue 17): issues codes like
/// <c>…/online/codes</c> (same body) and mails each member with an e-mail address their own code and
/// link. A code becomes valid only once its mail went out: members without an address, or whose mail
/// failed, keep the code they had; an unreachable server changes nothing (409). The answer has counts,
/// failures per member and the members without an e-mail address (they need a letter); it never contains a code.
/// </summary>
public static class VotingMailEndpoints
{
    public static void MapOnlineVotingMail(this RouteGroupBuilder board)
    {
        board.MapPost("/mail", async (string id, string meetingId, HttpContext http, IGrainFactory grains,
            VotingSettings voting, MailSettings mail, IMailSender sender, ILocalSiloDetails local) =>
        {
            if (await OnlineVotingEndpoints.Guard(id, http, grains) is { } refused) return refused;
            if (Answers.IdempotencyKey(http, out var key) is { } badKey) return badKey;
            // Checked before issuing: issuing replaces earlier codes, which must not happen when nothing can be sent.
            if (!mail.Enabled)
                return Problems.From(Refusal.Conflict("mail-not-configured",
                    "Deze silo verstuurt geen mail: Mail:Host is niet ingesteld (docs/operations.md, Mail). Geef de codes uit als brieven of mail-merge (…/online/codes?format=letters of xlsx)."));
            if (string.IsNullOrWhiteSpace(voting.PublicUrl))
                return Problems.From(Refusal.Conflict("public-url-not-configured",
                    "Voting:PublicUrl is niet ingesteld: zonder het adres waarop leden de silo bereiken kan de mail geen stemlink bevatten (bijv. https://stem.voorbeeld.nl)."));
            var (body, problem) = await RequestBody.ReadAsync<IssueCodes>(http.Request);
            if (problem is not null) return problem;
            var voter = grains.GetGrain<IOnlineVotingGrain>($"{id}/{meetingId}");
            // The codes are made but not yet valid: each member's earlier code keeps working until the new one was sent (tester5 T4).
            IssuedCodes issued;
            string? fingerprint = null, run = null;
            // This silo runs the mailing: its address (with its generation) tells a retry elsewhere whether it still runs.
            var silo = local.SiloAddress.ToParsableString();
            if (key is null)
            {
                var outcome = await voter.PrepareCodes(body!);
                if (!outcome.IsOk) return Problems.From(outcome.Refusal!);
                issued = outcome.Value!;
            }
            else
            {
                // With a key the key is looked up before anything is sent: a mail cannot be taken back.
                var prepared = await voter.PrepareMail(body!, key, http.User.Actor(), silo);
                if (!prepared.IsOk) return Problems.From(prepared.Refusal!);
                if (prepared.Value!.StoredAnswer is { } stored) return Answer(http, stored);
                (issued, fingerprint, run) = (prepared.Value.Codes!, prepared.Value.Fingerprint, prepared.Value.Run!);
            }
            var committed = false;
            // What the trail says when the mailing ends without its commit (a crash says nothing: its start line stays alone).
            var why = "er ging iets mis bij het versturen.";
            try
            {
                var emails = (await grains.GetGrain<IMemberRegisterGrain>(id).Members())
                    .Where(m => m.Email is not null).ToDictionary(m => m.Number, m => m.Email!, StringComparer.Ordinal);
                var mails = new List<CodeMail>();
                var withoutEmail = new List<string>();
                foreach (var code in issued.Codes)
                {
                    if (emails.TryGetValue(code.MemberNumber, out var to))
                        mails.Add(new CodeMail(code.MemberNumber, VotingCodeMail.Message(mail.From!, to, issued, code, voting.PublicUrl!)));
                    else withoutEmail.Add(code.MemberNumber);
                }
                // Not the request's cancellation: a client that stops waiting (a time-out) must not stop the mailing
                // halfway, or the codes already mailed would never become valid. The retry with the key gets this answer.
                var report = await sender.SendAsync(mails, CancellationToken.None);
                if (report.NotReached is { } notReached)
                {
                    why = $"de mailserver was niet bereikbaar, er is niets verstuurd ({notReached.TrimEnd('.')}).";
                    return Problems.From(Refusal.Conflict("mail-unreachable",
                        $"Er is niets verstuurd en geen code vervangen: {notReached} De stemcodes die leden al hebben, blijven werken. "
                        + "Probeer het later opnieuw, of geef de codes uit als brieven of mail-merge (…/online/codes?format=letters of xlsx)."));
                }
                var failed = report.Failures.Select(f => f.MemberNumber).ToHashSet(StringComparer.Ordinal);
                // Only the codes that went out become valid; whoever got no mail keeps the code they had (if any).
                var sent = issued.Codes.Where(c => emails.ContainsKey(c.MemberNumber) && !failed.Contains(c.MemberNumber)).ToImmutableArray();
                var letters = withoutEmail.Concat(report.Failures.Select(f => f.MemberNumber)).ToList();
                // Built before the commit, so the key's row can keep it: it holds counts and member numbers, never a code.
                var answer = JsonSerializer.Serialize(new
                {
                    issued.MeetingId,
                    issued = sent.Length,
                    mailed = sent.Length,
                    failed = report.Failures.Select(f => new { f.MemberNumber, f.Reason }),
                    withoutEmail,
                    note = letters.Count == 0
                        ? "Alle leden met een code hebben die per mail ontvangen."
                        : $"{letters.Count} {(letters.Count == 1 ? "lid heeft" : "leden hebben")} geen mail ontvangen (geen e-mailadres of verzenden mislukt); "
                          + $"{(letters.Count == 1 ? "zijn of haar" : "hun")} code is niet vervangen: een eerder uitgegeven code werkt nog. Wie nog geen code heeft, heeft een brief nodig: "
                          + "POST …/online/codes?format=letters met {\"members\": [" + string.Join(", ", letters.Select(n => $"\"{n}\"")) + "]}.",
                }, WarmteJson.Default);
                Refusal? notMade;
                if (key is null)
                {
                    var made = await voter.IssueSent(sent, http.User.Actor());
                    notMade = made.Refusal;
                }
                else
                {
                    var made = await voter.IssueMailed(sent, http.User.Actor(), key, fingerprint!, answer, run!);
                    committed = true;
                    notMade = made.Refusal;
                    // Another try that committed this key first answers with its own answer (its codes are the valid ones).
                    if (made.IsOk) answer = made.Value!;
                }
                if (notMade is not null)
                    return Problems.From(notMade.Kind == RefusalKind.Conflict && notMade.Code == "idempotency-key-reused"
                        ? notMade
                        : Refusal.Conflict(notMade.Code,
                            $"{notMade.Message} De zojuist gemailde codes ({sent.Length}) werken daardoor niet; de eerdere codes van deze leden werken nog."));
                return Answer(http, answer);
            }
            finally
            {
                // A mail that ended before its commit (unreachable server, a failure) frees its key for the retry. Its own
                // failure (a full disk) is logged, not thrown: it would replace the exception that ended the mailing.
                if (key is not null && !committed)
                {
                    try
                    {
                        await voter.MailEnded(key, run!, http.User.Actor(), why);
                    }
                    catch (Exception e)
                    {
                        http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Warmte.Voting").LogError(e, "Ending voting mailing {Key} for {Voting} failed; its mark stays until a retry restarts it", key, $"{id}/{meetingId}");
                    }
                }
            }
        }).ReadsBody<IssueCodes>().WithSummary("Stemcodes uitgeven en per mail versturen naar leden met een e-mailadres; antwoord: aantallen, mislukte leden en leden zonder e-mailadres (die een brief nodig hebben). Nooit codes in het antwoord. Met Idempotency-Key: een herhaling krijgt het eerste antwoord en mailt niet opnieuw");
    }

    /// <summary>
    /// The answer as JSON text, written the same way the first time and for a retry with its key, so both are the same
    /// bytes. Not cached anywhere: it names members.
    /// </summary>
    private static IResult Answer(HttpContext http, string json)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(json, "application/json; charset=utf-8");
    }
}
