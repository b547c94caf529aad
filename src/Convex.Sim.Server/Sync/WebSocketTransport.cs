using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Convex.Sim.Sync;

namespace Convex.Sim.Server.Sync;

/// <summary>
/// A sync session's transport over a Kestrel WebSocket: one text frame per message. Sending on a
/// socket that is already closing is a no-op, since the client is gone.
/// </summary>
internal sealed class WebSocketTransport(WebSocket socket) : ISyncTransport
{
    /// <summary>The official backend accepts messages up to 64 MiB (convex-compat §3.11).</summary>
    private const int MessageBytesMax = 64 * 1024 * 1024;

    public async ValueTask SendAsync(string message, CancellationToken cancellationToken)
    {
        if (socket.State != WebSocketState.Open)
        {
            return;
        }

        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true,
                cancellationToken);
        }
        catch (WebSocketException)
        {
            // The client went away; the receive loop notices and ends the session.
        }
    }

    public async ValueTask<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > MessageBytesMax)
            {
                await CloseAsync("MessageTooLarge", cancellationToken);
                return null;
            }

            if (result.EndOfMessage)
            {
                // A binary frame is not part of the protocol; its text fails to parse into a FatalError.
                return Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
        }
    }

    public async ValueTask CloseAsync(string reason, CancellationToken cancellationToken)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, cancellationToken);
        }
        catch (WebSocketException)
        {
            // Already gone.
        }
    }
}
