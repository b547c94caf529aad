using Convex.Sim.Core;
using Convex.Sim.Simulator.Tracing;

namespace Convex.Sim.Simulator.Scheduling;

/// <summary>How a simulated run ended.</summary>
internal enum RunOutcome
{
    Completed = 1,
    Deadlock = 2,
    TimeLimit = 3,
    Failed = 4,
}

/// <summary>
/// The discrete-event loop of the simulator: one thread, one ready queue, one virtual clock.
///
/// Scheduling model: every piece of simulated work (a spawned task, an <c>await</c> continuation
/// posted to a node's <see cref="SynchronizationContext"/>, a timer callback) becomes a work item
/// tagged with its node incarnation. The loop picks the next item uniformly at random among the
/// ready ones with the seeded PRNG (so interleavings are explored, and the same seed replays the
/// same interleaving), runs it to its next <c>await</c>, and repeats. When nothing is ready it jumps
/// the clock to the earliest timer and makes that timer's callback ready; timers never fire inline.
/// Items of a crashed node incarnation are dropped. Work must never leave the loop thread: posting
/// from another thread is an invariant violation (a determinism leak).
/// </summary>
internal sealed class SimLoop
{
    private readonly List<WorkItem> _ready = [];
    private readonly PriorityQueue<SimTimer, (long Due, long Sequence)> _timers = new();
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private long _timerSequence;
    private Exception? _failure;

    public SimLoop(ulong seed, DateTimeOffset epoch, bool keepTrace = false)
    {
        Seed = seed;
        Random = new Prng(seed);
        Scheduling = Random.Fork("scheduler");
        Time = new SimTimeProvider(this, epoch);
        Trace = new SimTrace(keepTrace);
        Driver = new SimNode(this, "driver");
    }

    public ulong Seed { get; }

    /// <summary>The root PRNG: fork named streams from it, never share it with the scheduler.</summary>
    public Prng Random { get; }

    public SimTimeProvider Time { get; }

    public SimTrace Trace { get; }

    /// <summary>The node that runs the workload driver; it never crashes.</summary>
    public SimNode Driver { get; }

    public long Steps { get; private set; }

    public TimeSpan Elapsed => Time.Elapsed;

    public Exception? Failure => _failure;

    private IRandom Scheduling { get; }

    public void AssertOnLoopThread() => Invariant.Assert(Environment.CurrentManagedThreadId == _threadId);

    public void Enqueue(SimContext context, Action action)
    {
        if (Environment.CurrentManagedThreadId != _threadId && Thread.CurrentThread.IsThreadPoolThread)
        {
            // A continuation ran on the thread pool (e.g. SemaphoreSlim.WaitAsync with a cancellable token,
            // CancellationTokenSource.CancelAsync). Throwing here would abort the whole process (every seed
            // of a sweep), so the seed fails instead; any other foreign thread fails the assertion below.
            Fail(new InvalidOperationException(
                $"Determinism leak: work for {context.Node.Name} was posted from thread {Environment.CurrentManagedThreadId} " +
                $"(the thread pool), not the simulator thread"));
            return;
        }

        AssertOnLoopThread();
        _ready.Add(new WorkItem(context, action));
        Invariant.Assert(_ready.Count > 0);
    }

    /// <summary>Records a failure that ends the run (an invariant violation or an unexpected exception).
    /// The first failure wins; may be called from another thread (a determinism leak).</summary>
    public void Fail(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>Runs <paramref name="main"/> on the driver node until it completes, deadlocks,
    /// fails, or simulated time passes <paramref name="limit"/>.</summary>
    public RunOutcome Run(Func<Task> main, TimeSpan limit)
    {
        AssertOnLoopThread();
        Task? mainTask = null;
        Enqueue(Driver.Context, () => mainTask = main());
        while (true)
        {
            if (_failure is not null)
            {
                return RunOutcome.Failed;
            }

            if (mainTask is { IsCompleted: true })
            {
                if (mainTask.IsFaulted)
                {
                    Fail(mainTask.Exception!.InnerException!);
                    return RunOutcome.Failed;
                }

                return RunOutcome.Completed;
            }

            if (_ready.Count > 0)
            {
                RunOne();
                continue;
            }

            if (!AdvanceClock(limit, out var outcome))
            {
                return outcome;
            }
        }
    }

    /// <summary>Schedules a timer firing; returns the sequence number that identifies this arming.</summary>
    internal long AddTimer(SimTimer timer, DateTimeOffset due)
    {
        AssertOnLoopThread();
        var sequence = _timerSequence++;
        _timers.Enqueue(timer, (due.UtcTicks, sequence));
        return sequence;
    }

    private void RunOne()
    {
        var index = (int)Scheduling.NextBelow((ulong)_ready.Count);
        var item = _ready[index];
        _ready[index] = _ready[^1];
        _ready.RemoveAt(_ready.Count - 1);
        if (!item.Context.IsLive)
        {
            return; // the node crashed: its work is gone
        }

        Steps++;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(item.Context);
        try
        {
            item.Action();
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        AssertOnLoopThread();
    }

    /// <summary>Jumps to the earliest live timer and makes it ready; false when the run must stop.</summary>
    private bool AdvanceClock(TimeSpan limit, out RunOutcome outcome)
    {
        outcome = RunOutcome.Completed;
        while (_timers.TryPeek(out var timer, out var due))
        {
            if (!timer.IsCurrent(due.Sequence) || !timer.Context.IsLive)
            {
                _timers.Dequeue();
                continue;
            }

            var at = new DateTimeOffset(due.Due, TimeSpan.Zero);
            if (at - Time.Epoch > limit)
            {
                outcome = RunOutcome.TimeLimit;
                return false;
            }

            _timers.Dequeue();
            Time.AdvanceTo(at);
            var sequence = due.Sequence;
            Enqueue(timer.Context, () => timer.Fire(sequence));
            return true;
        }

        outcome = RunOutcome.Deadlock;
        return false;
    }

    private readonly record struct WorkItem(SimContext Context, Action Action);
}
