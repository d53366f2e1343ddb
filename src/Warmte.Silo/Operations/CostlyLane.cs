using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Warmte.Silo.Operations;

/// <summary>
/// The threads costly computations run on (issue 16): a fixed set of background threads of their own, at a lower
/// OS priority than the rest of the process, so that when cores are short the HTTP requests, grain turns and the
/// garbage collector get them first, and the thread pool is never taken by a Monte Carlo.
/// <para>
/// As a <see cref="TaskScheduler"/>: work started here sees this lane as <see cref="TaskScheduler.Current"/>, so
/// the <c>Parallel.For</c> of a Monte Carlo or loan grid (whose <c>ParallelOptions</c> name no scheduler) runs
/// its extra workers on these threads too, never on the pool's; with one thread per request it runs on the
/// calling thread alone.
/// </para>
/// <para>
/// Priority: .NET's <see cref="Thread.Priority"/> does nothing on Linux (the default scheduler ignores it,
/// dotnet/runtime#91165), so on Linux each thread raises its own nice value with <c>setpriority(PRIO_PROCESS, tid,
/// n)</c>, which only lowers the thread's priority and needs no privilege; elsewhere
/// <see cref="ThreadPriority.BelowNormal"/>. Niceness 0 leaves the priority as it is.
/// </para>
/// </summary>
public sealed class CostlyLane : TaskScheduler, IDisposable
{
    [ThreadStatic] private static CostlyLane? _onThreadOf;

    private readonly BlockingCollection<Task> _queue = new();
    private readonly Thread[] _threads;
    private readonly CountdownEvent _started;
    private long _queued;
    private int _lowered;

    public CostlyLane(int threads, int niceness)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads));
        if (niceness is < 0 or > 19) throw new ArgumentOutOfRangeException(nameof(niceness));
        Niceness = niceness;
        _started = new CountdownEvent(threads);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"warmte-costly-{i + 1}" };
            _threads[i].Start();
        }
        _started.Wait();
    }

    /// <summary>The nice value the lane's threads asked for (0: unchanged).</summary>
    public int Niceness { get; }

    /// <summary>Threads whose priority was lowered as asked (on Linux: their nice value is <see cref="Niceness"/>).</summary>
    public int LoweredThreads => Volatile.Read(ref _lowered);

    /// <summary>Tasks queued to the lane since it started (a request's computation, and any Parallel.For workers).</summary>
    public long TasksQueued => Interlocked.Read(ref _queued);

    /// <summary>True on one of this lane's threads.</summary>
    public bool IsOnLane => _onThreadOf == this;

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Computes <paramref name="work"/> on one of the lane's threads.</summary>
    public Task<T> Run<T>(Func<T> work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);

    protected override void QueueTask(Task task)
    {
        Interlocked.Increment(ref _queued);
        _queue.Add(task);
    }

    // Only the lane's own threads run a task inline (Parallel.For's first worker, a Wait on a queued worker):
    // a request thread waiting for a computation must never end up computing it.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => IsOnLane && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _onThreadOf = this;
        if (Lower(Niceness)) Interlocked.Increment(ref _lowered);
        _started.Signal();
        try
        {
            foreach (var task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
        }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Lowers the calling thread's priority; false where that was not possible (or niceness is 0).</summary>
    private static bool Lower(int niceness)
    {
        if (niceness == 0) return false;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // Never raise a priority: a thread already at this nice value or lower priority stays as it is.
                if (CurrentThreadNiceness() >= niceness) return true;
                // On Linux, setpriority with a thread id changes that one thread (man 2 setpriority, BUGS).
                return setpriority(PrioProcess, gettid(), niceness) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or FormatException)
            {
                return false;
            }
        }
        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        return true;
    }

    /// <summary>The calling thread's nice value on Linux (for tests and diagnostics); null elsewhere.</summary>
    public static int? CurrentThreadNiceness()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var stat = File.ReadAllText($"/proc/self/task/{gettid()}/stat");
        // Field 19 is the nice value; field 2 (the name) is in parentheses and may hold spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
    }

    private const int PrioProcess = 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads) thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
        _started.Dispose();
    }
}
