using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Workloads;

/// <summary>The knobs of the list-append workload, derived from the seed (swarm testing).</summary>
internal sealed record ListAppendOptions
{
    public int Clients { get; init; } = 4;
    public int KeyCount { get; init; } = 8;
    public int OpsPerTransactionMax { get; init; } = 4;
    public int TransactionsPerClient { get; init; } = 40;
    public TimeSpan ThinkTimeMax { get; init; } = TimeSpan.FromMilliseconds(20);
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Percent of clients whose transactions run as JavaScript mutations through the function runner.</summary>
    public int FunctionClientsPercent { get; init; }

    public static ListAppendOptions Randomize(IRandom random) => new()
    {
        Clients = random.NextInt(1, 9),
        KeyCount = random.NextInt(2, 17),
        OpsPerTransactionMax = random.NextInt(1, 6),
        TransactionsPerClient = random.NextInt(20, 100),
        ThinkTimeMax = TimeSpan.FromMilliseconds(random.NextInt(0, 500)),
        FunctionClientsPercent = random.NextInt(0, 3) * 50,
    };

    public override string ToString() =>
        $"clients={Clients} keys={KeyCount} ops/tx<={OpsPerTransactionMax} tx/client={TransactionsPerClient} " +
        $"think<={ThinkTimeMax.TotalMilliseconds}ms js-clients={FunctionClientsPercent}%";
}
