using System.Net;
using System.Net.Sockets;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// A TCP proxy between a client and the server that can lose what the server sends (as a
/// connection does just before it breaks) and cut every connection, so tests can make a real
/// client reconnect at a chosen moment.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly List<TcpClient> _connections = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _dropFromServer;

    public FaultProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>While set, bytes from the server are read and thrown away.</summary>
    public bool DropFromServer
    {
        get => _dropFromServer;
        set => _dropFromServer = value;
    }

    /// <summary>Closes every connection made so far (new ones are still accepted).</summary>
    public void CutAll()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Client.Close(0);
            }

            _connections.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new TcpClient();
            await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(server);
            }

            _ = PumpAsync(client.GetStream(), server.GetStream(), drop: () => false, client, server);
            _ = PumpAsync(server.GetStream(), client.GetStream(), drop: () => _dropFromServer, client, server);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Func<bool> drop, TcpClient a, TcpClient b)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (!drop())
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // A cut connection.
        }

        a.Client.Close(0);
        b.Client.Close(0);
    }
}
