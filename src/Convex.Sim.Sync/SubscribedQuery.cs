using Convex.Sim.Core.Values;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync;

/// <summary>
/// One query of a session's query set: what the client asked for and the last result sent, as a
/// comparable key, so that an unchanged result is not sent again. Its read set lives with the
/// <see cref="SubscriptionManager"/>.
/// </summary>
internal sealed class SubscribedQuery(AddQuery request)
{
    public AddQuery Request { get; } = request;

    public string? LastResultKey { get; set; }

    /// <summary>The function and its encoded arguments, the part of the shared-execution key that never changes.</summary>
    public string? CallKey { get; set; }

    /// <summary>
    /// The journal of the last execution (initially the one the client sent back on re-subscribing),
    /// passed to the next execution so a paginated query keeps its page window (§3.6.4).
    /// </summary>
    public string? Journal { get; set; } = request.Journal;
}
