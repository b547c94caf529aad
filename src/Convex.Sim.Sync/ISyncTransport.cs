namespace Convex.Sim.Sync;

/// <summary>
/// How a <see cref="SyncSession"/> talks to its client: one JSON text per message in each
/// direction. The server adapts a WebSocket; the simulator can supply a simulated link. The
/// session never calls <see cref="SendAsync"/> concurrently with itself.
/// </summary>
public interface ISyncTransport
{
    /// <summary>Sends one message (one text frame).</summary>
    ValueTask SendAsync(string message, CancellationToken cancellationToken);

    /// <summary>The next message from the client, or null once the client has closed the connection.</summary>
    ValueTask<string?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Closes the connection from the server's side (after a <c>FatalError</c> or <c>AuthError</c>).</summary>
    ValueTask CloseAsync(string reason, CancellationToken cancellationToken);
}
