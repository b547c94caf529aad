using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Database.Errors;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Reads;

/// <summary>
/// The index key intervals a transaction or query has read (convex-compat §7.2). A commit that
/// wrote a document whose old or new key in some index falls inside one of that index's intervals
/// invalidates the reader: OCC aborts a mutation, the sync layer re-runs a query.
/// A stream that stops early records only what it actually scanned; it widens its interval in
/// place through the handle returned by <see cref="Add"/>.
/// </summary>
public sealed class ReadSet
{
    private readonly List<(IndexId Index, KeyRange Range)> _ranges = [];
    private readonly int _rangesMax;

    public ReadSet(int rangesMax)
    {
        Invariant.Assert(rangesMax > 0);
        _rangesMax = rangesMax;
    }

    public int Count => _ranges.Count;

    /// <summary>The intervals in the order they were read.</summary>
    public IReadOnlyList<(IndexId Index, KeyRange Range)> Ranges => _ranges;

    public int Add(IndexId index, KeyRange range)
    {
        if (_ranges.Count >= _rangesMax)
        {
            throw new TransactionLimitException(
                $"Too many reads in a single function execution (limit: {_rangesMax} index ranges). " +
                "Consider using smaller limits in your queries, or fewer queries.");
        }

        _ranges.Add((index, range));
        return _ranges.Count - 1;
    }

    /// <summary>Replaces the interval behind <paramref name="handle"/> by a wider one.</summary>
    public void Widen(int handle, KeyRange range)
    {
        Invariant.Assert(handle >= 0 && handle < _ranges.Count);
        var (index, old) = _ranges[handle];
        Invariant.Assert(old.IsEmpty || (range.Start.AsSpan().SequenceCompareTo(old.Start) <= 0));
        _ranges[handle] = (index, range);
    }

    public bool Contains(IndexId index, ReadOnlySpan<byte> key)
    {
        foreach (var (i, range) in _ranges)
        {
            if (i == index && range.Contains(key))
            {
                return true;
            }
        }

        return false;
    }
}
