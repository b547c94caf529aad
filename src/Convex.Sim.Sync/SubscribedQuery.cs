using Convex.Sim.Core.Values;
using Convex.Sim.Database.Reads;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync;

/// <summary>
/// One query of a session's query set: what the client asked for, the read set of its last
/// execution (null when it read nothing re-runnable, e.g. a refused call) and the last result sent,
/// as a comparable key, so that an unchanged result is not sent again.
/// </summary>
internal sealed class SubscribedQuery(AddQuery request)
{
    public AddQuery Request { get; } = request;

    public ReadSet? ReadSet { get; set; }

    public string? LastResultKey { get; set; }
}
