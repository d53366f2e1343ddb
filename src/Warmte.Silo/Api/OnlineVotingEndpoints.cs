using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Warmte.Common;
using Warmte.Silo.Auth;
using Warmte.Silo.Mail;
using Warmte.Silo.Storage;
using Warmte.Voting;

namespace Warmte.Silo.Api;

/// <summary>
/// Online voting (issue 17). The board (token of the cooperative's board, or an admin) opens it per
/// meeting, issues codes as a mail-merge sheet or letters, and closes it. Members use
/// <c>/api/stem/*</c> without a token: the voting code in the JSON body (never in the URL) is their
/// identification. Refusals are Dutch problem+json; an unknown, replaced or expired code always gets
/// the same answer.
/// </summary>
public static class OnlineVotingEndpoints
{
    public static void MapOnlineVotingEndpoints(this RouteGroupBuilder api)
    {
        var board = api.MapGroup("/cooperatives/{id}/alv/meetings/{meetingId}/online").WithTags("ALV: online stemmen (bestuur)");

        board.MapGet("", async (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
        {
            if (await Guard(id, http, grains) is { } refused) return refused;
            return await Voting(grains, id, meetingId).View() is { } view ? Answers.Ok(view)
                : Problems.NotFound("Online stemming", $"{id}/{meetingId}");
        }).WithSummary("Online stemming: periode, voorstellen, uitgegeven codes en opkomst (nooit keuzes)");

        board.MapPut("", async (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
        {
            if (await Guard(id, http, grains) is { } refused) return refused;
            var (body, problem) = await RequestBody.ReadAsync<OpenOnlineVoting>(http.Request);
            if (problem is not null) return problem;
            return Answers.From(await Voting(grains, id, meetingId).Open(body!, http.User.Actor()));
        }).ReadsBody<OpenOnlineVoting>().WithSummary("Online stemming openen voor gekozen voorstellen, vanaf een startdatum (uiterlijk 30 dagen vóór de vergadering)");

        board.MapPost("/codes", async (string id, string meetingId, string? format, HttpContext http, IGrainFactory grains, VotingSettings settings) =>
        {
            if (await Guard(id, http, grains) is { } refused) return refused;
            format = (format ?? "json").Trim().ToLowerInvariant();
            if (format is not ("json" or "xlsx" or "letters"))
                return Problems.Invalid("format", $"'{Slug.Truncate(format)}' is geen formaat; kies json, xlsx of letters.");
            var (body, problem) = await RequestBody.ReadAsync<IssueCodes>(http.Request);
            if (problem is not null) return problem;
            var outcome = await Voting(grains, id, meetingId).Issue(body!, http.User.Actor(), format == "letters" ? IssueChannel.Letter : IssueChannel.Downloaded);
            if (!outcome.IsOk) return Problems.From(outcome.Refusal!);
            var issued = outcome.Value!;
            var baseUrl = settings.PublicUrl ?? $"{http.Request.Scheme}://{http.Request.Host}";
            http.Response.Headers.CacheControl = "no-store";
            // Without Voting:PublicUrl the links use the address this request came in on (often localhost): say so (tester F10).
            var warning = PublicUrlWarning(settings, baseUrl);
            if (warning is not null) http.Response.Headers.Append(WarningHeader, warning);
            // Letters without street or town cannot be posted as they are: the board is told which (member numbers only; tester6 T8).
            var unposted = CodeLetters.WithoutPostalAddress(issued);
            if (unposted is not null && format != "json") http.Response.Headers.Append(WarningHeader, unposted);
            return format switch
            {
                // With the e-mail addresses the register has (papercut l): this route is the own board's and admins', who may see them.
                "xlsx" => Results.File(Spreadsheets.Export.VotingCodeSheet.Write(issued, baseUrl, await MemberEmails(grains, id)),
                    Spreadsheets.Export.XlsxFile.ContentType, $"stemcodes-{meetingId}.xlsx"),
                "letters" => Letters(http, CodeLetters.Letters(issued, baseUrl)),
                _ => Answers.Ok(new
                {
                    issued.MeetingId, issued.MeetingDate, issued.Opens, warning, withoutPostalAddress = unposted,
                    codes = issued.Codes.Select(c => new
                    {
                        c.MemberNumber, c.Name, c.Address, c.Street, c.Town, c.HasPostalAddress, c.Code, link = CodeLetters.Link(baseUrl, c.Code),
                    }),
                }),
            };
        }).ReadsBody<IssueCodes>().WithSummary("Stemcodes uitgeven (alle stemgerechtigde leden, of opnieuw voor genoemde leden): json, xlsx (mail merge) of letters (HTML, afdrukken); alleen in dit antwoord leesbaar");

        board.MapOnlineVotingMail(); // POST …/online/mail: codes by mail (src/Warmte.Silo/Mail)

        // Every role may read the trail (a notary, a financier checking the decision); member numbers only the own board and admins (tester10 T7).
        board.MapGet("/audit", async (string id, string meetingId, int? page, int? pageSize, HttpContext http, IGrainFactory grains) =>
        {
            if (Answers.Paging(page, pageSize, out var p, out var size) is { } bad) return bad;
            if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
            var voting = Voting(grains, id, meetingId);
            if (await voting.View() is null) return Problems.NotFound("Online stemming", $"{id}/{meetingId}");
            return Answers.Ok(await voting.GetAudit(p, size, http.User.CanSeePersonalDataOf(id)));
        }).KnownQuery(["page", "pageSize"]).WithSummary("Audittrail van de online stemming: geopend, codes uitgegeven (kanaal: mailed, downloaded of letter), mailings gestart, hervat en niet afgerond, volmachten, gesloten; lidnummers alleen voor het bestuur van de coöperatie en beheerders");

        board.MapPost("/close", async (string id, string meetingId, HttpContext http, IGrainFactory grains) =>
        {
            if (await Guard(id, http, grains) is { } refused) return refused;
            return Answers.From(await Voting(grains, id, meetingId).Close(http.User.Actor()));
        }).WithSummary("Online stemming sluiten: alle codes verlopen");

        var stem = api.MapGroup("/stem").WithTags("Online stemmen (leden, zonder token)").AllowAnonymous();

        stem.MapPost("/paper", (HttpContext http, IGrainFactory grains, StemGuard guard) =>
            Member(http, grains, guard, (voting, hash, _) => voting.Paper(hash)))
            .ReadsBody<StemRequest>().WithSummary("Stembiljet bij een stemcode: vergadering, voorstellen met toelichting en uw eigen stemmen");

        stem.MapPost("/votes", (HttpContext http, IGrainFactory grains, StemGuard guard) =>
            Member(http, grains, guard, (voting, hash, body) => voting.Cast(hash, new CastOnline
            {
                ProposalId = body.ProposalId, Choice = body.Choice, ForMember = body.ForMember,
                // The submission attempt: in the body ("nonce"), or as the API's usual Idempotency-Key header.
                Nonce = body.Nonce ?? (http.Request.Headers.TryGetValue("Idempotency-Key", out var key) ? key.ToString() : null),
            })))
            .ReadsBody<StemRequest>().WithSummary("Stem uitbrengen (Voor, Tegen of Onthouding) op één voorstel; antwoord met ontvangstcode");

        stem.MapPost("/proxy", (HttpContext http, IGrainFactory grains, StemGuard guard) =>
            Member(http, grains, guard, (voting, hash, body) => voting.GiveProxy(hash, new GiveProxy { Holder = body.Holder, ProposalIds = body.ProposalIds })))
            .ReadsBody<StemRequest>().WithSummary("Volmacht geven (als de statuten dat toestaan): lid 'holder' stemt voor u op de gekozen voorstellen; antwoord het bijgewerkte stembiljet");

        stem.MapPost("/proxy/withdraw", (HttpContext http, IGrainFactory grains, StemGuard guard) =>
            Member(http, grains, guard, (voting, hash, body) => voting.WithdrawProxy(hash, new WithdrawProxy { ProposalIds = body.ProposalIds })))
            .ReadsBody<StemRequest>().WithSummary("Volmacht intrekken zolang er nog niet mee gestemd is (geen voorstellen genoemd: alle)");

        stem.MapPost("/receipt", async (HttpContext http, IGrainFactory grains, StemGuard guard) =>
        {
            var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
            if (guard.Admit(address) is { } wait) return TooMany(http, wait);
            var (body, problem) = await RequestBody.ReadAsync<ReceiptRequest>(http.Request);
            if (problem is not null) return problem;
            // The ballot paper names the meeting "votingKey"; "meeting" is the older name (tester4 T10a): either works, not two different ones.
            if (body!.Meeting is { } named && body.VotingKey is { } key && named.Trim() != key.Trim())
                return Problems.Invalid("votingKey", $"'{Slug.Truncate(key)}' is een andere vergadering dan meeting '{Slug.Truncate(named)}'; geef er één.");
            // The error goes under the field that was sent; with neither, under votingKey, the ballot paper's name (tester5 T10i).
            var field = body.Meeting is not null && body.VotingKey is null ? "meeting" : "votingKey";
            var parts = (body.Meeting ?? body.VotingKey ?? "").Trim().Split('/');
            if (parts.Length != 2 || !Slug.IsValid(parts[0]) || !Slug.IsValid(parts[1]))
                return Problems.Invalid(field, "geef de vergadering als 'coöperatie/vergadering', zoals op uw stembevestiging (votingKey op het stembiljet).");
            if (VotingCodes.ParseReceipt(body.Receipt) is not { } receipt)
                return Problems.Invalid("receipt", "een ontvangstcode heeft 8 tekens, bijvoorbeeld K7QD-3MXP.");
            var votingKey = $"{parts[0]}/{parts[1]}";
            // Cluster-wide: the address's wrong attempts, and the meeting's unknown receipts from every address together.
            var (result, _) = await Attempt(http, grains.GetGrain<IVotingAttemptsGrain>(VotingAttempts.AddressKey(address)), guard.AddressLimits, () =>
                Attempt(http, grains.GetGrain<IVotingAttemptsGrain>(VotingAttempts.ReceiptsKey(votingKey)), guard.ReceiptLimits, async () =>
                {
                    var outcome = await grains.GetGrain<IOnlineVotingGrain>(votingKey).CheckReceipt(receipt);
                    return (Answers.From(outcome), outcome.Refusal is { Code: "unknown-receipt" });
                }));
            return result;
        }).ReadsBody<ReceiptRequest>().WithSummary("Na de uitslag: onder welke keuze uw ontvangstcode is geteld");
    }

    /// <summary>The letters as inline HTML of this origin: a strict CSP of their own (the pages' needs script; these need none).</summary>
    private static IResult Letters(HttpContext http, string html)
    {
        http.Response.Headers[Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy] = ApiResponseHeaders.LettersContentSecurityPolicy;
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Text(html, "text/html; charset=utf-8");
    }

    private static IOnlineVotingGrain Voting(IGrainFactory grains, string id, string meetingId) =>
        grains.GetGrain<IOnlineVotingGrain>($"{id}/{meetingId}");

    internal static async Task<IResult?> Guard(string id, HttpContext http, IGrainFactory grains)
    {
        if (await MemberEndpoints.Missing(grains, id) is { } missing) return missing;
        return http.User.CanWriteCooperative(id) ? null
            : Problems.Forbidden($"Alleen het bestuur van '{id}' of een beheerder beheert de online stemming.");
    }

    /// <summary>What the member page sends: the code, and for a vote the proposal and the choice.</summary>
    public sealed record StemRequest
    {
        public string? Code { get; init; }
        public string? ProposalId { get; init; }
        public string? Choice { get; init; }
        /// <summary>Voting as proxy holder: the number of the member who gave the proxy.</summary>
        public string? ForMember { get; init; }
        /// <summary>A vote: the submission attempt (16–64 letters, digits, '-', '_'), the same when the page resends it.</summary>
        public string? Nonce { get; init; }
        /// <summary>Giving a proxy: the holder's member number.</summary>
        public string? Holder { get; init; }
        /// <summary>Giving or withdrawing a proxy: the proposals.</summary>
        public System.Collections.Immutable.ImmutableArray<string?>? ProposalIds { get; init; }
    }

    public sealed record ReceiptRequest
    {
        /// <summary>"{cooperativeId}/{meetingId}", as the confirmation screen shows it.</summary>
        public string? Meeting { get; init; }
        /// <summary>The same, under the name the ballot paper (<c>/api/stem/paper</c>) gives it; either field works (tester4 T10a).</summary>
        public string? VotingKey { get; init; }
        public string? Receipt { get; init; }
    }

    private static async Task<IResult> Member<T>(
        HttpContext http, IGrainFactory grains, StemGuard guard, Func<IOnlineVotingGrain, string, StemRequest, Task<Outcome<T>>> call)
    {
        var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
        // First the cheap per-silo filter, then the cluster-wide count of this address's failed codes (one grain for the whole cluster).
        if (guard.Admit(address) is { } wait) return TooMany(http, wait);
        var (body, problem) = await RequestBody.ReadAsync<StemRequest>(http.Request);
        if (problem is not null) return problem;
        var (result, _) = await Attempt(http, grains.GetGrain<IVotingAttemptsGrain>(VotingAttempts.AddressKey(address)), guard.AddressLimits, async () =>
        {
            var code = VotingCodes.ParseCode(body!.Code);
            var votingKey = code is null ? null : await grains.GetGrain<IVotingCodeDirectoryGrain>(VotingCodeDirectoryGrain.Key).Find(Hasher(http).Hash(code));
            if (votingKey is null) return (Problems.From(OnlineVotingGrain.UnknownCode), true);
            if (guard.AdmitMeeting(votingKey) is { } busy) return (TooMany(http, busy), false);
            var outcome = await call(grains.GetGrain<IOnlineVotingGrain>(votingKey), Hasher(http).Hash(code!), body);
            if (outcome.Refusal is { Code: "unknown-code" }) return (Problems.From(OnlineVotingGrain.UnknownCode), true);
            return (Answers.From(outcome), false);
        });
        return result;
    }

    /// <summary>
    /// One attempt counted against a scope's wrong-code (or wrong-receipt) limit, the one rule for every
    /// member path: the scope admits it (429 while locked out or when too many of its requests are in
    /// flight), <paramref name="attempt"/> answers and says whether the code or receipt was known to be
    /// wrong, and only that counts. An attempt that ends in an error (a silo killed during failover, a
    /// time-out) tells a guesser nothing about the code, so it is settled as not wrong and the error goes
    /// on: a member resending their vote through a failover is not locked out (seen in the 5,000-member
    /// load test). A wrong attempt that raced past the limit is answered with the lockout, not "wrong".
    /// Settling itself failing (the scope's silo died: its count is gone anyway) never changes the answer.
    /// </summary>
    public static async Task<(IResult Result, bool Wrong)> Attempt(
        HttpContext http, IVotingAttemptsGrain scope, AttemptLimits limits, Func<Task<(IResult Result, bool Wrong)>> attempt)
    {
        if (await scope.Begin(limits) is { } wait) return (TooMany(http, wait), false);
        (IResult Result, bool Wrong) answer;
        try
        {
            answer = await attempt();
        }
        catch
        {
            await SettleQuietly(http, scope, wrong: false, limits);
            throw;
        }
        var locked = await SettleQuietly(http, scope, answer.Wrong, limits);
        return answer.Wrong && locked is { } lockout ? (TooMany(http, lockout), true) : answer;
    }

    private static async Task<TimeSpan?> SettleQuietly(HttpContext http, IVotingAttemptsGrain scope, bool wrong, AttemptLimits limits)
    {
        try
        {
            return await scope.Settle(wrong, limits);
        }
        catch (Exception e)
        {
            http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Warmte.Voting").LogWarning(
                "Voting attempt not settled ({Error}); the scope's count was lost with its silo.", e.GetType().Name);
            return null;
        }
    }

    /// <summary>Member number → e-mail address, for the members of the cooperative's register that have one.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> MemberEmails(IGrainFactory grains, string cooperativeId) =>
        (await grains.GetGrain<Members.IMemberRegisterGrain>(cooperativeId).Members())
            .Where(m => m.Email is not null).ToDictionary(m => m.Number, m => m.Email!, StringComparer.Ordinal);

    /// <summary>The header carrying <see cref="PublicUrlWarning"/> on the xlsx and letters downloads (ASCII Dutch text).</summary>
    public const string WarningHeader = "Warmte-Waarschuwing";

    /// <summary>Null when Voting:PublicUrl is set; otherwise a Dutch warning naming the address the links now point to.</summary>
    public static string? PublicUrlWarning(VotingSettings settings, string baseUrl) =>
        settings.PublicUrl is { Length: > 0 } ? null
            : $"Voting:PublicUrl is niet ingesteld: de links in de codes wijzen naar {baseUrl.TrimEnd('/')}/stem, het adres waarop u de dienst nu aanspreekt. "
              + "Leden kunnen die link alleen gebruiken als dat adres ook voor hen werkt (localhost werkt alleen op deze computer). "
              + "Stel Voting:PublicUrl in (bijvoorbeeld https://stem.uwcooperatie.nl) en geef de codes opnieuw uit.";

    private static IVotingCodeHasher Hasher(HttpContext http) => http.RequestServices.GetRequiredService<IVotingCodeHasher>();

    private static IResult TooMany(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Result(StatusCodes.Status429TooManyRequests, "too-many-attempts", "Te veel pogingen",
            $"Er zijn vanaf dit adres te veel pogingen gedaan; probeer het over {DutchWait(seconds)} opnieuw.", []);
    }

    private static string DutchWait(int seconds) => seconds >= 120 ? $"{(seconds + 59) / 60} minuten" : seconds == 1 ? "1 seconde" : $"{seconds} seconden";
}

/// <summary>"Voting:*" configuration.</summary>
public sealed class VotingSettings
{
    /// <summary>The key of the codes' keyed hash, base64, at least 32 bytes. A cluster sets the same on every silo (checked at start: VotingCodeKeyCheck).</summary>
    public string? CodeKey { get; set; }

