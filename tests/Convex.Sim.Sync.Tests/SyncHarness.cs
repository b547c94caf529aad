using System.Text.Json;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage.Memory;
using Convex.Sim.Testing.Corpus;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Sync.Tests;

/// <summary>A backend with the corpus deployed on an in-memory database, and protocol messages the tests send.</summary>
internal static class SyncHarness
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal sealed record Backend(DatabaseEngine Database, FunctionRunner Runner, ProductionRuntime Runtime,
        SubscriptionManager Subscriptions);

    public static async Task<Backend> StartBackendAsync()
    {
        var runtime = new ProductionRuntime(seed: 7);
        var database = await DatabaseEngine.OpenAsync(runtime, new MemoryPersistence(), Database.DatabaseOptions.Default, Ct);
        var runner = new FunctionRunner(database, runtime);
        var deployment = await Deployer.PrepareAsync(CorpusBundle.Modules, CorpusBundle.Schema, runtime, Ct);
        await Deployer.ApplySchemaAsync(database, deployment.Schema!, Ct);
        runner.Deploy(deployment);
        return new Backend(database, runner, runtime, new SubscriptionManager(database));
    }

    public static (InMemoryTransport Transport, Task Running) Open(Backend backend, SyncSessionOptions? options = null)
    {
        var transport = new InMemoryTransport();
        var session = new SyncSession(backend.Runner, backend.Database, backend.Runtime, transport, backend.Subscriptions, options);
        return (transport, session.RunAsync(Ct));
    }

    public static string Connect(string sessionId, uint connectionCount = 0) =>
        $$"""{"type":"Connect","sessionId":"{{sessionId}}","connectionCount":{{connectionCount}},"lastCloseReason":"InitialConnect","clientTs":0}""";

    public static string Subscribe(uint baseVersion, uint queryId, string channel) =>
        $$"""{"type":"ModifyQuerySet","baseVersion":{{baseVersion}},"newVersion":{{baseVersion + 1}},"modifications":[{"type":"Add","queryId":{{queryId}},"udfPath":"messages:list","args":[{"channel":"{{channel}}"}]}]}""";

    public static string Send(uint requestId, string channel, string body) =>
        $$"""{"type":"Mutation","requestId":{{requestId}},"udfPath":"messages:send","args":[{"author":"ann","body":"{{body}}","channel":"{{channel}}"}]}""";

    public static ulong Ts(JsonElement encoded) => BitConverter.ToUInt64(Convert.FromBase64String(encoded.GetString()!));

    public static string Type(JsonElement message) => message.GetProperty("type").GetString()!;

    /// <summary>The next message of <paramref name="type"/>, skipping pings.</summary>
    public static async Task<JsonElement> ExpectAsync(InMemoryTransport client, string type)
    {
        var message = await client.ReceiveFromServerAsync();
        while (Type(message) == "Ping")
        {
            message = await client.ReceiveFromServerAsync();
        }

        Assert.Equal(type, Type(message));
        return message;
    }
}
