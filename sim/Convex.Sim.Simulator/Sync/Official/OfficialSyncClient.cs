using System.Globalization;
using Convex.Sim.Core;
using Convex.Sim.Simulator.Checkers.Sync;
using Convex.Sim.Simulator.Network;
using Convex.Sim.Simulator.Scheduling;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Convex.Sim.Simulator.Sync.Official;

/// <summary>
/// A sync client whose protocol side is the official client itself: convex 1.48.0's
/// <c>BaseConvexClient</c> from <c>browser.bundle.js</c>, running in its own Jint engine
/// (<see cref="JsClientHost"/>) over the simulated network through a WebSocket shim
/// (<see cref="SimWebSocket"/>). The application calls the client's public surface only:
/// <c>subscribe(udfPath, args)</c> and the unsubscribe it returns, <c>mutation</c>, <c>action</c>,
/// <c>localQueryResult</c>, <c>setAdminAuth</c>/<c>clearAuth</c>, <c>close</c>. Reconnects, backoff,
/// the inactivity timeout, chunk joining, request re-sending and read-your-writes are all the
/// official code's.
///
/// Observation (<see cref="OfficialFrameTracker"/>): the shim sees every frame both ways, so the C#
/// side parses them to know the versions and the query ids, and records for the checkers: a
/// transition = the frame's start and end versions, the results it carried, and the results the
/// official client holds (<c>localQueryResult</c>) right after it processed the frame; a request
/// resolves when its JavaScript promise does, at the client's latest transition timestamp. What the
/// official client would throw on (a transition that does not chain, a broken chunk sequence, a
/// <c>FatalError</c>) is also reported on the spot with the invariant the simulated client uses.
/// </summary>
internal sealed class OfficialSyncClient : ISyncClient
{
    /// <summary>The deployment URL the client is given; the socket shim ignores the host.</summary>
    private const string Address = "http://db.sim:3210";

    private readonly SimLoop _loop;
    private readonly SimNetwork _network;
    private readonly IRandom _random;
    private readonly SyncRecorder _recorder;
    private readonly SortedDictionary<string, JsValue> _subscriptions = new(StringComparer.Ordinal);
    private readonly SortedDictionary<uint, OfficialRequest> _requests = [];
    private readonly OfficialFrameTracker _frames;
    private JsClientHost? _host;
    private JsValue _client = JsValue.Undefined;
    private bool _stopped;

    public OfficialSyncClient(
        int index, SimLoop loop, SimNetwork network, SyncOptions options, IRandom random, SyncRecorder recorder)
    {
        Index = index;
        _loop = loop;
        _network = network;
        _random = random;
        _recorder = recorder;
        Name = $"client{index}";
        Node = new SimNode(loop, Name);
        _frames = new OfficialFrameTracker(index, options, recorder, this);
    }

    public int Index { get; }

    public string Name { get; }

    public SimNode Node { get; }

    public IReadOnlyCollection<string> ActiveKeys => _subscriptions.Keys;

    public bool IsAuthenticated => TypeConverter.ToBoolean(Invoke("hasAuth"));

    public int InFlight => _requests.Count;

    /// <summary>Connect frames with <c>connectionCount</c> &gt; 0: reconnects made by the official client.</summary>
    public int Reconnects => _frames.Reconnects;

    public bool IsQuiescent => _frames.IsFatal || (_frames.IsSynced && _requests.Count == 0
        && _subscriptions.Keys.All(k => HeldResult(k) is not null));

    /// <summary>Builds the engine and the official client, which connects at once.</summary>
    public Task StartAsync()
    {
        Invariant.Assert(_host is null);
        var socket = new SimWebSocket(_loop, _network, Node, Name, _frames);
        _host = new JsClientHost(_loop, Node, _random.Fork("js"), text => _recorder.Trace(Name, text), socket);
        socket.Host = _host;
        _client = _host.Helper("createClient", Address);
        Invariant.Assert(_client.IsObject());
        _recorder.Trace(Name, $"official client {OfficialClientBundle.PinnedVersion} session " +
            TypeConverter.ToString(_client.AsObject().Get("sessionId")));
        return Task.CompletedTask;
    }

    /// <summary>Closes the client; then any error its JavaScript left uncaught (a timer callback's exception, a
    /// promise rejected with no handler) is a <see cref="SyncRecorder.NoClientError"/> violation: in a browser it
    /// would be an "Uncaught" error on the console.</summary>
    public void Stop()
    {
        _stopped = true;
        Invoke("close");
        Invariant.Assert(_stopped);
        foreach (var error in Host.UncaughtErrors)
        {
            _recorder.Violation(Index, SyncRecorder.NoClientError, error);
        }
    }

    public IReadOnlyList<ObservedResult> Held()
    {
        var held = new List<ObservedResult>();
        foreach (var key in _subscriptions.Keys)
        {
            if (_frames.QueryIdOf(key) is { } id && HeldResult(key) is { } result)
            {
                held.Add(new ObservedResult(id, key, result));
            }
        }

        return held;
    }

