using System.Globalization;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Simulator.Network;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// A simulated Convex client that follows the official client's protocol rules (convex-js
/// <c>BaseConvexClient</c>, convex-compat §3.2–§3.10) over the simulated network:
/// <list type="bullet">
/// <item>a stable, seeded session id; <c>Connect</c> first on every connection, with the count of
/// previous connections and the largest timestamp observed;</item>
/// <item><c>ModifyQuerySet</c> with base = the last version sent and new = base + 1; query ids are
/// never reused;</item>
/// <item>every transition must start where the previous one ended (else the client breaks the
/// connection, as the official client throws "Invalid start version");</item>
/// <item>a successful <c>MutationResponse</c> leaves the mutation completed but not yet visible; it
/// resolves after a transition whose end timestamp is at or after its commit timestamp; an error
/// response rejects it at once; responses for requests not awaiting one are ignored;</item>
/// <item>after a reconnect: <c>Connect</c>, then <c>ModifyQuerySet</c>(0 → 1) re-adding every active
/// query under its original id, then every unresolved mutation with its original request id; actions
/// in flight fail locally when the connection is lost and are not re-sent;</item>
/// <item>reconnect backoff: 100 ms after closing itself, else 1 s, doubled per consecutive failure,
/// capped at 16 s, ±50 % jitter from the seed; the counter resets once the client synced past the
/// reconnect; 60 s without any message closes the connection ("InactiveServer").</item>
/// </list>
/// State machine: <see cref="_connection"/> is null while disconnected; <see cref="_version"/> is the
/// end version of the last transition on the current connection (initial after a reconnect);
/// <see cref="_querySetVersion"/> is the last query-set version sent on it; <see cref="_remote"/>
/// holds the results received on it. A request is NotSent (no connection), Requested, or Completed
/// (successful response, waiting for a covering transition) until it resolves.
/// </summary>
internal sealed partial class SyncClient : ISyncClient
{
    public const string ReadQuery = "listAppend:read";
    public const string AppendMutation = "listAppend:appendOne";
    public const string AppendAction = "listAppend:appendViaAction";

    private static readonly TimeSpan BackoffMax = TimeSpan.FromSeconds(16);

    private readonly SimLoop _loop;
    private readonly SimNetwork _network;
    private readonly SyncOptions _options;
    private readonly IRandom _random;
    private readonly SyncRecorder _recorder;
    private readonly SortedDictionary<uint, string> _active = [];
    private readonly Dictionary<uint, string> _keys = [];
    private readonly SortedDictionary<uint, QueryResult> _remote = [];
    private readonly SortedDictionary<uint, SyncRequest> _requests = [];
    private readonly HashSet<uint> _resent = [];
    private SimConnection? _connection;
    private StateVersion _version = StateVersion.Initial;
    private uint _querySetVersion;
    private uint _connectionCount;
    private Timestamp _maxObserved = Timestamp.Zero;
    private uint _nextQueryId;
    private uint _nextRequestId;
    private int _retries;
    private bool _stopped;
    private bool _fatal;

    public SyncClient(
        int index, SimLoop loop, SimNetwork network, SyncOptions options, IRandom random, SyncRecorder recorder)
    {
        Index = index;
        _loop = loop;
        _network = network;
        _options = options;
        _random = random;
        _recorder = recorder;
        Name = $"client{index}";
        Node = new SimNode(loop, Name);
        Span<byte> id = stackalloc byte[16];
        random.NextBytes(id);
        SessionId = new Guid(id).ToString();
    }

    public int Index { get; }

    public string Name { get; }

    public SimNode Node { get; }

    public string SessionId { get; }

    public IReadOnlyCollection<string> ActiveKeys => _active.Values;

    public int InFlight => _requests.Count;

    /// <summary>Connected, the query set acknowledged with a result for every query, nothing unresolved.</summary>
    public bool IsQuiescent => _fatal || (_connection is not null && _version.QuerySet.Value == _querySetVersion
        && _version.Identity.Value == _identityVersion && _requests.Count == 0 && _active.Keys.All(_remote.ContainsKey));

