using Convex.Sim.Core;
using Convex.Sim.Core.Ids;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The timestamp of each document's newest version in the store (a deletion included), for the
/// documents this instance wrote, or read at its latest timestamp, since it opened: what an index scan
/// needs to find the version an entry points to without a B-tree seek per row in <c>documents</c>.
///
/// Invariant: an entry is the newest version of that document with a timestamp ≤ the latest staged
/// commit (staged rows are in the main connection's view, durable or not). It holds because every write
/// goes through this instance under its lock (<see cref="Wrote"/> after each group is staged), a version read with "ts ≤ latest" is such a version (<see cref="Learned"/>;
/// not after a failed write, whose versions may be in the file), and retention never deletes a
/// document's newest version unless it is a deletion visible at the bound; then the document has no
/// versions left and a read at or after the bound finds none either way (the version a live index entry
/// points to is never a deletion). So for a read at <c>at</c>, an entry with <c>ts ≤ at</c> is the
/// version visible at <c>at</c>; a newer entry, or none, says nothing and the caller asks SQLite.
/// Bounded like the decoded cache: emptied when it grows past <see cref="EntriesMax"/>.
/// </summary>
internal sealed class NewestVersions
{
    /// <summary>About 50 bytes each.</summary>
    public const int EntriesMax = 250_000;

    private readonly Dictionary<DocumentId, long> _newest = [];

    public int Count => _newest.Count;

    /// <summary>The version of <paramref name="id"/> visible at <paramref name="at"/>, if this cache knows it.</summary>
    public bool TryGetVisible(DocumentId id, long at, out long ts)
    {
        if (_newest.TryGetValue(id, out ts) && ts <= at)
        {
            Invariant.Assert(ts >= 0);
            return true;
        }

        ts = -1;
        return false;
    }

    /// <summary>A committed write of <paramref name="id"/> at <paramref name="ts"/>, newer than any earlier one.</summary>
    public void Wrote(DocumentId id, long ts)
    {
        Invariant.Assert(ts >= 0);
        if (_newest.TryGetValue(id, out var known))
        {
            Invariant.Assert(known < ts);
        }

        Put(id, ts);
    }

    /// <summary>The newest version ≤ the store's latest commit, read from SQLite: the newest there is.</summary>
    public void Learned(DocumentId id, long ts)
    {
        Invariant.Assert(ts >= 0);
        if (_newest.TryGetValue(id, out var known))
        {
            Invariant.Assert(known == ts);
        }

        Put(id, ts);
    }

    private void Put(DocumentId id, long ts)
    {
        if (_newest.Count >= EntriesMax && !_newest.ContainsKey(id))
        {
            _newest.Clear();
        }

        _newest[id] = ts;
    }
}
