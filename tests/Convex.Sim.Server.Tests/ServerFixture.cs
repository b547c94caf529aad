namespace Convex.Sim.Server.Tests;

/// <summary>One server with the corpus deployed, shared by a test class; tests use distinct channels.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    internal TestServer Server => _server ?? throw new InvalidOperationException("fixture not initialized");

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
