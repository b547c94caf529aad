using System.Diagnostics;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// How many calls to make: warm-up calls, then more warm-up in slices of <see cref="Batch"/> calls
/// until a slice is no longer faster than the best one so far (3 in a row, at most
/// <see cref="WarmupMax"/>), then rounds of sequential calls. The rounds are node-reference.mjs's
/// (500 warm-up calls, 15 rounds of 200). The adaptive warm-up is needed on our side: tiered JIT
/// (with PGO) of Jint's interpreter takes seconds of calls to reach steady state on a 2-core VM,
/// while V8 reaches it within Node's 500 calls.
/// </summary>
internal sealed record CallShape(int Warmup, TimeSpan WarmupMax, int Rounds, int Batch)
{
    public static CallShape Full { get; } = new(500, TimeSpan.FromSeconds(30), 15, 200);

    public static CallShape Quick { get; } = new(100, TimeSpan.FromSeconds(1.5), 5, 30);
}

/// <summary>
/// Per-call figures in µs. <see cref="Median"/> uses the Node reference's method (median over the
/// rounds of the mean time per call in a round), so it compares with Node's figure; P50 and P99
/// are over individually timed calls. <see cref="Warmup"/> is how long the warm-up took.
/// </summary>
internal sealed record CallTiming(
    double Median, double P50, double P99, double AllocatedBytesPerCall, TimeSpan Warmup, int WarmupCalls);

internal static class CallTimer
{
    public static async Task<CallTiming> MeasureAsync(CallShape shape, Func<int, Task> call)
    {
        var k = 0;
        var warmupStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < shape.Warmup; i++)
        {
            await call(k++);
        }

        var best = double.MaxValue;
        for (var notFaster = 0; notFaster < 3 && Stopwatch.GetElapsedTime(warmupStart) < shape.WarmupMax;)
        {
            var sliceStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < shape.Batch; i++)
            {
                await call(k++);
            }

            var mean = Stopwatch.GetElapsedTime(sliceStart).TotalMicroseconds / shape.Batch;
            notFaster = mean < best * 0.97 ? 0 : notFaster + 1;
            best = Math.Min(best, mean);
        }

        var warmup = Stopwatch.GetElapsedTime(warmupStart);
        var warmupCalls = k;
        var samples = new Samples();
        var roundMeans = new List<double>();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var round = 0; round < shape.Rounds; round++)
        {
            var roundStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < shape.Batch; i++)
            {
                var callStart = Stopwatch.GetTimestamp();
                await call(k++);
                samples.Add(Stopwatch.GetElapsedTime(callStart));
            }

            roundMeans.Add(Stopwatch.GetElapsedTime(roundStart).TotalMicroseconds / shape.Batch);
        }

        var calls = shape.Rounds * shape.Batch;
        var bytesPerCall = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / calls;
        return new CallTiming(
            Samples.Median(roundMeans), samples.Percentile(50), samples.Percentile(99), bytesPerCall,
            warmup, warmupCalls);
    }
}
