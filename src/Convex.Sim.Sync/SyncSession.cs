using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Runtime;
using Convex.Sim.Sync.Protocol;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Sync;

/// <summary>
/// The server side of one sync connection (convex-compat §3): the client's query set and identity
/// versions, the state version last sent, and the subscribed queries. Each transition puts every
/// query of the set at one timestamp (§3.5); after a mutation the <see cref="MutationResponse"/>
/// is sent first and then a transition that includes its commit, which is what resolves the
/// client's promise (§3.7.2). A protocol violation ends the session with a <see cref="FatalError"/>.
/// Messages are handled one at a time in arrival order; <see cref="OnCommitAsync"/> may be called
/// from anywhere and is serialized with them by the session's gate.
/// </summary>
public sealed partial class SyncSession
{
    private readonly SessionFunctions _functions;
    private readonly DatabaseEngine _database;
    private readonly IRuntime _runtime;
    private readonly ISyncTransport _transport;
    private readonly SubscriptionManager? _subscriptions;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedDictionary<QueryId, SubscribedQuery> _queries = new(QueryIdComparer.Instance);
    private QuerySetVersion _receivedQuerySet = QuerySetVersion.Initial;
    private IdentityVersion _receivedIdentity = IdentityVersion.Initial;
    private StateVersion _current = StateVersion.Initial;
    private long? _clientClockSkew;
    private CancellationToken _lifetime;
    private bool _closed;

    public SyncSession(
        FunctionRunner runner, DatabaseEngine database, IRuntime runtime, ISyncTransport transport,
        SubscriptionManager? subscriptions)
    {
        _functions = new SessionFunctions(runner, database);
        _database = database;
        _runtime = runtime;
        _transport = transport;
        _subscriptions = subscriptions;
    }

    /// <summary>The client's session id from <c>Connect</c> (stable across its reconnects).</summary>
    public string? ClientSessionId { get; private set; }

    /// <summary>The end version of the last transition sent.</summary>
    public StateVersion CurrentVersion => _current;

