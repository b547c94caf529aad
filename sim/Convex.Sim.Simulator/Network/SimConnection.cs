using Convex.Sim.Core;
using Convex.Sim.Sync;

namespace Convex.Sim.Simulator.Network;

/// <summary>How a connection ends.</summary>
internal enum BreakKind
{
    /// <summary>The link fails and both ends notice (a reset).</summary>
    Reset = 1,

    /// <summary>The link fails and the server notices, the client does not (a half-open socket).</summary>
    Silent = 2,

    /// <summary>The server process died: nothing more reaches it.</summary>
    ServerCrash = 3,

    /// <summary>The client closed the connection: what it sent still arrives, then the server sees the close.</summary>
    ClientClose = 4,

    /// <summary>The server closed the connection: what it sent still arrives, then the client sees the close.</summary>
    ServerClose = 5,
}

/// <summary>
/// One simulated WebSocket between a client and the server node: two <see cref="SimChannel"/>s.
/// Fault model (each break is decided by <see cref="SimNetwork"/>): when the link breaks, a random
/// prefix of the messages in flight in each direction still arrives and the rest is lost; the
/// client's surviving messages may arrive late (up to <see cref="NetworkOptions.StaleDeliveryMax"/>),
/// so the server's session of the old connection keeps processing them after the client gave up
/// on it. After a break, whatever either end sends is lost, as on a dead TCP connection (the send
/// itself succeeds). A silent break is not reported to the client.
/// </summary>
internal sealed class SimConnection
{
    private readonly SimNetwork _network;

    public SimConnection(SimNetwork network, long id, string client)
    {
        _network = network;
        Id = id;
        Client = client;
        ToServer = new SimChannel(network.Loop);
        ToClient = new SimChannel(network.Loop);
        Server = new ServerTransport(this);
    }

    public long Id { get; }

    public string Client { get; }

    /// <summary>The client's version from its sync URL, when it says (the official client does).</summary>
    public string? ClientVersion { get; init; }

    public SimChannel ToServer { get; }

    public SimChannel ToClient { get; }

    /// <summary>The server's end, for <see cref="SyncSession"/>.</summary>
    public ISyncTransport Server { get; }

    /// <summary>Set once the connection broke or was closed: nothing sent afterwards arrives.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>The reason the server gave when it closed the connection (the WebSocket close frame's
    /// reason); null if it did not close it.</summary>
    public string? ServerCloseReason { get; private set; }

    public void SendToServer(string text)
    {
        if (IsBroken)
        {
            _network.Trace(Client, $"drop conn={Id} c>s {Summary(text)}");
            return;
        }

        _network.Trace(Client, $"send conn={Id} c>s {Summary(text)}");
        ToServer.Enqueue(text, _network.DeliveryTime());
    }

    public void SendToClient(string text)
    {
        if (IsBroken)
        {
            _network.Trace("db", $"drop conn={Id} s>c {Summary(text)}");
            return;
        }

        _network.Trace("db", $"send conn={Id} s>c {Summary(text)}");
        ToClient.Enqueue(text, _network.DeliveryTime());
    }

    /// <summary>Ends the connection; <paramref name="keepToServer"/> and <paramref name="keepToClient"/>
    /// are how many in-flight messages still arrive in each direction.</summary>
    public void Break(BreakKind kind, int keepToServer, int keepToClient, TimeSpan staleDelay)
    {
        if (IsBroken)
        {
            return;
        }

        IsBroken = true;
        _network.Trace(Client, $"break conn={Id} {kind} keep c>s {keepToServer}/{ToServer.Pending} " +
            $"s>c {keepToClient}/{ToClient.Pending} stale={staleDelay.TotalMilliseconds}ms");
        ToServer.KeepPrefix(keepToServer, staleDelay);
        ToServer.Close();
        ToClient.KeepPrefix(keepToClient, TimeSpan.Zero);
        if (kind != BreakKind.Silent)
        {
            ToClient.Close();
        }
    }

    /// <summary>The client gives up on the connection (after a break it noticed, or its inactivity timeout).</summary>
    public void CloseFromClient()
    {
        Break(BreakKind.ClientClose, ToServer.Pending, 0, TimeSpan.Zero);
        ToClient.KeepPrefix(0, TimeSpan.Zero);
        ToClient.Close();
        Invariant.Assert(ToClient.IsClosed);
    }

    private static string Summary(string text) => text.Length <= 160 ? text : $"{text[..160]}...({text.Length})";

    /// <summary>The server's end of the connection as a sync transport.</summary>
    private sealed class ServerTransport(SimConnection connection) : ISyncTransport
    {
        public ValueTask SendAsync(string message, CancellationToken cancellationToken)
        {
            connection.SendToClient(message);
            return ValueTask.CompletedTask;
        }

        public async ValueTask<string?> ReceiveAsync(CancellationToken cancellationToken)
        {
            var text = await connection.ToServer.ReceiveAsync(cancellationToken);
            connection._network.Trace("db", text is null
                ? $"closed conn={connection.Id} (server end)"
                : $"recv conn={connection.Id} c>s {Summary(text)}");
            return text;
        }

        public ValueTask CloseAsync(string reason, CancellationToken cancellationToken)
        {
            if (!connection.IsBroken)
            {
                connection.ServerCloseReason = reason;
            }

            connection.Break(BreakKind.ServerClose, 0, connection.ToClient.Pending, TimeSpan.Zero);
            return ValueTask.CompletedTask;
        }
    }
}
