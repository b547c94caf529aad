namespace Convex.Sim.Simulator;

internal static class Program
{
    // The whole sweep on one simulator thread (a big stack; SeedRun.OnSimulatorThread), not a thread per seed.
    private static int Main(string[] args) => SeedRun.OnSimulatorThread(() => SimulatorCli.Run(args, Console.Out));
}
