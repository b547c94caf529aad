using Jint.Runtime;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// The engine's <c>Date</c> clock. Queries and mutations see one frozen instant for the whole
/// execution (Convex's determinism rule); actions see the runtime's clock. Always UTC.
/// </summary>
internal sealed class ExecutionClock(TimeProvider runtimeClock) : DefaultTimeSystem(TimeZoneInfo.Utc, System.Globalization.CultureInfo.InvariantCulture)
{
    private DateTimeOffset? _frozen;

    public void Freeze(DateTimeOffset instant) => _frozen = instant;

    public void Live() => _frozen = null;

    public override DateTimeOffset GetUtcNow() => _frozen ?? runtimeClock.GetUtcNow();
}
