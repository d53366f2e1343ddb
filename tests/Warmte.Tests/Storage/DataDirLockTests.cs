using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// One serving silo per embedded data folder: a second one started by mistake (another port, a second
/// terminal) stops before it touches the database; the lock goes with the process, also after kill -9.
/// </summary>
public sealed class DataDirLockTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_second_silo_on_the_same_folder_stops_before_touching_the_data_and_a_killed_silo_leaves_no_lock()
    {
        var dir = WarmteServer.NewDataDir();
        await using var first = SiloProcess.OnSqliteIn("first", dir);
        first.Start();
        await first.WaitHealthyAsync(StartTimeout);
        using var client = first.Client();
        var before = await client.GetStringAsync("api/cooperatives");

        // With --demo, a second silo that got as far as the database would load the demo cooperatives into it.
        await using var second = SiloProcess.OnSqliteIn("second", dir, "--demo");
        second.Start();
        Assert.Equal(1, await second.WaitForExitAsync(StartTimeout));
        var log = second.Tail(200);
        Assert.Contains("is al in gebruik door een andere Warmte.Silo", log);
        Assert.Contains("--data-dir", log);

        Assert.True(first.Running);
        Assert.Equal(before, await client.GetStringAsync("api/cooperatives"));

        first.Kill();
        await using var third = SiloProcess.OnSqliteIn("third", dir);
        third.Start();
        await third.WaitHealthyAsync(StartTimeout);
        using var thirdClient = third.Client();
        Assert.Equal(before, await thirdClient.GetStringAsync("api/cooperatives"));
    }

    /// <summary>
    /// Only a lock held elsewhere is reported as "in use": a lock file that cannot be opened at all
    /// (here a link pointing at itself; a read-only disk alike) is reported with the system's reason,
    /// so an operator does not go looking for a silo that is not there.
    /// </summary>
    [Fact]
    public void A_lock_that_cannot_be_opened_is_not_reported_as_another_silo()
    {
        var held = WarmteServer.NewDataDir();
        using (Warmte.Silo.Storage.DataDirLock.Acquire(held))
        {
            var inUse = Assert.ThrowsAny<Exception>(() => Warmte.Silo.Storage.DataDirLock.Acquire(held));
            Assert.Contains("is al in gebruik door een andere Warmte.Silo", inUse.Message);
        }
        using (Warmte.Silo.Storage.DataDirLock.Acquire(held)) { } // released with its owner

        var broken = WarmteServer.NewDataDir();
        Directory.CreateDirectory(broken);
        File.CreateSymbolicLink(Path.Combine(broken, Warmte.Silo.Storage.DataDirLock.FileName), Path.Combine(broken, Warmte.Silo.Storage.DataDirLock.FileName));
        var error = Assert.ThrowsAny<Exception>(() => Warmte.Silo.Storage.DataDirLock.Acquire(broken));
        Assert.DoesNotContain("in gebruik", error.Message);
        Assert.Contains("kan niet worden geopend", error.Message);
        Assert.Contains(Warmte.Silo.Storage.DataDirLock.FileName, error.Message);
    }
}
