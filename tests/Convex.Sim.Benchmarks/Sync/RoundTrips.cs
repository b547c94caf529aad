using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// Figure 2: one client, sequential calls, on the in-process server. A query over the socket is a
/// <c>ModifyQuerySet</c> (remove the previous query, add <c>messages:first</c> on an empty channel
/// never asked before, so that every call runs the query) answered by its <c>Transition</c>; over
/// HTTP the same call is <c>POST /api/query</c>. Also shown: <c>messages:get</c> on the 100 seeded ids
/// in turn over the socket, which the sync layer serves from shared runs when nothing commits. A mutation
/// (<c>messages:send</c>, durable) is timed to its <c>MutationResponse</c> and to the transition that
/// includes it (what the official client's promise waits for), and over HTTP to its response. Floors
/// in the same process: a bare Kestrel WebSocket echo of a message of the same size, and
/// <c>GET /version</c> on the server (HTTP plus the server's middleware, no function).
/// </summary>
internal static class RoundTrips
{
    /// <summary>Returns the WebSocket mutation → visible p50 in µs (the reference of figure 1).</summary>
    public static async Task<double> RunAsync(
        Report report, InProcessServer server, EchoServer echo, string[] ids, SyncSizes sizes)
    {
        var shape = sizes.RoundTrip;
        var mutationShape = shape with { Rounds = Math.Max(3, shape.Rounds / 2) };
        Console.WriteLine("sync round trips (one client, sequential calls):");

        var sampleMessage = Encoding.UTF8.GetBytes(
            SyncClient.Add(1, "messages:get", Text.Invariant($$"""{"id":"{{ids[0]}}"}""")));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(echo.Url, default);
        var buffer = new byte[4096];
        var echoTiming = await CallTimer.MeasureAsync(shape, async _ =>
        {
            await socket.SendAsync(sampleMessage, WebSocketMessageType.Text, endOfMessage: true, default);
            var received = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(received), default);
                received += result.Count;
            }
            while (!result.EndOfMessage);
        });
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", default);

        var versionTiming = await CallTimer.MeasureAsync(shape, async _ =>
        {
            using var response = await server.Http.GetAsync(new Uri("/version", UriKind.Relative));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
        });

        // Every call has new arguments (an empty channel never asked before), so each one runs the query:
        // the sync layer shares a run between identical queries at the same timestamp.
        static string FirstArgs(string side, int i) => Text.Invariant($$"""{"channel":"rt-{{side}}-{{i}}"}""");
        Task HttpQuery(int i) => SyncBenchmarks.PostAsync(server.Http, "/api/query", "messages:first", FirstArgs("h", i));
        await using var client = await SyncClient.ConnectAsync(server.Url, default);
        var queryId = 0u;
        Task WsQuery(int i) => SwapAsync("messages:first", FirstArgs("w", i));
        async Task SwapAsync(string path, string args)
        {
            var add = SyncClient.Add(queryId, path, args);
            await client.ModifyAsync(queryId == 0 ? add : SyncClient.Remove(queryId - 1) + "," + add, default);
            queryId++;
        }

        await WarmUpAsync(sizes.RoundTripWarmUp, HttpQuery, WsQuery);
        var httpQuery = await CallTimer.MeasureAsync(shape, HttpQuery);
        var wsQuery = await CallTimer.MeasureAsync(shape, WsQuery);
        // The 100 seeded ids in turn with no commit in between: after the first 100, served by shared runs.
        var wsShared = await CallTimer.MeasureAsync(shape, i => SwapAsync(
            "messages:get", Text.Invariant($$"""{"id":"{{ids[i % ids.Length]}}"}""")));

        var httpMutation = await CallTimer.MeasureAsync(mutationShape, i => SyncBenchmarks.PostAsync(
            server.Http, "/api/mutation", "messages:send", SyncBenchmarks.SendArgs("rt-http", Text.Invariant($"m{i}"))));

        await using var writer = await SyncClient.ConnectAsync(server.Url, default);
        var toResponse = new Samples();
        var wsMutation = await CallTimer.MeasureAsync(mutationShape, async i =>
        {
            var start = Stopwatch.GetTimestamp();
            var outcome = await writer.MutateAsync(
                "messages:send", SyncBenchmarks.SendArgs("rt-ws", Text.Invariant($"m{i}")), default);
            if (!outcome.Success)
            {
                throw new InvalidOperationException($"messages:send failed: {outcome.Error}");
            }

            toResponse.Add(TimeSpan.FromTicks((outcome.ReceivedAt - start) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            await writer.WaitForTsAsync(outcome.Ts, default);
        });
        var errors = client.Errors + writer.Errors;

        report.Compare("sync RT query messages:first, WS vs HTTP (p50)", wsQuery.P50, httpQuery.P50, "us",
            "(reported)", true);
        Detail("WS subscribe -> Transition", wsQuery);
        Detail("HTTP POST /api/query", httpQuery);
        Detail("WS subscribe messages:get on 100 ids, no commits (shared runs)", wsShared);
        report.Compare("sync RT query WS vs bare Kestrel WS echo (p50)", wsQuery.P50, echoTiming.P50, "us",
            "(reported: the floor)", true);
        Detail("bare WS echo", echoTiming);
        report.Compare("sync RT HTTP query vs GET /version (p50)", httpQuery.P50, versionTiming.P50, "us",
            "(reported: the floor)", true);
        Detail("HTTP GET /version", versionTiming);
        var responseP50 = toResponse.Percentile(50);
        report.Compare("sync RT mutation WS->response vs HTTP (p50)", responseP50, httpMutation.P50, "us",
            "(reported: fsync per commit)", true);
        Console.WriteLine(Text.Invariant(
            $"    WS Mutation -> MutationResponse: p50 {responseP50:F1} us, p99 {toResponse.Percentile(99):F1} us"));
        Detail("WS Mutation -> Transition with its write", wsMutation);
        Detail("HTTP POST /api/mutation", httpMutation);
        report.Figure("sync RT mutation WS->visible (p50)", wsMutation.P50, "us", "(reported)", true);
        if (errors > 0)
        {
            Console.WriteLine($"    protocol errors: {errors} ({client.LastError ?? writer.LastError})");
        }

        return wsMutation.P50;
    }

    /// <summary>
    /// Alternates both query paths until the time per pair stops falling (3 one-second slices in a row no
    /// faster than the best, within <paramref name="most"/>): the server's tiered JIT (Jint, runner, Kestrel)
    /// takes seconds of calls to reach steady state on this VM (see the function-runner section).
    /// </summary>
    private static async Task WarmUpAsync(TimeSpan most, Func<int, Task> http, Func<int, Task> ws)
    {
        var start = Stopwatch.GetTimestamp();
        var best = double.MaxValue;
        var curve = new List<string>();
        var k = 0;
        for (var notFaster = 0; notFaster < 3 && Stopwatch.GetElapsedTime(start) < most;)
        {
            var sliceStart = Stopwatch.GetTimestamp();
            var pairs = 0;
            while (Stopwatch.GetElapsedTime(sliceStart) < TimeSpan.FromSeconds(1))
            {
                await http(k);
                await ws(k++);
                pairs++;
            }

            var mean = Stopwatch.GetElapsedTime(sliceStart).TotalMicroseconds / pairs;
            curve.Add(mean.ToString("F0", System.Globalization.CultureInfo.InvariantCulture));
            notFaster = mean < best * 0.97 ? 0 : notFaster + 1;
            best = Math.Min(best, mean);
        }

        Console.WriteLine($"    warm-up, us per HTTP + WS query pair for each second: {string.Join(" ", curve)}");
    }

    private static void Detail(string name, CallTiming timing) => Console.WriteLine(Text.Invariant(
        $"    {name}: p50 {timing.P50:F1} us, p99 {timing.P99:F1} us, mean of rounds {timing.Median:F1} us, ",
        $"{timing.AllocatedBytesPerCall / 1024:F1} KiB allocated per call (client and server)"));
}
