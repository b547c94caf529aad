using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// Figure 1: subscribers see other clients' inserts. <see cref="SyncSizes.Observers"/> clients
/// subscribe to <c>messages:list({channel, n: 10})</c>; writer clients insert <c>obs-K</c> into that
/// channel over their own sockets, open loop (round robin; each write is sent at its scheduled time
/// whether or not earlier ones were answered). Write K is observed by a subscriber at the first
/// transition it receives whose end timestamp is at or after K's commit timestamp (from K's
/// <c>MutationResponse</c>): the subscriber's view then includes K. The latency runs from K's
/// scheduled send time. Run twice: at <see cref="SyncSizes.WritesPerSecond"/> (the figure) and at 5
/// writes/s (below saturation). Reference: the WebSocket mutation → visible round trip of figure 2
/// with no other subscriber.
/// </summary>
internal static class InsertToObserved
{
    private const string Prefix = "obs-";
    private const int Window = 10;
    private const double GentleRate = 5;

    private sealed record Outcome(List<double> LatenciesMs, int Writes, double AnsweredPerSecond);

    public static async Task RunAsync(Report report, InProcessServer server, SyncSizes sizes, double referenceUs)
    {
        var gentle = await RunOnceAsync(server, sizes, "observe-gentle", GentleRate, TimeSpan.FromSeconds(2));
        var loaded = await RunOnceAsync(server, sizes, "observe", sizes.WritesPerSecond, sizes.ObserveFor);
        var name = Text.Invariant($"sync insert->observed ({sizes.Observers} subs, {sizes.WritesPerSecond}/s)");
        report.Compare(name + " p50", SyncBenchmarks.Percentile(loaded.LatenciesMs, 50), referenceUs / 1000, "ms",
            "(reported; ref: WS mutation->visible)", true);
        report.Figure(name + " p99", SyncBenchmarks.Percentile(loaded.LatenciesMs, 99), "ms", "(reported)", true);
        report.Figure(Text.Invariant($"sync writes answered/s with {sizes.Observers} subs (offered {sizes.WritesPerSecond})"),
            loaded.AnsweredPerSecond, "/s", Text.Invariant($">= {0.95 * sizes.WritesPerSecond}/s (95% of offered)"),
            loaded.AnsweredPerSecond >= 0.95 * sizes.WritesPerSecond);
        report.Compare(Text.Invariant($"sync insert->observed ({sizes.Observers} subs, {GentleRate}/s) p50"),
            SyncBenchmarks.Percentile(gentle.LatenciesMs, 50), referenceUs / 1000, "ms",
            "(reported; ref: WS mutation->visible)", true);
    }

