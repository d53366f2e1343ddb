using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Finance;
using Warmte.BusinessCase.Model;
using Warmte.Serialization;
using Warmte.Silo.Operations;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Issue 16: costly work computes on the <see cref="CostlyLane"/> (threads of its own, lower priority), at most
/// CostLimits:MaxConcurrent requests at a time, with the same answers as computed anywhere else; a request
/// answered busy runs none of its work. No timing is asserted.
/// </summary>
public sealed class CostlyLaneTests
{
    private static readonly Inputs KetelhuisWg = ModelReader.Read(RepoFiles.Read("models", "ketelhuiswg.json")).Value!;

    private static CostLimitSettings Settings(int maxConcurrent, int queueLength, int queueTimeoutSeconds = 60, int threadsPerRequest = 1) => new()
    {
        MaxConcurrent = maxConcurrent, QueueLength = queueLength, QueueTimeoutSeconds = queueTimeoutSeconds, ThreadsPerRequest = threadsPerRequest,
    };

    private sealed record Seen(string? ThreadName, bool PoolThread, int? Niceness);

    [Fact]
    public async Task Costly_requests_compute_at_most_MaxConcurrent_at_a_time_on_the_lanes_own_lowered_threads_and_the_rest_wait()
    {
        using var costly = new CostlyWork(Settings(maxConcurrent: 2, queueLength: 10));
        using var gate = new ManualResetEventSlim();
        var running = 0;
        var most = 0;
        var seen = new System.Collections.Concurrent.ConcurrentBag<Seen>();
        IResult Work()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            seen.Add(new Seen(Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread, CostlyLane.CurrentThreadNiceness()));
            Assert.True(gate.Wait(TimeSpan.FromMinutes(2)), "the test never opened the gate");
            Interlocked.Decrement(ref running);
            return Results.Ok();
        }

        var requests = Enumerable.Range(0, 8).Select(_ => costly.ComputeAsync(new DefaultHttpContext(), Work)).ToArray();
        await Until(() => Volatile.Read(ref running) == 2 && costly.Queued == 6);
        Assert.Equal(2, Volatile.Read(ref running)); // two places taken, six requests waiting, none computing besides
        gate.Set();
        var answers = await Task.WhenAll(requests);

        Assert.Equal(2, most);
        Assert.Equal(8, seen.Count);
        Assert.All(answers, a => Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)a).StatusCode));
        Assert.All(seen, s =>
        {
            Assert.StartsWith("warmte-costly-", s.ThreadName);
            Assert.False(s.PoolThread);
            if (OperatingSystem.IsLinux()) Assert.Equal(10, s.Niceness); // CostLimits:Niceness's default
        });
        if (OperatingSystem.IsLinux()) Assert.Equal(2, costly.Lane.LoweredThreads);
    }

    [Fact]
    public async Task A_request_that_finds_every_place_and_the_queue_taken_is_answered_503_busy_with_Retry_After_and_runs_none_of_its_work()
    {
        using var costly = new CostlyWork(Settings(maxConcurrent: 1, queueLength: 0));
        var held = await costly.EnterAsync(CancellationToken.None);
        Assert.NotNull(held);
        var ran = false;
        var http = new DefaultHttpContext { RequestServices = EmptyServices.Instance };
        http.Response.Body = new MemoryStream();

        var answer = await costly.ComputeAsync(http, () => { ran = true; return Results.Ok(); });
        await answer.ExecuteAsync(http);

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        Assert.Equal("busy", JsonDocument.Parse(http.Response.Body).RootElement.GetProperty("code").GetString());
        Assert.Equal(0, costly.Lane.TasksQueued);

        held!.Dispose();
        answer = await costly.ComputeAsync(http, () => { ran = true; return Results.Ok(); });
        Assert.True(ran);
        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)answer).StatusCode);
    }

    [Fact]
    public async Task A_Monte_Carlo_on_the_lane_gives_the_same_answer_as_one_computed_on_every_core_and_with_one_thread_per_request_queues_no_workers()
    {
        var everyCore = Json(MonteCarlo.Run(KetelhuisWg, 2_000, 7));

        using (var one = new CostlyWork(Settings(maxConcurrent: 1, queueLength: 0)))
        {
            var onLane = await one.Lane.Run(() => MonteCarlo.Run(KetelhuisWg, 2_000, 7, maxDegreeOfParallelism: one.Settings.ThreadsPerRequest, scheduler: one.Lane));
            Assert.Equal(everyCore, Json(onLane));
            // Parallel.For ran on the request's own lane thread: it queued no worker (it would have gone to the lane).
            Assert.Equal(1, one.Lane.TasksQueued);
        }

        using var two = new CostlyWork(Settings(maxConcurrent: 1, queueLength: 0, threadsPerRequest: 2));
        Assert.Equal(2, two.Lane.MaximumConcurrencyLevel);
        var onTwo = await two.Lane.Run(() => MonteCarlo.Run(KetelhuisWg, 2_000, 7, maxDegreeOfParallelism: two.Settings.ThreadsPerRequest, scheduler: two.Lane));
        Assert.Equal(everyCore, Json(onTwo));
        // With two threads per request the second worker was queued to the lane (its scheduler), not to the thread pool.
        Assert.True(two.Lane.TasksQueued >= 2, $"{two.Lane.TasksQueued} task(s) queued to the lane");
    }

    [Fact]
    public async Task A_loan_grid_on_the_lane_gives_the_same_cells_as_one_computed_on_every_core()
    {
        decimal[] rates = [0.02m, 0.03m, 0.04m];
        int[] terms = [20, 25, 30];
        RepaymentType[] types = [RepaymentType.Annuity, RepaymentType.Linear];
        int[] graces = [0, 2];
        var everyCore = Json(LoanGrid.Simulate(KetelhuisWg, rates, terms, types, graces));
        using var costly = new CostlyWork(Settings(maxConcurrent: 1, queueLength: 0));
        var onLane = await costly.Lane.Run(() => LoanGrid.Simulate(KetelhuisWg, rates, terms, types, graces, 0, costly.Settings.ThreadsPerRequest, costly.Lane));
        Assert.Equal(everyCore, Json(onLane));
        Assert.Equal(1, costly.Lane.TasksQueued);
    }

    [Fact]
    public async Task A_loan_grid_for_a_loan_the_model_does_not_have_is_still_refused_400_naming_loan()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "lane-coop", "lane-proj");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")), note = "basis" })).Status);
        var path = $"api/projects/{project}/business-cases/1/loan-grid";
        var loans = KetelhuisWg.Loans.Length;

        foreach (var loan in new[] { loans, -1 })
        {
            var refused = await admin.Post(path, new { rates = new[] { 0.03m }, terms = new[] { 30 }, loan });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal(["loan"], refused.ErrorFields);
        }
        var answered = await admin.Post(path, new { rates = new[] { 0.03m }, terms = new[] { 30 }, loan = loans - 1 });
        Assert.Equal(HttpStatusCode.OK, answered.Status);
    }

    [Fact]
    public void A_niceness_outside_0_to_19_stops_the_start()
    {
        Assert.Contains("Niceness", Assert.Throws<ConfigurationException>(() => new CostlyWork(new CostLimitSettings { Niceness = 20 })).Message);
        Assert.Throws<ConfigurationException>(() => new CostlyWork(new CostLimitSettings { Niceness = -1 }));
        using var unchanged = new CostlyWork(new CostLimitSettings { Niceness = 0, MaxConcurrent = 1 });
        Assert.Equal(0, unchanged.Lane.LoweredThreads);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, WarmteJson.Default);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 2400 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition(), "the condition did not come true in time");
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