    /// <summary>One start with this on replaces the key fingerprint stored in the database (key rotation; codes issued so far stop working).</summary>
    public bool ReplaceStoredCodeKey { get; set; }

    /// <summary>The address members reach the silo on, for the links in letters and mails ("https://stem.example.nl"); default: the request's.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Member requests per address per minute, per silo (a cheap flood filter). Sized for a hall: the
    /// members at an ALV share the venue's one public address (a paper and a vote or two each).
    /// </summary>
    public int RequestsPerMinutePerAddress { get; set; } = 600;

    /// <summary>
    /// Unknown codes or receipts from one address (an IPv6 /64) per window of <see cref="LockoutMinutes"/>
    /// before it has to wait out the rest of a short back-off, counted across the whole cluster. Only codes
    /// known to be wrong count; valid codes never do, however many. Sized for a hall: the members of an
    /// ALV share the venue's one address, and a typo from any of them counts here (docs/security.md has
    /// the arithmetic: 80-bit codes stay out of reach at this budget).
    /// </summary>
    public int FailuresBeforeLockout { get; set; } = 100;

    /// <summary>
    /// Member requests from one address (an IPv6 /64) in flight at once, across the cluster: a hall full
    /// of members behind the venue's Wi-Fi votes together. Separate from <see cref="FailuresBeforeLockout"/>,
    /// which counts wrong codes only; the two together bound the codes one address can try per lockout
    /// window (FailuresBeforeLockout − 1 + this).
    /// </summary>
    public int ConcurrentRequestsPerAddress { get; set; } = 200;

