using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// Figure 6: <see cref="SyncSizes.MixedClients"/> clients in this process, each over its own
/// WebSocket, subscribed to <c>messages:list({channel: "mix-C", n: 5})</c> of one of 50 channels.
/// Closed loop for <see cref="SyncSizes.MixedFor"/>: think 0–2 s, then 70% insert into the client's
/// channel (timed to the <c>MutationResponse</c>) and 30% move the subscription to another channel
/// (one <c>ModifyQuerySet</c> with a remove and an add, timed to its transition). Errors: failed
/// mutations, <c>QueryFailed</c>, <c>FatalError</c>, broken sockets and operations not answered within
/// 30 s. Target from the issue: no errors.
/// </summary>
internal static class MixedLoad
{
    private const int Channels = 50;

    public static async Task RunAsync(Report report, InProcessServer server, SyncSizes sizes)
    {
        var n = sizes.MixedClients;
        var clients = new SyncClient?[n];
        var connectStart = Stopwatch.GetTimestamp();
        var connectFailures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, ct) =>
            {
                try
                {
                    var client = await SyncClient.ConnectAsync(server.Url, ct);
                    clients[i] = client;
                    await client.SubscribeAsync(0, "messages:list", SyncBenchmarks.ListArgs(Channel(i), 5), ct);
                }
                catch (Exception e) when (e is WebSocketException or HttpRequestException)
                {
                    Interlocked.Increment(ref connectFailures);
                }
            });
        var connectSeconds = Stopwatch.GetElapsedTime(connectStart).TotalSeconds;

        var mutationMs = new List<double>();
        var modifyMs = new List<double>();
        var opFailures = 0;
        var firstFailure = (string?)null;
        var transitionsBefore = clients.Sum(c => c?.Transitions ?? 0);
        var executions = server.Subscriptions.QueryExecutions;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(sizes.MixedFor.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(clients.Select((client, i) => client is null ? Task.CompletedTask : Task.Run(async () =>
        {
            var random = new Random(i);
            uint queryId = 0;
            var sequence = 0;
            while (true)
            {
                await Task.Delay(random.Next(0, 2000));
                if (Stopwatch.GetTimestamp() >= end)
                {
                    return;
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var opStart = Stopwatch.GetTimestamp();
                try
                {
                    if (random.NextDouble() < 0.7)
                    {
                        var outcome = await client.MutateAsync("messages:send", SyncBenchmarks.SendArgs(
                            Channel(i), Text.Invariant($"c{i}-{sequence++}")), timeout.Token);
                        if (outcome.Success)
                        {
                            Add(mutationMs, SyncBenchmarks.Ms(opStart, outcome.ReceivedAt));
                        }
                    }
                    else
                    {
                        var add = SyncClient.Add(queryId + 1, "messages:list",
                            SyncBenchmarks.ListArgs(Channel(random.Next(Channels)), 5));
                        var at = await client.ModifyAsync(SyncClient.Remove(queryId) + "," + add, timeout.Token);
                        queryId++;
                        Add(modifyMs, SyncBenchmarks.Ms(opStart, at));
                    }
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException)
                {
                    Interlocked.Increment(ref opFailures);
                    Interlocked.CompareExchange(ref firstFailure, e.Message, null);
                    return;
                }
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var live = clients.OfType<SyncClient>().ToList();
        var protocolErrors = live.Sum(c => c.Errors);
        var transitions = live.Sum(c => c.Transitions) - transitionsBefore;
        var lastError = live.Select(c => c.LastError).FirstOrDefault(e => e is not null) ?? firstFailure;
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = 64 },
            (c, _) => c.DisposeAsync());

        var errors = connectFailures + opFailures + protocolErrors;
        var ops = mutationMs.Count + modifyMs.Count;
        Console.WriteLine(Text.Invariant(
            $"sync mixed load: {n} clients connected and subscribed in {connectSeconds:F1} s; for {seconds:F1} s: ",
            $"{mutationMs.Count} mutations ({mutationMs.Count / seconds:F0}/s, p50 {SyncBenchmarks.Percentile(mutationMs, 50):F1} ms, ",
            $"p99 {SyncBenchmarks.Percentile(mutationMs, 99):F1} ms), {modifyMs.Count} query-set changes ",
            $"(p50 {SyncBenchmarks.Percentile(modifyMs, 50):F1} ms, p99 {SyncBenchmarks.Percentile(modifyMs, 99):F1} ms), ",
            $"{transitions} transitions received ({transitions / seconds:F0}/s); errors: {connectFailures} connect, ",
            $"{opFailures} timed out or broken, {protocolErrors} protocol{(lastError is null ? "" : $" (e.g. {lastError})")}; ",
            $"{SyncBenchmarks.Executions(server, executions)}"));
        report.Figure(Text.Invariant($"sync {n} clients x {sizes.MixedFor.TotalSeconds:F0} s: errors"), errors, "",
            "0", errors == 0);
        report.Figure(Text.Invariant($"sync {n} clients x {sizes.MixedFor.TotalSeconds:F0} s: ops/s"), ops / seconds,
            "ops/s", "(reported)", true);
        report.Figure(Text.Invariant($"sync {n} clients: mutation p99"), SyncBenchmarks.Percentile(mutationMs, 99), "ms",
            "(reported)", true);
    }

    private static string Channel(int i) => "mix-" + (i % Channels).ToString(CultureInfo.InvariantCulture);

    private static void Add(List<double> values, double value)
    {
        lock (values)
        {
            values.Add(value);
        }
    }
}
