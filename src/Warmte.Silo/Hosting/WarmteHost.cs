using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Warmte.Common;
using Warmte.Serialization;
using Warmte.Silo.Api;
using Warmte.Silo.Auth;
using Warmte.Silo.Demo;
using Warmte.Silo.Operations;
using Warmte.Silo.Storage;
using Warmte.Silo.Web;

namespace Warmte.Silo.Hosting;

/// <summary>
/// Builds the service: one process that is an Orleans silo and the HTTP API in front of it.
/// Embedded by default (SQLite file, localhost clustering); cluster mode on PostgreSQL with
/// Storage:Provider=PostgreSQL.
/// </summary>
public static partial class WarmteHost
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Turns the documented switches (--data-dir, --demo) into configuration keys.</summary>
    public static string[] NormaliseArgs(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--demo") result.Add("--Demo=true");
            else if (arg == "--data-dir") result.Add("--DataDir");
            else if (arg.StartsWith("--data-dir=", StringComparison.Ordinal)) result.Add("--DataDir=" + arg["--data-dir=".Length..]);
            else result.Add(arg);
        }
        return [.. result];
    }

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(NormaliseArgs(args));
        configure?.Invoke(builder);
        // Every setting's value first: a wrong one stops the start here, named in Dutch, before anything is created,
        // bound or printed (tester8 T4/T11: a crash after the database was made and the first token printed).
        StartupSettings.Check(builder.Configuration);
        var defaultUrls = string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]);
        if (defaultUrls) builder.WebHost.UseUrls(DefaultUrl);
        // An HTTP port in use is refused here, before the data directory or the database is touched (HttpPorts).
        HttpPorts.Check(builder.Configuration, defaultUrls);

        // Tests with silo processes may shift the service's clock (TestClockOffset): only in the Testing environment,
        // elsewhere the key refuses the start here, before the data directory or the database is touched.
        var testClock = TestClockOffset.From(builder.Configuration, builder.Environment.EnvironmentName);
        // The data directory is made only after every setting was read and checked (DataDirLock.Acquire, below).
        var storage = StorageSettings.From(builder.Configuration, createDataDir: false);
        // Tests only: a SQLite file that can be made "full" on demand (SqliteTestPageLimit); nothing to set, nowhere else.
        if (storage.Provider == StorageProvider.Sqlite && builder.Environment.IsEnvironment(TestClockOffset.Environment))
            storage = storage with { TestPageLimit = new SqliteTestPageLimit() };
        if (testClock is not null) builder.Services.TryAddSingleton<IClock>(testClock);
        builder.Services.TryAddSingleton<IClock>(NodaTime.SystemClock.Instance);
        // A query parameter that does not bind (?page=abc) throws, so WriteUnhandled can name it (Api/QueryBinding.cs).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(storage);
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<Api.ProjectCooperatives>();
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddSingleton<ActorNames>();
        builder.Services.AddSingleton<DemoData>();
        // Tests only (Testing environment): make the demo load fail at a checkpoint (DemoFaults). Refused elsewhere, before anything is opened.
        builder.Services.AddSingleton(DemoFaults.From(builder.Configuration, builder.Environment.EnvironmentName));
        // With --demo the silo is ready only once the demo data is there (/health/ready).
        builder.Services.AddSingleton(new DemoReadiness(builder.Configuration.GetValue<bool>("Demo")));

        ConfigureOrleans(builder, storage);
        ConfigureHttp(builder);
        // Created by the container so that it is released when the app is disposed (a restart in the same process).
        if (storage.Provider == StorageProvider.Sqlite) builder.Services.AddSingleton(_ => DataDirLock.Acquire(storage.DataDir));

        var app = builder.Build();
        // Before anything touches the database: a second silo on this folder stops here (DataDirLock).
        if (storage.Provider == StorageProvider.Sqlite) app.Services.GetRequiredService<DataDirLock>();

        // Which build runs on which data: the first line of every start, before an upgrade's migration lines (docs/operations.md, Upgrading).
        app.Logger.LogInformation("Warmte.Silo {Version} (commit {Commit}) starting on {Storage} {Where}", BuildInfo.Version,
            BuildInfo.Commit ?? "unknown", storage.Provider, storage.Provider == StorageProvider.Sqlite ? storage.DataDir : "(cluster mode)");
        if (app.Services.GetRequiredService<SiloPorts.Choice>().Note is { } portNote) app.Logger.LogWarning("{Note}", portNote);
        if (testClock is not null)
            app.Logger.LogWarning("{Key} is set: the service's clock is the {Clock}, not the real time (for tests only)", TestClockOffset.Key, testClock);
        var tightened = storage.Provider == StorageProvider.Sqlite ? DataPermissions.Secure(storage.DataDir) : [];
        foreach (var change in tightened)
            // Dutch like the other start-up messages an operator reads on the console (tester9a T14).
            app.Logger.LogWarning("Rechten van een databestand waren ruimer dan alleen de eigenaar: {Change}", change);
        if (app.Services.GetRequiredService<SiloTransportSecurity.Settings>().Insecure)
            app.Logger.LogWarning("ONVEILIG: Orleans:Tls:Insecure=true. Silo-to-silo traffic is neither encrypted nor authenticated; "
                                  + "allowed only because every silo is on this machine (loopback). Never use this across machines.");

        // The schema must exist before Orleans opens its tables, and the first admin token before anyone can call.
        await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        // Every silo of this database must hash voting codes with the same key: refused before anything is written (issue 17).
        await VotingCodeKeyCheck.EnsureAsync(app.Services.GetRequiredService<Database>(), app.Services.GetRequiredService<Voting.IVotingCodeHasher>(),
            app.Services.GetRequiredService<Api.VotingSettings>(), app.Services.GetRequiredService<IClock>(), app.Logger);
        await BootstrapAdminTokenAsync(app);

        MapHttp(app);
        app.Lifetime.ApplicationStarted.Register(() => AlertWatchStartup.Start(app, loadDemoFirst: builder.Configuration.GetValue<bool>("Demo")));
        app.Lifetime.ApplicationStarted.Register(() => ProjectSummaryStartup.Start(app));
        app.Lifetime.ApplicationStarted.Register(() => MemberCountStartup.Start(app));
        return app;
    }

    private static void ConfigureOrleans(WebApplicationBuilder builder, StorageSettings storage)
    {
        var config = builder.Configuration;
        // No Orleans client gateway: the HTTP API is in this process and calls grains directly, and nothing else may
        // (a gateway would let anyone who reaches its port call any grain past every role check). Orleans:GatewayPort is
        // no longer read; 0 tells Orleans to open none. See docs/operations.md (The silo's ports).
        const int gatewayPort = 0;
        var clusterId = config["Orleans:ClusterId"] ?? "warmtenet";
        var serviceId = config["Orleans:ServiceId"] ?? "warmtenet";
        var clusterMode = storage.Provider == StorageProvider.PostgreSQL;
        var advertised = clusterMode && config["Orleans:AdvertisedIP"] is { Length: > 0 } ip ? ParseAdvertised(ip) : IPAddress.Loopback;
        // A silo port in use is refused here, before the data is touched (embedded without Orleans:SiloPort: a free one): SiloPorts.
        var ports = SiloPorts.Choose(config, clusterMode, advertised);
        var siloPort = ports.Port;
        builder.Services.AddSingleton(ports);
        // Certificates are checked against real time (not IClock): they expire in the world (SiloTransportSecurity).
        var tls = SiloTransportSecurity.Read(config, clusterMode, advertised, DateTimeOffset.UtcNow);
        builder.Services.AddSingleton(tls);

        builder.UseOrleans(silo =>
        {
            if (storage.Provider == StorageProvider.PostgreSQL)
            {
                silo.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
                // The silo port listens on the advertised address only, not on every interface of the machine.
                silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: false);
                silo.UseAdoNetClustering(o => { o.Invariant = storage.Invariant; o.ConnectionString = storage.ConnectionString; });
                // Failure detection (Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, ...): defaults for a small LAN
                // cluster, each overridable by configuration. See docs/operations.md ("Failure detection").
                ConfigureMembership(silo.Services, config);
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
            }
            if (tls.Enabled) silo.UseWarmteTls(tls);
            // Idle grains' deactivation (Orleans:GrainCollection:CollectionAge, default 15 min; memory-pressure shedding): docs/operations.md.
            silo.Services.Configure<GrainCollectionOptions>(config.GetSection("Orleans:GrainCollection"));
            // Reminders are stored on both engines (sqlite/0005, postgresql/0003): the alert sweeps' 32, whatever the number of projects.
            silo.UseAdoNetReminderService(o => { o.Invariant = storage.Invariant; o.ConnectionString = storage.ConnectionString; });
            silo.AddWarmteGrainStorage(storage);
        });
        // Registered after UseOrleans: the last registration wins over Orleans' FailFast handler (exit 134 without a word).
        builder.Services.AddSingleton<IFatalErrorHandler, DeclaredDead>();
        builder.Services.Configure<Alerts.AlertWatchOptions>(builder.Configuration.GetSection("Alerts"));
        // Online voting (issue 17): the codes' hash key, the member API's abuse limits.
        var voting = config.GetSection("Voting").Get<Api.VotingSettings>() ?? new Api.VotingSettings();
        builder.Services.AddSingleton(voting);
        builder.Services.AddSingleton<Voting.IVotingCodeHasher>(_ => Api.VotingCodeKey.Load(voting, storage));
        builder.Services.AddSingleton(sp => new Api.StemGuard(voting, TimeProvider.System));
        // Voting codes by mail (Mail:*; off without Mail:Host): checked now, so a wrong setting stops the start.
        builder.Services.AddSingleton((config.GetSection("Mail").Get<Mail.MailSettings>() ?? new Mail.MailSettings()).Check());
        builder.Services.AddSingleton<Mail.IMailSender, Mail.SmtpMailSender>();
    }

    /// <summary>
    /// Cluster mode's failure detection, for a small cluster of a few silos on one LAN (issue 17: a silo killed
    /// while members vote). Orleans' defaults are made for large clusters (5-s probes that adapt up to 20 s,
    /// a 60-s table refresh); here a killed silo is declared dead in about 3 s on a quiet network, so calls
    /// waiting on its grains fail and are retried within seconds. Each value can be overridden under
    /// Orleans:Membership (the configuration binds after these defaults). The trade-off (a silo frozen longer
    /// than <see cref="ProbeTimeout"/> × 4 × <see cref="NumMissedProbesLimit"/> can be declared dead; it then stops
    /// and its service manager restarts it) is in docs/operations.md.
    /// </summary>
    public static void ConfigureMembership(IServiceCollection services, IConfiguration config)
    {
        services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;                           // Orleans: 5 s; adapts between half (1 s) and four times (8 s)
            o.NumMissedProbesLimit = NumMissedProbesLimit;           // Orleans: 3
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);        // Orleans: 60 s; gossip is immediate, this is the fallback
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(60); // Orleans: 2 min; above the 24-s longest suspicion window
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10); // Orleans: 30 s; a crashed silo's row is stale after 30 s
        });
        services.Configure<ClusterMembershipOptions>(config.GetSection("Orleans:Membership"));
    }

    /// <summary>The cluster-mode probe timeout default (Orleans' own: 5 s).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes in a row before a silo is suspected (Orleans' own default, kept).</summary>
    public const int NumMissedProbesLimit = 3;

    private static IPAddress ParseAdvertised(string ip) =>
        IPAddress.TryParse(ip.Trim(), out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address
            : throw new ConfigurationException($"Orleans:AdvertisedIP: '{ip}' is geen bruikbaar IP-adres; geef het adres waarop de andere silo's deze machine bereiken (bijv. 10.0.0.11).");

    /// <summary>
    /// The grains' storage: Orleans' ADO.NET provider on SQLite or PostgreSQL, state serialised as
    /// JSON with ISO dates, so stored state does not depend on .NET type names or layouts.
    /// Shared by the host and the grain tests.
    /// </summary>
    public static ISiloBuilder AddWarmteGrainStorage(this ISiloBuilder silo, StorageSettings storage)
    {
        silo.AddAdoNetGrainStorage(StorageNames.Grains, o =>
        {
            o.Invariant = storage.Invariant;
            o.ConnectionString = storage.ConnectionString;
        });
        // Journaled grains (cash plan, funding) keep snapshot, history and idempotency keys in tables of their own.
        // A full disk: one warning per episode, /health/ready 503 while it lasts (StorageSpace, docs/operations.md).
        silo.Services.TryAddSingleton(sp => new StorageSpace(sp.GetService<IClock>() ?? NodaTime.SystemClock.Instance, sp.GetRequiredService<ILogger<StorageSpace>>()));
        // A database exception that leaves the silo (a call from another silo) goes as the service's own, classified here.
        DatabaseFailureCodec.AddTo(silo.Services);
        // SQLite: the WAL truncated after an erasure or a retention run (tester9b T2; WalCheckpoint).
        silo.Services.TryAddSingleton(sp => new WalCheckpoint(new Database(storage), sp.GetService<ILogger<WalCheckpoint>>()));
        silo.Services.AddSingleton<Journal.IJournalStore>(sp => new AdoNetJournalStore(new Database(storage), storage.GroupCommit, sp.GetRequiredService<StorageSpace>(),
            sp.GetRequiredService<WalCheckpoint>()));
        // The alert sweeps' due table (issue 15: a fixed number of reminders instead of one per project).
        silo.Services.AddSingleton<Alerts.IAlertDueStore>(new AdoNetAlertDueStore(new Database(storage)));
        // Keyed voting mails being sent, durable so that any silo can tell a running mailing from an interrupted one.
        silo.Services.AddSingleton<Voting.IVotingMailings>(new AdoNetVotingMailings(new Database(storage)));
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => WarmteJson.Configure(o.JsonSerializerOptions));
        return silo;
    }

    private static void ConfigureHttp(WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => RequestBody.Configure(o.SerializerOptions)); // the reader's options: the OpenAPI schemas show what it accepts
        builder.Services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, _ => { });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddOpenApi(OpenApiBodies.Configure); // request bodies read by RequestBody: Api/OpenApiBodies.cs
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestBody.MaxBytes);
        builder.AddWarmteOperations();
        ConfigureForwardedHeaders(builder);
    }

    /// <summary>
    /// Behind a TLS-terminating proxy the silo sees plain HTTP from the proxy's address; X-Forwarded-Proto tells
    /// it the browser used HTTPS (so the dashboard cookie stays Secure) and X-Forwarded-For who the client is (so
    /// the per-address limits — token lookups, voting-code attempts — count each client, not the proxy once for
    /// everyone). Only from known proxies: anyone else could claim either. Of X-Forwarded-For only the last entry
    /// is taken (the one the known proxy added itself; earlier entries are the client's word).
    /// ForwardedHeaders:KnownProxies (addresses) and ForwardedHeaders:KnownNetworks (CIDR) replace the default,
    /// loopback. The host stays as the connection says.
    /// </summary>
    private static void ConfigureForwardedHeaders(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("ForwardedHeaders");
        // Parsed here, so a wrong setting stops the start before anything listens.
        var proxies = (section.GetSection("KnownProxies").Get<string[]>() ?? []).Select(proxy =>
            IPAddress.TryParse(proxy.Trim(), out var ip) ? ip
                : throw new ConfigurationException($"ForwardedHeaders:KnownProxies: '{proxy}' is geen IP-adres.")).ToList();
        var networks = (section.GetSection("KnownNetworks").Get<string[]>() ?? []).Select(network =>
            System.Net.IPNetwork.TryParse(network.Trim(), out var net) ? net
                : throw new ConfigurationException($"ForwardedHeaders:KnownNetworks: '{network}' is geen netwerk in CIDR-vorm (10.0.0.0/24).")).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedFor;
            o.ForwardLimit = 1;
            if (proxies.Count == 0 && networks.Count == 0) return; // ASP.NET's default: loopback (127.0.0.0/8, ::1)
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
    }

    private static void MapHttp(WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseApiResponseHeaders(); // nosniff and no-store on every /api answer, refusals included (tester9b T8)
        app.UseWarmteRequestObservation();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteUnhandled,
            // The middleware's own error line holds the exception's message, which for a refused query parameter is the
            // value sent (a token pasted into the URL). WriteUnhandled logs what matters itself, scrubbed; the middleware
            // keeps its line only for the unexpected (500).
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException or InconsistentStateException || IsTransient(context.Exception)
                || StorageSpace.IsFull(context.Exception),
        });
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0) return;
            var status = http.Response.StatusCode;
            var (code, title) = status switch
            {
                404 => ("not-found", "Niet gevonden"),
                405 => ("method-not-allowed", "Methode niet toegestaan"),
                415 => ("unsupported-media-type", "Stuur JSON"),
                _ => ("http-" + status, "Fout"),
            };
            await Problems.Write(http, status, code, title, $"{http.Request.Method} {http.Request.Path} kan niet beantwoord worden.");
        });
        Operations.RateLimiting.UseHoldBack(app); // clients that ignore Retry-After: before the token lookup
        app.UseAuthentication();
        app.UseWarmteRateLimiting();
        app.UseAuthorization();
        app.UseActorNames(); // token names shown to whom: Auth/ActorNames.cs

        app.MapOpenApi().AllowAnonymous();
        app.MapGet("/health", () => Results.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        app.MapWarmteOperations();

        var api = app.MapGroup("/api");
        api.MapServiceEndpoints();
        api.MapCooperativeEndpoints();
        api.MapProjectEndpoints();
        api.MapUmbrellaEndpoints();
        api.MapBusinessCaseEndpoints();
        api.MapGrantEndpoints();
        api.MapAlertEndpoints();
        api.MapCashFlowEndpoints();
        api.MapMemberEndpoints();
        api.MapAlvEndpoints();
        api.MapOnlineVotingEndpoints();
        api.MapConsentEndpoints();
        api.MapRefusalAuditEndpoints();
        app.MapWebPages();
        api.MapExportEndpoints();
        api.MapRegisterExportEndpoints();
        api.MapDiagnosticsEndpoints();
    }

    /// <summary>The problem code of a write of several commits that stopped after an earlier one landed, for another cause than a full disk.</summary>
    public const string PartiallyStoredProblemCode = "partially-stored";

    /// <summary>The last line of defence: known runtime conditions get their own answer; a 500 means a bug.</summary>
    private static async Task WriteUnhandled(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Warmte.Api");
        switch (error)
        {
            case InconsistentStateException:
                await Problems.Write(http, StatusCodes.Status409Conflict, "concurrent-change", "Gelijktijdige wijziging",
                    "Iemand anders wijzigde dit tegelijk; er is niets opgeslagen. Lees opnieuw en probeer het nog eens.");
                break;
            case Warmte.Journal.PartiallyStoredException partly when StorageSpace.IsFull(partly.InnerException):
                // A later commit of several met a full disk after an earlier one landed: "niets bewaard" would be false.
                http.RequestServices.GetRequiredService<StorageSpace>().Answered(partly);
                http.Response.Headers.RetryAfter = StorageSpace.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Write(http, StatusCodes.Status503ServiceUnavailable, StorageSpace.PartialProblemCode, "Opslag vol, deels bewaard",
                    partly.Message + " Herhaal hetzelfde verzoek zodra er weer ruimte is; " + partly.Repeat + " Meld het aan de "
                    + "beheerder van de dienst: die moet ruimte maken op de schijf van de database.");
                break;
            case Warmte.Journal.PartiallyStoredException partly:
                // Any other failure of a later commit (a broken connection, a time-out, a concurrent change, a bug): the same
                // request again completes it, so 503 with a short Retry-After; unexpected causes are still logged as errors.
                var cause = partly.InnerException ?? partly;
                if (IsTransient(cause) || cause is InconsistentStateException)
                    logger.LogWarning("Partly stored on {Method} {Path}, answered 503: {ErrorType}: {Error}", http.Request.Method,
                        LogSafe.Path(http.Request.Path), cause.GetType().Name, ScrubbedFirstLine(cause.Message));
                else
                    logger.LogError(cause, "Partly stored on {Method} {Path}", http.Request.Method, LogSafe.Path(http.Request.Path));
                http.Response.Headers.RetryAfter = "2";
                await Problems.Write(http, StatusCodes.Status503ServiceUnavailable, PartiallyStoredProblemCode, "Deels bewaard",
                    partly.Message + " Herhaal hetzelfde verzoek over enkele seconden; " + partly.Repeat);
                break;
            case var full when StorageSpace.IsFull(full):
                // Before the transient case (Npgsql calls disk_full transient): a full disk needs a person, not a retry in 2 s.
                // Logged once per episode by StorageSpace, not per request.
                http.RequestServices.GetRequiredService<StorageSpace>().Answered(full!);
                http.Response.Headers.RetryAfter = StorageSpace.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Write(http, StatusCodes.Status503ServiceUnavailable, StorageSpace.ProblemCode, "Opslag vol",
                    "De opslag is vol; er is niets bewaard. Probeer het later opnieuw en meld het aan de beheerder van de dienst: "
                    + "die moet ruimte maken op de schijf van de database.");
                break;
            case BadHttpRequestException bad when QueryBinding.RefusalOf(bad) is { } named:
                await Problems.From(named).ExecuteAsync(http);
                break;
            case BadHttpRequestException bad:
                await Problems.Write(http, bad.StatusCode, "bad-request", "Ongeldig verzoek", bad.Message);
                break;
            case var transient when IsTransient(transient):
                // What the request waited on (a silo declared dead, a refused silo connection, Orleans' response time-out):
                // the evidence for tuning failure detection (docs/operations.md). The type and the first line only.
                logger.LogWarning("Transient failure on {Method} {Path}, answered 503: {ErrorType}: {Error}", http.Request.Method,
                    LogSafe.Path(http.Request.Path), transient!.GetType().Name, ScrubbedFirstLine(transient.Message));
                http.Response.Headers.RetryAfter = "2";
                await Problems.Write(http, StatusCodes.Status503ServiceUnavailable, RequestLogging.UnavailableCode, "Tijdelijk niet beschikbaar",
                    "De dienst kan dit nu niet verwerken; probeer het over enkele seconden opnieuw.");
                break;
            default:
                // The same scrubbed path as the request log: a token pasted into the URL must not reach the log here either.
                logger.LogError(error, "Unhandled error on {Method} {Path}", http.Request.Method, LogSafe.Path(http.Request.Path));
                await Problems.Write(http, StatusCodes.Status500InternalServerError, "internal-error", "Interne fout",
                    "Er ging iets mis in de dienst; de fout is gelogd.");
                break;
        }
    }

    /// <summary>
    /// The first line of an Orleans exception's message, with every grain id's key left out: the grain type and the
    /// silo addresses tell what was waited on, while keys can be personal (a voting attempt's grain is keyed by the
    /// member's IP address; a vote's grain by the meeting). "votingattempts/address/10.0.0.7" → "votingattempts/…".
    /// </summary>
    public static string ScrubbedFirstLine(string message)
    {
        var line = GrainKey().Replace(message.Split('\n', 2)[0].Trim(), "$1/…");
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b([a-z][a-z0-9.]*)/[^\s\]\)'""]+")]
    private static partial System.Text.RegularExpressions.Regex GrainKey();

    /// <summary>
    /// A silo that died mid-call, a connection to a silo or to the database that broke, a time-out:
    /// nothing is stored twice on a retry (writes carry idempotency keys or repeat safely), so the
    /// API answers 503 with Retry-After and the caller sends the same request again, to any silo. A database's
    /// broken connection on another silo arrives as a DatabaseFailureException of kind Unavailable (DatabaseFailureCodec).
    /// </summary>
    public static bool IsTransient(Exception? error) => error is SiloUnavailableException or OrleansMessageRejectionException
        or TimeoutException or OperationCanceledException
        or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException
        or GatewayTooBusyException or ClientNotAvailableException
        or Orleans.Runtime.MembershipService.OrleansClusterConnectivityCheckFailedException
        or System.Data.Common.DbException { IsTransient: true }
        or Warmte.Journal.DatabaseFailureException { Kind: Warmte.Journal.DatabaseFailureKind.Unavailable };

    private static async Task BootstrapAdminTokenAsync(WebApplication app)
    {
        var tokens = app.Services.GetRequiredService<TokenStore>();
        var preset = app.Configuration["Auth:BootstrapAdminToken"];
        if (preset is not null && (preset.Length < 32 || preset.Length > 200))
            throw new ConfigurationException("Auth:BootstrapAdminToken moet 32 tot 200 tekens lang zijn.");
        var tokenFile = app.Configuration["Auth:BootstrapTokenFile"] is { Length: > 0 } f ? Path.GetFullPath(f) : null;
        if (tokenFile is not null)
        {
            if (preset is not null)
                throw new ConfigurationException("Zet Auth:BootstrapAdminToken of Auth:BootstrapTokenFile, niet allebei.");
            await WriteFirstAdminTokenFileAsync(app, tokens, tokenFile);
            return;
        }
        if (preset is null && OperationsSetup.JsonLogs(app.Configuration))
        {
            // With JSON logs the console goes to a log shipper: the plain-text banner below would break its
            // one-object-per-line input and put the secret into the log store. The operator makes it offline.
            if (!(await tokens.ListAsync()).Any(t => t.Role == Role.Admin && t.RevokedAt is null))
                app.Logger.LogWarning("Er is nog geen beheerderstoken; met JSON-logs wordt er geen aangemaakt of getoond. Maak er een met: token create --role admin --name \"Beheerder\"");
            return;
        }
        if (preset is not null && await tokens.IsRevokedAsync(preset))
            // Revoked stays revoked: the start goes on without it (another admin token, or none until one is made offline).
            app.Logger.LogWarning("The preset admin token (Auth:BootstrapAdminToken) is revoked and stays revoked; remove it from the configuration.");
        var created = await tokens.CreateFirstAdminAsync("Beheerder (eerste start)", "warmte-silo", preset);
        if (created is null || preset is not null) return; // there was one already, or the operator chose it and knows it
        // Printed once to the console, never to the log: the database keeps only its hash.
        Console.WriteLine();
        Console.WriteLine("==================================================================");
        Console.WriteLine(" Warmtenet: eerste beheerderstoken (wordt maar één keer getoond):");
        Console.WriteLine($"   {created.Token}");
        Console.WriteLine(" Bewaar het veilig; maak meer tokens met: token create --role ...");
        Console.WriteLine("==================================================================");
        Console.WriteLine();
    }

    /// <summary>
    /// Auth:BootstrapTokenFile: the first admin token goes into a new file readable by the service's user
    /// only (0600), not to the console, which service managers keep in their logs. An existing file is
    /// never overwritten: it may be another token, or the operator's. Nothing happens once an admin exists.
    /// </summary>
    private static async Task WriteFirstAdminTokenFileAsync(WebApplication app, TokenStore tokens, string path)
    {
        if ((await tokens.ListAsync()).Any(t => t.Role == Role.Admin && t.RevokedAt is null)) return;
        FileStream file;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataPermissions.FileMode;
            file = new FileStream(path, options);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new ConfigurationException($"Auth:BootstrapTokenFile {path} bestaat al en wordt nooit overschreven; verplaats het of kies een ander pad. ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"Auth:BootstrapTokenFile {path} kan niet worden aangemaakt: {e.Message}");
        }
        await using (file)
        {
            var created = await tokens.CreateFirstAdminAsync("Beheerder (eerste start)", "warmte-silo", presetToken: null);
            if (created is null)
            {
                // Another silo on the same database made the first admin token just now; leave no empty file behind.
                await file.DisposeAsync();
                File.Delete(path);
                return;
            }
            await using var writer = new StreamWriter(file);
            await writer.WriteLineAsync(created.Token);
        }
        if (OperationsSetup.JsonLogs(app.Configuration))
            app.Logger.LogWarning("The first admin token was written to {Path} (readable by this user only).", path);
        else
            Console.WriteLine($"Warmtenet: eerste beheerderstoken geschreven naar {path} (alleen leesbaar voor deze gebruiker).");
    }
}
