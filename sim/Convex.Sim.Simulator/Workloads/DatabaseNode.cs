using Convex.Sim.Database;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Simulator.Workloads.Functions;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Storage;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>
/// The simulated database server process: a <see cref="SimNode"/> running a <see cref="Database"/>
/// over persistence that lives on the simulated disk. <see cref="Crash"/> kills the process (its
/// committer and every continuation of it stop; the disk loses what was not synced);
/// <see cref="StartAsync"/> boots a new incarnation that recovers from the disk alone. With
/// <paramref name="deployFunctions"/>, every incarnation also deploys the workload's JavaScript to
/// a <see cref="FunctionRunner"/>; without it there is no runner (analysing the modules at every
/// boot was the largest cost of a database-only seed).
/// </summary>
internal sealed class DatabaseNode(
    SimLoop loop, SimNode node, IStorageDevice device, DatabaseOptions options, bool buggify, bool deployFunctions)
{
    private long _prunedBefore;

    public Database.Database? Current { get; private set; }

    /// <summary>The function runner of the current incarnation, with the workload's JavaScript deployed
    /// (null while down or when the node was made without functions).</summary>
    public FunctionRunner? Runner { get; private set; }

    public IPersistence? Persistence { get; private set; }

    /// <summary>The runtime of the current incarnation (null while down).</summary>
    public SimRuntime? Runtime { get; private set; }

    public TimeProvider Time => loop.Time;

    public int Crashes { get; private set; }

    public int Recoveries { get; private set; }

    public bool IsUp => Current is not null;

    /// <summary>Versions deleted by retention over every incarnation so far.</summary>
    public long PrunedVersions => _prunedBefore + (Current?.PrunedVersions ?? 0);

    /// <summary>Boots an incarnation; returns false if recovery failed (e.g. a disk read error).</summary>
    public async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        if (!node.IsAlive)
        {
            node.Restart();
        }

        var runtime = node.CreateRuntime(buggify);
        var persistence = device.Open(runtime);
        Database.Database? database = null;
        FunctionRunner? runner = null;
        await node.SpawnAsync("recover", async ct =>
        {
            try
            {
                database = await Database.Database.OpenAsync(runtime, persistence, options, ct);
                if (deployFunctions)
                {
                    runner = new FunctionRunner(database, runtime, FunctionRunnerOptions.Deterministic);
                    runner.Deploy(await SimFunctions.PrepareAsync(runtime, ct));
                }
            }
            catch (Core.ConvexException e)
            {
                loop.Trace.Record(loop.Elapsed, node.Name, $"recovery failed: {e.Code}");
            }
        }, cancellationToken);
        if (database is null)
        {
            return false;
        }

        Persistence = persistence;
        Current = database;
        Runner = runner;
        Runtime = runtime;
        Recoveries++;
        loop.Trace.Record(loop.Elapsed, node.Name, $"up at ts={database.LatestTs}");
        return true;
    }

    public void Crash()
    {
        _prunedBefore += Current?.PrunedVersions ?? 0;
        Current = null;
        Runner = null;
        Runtime = null;
        Persistence = null;
        node.Crash();
        device.Crash();
        Crashes++;
    }
}

/// <summary>Where a database node's persistence lives: opened per incarnation, crashed with the node.</summary>
internal interface IStorageDevice
{
    IPersistence Open(Runtime.IRuntime runtime);

    /// <summary>The power goes out: whatever the device had not made durable is lost.</summary>
    void Crash();

    /// <summary>Turns fault injection off (the liveness phase).</summary>
    void Heal();

    string Describe();
}
