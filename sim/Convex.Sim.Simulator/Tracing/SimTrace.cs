using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Convex.Sim.Simulator.Tracing;

/// <summary>
/// The compact event trace of a simulated run: one line per event (simulated time, node, text),
/// folded into a running 64-bit hash. Two runs of one seed must produce the same hash; when they do
/// not, runs that keep their events (<see cref="KeepEvents"/>) can be compared line by line with
/// <see cref="FirstDivergence"/>. Memory stays bounded unless events are kept.
/// </summary>
internal sealed class SimTrace(bool keepEvents)
{
    private readonly XxHash64 _hash = new();
    private readonly List<string> _events = [];

    public bool KeepEvents { get; } = keepEvents;

    public long Count { get; private set; }

    public IReadOnlyList<string> Events => _events;

    public ulong Hash => _hash.GetCurrentHashAsUInt64();

    public void Record(TimeSpan simulated, string node, string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{simulated.Ticks,12} {node} {text}");
        _hash.Append(Encoding.UTF8.GetBytes(line));
        _hash.Append("\n"u8);
        Count++;
        if (KeepEvents)
        {
            _events.Add(line);
        }
    }

    /// <summary>The first index where two kept traces differ, with both lines (null past an end).</summary>
    public static (long Index, string? A, string? B)? FirstDivergence(SimTrace a, SimTrace b)
    {
        var n = Math.Max(a._events.Count, b._events.Count);
        for (var i = 0; i < n; i++)
        {
            var x = i < a._events.Count ? a._events[i] : null;
            var y = i < b._events.Count ? b._events[i] : null;
            if (x != y)
            {
                return (i, x, y);
            }
        }

        return null;
    }
}
