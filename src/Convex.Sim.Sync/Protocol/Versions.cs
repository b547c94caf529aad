using Convex.Sim.Core;

namespace Convex.Sim.Sync.Protocol;

/// <summary>The client's query-set version: bumped by every <c>ModifyQuerySet</c>.</summary>
public readonly record struct QuerySetVersion(uint Value)
{
    public static readonly QuerySetVersion Initial = new(0);
}

/// <summary>The client's identity version: bumped by every accepted <c>Authenticate</c>.</summary>
public readonly record struct IdentityVersion(uint Value)
{
    public static readonly IdentityVersion Initial = new(0);
}

/// <summary>A client-assigned query id, never reused within one client instance.</summary>
public readonly record struct QueryId(uint Value);

/// <summary>
/// The state a <c>Transition</c> moves from and to (convex-compat §3.4.1): query set, identity and
/// the database timestamp every query result corresponds to.
/// </summary>
public readonly record struct StateVersion(QuerySetVersion QuerySet, IdentityVersion Identity, Timestamp Ts)
{
    public static readonly StateVersion Initial = new(QuerySetVersion.Initial, IdentityVersion.Initial, Timestamp.Zero);
}
