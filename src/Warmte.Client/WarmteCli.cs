using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using NodaTime;

namespace Warmte.Client;

/// <summary>
/// The <c>warmte</c> command-line program. It talks HTTP to the service, with a bearer token; the business-case
/// commands (<c>model</c>, <c>loan</c>) instead compute a local model file with the engine, without the service.
/// Exit codes: 0 ok; 1 bad input (usage error, invalid model file, or HTTP 400/404/409); 2 service or sign-in problem
/// (unreachable, time-out, 401, 403, 5xx); 3 done, but not every member reached (the voting mail). Usage errors are 1, not the conventional 2, because 2 already meant the
/// service here. Failures are explained in Dutch on stderr, never as a stack trace. Parsing: <see cref="CommandLine"/>.
/// </summary>
public static class WarmteCli
{
    public const int Ok = 0;
    public const int BadInput = 1;
    public const int ServiceProblem = 2;
    /// <summary>
    /// The request was carried out, but not for everyone: the voting mail reached some members and others still need a letter
    /// (tester9a T2). Not 1: a script or board that reads 1 as "failed" retries, and a mail sent again replaces codes.
    /// </summary>
    public const int NotEveryoneReached = 3;

    public const string UrlVariable = "WARMTE_URL";
    public const string TokenVariable = "WARMTE_TOKEN";
    /// <summary>Path of the config file, when not the default ~/.config/warmte/config.</summary>
    public const string ConfigVariable = "WARMTE_CONFIG";
    /// <summary>When set to 1, an http:// address of another machine is accepted (the token then travels unencrypted).</summary>
    public const string InsecureVariable = "WARMTE_INSECURE";
    /// <summary>When set to 1, unexpected errors are printed in full (for developers).</summary>
    public const string DebugVariable = "WARMTE_DEBUG";