    private static async Task<Outcome> RunOnceAsync(
        InProcessServer server, SyncSizes sizes, string channel, double rate, TimeSpan duration)
    {
        var writes = (int)(duration.TotalSeconds * rate);
        var sentAt = new long[writes + 1];
        var observers = new List<SyncClient>();
        // Per subscriber, the (end ts, receive stamp) of each transition, and its last result.
        var transitions = new List<(ulong Ts, long At)>[sizes.Observers];
        var lastShown = new string[sizes.Observers];
        for (var o = 0; o < sizes.Observers; o++)
        {
            var client = await SyncClient.ConnectAsync(server.Url, default);
            var mine = transitions[o] = [];
            var index = o;
            client.QueryUpdated = (_, value, _) => lastShown[index] = string.Join(",", Seqs(value));
            client.TransitionReceived = (ts, at) =>
            {
                lock (mine)
                {
                    mine.Add((ts, at));
                }
            };
            observers.Add(client);
            await client.SubscribeAsync(0, "messages:list", SyncBenchmarks.ListArgs(channel, Window), default);
        }

        var writers = new List<SyncClient>();
        for (var w = 0; w < sizes.Writers; w++)
        {
            writers.Add(await SyncClient.ConnectAsync(server.Url, default));
        }

        var executions = server.Subscriptions.QueryExecutions;
        var pending = new List<Task<MutationOutcome>>();
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        for (var k = 1; k <= writes; k++)
        {
            var due = start + (long)(k * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                var left = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, left - 1)));
            }

            Volatile.Write(ref sentAt[k], due);
            pending.Add(writers[k % writers.Count].MutateAsync(
                "messages:send", SyncBenchmarks.SendArgs(channel, Prefix + k.ToString(CultureInfo.InvariantCulture)),
                default));
        }

        var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        try
        {
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (Exception e) when (e is TimeoutException or System.Net.WebSockets.WebSocketException)
        {
            Console.WriteLine($"    writes failed: {e.Message}");
        }

        var answered = pending.Where(t => t.IsCompletedSuccessfully && t.Result.Success).ToList();
        var answeredSeconds = answered.Count == 0 ? double.NaN
            : SyncBenchmarks.Ms(start, answered.Max(t => t.Result.ReceivedAt)) / 1000;
        var lastTs = answered.Count == 0 ? 0 : answered.Max(t => t.Result.Ts);
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        var final = string.Join(",", Seqs(await SyncBenchmarks.PostAsync(
            server.Http, "/api/query", "messages:list", SyncBenchmarks.ListArgs(channel, Window))));
        bool Settled(int o)
        {
            lock (transitions[o])
            {
                return (transitions[o].Count > 0 && transitions[o][^1].Ts >= lastTs) || lastShown[o] == final;
            }
        }

        while (!Enumerable.Range(0, sizes.Observers).All(Settled) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10);
        }

        var observedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // Write K is observed by a subscriber at its first transition to a timestamp at or after K's commit.
        // A write that changes no subscribed result (the newest ten are by _creationTime, which concurrent
        // writes do not assign in commit order) may never get one: if the subscriber already shows the
        // final result, such a write is counted as unchanged rather than missed.
        var values = new List<double>();
        var unchanged = 0;
        var missing = 0;
        for (var o = 0; o < sizes.Observers; o++)
        {
            List<(ulong Ts, long At)> seen;
            lock (transitions[o])
            {
                seen = [.. transitions[o]];
            }

            for (var w = 0; w < pending.Count; w++)
            {
                if (!pending[w].IsCompletedSuccessfully || !pending[w].Result.Success)
                {
                    continue;
                }

                var commitTs = pending[w].Result.Ts;
                var first = seen.FindIndex(t => t.Ts >= commitTs);
                if (first >= 0)
                {
                    values.Add(SyncBenchmarks.Ms(sentAt[w + 1], seen[first].At));
                }
                else if (lastShown[o] == final)
                {
                    unchanged++;
                }
                else
                {
                    missing++;
                }
            }
        }

        if (missing > 0)
        {
            Console.WriteLine(Text.Invariant(
                $"    {missing} (subscriber, write) pairs not observed after {observedSeconds:F1} s; the server's ",
                $"answer now: [{final}]; subscribers' last results: ",
                $"{string.Join("; ", lastShown.GroupBy(l => l).Select(g => Text.Invariant($"{g.Count()} x [{g.Key}]")))}"));
        }

        var errors = observers.Sum(c => c.Errors) + writers.Sum(c => c.Errors);
        var received = observers.Sum(c => c.Transitions) - sizes.Observers;
        await Task.WhenAll(observers.Concat(writers).Select(c => c.DisposeAsync().AsTask()));
        Console.WriteLine(Text.Invariant(
            $"sync insert-to-observed at {rate}/s: {writes} writes sent in {sendSeconds:F1} s by {sizes.Writers} ",
            $"clients, the last answered after {answeredSeconds:F1} s ({answered.Count / answeredSeconds:F1} answered/s), ",
            $"all observed after {observedSeconds:F1} s; {sizes.Observers} subscribers got {received} ",
            $"transitions ({received / observedSeconds:F0}/s); latency p50 {SyncBenchmarks.Percentile(values, 50):F1} ms, ",
            $"p90 {SyncBenchmarks.Percentile(values, 90):F1} ms, p99 {SyncBenchmarks.Percentile(values, 99):F1} ms, ",
            $"max {values.DefaultIfEmpty(double.NaN).Max():F1} ms; {missing} not observed, {unchanged} without a change ",
            $"to show; {errors} errors; ",
            $"{SyncBenchmarks.Executions(server, executions)}"));
        return new Outcome(values, writes, answered.Count / answeredSeconds);
    }

    /// <summary>The write numbers in a <c>messages:list</c> result.</summary>
    private static HashSet<int> Seqs(JsonElement value)
    {
        var seqs = new HashSet<int>();
        if (value.ValueKind != JsonValueKind.Array)
        {
            return seqs;
        }

        foreach (var message in value.EnumerateArray())
        {
            if (message.TryGetProperty("body", out var body) && body.GetString() is { } text
                && text.StartsWith(Prefix, StringComparison.Ordinal))
            {
                seqs.Add(int.Parse(text.AsSpan(Prefix.Length), CultureInfo.InvariantCulture));
            }
        }

        return seqs;
    }
}