    /// <summary>Starts the connection manager on the client's node.</summary>
    public Task StartAsync() => Node.SpawnAsync("connection", ConnectionLoopAsync, CancellationToken.None);

    /// <summary>Stops for good: closes the connection and never reconnects.</summary>
    public void Stop()
    {
        _stopped = true;
        _connection?.CloseFromClient();
    }

    /// <summary>The results held for the active queries.</summary>
    public IReadOnlyList<ObservedResult> Held() =>
        [.. _active.Where(q => _remote.ContainsKey(q.Key))
            .Select(q => new ObservedResult(q.Key, q.Value, _remote[q.Key]))];

    public void Subscribe(string key)
    {
        var id = _nextQueryId++;
        _active.Add(id, key);
        _keys.Add(id, key);
        _recorder.Trace(Name, $"subscribe q={id} {key}");
        SendQuerySetChange(new AddQuery(new QueryId(id), ReadQuery, [KeyArgs(key)], null));
    }

    public void Unsubscribe(string key)
    {
        var id = _active.First(q => q.Value == key).Key;
        _active.Remove(id);
        _recorder.Trace(Name, $"unsubscribe q={id} {key}");
        SendQuerySetChange(new RemoveQuery(new QueryId(id)));
    }

    /// <summary>Sends a mutation or action appending <paramref name="element"/>; completes when it resolves.</summary>
    public Task RequestAsync(RequestKind kind, string key, long element)
    {
        var id = _nextRequestId++;
        var args = new ConvexValue[] { KeyArgs(key).With("element", new ConvexInt64(element)) };
        ClientMessage message = kind == RequestKind.Mutation
            ? new MutationRequest(id, AppendMutation, args)
            : new ActionRequest(id, AppendAction, args);
        var request = new SyncRequest(kind, key, ClientMessageWriter.Write(message));
        _requests.Add(id, request);
        _recorder.Issued(Index, id, kind, key, element);
        if (_connection is { } connection)
        {
            request.Status = SyncRequestStatus.Requested;
            connection.SendToServer(request.Text);
        }

        return request.Done.Task;
    }

    private static ConvexObject KeyArgs(string key) => ConvexObject.Empty.With("key", new ConvexString(key));

    private void SendQuerySetChange(QuerySetModification change)
    {
        if (_connection is not { } connection)
        {
            return; // the whole set is re-sent on the next connection
        }

        var base_ = new QuerySetVersion(_querySetVersion);
        _querySetVersion++;
        connection.SendToServer(ClientMessageWriter.Write(
            new ModifyQuerySet(base_, new QuerySetVersion(_querySetVersion), [change])));
    }

    private async Task ConnectionLoopAsync(CancellationToken cancellationToken)
    {
        var lastCloseReason = "InitialConnect";
        while (!_stopped && !_fatal)
        {
            var connection = await _network.ConnectAsync(Name, cancellationToken);
            if (_stopped)
            {
                connection?.CloseFromClient();
                return;
            }

            if (connection is null)
            {
                await BackoffAsync(clientClosed: false, cancellationToken);
                continue;
            }

            Open(connection, lastCloseReason);
            var (reason, clientClosed) = await ReceiveLoopAsync(connection, cancellationToken);
            Closed(connection, reason);
            lastCloseReason = reason;
            if (!_stopped && !_fatal)
            {
                await BackoffAsync(clientClosed, cancellationToken);
            }
        }
    }