    /// <summary>Runs one command line. <paramref name="handler"/> replaces the network (tests); it is not disposed.</summary>
    public static Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, HttpMessageHandler? handler = null) =>
        // Decision dates are Amsterdam calendar dates, whatever the laptop's own time zone.
        RunAsync(args, stdout, stderr, environment, handler,
            () => SystemClock.Instance.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]).Date);

    /// <summary>As above, with the local date supplied (the default for <c>--date</c>).</summary>
    internal static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment,
        HttpMessageHandler? handler, Func<LocalDate> today)
    {
        Settings? settings = null;
        Invocation? invocation = null;
        CommandContext? context = null;
        // Everything the CLI writes reaches the terminal without raw control characters (tester9b T4); the shell
        // completion script is written as it is.
        var (rawOut, rawErr) = (stdout, stderr);
        (stdout, stderr) = (TerminalSafeWriter.Wrap(stdout), TerminalSafeWriter.Wrap(stderr));
        try
        {
            var request = CommandLine.Parse(args);
            if (request is CompletionRequest completion)
                return await completion.Result.InvokeAsync(new System.CommandLine.InvocationConfiguration
                {
                    Output = rawOut, Error = rawErr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
                });
            if (request is HelpRequest help)
            {
                Help.Write(help, stdout);
                return Ok;
            }
            invocation = (Invocation)request;
            if (invocation.Command.Offline)
                return await invocation.Command.Run(new CommandContext(invocation, null, stdout, stderr, today));
            settings = Settings.From(invocation, environment);

            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = settings.Timeout;
            var api = new ApiClient(http, settings.BaseUrl, settings.Token);
            context = new CommandContext(invocation, api, stdout, stderr, today);
            return await context.Run();
        }
        catch (UsageException usage)
        {
            stderr.WriteLine(usage.Message);
            Help.WriteUsageHint(usage.Command, usage.Group, stderr);
            return BadInput;
        }
        catch (InputException input)
        {
            stderr.WriteLine(input.Message);
            return BadInput;
        }
        catch (ApiException refused) when (settings is not null)
        {
            var exit = Report(refused, settings, invocation?.Flag(GlobalOptions.Json) == true, stdout, stderr);
            if (refused.Response.StatusCode is >= 500 or 408 or 429) WriteRetryNote(context, stderr);
            return exit;
        }
        catch (HttpRequestException unreachable) when (settings is not null)
        {
            stderr.WriteLine($"Kan de dienst op {Display(settings.BaseUrl)} niet bereiken: {Reason(unreachable, settings.BaseUrl)}.");
            stderr.WriteLine($"Controleer het adres (--url of {UrlVariable}) en of de dienst draait.");
            WriteRetryNote(context, stderr);
            return ServiceProblem;
        }
        catch (OperationCanceledException) when (settings is not null)
        {
            stderr.WriteLine($"De dienst op {Display(settings.BaseUrl)} antwoordde niet binnen {Nl.Count((long)settings.Timeout.TotalSeconds, "seconde", "seconden")}.");
            stderr.WriteLine("Probeer het later opnieuw, of geef meer tijd met --timeout <seconden>.");
            WriteRetryNote(context, stderr);
            return ServiceProblem;
        }
        catch (UnexpectedAnswerException unexpected)
        {
            stderr.WriteLine(unexpected.Message);
            return ServiceProblem;
        }
        catch (Exception bug)
        {
            stderr.WriteLine($"Onverwachte fout in warmte: {bug.Message}");
            if (environment.TryGetValue(DebugVariable, out var debug) && debug == "1") stderr.WriteLine(bug);
            else stderr.WriteLine($"Zet {DebugVariable}=1 voor technische details.");
            return ServiceProblem;
        }
    }

    /// <summary>
    /// After a failure whose effect is unknown (no answer, time-out, 5xx), how to retry a write without doing it twice:
    /// the command's own note, e.g. its idempotency key.
    /// </summary>
    private static void WriteRetryNote(CommandContext? context, TextWriter stderr)
    {
        if (context?.RetryNote is { } note) stderr.WriteLine(note);
    }

    /// <summary>The exit code for an HTTP refusal: the caller's input (1) or the service or sign-in (2).</summary>
    public static int ExitCodeFor(int status) => status switch
    {
        401 or 403 or 407 or 408 or 429 => ServiceProblem,
        >= 400 and < 500 => BadInput,
        _ => ServiceProblem,
    };

    private static int Report(ApiException refused, Settings settings, bool json, TextWriter stdout, TextWriter stderr)
    {
        var response = refused.Response;
        using var problem = response.TryParse();
        if (json && problem is not null) stdout.WriteLine(JsonRead.Pretty(problem));
        var root = problem?.RootElement;
        var title = root?.Str("title");
        var detail = refused.Detail ?? root?.Str("detail");

        switch (response.StatusCode)
        {
            case 401:
                stderr.WriteLine(settings.Token is null
                    ? "Niet aangemeld (HTTP 401): er is geen token opgegeven."
                    : $"Niet aangemeld (HTTP 401): de dienst op {Display(settings.BaseUrl)} accepteert het token niet (onbekend, ingetrokken of onvolledig gekopieerd).");
                stderr.WriteLine(settings.Token is null
                    ? $"Geef een token mee met --token of zet de omgevingsvariabele {TokenVariable}."
                    : $"Controleer --token of {TokenVariable}, of vraag de beheerder om een nieuw token.");
                return ServiceProblem;
            case 403:
                stderr.WriteLine($"{title ?? "Geen toegang"} (HTTP 403){(detail is null ? "." : ": " + detail)}");
                stderr.WriteLine("Uw token heeft niet de rol die hiervoor nodig is; vraag de beheerder om een token met de juiste rol.");
                return ServiceProblem;
        }

        if (root is { ValueKind: JsonValueKind.Object } body && (title is not null || detail is not null))
        {
            stderr.WriteLine($"{title ?? "Fout"} (HTTP {response.StatusCode})");
            if (detail is not null) stderr.WriteLine(detail);
            foreach (var line in ErrorLines(body)) stderr.WriteLine(line);
        }
        else
        {
            stderr.WriteLine($"De dienst op {Display(settings.BaseUrl)} antwoordde met HTTP {response.StatusCode}"
                             + (string.IsNullOrWhiteSpace(response.Body) ? "." : ":"));
            if (!string.IsNullOrWhiteSpace(response.Body)) stderr.WriteLine("  " + Excerpt(response.Body));
        }

        var exit = ExitCodeFor(response.StatusCode);
        if (exit == ServiceProblem)
            stderr.WriteLine("Dit ligt aan de dienst, niet aan uw invoer. Probeer het later opnieuw; blijft het misgaan, meld het dan bij de beheerder.");
        else if (refused.Hint is not null)
            stderr.WriteLine(refused.Hint);
        return exit;
    }

    /// <summary>
    /// Each reason in a problem's "errors" object (field → reasons) as "  field: reason". A gate condition
    /// ("conditions.huurdersinstemming") is shown by its Dutch text alone (tester9a T11): nobody types that key; where
    /// a document is to be recorded, the command's hint names the key with the command that records it.
    /// </summary>
    internal static IEnumerable<string> ErrorLines(JsonElement problem)
    {
        if (problem.Prop("errors") is not { ValueKind: JsonValueKind.Object } errors) yield break;
        foreach (var field in errors.EnumerateObject())
        {
            var prefix = field.Name.StartsWith(ConditionPrefix, StringComparison.Ordinal) ? "  " : $"  {field.Name}: ";
            if (field.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var reason in field.Value.EnumerateArray())
                    yield return prefix + (reason.ValueKind == JsonValueKind.String ? reason.GetString() : reason.GetRawText());
            }
            else if (field.Value.ValueKind == JsonValueKind.String)
                yield return prefix + field.Value.GetString();
            else
                yield return prefix + field.Value.GetRawText();
        }
    }

    /// <summary>The field prefix of a gate condition in a refused gate decision.</summary>
    internal const string ConditionPrefix = "conditions.";

    private static string Reason(HttpRequestException exception, Uri baseUrl)
    {
        var socket = Inner<SocketException>(exception);
        return exception.HttpRequestError switch
        {
            _ when socket?.SocketErrorCode == SocketError.ConnectionRefused => "de verbinding werd geweigerd (draait de dienst, en klopt de poort?)",
            HttpRequestError.NameResolutionError => $"de naam '{baseUrl.Host}' is onbekend",
            HttpRequestError.SecureConnectionError => "er kwam geen beveiligde verbinding (TLS) tot stand (klopt http of https?)",
            HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded =>
                "het antwoord was geen geldig HTTP (is dit wel het adres van de Warmtenet-dienst, en klopt http of https?)",
            _ when socket is not null => $"geen verbinding mogelijk ({socket.SocketErrorCode})",
            _ => exception.Message,
        };
    }

    private static T? Inner<T>(Exception exception) where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    /// <summary>The address as shown to people: without any user name or password in it.</summary>
    internal static string Display(Uri url) =>
        new UriBuilder(url) { UserName = "", Password = "" }.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private static string Excerpt(string body)
    {
        var flat = string.Join(' ', body.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }

    /// <summary>
    /// Where to reach the service and how: from the options, else the environment, else the config file
    /// (<see cref="ConfigVariable"/>, or ~/.config/warmte/config: lines <c>url = …</c> and <c>token = …</c>), else the defaults.
    /// </summary>
    internal sealed record Settings(Uri BaseUrl, string? Token, TimeSpan Timeout)
    {
        public static Settings From(Invocation invocation, IDictionary<string, string?> environment)
        {
            var config = ConfigFile.Read(environment);
            var fromOption = invocation.Option(GlobalOptions.Url);
            var urlText = NonBlank(fromOption) ?? NonBlank(Lookup(environment, UrlVariable)) ?? NonBlank(config.Url) ?? GlobalOptions.DefaultUrl;
            var source = NonBlank(fromOption) is not null ? "--url" : NonBlank(Lookup(environment, UrlVariable)) is not null ? UrlVariable
                : NonBlank(config.Url) is not null ? config.Path! : "standaard";
            if (!Uri.TryCreate(urlText.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
                || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
                throw new UsageException(
                    $"'{Tokens.Shorten(urlText)}' ({source}) is geen geldig adres van de dienst; gebruik bijv. {GlobalOptions.DefaultUrl}.",
                    invocation.Command);

            // A bearer token over plain HTTP to another machine can be read on the way; loopback never leaves the machine.
            if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback && Lookup(environment, InsecureVariable)?.Trim() != "1")
                throw new InputException(
                    $"'{Display(url)}' ({source}) gebruikt http:// naar een andere machine: het token zou onversleuteld over het netwerk gaan. "
                    + $"Gebruik https:// in {UrlVariable} of --url, of zet {InsecureVariable}=1 als u dat bewust wilt (bijv. in een afgesloten testnetwerk).");

            if (invocation.Options.ContainsKey(GlobalOptions.Token.Name) && NonBlank(invocation.Option(GlobalOptions.Token)) is null)
                throw new UsageException("Optie --token mag niet leeg zijn.", invocation.Command);
            var token = NonBlank(invocation.Option(GlobalOptions.Token)) ?? NonBlank(Lookup(environment, TokenVariable));
            if (token is null && NonBlank(config.Token) is { } fromFile)
            {
                config.RefuseIfOthersMayRead();
                token = fromFile;
            }
            token = token?.Trim();
            if (token is not null && token.Any(c => c <= ' ' || c > '~'))
                throw new UsageException("Het token bevat ongeldige tekens (spaties, regeleinden of letters met accenten); kopieer het opnieuw.",
                    invocation.Command);

            var timeout = GlobalOptions.DefaultTimeoutSeconds;
            if (invocation.Option(GlobalOptions.Timeout) is { } timeoutText
                && (!int.TryParse(timeoutText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out timeout)
                    || timeout < 1 || timeout > GlobalOptions.MaxTimeoutSeconds))
                throw new UsageException(
                    $"'{Tokens.Shorten(timeoutText)}' is geen geldige waarde voor --timeout; geef een heel aantal seconden van 1 tot {GlobalOptions.MaxTimeoutSeconds}.",
                    invocation.Command);

            return new Settings(url, token, TimeSpan.FromSeconds(timeout));
        }

        private static string? Lookup(IDictionary<string, string?> environment, string name) =>
            environment.TryGetValue(name, out var value) ? value : null;

        private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>
    /// The optional config file: <c>url = https://…</c> and <c>token = wt_…</c>, one per line, <c>#</c> for
    /// comments. Keep it readable by its owner only (chmod 600): it holds a secret.
    /// </summary>
    internal sealed record ConfigFile(string? Path, string? Url, string? Token)
    {
        public static ConfigFile Read(IDictionary<string, string?> environment)
        {
            var path = environment.TryGetValue(ConfigVariable, out var explicitPath) && !string.IsNullOrWhiteSpace(explicitPath)
                ? explicitPath
                : environment.TryGetValue("XDG_CONFIG_HOME", out var xdg) && !string.IsNullOrWhiteSpace(xdg)
                    ? System.IO.Path.Combine(xdg, "warmte", "config")
                    : environment.TryGetValue("HOME", out var home) && !string.IsNullOrWhiteSpace(home)
                        ? System.IO.Path.Combine(home, ".config", "warmte", "config")
                        : null;
            if (path is null || !File.Exists(path)) return new ConfigFile(null, null, null);
            string? url = null, token = null;
            foreach (var raw in File.ReadAllLines(path))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var equals = line.IndexOf('=');
                if (equals < 0)
                    throw new InputException($"Regel '{Tokens.Shorten(line)}' in {path} is geen 'naam = waarde'; verwacht url = … of token = ….");
                var (name, value) = (line[..equals].Trim().ToLowerInvariant(), line[(equals + 1)..].Trim());
                switch (name)
                {
                    case "url": url = value; break;
                    case "token": token = value; break;
                    default: throw new InputException($"'{Tokens.Shorten(name)}' in {path} is onbekend; alleen url en token mogen erin staan.");
                }
            }
            return new ConfigFile(path, url, token);
        }

        /// <summary>
        /// As ssh does with a private key: a token in a file that group or others may read or write is
        /// refused, not used, so the mistake is fixed instead of lived with.
        /// </summary>
        public void RefuseIfOthersMayRead()
        {
            if (Path is null || OperatingSystem.IsWindows()) return;
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            var mode = File.GetUnixFileMode(Path);
            if ((mode & others) != 0)
                throw new InputException(
                    $"{Path} bevat een token maar is ook voor anderen leesbaar of schrijfbaar (modus {Convert.ToString((int)mode, 8)}); "
                    + $"het token wordt niet gebruikt. Maak het bestand alleen voor uzelf: chmod 600 {Path}");
        }
    }
}