    /// <summary>
    /// While an address backs off: lookups it may still make per second (a token bucket across the
    /// cluster, in the address's <see cref="IVotingAttemptsGrain"/>), so a member in the hall whose code is
    /// valid is served (at once, or after a wait of at most 1/this seconds), while a guesser's codes no
    /// longer all reach the one code directory (review F4). The rest get 429 without a lookup.
    /// </summary>
    public int BackOffLookupsPerSecond { get; set; } = 1;

    /// <summary>The bucket's size: lookups an address backing off may make at once (a hall's members voting together; a valid code gives its token back).</summary>
    public int BackOffBurst { get; set; } = 10;

    /// <summary>The counting window and the back-off after the budget is spent (short: a hall waits minutes, not a quarter of an hour).</summary>
    public int LockoutMinutes { get; set; } = 5;

    /// <summary>Unknown receipts for one meeting, from all addresses together and across the cluster, before its receipt check pauses for LockoutMinutes.</summary>
    public int ReceiptFailuresPerMeeting { get; set; } = 1000;

    /// <summary>Member requests per meeting per second (all addresses together).</summary>
    public int RequestsPerSecondPerMeeting { get; set; } = 200;
}

/// <summary>
/// The key of the codes' keyed hash: Voting:CodeKey, or else a random key made once in the data
/// directory (voting-code.key, owner-only). It is never in the database, so a copy of the database
/// does not let anyone check a guessed code offline.
/// </summary>
public static class VotingCodeKey
{
    public const string FileName = "voting-code.key";

