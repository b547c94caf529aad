using System.Text;
using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Runtime;
using Convex.Sim.Sync.Protocol;
using Convex.Sim.Sync.Subscriptions;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Sync;

/// <summary>
/// The server side of one sync connection (convex-compat §3): the client's query set and identity
/// versions, the state version last sent, and the subscribed queries. Each transition puts every
/// query of the set at one timestamp (§3.5); after a mutation the <see cref="MutationResponse"/>
/// is followed by a transition at or after its commit, which is what resolves the client's promise
/// (§3.7.2; the official client settles a completed mutation only on a transition). The update loop
/// may already have sent the transition with the write before the response: the one after the
/// response then carries no new results. A protocol violation ends the session with a <see cref="FatalError"/>.
///
/// Concurrency: the receive loop handles query-set and identity changes in arrival order;
/// mutations queue behind each other and run one at a time in arrival order (§3.7.1); actions run
/// concurrently (§3.8); an update loop moves the session forward when the
/// <see cref="SubscriptionManager"/> reports that commits touched its queries. Everything that
/// changes the session's versions or sends a message holds <c>_gate</c>, so messages leave in a
/// consistent order. A slow client only slows its own session.
/// </summary>
public sealed partial class SyncSession
{
    private readonly SessionFunctions _functions;
    private readonly DatabaseEngine _database;
    private readonly IRuntime _runtime;
    private readonly ISyncTransport _transport;
    private readonly SubscriptionManager _subscriptions;
    private readonly SyncSessionOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedDictionary<QueryId, SubscribedQuery> _queries = new(QueryIdComparer.Instance);
    private QuerySetVersion _receivedQuerySet = QuerySetVersion.Initial;
    private IdentityVersion _receivedIdentity = IdentityVersion.Initial;
    private StateVersion _current = StateVersion.Initial;
    private SessionSubscriptions? _tracking;
    private long? _clientClockSkew;
    private long _transitionsChunked;
    private bool _closed;
    private volatile bool _stopping;

    public SyncSession(
        FunctionRunner runner, DatabaseEngine database, IRuntime runtime, ISyncTransport transport,
        SubscriptionManager? subscriptions, SyncSessionOptions? options = null)
    {
        _database = database;
        _runtime = runtime;
        _transport = transport;
        _subscriptions = subscriptions ?? new SubscriptionManager(database);
        _functions = new SessionFunctions(runner, database, _subscriptions);
        _options = options ?? new SyncSessionOptions();
    }

    /// <summary>The client's session id from <c>Connect</c> (stable across its reconnects).</summary>
    public string? ClientSessionId { get; private set; }

    /// <summary>The end version of the last transition sent.</summary>
    public StateVersion CurrentVersion => _current;

    /// <summary>Why the server ended the session (a <c>FatalError</c>, an <c>AuthError</c>, overload), or null.</summary>
    public string? CloseReason { get; private set; }

    private SessionSubscriptions Tracking => _tracking ?? Invariant.Unreachable<SessionSubscriptions>("the session is not running");