    private async Task BackoffAsync(bool clientClosed, CancellationToken cancellationToken)
    {
        var initial = clientClosed ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1);
        var backoff = TimeSpan.FromTicks(Math.Min(initial.Ticks << Math.Min(_retries, 20), BackoffMax.Ticks));
        _retries++;
        var jittered = TimeSpan.FromTicks(backoff.Ticks / 2 + (long)_random.NextBelow((ulong)backoff.Ticks));
        _recorder.Trace(Name, $"backoff {jittered.TotalMilliseconds}ms retries={_retries}");
        await Task.Delay(jittered, _loop.Time, cancellationToken);
    }

    /// <summary>Connect, the whole query set, every unresolved mutation (convex-compat §3.10).</summary>
    private void Open(SimConnection connection, string lastCloseReason)
    {
        Invariant.Assert(_connection is null);
        Invariant.Assert(_version == StateVersion.Initial);
        _connection = connection;
        _recorder.Connected(Index, connection.Id, reconnect: _connectionCount > 0);
        var clientTs = (_loop.Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
        connection.SendToServer(ClientMessageWriter.Write(new Connect(SessionId, _connectionCount, lastCloseReason,
            _maxObserved > Timestamp.Zero ? _maxObserved : null, clientTs)));
        _connectionCount++;
        AuthenticateOnOpen(connection);
        _querySetVersion = 1;
        var adds = _active.Select(q =>
            (QuerySetModification)new AddQuery(new QueryId(q.Key), ReadQuery, [KeyArgs(q.Value)], null));
        connection.SendToServer(ClientMessageWriter.Write(
            new ModifyQuerySet(QuerySetVersion.Initial, new QuerySetVersion(1), [.. adds])));
        _resent.Clear();
        foreach (var (id, request) in _requests)
        {
            if (request.Kind == RequestKind.Mutation || request.Status == SyncRequestStatus.NotSent)
            {
                connection.SendToServer(request.Text);
                if (request.Status == SyncRequestStatus.NotSent)
                {
                    request.Status = SyncRequestStatus.Requested;
                }
                _resent.Add(id);
            }
        }
    }

    /// <summary>Actions in flight fail; the results of the connection are gone (convex-compat §3.8, §3.10).</summary>
    private void Closed(SimConnection connection, string reason)
    {
        Invariant.Assert(ReferenceEquals(_connection, connection));
        _connection = null;
        _recorder.Trace(Name, $"closed conn={connection.Id}: {reason}");
        var lost = _requests
            .Where(r => r.Value.Kind == RequestKind.Action && r.Value.Status == SyncRequestStatus.Requested)
            .Select(r => r.Key).ToList();
        foreach (var id in lost)
        {
            Reject(id, "Connection lost while action was in flight");
        }

        _remote.Clear();
        _version = StateVersion.Initial;
        _querySetVersion = 0;
        _identityVersion = 0;
        DropChunks();
    }

    private async Task<(string Reason, bool ClientClosed)> ReceiveLoopAsync(
        SimConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            string? text;
            try
            {
                text = await connection.ToClient.ReceiveAsync(cancellationToken)
                    .WaitAsync(_options.InactivityTimeout, _loop.Time, cancellationToken);
            }
            catch (TimeoutException)
            {
                connection.CloseFromClient();
                return ("InactiveServer", true);
            }

            if (text is null)
            {
                return _stopped ? ("Stopped", true) : ("ConnectionLost", false);
            }

            if (!Handle(connection, ServerMessageReader.Read(text)))
            {
                connection.CloseFromClient();
                return ("ProtocolError", true);
            }
        }
    }

    /// <summary>Applies one server message; false when the client must drop the connection.</summary>
    private bool Handle(SimConnection connection, ServerMessage message)
    {
        if (message is not (TransitionChunk or Ping) && !NotBufferingChunks(message))
        {
            return false;
        }

        switch (message)
        {
            case TransitionChunk chunk:
                return OnChunk(connection, chunk);
            case Transition transition:
                return OnTransition(connection, transition);
            case MutationResponse response:
                OnMutationResponse(response);
                return true;
            case ActionResponse response:
                OnActionResponse(response);
                return true;
            case Ping:
                return true;
            case FatalError fatal:
                _recorder.Violation(Index, SyncRecorder.NoFatalError, fatal.Error);
                _fatal = true;
                return false;
            case AuthError error:
                OnAuthError(error);
                return false;
            default:
                return Invariant.Unreachable<bool>($"unknown server message {message.GetType().Name}");
        }
    }

    private bool OnTransition(SimConnection connection, Transition transition)
    {
        if (transition.EndVersion.Identity.Value > _identityVersion)
        {
            _recorder.Violation(Index, SyncRecorder.ChainedTransitions, string.Create(CultureInfo.InvariantCulture,
                $"conn {connection.Id}: transition ends at identity {transition.EndVersion.Identity.Value} " +
                $"but the client sent only {_identityVersion}"));
            return false;
        }

        if (transition.StartVersion != _version)
        {
            _recorder.Violation(Index, SyncRecorder.ChainedTransitions, string.Create(CultureInfo.InvariantCulture,
                $"conn {connection.Id}: transition starts at {QueryResult.Show(transition.StartVersion)} " +
                $"but the client is at {QueryResult.Show(_version)}"));
            return false;
        }

        var shown = new List<ObservedResult>();
        foreach (var modification in transition.Modifications)
        {
            var id = modification.QueryId.Value;
            QueryResult? result = modification switch
            {
                QueryUpdated updated => QueryResult.FromValue(updated.Value),
                QueryFailed failed => QueryResult.Failed(failed.ErrorMessage),
                _ => null,
            };
            if (result is null)
            {
                _remote.Remove(id);
                continue;
            }

            _remote[id] = result;
            shown.Add(new ObservedResult(id, _keys[id], result));
        }

        var maxBefore = _maxObserved;
        _version = transition.EndVersion;
        _maxObserved = Timestamp.Max2(_maxObserved, transition.EndVersion.Ts);
        _recorder.Transition(new ObservedTransition(Index, connection.Id, transition.StartVersion, transition.EndVersion,
            maxBefore, shown, Held()));
        var visible = _requests.Where(r => r.Value.Status == SyncRequestStatus.Completed && r.Value.Ts <= _version.Ts)
            .Select(r => r.Key).ToList();
        foreach (var id in visible)
        {
            Resolve(id);
        }

        if (_version.QuerySet.Value >= 1 && _resent.All(id => !_requests.ContainsKey(id)))
        {
            _retries = 0; // synced past the reconnect
        }

        return true;
    }

    private void OnMutationResponse(MutationResponse response)
    {
        if (!_requests.TryGetValue(response.RequestId, out var request) || request.Status != SyncRequestStatus.Requested)
        {
            return; // a response to a re-sent request that already completed, or one no longer tracked
        }

        Invariant.Assert(request.Kind == RequestKind.Mutation);
        if (!response.Outcome.Succeeded)
        {
            Reject(response.RequestId, response.Outcome.ErrorMessage!);
            return;
        }

        var ts = response.Ts!.Value;
        request.Status = SyncRequestStatus.Completed;
        request.Ts = ts;
        _maxObserved = Timestamp.Max2(_maxObserved, ts);
        _recorder.Responded(Index, response.RequestId, ts);
        if (_options.Bug == PlantedClientBug.ResolveOnResponse)
        {
            Resolve(response.RequestId);
        }
    }

    private void OnActionResponse(ActionResponse response)
    {
        if (!_requests.TryGetValue(response.RequestId, out var request) || request.Status != SyncRequestStatus.Requested)
        {
            return;
        }

        Invariant.Assert(request.Kind == RequestKind.Action);
        if (response.Outcome.Succeeded)
        {
            Resolve(response.RequestId);
        }
        else
        {
            Reject(response.RequestId, response.Outcome.ErrorMessage!);
        }
    }

    private void Resolve(uint id)
    {
        var request = _requests[id];
        _requests.Remove(id);
        var held = _active.Where(q => q.Value == request.Key && _remote.ContainsKey(q.Key))
            .Select(q => _remote[q.Key]).FirstOrDefault();
        _recorder.Resolved(Index, id, _version.Ts, held);
        request.Done.TrySetResult();
    }

    private void Reject(uint id, string error)
    {
        var request = _requests[id];
        _requests.Remove(id);
        _recorder.Rejected(Index, id, error);
        request.Done.TrySetResult();
    }
}
