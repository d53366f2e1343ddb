using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using Warmte.Alerts;
using Warmte.Cooperatives;
using Warmte.Projects;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Alerts;

/// <summary>
/// The alert watch on a real in-process Orleans cluster with reminders: a change re-evaluates at
/// once, and the reminder re-evaluates when time alone makes an alert true.
/// </summary>
public sealed class AlertWatchTests
{
    [Fact]
    public async Task The_reminder_raises_an_alert_that_only_the_passing_of_time_made_true()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 22, 10, 0));
        var settings = StorageSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = WarmteServer.NewDataDir() }).Build());
        await new SchemaMigrator(new Database(settings), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddWarmteGrainStorage(settings).UseInMemoryReminderService());
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton<IClock>(clock);
            host.Services.Configure<AlertWatchOptions>(o => o.Period = TimeSpan.FromSeconds(2));
            host.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var grains = cluster.Client;
            var coop = grains.GetGrain<ICooperativeGrain>("ketelhuiswg");
            await coop.Create(new CreateCooperative { Id = "ketelhuiswg", StatutoryName = "Coöperatie KetelhuisWG U.A.", Kind = "HeatNetwork", Municipality = "Amsterdam" }, "test");
            await coop.CreateProject(new CreateProject { Id = "wg-terrein", Name = "Warmtenet WG-terrein", StartedOn = new LocalDate(2018, 1, 1) }, "test");
            var project = grains.GetGrain<IProjectGrain>("wg-terrein");
            // Due in ten days: no alert yet.
            await project.SetMilestone("start-bouw", new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2026, 12, 2) }, "test");
            var watch = grains.GetGrain<IAlertWatchGrain>("wg-terrein");
            await Eventually(async () => (await watch.History()).LastEvaluatedAt is not null);
            Assert.Empty((await watch.History()).Active);

            // Nothing changes in the project; only time passes. The reminder must notice.
            clock.AdvanceDays(20);
            await Eventually(async () => (await watch.History()).Active.Any(a => a.Alert.Kind == "milestone-overdue"));
            var raised = (await watch.History()).Active.Single();
            Assert.Equal(clock.GetCurrentInstant().InUtc().Date, raised.RaisedAt.InUtc().Date);

            // A change clears it at once: the milestone happened.
            await project.SetMilestone("start-bouw", new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2026, 12, 2), ActualOn = new LocalDate(2026, 12, 5) }, "test");
            await Eventually(async () => (await watch.History()).Active.IsEmpty);
            Assert.Equal("milestone-overdue", Assert.Single((await watch.History()).Cleared).Alert.Kind);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Waits for an asynchronous effect (a reminder tick, a one-way call) with a generous ceiling; not a timing assertion.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true within 60 s.");
            await Task.Delay(200);
        }
    }
}
