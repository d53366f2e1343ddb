using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Warmte.Alerts;
using Warmte.Alv;
using Warmte.TenantConsent;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Alerts;

/// <summary>
/// The gate-evidence alerts (<see cref="GateEvidence"/>) after a run of bookings: a booking changes neither the ALV's
/// decisions, the tenants' consent nor the phase history, so the evaluations that follow bookings read neither the ALV
/// grain nor the consent grain (counted by a grain call filter on the real service); and an ALV recount or a consent
/// withdrawal that comes after such a run still raises the alert in the alert watch and in the wide views' summary,
/// and clears it again — the evidence kept between evaluations cannot hide a change of it.
/// </summary>
public sealed class GateEvidenceAfterBookingsTests : IAsyncLifetime
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 6, 10, 0));
    private readonly GateInputCalls _calls = new();
    private WarmteServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await WarmteServer.StartAsync(clock: _clock, configure: b => b.Services.AddSingleton<IIncomingGrainCallFilter>(_calls));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private IGrainFactory Grains => _server.App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// Counts, per grain call that completed: the ALV's decision read and the consent status the gate evidence makes,
    /// and the alert evaluations and summary computations that follow a change.
    /// </summary>
    private sealed class GateInputCalls : IIncomingGrainCallFilter
    {
        private int _alv, _consent, _evaluations, _summaries;

        public (int Alv, int Consent, int Evaluations, int Summaries) Now => (Volatile.Read(ref _alv), Volatile.Read(ref _consent), Volatile.Read(ref _evaluations), Volatile.Read(ref _summaries));

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            var method = context.InterfaceMethod;
            if (method.DeclaringType == typeof(IAlvGrain) && method.Name == nameof(IAlvGrain.DecisionNowAndOn)) Interlocked.Increment(ref _alv);
            else if (method.DeclaringType == typeof(ITenantConsentGrain) && method.Name == nameof(ITenantConsentGrain.Status)) Interlocked.Increment(ref _consent);
            else if (method.DeclaringType == typeof(IAlertWatchGrain) && method.Name == nameof(IAlertWatchGrain.Evaluate)) Interlocked.Increment(ref _evaluations);
            else if (method.DeclaringType == typeof(IProjectSummaryGrain) && method.Name == nameof(IProjectSummaryGrain.Refresh)) Interlocked.Increment(ref _summaries);
        }
    }

    /// <summary>Waits until no counted call completed for longer than the cash plan's coalescing window (its pending raise has gone out).</summary>
    private async Task<(int Alv, int Consent, int Evaluations, int Summaries)> Quiet()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = _calls.Now;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(CoalescedProjectChange.Window + TimeSpan.FromSeconds(2));
            var now = _calls.Now;
            if (now == last) return now;
            last = now;
        }
        throw new TimeoutException("the service did not become quiet");
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// The tester's warmtenet-west (as GateEvidenceApiTests): ready for Realisatie, the realisatiebesluit passed at an
    /// ALV of 22-11-2026 (recountable on 06-12-2026), complex West 1 with 7 of 10 homes agreed on 04-12-2026; then the Go
    /// of 04-12-2026. Returns (cooperative, project).
    /// </summary>
    private static async Task<(string Coop, string Project)> WestInRealisatie(HttpClient admin)
    {
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("west"));
        var date = new DateOnly(2019, 1, 1);
        foreach (var (to, keys) in new[]
                 {
                     ("Haalbaarheid", new[] { "bewonersgroep", "intentieverklaring" }),
                     ("Ontwikkeling", new[] { "haalbaarheidsstudie", "schetsontwerp", "eerste-businesscase", "juridische-knelpunten", "ontwikkelfinanciering" }),
                 })
        {
            foreach (var key in keys) await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = date.ToString("yyyy-MM-dd") });
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/transitions", new { to, decidedOn = date.ToString("yyyy-MM-dd"), decidedBy = "ALV", rationale = "ok" })).Status);
            date = date.AddYears(1);
        }
        foreach (var key in new[] { "definitief-ontwerp", "contracten", "businesscase-financieringsvoorstel", "vergunningen", "financial-close" })
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = "2024-12-14" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases", new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);
        var members = await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-west", title = "ALV", date = "2026-11-22", noticeDate = "2026-11-08",
            proposals = new[] { new { id = "realisatie", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        foreach (var member in members)
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/realisatie/ballots", new { memberNumber = member, choice = "Voor" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/realisatie/close", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/consent/complexes/west-1",
            new { name = "West 1", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2026-11-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = Enumerable.Range(1, 7).Select(n => new { postcode = "1054 AB", huisnummer = n, response = "Akkoord", on = "2026-12-04" }),
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/transitions", new { to = "Realisatie", decidedOn = "2026-12-04", decidedBy = "ALV", rationale = "Go" })).Status);
        return (coop, project);
    }

    private static async Task Bookings(HttpClient admin, string project, int count)
    {
        for (var i = 0; i < count; i++)
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month = "2026-11", kind = "adviseurs", amount = 1_000m + i })).Status);
    }

    /// <summary>The gate-evidence alerts the alert watch holds active, and the ones it recorded as cleared.</summary>
    private async Task<(Alert[] Active, Alert[] Cleared)> Watched(string project)
    {
        var history = await Grains.GetGrain<IAlertWatchGrain>(project).History();
        return ([.. history.Active.Select(a => a.Alert).Where(a => a.Kind == GateEvidence.Kind)],
            [.. history.Cleared.Select(a => a.Alert).Where(a => a.Kind == GateEvidence.Kind)]);
    }

    /// <summary>The gate-evidence alerts in the project's stored summary (what the umbrella comparison counts), read from the table; null while it is stale.</summary>
    private async Task<Alert[]?> Summarised(string project)
    {
        var store = _server.App.Services.GetRequiredService<Journal.IJournalStore>();
        var stored = (await store.ReadProjectSummariesAsync()).Single(s => s.ProjectId == project);
        return stored.Stale ? null : [.. ProjectSummaryCodec.Decode(stored.Summary)!.Calendar!.GateAlerts];
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Bookings_read_neither_the_alv_nor_the_consent_and_a_recount_after_them_still_raises_the_alert()
    {
        var admin = _server.Client();
        var (coop, project) = await WestInRealisatie(admin);
        await Eventually(async () => (await Watched(project)).Active.Length == 0 && (await Grains.GetGrain<IAlertWatchGrain>(project).History()).LastEvaluatedAt is not null, "first evaluation");
        var before = await Quiet();

        await Bookings(admin, project, 12);
        var after = await Quiet();
        // The bookings were followed by alert evaluations and summary computations (at most one a second: coalesced) ...
        Assert.True(after.Evaluations > before.Evaluations && after.Summaries > before.Summaries, $"evaluations and summaries after the bookings: {before} → {after}");
        // ... and none of them asked the ALV or the consent grain: nothing they read can have changed.
        Assert.Equal((0, 0), (after.Alv - before.Alv, after.Consent - before.Consent));

        // Then a recount of the meeting the Go rested on rejects the realisatiebesluit: the alert appears in the watch and the summary.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals", new
        {
            id = "telfout", title = "Correctie", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv-west/realisatie", correctionReason = "telfout",
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/telfout/tally",
            new { @for = 0, against = 3, abstain = 0, present = new[] { "L-1", "L-2", "L-3" } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/telfout/close", new { })).Status);
        await Eventually(async () => (await Watched(project)).Active.Length == 1, "the alert in the watch after the recount");
        var alert = Assert.Single((await Watched(project)).Active);
        Assert.Equal(AlertSeverity.High, alert.Severity);
        Assert.StartsWith("Het realisatiebesluit waarop de Go van 04-12-2026 rust is gecorrigeerd: Verworpen", alert.Message);
        await Eventually(async () => (await Summarised(project)) is { Length: 1 }, "the alert in the summary after the recount");

        // More bookings keep it (what it rests on did not change back).
        await Bookings(admin, project, 5);
        await Quiet();
        Assert.Single((await Watched(project)).Active);
        Assert.Single((await Summarised(project))!);
    }

    [Fact]
    public async Task A_consent_withdrawal_after_bookings_raises_the_alert_and_a_new_agreement_after_more_bookings_clears_it()
    {
        var admin = _server.Client();
        var (_, project) = await WestInRealisatie(admin);
        await Bookings(admin, project, 8);
        await Quiet();
        Assert.Empty((await Watched(project)).Active);
        Assert.Empty((await Summarised(project))!);

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = new[] { new { postcode = "1054 AB", huisnummer = 3, response = "Geweigerd", on = "2026-12-06" } },
        })).Status);
        await Eventually(async () => (await Watched(project)).Active.Length == 1, "the alert in the watch after the withdrawal");
        Assert.StartsWith("De huurdersinstemming waarop de Go van 04-12-2026 rust, is niet meer gehaald: West 1 nu 6 van 10 (nodig 7).",
            Assert.Single((await Watched(project)).Active).Message);
        await Eventually(async () => (await Summarised(project)) is { Length: 1 }, "the alert in the summary after the withdrawal");

        await Bookings(admin, project, 8);
        await Quiet();
        Assert.Single((await Watched(project)).Active);

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = new[] { new { postcode = "1054 AB", huisnummer = 8, response = "Akkoord", on = "2026-12-06" } },
        })).Status);
        await Eventually(async () => (await Watched(project)).Active.Length == 0, "the alert cleared in the watch");
        Assert.Single((await Watched(project)).Cleared);
        await Eventually(async () => (await Summarised(project)) is { Length: 0 }, "the alert cleared in the summary");
    }
}
