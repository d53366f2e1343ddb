using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Warmte.Common;
using Warmte.Silo.Api;
using Warmte.Silo.Auth;

namespace Warmte.Silo.Operations;

/// <summary>
/// "CostLimits:*" configuration (docs/operations.md): what one request may cost, per role family
/// (admin, board, financier, coordinator, reader; "board:x" and "financier:x" count as board and financier),
/// and how many costly requests one silo works on at once.
/// </summary>
public sealed class CostLimitSettings
{
    public static readonly string[] RoleFamilies = ["admin", "board", "financier", "coordinator", "reader"];

    /// <summary>Monte Carlo runs per request.</summary>
    public Dictionary<string, int> MonteCarloRuns { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["admin"] = 100_000, ["board"] = 100_000, ["financier"] = 100_000, ["coordinator"] = 20_000, ["reader"] = 10_000,
    };

    /// <summary>Cells (rates × terms × repayment types × grace periods) of one loan grid.</summary>
    public Dictionary<string, int> LoanGridCells { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["admin"] = 2_000, ["board"] = 2_000, ["financier"] = 2_000, ["coordinator"] = 500, ["reader"] = 200,
    };

    /// <summary>Projects read into one umbrella or portfolio workbook.</summary>
    public Dictionary<string, int> ExportProjects { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["admin"] = 1_000, ["board"] = 250, ["financier"] = 1_000, ["coordinator"] = 250, ["reader"] = 50,
    };

    /// <summary>Costly requests (Monte Carlo, loan grid, workbooks) one silo computes at once.</summary>
    public int MaxConcurrent { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Costly requests that may wait for a free place; more are answered 503 at once.</summary>
    public int QueueLength { get; set; } = 2 * Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>How long a queued request waits for a place before it is answered 503.</summary>
    public int QueueTimeoutSeconds { get; set; } = 3;

    /// <summary>The Retry-After a 503 carries.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Threads one Monte Carlo or loan grid computes on (the results do not depend on it).</summary>
    public int ThreadsPerRequest { get; set; } = 1;

    /// <summary>
    /// The nice value (0–19) of the threads costly work computes on (<see cref="CostlyLane"/>): higher is lower
    /// priority, so cheap requests get the cores first. 0 leaves them at the process's priority.
    /// </summary>
    public int Niceness { get; set; } = 10;

    public void Validate()
    {
        Check(nameof(MonteCarloRuns), MonteCarloRuns, BusinessCaseEndpoints.MaxApiRuns);
        Check(nameof(LoanGridCells), LoanGridCells, BusinessCaseEndpoints.MaxGridCells);
        Check(nameof(ExportProjects), ExportProjects, 100_000);
        if (MaxConcurrent < 1) throw new Storage.ConfigurationException("CostLimits:MaxConcurrent must be 1 or more.");
        if (QueueLength < 0) throw new Storage.ConfigurationException("CostLimits:QueueLength must be 0 or more.");
        if (QueueTimeoutSeconds is < 0 or > 60) throw new Storage.ConfigurationException("CostLimits:QueueTimeoutSeconds must be between 0 and 60.");
        if (RetryAfterSeconds is < 1 or > 3600) throw new Storage.ConfigurationException("CostLimits:RetryAfterSeconds must be between 1 and 3600.");
        if (ThreadsPerRequest < 1) throw new Storage.ConfigurationException("CostLimits:ThreadsPerRequest must be 1 or more.");
        if ((long)MaxConcurrent * ThreadsPerRequest > 1024)
            throw new Storage.ConfigurationException("CostLimits:MaxConcurrent × CostLimits:ThreadsPerRequest must be 1024 or less (the threads costly work computes on).");
        if (Niceness is < 0 or > 19) throw new Storage.ConfigurationException("CostLimits:Niceness must be between 0 and 19.");
    }

    private static void Check(string name, Dictionary<string, int> limits, int ceiling)
    {
        foreach (var (role, limit) in limits)
        {
            if (!RoleFamilies.Contains(role, StringComparer.OrdinalIgnoreCase))
                throw new Storage.ConfigurationException($"CostLimits:{name}:{role}: unknown role; use {string.Join(", ", RoleFamilies)}.");
            if (limit < 1 || limit > ceiling)
                throw new Storage.ConfigurationException($"CostLimits:{name}:{role} must be between 1 and {ceiling}.");
        }
        foreach (var role in RoleFamilies)
            if (!limits.ContainsKey(role)) throw new Storage.ConfigurationException($"CostLimits:{name}:{role} is missing.");
    }

    /// <summary>admin, board, financier, coordinator or reader: the key of the limits for this caller.</summary>
    public static string Family(ClaimsPrincipal user) => user.RoleOf() switch
    {
        var r when r.StartsWith(Role.BoardPrefix, StringComparison.Ordinal) => "board",
        var r when r.StartsWith(Role.FinancierPrefix, StringComparison.Ordinal) => "financier",
        var r when RoleFamilies.Contains(r) => r,
        _ => "reader",
    };

    public static string DutchRole(string family) => family switch
    {
        "admin" => "beheerder (admin)",
        "board" => "bestuur (board)",
        "financier" => "financier",
        "coordinator" => "coördinator (coordinator)",
        _ => "lezer (reader)",
    };
}

/// <summary>
/// The cost checks and the per-silo concurrency limit of the costly endpoints. A request is checked against
/// its role's limits before any work is done (400 cost-limit, naming the field, the limit and the role); then
/// it takes one of <see cref="CostLimitSettings.MaxConcurrent"/> places, waits at most
/// <see cref="CostLimitSettings.QueueTimeoutSeconds"/> in a queue of <see cref="CostLimitSettings.QueueLength"/>,
/// or is answered 503 with Retry-After. The computing itself (Monte Carlo, loan grid, writing a workbook) runs on
/// the <see cref="CostlyLane"/>: MaxConcurrent × ThreadsPerRequest threads of its own at a lower priority, so the
/// thread pool stays free for everything else (status reads, grain calls) and gets the cores first.
/// A token that sends again before a 503's Retry-After has passed is answered 429 before any of this
/// (<see cref="RetryAfterHoldBack"/>).
/// </summary>
public sealed class CostlyWork : IDisposable
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    private readonly ConcurrencyLimiter _limiter;

