using Convex.Sim.Core;
using Convex.Sim.Simulator.Checkers.Sync;

namespace Convex.Sim.Simulator.Sync;

/// <summary>Where a client's request is (convex-js <c>RequestManager</c>).</summary>
internal enum SyncRequestStatus
{
    /// <summary>Issued while disconnected: sent when the next connection opens.</summary>
    NotSent = 1,

    /// <summary>Sent, waiting for its response.</summary>
    Requested = 2,

    /// <summary>A mutation with a successful response, waiting for a transition at or after its
    /// <see cref="SyncRequest.Ts"/>.</summary>
    Completed = 3,
}

/// <summary>An unresolved request of a simulated client; <see cref="Text"/> is re-sent verbatim on reconnect.</summary>
internal sealed class SyncRequest(RequestKind kind, string key, string text)
{
    public RequestKind Kind { get; } = kind;

    public string Key { get; } = key;

    public string Text { get; } = text;

    public SyncRequestStatus Status { get; set; } = SyncRequestStatus.NotSent;

    /// <summary>The commit timestamp of a successful mutation response.</summary>
    public Timestamp Ts { get; set; }

    /// <summary>Completed when the request resolves either way (not RunContinuationsAsynchronously: its
    /// continuations run on the simulator thread).</summary>
    public TaskCompletionSource Done { get; } = new();
}
