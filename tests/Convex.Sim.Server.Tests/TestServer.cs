using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Testing.Corpus;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Convex.Sim.Server.Tests;

/// <summary>A real server on 127.0.0.1 (ephemeral ports) over a temporary data directory, with an HttpClient.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    /// <summary>Test classes run in parallel on two cores, and user time is wall-clock time.</summary>
    private static readonly FunctionRunnerOptions Relaxed = new()
    {
        UdfLimits = new ExecutionLimits { UserTime = TimeSpan.FromSeconds(30) },
    };

    private TestServer(ConvexServer server, string dataDirectory)
    {
        Server = server;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = server.Url };
    }

    public ConvexServer Server { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NewDataDirectory() =>
        Path.Combine(Path.GetTempPath(), $"convex-sim-server-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Starts a server on <paramref name="dataDirectory"/> (default: fresh) and deploys the corpus.</summary>
    public static async Task<TestServer> StartAsync(string? dataDirectory = null, bool deploy = true)
    {
        dataDirectory ??= NewDataDirectory();
        var options = new ServerOptions { Port = 0, SitePort = 0, DataDirectory = dataDirectory };
        var server = await ConvexServer.StartAsync(
            options, Relaxed, logging => logging.SetMinimumLevel(LogLevel.Warning), Ct);
        if (deploy)
        {
            await server.DeployAsync(CorpusBundle.Modules, CorpusBundle.Schema, Ct);
        }

        return new TestServer(server, dataDirectory);
    }

    public async Task<(int Status, JsonElement Body)> PostAsync(string path, string json, string? adminKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (adminKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Convex", adminKey);
        }

        using var response = await Http.SendAsync(request, Ct);
        return ((int)response.StatusCode, await ReadJsonAsync(response));
    }

    public async Task<(int Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path, Ct);
        return ((int)response.StatusCode, await ReadJsonAsync(response));
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Stops the server, keeping the data directory (for restarts).</summary>
    public async Task StopAsync()
    {
        Http.Dispose();
        await Server.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
