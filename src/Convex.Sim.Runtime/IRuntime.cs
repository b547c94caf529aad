using Convex.Sim.Core;

namespace Convex.Sim.Runtime;

/// <summary>
/// The one seam through which everything below the composition roots reaches time, randomness
/// and concurrency. Production: system clock, thread pool. Simulation: a virtual clock and a
/// seeded single-threaded scheduler. Passed explicitly through constructors; never ambient.
/// </summary>
public interface IRuntime
{
    /// <summary>The clock. Timers created from it must never fire inline in the simulator.</summary>
    TimeProvider Time { get; }

    /// <summary>The seeded random stream of this node.</summary>
    IRandom Random { get; }

    /// <summary>Fault-injection switch points; always off in production.</summary>
    Buggify Buggify { get; }

    /// <summary>
    /// Starts <paramref name="work"/> concurrently with the caller (a thread-pool item in
    /// production; a ready-queue item on the simulator thread in simulation). The returned task
    /// completes when the work does.
    /// </summary>
    Task Spawn(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="Spawn"/>, for work that blocks in system calls until its first incomplete await (the sync pump's
    /// fsyncs, persistence upkeep): in production it gets a thread of its own, so that it never holds one of the
    /// thread pool's few threads (on a small machine the pool then stalls every other work item until it notices and
    /// adds threads, which takes up to a second). The simulator treats it as any other work.
    /// </summary>
    Task SpawnBlocking(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        Spawn(name, work, cancellationToken);

    /// <summary>Outgoing HTTP (actions' <c>fetch</c>). Runtimes without a network refuse every request.</summary>
    Network.IHttpFetcher Http => Network.NoNetwork.Instance;

    /// <summary>Unix time in nanoseconds from <see cref="Time"/>.</summary>
    long UnixNanoseconds => (Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
}
