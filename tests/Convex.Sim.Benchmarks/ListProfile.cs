using System.Diagnostics;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Where the time of a warm <c>messages:list</c> take(10) goes, from the outside (no change to the
/// runner): the list at several sizes gives the cost per document; a function with one
/// async syscall, no database and a null result gives the floor of any query call; the same index
/// range read directly on the database gives the storage floor; the timing
/// persistence gives the time inside persistence; C# JSON is timed on the same documents. The
/// library does one <c>1.0/queryStreamNext</c> per document plus one that reports the end, so a
/// take(10) is 12 JavaScript turns (the start and 11 settlements).
/// </summary>
internal static class ListProfile
{
    /// <summary>Fewer rounds than the headline figures: the code is warm by the time the profile runs.</summary>
    public static CallShape Shape { get; } = new(300, TimeSpan.FromSeconds(10), 9, 100);

    public static async Task RunAsync(
        FunctionBackend backend, TimingPersistence persistence, string store, CallShape shape)
    {
        Line($"profile of warm messages:list take(10) over {store} persistence (us per call, Node's method):");
        var sizes = new Dictionary<int, double>();
        foreach (var n in new[] { 1, 10, 20 })
        {
            var args = FunctionBackend.Channels.Select(c => FunctionBackend.ListArgs(c, n)).ToArray();
            var timing = await CallTimer.MeasureAsync(
                shape, i => backend.QueryAsync("messages:list", args[i % args.Length]));
            sizes[n] = timing.Median;
        }

        // Each channel holds 20 messages; take(20) only shows whether the cost stays linear.
        var perDocument = (sizes[10] - sizes[1]) / 9;
        Line($"  take(1) {sizes[1]:F1}, take(10) {sizes[10]:F1}, take(20) {sizes[20]:F1}: ",
            $"{perDocument:F1} per extra document (take(1) to take(10): one turn + one queryStreamNext ",
            $"+ its share of the result)");
        var whoami = await CallTimer.MeasureAsync(
            shape, _ => backend.QueryAsync("messages:whoami", ConvexObject.Empty));
        var floor = whoami.Median;
        Line($"  floor: a query with one async syscall, no database and a null result (messages:whoami) {floor:F1}");
        var channels = FunctionBackend.Channels.Select(c => IndexRange.Eq(new ConvexString(c))).ToArray();
        var direct = await CallTimer.MeasureAsync(shape, async i => await backend.Database.BeginReadOnly().QueryAsync(
            "messages", "by_channel", channels[i % channels.Length], ScanOrder.Descending, 10, default));
        Line($"  the same range on the database directly (read-only transaction, no JavaScript) {direct.Median:F1}, ",
            $"{direct.AllocatedBytesPerCall / 1024:F1} KiB allocated");
        await PersistenceShareAsync(backend, persistence);
        var json = await JsonCostAsync(backend);
        // Per document: one JavaScript turn (jsonToConvex, the iterator, the promise) and one queryStreamNext
        // (C#: the stream's next row and its JSON). What is not C# JSON or database is JavaScript in Jint.
        var csharpPerDocument = (json + direct.Median) / 10;
        var other = sizes[10] - floor - (10 * perDocument);
        Line($"  => per document {perDocument:F1}: C# (database + JSON) ~{csharpPerDocument:F1}, ",
            $"JavaScript and event loop ~{perDocument - csharpPerDocument:F1}; ",
            $"take(10) {sizes[10]:F1} = floor {floor:F1} + 10 x {perDocument:F1} + {other:F1} other ",
            $"(queryStream, index range set-up)");
    }

    /// <summary>Calls into persistence and the time spent there during one warm list call; GCs per 1000 calls.
    /// </summary>
    private static async Task PersistenceShareAsync(FunctionBackend backend, TimingPersistence persistence)
    {
        const int calls = 500;
        var args = FunctionBackend.ListArgs("general", 10);
        persistence.Reset();
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            await backend.QueryAsync("messages:list", args);
        }

        var totalUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
        var persistenceUs = persistence.Elapsed.TotalMicroseconds / calls;
        Line($"  inside persistence: {(double)persistence.Reads / calls:F1} reads, {persistenceUs:F1} ",
            $"of {totalUs:F1} per call; GCs per 1000 calls: ",
            $"gen0 {(GC.CollectionCount(0) - gen0) * 1000.0 / calls:F1}, ",
            $"gen2 {(GC.CollectionCount(2) - gen2) * 1000.0 / calls:F1}");
    }

    /// <summary>The C# side of the JSON: ten queryStreamNext results encoded, the result array decoded.</summary>
    private static async Task<double> JsonCostAsync(FunctionBackend backend)
    {
        const int repeats = 2000;
        var result = (ConvexArray)(await backend.QueryAsync("messages:list", FunctionBackend.ListArgs("general", 10)))!;
        var resultJson = ConvexJson.Encode(result);
        var start = Stopwatch.GetTimestamp();
        for (var r = 0; r < repeats; r++)
        {
            foreach (var document in result.Items)
            {
                _ = $"{{\"value\":{ConvexJson.Encode(document)},\"done\":false}}";
            }

            _ = ConvexJson.Decode(resultJson);
        }

        var us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / repeats;
        Line($"  C# JSON: 10 documents encoded for queryStreamNext + the result decoded: {us:F1} ",
            $"({resultJson.Length} bytes)");
        return us;
    }

    private static void Line(params FormattableString[] parts) => Console.WriteLine(Text.Invariant(parts));
}
