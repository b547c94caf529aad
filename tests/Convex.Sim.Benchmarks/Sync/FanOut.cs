using System.Diagnostics;
using System.Globalization;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// Figure 4: one write reaching many subscribed clients. <see cref="SyncSizes.FanOutClients"/>
/// clients in the child process (<see cref="ClientHost"/>) subscribe over their own WebSockets to
/// <c>messages:list({channel: "fan", n: 1})</c>; a client of this process inserts <c>fan-K</c> into
/// that channel over its socket, and the time from just before the send until each client received
/// the transition showing it is collected. Writes are sequential: the next starts once every client
/// has seen the previous one (or after 60 s); the first write only warms up. Target from the issue: p99 ≤ 100 ms.
/// The reference, measured first with the same clients, is <see cref="FanOutFloor"/>: a bare
/// WebSocket server that only pushes one frame per connection, so ours / floor is what the sync
/// layer adds to sockets, frames and wake-ups on this machine.
/// </summary>
internal static class FanOut
{
    /// <summary>(last − first) / (count − 1): the cost per session when sessions are notified one after the other.
    /// </summary>
    private static double Spacing(List<double> latenciesMs) => latenciesMs.Count < 2 ? double.NaN
        : (latenciesMs.Max() - latenciesMs.Min()) * 1000 / (latenciesMs.Count - 1);

    public static async Task RunAsync(Report report, InProcessServer server, ClientHost host, SyncSizes sizes)
    {
        // The floor first: the same clients against a server that only pushes frames.
        List<double> floor;
        await using (var reference = await FanOutFloor.StartAsync())
        {
            (floor, _) = await MeasureAsync("floor (bare WebSocket push)", reference.Url, host, sizes, k =>
            {
                reference.Broadcast(ClientHost.Body(k));
                return Task.FromResult(double.NaN);
            });
        }

        await using var writer = await SyncClient.ConnectAsync(server.Url, default);
        var executions = server.Subscriptions.QueryExecutions;
        var (all, missing) = await MeasureAsync("ours", server.Url, host, sizes, async k =>
        {
            var t0 = Stopwatch.GetTimestamp();
            var outcome = await writer.MutateAsync("messages:send", SyncBenchmarks.SendArgs("fan", ClientHost.Body(k)),
                default);
            return SyncBenchmarks.Ms(t0, outcome.ReceivedAt);
        });
        Console.WriteLine($"    {SyncBenchmarks.Executions(server, executions)}");
        var n = sizes.FanOutClients;
        var p99 = SyncBenchmarks.Percentile(all, 99);
        report.Compare(Text.Invariant($"sync fan-out to {n} clients p50"), SyncBenchmarks.Percentile(all, 50),
            SyncBenchmarks.Percentile(floor, 50), "ms", "(reported)", true);
        report.Compare(Text.Invariant($"sync fan-out to {n} clients p99"), p99, SyncBenchmarks.Percentile(floor, 99),
            "ms", "<= 100 ms", p99 <= 100 && missing == 0);
    }

    /// <summary>
    /// Opens the clients, then <see cref="SyncSizes.FanOutWrites"/> times triggers one update (the
    /// first one only warms up) (which
    /// answers the writer's own latency in ms, or NaN) and collects when each client saw it.
    /// </summary>
    private static async Task<(List<double> Latencies, int Missing)> MeasureAsync(
        string name, Uri url, ClientHost host, SyncSizes sizes, Func<int, Task<double>> trigger)
    {
        var n = sizes.FanOutClients;
        var open = await host.CommandAsync(
            Text.Invariant($"open {url} {n} messages:list {SyncBenchmarks.ListArgs("fan", 1)}"),
            TimeSpan.FromMinutes(5));
        Console.WriteLine(Text.Invariant(
            $"sync fan-out, {name}: {n} clients connected and subscribed in {open[2]} ms ({open[1]} failed)"));
        var all = new List<double>();
        var missing = 0;
        for (var k = 1; k <= sizes.FanOutWrites; k++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var answered = await trigger(k);
            var collected = await host.CommandAsync(Text.Invariant($"collect {k} {t0} 60000"), TimeSpan.FromMinutes(2));
            missing += int.Parse(collected[1], CultureInfo.InvariantCulture);
            var latencies = collected.Length > 2
                ? collected[2].Split(',').Select(us => double.Parse(us, CultureInfo.InvariantCulture) / 1000).ToList()
                : [];
            if (k > 1)
            {
                all.AddRange(latencies); // the first write warms up (JIT) both servers and the clients
            }

            Console.WriteLine(Text.Invariant(
                $"    write {k}{(k == 1 ? " (warm-up, not counted)" : "")}: writer answered after {answered:F1} ms; clients saw it: ",
                $"first {latencies.DefaultIfEmpty(double.NaN).Min():F1} ms, ",
                $"p50 {SyncBenchmarks.Percentile(latencies, 50):F1} ms, p99 {SyncBenchmarks.Percentile(latencies, 99):F1} ms, ",
                $"last {latencies.DefaultIfEmpty(double.NaN).Max():F1} ms; {collected[1]} missed; ",
                $"{Spacing(latencies):F0} us between consecutive clients"));
        }

        var closed = await host.CommandAsync("close", TimeSpan.FromMinutes(2));
        Console.WriteLine(Text.Invariant($"    client errors: {closed[1]}, missed: {missing}"));
        return (all, missing);
    }
}
