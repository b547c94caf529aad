using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Runtime.Production;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>How big each sync figure is; <see cref="Quick"/> keeps the whole run within about 3 minutes.</summary>
internal sealed record SyncSizes(
    CallShape RoundTrip,
    TimeSpan RoundTripWarmUp,
    TimeSpan ObserveFor,
    int Observers,
    int Writers,
    double WritesPerSecond,
    int FanOutClients,
    int FanOutWrites,
    int IdleConnections,
    int MixedClients,
    TimeSpan MixedFor,
    int CommitSessions,
    int CommitQueriesPerSession,
    int CommitRounds)
{
    public static SyncSizes Full { get; } = new(
        RoundTrip: new CallShape(500, TimeSpan.FromSeconds(5), 10, 200),
        RoundTripWarmUp: TimeSpan.FromSeconds(20),
        ObserveFor: TimeSpan.FromSeconds(5),
        Observers: 100,
        Writers: 10,
        WritesPerSecond: 100,
        FanOutClients: 10_000,
        FanOutWrites: 6,
        IdleConnections: 5_000,
        MixedClients: 1_000,
        MixedFor: TimeSpan.FromSeconds(60),
        CommitSessions: 1_000,
        CommitQueriesPerSession: 100,
        CommitRounds: 40);

    /// <summary>Figure 1 sends writes for 1 s; figure 3 has 20,000 subscriptions (200 sessions), since setting
    /// up 100,000 takes 40–90 s here.</summary>
    public static SyncSizes Quick { get; } = Full with
    {
        RoundTrip = new CallShape(200, TimeSpan.FromSeconds(1), 5, 100),
        RoundTripWarmUp = TimeSpan.FromSeconds(3),
        ObserveFor = TimeSpan.FromSeconds(1),
        FanOutClients = 1_000,
        FanOutWrites = 4,
        IdleConnections = 1_000,
        MixedFor = TimeSpan.FromSeconds(10),
        CommitSessions = 200,
        CommitRounds = 20,
    };
}

/// <summary>
/// Sync-layer figures (<c>--sync</c>): the real server in this process (Kestrel, SQLite, the sync
/// endpoint), clients speaking the protocol over real WebSockets (<see cref="SyncClient"/>, in this
/// process or in a child process), and <c>SyncSession</c> driven in process where 100,000
/// WebSocket queries would be impractical. References in the same run: the same query over HTTP,
/// a bare Kestrel WebSocket echo (the floor of any WebSocket round trip and connection), and the
/// commit with no subscriptions. The official npm client is not used as a reference: its latency
/// against our server measures our server, not a reference backend.
/// </summary>
internal static class SyncBenchmarks
{
    /// <summary>Only the fan-out figures (<c>--fanout N</c>), with <paramref name="clients"/> clients, for profiling;
    /// with <paramref name="sessionsOnly"/> (<c>--no-sockets</c>) only the in-process one, with 40 writes.</summary>
    public static async Task RunFanOutAsync(Report report, int clients, string? prebuiltBundle, bool sessionsOnly)
    {
        var (corpus, skipped) = FunctionCorpus.Load(prebuiltBundle);
        if (corpus is null)
        {
            Console.WriteLine($"sync: skipped: {skipped}");
            return;
        }

        using (corpus)
        {
            var deployment = await Deployer.PrepareAsync(
                [.. corpus.Modules], corpus.Schema, new ProductionRuntime(1), default);
            await SessionFanOut.RunAsync(report, deployment, clients, writes: sessionsOnly ? 40 : 10);
            if (sessionsOnly)
            {
                return;
            }

            await using var server = await InProcessServer.StartAsync(corpus.Modules, corpus.Schema, default);
            await SeedAsync(server);
            await using var host = ClientHost.Start();
            await FanOut.RunAsync(report, server, host, SyncSizes.Full with { FanOutClients = clients, FanOutWrites = 10 });
        }
    }