    private readonly RetryAfterHoldBack? _holdBack;

    public CostlyWork(CostLimitSettings settings, RetryAfterHoldBack? holdBack = null)
    {
        _holdBack = holdBack;
        settings.Validate();
        Settings = settings;
        Lane = new CostlyLane(settings.MaxConcurrent * settings.ThreadsPerRequest, settings.Niceness);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = settings.MaxConcurrent,
            QueueLimit = settings.QueueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public CostLimitSettings Settings { get; }

    /// <summary>The threads costly work computes on.</summary>
    public CostlyLane Lane { get; }

    /// <summary>Costly requests waiting for a place now (for tests and the load generator's report).</summary>
    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var settings = new CostLimitSettings();
        configuration.GetSection("CostLimits").Bind(settings);
        settings.Validate(); // a wrong setting stops the start here
        // Made by the container, so it is disposed with it (the lane's threads end).
        services.AddSingleton(services => new CostlyWork(settings, services.GetService<RetryAfterHoldBack>()));
    }

    public int MonteCarloRuns(ClaimsPrincipal user) => Settings.MonteCarloRuns[CostLimitSettings.Family(user)];

    public int LoanGridCells(ClaimsPrincipal user) => Settings.LoanGridCells[CostLimitSettings.Family(user)];

    public int ExportProjects(ClaimsPrincipal user) => Settings.ExportProjects[CostLimitSettings.Family(user)];

    /// <summary>
    /// Null when <paramref name="asked"/> is within the caller's limit, else the refusal (400, code cost-limit):
    /// "<paramref name="what"/>" is the Dutch name of the unit, e.g. "Monte Carlo-runs".
    /// </summary>
    public IResult? Refuse(ClaimsPrincipal user, string field, string what, long asked, Func<CostLimitSettings, Dictionary<string, int>> limits)
    {
        var family = CostLimitSettings.Family(user);
        var limit = limits(Settings)[family];
        if (asked <= limit) return null;
        var role = CostLimitSettings.DutchRole(family);
        var reason = $"de rol {role} mag per verzoek hoogstens {limit.ToString("N0", Dutch)} {what} vragen; dit verzoek vraagt er {asked.ToString("N0", Dutch)}.";
        return Problems.Result(StatusCodes.Status400BadRequest, "cost-limit", "Verzoek te groot voor deze rol",
            $"{field}: {reason} Maak het verzoek kleiner of gebruik een token met een rol die meer mag.", [new FieldError(field, reason)]);
    }

    /// <summary>A place to compute in, or null when none came free in time (answer <see cref="Busy"/>).</summary>
    public async Task<RateLimitLease?> EnterAsync(CancellationToken aborted)
    {
        var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        if (Settings.QueueLength == 0 || Settings.QueueTimeoutSeconds == 0) return null;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        wait.CancelAfter(TimeSpan.FromSeconds(Settings.QueueTimeoutSeconds));
        try
        {
            lease = await _limiter.AcquireAsync(1, wait.Token);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return null;
        }
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        return null;
    }

    /// <summary>Holds a place while <paramref name="work"/> runs; 503 with Retry-After when there is none.</summary>
    public async Task<IResult> RunAsync(HttpContext http, Func<Task<IResult>> work)
    {
        // This endpoint is costly: a token that ignores a 503's Retry-After is held back here before it reaches the lane again.
        _holdBack?.MarkCostly(http);
        using var lease = await EnterAsync(http.RequestAborted);
        if (lease is null)
        {
            http.Items[RetryAfterHoldBack.CostlyBusyItem] = true;
            return Busy();
        }
        return await work();
    }

    /// <summary>
    /// Holds a place and computes <paramref name="work"/> on the <see cref="Lane"/> (not the thread pool). Everything that
    /// costs CPU belongs inside, the model's parsing included: a request refused busy then costs no more than its checks.
    /// </summary>
    public Task<IResult> ComputeAsync(HttpContext http, Func<IResult> work) => RunAsync(http, () => Lane.Run(work));

    /// <summary>The problem code of the 503 a costly request gets while the silo's places for costly work are taken.</summary>
    public const string BusyCode = "busy";

    public IResult Busy() => new BusyResult(Settings.RetryAfterSeconds);

    public void Dispose()
    {
        _limiter.Dispose();
        Lane.Dispose();
    }

    private sealed class BusyResult(int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Problems.Write(http, StatusCodes.Status503ServiceUnavailable, BusyCode, "Even te druk",
                $"De dienst rekent al aan zoveel zware verzoeken als hij tegelijk mag; probeer het over {retryAfterSeconds} seconden opnieuw.");
        }
    }
}