    /// <summary>
    /// Serves the connection until the client closes it, the token is cancelled, or the client
    /// breaks the protocol (answered with a <see cref="FatalError"/> and a close). Work still
    /// queued when it ends is dropped: the client re-sends unresolved mutations on reconnect.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var tracking = _subscriptions.Register();
        _tracking = tracking;
        var background = new[] { UpdateLoopAsync(stop.Token), MutationLoopAsync(stop.Token) };
        try
        {
            await ReceiveLoopAsync(stop.Token);
        }
        catch (ProtocolException e)
        {
            await FailAsync(new FatalError(e.Message), stop.Token);
        }
        finally
        {
            // Cancel (not CancelAsync: its callbacks would run on the thread pool, outside the
            // simulator's loop), then wake the loops, which see _stopping and return.
            _stopping = true;
            stop.Cancel();
            tracking.Signal.Release();
            _mutationsQueued.Release();
            await WhenStoppedAsync(background);
            // Wait for work holding the gate so nothing is sent after return. Actions still running
            // finish on their own; their responses are dropped.
            await EnterGateAsync();
            _closed = true;
            _gate.Release();
        }
    }

    /// <summary>Sends a keepalive <see cref="Ping"/> (§3.2) unless the session has ended.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await EnterGateAsync();
        try
        {
            if (!_closed)
            {
                await SendAsync(Ping.Instance, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        while (!_closed)
        {
            var text = await _transport.ReceiveAsync(cancellationToken);
            if (text is null)
            {
                return;
            }

            await HandleAsync(ClientMessageParser.Parse(text), cancellationToken);
        }
    }

    private Task HandleAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case Connect connect:
                ClientSessionId = connect.SessionId;
                _clientClockSkew = connect.ClientTs is { } clientMs
                    ? clientMs - (_runtime.UnixNanoseconds / 1_000_000)
                    : null;
                return Task.CompletedTask;
            case ModifyQuerySet modify:
                return ModifyQuerySetAsync(modify, cancellationToken);
            case MutationRequest mutation:
                return EnqueueMutationAsync(mutation, cancellationToken);
            case ActionRequest action:
                StartAction(action, cancellationToken);
                return Task.CompletedTask;
            case Authenticate authenticate:
                return AuthenticateAsync(authenticate, cancellationToken);
            case ClientEvent:
                return Task.CompletedTask;
            default:
                return Invariant.Unreachable<Task>($"unknown client message {message.GetType().Name}");
        }
    }

    /// <summary>Sends one message; a transition too large for one frame goes as chunks when the client reassembles them.</summary>
    private async ValueTask SendAsync(ServerMessage message, CancellationToken cancellationToken)
    {
        var text = ServerMessageWriter.Write(message);
        if (message is not Transition
            || !TransitionChunker.Understands(_options.ClientVersion)
            || Encoding.UTF8.GetByteCount(text) <= _options.TransitionChunkBytesMax)
        {
            await _transport.SendAsync(text, cancellationToken);
            return;
        }

        var pieces = TransitionChunker.Split(text, _options.TransitionChunkBytesMax);
        var id = $"{ClientSessionId}-{++_transitionsChunked}";
        for (var part = 0; part < pieces.Count; part++)
        {
            var chunk = new TransitionChunk(pieces[part], part, pieces.Count, id);
            await _transport.SendAsync(ServerMessageWriter.Write(chunk), cancellationToken);
        }
    }

    /// <summary>Sends a final message and closes the connection; the session then stops.</summary>
    private async Task FailAsync(ServerMessage message, CancellationToken cancellationToken)
    {
        await EnterGateAsync();
        try
        {
            if (!_closed)
            {
                await SendFinalLockedAsync(message, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Holding the gate of an open session: marks it closed, sends <paramref name="message"/> and closes the connection.</summary>
    private async Task SendFinalLockedAsync(ServerMessage message, CancellationToken cancellationToken)
    {
        Invariant.Assert(_gate.CurrentCount == 0 && !_closed);
        _closed = true;
        CloseReason = message switch
        {
            FatalError fatal => $"FatalError: {fatal.Error}",
            AuthError auth => $"AuthError: {auth.Error}",
            _ => message.GetType().Name,
        };
        await SendAsync(message, cancellationToken);
        await _transport.CloseAsync(message is AuthError ? "AuthError" : "FatalError", cancellationToken);
    }

    /// <summary>Closes the connection without a message (an overloaded session); the client reconnects.</summary>
    private async Task CloseAsync(string reason, CancellationToken cancellationToken)
    {
        await EnterGateAsync();
        try
        {
            if (!_closed)
            {
                _closed = true;
                CloseReason = reason;
                await _transport.CloseAsync(reason, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Takes the gate. Never with a cancellable token: SemaphoreSlim then completes the wait on the
    /// thread pool, outside the simulator's loop. Every holder releases it soon (sends are
    /// cancelled when the session stops), so the wait is bounded.
    /// </summary>
    private Task EnterGateAsync() => _gate.WaitAsync();

    /// <summary>Waits for background work that ends by cancellation.</summary>
    private static async Task WhenStoppedAsync(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                // Stopped with the session.
            }
        }
    }

    private sealed class QueryIdComparer : IComparer<QueryId>
    {
        public static readonly QueryIdComparer Instance = new();

        public int Compare(QueryId x, QueryId y) => x.Value.CompareTo(y.Value);
    }
}
