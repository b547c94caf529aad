using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// The floor: a bare Kestrel WebSocket server in this process on a free port, configured like the
/// sync endpoint (slim builder, loopback, <c>UseWebSockets</c>), that echoes every text frame back.
/// Its round trip and its memory per idle connection are what any WebSocket server pays here.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The <c>ws://</c> URL of the echo endpoint.</summary>
    public Uri Url { get; }

    public static async Task<EchoServer> StartAsync(CancellationToken cancellationToken)
    {
        var (app, port) = await BareKestrel.StartAsync(app =>
        {
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(5) });
            app.Map("/echo", EchoAsync);
        }, cancellationToken);
        return new EchoServer(app, new Uri($"ws://127.0.0.1:{port}/echo"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static async Task EchoAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage,
                    context.RequestAborted);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }
}
