namespace Warmte.LoadGen;

/// <summary>
/// CPU time used by processes on this machine (Linux /proc), so a measurement can say how many CPU
/// milliseconds one operation cost in the service and in PostgreSQL — a figure that does not depend
/// on how busy the machine was, unlike operations per second. PostgreSQL is counted as its
/// postmaster with every child: the live backends' own time plus the time of children that have
/// exited (the postmaster's cutime/cstime). Elsewhere than Linux every figure is 0.
/// </summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux the service runs on

    /// <summary>CPU seconds (user + system) of <paramref name="pid"/>; with <paramref name="withChildren"/> also of its children, live and exited.</summary>
    public static double Seconds(int pid, bool withChildren = false)
    {
        if (Stat(pid) is not { } own) return 0;
        var ticks = own.UTime + own.STime;
        if (withChildren)
        {
            ticks += own.CUTime + own.CSTime;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
                if (int.TryParse(Path.GetFileName(dir), out var child) && child != pid && Stat(child) is { } s && s.PPid == pid)
                    ticks += s.UTime + s.STime;
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>This process's CPU seconds (the load generator itself).</summary>
    public static double Self() => Seconds(Environment.ProcessId);

    private sealed record StatFields(int PPid, long UTime, long STime, long CUTime, long CSTime);

    private static StatFields? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid ...": comm may hold spaces, so fields are counted after the last ')'.
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return new StatFields(int.Parse(f[1]), long.Parse(f[11]), long.Parse(f[12]), long.Parse(f[13]), long.Parse(f[14]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>A reading of the silo, PostgreSQL and this process at one moment.</summary>
    public readonly record struct Reading(double Silo, double Postgres, double LoadGen, DateTime At);

    public static Reading Read(int? siloPid, int? postgresPid) =>
        new(siloPid is { } s ? Seconds(s) : 0, postgresPid is { } p ? Seconds(p, withChildren: true) : 0, Self(), DateTime.UtcNow);
}
