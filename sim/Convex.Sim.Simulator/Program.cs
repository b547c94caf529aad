namespace Convex.Sim.Simulator;

internal static class Program
{
    private static int Main(string[] args) => SimulatorCli.Run(args, Console.Out);
}
