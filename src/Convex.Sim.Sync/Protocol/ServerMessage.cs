using Convex.Sim.Core;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Sync.Protocol;

/// <summary>A message to the client (convex-compat §3.4).</summary>
public abstract record ServerMessage;

/// <summary>
/// <c>Transition</c> (§3.4.1): the query results change from <see cref="StartVersion"/> (the end of
/// the previous transition on this socket) to <see cref="EndVersion"/>.
/// </summary>
public sealed record Transition(
    StateVersion StartVersion,
    StateVersion EndVersion,
    IReadOnlyList<StateModification> Modifications,
    long? ClientClockSkew,
    long? ServerTs) : ServerMessage;

/// <summary>One change of a query's result in a <see cref="Transition"/>.</summary>
public abstract record StateModification(QueryId QueryId);

public sealed record QueryUpdated(QueryId QueryId, ConvexValue Value, IReadOnlyList<string> LogLines, string? Journal)
    : StateModification(QueryId)
{
    /// <summary>
    /// <see cref="Value"/>'s Convex JSON when it was encoded already (one shared execution is sent to
    /// many sessions; it is encoded once). Must be exactly <c>ConvexJson.Encode(Value)</c>.
    /// </summary>
    public string? ValueJson { get; init; }
}

public sealed record QueryFailed(
    QueryId QueryId, string ErrorMessage, IReadOnlyList<string> LogLines, string? Journal, ConvexValue? ErrorData)
    : StateModification(QueryId);

public sealed record QueryRemoved(QueryId QueryId) : StateModification(QueryId);

/// <summary>
/// The outcome of a mutation or an action: a value, or an error message with optional
/// <c>ConvexError</c> data.
/// </summary>
public sealed record FunctionOutcome(
    ConvexValue? Value, string? ErrorMessage, ConvexValue? ErrorData, IReadOnlyList<string> LogLines)
{
    public bool Succeeded => ErrorMessage is null;
}

/// <summary>
/// <c>MutationResponse</c> (§3.4.2); <see cref="Ts"/> is the commit timestamp, set exactly on success.
/// </summary>
public sealed record MutationResponse(uint RequestId, FunctionOutcome Outcome, Timestamp? Ts) : ServerMessage;

/// <summary><c>ActionResponse</c> (§3.4.3).</summary>
public sealed record ActionResponse(uint RequestId, FunctionOutcome Outcome) : ServerMessage;

/// <summary><c>AuthError</c> (§3.4.4).</summary>
public sealed record AuthError(string Error, IdentityVersion? BaseVersion, bool AuthUpdateAttempted) : ServerMessage;

/// <summary><c>FatalError</c> (§3.4.6): the client stops for good; sent only for client bugs.</summary>
public sealed record FatalError(string Error) : ServerMessage;

/// <summary><c>Ping</c> (§3.4.5): keepalive.</summary>
public sealed record Ping : ServerMessage
{
    public static readonly Ping Instance = new();
}

/// <summary>
/// <c>TransitionChunk</c> (§3.4.7): one piece of a <see cref="Transition"/>'s JSON text too large for
/// one frame; the pieces are sent back to back and the client concatenates them.
/// </summary>
public sealed record TransitionChunk(string Chunk, int PartNumber, int TotalParts, string TransitionId) : ServerMessage;
