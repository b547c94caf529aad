using System.Threading.Channels;
using Convex.Sim.Sync;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>A sync transport over two in-memory queues (as in the sync tests): the benchmark plays the client.
/// </summary>
internal sealed class MemoryTransport : ISyncTransport
{
    private readonly Channel<string?> _toServer = Channel.CreateUnbounded<string?>();
    private readonly Channel<string> _toClient = Channel.CreateUnbounded<string>();
    private int _sent;

    /// <summary>Messages the server has sent.</summary>
    public int Sent => Volatile.Read(ref _sent);

    public ValueTask SendAsync(string message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sent);
        return _toClient.Writer.WriteAsync(message, cancellationToken);
    }

    public ValueTask<string?> ReceiveAsync(CancellationToken cancellationToken) =>
        _toServer.Reader.ReadAsync(cancellationToken);

    public ValueTask CloseAsync(string reason, CancellationToken cancellationToken)
    {
        _toClient.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>The client sends a message.</summary>
    public void Send(string json)
    {
        if (!_toServer.Writer.TryWrite(json))
        {
            throw new InvalidOperationException("transport closed");
        }
    }

    /// <summary>The client closes the connection.</summary>
    public void Disconnect() => _toServer.Writer.TryWrite(null);

    /// <summary>The next message the server sent.</summary>
    public ValueTask<string> ReceiveFromServerAsync(CancellationToken cancellationToken) =>
        _toClient.Reader.ReadAsync(cancellationToken);

    /// <summary>Drops what the server sent so far.</summary>
    public int Drain()
    {
        var n = 0;
        while (_toClient.Reader.TryRead(out _))
        {
            n++;
        }

        return n;
    }
}
