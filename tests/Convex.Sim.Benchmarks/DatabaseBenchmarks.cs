using System.Diagnostics;
using System.Globalization;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage;
using Convex.Sim.Storage.Sqlite;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// Database figures over SQLite persistence against raw SQLite at the same durability
/// (WAL + synchronous=FULL): durable commit latency, group-commit throughput with 16 writers,
/// point reads by id and 10-row index range reads.
/// </summary>
internal static class DatabaseBenchmarks
{
    public static async Task RunAsync(Report report, double scale)
    {
        var dir = Directory.CreateTempSubdirectory("convex-sim-bench-");
        try
        {
            using var raw = new RawSqlite(Path.Combine(dir.FullName, "raw.db"));
            await using var persistence = new TimingPersistence(new SqlitePersistence(Path.Combine(dir.FullName, "convex.db")));
            var database = await Database.Database.OpenAsync(new ProductionRuntime(1), persistence, DatabaseOptions.Default, default);
            await database.CreateIndexAsync("kv", "by_k", [FieldPath.Parse("k")], default);

            var commits = (int)(1000 * scale);
            var (rawP50, rawP99, rawRate) = MeasureRawCommits(raw, commits);
            var (p50, p99) = await MeasureCommitsAsync(database, commits);
            report.Compare("durable commit latency p50", p50, rawP50, "us", "<= raw + 500us", p50 <= rawP50 + 500);
            report.Compare("durable commit latency p99", p99, rawP99, "us", "(reported)", true);

            persistence.Reset();
            var writersCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var before = persistence.Commits;
            var throughput = await MeasureConcurrentAsync(database, 16, TimeSpan.FromSeconds(3 * scale));
            var cpuPerCommit = (Process.GetCurrentProcess().TotalProcessorTime - writersCpu).TotalMicroseconds /
                Math.Max(1, persistence.Commits - before);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  16 writers: process CPU {cpuPerCommit:F1} us per commit"));
            var groupSize = persistence.Commits / (double)Math.Max(1, persistence.Groups);
            var writeShare = persistence.SyncElapsed.TotalSeconds / (3 * scale);
            var groups = Math.Max(1, persistence.Groups);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  16 writers: {persistence.Groups} groups, {groupSize:F1} commits per group, syncs busy {writeShare:P0} of the time, " +
                $"{persistence.Elapsed.TotalMicroseconds / groups:F0} us staging + {persistence.SyncElapsed.TotalMicroseconds / groups:F0} us " +
                $"syncing per group; {persistence.Commits / (double)Math.Max(1, persistence.Syncs):F1} commits per sync " +
                $"(raw autocommit: {1e6 / rawRate:F0} us)"));
            report.Compare("16 writers: commits/s vs raw autocommit/s", throughput, rawRate, "tx/s", ">= 5x", throughput >= 5 * rawRate);

