using Convex.Sim.Core;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Sync.Protocol;

/// <summary>A message from the client (convex-compat §3.3).</summary>
public abstract record ClientMessage;

/// <summary><c>Connect</c>: the first message on every socket (§3.3.1).</summary>
public sealed record Connect(
    string SessionId, uint ConnectionCount, string? LastCloseReason, Timestamp? MaxObservedTimestamp, long? ClientTs)
    : ClientMessage;

/// <summary><c>ModifyQuerySet</c> (§3.3.2).</summary>
public sealed record ModifyQuerySet(
    QuerySetVersion BaseVersion, QuerySetVersion NewVersion, IReadOnlyList<QuerySetModification> Modifications)
    : ClientMessage;

/// <summary>One change of a <see cref="ModifyQuerySet"/>.</summary>
public abstract record QuerySetModification(QueryId QueryId);

/// <summary><c>Add</c>: subscribe to a query with positional arguments.</summary>
public sealed record AddQuery(QueryId QueryId, string UdfPath, IReadOnlyList<ConvexValue> Args, string? Journal)
    : QuerySetModification(QueryId);

/// <summary><c>Remove</c>: unsubscribe.</summary>
public sealed record RemoveQuery(QueryId QueryId) : QuerySetModification(QueryId);

/// <summary>The <c>Mutation</c> message (§3.3.3).</summary>
public sealed record MutationRequest(uint RequestId, string UdfPath, IReadOnlyList<ConvexValue> Args) : ClientMessage;

/// <summary>The <c>Action</c> message (§3.3.4).</summary>
public sealed record ActionRequest(uint RequestId, string UdfPath, IReadOnlyList<ConvexValue> Args) : ClientMessage;

/// <summary>How an <see cref="Authenticate"/> message identifies the caller.</summary>
public enum TokenType
{
    User,
    Admin,
    None,
}

/// <summary>
/// <c>Authenticate</c> (§3.3.5). <paramref name="Impersonating"/> (alias <c>actingAs</c>) is the user an
/// admin acts as: a user-identity attribute object (§7.14.4).
/// </summary>
public sealed record Authenticate(
    TokenType TokenType, string? Value, IdentityVersion BaseVersion, ConvexObject? Impersonating = null) : ClientMessage;

/// <summary><c>Event</c>: client telemetry, ignored (§3.3.6).</summary>
public sealed record ClientEvent(string EventType) : ClientMessage;