    public static async Task RunAsync(Report report, bool quick, string? prebuiltBundle)
    {
        var (corpus, skipped) = FunctionCorpus.Load(prebuiltBundle);
        if (corpus is null)
        {
            Console.WriteLine($"sync: skipped: {skipped}");
            return;
        }

        var sizes = quick ? SyncSizes.Quick : SyncSizes.Full;
        using (corpus)
        {
            var total = Stopwatch.GetTimestamp();
            await using (var server = await InProcessServer.StartAsync(corpus.Modules, corpus.Schema, default))
            await using (var echo = await EchoServer.StartAsync(default))
            {
                var ids = await SeedAsync(server);
                var mutationVisible = await RoundTrips.RunAsync(report, server, echo, ids, sizes);
                await InsertToObserved.RunAsync(report, server, sizes, mutationVisible);
                await using (var host = ClientHost.Start())
                {
                    await FanOut.RunAsync(report, server, host, sizes);
                    await IdleMemory.RunAsync(report, server, echo, host, sizes);
                }

                await MixedLoad.RunAsync(report, server, sizes);
            }

            var deployment = await Deployer.PrepareAsync(
                [.. corpus.Modules], corpus.Schema, new ProductionRuntime(1), default);
            await CommitCost.RunAsync(report, deployment, sizes);
            await SessionFanOut.RunAsync(report, deployment, sizes.FanOutClients, sizes.FanOutWrites);
            Console.WriteLine(Text.Invariant($"sync: {Stopwatch.GetElapsedTime(total).TotalSeconds:F0} s in all"));
        }
    }

    /// <summary>Clean-JSON body of an HTTP function call.</summary>
    public static StringContent Call(string path, string argsJson) => new(
        Text.Invariant($$"""{"path":"{{path}}","args":{{argsJson}},"format":"json"}"""), Encoding.UTF8,
        "application/json");

    /// <summary>Runs an HTTP function call; returns its value or throws with the server's answer.</summary>
    public static async Task<JsonElement> PostAsync(HttpClient http, string endpoint, string path, string argsJson,
        CancellationToken cancellationToken = default)
    {
        using var content = Call(path, argsJson);
        using var response = await http.PostAsync(endpoint, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        return response.IsSuccessStatusCode && root.GetProperty("status").GetString() == "success"
            ? root.GetProperty("value").Clone()
            : throw new InvalidOperationException($"{endpoint} {path} failed: {text}");
    }

    public static string SendArgs(string channel, string body) =>
        Text.Invariant($$"""{"author":"bench","body":"{{body}}","channel":"{{channel}}"}""");

    public static string ListArgs(string channel, int n) =>
        Text.Invariant($$"""{"channel":"{{channel}}","n":{{n}}}""");

    /// <summary>Query runs the server's sessions asked for since <paramref name="before"/>, and how many of them
    /// were served by an identical run of another session (same function, arguments, identity, timestamp).</summary>
    public static string Executions(InProcessServer server, (long Requested, long Shared) before)
    {
        var (requested, shared) = server.Subscriptions.QueryExecutions;
        return Text.Invariant(
            $"server query runs requested {requested - before.Requested}, shared {shared - before.Shared}");
    }

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Percentile of a list of values (as <see cref="Samples.Percentile"/>).</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p / 100 * sorted.Count))];
    }

    /// <summary>The Node reference's data (as <see cref="FunctionBackend"/>): 100 messages over 5 channels.</summary>
    private static async Task<string[]> SeedAsync(InProcessServer server)
    {
        var ids = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var args = Text.Invariant(
                $$"""{"author":"user{{i % 7}}","body":"message number {{i}}","likes":{{i % 5}}""",
                $$""","channel":"{{FunctionBackend.Channels[i % FunctionBackend.Channels.Length]}}"}""");
            ids.Add((await PostAsync(server.Http, "/api/mutation", "messages:send", args)).GetString()!);
        }

        return [.. ids];
    }
}
