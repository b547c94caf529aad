using System.Text.Json;
using System.Threading.Channels;

namespace Convex.Sim.Sync.Tests;

/// <summary>A sync transport over two in-memory queues: the test plays the client.</summary>
internal sealed class InMemoryTransport : ISyncTransport
{
    private readonly Channel<string?> _toServer = Channel.CreateUnbounded<string?>();
    private readonly Channel<string> _toClient = Channel.CreateUnbounded<string>();

    public string? CloseReason { get; private set; }

    public ValueTask SendAsync(string message, CancellationToken cancellationToken) =>
        _toClient.Writer.WriteAsync(message, cancellationToken);

    public ValueTask<string?> ReceiveAsync(CancellationToken cancellationToken) =>
        _toServer.Reader.ReadAsync(cancellationToken);

    public ValueTask CloseAsync(string reason, CancellationToken cancellationToken)
    {
        CloseReason = reason;
        _toClient.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>The client sends a message.</summary>
    public void Send(string json) => Assert.True(_toServer.Writer.TryWrite(json));

    /// <summary>The client closes the connection.</summary>
    public void Disconnect() => Assert.True(_toServer.Writer.TryWrite(null));

    /// <summary>The next message the server sent (fails after 30 s).</summary>
    public async Task<JsonElement> ReceiveFromServerAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var text = await _toClient.Reader.ReadAsync(timeout.Token);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Whether the server has sent something not yet received.</summary>
    public bool HasPending => _toClient.Reader.TryPeek(out _);
}
