using Convex.Sim.Core;

namespace Convex.Sim.Functions.Execution;

/// <summary>What one execution knows about itself: which function, for whom, and its log.</summary>
internal sealed record ExecutionContext(string UdfPath, UdfKind Kind, UserIdentity? Identity, string RequestId)
{
    public LogCollector Logs { get; } = new();

    /// <summary>What <c>process.env</c> shows this execution.</summary>
    public DeploymentEnvironment Environment { get; init; } = DeploymentEnvironment.Empty;
}
