using System.Text.Json;

namespace Warmte.Client;

/// <summary>warmte alv online open|codes|close: the board's side of online voting (issue 17).</summary>
internal static class OnlineVotingCommands
{
    private static readonly ArgumentSpec Cooperative = new("coop", "de id van de coöperatie (bijv. ketelhuiswg)");
    private static readonly ArgumentSpec Meeting = new("vergadering", "de id van de ALV-vergadering (bijv. alv-2027-voorjaar)");

    private static readonly OptionSpec Proposals = new("proposals", "id,id", "De voorstellen waarover online gestemd wordt, met komma's (verplicht)");
    private static readonly OptionSpec Explanation = new("explanation", "id=tekst",
        "De toelichting die leden bij een voorstel lezen, als id=tekst; mag vaker, één per voorstel. Niet gegeven: de opgeslagen toelichting blijft; id= (leeg) wist haar")
        { Repeatable = true };
    private static readonly OptionSpec Opens = new("opens", "JJJJ-MM-DD", "Eerste stemdag (standaard vandaag; niet eerder dan 30 dagen voor de vergadering)");
    private static readonly OptionSpec Out = new("out", "bestand", "Waar de codes heen gaan: .xlsx (mail merge) of .html (brieven om af te drukken) (verplicht, behalve met --mail)");
    private static readonly OptionSpec Members = new("members", "lidnummer,...", "Alleen voor deze leden een nieuwe code (hun oude code vervalt); standaard alle stemgerechtigden");
    private static readonly OptionSpec Force = new("force", null, "Een bestaand bestand overschrijven");
    private static readonly OptionSpec Mail = new("mail", null, "De dienst mailt elk lid met een e-mailadres zijn eigen code (Mail:* en Voting:PublicUrl ingesteld); in plaats van --out");
    private static readonly OptionSpec Restart = new("opnieuw", null,
        "Met --mail en de --idempotency-key van een onderbroken mailing: opnieuw mailen, met een nieuwe code voor ieder gekozen lid");

    public static readonly CommandSpec Open = new(
        "alv online open",
        "Online stemmen openen voor voorstellen van een vergadering (bestuur)",
        "Opent online stemmen voor de genoemde voorstellen, van --opens tot en met de vergadering (tot het bestuur het sluit). "
        + "De statuten moeten elektronisch stemmen toestaan; vooraf stemmen kan vanaf de 30e dag vóór de vergadering (BW 2:38a). "
        + "Opnieuw uitvoeren verschuift de startdatum of voegt voorstellen toe; de toelichting van een voorstel blijft staan tenzij u "
        + "een nieuwe geeft (--explanation). Een voorstel waarover al online gestemd is of volmacht gegeven, gaat er niet af. "
        + "Geldt er een quorum en tellen online stemmers volgens de statuten niet als aanwezig, dan zegt het dat (Let op: …) met hoe u dat "
        + "verandert (warmte alv statutes <coop> --online-present ja, vóór de eerste stem).",
        [Cooperative, Meeting], [Proposals, Explanation, Opens],
        ["warmte alv online open ketelhuiswg alv-2027-voorjaar --proposals jaarrekening,tarief --opens 2027-03-01",
         "warmte alv online open ketelhuiswg alv-2027-voorjaar --proposals jaarrekening,tarief --explanation \"tarief=Het vastrecht stijgt met 3%.\""],
        RunOpen);

