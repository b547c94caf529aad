using System.Collections.Concurrent;

namespace Convex.Sim.Runtime.Production;

/// <summary>
/// Runs work that blocks in system calls (<see cref="IRuntime.SpawnBlocking"/>: the sync pump's fsyncs, persistence
/// upkeep) on a few long-lived threads of its own, shared by the process. Not the thread pool, whose few threads on a
/// small machine it would hold (every other work item then waits until the pool notices and adds threads); and not a
/// new thread per item, because the sync pump starts again each time it runs out of groups (hundreds of times a second
/// under load), and creating a thread costs more than the work between two fsyncs. A work item's continuations after
/// an incomplete await come back here too (this is their task scheduler).
/// </summary>
internal sealed class BlockingWorkScheduler : TaskScheduler
{
    /// <summary>Enough for the pump and upkeep of a few databases at once; items queue beyond that.</summary>
    public static readonly BlockingWorkScheduler Shared = new(Math.Max(4, Environment.ProcessorCount));

    private readonly BlockingCollection<Task> _queue = [];
    private readonly int _threads;

    private BlockingWorkScheduler(int threads)
    {
        _threads = threads;
        for (var i = 0; i < threads; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"convex-blocking-{i}" }.Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads;

    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <summary>Never inline: a blocking item must not run on a thread-pool thread that waits for it.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Run()
    {
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
