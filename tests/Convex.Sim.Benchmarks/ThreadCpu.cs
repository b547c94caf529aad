using System.Globalization;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// CPU time per thread of this process (Linux: <c>/proc/self/task/*/schedstat</c>, nanoseconds), so a
/// figure whose process CPU exceeds its wall time can say which other thread burnt it (the tiered JIT's
/// background compiler, the GC, a leftover background task). Empty where /proc is missing.
/// </summary>
internal sealed class ThreadCpu
{
    private readonly Dictionary<string, (string Name, long Nanoseconds)> _start;

    private ThreadCpu(Dictionary<string, (string Name, long Nanoseconds)> start) => _start = start;

    public static ThreadCpu Start() => new(Snapshot());

    /// <summary>The threads that used CPU since <see cref="Start"/>, busiest first, as "name µs/op".</summary>
    public string Report(int operations, int threadsMax = 4)
    {
        var used = new List<(string Name, long Nanoseconds)>();
        foreach (var (tid, (name, ns)) in Snapshot())
        {
            var before = _start.TryGetValue(tid, out var start) ? start.Nanoseconds : 0;
            if (ns - before > 0)
            {
                used.Add((name, ns - before));
            }
        }

        return string.Join(", ", used.OrderByDescending(u => u.Nanoseconds).Take(threadsMax).Select(u =>
            string.Create(CultureInfo.InvariantCulture, $"{u.Name} {u.Nanoseconds / 1000.0 / operations:F1}")));
    }

    private static Dictionary<string, (string Name, long Nanoseconds)> Snapshot()
    {
        var threads = new Dictionary<string, (string, long)>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return threads;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var ns = long.Parse(File.ReadAllText(Path.Combine(dir, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                threads[Path.GetFileName(dir)] = (File.ReadAllText(Path.Combine(dir, "comm")).Trim(), ns);
            }
            catch (IOException)
            {
                // the thread exited between the listing and the read
            }
        }

        return threads;
    }
}