    public static IVotingCodeHasher Load(VotingSettings settings, StorageSettings storage)
    {
        if (settings.CodeKey is { Length: > 0 } configured)
        {
            byte[] key;
            try { key = Convert.FromBase64String(configured); }
            catch (FormatException) { throw new ConfigurationException("Voting:CodeKey is geen base64 (32 bytes of meer; maak er een met: openssl rand -base64 32)."); }
            if (key.Length < 32) throw new ConfigurationException("Voting:CodeKey is korter dan 32 bytes; maak een sleutel met: openssl rand -base64 32.");
            return new HmacVotingCodeHasher(key);
        }
        var path = Path.Combine(storage.DataDir, FileName);
        Directory.CreateDirectory(storage.DataDir);
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            try
            {
                DataPermissions.CreatePrivateFile(path);
                File.WriteAllBytes(path, fresh);
            }
            catch (IOException) when (File.Exists(path)) { /* another process made it first: use theirs */ }
        }
        var stored = File.ReadAllBytes(path);
        if (stored.Length < 32) throw new ConfigurationException($"het sleutelbestand {path} bevat minder dan 32 bytes; verwijder het (codes die ermee zijn uitgegeven werken dan niet meer) of zet Voting:CodeKey.");
        return new HmacVotingCodeHasher(stored);
    }
}