    public static readonly CommandSpec Codes = new(
        "alv online codes",
        "Stemcodes uitgeven als mail-merge-bestand of brieven (bestuur)",
        "Maakt voor elk stemgerechtigd lid een nieuwe persoonlijke stemcode (80 bits, vier groepjes van vier tekens) en schrijft "
        + "ze naar --out: .xlsx voor mail merge (lidnummer, naam, adres, code, link) of .html met één brief per pagina. De dienst "
        + "bewaart alleen een sleutel-hash: de codes staan alleen in dit bestand. Opnieuw uitvoeren maakt nieuwe codes voor "
        + "iedereen en laat de vorige vervallen; met --members alleen voor die leden. Met --mail verstuurt de dienst de codes zelf "
        + "per mail; alleen wie de mail kreeg, krijgt een nieuwe code. De leden zonder e-mailadres (of bij wie verzenden mislukte) "
        + "houden hun vorige code en worden genoemd; wie nog geen code heeft, krijgt een brief met --members … --out. Exitcode 3 "
        + "als een lid geen mail kreeg (niet opnieuw versturen: alleen brieven zijn nog nodig); is de mailserver onbereikbaar, dan wordt niets vervangen. Blijft het antwoord op --mail uit, "
        + "dan noemt de foutmelding dezelfde opdracht met --idempotency-key <sleutel>: die mailt niemand opnieuw en vervangt geen code. "
        + "Is die mailing onderbroken (de silo die mailde, is gestopt), dan zegt de dienst dat en mailt pas opnieuw met --opnieuw: "
        + "de codes uit de onderbroken mailing zijn nooit geldig geworden, dus ieder gekozen lid krijgt een nieuwe.",
        [Cooperative, Meeting], [Out, Members, Force, Mail, GrantCommands.IdempotencyKey, Restart],
        ["warmte alv online codes ketelhuiswg alv-2027-voorjaar --out stemcodes.xlsx",
         "warmte alv online codes ketelhuiswg alv-2027-voorjaar --mail",
         "warmte alv online codes ketelhuiswg alv-2027-voorjaar --members KWG-0007 --out brief-kwg-0007.html"],
        RunCodes);

    public static readonly CommandSpec Close = new(
        "alv online close",
        "Online stemmen sluiten (bestuur)",
        "Sluit online stemmen voor de vergadering: alle stemcodes vervallen. De voorstellen zelf sluit u met 'warmte alv close'.",
        [Cooperative, Meeting], [],
        ["warmte alv online close ketelhuiswg alv-2027-voorjaar"],
        RunClose);

    private static string Path(CommandContext context) =>
        $"/api/cooperatives/{ApiClient.Segment(context.Argument(0))}/alv/meetings/{ApiClient.Segment(context.Argument(1))}/online";