    public void Subscribe(string key)
    {
        _recorder.Trace(Name, $"subscribe {key}");
        var unsubscribe = Host.Helper("subscribe", _client, SyncClient.ReadQuery, key);
        Invariant.Assert(unsubscribe.IsObject());
        _subscriptions.Add(key, unsubscribe);
    }

    public void Unsubscribe(string key)
    {
        _recorder.Trace(Name, $"unsubscribe {key}");
        var unsubscribe = _subscriptions[key];
        _subscriptions.Remove(key);
        Host.Call(unsubscribe, JsValue.Undefined);
    }

    public Task RequestAsync(RequestKind kind, string key, long element)
    {
        var id = NextRequestId();
        var request = new OfficialRequest(kind, key);
        _requests.Add(id, request);
        _recorder.Issued(Index, id, kind, key, element);
        var onResolved = new ClrFunction(Host.Engine, "resolved", (_, _) =>
        {
            Resolved(id);
            return JsValue.Undefined;
        });
        var onRejected = new ClrFunction(Host.Engine, "rejected", (_, args) =>
        {
            Rejected(id, TypeConverter.ToString(args[0]));
            return JsValue.Undefined;
        });
        Host.Helper("request", _client, kind == RequestKind.Action ? "action" : "mutation",
            kind == RequestKind.Action ? SyncClient.AppendAction : SyncClient.AppendMutation, key,
            element.ToString(CultureInfo.InvariantCulture), onResolved, onRejected);
        Invariant.Assert(NextRequestId() == id + 1);
        return request.Done.Task;
    }

    public void SetAdminAuth(bool wrongKey)
    {
        _recorder.Trace(Name, wrongKey ? "set auth (wrong key)" : "set auth");
        Invoke("setAdminAuth", wrongKey ? "not-the-admin-key" : SyncClient.AdminKey);
    }

    public void ClearAuth()
    {
        _recorder.Trace(Name, "clear auth");
        Invoke("clearAuth");
    }

    /// <summary>The request the client still tracks under <paramref name="id"/>, if any.</summary>
    public OfficialRequest? Request(uint id) => _requests.GetValueOrDefault(id);

    /// <summary>What the official client holds for the read query of <paramref name="key"/>
    /// (<c>localQueryResult</c>), or null when it holds nothing.</summary>
    public QueryResult? HeldResult(string key)
    {
        var value = Host.Helper("held", _client, SyncClient.ReadQuery, key);
        if (value.IsUndefined())
        {
            return null;
        }

        var result = value.AsObject();
        if (result.Get("items") is JsArray items)
        {
            return new QueryResult(
                [.. items.Select(v => long.Parse(TypeConverter.ToString(v), CultureInfo.InvariantCulture))], null);
        }

        return result.Get("error") is JsString error
            ? QueryResult.Failed(ErrorMessage(error.ToString()))
            : QueryResult.Failed($"unexpected value {TypeConverter.ToString(result.Get("unexpected"))}");
    }

    private JsClientHost Host => _host ?? throw new InvalidOperationException($"{Name} was not started");

    private JsValue Invoke(string method, params JsValue[] args) =>
        Host.Call(_client.AsObject().Get(method), _client, args);

    private uint NextRequestId() => (uint)TypeConverter.ToNumber(_client.AsObject().Get("nextRequestId"));

    /// <summary>The server's message inside the client's error text
    /// (<c>[CONVEX Q(path)] message\n  Called by client</c>).</summary>
    private static string ErrorMessage(string text)
    {
        const string Suffix = "\n  Called by client";
        var start = text.StartsWith("[CONVEX ", StringComparison.Ordinal)
            ? text.IndexOf("] ", StringComparison.Ordinal)
            : -1;
        var message = start >= 0 ? text[(start + 2)..] : text;
        return message.EndsWith(Suffix, StringComparison.Ordinal) ? message[..^Suffix.Length] : message;
    }

    private void Resolved(uint id)
    {
        var request = _requests[id];
        _requests.Remove(id);
        var held = _subscriptions.ContainsKey(request.Key) ? HeldResult(request.Key) : null;
        _recorder.Resolved(Index, id, _frames.Version.Ts, held);
        request.Done.TrySetResult();
    }

    private void Rejected(uint id, string error)
    {
        var request = _requests[id];
        _requests.Remove(id);
        _recorder.Rejected(Index, id, ErrorMessage(error));
        request.Done.TrySetResult();
    }
}

/// <summary>A request of the official client the application has not seen resolve yet.</summary>
internal sealed class OfficialRequest(RequestKind kind, string key)
{
    public RequestKind Kind { get; } = kind;

    public string Key { get; } = key;

    /// <summary>A successful <c>MutationResponse</c> was recorded (re-sent mutations are answered again).</summary>
    public bool Responded { get; set; }

    /// <summary>Completed when the request resolves either way (on the simulator thread).</summary>
    public TaskCompletionSource Done { get; } = new();
}