            await ReadBenchmarksAsync(report, dir, scale);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Only the 16-writer loop, for attaching a profiler (<c>--profile-commits SECONDS</c>); with
    /// <c>--memory</c> over in-memory persistence, which shows the database's own CPU cost per commit.</summary>
    public static async Task ProfileCommitsAsync(TimeSpan duration, bool memory)
    {
        var dir = Directory.CreateTempSubdirectory("convex-sim-bench-");
        try
        {
            IPersistence inner = !memory
                ? new SqlitePersistence(Path.Combine(dir.FullName, "convex.db")) : new Convex.Sim.Storage.Memory.MemoryPersistence();
            await using var persistence = new TimingPersistence(inner);
            var database = await Database.Database.OpenAsync(new ProductionRuntime(1), persistence, DatabaseOptions.Default, default);
            await database.CreateIndexAsync("kv", "by_k", [FieldPath.Parse("k")], default);
            await MeasureConcurrentAsync(database, 16, duration / 2);
            persistence.Reset();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var gcs = GC.CollectionCount(0);
            var throughput = await MeasureConcurrentAsync(database, 16, duration);
            var commits = Math.Max(1, persistence.Commits);
            var cpuPerCommit = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / commits;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"16 writers: {throughput:F0} commits/s, {persistence.Commits / (double)Math.Max(1, persistence.Groups):F1} per group, " +
                $"process CPU {cpuPerCommit:F1} us per commit, {(GC.GetTotalAllocatedBytes() - allocated) / commits} bytes allocated " +
                $"per commit, {GC.CollectionCount(0) - gcs} gen0 GCs; per group: " +
                $"{persistence.Elapsed.TotalMicroseconds / Math.Max(1, persistence.Groups):F0} us staging, " +
                $"{persistence.SyncElapsed.TotalMicroseconds / Math.Max(1, persistence.Groups):F0} us syncing; " +
                $"{persistence.Commits / (double)Math.Max(1, persistence.Syncs):F1} commits per sync, " +
                $"{persistence.SyncElapsed.TotalMicroseconds / Math.Max(1, persistence.Syncs):F0} us per sync"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Only the 10-row range reads, for attaching a profiler (<c>--profile-reads SECONDS</c>); then three
    /// side-by-side passes of both read figures with CPU, allocation and GC figures per operation, and the range
    /// scan straight on persistence with and without its memory of newest versions.</summary>
    public static async Task ProfileReadsAsync(TimeSpan duration)
    {
        var dir = Directory.CreateTempSubdirectory("convex-sim-bench-");
        try
        {
            using var raw = new RawSqlite(Path.Combine(dir.FullName, "raw-reads.db"));
            await using var persistence = new SqlitePersistence(Path.Combine(dir.FullName, "convex-reads.db"));
            var database = await Database.Database.OpenAsync(new ProductionRuntime(2), persistence, DatabaseOptions.Default, default);
            await database.CreateIndexAsync("kv", "by_k", [FieldPath.Parse("k")], default);
            var ids = await PopulateAsync(database, raw, 2000);
            var populated = database.LatestTs;
            var later = database.BeginTransaction();
            await later.InsertAsync("other", ConvexObject.Empty, default); // a later commit: reads at `populated` are not at the latest
            await database.CommitAsync(later, default);
            var stop = Stopwatch.StartNew();
            var reads = 0;
            while (stop.Elapsed < duration)
            {
                await RangeAsync(database, reads++);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{reads / stop.Elapsed.TotalSeconds:F0} range reads/s"));
            await using var cold = new SqlitePersistence(Path.Combine(dir.FullName, "convex-reads.db"));
            await cold.RecoverAsync(default);
            for (var round = 0; round < 3; round++)
            {
                Detail("raw point read", 20000, i => { raw.Get(1 + (i % raw.Count)); return Task.CompletedTask; });
                Detail("point read by id", 20000, async i => await database.BeginReadOnly().GetAsync(ids[i % ids.Count], default));
                Detail("raw range read", 5000, i => { raw.Range($"key{i % 500:D5}"); return Task.CompletedTask; });
                Detail("10-row index range read", 5000, i => RangeAsync(database, i));
                // The same scans straight on persistence: on the database's instance (which wrote the documents, so
                // knows their newest versions), and on a second instance of the same file that reads below its latest
                // commit, so it never learns them and looks each entry's document version up in SQLite.
                var index = database.Catalog.FindIndex(database.Catalog.FindTable("kv")!.Number, "by_k")!;
                Detail("  persistence scan alone", 5000, i => ScanAsync(persistence, index, populated, i));
                Detail("  same, versions unknown", 5000, i => ScanAsync(cold, index, populated, i));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private static async Task ScanAsync(IPersistence persistence, Database.Catalog.IndexInfo index, Timestamp at, int i) =>
        await persistence.ScanAsync(index.Id,
            new IndexRange([], new RangeBound(new ConvexString($"key{i % 500:D5}"), true), null).ToKeyRange(index),
            at, ScanOrder.Ascending, 10, default);

    private static async Task RangeAsync(Database.Database database, int i) =>
        await database.BeginReadOnly().QueryAsync("kv", "by_k",
            new IndexRange([], new RangeBound(new ConvexString($"key{i % 500:D5}"), true), null), ScanOrder.Ascending, 10, default);

    /// <summary>Wall time, process CPU, bytes allocated (all threads) and collections per operation.</summary>
    private static void Detail(string name, int count, Func<int, Task> action)
    {
        for (var i = 0; i < count; i++)
        {
            action(i).GetAwaiter().GetResult();
        }

        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var threads = ThreadCpu.Start();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            action(i).GetAwaiter().GetResult();
        }

        var wall = sw.Elapsed.TotalMicroseconds / count;
        var cpuPerOp = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-24} wall {wall,7:F2} us  cpu {cpuPerOp,7:F2} us  alloc {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)count,8:F0} B" +
            $"  gen0 {GC.CollectionCount(0) - gen0,4}  gen2 {GC.CollectionCount(2) - gen2,3}  pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds,6:F1} ms" +
            $"  threads: {threads.Report(count, 3)}"));
    }

    /// <summary>Reads on fresh stores holding the same rows on both sides (2,000 documents, 500 keys).</summary>
    private static async Task ReadBenchmarksAsync(Report report, DirectoryInfo dir, double scale)
    {
        using var raw = new RawSqlite(Path.Combine(dir.FullName, "raw-reads.db"));
        await using var persistence = new SqlitePersistence(Path.Combine(dir.FullName, "convex-reads.db"));
        var database = await Database.Database.OpenAsync(new ProductionRuntime(2), persistence, DatabaseOptions.Default, default);
        await database.CreateIndexAsync("kv", "by_k", [FieldPath.Parse("k")], default);
        var ids = await PopulateAsync(database, raw, 2000);
        var reads = (int)(20000 * scale);
        var rawGet = Time(reads, i => raw.Get(1 + (i % raw.Count)));
        var (getCpu, getThreads) = (Cpu.PerOp, Cpu.Threads);
        var get = await TimeAsync(reads, async i => await database.BeginReadOnly().GetAsync(ids[i % ids.Count], default));
        report.Compare("point read by id", get, rawGet, "us/op", "<= 2x", get <= 2 * rawGet);
        PrintCpu("point read by id", Cpu.PerOp, getCpu, getThreads);
        var rawRange = Time(reads / 4, i => raw.Range($"key{i % 500:D5}"));
        var (rangeCpu, rangeThreads) = (Cpu.PerOp, Cpu.Threads);
        var range = await TimeAsync(reads / 4, async i => await database.BeginReadOnly().QueryAsync("kv", "by_k",
            new IndexRange([], new RangeBound(new ConvexString($"key{i % 500:D5}"), true), null), ScanOrder.Ascending, 10, default));
        report.Compare("10-row index range read", range, rawRange, "us/op", "<= 2x", range <= 2 * rawRange);
        PrintCpu("10-row index range read", Cpu.PerOp, rangeCpu, rangeThreads);
    }

    private static (double P50, double P99, double Rate) MeasureRawCommits(RawSqlite raw, int count)
    {
        var samples = new Samples();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var sw = Stopwatch.StartNew();
            raw.InsertAutocommit($"key{i % 500:D5}");
            samples.Add(sw.Elapsed);
        }

        return (samples.Percentile(50), samples.Percentile(99), count / total.Elapsed.TotalSeconds);
    }

