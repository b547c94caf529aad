namespace Convex.Sim.Simulator.Tests.Workloads;

public sealed class CliTests
{
    [Fact]
    public void A_seed_run_prints_its_knobs_first_and_a_summary_last()
    {
        var output = new StringWriter();
        var code = SimulatorCli.Run(["run", "--seed", "3", "--check-determinism"], output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(0, code);
        Assert.StartsWith("seed 3: clients=", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("seeds: 1, violations: 0, simulated: ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_flags_are_refused()
    {
        var output = new StringWriter();
        var code = SimulatorCli.Run(["run", "--seeds", "1..3", "--plant-gap"], output);
        Assert.Equal(2, code); // unknown flags are refused rather than ignored
        Assert.Contains("unknown or malformed argument: --plant-gap", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("walk")]
    [InlineData("run --seeds 5..1")]
    [InlineData("run --seed x")]
    public void Bad_usage_exits_with_code_two(string args)
    {
        var output = new StringWriter();
        Assert.Equal(2, SimulatorCli.Run(args.Split(' '), output));
        Assert.Contains("usage:", output.ToString(), StringComparison.Ordinal);
    }
}
