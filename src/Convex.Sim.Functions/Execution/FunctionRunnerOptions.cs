using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Library;

namespace Convex.Sim.Functions.Execution;

/// <summary>Limits and pool sizes of a <see cref="FunctionRunner"/>.</summary>
public sealed record FunctionRunnerOptions
{
    /// <summary>Limits of queries and mutations.</summary>
    public ExecutionLimits UdfLimits { get; init; } = new();

    /// <summary>Limits of actions.</summary>
    public ExecutionLimits ActionLimits { get; init; } = new ExecutionLimits().ForActions();

    /// <summary>
    /// Whether recognised versions of the library's value conversion run as native code (the
    /// default) or as the bundle's JavaScript; results and errors are the same either way.
    /// </summary>
    public ValueConversion ValueConversion { get; init; } = ValueConversion.Native;

    /// <summary>Idle engines kept per deployment.</summary>
    public int MaxIdleWorkers { get; init; } = 16;

    /// <summary>For the simulator: statement budgets instead of clock deadlines.</summary>
    public static FunctionRunnerOptions Deterministic { get; } = new()
    {
        UdfLimits = ExecutionLimits.Deterministic(),
        ActionLimits = ExecutionLimits.Deterministic(100_000_000),
    };
}