    private static async Task<(double P50, double P99)> MeasureCommitsAsync(Database.Database database, int count)
    {
        var samples = new Samples();
        for (var i = 0; i < count; i++)
        {
            var sw = Stopwatch.StartNew();
            var tx = database.BeginTransaction();
            await tx.InsertAsync("kv", Row(i), default);
            await database.CommitAsync(tx, default);
            samples.Add(sw.Elapsed);
        }

        return (samples.Percentile(50), samples.Percentile(99));
    }

    private static async Task<double> MeasureConcurrentAsync(Database.Database database, int writers, TimeSpan duration)
    {
        var committed = 0;
        var stop = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; stop.Elapsed < duration; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var tx = database.BeginTransaction();
                await tx.InsertAsync("kv", Row((w * 1_000_000) + i), default);
                var t1 = Stopwatch.GetTimestamp();
                await database.CommitAsync(tx, default);
                var t2 = Stopwatch.GetTimestamp();
                Interlocked.Add(ref _outside, t1 - t0);
                Interlocked.Add(ref _inside, t2 - t1);
                Interlocked.Increment(ref committed);
            }
        })).ToList();
        await Task.WhenAll(tasks);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per commit: {Stopwatch.GetElapsedTime(0, _outside).TotalMicroseconds / committed:F0} us preparing, {Stopwatch.GetElapsedTime(0, _inside).TotalMicroseconds / committed:F0} us in CommitAsync"));
        (_outside, _inside) = (0, 0);
        return committed / stop.Elapsed.TotalSeconds;
    }

    private static async Task<List<DocumentId>> PopulateAsync(Database.Database database, RawSqlite raw, int count)
    {
        var ids = new List<DocumentId>();
        for (var batch = 0; batch < count; batch += 100)
        {
            var tx = database.BeginTransaction();
            for (var i = batch; i < batch + 100; i++)
            {
                ids.Add(await tx.InsertAsync("kv", Row(i), default));
                raw.InsertAutocommit($"key{i % 500:D5}");
            }

            await database.CommitAsync(tx, default);
        }

        return ids;
    }

    private static ConvexObject Row(int i) => ConvexObject.Empty
        .With("k", new ConvexString($"key{i % 500:D5}"))
        .With("v", new ConvexBytes(new byte[200]));

    /// <summary>CPU time per operation of the last timed loop: steadier than wall time on a shared machine.</summary>
    private static class Cpu
    {
        public static double PerOp { get; set; }

        /// <summary>The last timed loop's CPU per thread (µs/op), busiest first.</summary>
        public static string Threads { get; set; } = "";
    }

    private static void PrintCpu(string name, double ours, double reference, string referenceThreads) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: process CPU {ours:F1} us/op vs reference {reference:F1} us/op, ratio {ours / reference:F2}; " +
            $"by thread: {Cpu.Threads} (reference: {referenceThreads})"));

    /// <summary>
    /// True once the tiered JIT has compiled nothing for a while. Without this, a loop measured right after
    /// 5,000 warm-up calls ran while the JIT's background thread was still recompiling its methods at tier 1:
    /// that thread then used 10–20 µs of CPU per range read, more than the reads themselves (so the process
    /// CPU exceeded the wall time). Polled between calls; gives up after a few seconds.
    /// </summary>
    private static bool JitQuiet()
    {
        var now = Stopwatch.GetTimestamp();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        if (compiled != _jitCompiled || _jitSince == 0)
        {
            (_jitCompiled, _jitSince) = (compiled, now);
            _jitWarmStart = _jitWarmStart == 0 ? now : _jitWarmStart;
        }

        var quiet = Stopwatch.GetElapsedTime(_jitSince, now) >= TimeSpan.FromSeconds(1)
            || Stopwatch.GetElapsedTime(_jitWarmStart, now) >= TimeSpan.FromSeconds(5);
        if (quiet)
        {
            (_jitSince, _jitWarmStart) = (0, 0);
        }

        return quiet;
    }

    private static long _outside;
    private static long _inside;
    private static long _jitCompiled;
    private static long _jitSince;
    private static long _jitWarmStart;

    private static double Time(int count, Action<int> action)
    {
        for (var i = 0; i < Math.Min(count, 5000) || !JitQuiet(); i++) // warm both sides: page cache, decoded versions, JIT
        {
            action(i);
        }

        Measure(count, action); // discarded: the timing loop itself gets compiled too
        return Measure(count, action);
    }

    private static double Measure(int count, Action<int> action)
    {
        var threads = ThreadCpu.Start();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            action(i);
        }

        Cpu.PerOp = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count;
        Cpu.Threads = threads.Report(count);
        return sw.Elapsed.TotalMicroseconds / count;
    }

    private static async Task<double> TimeAsync(int count, Func<int, Task> action)
    {
        for (var i = 0; i < Math.Min(count, 5000) || !JitQuiet(); i++) // warm both sides: page cache, decoded versions, JIT
        {
            await action(i);
        }

        await MeasureAsync(count, action); // discarded: the timing loop itself gets compiled too
        return await MeasureAsync(count, action);
    }

    private static async Task<double> MeasureAsync(int count, Func<int, Task> action)
    {
        var threads = ThreadCpu.Start();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await action(i);
        }

        Cpu.PerOp = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count;
        Cpu.Threads = threads.Report(count);
        return sw.Elapsed.TotalMicroseconds / count;
    }
}
