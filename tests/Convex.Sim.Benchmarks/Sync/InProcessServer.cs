using Convex.Sim.Functions.Modules;
using Convex.Sim.Server;
using Convex.Sim.Sync;
using Microsoft.Extensions.Logging;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// The real server (<c>ConvexServer</c>: Kestrel, SQLite under a temporary data directory, the sync
/// endpoint) started in this process on free ports, as tests/Convex.Sim.Server.Tests/TestServer.cs
/// starts it, with the production runner options.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly ConvexServer _server;

    private InProcessServer(ConvexServer server, string dataDirectory)
    {
        _server = server;
        DataDirectory = dataDirectory;
        Url = server.Url;
        Subscriptions = server.Subscriptions;
        Database = server.Database;
        Http = new HttpClient { BaseAddress = Url };
    }

    public Uri Url { get; }

    public SubscriptionManager Subscriptions { get; }

    public DatabaseEngine Database { get; }

    public HttpClient Http { get; }

    public string DataDirectory { get; }

    /// <summary>Starts a server over a fresh data directory and deploys <paramref name="modules"/>.</summary>
    public static async Task<InProcessServer> StartAsync(
        IReadOnlyList<ModuleSource> modules, ModuleSource schema, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"convex-sim-bench-sync-{Environment.ProcessId}");
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        var options = new ServerOptions { Port = 0, SitePort = 0, DataDirectory = dataDirectory };
        var server = await ConvexServer.StartAsync(
            options, runnerOptions: null, builder => builder.SetMinimumLevel(LogLevel.Warning), cancellationToken);
        await server.DeployAsync(modules, schema, cancellationToken);
        return new InProcessServer(server, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.StopAsync(CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