    private static string[] List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<int> RunOpen(CommandContext context)
    {
        var command = context.Invocation.Command;
        var proposals = List(Commands.Required(context, Proposals));
        if (proposals.Length == 0) throw new UsageException("Optie --proposals noemt geen voorstel; bijvoorbeeld --proposals jaarrekening,tarief.", command);
        var explanations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var given in context.Invocation.All(Explanation))
        {
            var split = given.IndexOf('=');
            var id = split < 0 ? "" : given[..split].Trim();
            if (id.Length == 0)
                throw new UsageException($"--explanation '{given}' noemt geen voorstel; schrijf id=tekst, bijvoorbeeld --explanation \"tarief=Het vastrecht stijgt met 3%.\"", command);
            if (!proposals.Contains(id, StringComparer.Ordinal))
                throw new UsageException($"--explanation noemt '{id}', dat niet in --proposals staat ({string.Join(",", proposals)}).", command);
            if (!explanations.TryAdd(id, given[(split + 1)..].Trim()))
                throw new UsageException($"--explanation noemt '{id}' twee keer; geef één toelichting per voorstel.", command);
        }
        var body = new Dictionary<string, object?>
        {
            // Without --explanation the field is left out, so the service keeps the stored toelichting (tester5 T3).
            ["proposals"] = proposals.Select(p => explanations.TryGetValue(p, out var text)
                ? new Dictionary<string, object?> { ["proposalId"] = p, ["explanation"] = text }
                : new Dictionary<string, object?> { ["proposalId"] = p }).ToArray(),
            ["opens"] = Commands.ParseDate(context.Option(Opens), Opens, command)?.ToString("uuuu-MM-dd", null),
        };
        var response = await context.Api.SendAsync(HttpMethod.Put, Path(context), JsonSerializer.Serialize(body), default);
        using var document = Commands.Parse(response);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        Describe(context, document.RootElement);
        return WarmteCli.Ok;
    }

    private static async Task<int> RunCodes(CommandContext context)
    {
        var command = context.Invocation.Command;
        if (context.Invocation.Flag(Mail))
        {
            if (context.Option(Out) is not null) throw new UsageException("Kies --mail (de dienst mailt de codes) of --out (een bestand), niet beide.", command);
            return await RunMail(context);
        }
        if (context.Invocation.Flag(Restart))
            throw new UsageException("--opnieuw hoort bij --mail: het herstart een onderbroken mailing.", command);
        if (context.Option(GrantCommands.IdempotencyKey) is not null)
            throw new UsageException("--idempotency-key hoort bij --mail: codes in een bestand (--out) kunnen niet veilig herhaald worden, een herhaling maakt nieuwe codes.", command);
        var target = Commands.Required(context, Out).Trim();
        var format = target.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? "xlsx"
            : target.EndsWith(".html", StringComparison.OrdinalIgnoreCase) ? "letters"
            : throw new UsageException($"--out '{target}' moet op .xlsx (mail merge) of .html (brieven) eindigen.", command);
        if (File.Exists(target) && !context.Invocation.Flag(Force))
            throw new InputException($"'{target}' bestaat al en wordt niet overschreven (de codes erin zouden verloren gaan); kies een andere naam of gebruik --force.");
        var members = List(context.Option(Members));
        // --opnieuw and --idempotency-key were refused above: a download is never keyed or restarted.
        var body = JsonSerializer.Serialize(new { members = members.Length == 0 ? null : members });
        var warnings = new List<string>();
        var (bytes, mediaType, _) = await context.Api.DownloadAsync($"{Path(context)}/codes?format={format}",
            format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/html", body, warning: warnings.Add);
        if (mediaType is not ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" or "text/html"))
            throw new UnexpectedAnswerException($"De dienst stuurde geen codes maar '{mediaType ?? "niets"}'.");
        try
        {
            // Owner-only: the file holds every member's voting code.
            var partial = target + ".deel";
            if (OperatingSystem.IsWindows()) await File.WriteAllBytesAsync(partial, bytes);
            else
            {
                await using (var stream = new FileStream(partial, new FileStreamOptions
                {
                    Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                }))
                    await stream.WriteAsync(bytes);
            }
            File.Move(partial, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"Kan '{target}' niet schrijven: {e.Message} De codes zijn wel uitgegeven; voer het commando opnieuw uit (dat maakt nieuwe codes).");
        }
        if (context.Json) context.Out.WriteLine(JsonSerializer.Serialize(new { file = System.IO.Path.GetFullPath(target), bytes = bytes.Length }));
        else context.Out.WriteLine($"Stemcodes opgeslagen in {target}. Eerder uitgegeven codes van {(members.Length == 0 ? "alle leden" : string.Join(", ", members))} werken niet meer.");
        // The warnings (Voting:PublicUrl not set; letters without a postal address, tester6 T8) go to stderr, so they are seen even with --json.
        foreach (var warning in warnings) context.Err.WriteLine("Let op: " + warning);
        return WarmteCli.Ok;
    }

    /// <summary>--mail: the service mails the codes; this prints counts, failures and who needs a letter (never a code).</summary>
    private static async Task<int> RunMail(CommandContext context)
    {
        var members = List(context.Option(Members));
        var restart = context.Invocation.Flag(Restart);
        if (restart && context.Option(GrantCommands.IdempotencyKey) is null)
            throw new UsageException("--opnieuw herstart de onderbroken mailing van één sleutel: geef die met --idempotency-key (de foutmelding noemt de hele opdracht).",
                context.Invocation.Command);
        var bodyFields = new Dictionary<string, object?> { ["members"] = members.Length == 0 ? null : members };
        if (restart) bodyFields["restartInterrupted"] = true;
        var body = JsonSerializer.Serialize(bodyFields);
        var (coop, meeting) = (context.Argument(0), context.Argument(1));
        // A fresh key per invocation (or the one given): after no answer the same command with that key mails nobody
        // again and replaces no code; the service answers what the first try did.
        var key = GrantCommands.Key(context.Option(GrantCommands.IdempotencyKey), context.Invocation.Command);
        var retry = MailRetryCommand(context, key);
        // Honest about the one case the key cannot cover (review18 #5): mailed, but the codes never stored (the service
        // failed in between) — then the retry mails again, and only the newest mail's codes work.
        context.RetryNote = "Of de mail is verstuurd, is niet zeker. Dezelfde opdracht met deze sleutel mailt niemand opnieuw en vervangt geen code "
                            + "als de eerste poging is vastgelegd (wordt er nog verstuurd, probeer het dan over een minuut). Is zij niet vastgelegd, "
                            + "dan werken de codes uit die mail niet en verstuurt deze opdracht een nieuwe mail; alleen de nieuwste werkt:\n  " + retry;
        ApiResponse response;
        try
        {
            response = await context.Api.PostJsonAsync($"{Path(context)}/mail", body,
                new Dictionary<string, string> { [GrantCommands.IdempotencyHeader] = key });
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 409 && ProblemCode(refused.Response) == "mail-in-progress")
        {
            throw new ApiException(refused.Response) { Hint = "Probeer het over een minuut opnieuw met:\n  " + retry };
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 409 && ProblemCode(refused.Response) == "mail-interrupted")
        {
            // The service's text names the API's flag; a CLI user gets the whole command.
            using var problem = refused.Response.TryParse();
            var detail = problem?.RootElement.Str("detail") ?? "";
            var cut = detail.IndexOf(" Verstuur opnieuw met", StringComparison.Ordinal);
            throw new ApiException(refused.Response)
            {
                Detail = (cut < 0 ? detail : detail[..cut]) + " Alleen een nieuwe mailing helpt: ieder gekozen lid met een e-mailadres krijgt dan een nieuwe code, en alleen die werkt.",
                Hint = "Opnieuw mailen:\n  " + retry + " --opnieuw",
            };
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 409 && ProblemCode(refused.Response) == "idempotency-key-reused")
        {
            throw new ApiException(refused.Response)
            {
                Hint = "Deze sleutel hoort bij een mail aan andere leden. Herhaal de oorspronkelijke opdracht precies (dezelfde --members), "
                       + "of laat --idempotency-key weg voor een nieuwe sleutel.",
            };
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 409 && ProblemCode(refused.Response) == "mail-not-configured")
        {
            // The service names its API's way out (…/online/codes?format=letters); a CLI user has --out (tester finding A14).
            throw new ApiException(refused.Response)
            {
                Detail = "Deze silo verstuurt geen mail: Mail:Host is niet ingesteld (docs/operations.md, Mail). Geef de codes uit als brieven "
                         + $"of mail-merge: warmte alv online codes {coop} {meeting} --out brieven.html (of --out stemcodes.xlsx). Er is niets uitgegeven.",
            };
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 409 && ProblemCode(refused.Response) == "mail-unreachable")
        {
            // The service's text names its API; a CLI user gets the same facts with the CLI's way out (tester5 T4).
            using var problem = refused.Response.TryParse();
            var detail = problem?.RootElement.Str("detail") ?? "";
            var cut = detail.IndexOf(" Probeer het later opnieuw", StringComparison.Ordinal);
            throw new ApiException(refused.Response)
            {
                Detail = (cut < 0 ? detail : detail[..cut]) + " Probeer het later opnieuw, of geef de codes uit als brieven of mail-merge: "
                         + $"warmte alv online codes {coop} {meeting} --out brieven.html (of --out stemcodes.xlsx).",
            };
        }
        using var document = Commands.Parse(response);
        // Exit 3 when any member was not reached: the board still has to send letters (tester5 T4), also with --json; not 1,
        // which reads as "failed" and invites the retry that would mail everyone again (tester9a T2).
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(document));
            return document.RootElement.Items("withoutEmail").Any() || document.RootElement.Items("failed").Any() ? WarmteCli.NotEveryoneReached : WarmteCli.Ok;
        }
        var v = document.RootElement;
        context.Out.WriteLine($"Stemcodes voor {v.Str("meetingId")}: {v.Int("issued")} uitgegeven, {v.Int("mailed")} gemaild.");
        var unreached = v.Items("withoutEmail").Count() + v.Items("failed").Count();
        foreach (var f in v.Items("failed")) context.Out.WriteLine($"  Mislukt: {f.Str("memberNumber")}: {f.Str("reason")}");
        var without = v.Items("withoutEmail").Select(n => n.GetString()).ToList();
        if (without.Count > 0) context.Out.WriteLine($"  Zonder e-mailadres: {string.Join(", ", without)}");
        // Who needs a letter, with the CLI's command for it (the service's note names the API call).
        var letters = without.Concat(v.Items("failed").Select(f => f.Str("memberNumber"))).OfType<string>().ToList();
        context.Out.WriteLine(letters.Count == 0
            ? $"  {v.Str("note")}"
            : $"  {Nl.Count(letters.Count, "lid heeft", "leden hebben")} geen mail ontvangen (geen e-mailadres of verzenden mislukt); "
              + $"{(letters.Count == 1 ? "die code is" : "hun codes zijn")} niet vervangen: een eerder uitgegeven code werkt nog. Wie nog geen code heeft, "
              + $"krijgt een brief met: warmte alv online codes {coop} {meeting} --members {string.Join(",", letters)} --out brieven.html");
        return unreached > 0 ? WarmteCli.NotEveryoneReached : WarmteCli.Ok;
    }

    /// <summary>The same --mail command with its key spelled out (address and token come from the environment).</summary>
    private static string MailRetryCommand(CommandContext context, string key)
    {
        var command = context.Invocation.Command;
        var words = new List<string> { "warmte", command.Name };
        words.AddRange(context.Invocation.Arguments.Select(a => GrantCommands.Quote(a.Trim())));
        words.Add("--mail");
        if (context.Option(Members) is { } members) words.AddRange(["--members", GrantCommands.Quote(members.Trim())]);
        words.AddRange(["--idempotency-key", GrantCommands.Quote(key)]);
        return string.Join(' ', words);
    }

    /// <summary>The stable "code" of a problem answer, if any.</summary>
    private static string? ProblemCode(ApiResponse response)
    {
        using var problem = response.TryParse();
        return problem?.RootElement is { ValueKind: JsonValueKind.Object } root ? root.Str("code") : null;
    }

    private static async Task<int> RunClose(CommandContext context)
    {
        using var document = Commands.Parse(await context.Api.PostJsonAsync($"{Path(context)}/close", "{}"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        Describe(context, document.RootElement);
        return WarmteCli.Ok;
    }

    private static void Describe(CommandContext context, JsonElement v)
    {
        context.Out.WriteLine($"Online stemmen voor {v.Str("meetingId")}: {v.Str("status")}, van {Nl.Date(v.Str("opens"))} tot en met {Nl.Date(v.Str("meetingDate"))}.");
        context.Out.WriteLine($"  Voorstellen: {string.Join(", ", v.Items("proposals").Select(p => p.Str("proposalId") + (string.IsNullOrEmpty(p.Str("explanation")) ? " (zonder toelichting)" : " (met toelichting)")))}");
        context.Out.WriteLine($"  Codes uitgegeven: {v.Int("codesIssued")} van {v.Int("electorate")} stemgerechtigden; online gestemd: {Nl.Count(v.Int("voters") ?? 0, "lid", "leden")}.");
        // Closed, and the register changed since (tester6 T5): the figure above is the one the results were counted with.
        if (v.Int("electorateNow") is { } now)
            context.Out.WriteLine($"  De uitslagen zijn geteld met {v.Int("electorate")} stemgerechtigden; volgens het register van nu waren het er {now} op de vergaderdatum "
                                  + "(het register is na het sluiten gewijzigd). De uitslagen blijven staan; alleen een hertelling telt opnieuw.");
        // Online voters not counted for a quorum (tester10 T4): said where the board opens and checks online voting.
        if (v.Str("quorumNote") is { Length: > 0 } note) context.Out.WriteLine($"  Let op: {note}");
    }
}