/// <summary>
/// Abuse limits on the member API. Per silo, in memory (a cheap first filter, and load protection):
/// requests per address per minute and requests per meeting per second. Cluster-wide (the
/// <see cref="IVotingAttemptsGrain"/>, one activation per scope in the cluster): the lockout after
/// repeated unknown codes or receipts from one address, and failed receipt checks per meeting; this
/// class only carries their limits. With 80-bit codes guessing is hopeless anyway; these keep a
/// guesser (or a flood) from costing the service. Bounds: docs/security.md.
/// </summary>
public sealed class StemGuard(VotingSettings settings, TimeProvider time)
{
    private sealed class Window
    {
        public DateTimeOffset Start;
        public int Count;
    }

    private readonly ConcurrentDictionary<IPAddress, Window> _addresses = new();
    private readonly ConcurrentDictionary<string, Window> _meetings = new();

    /// <summary>Per address: a valid code is served while the address backs off, from a small bucket of lookups (hall-sized, review F4).</summary>
    public AttemptLimits AddressLimits { get; } = new(Math.Max(1, settings.FailuresBeforeLockout), TimeSpan.FromMinutes(Math.Max(1, settings.LockoutMinutes)),
        Math.Max(1, settings.ConcurrentRequestsPerAddress), Math.Max(1, settings.BackOffLookupsPerSecond), Math.Max(1, settings.BackOffBurst));