    /// <summary>
    /// Serves the connection until the client closes it, the token is cancelled, or the client
    /// breaks the protocol (answered with a <see cref="FatalError"/> and a close).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _lifetime = cancellationToken;
        using var registration = _subscriptions?.Register(this);
        try
        {
            while (!_closed)
            {
                var text = await _transport.ReceiveAsync(cancellationToken);
                if (text is null)
                {
                    break;
                }

                await HandleAsync(ClientMessageParser.Parse(text), cancellationToken);
            }
        }
        catch (ProtocolException e)
        {
            await FailAsync(new FatalError(e.Message), cancellationToken);
        }
        finally
        {
            // Wait for work started from outside (a commit notification) so nothing is sent after return.
            await _gate.WaitAsync(CancellationToken.None);
            _closed = true;
            _gate.Release();
        }
    }

    /// <summary>
    /// The database has committed up to <paramref name="ts"/>: re-runs the queries whose read sets
    /// the commits wrote into and sends one transition to <paramref name="ts"/> with the results
    /// that changed. Nothing is sent when no result changed.
    /// </summary>
    public Task OnCommitAsync(Timestamp ts) => WhileOpenAsync(async cancellationToken =>
    {
        if (ts > _current.Ts && _current != StateVersion.Initial)
        {
            await AdvanceAsync(ts, [], [], TransitionKind.OnlyIfChanged, Rerun.Changed, cancellationToken);
        }
    });

    /// <summary>
    /// A new deployment is active: every query is re-run at <paramref name="ts"/> (its code may have
    /// changed) and one transition carries the results that differ from those sent.
    /// </summary>
    public Task OnDeployAsync(Timestamp ts) => WhileOpenAsync(async cancellationToken =>
    {
        if (_current != StateVersion.Initial)
        {
            await AdvanceAsync(Timestamp.Max2(ts, _current.Ts), [], [], TransitionKind.OnlyIfChanged, Rerun.All,
                cancellationToken);
        }
    });

    /// <summary>
    /// Runs <paramref name="work"/> holding the gate if the session is still open. Called from
    /// outside the session (other sessions' commits, deployments), so a session that ends meanwhile
    /// is not an error for the caller.
    /// </summary>
    private async Task WhileOpenAsync(Func<CancellationToken, Task> work)
    {
        var cancellationToken = _lifetime;
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            if (!_closed)
            {
                await work(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended while catching up.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a keepalive <see cref="Ping"/> (§3.2) unless the session has ended.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
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
                return MutationAsync(mutation, cancellationToken);
            case ActionRequest action:
                return ActionAsync(action, cancellationToken);
            case Authenticate authenticate:
                return AuthenticateAsync(authenticate, cancellationToken);
            case ClientEvent:
                return Task.CompletedTask;
            default:
                return Invariant.Unreachable<Task>($"unknown client message {message.GetType().Name}");
        }
    }

    private async Task ModifyQuerySetAsync(ModifyQuerySet modify, CancellationToken cancellationToken)
    {
        if (modify.BaseVersion != _receivedQuerySet)
        {
            throw new ProtocolException(
                $"BaseVersionMismatch: ModifyQuerySet has base version {modify.BaseVersion.Value}, " +
                $"but the server's query set is at version {_receivedQuerySet.Value}");
        }

        if (modify.NewVersion.Value <= modify.BaseVersion.Value)
        {
            throw new ProtocolException(
                $"ModifyQuerySet's new version {modify.NewVersion.Value} " +
                $"is not after its base version {modify.BaseVersion.Value}");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var ts = Timestamp.Max2(_database.LatestTs, _current.Ts);
            var modifications = new List<StateModification>();
            var fresh = new HashSet<QueryId>();
            foreach (var change in modify.Modifications)
            {
                await ApplyAsync(change, ts, modifications, fresh, cancellationToken);
            }

            _receivedQuerySet = modify.NewVersion;
            await AdvanceAsync(ts, modifications, fresh, TransitionKind.Always, Rerun.Changed, cancellationToken);
            Invariant.Assert(_current.QuerySet == modify.NewVersion);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyAsync(
        QuerySetModification change, Timestamp ts, List<StateModification> modifications, HashSet<QueryId> fresh,
        CancellationToken cancellationToken)
    {
        switch (change)
        {
            case AddQuery add:
                if (_queries.ContainsKey(add.QueryId))
                {
                    throw new ProtocolException($"Query {add.QueryId.Value} is already in the query set");
                }

                var query = new SubscribedQuery(add);
                _queries.Add(add.QueryId, query);
                fresh.Add(add.QueryId);
                modifications.Add(await _functions.RunQueryAsync(query, ts, cancellationToken));
                break;
            case RemoveQuery remove:
                if (!_queries.Remove(remove.QueryId))
                {
                    throw new ProtocolException($"Query {remove.QueryId.Value} is not in the query set");
                }

                fresh.Remove(remove.QueryId);
                modifications.RemoveAll(m => m.QueryId == remove.QueryId);
                modifications.Add(new QueryRemoved(remove.QueryId));
                break;
            default:
                Invariant.Unreachable($"unknown query set modification {change.GetType().Name}");
                break;
        }
    }

    /// <summary>Which queries a transition re-runs besides the added ones.</summary>
    private enum Rerun
    {
        Changed,
        All,
    }

    /// <summary>Whether a transition without modifications is still sent.</summary>
    private enum TransitionKind
    {
        Always,
        OnlyIfChanged,
    }

    /// <summary>
    /// Moves the session to <paramref name="ts"/>: the queries not in <paramref name="fresh"/> whose
    /// read sets changed since the current version are re-run, and one transition is sent with
    /// <paramref name="modifications"/> plus the changed results. Called holding the gate.
    /// </summary>
    private async Task AdvanceAsync(
        Timestamp ts, List<StateModification> modifications, HashSet<QueryId> fresh, TransitionKind kind,
        Rerun rerun, CancellationToken cancellationToken)
    {
        Invariant.Assert(ts >= _current.Ts);
        Invariant.Assert(_gate.CurrentCount == 0);
        foreach (var (id, query) in _queries)
        {
            var stale = rerun == Rerun.All || (query.ReadSet is { } readSet && _functions.Changed(readSet, _current.Ts, ts));
            if (fresh.Contains(id) || !stale)
            {
                continue;
            }

            var previous = query.LastResultKey;
            var modification = await _functions.RunQueryAsync(query, ts, cancellationToken);
            if (query.LastResultKey != previous)
            {
                modifications.Add(modification);
            }
        }

        if (modifications.Count == 0 && kind == TransitionKind.OnlyIfChanged)
        {
            return;
        }

        var end = new StateVersion(_receivedQuerySet, _receivedIdentity, ts);
        var transition = new Transition(_current, end, modifications, _clientClockSkew, _runtime.UnixNanoseconds);
        await SendAsync(transition, cancellationToken);
        _current = end;
    }

    private ValueTask SendAsync(ServerMessage message, CancellationToken cancellationToken) =>
        _transport.SendAsync(ServerMessageWriter.Write(message), cancellationToken);

    /// <summary>Sends a final message and closes the connection; the session then stops.</summary>
    private async Task FailAsync(ServerMessage message, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            await SendAsync(message, cancellationToken);
            await _transport.CloseAsync(message is AuthError ? "AuthError" : "FatalError", cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs a mutation, then (holding the gate) sends its response and a transition to at least its
    /// commit timestamp, so the client's promise resolves with the writes visible (§3.7.2). Other
    /// sessions are told about the commit afterwards.
    /// </summary>
    private async Task MutationAsync(MutationRequest mutation, CancellationToken cancellationToken)
    {
        var result = await _functions.RunMutationAsync(mutation, cancellationToken);
        var outcome = FunctionResults.ToOutcome(result);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed)
            {
                return;
            }

            var ts = Timestamp.Max2(Timestamp.Max2(result.Ts, _database.LatestTs), _current.Ts);
            await SendAsync(new MutationResponse(mutation.RequestId, outcome, outcome.Succeeded ? result.Ts : null),
                cancellationToken);
            await AdvanceAsync(ts, [], [], TransitionKind.Always, Rerun.Changed, cancellationToken);
            Invariant.Assert(!outcome.Succeeded || _current.Ts >= result.Ts);
        }
        finally
        {
            _gate.Release();
        }

        if (outcome.Succeeded && _subscriptions is not null)
        {
            await _subscriptions.NotifyCommitAsync(result.Ts);
        }
    }

    /// <summary>Runs an action, answers it, and sends a transition covering whatever it committed.</summary>
    private async Task ActionAsync(ActionRequest action, CancellationToken cancellationToken)
    {
        var result = await _functions.RunActionAsync(action, ClientSessionId, cancellationToken);
        var latest = _database.LatestTs;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed)
            {
                return;
            }

            await SendAsync(new ActionResponse(action.RequestId, FunctionResults.ToOutcome(result)), cancellationToken);
            await AdvanceAsync(Timestamp.Max2(latest, _current.Ts), [], [], TransitionKind.Always, Rerun.Changed,
                cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        if (_subscriptions is not null)
        {
            await _subscriptions.NotifyCommitAsync(latest);
        }
    }

    /// <summary>
    /// Only clearing the identity (<c>tokenType: "None"</c>) is supported: it is accepted like a new
    /// anonymous identity. User and admin tokens are refused with an <see cref="AuthError"/>.
    /// </summary>
    private async Task AuthenticateAsync(Authenticate authenticate, CancellationToken cancellationToken)
    {
        if (authenticate.BaseVersion != _receivedIdentity)
        {
            throw new ProtocolException(
                $"Authenticate has base version {authenticate.BaseVersion.Value}, " +
                $"but the server's identity is at version {_receivedIdentity.Value}");
        }

        switch (authenticate.TokenType)
        {
            case TokenType.User:
            case TokenType.Admin:
                await FailAsync(new AuthError(
                    "Convex.Sim does not support authentication over the sync protocol yet", _receivedIdentity,
                    AuthUpdateAttempted: true), cancellationToken);
                return;
            case TokenType.None:
                break;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _receivedIdentity = new IdentityVersion(_receivedIdentity.Value + 1);
            // The identity stays anonymous, so no result can change: the queries are not re-run.
            var ts = Timestamp.Max2(_database.LatestTs, _current.Ts);
            await AdvanceAsync(ts, [], [], TransitionKind.Always, Rerun.Changed, cancellationToken);
            Invariant.Assert(_current.Identity == _receivedIdentity);
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class QueryIdComparer : IComparer<QueryId>
    {
        public static readonly QueryIdComparer Instance = new();

        public int Compare(QueryId x, QueryId y) => x.Value.CompareTo(y.Value);
    }
}
