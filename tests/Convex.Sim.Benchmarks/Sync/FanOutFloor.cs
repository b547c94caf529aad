using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// The reference for the fan-out figure: the least a WebSocket server on this machine does to push
/// one transition to every subscribed client. A bare Kestrel WebSocket endpoint, configured like the
/// sync endpoint, that answers each <c>ModifyQuerySet</c> with a transition to its new version and,
/// on <see cref="BroadcastAsync"/>, wakes every connection's own loop (as a commit wakes every
/// session's update loop) which sends a transition showing <c>fan-K</c>. No database, no query, no
/// subscription matching: what is left is sockets, frames and task wake-ups, on both sides. The
/// same <see cref="ClientHost"/> clients receive it, so ours / floor is the cost of the sync layer.
/// </summary>
internal sealed class FanOutFloor : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Connection> _connections = [];
    private ulong _ts = 1;

    private FanOutFloor(WebApplication app) => _app = app;

    /// <summary>The deployment-style URL (<c>http://127.0.0.1:port</c>) the clients connect to.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<FanOutFloor> StartAsync()
    {
        FanOutFloor? floor = null;
        var (app, port) = await BareKestrel.StartAsync(app =>
        {
            floor = new FanOutFloor(app);
            app.UseWebSockets();
            app.Map("/api/{version}/sync", floor.ServeAsync);
        }, CancellationToken.None);
        floor!.Url = new Uri($"http://127.0.0.1:{port}");
        return floor;
    }

    /// <summary>Wakes every connection, each of which sends a transition whose first document has body <paramref name="body"/>.</summary>
    public void Broadcast(string body)
    {
        List<Connection> connections;
        lock (_connections)
        {
            connections = [.. _connections];
            _ts++;
            foreach (var connection in connections)
            {
                connection.Pending = body;
                connection.Wake.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        var sender = SendLoopAsync(connection, context.RequestAborted);
        try
        {
            await ReceiveLoopAsync(connection, context.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(connection);
            }

            connection.Closed = true;
            connection.Wake.Release();
            await sender;
        }
    }

    private static async Task ReceiveLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        while (true)
        {
            var result = await connection.Socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return;
            }

            using var message = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
            if (message.RootElement.GetProperty("type").GetString() == "ModifyQuerySet")
            {
                connection.QuerySet = message.RootElement.GetProperty("newVersion").GetUInt32();
                await connection.SendAsync(Transition(connection.QuerySet - 1, connection.QuerySet, 1, "none"));
            }
        }
    }

    private async Task SendLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await connection.Wake.WaitAsync(CancellationToken.None);
                if (connection.Closed || cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                var ts = Volatile.Read(ref _ts);
                await connection.SendAsync(Transition(connection.QuerySet, connection.QuerySet, ts, connection.Pending));
            }
        }
        catch (WebSocketException)
        {
            // The client went away.
        }
    }

    /// <summary>A transition of the shape the sync endpoint sends for <c>messages:list</c> with one document.</summary>
    private static byte[] Transition(uint fromQuerySet, uint querySet, ulong ts, string body)
    {
        var encodedTs = Convert.ToBase64String(BitConverter.GetBytes(ts));
        var version = Text.Invariant($"\"querySet\":{querySet},\"identity\":0,\"ts\":\"{encodedTs}\"}}");
        var from = Text.Invariant($"\"querySet\":{fromQuerySet},\"identity\":0,\"ts\":\"{encodedTs}\"}}");
        return Encoding.UTF8.GetBytes(
            "{\"type\":\"Transition\",\"startVersion\":{" + from + ",\"endVersion\":{" + version +
            ",\"modifications\":[{\"type\":\"QueryUpdated\",\"queryId\":0,\"value\":[{\"_creationTime\":1764430000000.5," +
            "\"_id\":\"jd7abc\",\"author\":\"bench\",\"body\":\"" + body + "\",\"channel\":\"fan\"," +
            "\"likes\":{\"$integer\":\"AAAAAAAAAAA=\"}}],\"logLines\":[],\"journal\":null}]," +
            "\"clientClockSkew\":0,\"serverTs\":1764430000000000000}");
    }

    private sealed class Connection(WebSocket socket)
    {
        private readonly SemaphoreSlim _sendGate = new(1, 1);

        public WebSocket Socket { get; } = socket;

        public SemaphoreSlim Wake { get; } = new(0);

        public uint QuerySet { get; set; }

        public string Pending { get; set; } = "none";

        public volatile bool Closed;

        public async Task SendAsync(byte[] message)
        {
            await _sendGate.WaitAsync();
            try
            {
                await Socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _sendGate.Release();
            }
        }
    }
}
