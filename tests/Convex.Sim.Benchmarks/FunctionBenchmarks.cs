using System.Globalization;
using Convex.Sim.Functions.Library;
using System.Diagnostics;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage.Memory;
using Convex.Sim.Storage.Sqlite;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Function-runner figures side by side with the Node reference (tests/functions/node-reference.mjs)
/// on the same bundle and the same data: warm <c>messages:get</c>, warm <c>messages:list</c> with
/// take(10), the <c>messages:send</c> mutation, and cold module load. Ours run over memory
/// persistence (the runner's own cost, comparable with Node's in-memory store) and over SQLite
/// (durable: every mutation waits for its fsync). Targets from the issue: warm point query
/// ≤ 150 µs, warm take(10) ≤ 500 µs, and at most 4× Node on the same bundle.
/// </summary>
internal static class FunctionBenchmarks
{
    public static async Task RunAsync(Report report, bool quick, string? prebuiltBundle)
    {
        var (corpus, skipped) = FunctionCorpus.Load(prebuiltBundle);
        if (corpus is null)
        {
            Console.WriteLine($"function runner: skipped: {skipped}");
            return;
        }

        using (corpus)
        {
            var node = corpus.RunNodeReference(out var nodeSkipped);
            Console.WriteLine(node is null
                ? $"function runner, Node reference: skipped: {nodeSkipped}"
                : Text.Invariant($"function runner, Node reference {node.Version}: get {node.GetUs} us, ",
                    $"take(10) {node.Take10Us} us, insert {node.InsertUs} us, ",
                    $"cold load {node.ColdLoadMs} ms, reload {node.ReloadMs} ms"));
            // First, before anything here touches Jint: the process-cold load includes its JIT.
            ColdLoad.Report(report, corpus.Modules, corpus.BundleDirectory, node, quick ? 2 : 10, quick ? 0 : 3);
            var pushStart = Stopwatch.GetTimestamp();
            var deployment = await Deployer.PrepareAsync(
                [.. corpus.Modules], corpus.Schema, new ProductionRuntime(1), default);
            var pushMs = Stopwatch.GetElapsedTime(pushStart).TotalMilliseconds;
            report.Figure("fn push-time analysis (5 modules + schema)", pushMs, "ms", "(reported)", true);
            await RunOnMemoryAsync(report, deployment, node, quick);
            await RunOnSqliteAsync(report, deployment, node, quick);
        }
    }

    /// <summary>Only the process-cold load, split into phases (<c>--cold-load</c>; no Node reference run).</summary>
    public static void ReportColdLoadPhases(string? prebuiltBundle)
    {
        var (corpus, skipped) = FunctionCorpus.Load(prebuiltBundle);
        if (corpus is null)
        {
            Console.WriteLine($"function runner: skipped: {skipped}");
            return;
        }

        using (corpus)
        {
            ColdLoadPhases.Report(corpus.Modules);
        }
    }

    private static async Task RunOnMemoryAsync(
        Report report, ActiveDeployment deployment, NodeFigures? node, bool quick)
    {
        var shape = quick ? CallShape.Quick : CallShape.Full;
        var persistence = new TimingPersistence(new MemoryPersistence());
        await using var backend = await FunctionBackend.StartAsync(persistence, deployment, seed: 11);
        await WarmUpCurve.WarmUpAsync(
            backend, TimeSpan.FromSeconds(quick ? 1 : 8), TimeSpan.FromSeconds(quick ? 1 : 30));
        await ReportWarmAsync(report, backend, "memory", node, shape);
        await ColdLoad.ReportFirstCallAsync(report, backend, quick ? 3 : 10);
        var insert = await MeasureInsertAsync(backend, shape);
        Warm(report, "fn insert messages:send (memory)", insert, node?.InsertUs, null);
        if (!quick)
        {
            await ListProfile.RunAsync(backend, persistence, "memory", ListProfile.Shape);
            await CompareConversionsAsync(backend);
        }
    }

