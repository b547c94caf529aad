using System.Diagnostics;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// Figure 5: the server process's memory per idle connection. The child process opens
/// <see cref="SyncSizes.IdleConnections"/> WebSockets to the server, each with one subscription
/// (<c>messages:list({channel: "general", n: 1})</c>, one document), and leaves them idle; this process
/// (the server's) measures the live GC heap after full collections and the working set, before and
/// after. Reference: the same number of idle connections to the bare Kestrel echo server (each has
/// echoed one message), measured the same way. Target from the issue: ≤ 50 KB per connection.
/// </summary>
internal static class IdleMemory
{
    private const double TargetKb = 50;

    public static async Task RunAsync(
        Report report, InProcessServer server, EchoServer echo, ClientHost host, SyncSizes sizes)
    {
        var n = sizes.IdleConnections;
        var ours = await MeasureAsync(host, Text.Invariant(
            $"open {server.Url} {n} messages:list {SyncBenchmarks.ListArgs("general", 1)}"), n);
        var floor = await MeasureAsync(host, Text.Invariant($"echo {echo.Url} {n}"), n);
        Console.WriteLine(Text.Invariant(
            $"sync idle connections ({n}): ours heap {ours.HeapKb:F1} KB + working set {ours.WorkingSetKb:F1} KB ",
            $"per connection; bare WebSocket heap {floor.HeapKb:F1} KB, working set {floor.WorkingSetKb:F1} KB"));
        report.Compare("sync memory per idle connection: GC heap", ours.HeapKb, floor.HeapKb, "KB",
            "<= 50 KB", ours.HeapKb <= TargetKb);
        report.Compare("sync memory per idle connection: working set", ours.WorkingSetKb, floor.WorkingSetKb, "KB",
            "<= 50 KB", ours.WorkingSetKb <= TargetKb);
    }

    private static async Task<(double HeapKb, double WorkingSetKb)> MeasureAsync(
        ClientHost host, string openCommand, int n)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (heap0, ws0) = Measure();
        var opened = await host.CommandAsync(openCommand, TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (heap1, ws1) = Measure();
        var closed = await host.CommandAsync("close", TimeSpan.FromMinutes(2));
        var connected = n - int.Parse(opened[1], System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine(Text.Invariant(
            $"    {openCommand.Split(' ')[0]}: {connected} connected in {opened[2]} ms; heap {heap0 / 1e6:F1} -> ",
            $"{heap1 / 1e6:F1} MB, working set {ws0 / 1e6:F1} -> {ws1 / 1e6:F1} MB; client errors {closed[1]}"));
        return ((heap1 - heap0) / 1024.0 / connected, (ws1 - ws0) / 1024.0 / connected);
    }

    private static (long Heap, long WorkingSet) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            // Aggressive also decommits free memory, so the working set is comparable before and after.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (heap, process.WorkingSet64);
    }
}
