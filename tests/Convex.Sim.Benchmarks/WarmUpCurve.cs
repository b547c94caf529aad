using System.Diagnostics;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage.Memory;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Calls in a loop, printing the mean time per call of each second. Tiered JIT (with PGO) of Jint's
/// interpreter and of the runner takes seconds of calls to reach steady state on a 2-core VM, far
/// longer than Node's 500 warm-up calls, so warm figures are taken after this curve has flattened.
/// </summary>
internal static class WarmUpCurve
{
    /// <summary>
    /// Alternates messages:get and messages:list for at least <paramref name="minimum"/>, then until three
    /// seconds in a row are no faster than the best second before them (at most <paramref name="maximum"/>).
    /// </summary>
    public static async Task WarmUpAsync(FunctionBackend backend, TimeSpan minimum, TimeSpan maximum)
    {
        var getArgs = backend.Ids.Select(FunctionBackend.GetArgs).ToArray();
        var listArgs = FunctionBackend.Channels.Select(c => FunctionBackend.ListArgs(c, 10)).ToArray();
        var curve = await RunAsync(minimum, maximum, async i =>
        {
            await backend.QueryAsync("messages:get", getArgs[i % getArgs.Length]);
            await backend.QueryAsync("messages:list", listArgs[i % listArgs.Length]);
        });
        Console.WriteLine($"    warm-up, us per get + list pair in each second: {curve}");
    }

    /// <summary>
    /// For an external profiler (dotnet-trace, see docs/benchmarks.md): only messages:list take(10) over
    /// memory persistence, for <paramref name="duration"/>.
    /// </summary>
    public static async Task ProfileListAsync(TimeSpan duration, string? prebuiltBundle) =>
        await ProfileAsync(duration, prebuiltBundle, "messages:list");

    /// <summary>Loops the messages:send mutation over memory persistence, for a profiler.</summary>
    public static async Task ProfileSendAsync(TimeSpan duration, string? prebuiltBundle) =>
        await ProfileAsync(duration, prebuiltBundle, "messages:send");

    private static async Task ProfileAsync(TimeSpan duration, string? prebuiltBundle, string function)
    {
        var (corpus, skipped) = FunctionCorpus.Load(prebuiltBundle);
        using var owned = corpus ?? throw new InvalidOperationException($"cannot profile: {skipped}");
        var deployment = await Deployer.PrepareAsync(
            [.. corpus.Modules], corpus.Schema, new ProductionRuntime(1), default);
        await using var backend = await FunctionBackend.StartAsync(new MemoryPersistence(), deployment, seed: 13);
        var args = FunctionBackend.Channels.Select(c => FunctionBackend.ListArgs(c, 10)).ToArray();
        Console.WriteLine($"profiling {function} for {duration.TotalSeconds} s (pid {Environment.ProcessId})");
        var curve = await RunAsync(duration, duration, i => function == "messages:send"
            ? backend.MutationAsync(function, FunctionBackend.SendArgs(i))
            : backend.QueryAsync(function, args[i % args.Length]));
        Console.WriteLine($"us per call in each second: {curve}");
    }

    private static async Task<string> RunAsync(TimeSpan minimum, TimeSpan maximum, Func<int, Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        var slices = new List<double>();
        var k = 0;
        bool Done() => Stopwatch.GetElapsedTime(start) >= maximum
            || (Stopwatch.GetElapsedTime(start) >= minimum && Flat(slices));
        while (!Done())
        {
            var sliceStart = Stopwatch.GetTimestamp();
            var calls = 0;
            while (Stopwatch.GetElapsedTime(sliceStart) < TimeSpan.FromSeconds(1)
                && Stopwatch.GetElapsedTime(start) < maximum)
            {
                await call(k++);
                calls++;
            }

            slices.Add(Stopwatch.GetElapsedTime(sliceStart).TotalMicroseconds / Math.Max(1, calls));
        }

        return string.Join(' ', slices.Select(us => Text.Invariant($"{us:F0}")));
    }

    /// <summary>The last three seconds were no faster than 95% of the best second before them.</summary>
    private static bool Flat(List<double> slices) =>
        slices.Count > 3 && slices[^3..].Min() >= 0.95 * slices[..^3].Min();
}
