using System.Globalization;
using Convex.Sim.Core;
using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Simulator.Scheduling;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// Collects what the simulated clients observed, in simulation order: accepted transitions, the
/// life of every request, and violations a client detects on the spot (a transition that does not
/// start where the previous one ended, a <c>FatalError</c>). Single-threaded like everything in
/// the simulator. Every observation is also traced.
/// </summary>
internal sealed class SyncRecorder(SimLoop loop)
{
    /// <summary>A transition's <c>startVersion</c> must equal the previous <c>endVersion</c> (§3.4.1).</summary>
    public const string ChainedTransitions = "ChainedTransitions";

    /// <summary>The simulated clients follow the protocol, so the server must never send <c>FatalError</c>.</summary>
    public const string NoFatalError = "NoFatalError";

    /// <summary>The parts of a chunked transition arrive in order, uninterrupted, and join into a transition (§3.4.7).</summary>
    public const string ChunksInOrder = "ChunksInOrder";

    /// <summary>The official client never throws while handling a server message (it would in a browser console).</summary>
    public const string NoClientError = "NoClientError";

    private readonly List<ObservedTransition> _transitions = [];
    private readonly List<ObservedRequest> _requests = [];
    private readonly Dictionary<(int Client, uint RequestId), int> _requestIndex = [];
    private readonly List<string> _violations = [];
    private long _nextElement = 1;

    public IReadOnlyList<string> Violations => _violations;

    public int Succeeded { get; private set; }

    public int Failed { get; private set; }

    public int Reconnects { get; private set; }

    /// <summary>Transitions that arrived as <c>TransitionChunk</c>s and were reassembled.</summary>
    public int ChunkedTransitions { get; private set; }

    /// <summary>Wrong admin keys refused with <c>AuthError</c>.</summary>
    public int AuthErrors { get; private set; }

    /// <summary>Transitions that moved a client's identity version (an accepted <c>Authenticate</c>).</summary>
    public int IdentityChanges { get; private set; }

    /// <summary>Requests that never resolved.</summary>
    public int Pending => _requests.Count - Succeeded - Failed;

    /// <summary>A globally unique element for an append.</summary>
    public long NextElement() => _nextElement++;

    public void Trace(string node, string text) => loop.Trace.Record(loop.Elapsed, node, text);

    public void Violation(int client, string invariant, string explanation)
    {
        _violations.Add($"{invariant}: client {client}: {explanation}");
        Trace($"client{client}", $"VIOLATION {invariant}: {explanation}");
    }

    public void Connected(int client, long connection, bool reconnect)
    {
        if (reconnect)
        {
            Reconnects++;
        }

        Trace($"client{client}", $"open conn={connection}");
    }

    public void ChunkedTransition(int client, int parts)
    {
        ChunkedTransitions++;
        Trace($"client{client}", string.Create(CultureInfo.InvariantCulture, $"transition joined from {parts} chunks"));
    }

    public void AuthRefused(int client, string error)
    {
        AuthErrors++;
        Trace($"client{client}", $"auth refused: {error}");
    }

    public void Transition(ObservedTransition transition)
    {
        Invariant.Assert(transition.End.Ts >= Timestamp.Zero);
        if (transition.End.Identity != transition.Start.Identity)
        {
            IdentityChanges++;
        }

        _transitions.Add(transition);
        Trace($"client{transition.Client}", string.Create(CultureInfo.InvariantCulture,
            $"transition conn={transition.Connection} ts={transition.End.Ts} qs={transition.End.QuerySet.Value} " +
            $"shown={transition.Shown.Count} held={transition.Held.Count}"));
    }

    public void Issued(int client, uint requestId, RequestKind kind, string key, long element)
    {
        Invariant.Assert(!_requestIndex.ContainsKey((client, requestId)));
        _requestIndex[(client, requestId)] = _requests.Count;
        _requests.Add(new ObservedRequest(
            client, requestId, kind, key, element, RequestOutcome.Pending, null, null, null, null));
        Trace($"client{client}", $"issue {kind} r={requestId} append {element} to {key}");
    }

    public void Responded(int client, uint requestId, Timestamp ts)
    {
        Update(client, requestId, r => r with { ResponseTs = ts });
        Trace($"client{client}", $"response r={requestId} ts={ts}");
    }

    public void Resolved(int client, uint requestId, Timestamp at, QueryResult? held)
    {
        Succeeded++;
        Update(client, requestId, r =>
        {
            Invariant.Assert(r.Outcome == RequestOutcome.Pending);
            return r with { Outcome = RequestOutcome.Succeeded, ResolvedAtTs = at, HeldAtResolution = held };
        });
        Trace($"client{client}", $"resolved r={requestId} at ts={at}");
    }

    public void Rejected(int client, uint requestId, string error)
    {
        Failed++;
        Update(client, requestId, r =>
        {
            Invariant.Assert(r.Outcome == RequestOutcome.Pending);
            return r with { Outcome = RequestOutcome.Failed, Error = error };
        });
        Trace($"client{client}", $"rejected r={requestId}: {error}");
    }

    public SyncHistory ToHistory(IReadOnlyList<FinalView> finals, Timestamp finalTs,
        IReadOnlyDictionary<string, IReadOnlyList<long>> finalData) =>
        new([.. _transitions], [.. _requests], finals, finalTs, finalData);

    private void Update(int client, uint requestId, Func<ObservedRequest, ObservedRequest> change)
    {
        var index = _requestIndex[(client, requestId)];
        _requests[index] = change(_requests[index]);
        Invariant.Assert(_requests[index].RequestId == requestId);
    }
}
