using Convex.Sim.Core;

namespace Convex.Sim.Storage.Memory;

/// <summary>
/// The versions of one document or index key, in strictly increasing timestamp order.
/// A null payload is a tombstone. Reads at T binary-search for the last version with ts ≤ T.
/// </summary>
internal sealed class VersionChain<T>
    where T : class
{
    private readonly List<(Timestamp Ts, T? Value)> _versions = [];

    public void Add(Timestamp ts, T? value)
    {
        Invariant.Assert(_versions.Count == 0 || _versions[^1].Ts < ts);
        _versions.Add((ts, value));
    }

    public bool IsEmpty => _versions.Count == 0;

    /// <summary>
    /// Deletes up to <paramref name="limit"/> versions no read at or after <paramref name="bound"/> can see:
    /// those older than the latest version at or before the bound, and that version itself if it is a
    /// tombstone (only once nothing older is left, so an older version is never uncovered). Returns how many.
    /// </summary>
    public int Prune(Timestamp bound, int limit)
    {
        Invariant.Assert(limit > 0);
        var visible = UpperBound(bound) - 1; // the version reads at the bound see; -1: none
        if (visible < 0)
        {
            return 0;
        }

        var seen = _versions[visible];
        var removed = Math.Min(visible, limit);
        _versions.RemoveRange(0, removed);
        if (removed == visible && removed < limit && _versions[0].Value is null)
        {
            _versions.RemoveAt(0);
            removed++;
        }

        var after = At(bound); // what reads at the bound see is unchanged (a tombstone may become "nothing")
        Invariant.Assert(after.Found ? after.Ts == seen.Ts : seen.Value is null);
        return removed;
    }

    /// <summary>The latest version at or before <paramref name="at"/>; found is false if there is none.</summary>
    public (bool Found, Timestamp Ts, T? Value) At(Timestamp at)
    {
        var lo = UpperBound(at);
        return lo == 0 ? (false, Timestamp.Zero, null) : (true, _versions[lo - 1].Ts, _versions[lo - 1].Value);
    }

    /// <summary>The number of versions with ts ≤ <paramref name="at"/>.</summary>
    private int UpperBound(Timestamp at)
    {
        int lo = 0, hi = _versions.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (_versions[mid].Ts <= at)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
