using System.Collections.Immutable;
using NodaTime;
using Orleans.Storage;
using Warmte.Cooperatives;
using Warmte.Projects;
using Warmte.Registry;
using Warmte.Umbrellas;

namespace Warmte.Tests.Grains;

/// <summary>
/// Writes that store two grains, one after the other (a project and its cooperative's link to it,
/// an umbrella or cooperative and its directory entry, a cooperative and its umbrella membership):
/// when the second store fails, the first stays, and the caller's retry must complete the write
/// instead of answering "already exists" over a half-done one. The failure is a real storage
/// version conflict: a second cluster on the same database holds a stale copy of the second grain.
/// Each test runs on both storage engines (SQLite and PostgreSQL), whose version checks differ in SQL.
/// </summary>
public sealed class PartialWriteRepairTests
{
    private static readonly CreateProject Tweede = new()
    {
        Id = "tweede", Name = "Warmtenet Tweede", Woningequivalenten = 200, StartedOn = new LocalDate(2020, 1, 1),
    };

    [Theory]
    [MemberData(nameof(GrainStorageTests.Backends), MemberType = typeof(GrainStorageTests))]
    public async Task A_project_whose_link_to_its_cooperative_failed_is_linked_by_the_retry(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var a = await GrainStorageTests.Cluster(settings);
        var b = await GrainStorageTests.Cluster(settings);
        try
        {
            await GrainStorageTests.CreateKetelhuis(a.Client);
            var inB = b.Client.GetGrain<ICooperativeGrain>("ketelhuiswg");
            Assert.NotNull(await inB.Get()); // b now holds a copy that a's next write makes stale
            var update = await a.Client.GetGrain<ICooperativeGrain>("ketelhuiswg").Update(new UpdateCooperative
            {
                StatutoryName = "Coöperatie KetelhuisWG U.A.", Kind = "HeatNetwork", Municipality = "Amsterdam", FoundedOn = new LocalDate(2019, 12, 18),
            }, "a");
            Assert.True(update.IsOk, update.Refusal?.Message);

            // The project is stored, the link to it is refused by the version check.
            // A later commit of several refused: said as "partly stored" (partialsave), the version check's refusal inside.
            Assert.IsType<InconsistentStateException>((await Assert.ThrowsAsync<Warmte.Journal.PartiallyStoredException>(() => inB.CreateProject(Tweede, "b"))).InnerException);
            Assert.NotNull(await b.Client.GetGrain<IProjectGrain>("tweede").Get());
            Assert.DoesNotContain("tweede", await inB.ProjectIds());

            var retry = await inB.CreateProject(Tweede, "b");
            Assert.Equal("already-exists", retry.Refusal?.Code);
            await b.DeactivateAsync(inB);
            Assert.Equal(["wg-terrein", "tweede"], await inB.ProjectIds()); // read back from storage
            Assert.Equal(2, (await inB.Get())!.Projects.Length);
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(GrainStorageTests.Backends), MemberType = typeof(GrainStorageTests))]
    public async Task A_project_of_another_cooperative_is_never_linked_by_a_retry(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var cluster = await GrainStorageTests.Cluster(settings);
        try
        {
            await GrainStorageTests.CreateKetelhuis(cluster.Client);
            var other = cluster.Client.GetGrain<ICooperativeGrain>("andere");
            Assert.True((await other.Create(new CreateCooperative
            {
                Id = "andere", StatutoryName = "Coöperatie Andere U.A.", Kind = "HeatNetwork", Municipality = "Utrecht",
            }, "test")).IsOk);

            var taken = await other.CreateProject(Tweede with { Id = "wg-terrein" }, "test");
            Assert.Equal("already-exists", taken.Refusal?.Code);
            Assert.Empty(await other.ProjectIds());
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(GrainStorageTests.Backends), MemberType = typeof(GrainStorageTests))]
    public async Task An_umbrella_whose_directory_entry_failed_is_registered_by_the_retry(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var a = await GrainStorageTests.Cluster(settings);
        var b = await GrainStorageTests.Cluster(settings);
        try
        {
            var registryInB = b.Client.GetGrain<IRegistryGrain>(0);
            Assert.Empty(await registryInB.Umbrellas()); // b holds the directory, empty
            Assert.True((await a.Client.GetGrain<IUmbrellaGrain>("apec").Create(new CreateUmbrella { Name = "APEC" }, "a")).IsOk);

            var koepel = b.Client.GetGrain<IUmbrellaGrain>("koepel-b");
            // A later commit of several refused: said as "partly stored" (partialsave), the version check's refusal inside.
            Assert.IsType<InconsistentStateException>((await Assert.ThrowsAsync<Warmte.Journal.PartiallyStoredException>(() => koepel.Create(new CreateUmbrella { Name = "Koepel B" }, "b"))).InnerException);
            Assert.True(await koepel.Exists());
            Assert.DoesNotContain("koepel-b", await registryInB.Umbrellas());

            var retry = await koepel.Create(new CreateUmbrella { Name = "Koepel B" }, "b");
            Assert.Equal("already-exists", retry.Refusal?.Code);
            await b.DeactivateAsync(registryInB);
            Assert.Equal(["apec", "koepel-b"], (await registryInB.Umbrellas()).ToArray());
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(GrainStorageTests.Backends), MemberType = typeof(GrainStorageTests))]
    public async Task A_cooperative_whose_umbrella_membership_failed_joins_on_the_retry(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var a = await GrainStorageTests.Cluster(settings);
        var b = await GrainStorageTests.Cluster(settings);
        try
        {
            Assert.True((await a.Client.GetGrain<IUmbrellaGrain>("apec").Create(new CreateUmbrella { Name = "APEC" }, "a")).IsOk);
            var apecInB = b.Client.GetGrain<IUmbrellaGrain>("apec");
            Assert.NotNull(await apecInB.Get()); // b holds the umbrella, without members
            Assert.True((await a.Client.GetGrain<ICooperativeGrain>("eerste").Create(Cooperative("eerste"), "a")).IsOk);

            var tweede = b.Client.GetGrain<ICooperativeGrain>("tweede");
            // A later commit of several refused: said as "partly stored" (partialsave), the version check's refusal inside.
            Assert.IsType<InconsistentStateException>((await Assert.ThrowsAsync<Warmte.Journal.PartiallyStoredException>(() => tweede.Create(Cooperative("tweede"), "b"))).InnerException);
            Assert.True(await tweede.Exists());

            var retry = await tweede.Create(Cooperative("tweede"), "b");
            Assert.Equal("already-exists", retry.Refusal?.Code);
            await b.DeactivateAsync(apecInB);
            Assert.Equal(["eerste", "tweede"], (await apecInB.Get())!.Members.ToArray());
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    private static CreateCooperative Cooperative(string id) => new()
    {
        Id = id, StatutoryName = $"Coöperatie {id} U.A.", Kind = "HeatNetwork", Municipality = "Amsterdam", Umbrellas = ImmutableArray.Create("apec"),
    };
}
