using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Scheduling;

/// <summary>
/// A simulated process (the database server, the workload driver). It lives in incarnations:
/// <see cref="Crash"/> ends the current one (all its queued work, pending continuations and timers
/// are dropped and never run, like a killed process), <see cref="Restart"/> begins the next one
/// with a fresh context and runtime. State the node kept in memory is gone with it; state on the
/// simulated disk survives.
/// </summary>
internal sealed class SimNode
{
    private readonly SimLoop _loop;

    public SimNode(SimLoop loop, string name)
    {
        _loop = loop;
        Name = name;
        Context = new SimContext(loop, this, Incarnation);
    }

    public string Name { get; }

    public int Incarnation { get; private set; }

    public bool IsAlive { get; private set; } = true;

    public SimContext Context { get; private set; }

    /// <summary>The runtime of the current incarnation (its own PRNG stream and Buggify sites).</summary>
    public SimRuntime CreateRuntime(bool buggify) => new(_loop, this, Context,
        _loop.Random.Fork($"node:{Name}:{Incarnation}"), buggify);

    public void Crash()
    {
        Invariant.Assert(IsAlive);
        IsAlive = false;
        _loop.Trace.Record(_loop.Elapsed, Name, $"crash incarnation={Incarnation}");
    }

    public void Restart()
    {
        Invariant.Assert(!IsAlive);
        Incarnation++;
        IsAlive = true;
        Context = new SimContext(_loop, this, Incarnation);
        _loop.Trace.Record(_loop.Elapsed, Name, $"restart incarnation={Incarnation}");
    }

    /// <summary>Runs <paramref name="work"/> as a new work item of the current incarnation.</summary>
    public Task SpawnAsync(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        // No RunContinuationsAsynchronously: it would send non-await continuations (Task.WhenAll,
        // WaitAsync) to the thread pool. Inline continuations stay on the simulator thread.
        var completion = new TaskCompletionSource();
        var context = Context;
        _loop.Trace.Record(_loop.Elapsed, Name, $"spawn {name}");
        _loop.Enqueue(context, () => _ = RunAsync(name, work, completion, cancellationToken));
        return completion.Task;
    }

    private async Task RunAsync(string name, Func<CancellationToken, Task> work, TaskCompletionSource completion,
        CancellationToken cancellationToken)
    {
        try
        {
            await work(cancellationToken);
            completion.TrySetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            completion.TrySetCanceled(cancellationToken);
        }
        catch (Exception e)
        {
            // Spawned work is a background process: an exception escaping it is a bug in the node.
            _loop.Fail(new InvalidOperationException($"spawned work '{name}' on {Name} failed: {e.Message}", e));
            completion.TrySetException(e);
        }
    }
}
