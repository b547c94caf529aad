using Convex.Sim.Core.Values;
using Convex.Sim.Database;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Library;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// A database over one persistence with the corpus deployed and a runner on the production
/// runtime, seeded with the Node reference's data: 100 messages over 5 channels, authors
/// <c>user{i % 7}</c>, bodies <c>message number {i}</c>, likes <c>i % 5</c>.
/// </summary>
internal sealed class FunctionBackend : IAsyncDisposable
{
    public static readonly string[] Channels = ["general", "random", "dev", "ops", "sales"];

    private readonly IPersistence _persistence;

    private FunctionBackend(
        IPersistence persistence, DatabaseEngine database, FunctionRunner runner, ActiveDeployment deployment)
    {
        _persistence = persistence;
        Database = database;
        Runner = runner;
        Deployment = deployment;
    }

    public DatabaseEngine Database { get; }

    public FunctionRunner Runner { get; private set; }

    public ActiveDeployment Deployment { get; }

    /// <summary>The ids of the seeded messages, as the id strings functions see.</summary>
    public IReadOnlyList<ConvexString> Ids { get; private set; } = [];

    public static async Task<FunctionBackend> StartAsync(
        IPersistence persistence, ActiveDeployment deployment, ulong seed)
    {
        var runtime = new ProductionRuntime(seed);
        var database = await DatabaseEngine.OpenAsync(runtime, persistence, DatabaseOptions.Default, default);
        await Deployer.ApplySchemaAsync(database, deployment.Schema!, default);
        var runner = new FunctionRunner(database, runtime);
        runner.Deploy(deployment);
        var backend = new FunctionBackend(persistence, database, runner, deployment);
        await backend.SeedAsync();
        return backend;
    }

    /// <summary>Replaces the runner by a fresh one (no engines yet) on the same database and deployment.</summary>
    public void FreshRunner(ulong seed, ValueConversion conversion = ValueConversion.Native)
    {
        Runner = new FunctionRunner(Database, new ProductionRuntime(seed), new FunctionRunnerOptions { ValueConversion = conversion });
        Runner.Deploy(Deployment);
    }

    public static ConvexObject GetArgs(ConvexString id) => ConvexObject.Empty.With("id", id);

    public static ConvexObject ListArgs(string channel, int n) =>
        ConvexObject.Empty.With("channel", new ConvexString(channel)).With("n", new ConvexFloat64(n));

    public static ConvexObject SendArgs(int i) => ConvexObject.Empty
        .With("author", new ConvexString("bench"))
        .With("body", new ConvexString($"insert {i}"))
        .With("channel", new ConvexString("bench"));

    public async Task<ConvexValue?> QueryAsync(string path, ConvexObject args)
    {
        var result = await Runner.RunQueryAsync(new FunctionCall(path, args) { AllowInternal = true }, default);
        return result.Succeeded ? result.Value : throw Failed(path, result);
    }

    public async Task<ConvexValue?> MutationAsync(string path, ConvexObject args)
    {
        var result = await Runner.RunMutationAsync(new FunctionCall(path, args) { AllowInternal = true }, default);
        return result.Succeeded ? result.Value : throw Failed(path, result);
    }

    public ValueTask DisposeAsync() => _persistence.DisposeAsync();

    private static InvalidOperationException Failed(string path, FunctionResult result) =>
        new($"{path} failed: {result.ErrorMessage}");

    private async Task SeedAsync()
    {
        var ids = new List<ConvexString>();
        for (var i = 0; i < 100; i++)
        {
            var args = ConvexObject.Empty
                .With("author", new ConvexString($"user{i % 7}"))
                .With("body", new ConvexString($"message number {i}"))
                .With("channel", new ConvexString(Channels[i % Channels.Length]))
                .With("likes", new ConvexFloat64(i % 5));
            ids.Add((ConvexString)(await MutationAsync("messages:send", args))!);
        }

        Ids = ids;
        // The calls we time must return what we expect (as node-reference.mjs checks).
        var sample = (ConvexObject?)await QueryAsync("messages:get", GetArgs(ids[3]));
        var top = (ConvexArray?)await QueryAsync("messages:list", ListArgs("general", 10));
        if (sample?["_id"] is not ConvexString id || id.Value != ids[3].Value || top?.Items.Length != 10)
        {
            throw new InvalidOperationException("function benchmark sanity check failed");
        }
    }
}
