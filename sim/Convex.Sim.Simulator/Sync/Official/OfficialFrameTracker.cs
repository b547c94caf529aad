using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Sync.Official;

/// <summary>
/// The C# mirror of the protocol state of the official client's current socket, built only from the
/// frames the shim carries: the end version of the last transition, the query-set and identity
/// versions sent, query ids by key (from the <c>Add</c>s sent), whether a wrong admin key was sent,
/// the largest timestamp observed, and a transition being received in chunks. It checks what the
/// simulated client checks on the spot (chaining, chunk order, no <c>FatalError</c>, an
/// <c>AuthError</c> only for a wrong key) and records each transition once the official client has
/// processed it. State machine: <see cref="_socket"/> is the open socket (null between sockets);
/// every per-socket field restarts when one opens.
/// </summary>
internal sealed class OfficialFrameTracker(
    int index, SyncOptions options, SyncRecorder recorder, OfficialSyncClient client) : ISocketObserver
{
    private readonly Dictionary<string, uint> _queryByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, string> _keyByQuery = [];
    private SimSocket? _socket;
    private uint _querySetSent;
    private uint _identitySent;
    private bool _wrongKeySent;
    private bool _fatal;
    private Timestamp _maxObserved = Timestamp.Zero;
    private StringBuilder? _chunks;
    private string? _chunkId;
    private int _chunkParts;
    private int _chunkNext;
    private int _transitions;

    /// <summary>The frame being delivered: a transition that chained (recorded once the client processed it).</summary>
    private (Transition Transition, Timestamp MaxBefore)? _frame;

    /// <summary>The frame being delivered was already reported as a violation (the client may throw on it).</summary>
    private bool _frameViolated;

    /// <summary>The end version of the last transition on the open socket.</summary>
    public StateVersion Version { get; private set; } = StateVersion.Initial;

    public int Reconnects { get; private set; }

    public bool IsFatal => _fatal;

    /// <summary>Connected, with the query set and identity sent on this socket acknowledged.</summary>
    public bool IsSynced => _socket is { State: SocketState.Open }
        && Version.QuerySet.Value == _querySetSent && Version.Identity.Value == _identitySent;

    public uint? QueryIdOf(string key) => _queryByKey.TryGetValue(key, out var id) ? id : null;

    public void Opened(SimSocket socket)
    {
        Invariant.Assert(_socket is null);
        _socket = socket;
        Version = StateVersion.Initial;
        _querySetSent = 0;
        _identitySent = 0;
        _wrongKeySent = false;
        DropChunks();
    }

    public void Closed(SimSocket socket)
    {
        if (ReferenceEquals(_socket, socket))
        {
            _socket = null;
            Version = StateVersion.Initial;
            DropChunks();
        }

        Invariant.Assert(!ReferenceEquals(_socket, socket));
    }

    public void Sending(SimSocket socket, string text)
    {
        Invariant.Assert(ReferenceEquals(_socket, socket));
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        switch (root.GetProperty("type").GetString())
        {
            case "Connect":
                var count = root.GetProperty("connectionCount").GetUInt32();
                Reconnects += count > 0 ? 1 : 0;
                recorder.Connected(index, socket.Connection!.Id, reconnect: count > 0);
                break;
            case "ModifyQuerySet":
                _querySetSent = root.GetProperty("newVersion").GetUInt32();
                foreach (var change in root.GetProperty("modifications").EnumerateArray())
                {
                    if (change.GetProperty("type").GetString() == "Add")
                    {
                        var id = change.GetProperty("queryId").GetUInt32();
                        var key = change.GetProperty("args")[0].GetProperty("key").GetString()!;
                        _queryByKey[key] = id;
                        _keyByQuery[id] = key;
                    }
                }

                break;
            case "Authenticate":
                _identitySent = root.GetProperty("baseVersion").GetUInt32() + 1;
                _wrongKeySent |= root.TryGetProperty("value", out var value)
                    && value.GetString() != SyncClient.AdminKey;
                break;
            default:
                break;
        }
    }

    public string Receiving(SimSocket socket, string text)
    {
        Invariant.Assert(ReferenceEquals(_socket, socket));
        _frame = null;
        _frameViolated = false;
        var message = ServerMessageReader.Read(text);
        if (message is not (TransitionChunk or Ping) && _chunks is not null)
        {
            Violation(SyncRecorder.ChunksInOrder, $"{message.GetType().Name} between the chunks of {_chunkId}");
            DropChunks();
        }

        switch (message)
        {
            case TransitionChunk chunk:
                OnChunk(chunk);
                break;
            case Transition transition:
                OnTransition(transition);
                return options.Bug == PlantedClientBug.DropQueryUpdates && _frame is not null && ++_transitions % 2 == 0
                    ? WithoutQueryUpdates(text)
                    : text;
            case MutationResponse response:
                OnMutationResponse(response);
                break;
            case FatalError fatal:
                Violation(SyncRecorder.NoFatalError, fatal.Error);
                _fatal = true;
                _frameViolated = true;
                break;
            case AuthError error when _wrongKeySent && error.AuthUpdateAttempted:
                recorder.AuthRefused(index, error.Error);
                break;
            case AuthError error:
                Violation(SyncRecorder.NoFatalError, $"AuthError without a wrong key sent: {error.Error}");
                break;
            default:
                break;
        }

        return text;
    }

    public void Received(SimSocket socket, string? error)
    {
        if (error is not null && !_frameViolated)
        {
            Violation(SyncRecorder.NoClientError, $"the official client threw on a server message: {error}");
        }

        if (_frame is not { } frame || error is not null)
        {
            return;
        }

        var shown = new List<ObservedResult>();
        foreach (var modification in frame.Transition.Modifications)
        {
            var id = modification.QueryId.Value;
            QueryResult? result = modification switch
            {
                QueryUpdated updated => QueryResult.FromValue(updated.Value),
                QueryFailed failed => QueryResult.Failed(failed.ErrorMessage),
                _ => null,
            };
            if (result is not null)
            {
                shown.Add(new ObservedResult(id, _keyByQuery[id], result));
            }
        }

        var t = frame.Transition;
        recorder.Transition(new ObservedTransition(index, socket.Connection!.Id, t.StartVersion, t.EndVersion,
            frame.MaxBefore, shown, client.Held()));
    }

    private void OnTransition(Transition transition)
    {
        if (transition.EndVersion.Identity.Value > _identitySent)
        {
            Violation(SyncRecorder.ChainedTransitions, string.Create(CultureInfo.InvariantCulture,
                $"transition ends at identity {transition.EndVersion.Identity.Value} " +
                $"but the client sent only {_identitySent}"));
            _frameViolated = true;
            return;
        }

        if (transition.StartVersion != Version)
        {
            Violation(SyncRecorder.ChainedTransitions,
                $"transition starts at {QueryResult.Show(transition.StartVersion)} " +
                $"but the client is at {QueryResult.Show(Version)}");
            _frameViolated = true;
            return;
        }

        _frame = (transition, _maxObserved);
        Version = transition.EndVersion;
        _maxObserved = Timestamp.Max2(_maxObserved, transition.EndVersion.Ts);
    }

    private void OnMutationResponse(MutationResponse response)
    {
        if (!response.Outcome.Succeeded)
        {
            return; // the promise rejects; recorded when it does
        }

        var ts = response.Ts!.Value;
        _maxObserved = Timestamp.Max2(_maxObserved, ts);
        if (client.Request(response.RequestId) is { Kind: RequestKind.Mutation, Responded: false } request)
        {
            request.Responded = true;
            recorder.Responded(index, response.RequestId, ts);
        }
    }

    /// <summary>The official client's chunk rules (convex-compat §3.4.7); a broken sequence is reported.</summary>
    private void OnChunk(TransitionChunk chunk)
    {
        var valid = chunk.TotalParts > 0 && chunk.PartNumber >= 0 && chunk.PartNumber < chunk.TotalParts
            && (_chunks is null
                ? chunk.PartNumber == 0
                : chunk.TransitionId == _chunkId && chunk.TotalParts == _chunkParts && chunk.PartNumber == _chunkNext);
        if (!valid)
        {
            Violation(SyncRecorder.ChunksInOrder, string.Create(CultureInfo.InvariantCulture,
                $"chunk {chunk.PartNumber}/{chunk.TotalParts} of {chunk.TransitionId} " +
                $"while expecting part {_chunkNext} of {_chunkId ?? "a new transition"}"));
            DropChunks();
            _frameViolated = true;
            return;
        }

        if (_chunks is null)
        {
            _chunks = new StringBuilder();
            _chunkId = chunk.TransitionId;
            _chunkParts = chunk.TotalParts;
        }

        _chunks.Append(chunk.Chunk);
        _chunkNext++;
        if (_chunkNext < _chunkParts)
        {
            return;
        }

        var joined = _chunks.ToString();
        DropChunks();
        recorder.ChunkedTransition(index, chunk.TotalParts);
        OnTransition((Transition)ServerMessageReader.Read(joined));
    }

    private void DropChunks()
    {
        _chunks = null;
        _chunkId = null;
        _chunkParts = 0;
        _chunkNext = 0;
    }

    /// <summary>The planted bug: the transition's <c>QueryUpdated</c>s are lost before the client sees them.</summary>
    private string WithoutQueryUpdates(string text)
    {
        var root = JsonNode.Parse(text)!.AsObject();
        var kept = root["modifications"]!.AsArray()
            .Where(m => m!["type"]!.GetValue<string>() != "QueryUpdated")
            .Select(m => m!.DeepClone())
            .ToArray();
        root["modifications"] = new JsonArray(kept);
        recorder.Trace($"client{index}", "planted bug: query updates dropped from a transition");
        return root.ToJsonString();
    }

    private void Violation(string invariant, string explanation)
    {
        var connection = _socket?.Connection?.Id.ToString(CultureInfo.InvariantCulture) ?? "-";
        recorder.Violation(index, invariant, $"conn {connection}: {explanation}");
    }
}
