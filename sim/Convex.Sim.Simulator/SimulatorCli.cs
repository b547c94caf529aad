namespace Convex.Sim.Simulator;

// PLACEHOLDER: the CLI lands with the workload.
internal static class SimulatorCli
{
    public static int Run(string[] args, TextWriter output)
    {
        output.WriteLine($"not supported yet: {string.Join(' ', args)}");
        return 2;
    }
}