    /// <summary>
    /// The same warm calls with the library's value conversion native (the default) and
    /// interpreted (FunctionRunnerOptions.ValueConversion), alternated three times on the same
    /// database in the same process, so that the ratio is not the noise between runs.
    /// </summary>
    private static async Task CompareConversionsAsync(FunctionBackend backend)
    {
        var shape = CallShape.Full with { Rounds = 7 };
        var getArgs = backend.Ids.Select(FunctionBackend.GetArgs).ToArray();
        var listArgs = FunctionBackend.Channels.Select(c => FunctionBackend.ListArgs(c, 10)).ToArray();
        var figures = new Dictionary<(ValueConversion, string), List<double>>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var conversion in new[] { ValueConversion.Native, ValueConversion.Interpreted })
            {
                backend.FreshRunner(seed: 21, conversion);
                var get = await CallTimer.MeasureAsync(shape, i => backend.QueryAsync("messages:get", getArgs[i % getArgs.Length]));
                var list = await CallTimer.MeasureAsync(shape, i => backend.QueryAsync("messages:list", listArgs[i % listArgs.Length]));
                Add(conversion, "get", get.Median);
                Add(conversion, "list", list.Median);
            }
        }

        backend.FreshRunner(seed: 11);
        foreach (var call in new[] { "get", "list" })
        {
            var native = figures[(ValueConversion.Native, call)];
            var interpreted = figures[(ValueConversion.Interpreted, call)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    value conversion A/B, warm {call} (memory), 3 alternations: native {string.Join(" ", native.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} us, " +
                $"interpreted {string.Join(" ", interpreted.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} us, " +
                $"median ratio interpreted/native {Median(interpreted) / Median(native):F2}"));
        }

        void Add(ValueConversion conversion, string call, double us)
        {
            if (!figures.TryGetValue((conversion, call), out var list))
            {
                figures[(conversion, call)] = list = [];
            }

            list.Add(us);
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    }

    private static async Task RunOnSqliteAsync(
        Report report, ActiveDeployment deployment, NodeFigures? node, bool quick)
    {
        var shape = quick ? CallShape.Quick : CallShape.Full;
        var dir = Directory.CreateTempSubdirectory("convex-sim-bench-fn-");
        try
        {
            var persistence = new TimingPersistence(new SqlitePersistence(Path.Combine(dir.FullName, "convex.db")));
            await using var backend = await FunctionBackend.StartAsync(persistence, deployment, seed: 12);
            await WarmUpCurve.WarmUpAsync(
                backend, TimeSpan.FromSeconds(quick ? 0.5 : 3), TimeSpan.FromSeconds(quick ? 0.5 : 10));
            await ReportWarmAsync(report, backend, "sqlite", node, shape);
            var insert = await MeasureInsertAsync(backend, shape with { Rounds = Math.Max(3, shape.Rounds / 3) });
            Warm(report, "fn insert messages:send (sqlite, durable)", insert, node?.InsertUs, null,
                fourTimesNode: false);
            if (!quick)
            {
                await ListProfile.RunAsync(backend, persistence, "sqlite", ListProfile.Shape);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private static async Task ReportWarmAsync(
        Report report, FunctionBackend backend, string store, NodeFigures? node, CallShape shape)
    {
        var getArgs = backend.Ids.Select(FunctionBackend.GetArgs).ToArray();
        var get = await CallTimer.MeasureAsync(
            shape, i => backend.QueryAsync("messages:get", getArgs[i % getArgs.Length]));
        Warm(report, $"fn warm messages:get ({store})", get, node?.GetUs, 150);
        var listArgs = FunctionBackend.Channels.Select(c => FunctionBackend.ListArgs(c, 10)).ToArray();
        var list = await CallTimer.MeasureAsync(
            shape, i => backend.QueryAsync("messages:list", listArgs[i % listArgs.Length]));
        Warm(report, $"fn warm messages:list take(10) ({store})", list, node?.Take10Us, 500);
    }

    /// <summary>Inserts go to a channel that list never reads, after the list benchmark (as in Node).</summary>
    private static Task<CallTiming> MeasureInsertAsync(FunctionBackend backend, CallShape shape) =>
        CallTimer.MeasureAsync(shape, i => backend.MutationAsync("messages:send", FunctionBackend.SendArgs(i)));

    /// <summary>
    /// One warm figure against Node's: the absolute target if any, and at most 4× Node unless
    /// <paramref name="fourTimesNode"/> is off (a durable commit waits for an fsync; Node's store has none).
    /// </summary>
    private static void Warm(
        Report report, string name, CallTiming ours, double? node, double? absoluteUs, bool fourTimesNode = true)
    {
        var absoluteMet = absoluteUs is not { } limit || ours.Median <= limit;
        var absolute = absoluteUs is { } us ? Text.Invariant($"<= {us}us, ") : "";
        if (node is not { } reference)
        {
            report.Figure(name, ours.Median, "us", $"{absolute}(Node skipped)", absoluteMet);
        }
        else if (!fourTimesNode)
        {
            report.Compare(name, ours.Median, reference, "us", "(reported: fsync per commit)", true);
        }
        else
        {
            var met = absoluteMet && ours.Median <= 4 * reference;
            report.Compare(name, ours.Median, reference, "us", $"{absolute}<= 4x Node", met);
        }

        PrintDetail(ours);
    }

    private static void PrintDetail(CallTiming timing) => Console.WriteLine(Text.Invariant(
        $"    per call: p50 {timing.P50:F1} us, p99 {timing.P99:F1} us, ",
        $"{timing.AllocatedBytesPerCall / 1024:F1} KiB allocated; ",
        $"warm-up {timing.Warmup.TotalSeconds:F1} s ({timing.WarmupCalls} calls)"));
}
