namespace Convex.Sim.Simulator.Scheduling;

/// <summary>
/// The synchronization context of one node incarnation. <c>await</c> continuations captured on a
/// node come back through <see cref="Post"/> as work items of that incarnation, so a crash (which
/// ends the incarnation) drops them. Synchronous <see cref="Send"/> is not allowed: nothing blocks.
/// </summary>
internal sealed class SimContext(SimLoop loop, SimNode node, int incarnation) : SynchronizationContext
{
    public SimNode Node { get; } = node;

    public int Incarnation { get; } = incarnation;

    public bool IsLive => Node.IsAlive && Node.Incarnation == Incarnation;

    public override void Post(SendOrPostCallback d, object? state) => loop.Enqueue(this, () => d(state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send would block the simulator thread.");

    public override SynchronizationContext CreateCopy() => this;
}