    /// <summary>
    /// Per meeting, receipts from all addresses together: no bucket, so a meeting whose receipt check backs
    /// off answers every receipt 429 without looking it up (receipts have no hall to lock out; review F4).
    /// </summary>
    public AttemptLimits ReceiptLimits { get; } = new(Math.Max(1, settings.ReceiptFailuresPerMeeting), TimeSpan.FromMinutes(Math.Max(1, settings.LockoutMinutes)),
        Math.Max(1, settings.ReceiptFailuresPerMeeting), BackOffLookupsPerSecond: 0);

    /// <summary>Null when this address may make a request now (this silo's count); otherwise how long to wait.</summary>
    public TimeSpan? Admit(IPAddress address)
    {
        var now = time.GetUtcNow();
        var w = _addresses.GetOrAdd(address, _ => new Window { Start = now });
        lock (w)
        {
            if (now - w.Start >= TimeSpan.FromMinutes(1)) { w.Start = now; w.Count = 0; }
            if (++w.Count > settings.RequestsPerMinutePerAddress) return w.Start + TimeSpan.FromMinutes(1) - now;
            Prune(now);
            return null;
        }
    }

    public TimeSpan? AdmitMeeting(string votingKey)
    {
        var now = time.GetUtcNow();
        var w = _meetings.GetOrAdd(votingKey, _ => new Window { Start = now });
        lock (w)
        {
            if (now - w.Start >= TimeSpan.FromSeconds(1)) { w.Start = now; w.Count = 0; }
            return ++w.Count > settings.RequestsPerSecondPerMeeting ? w.Start + TimeSpan.FromSeconds(1) - now : null;
        }
    }

    /// <summary>Forgets quiet addresses now and then, so the table does not grow with every address ever seen.</summary>
    private void Prune(DateTimeOffset now)
    {
        if (_addresses.Count < 10_000) return;
        foreach (var (key, w) in _addresses)
            if (now - w.Start > TimeSpan.FromHours(1)) _addresses.TryRemove(key, out _);
    }
}
