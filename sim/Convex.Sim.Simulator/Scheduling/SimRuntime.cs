using Convex.Sim.Core;
using Convex.Sim.Runtime;

namespace Convex.Sim.Simulator.Scheduling;

/// <summary>
/// The <see cref="IRuntime"/> of one simulated node incarnation: the shared virtual clock, the
/// node's own PRNG stream, Buggify enabled (or not) for the seed, and Spawn onto the node.
/// </summary>
internal sealed class SimRuntime(SimLoop loop, SimNode node, SimContext context, IRandom random, bool buggify) : IRuntime
{
    public TimeProvider Time => loop.Time;

    public IRandom Random { get; } = random;

    public Buggify Buggify { get; } = buggify ? Buggify.Enabled(random.Fork("buggify")) : Buggify.Disabled;

    public SimNode Node => node;

    public bool IsCurrent => context.IsLive;

    public Task Spawn(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (!context.IsLive)
        {
            // A dead incarnation cannot start work; the task never completes, like a killed process.
            return new TaskCompletionSource().Task;
        }

        return node.SpawnAsync(name, work, cancellationToken);
    }
}
