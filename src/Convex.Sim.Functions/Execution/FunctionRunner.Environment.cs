using Convex.Sim.Functions.Hosting;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The deployment's environment variables (convex-compat §7.13): every execution reads them as
/// <c>process.env</c> from the value current when it starts. They are data handed in by the host.
/// </summary>
public sealed partial class FunctionRunner
{
    private volatile DeploymentEnvironment _environment = DeploymentEnvironment.Empty;

    /// <summary>What <c>process.env</c> shows executions that start now.</summary>
    public DeploymentEnvironment Environment => _environment;

    /// <summary>
    /// Switches the environment. Engines already prepared imported their modules under the old
    /// values, and module-level code may have kept them (<c>const key = process.env.KEY</c>), so the
    /// active deployment gets a fresh pool: the next executions import their modules again.
    /// </summary>
    public void SetEnvironment(DeploymentEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        while (true)
        {
            var current = _active;
            var pool = new WorkerPool(
                current.Deployment.Modules, _runtime.Time, _options.MaxIdleWorkers, _options.UdfLimits, _options.ValueConversion);
            var fresh = current with { Pool = pool };
#pragma warning disable CS0420 // Interlocked operations are fenced; the field stays volatile for plain reads.
            if (ReferenceEquals(Interlocked.CompareExchange(ref _active, fresh, current), current))
#pragma warning restore CS0420
            {
                break;
            }
        }
    }

    /// <summary>An execution's context, carrying the environment current as it starts.</summary>
    private ExecutionContext NewContext(string path, UdfKind kind, UserIdentity? identity, string requestId) =>
        new(path, kind, identity, requestId) { Environment = _environment };
}
