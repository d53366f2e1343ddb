using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using Warmte.Cooperatives;
using Warmte.Phases;
using Warmte.Projects;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Grains;

/// <summary>
/// The grains on an Orleans in-process test cluster with the real storage backends: state
/// survives deactivation, and a storage version conflict loses nothing and duplicates nothing.
/// </summary>
public sealed class GrainStorageTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 11, 22, 10, 0));

    internal static async Task<StorageSettings> Storage(string backend)
    {
        var values = new Dictionary<string, string?>();
        if (backend == "postgresql")
        {
            values["Storage:Provider"] = "PostgreSQL";
            values["Storage:ConnectionString"] = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        }
        else values["DataDir"] = WarmteServer.NewDataDir();
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        await new SchemaMigrator(new Database(settings), Clock, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return settings;
    }

    internal static async Task<InProcessTestCluster> Cluster(StorageSettings settings)
    {
        var builder = new InProcessTestClusterBuilder(1);
        // Stored rows are keyed by service id: clusters that must see the same state share it.
        builder.Options.ServiceId = "warmtenet-tests";
        builder.ConfigureSilo((_, silo) => silo.AddWarmteGrainStorage(settings).UseInMemoryReminderService());
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<IClock>(Clock));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    internal static async Task CreateKetelhuis(IGrainFactory grains)
    {
        var created = await grains.GetGrain<ICooperativeGrain>("ketelhuiswg").Create(new CreateCooperative
        {
            Id = "ketelhuiswg", StatutoryName = "Coöperatie KetelhuisWG U.A.", Kind = "HeatNetwork", Municipality = "Amsterdam",
        }, "test");
        Assert.True(created.IsOk, created.Refusal?.Message);
        var project = await grains.GetGrain<ICooperativeGrain>("ketelhuiswg").CreateProject(new CreateProject
        {
            Id = "wg-terrein", Name = "Warmtenet WG-terrein", Woningequivalenten = 1500, StartedOn = new LocalDate(2018, 1, 1),
        }, "test");
        Assert.True(project.IsOk, project.Refusal?.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task State_survives_deactivation_and_is_read_back_from_storage(string backend)
    {
        var cluster = await Cluster(await Storage(backend));
        try
        {
            var grains = cluster.Client;
            await CreateKetelhuis(grains);
            var project = grains.GetGrain<IProjectGrain>("wg-terrein");
            await project.RecordDeliverable("bewonersgroep", new RecordDeliverable { PresentOn = new LocalDate(2018, 1, 1) }, "test");
            await project.RecordDeliverable("intentieverklaring", new RecordDeliverable { PresentOn = new LocalDate(2019, 12, 18) }, "test");
            var go = await project.Transition(new TransitionRequest
            {
                To = "Haalbaarheid", DecidedOn = new LocalDate(2019, 12, 18), DecidedBy = "ALV", Rationale = "opgericht",
            }, "test");
            Assert.True(go.IsOk, go.Refusal?.Message);

            await cluster.DeactivateAsync(project);
            await cluster.DeactivateAsync(grains.GetGrain<ICooperativeGrain>("ketelhuiswg"));

            var reread = (await project.Get())!;
            Assert.Equal(Phase.Haalbaarheid, reread.Phase);
            Assert.Equal(new LocalDate(2019, 12, 18), reread.History.Single().DecidedOn);
            Assert.Equal(2, reread.Deliverables.Length);
            var cooperative = (await grains.GetGrain<ICooperativeGrain>("ketelhuiswg").Get())!;
            Assert.Equal(Phase.Haalbaarheid, cooperative.Projects.Single().Phase);
            Assert.Equal(4, (await project.GetAudit(1, 50))!.Total);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_version_conflict_loses_and_duplicates_nothing(string backend)
    {
        // Two clusters on one database both hold the same project in memory: the worst case of a
        // stale copy. The second writer must be refused, keep nothing in memory, and succeed on retry.
        var settings = await Storage(backend);
        var a = await Cluster(settings);
        var b = await Cluster(settings);
        try
        {
            await CreateKetelhuis(a.Client);
            var inA = a.Client.GetGrain<IProjectGrain>("wg-terrein");
            var inB = b.Client.GetGrain<IProjectGrain>("wg-terrein");
            Assert.NotNull(await inB.Get());

            var first = await inA.SetMilestone("start-bouw", new SetMilestone { Name = "Start bouw", PlannedOn = new LocalDate(2025, 5, 1) }, "a");
            Assert.True(first.IsOk);
            await Assert.ThrowsAsync<InconsistentStateException>(() =>
                inB.RecordDeliverable("bewonersgroep", new RecordDeliverable { PresentOn = new LocalDate(2018, 1, 1) }, "b"));

            // The refused grain reloads and the retry lands on top of the first change.
            var retry = await inB.RecordDeliverable("bewonersgroep", new RecordDeliverable { PresentOn = new LocalDate(2018, 1, 1) }, "b");
            Assert.True(retry.IsOk, retry.Refusal?.Message);
            Assert.Single(retry.Value!.Milestones);
            Assert.Single(retry.Value.Deliverables);
            var audit = (await inB.GetAudit(1, 50))!;
            Assert.Equal(["deliverable.recorded", "milestone.created", "project.created"], audit.Entries.Select(e => e.Action));
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }
}
