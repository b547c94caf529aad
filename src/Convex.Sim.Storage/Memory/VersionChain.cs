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

    /// <summary>The latest version at or before <paramref name="at"/>; found is false if there is none.</summary>
    public (bool Found, Timestamp Ts, T? Value) At(Timestamp at)
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

        return lo == 0 ? (false, Timestamp.Zero, null) : (true, _versions[lo - 1].Ts, _versions[lo - 1].Value);
    }
}
