using Warmte.Common;
using Warmte.Members;
using Warmte.Silo.Api;
using Warmte.Silo.Auth;
using Warmte.Voting;

namespace Warmte.Silo.Mail;

/// <summary>
/// <c>POST /cooperatives/{id}/alv/meetings/{meetingId}/online/mail</c> (issue 17): issues codes like
/// <c>…/online/codes</c> (same body) and mails each member with an e-mail address their own code and
/// link. The answer has counts, failures per member and the members without an e-mail address
/// (they need a letter); it never contains a code.
/// </summary>
public static class VotingMailEndpoints
{
    public static void MapOnlineVotingMail(this RouteGroupBuilder board)
    {
        board.MapPost("/mail", async (string id, string meetingId, HttpContext http, IGrainFactory grains,
            VotingSettings voting, MailSettings mail, IMailSender sender, CancellationToken cancellationToken) =>
        {
            if (await OnlineVotingEndpoints.Guard(id, http, grains) is { } refused) return refused;
            // Checked before issuing: issuing replaces earlier codes, which must not happen when nothing can be sent.
            if (!mail.Enabled)
                return Problems.From(Refusal.Conflict("mail-not-configured",
                    "Deze silo verstuurt geen mail: Mail:Host is niet ingesteld (docs/operations.md, Mail). Geef de codes uit als brieven of mail-merge (…/online/codes?format=letters of xlsx)."));
            if (string.IsNullOrWhiteSpace(voting.PublicUrl))
                return Problems.From(Refusal.Conflict("public-url-not-configured",
                    "Voting:PublicUrl is niet ingesteld: zonder het adres waarop leden de silo bereiken kan de mail geen stemlink bevatten (bijv. https://stem.voorbeeld.nl)."));
            var (body, problem) = await RequestBody.ReadAsync<IssueCodes>(http.Request);
            if (problem is not null) return problem;
            var outcome = await grains.GetGrain<IOnlineVotingGrain>($"{id}/{meetingId}").Issue(body!, http.User.Actor());
            if (!outcome.IsOk) return Problems.From(outcome.Refusal!);
            var issued = outcome.Value!;
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
            var failures = await sender.SendAsync(mails, cancellationToken);
            var letters = withoutEmail.Concat(failures.Select(f => f.MemberNumber)).ToList();
            http.Response.Headers.CacheControl = "no-store";
            return Answers.Ok(new
            {
                issued.MeetingId,
                issued = issued.Codes.Length,
                mailed = mails.Count - failures.Count,
                failed = failures.Select(f => new { f.MemberNumber, f.Reason }),
                withoutEmail,
                note = letters.Count == 0
                    ? "Alle leden met een code hebben die per mail ontvangen."
                    : $"{letters.Count} {(letters.Count == 1 ? "lid heeft" : "leden hebben")} geen mail ontvangen (geen e-mailadres of verzenden mislukt) en {(letters.Count == 1 ? "heeft" : "hebben")} een brief nodig: "
                      + "hun nieuwe code staat nergens; geef ze een code met POST …/online/codes?format=letters en {\"members\": [" + string.Join(", ", letters.Select(n => $"\"{n}\"")) + "]}.",
            });
        }).ReadsBody<IssueCodes>().WithSummary("Stemcodes uitgeven en per mail versturen naar leden met een e-mailadres; antwoord: aantallen, mislukte leden en leden zonder e-mailadres (die een brief nodig hebben). Nooit codes in het antwoord");
    }
}
