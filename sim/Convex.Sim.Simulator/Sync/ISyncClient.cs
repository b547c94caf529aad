using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Sync;

/// <summary>Which client speaks the sync protocol in a sync seed.</summary>
internal enum SyncClientKind
{
    /// <summary><see cref="SyncClient"/>: a C# client following the official client's rules.</summary>
    Simulated = 1,

    /// <summary><see cref="Official.OfficialSyncClient"/>: the official client's own code (convex 1.48.0,
    /// <c>BaseConvexClient</c>) running in Jint against the simulated socket.</summary>
    Official = 2,
}

/// <summary>
/// What the sync workload and scenario need from a client, whichever implementation speaks the
/// protocol. Every observation (transitions, request outcomes, on-the-spot violations) goes to the
/// scenario's <see cref="SyncRecorder"/>, so the same checkers judge both clients.
/// </summary>
internal interface ISyncClient
{
    int Index { get; }

    string Name { get; }

    /// <summary>The simulated process the client and its application run on.</summary>
    SimNode Node { get; }

    /// <summary>The keys whose read query the application is subscribed to.</summary>
    IReadOnlyCollection<string> ActiveKeys { get; }

    bool IsAuthenticated { get; }

    /// <summary>Requests issued and not yet resolved.</summary>
    int InFlight { get; }

    /// <summary>Connected, the query set and identity acknowledged, a result for every query, nothing
    /// unresolved.</summary>
    bool IsQuiescent { get; }

    /// <summary>Starts connecting; the client keeps reconnecting until <see cref="Stop"/>.</summary>
    Task StartAsync();

    /// <summary>Stops for good: closes the connection and never reconnects.</summary>
    void Stop();

    /// <summary>The results held for the active queries.</summary>
    IReadOnlyList<ObservedResult> Held();

    void Subscribe(string key);

    void Unsubscribe(string key);

    /// <summary>Sends a mutation or action appending <paramref name="element"/> to <paramref name="key"/>;
    /// completes when it resolves either way.</summary>
    Task RequestAsync(RequestKind kind, string key, long element);

    /// <summary>Authenticates with the admin key, or a wrong one (which the server must refuse).</summary>
    void SetAdminAuth(bool wrongKey);

    void ClearAuth();
}
