using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Transactions;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// A request to run one function: its path (<c>messages:list</c>), its argument object, the
/// caller's identity, whether internal functions may be called (only from other functions and
/// admins), and for queries an optional timestamp to read at.
/// </summary>
public sealed record FunctionCall(string Path, ConvexObject Args)
{
    public UserIdentity? Identity { get; init; }

    public bool AllowInternal { get; init; }

    public Timestamp? At { get; init; }

    /// <summary>Subscribed queries: the journal of their previous execution (convex-compat §3.6.4).</summary>
    public string? Journal { get; init; }

    /// <summary>
    /// Mutations sent over a sync session: the (session, request) key that makes a re-sent request
    /// return the recorded outcome instead of running again (convex-compat §3.7.3).
    /// </summary>
    public SessionRequestKey? SessionRequest { get; init; }

    /// <summary>Chosen by the caller for actions (the library echoes it back in action syscalls).</summary>
    public string RequestId { get; init; } = "";
}
