using Convex.Sim.Core;
using Convex.Sim.Simulator.Network;
using Convex.Sim.Simulator.Scheduling;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Simulator.Sync.Official;

/// <summary>The <c>readyState</c> of a simulated WebSocket (the DOM's numbers).</summary>
internal enum SocketState
{
    Connecting = 0,
    Open = 1,
    Closing = 2,
    Closed = 3,
}

/// <summary>One WebSocket the official client constructed, and the simulated connection behind it.</summary>
internal sealed class SimSocket(int id, ObjectInstance js, string url)
{
    public int Id { get; } = id;

    /// <summary>The URL the client connects to (<c>ws://…/api/{version}/sync</c>).</summary>
    public string Url { get; } = url;

    /// <summary>The JavaScript object the client holds (its <c>onopen</c>, <c>onmessage</c>, ... handlers).</summary>
    public ObjectInstance Js { get; } = js;

    public SocketState State { get; set; } = SocketState.Connecting;

    public SimConnection? Connection { get; set; }

    /// <summary>The client called <c>close()</c>, with this code and reason.</summary>
    public bool CloseRequested { get; set; }

    public int? CloseCode { get; set; }

    public string CloseReason { get; set; } = "";
}

/// <summary>What the official client's C# side watches on its sockets: every frame both ways.</summary>
internal interface ISocketObserver
{
    void Opened(SimSocket socket);

    /// <summary>A frame the client sends on an open socket, before it goes on the network.</summary>
    void Sending(SimSocket socket, string text);

    /// <summary>A frame from the server, before the client sees it; returns the text the client is given.</summary>
    string Receiving(SimSocket socket, string text);

    /// <summary>The client processed the frame; <paramref name="error"/> is what its handler threw, if
    /// anything.</summary>
    void Received(SimSocket socket, string? error);

    void Closed(SimSocket socket);
}

/// <summary>
/// The C# side of the JavaScript <c>WebSocket</c> class given to the official client: constructing
/// one opens a <see cref="SimConnection"/> through <see cref="SimNetwork"/> on the client's node (a
/// failed attempt, a partition or a server that is down, ends in <c>onerror</c> + <c>onclose</c> with
/// code 1006); once open, each server frame is delivered as <c>onmessage({data})</c> in order; the
/// end of the connection is <c>onclose({code, reason, wasClean})</c>: the client's own code (1005 if
/// none) after its <c>close()</c>, 1000 with the server's reason when the server closed it, and 1006
/// after a break. A silent break delivers nothing: the client's inactivity timer must notice.
/// <c>send</c> throws <c>InvalidStateError</c> while connecting and is dropped once closing, as in a
/// browser. Everything runs on the client's node, one frame per work item.
/// </summary>
internal sealed class SimWebSocket(
    SimLoop loop, SimNetwork network, SimNode node, string client, ISocketObserver observer) : ISocketHost
{
    private readonly SortedDictionary<int, SimSocket> _sockets = [];
    private int _nextSocket = 1;

    /// <summary>Set once the engine exists (the engine needs this object to install the class).</summary>
    public JsClientHost Host { get; set; } = null!;

    public int Open(ObjectInstance js, string url)
    {
        loop.AssertOnLoopThread();
        var socket = new SimSocket(_nextSocket++, js, url);
        _sockets.Add(socket.Id, socket);
        network.Trace(client, $"ws{socket.Id} new WebSocket({url})");
        _ = node.SpawnAsync($"ws{socket.Id}", ct => RunAsync(socket, ct), CancellationToken.None);
        return socket.Id;
    }

    public void Send(int id, string text)
    {
        if (!_sockets.TryGetValue(id, out var socket) || socket.State is SocketState.Closing or SocketState.Closed)
        {
            return; // a browser discards what is sent on a closing or closed socket
        }

        if (socket.State == SocketState.Connecting)
        {
            throw new JavaScriptException(Host.Engine.Intrinsics.Error,
                "InvalidStateError: the socket is still connecting");
        }

        observer.Sending(socket, text);
        socket.Connection!.SendToServer(text);
    }

    public void Close(int id, int? code, string reason)
    {
        if (!_sockets.TryGetValue(id, out var socket) || socket.State is SocketState.Closing or SocketState.Closed)
        {
            return;
        }

        socket.CloseRequested = true;
        socket.CloseCode = code;
        socket.CloseReason = reason;
        SetState(socket, SocketState.Closing);
        socket.Connection?.CloseFromClient(); // while connecting, the attempt is dropped when it completes
        Invariant.Assert(socket.Connection is null || socket.Connection.IsBroken);
    }

    /// <summary>The <c>{version}</c> of <c>/api/{version}/sync</c>, which the server reads as the client's version.</summary>
    private static string? ClientVersion(string url)
    {
        var parts = url.Split('/');
        var api = Array.IndexOf(parts, "api");
        return api >= 0 && api + 2 < parts.Length && parts[api + 2] == "sync" ? parts[api + 1] : null;
    }

    private async Task RunAsync(SimSocket socket, CancellationToken cancellationToken)
    {
        var connection = await network.ConnectAsync(client, cancellationToken, ClientVersion(socket.Url));
        if (connection is null || socket.CloseRequested)
        {
            connection?.CloseFromClient();
            Finish(socket, 1006, "", clean: false);
            return;
        }

        socket.Connection = connection;
        SetState(socket, SocketState.Open);
        observer.Opened(socket);
        Fire(socket, "onopen", Event("open"));
        while (await connection.ToClient.ReceiveAsync(cancellationToken) is { } text)
        {
            Invariant.Assert(socket.State == SocketState.Open);
            var delivered = observer.Receiving(socket, text);
            var message = Event("message");
            message.Set("data", delivered);
            observer.Received(socket, Fire(socket, "onmessage", message));
        }

        if (socket.CloseRequested)
        {
            Finish(socket, socket.CloseCode ?? 1005, socket.CloseReason, clean: true);
        }
        else if (connection.ServerCloseReason is { } reason)
        {
            Finish(socket, 1000, reason, clean: true);
        }
        else
        {
            Finish(socket, 1006, "", clean: false);
        }
    }

    private void Finish(SimSocket socket, int code, string reason, bool clean)
    {
        SetState(socket, SocketState.Closed);
        _sockets.Remove(socket.Id);
        observer.Closed(socket);
        network.Trace(client, $"ws{socket.Id} closed code={code} reason={reason}");
        if (!clean)
        {
            Fire(socket, "onerror", Event("error"));
        }

        var close = Event("close");
        close.Set("code", code);
        close.Set("reason", reason);
        close.Set("wasClean", clean);
        Fire(socket, "onclose", close);
    }

    private void SetState(SimSocket socket, SocketState state)
    {
        Invariant.Assert(state >= socket.State);
        socket.State = state;
        socket.Js.Set("readyState", (int)state);
    }

    private ObjectInstance Event(string type)
    {
        var e = Host.NewObject();
        e.Set("type", type);
        return e;
    }

    /// <summary>Runs a handler of the socket; returns what it threw (a browser reports it and goes on).</summary>
    private string? Fire(SimSocket socket, string handler, ObjectInstance e)
    {
        var function = socket.Js.Get(handler);
        if (!function.IsObject())
        {
            return null;
        }

        try
        {
            Host.Call(function, socket.Js, e);
            return null;
        }
        catch (JavaScriptException exception)
        {
            network.Trace(client, $"ws{socket.Id} {handler} threw: {exception.Message}");
            return exception.Message;
        }
    }
}
