using System.Runtime.CompilerServices;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Storage.Memory;

/// <summary>
/// Multi-version documents and index entries held in memory: per document a version chain, per
/// index a sorted map from key bytes to the key's version chain. Not durable on its own; it is the
/// reference implementation of the contract and the read side of <see cref="Log.LogPersistence"/>.
/// Thread safety: one lock around every call (the database may read while the committer writes).
/// Recovering again (a simulated reopen) keeps the data: the object stands for what was stored.
/// </summary>
public sealed class MemoryPersistence : IPersistence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<DocumentId, VersionChain<ConvexObject>> _documents = [];
    private readonly SortedDictionary<IndexId, SortedList<byte[], VersionChain<DocumentIdBox>>> _indexes = [];
    private readonly List<CommitRecord> _commits = [];
    private Timestamp _latest = Timestamp.Zero;

    /// <summary>The highest bound pruned to: reads below it may find index entries whose document version is gone.</summary>
    private Timestamp _prunedTo = Timestamp.Zero;

    public Timestamp Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    public ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Latest);

    public ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var commit in commits)
            {
                Apply(commit);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Applies one commit (also used by the log persistence when replaying its log).</summary>
    internal void Apply(CommitRecord commit)
    {
        lock (_gate)
        {
            Invariant.Assert(commit.Ts > _latest);
            foreach (var write in commit.Documents)
            {
                Chain(_documents, write.Id).Add(commit.Ts, write.Value);
            }

            foreach (var entry in commit.Indexes)
            {
                var keys = _indexes.TryGetValue(entry.Index, out var existing)
                    ? existing
                    : _indexes[entry.Index] = new SortedList<byte[], VersionChain<DocumentIdBox>>(ByteKeyComparer.Instance);
                if (!keys.TryGetValue(entry.Key, out var chain))
                {
                    keys[entry.Key] = chain = new VersionChain<DocumentIdBox>();
                }

                chain.Add(commit.Ts, entry.Id is { } id ? new DocumentIdBox(id) : null);
            }

            _commits.Add(commit);
            _latest = commit.Ts;
        }
    }

    public ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(GetLocked(id, at));
        }
    }

    public ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken)
    {
        Invariant.Assert(limit > 0);
        var rows = new List<IndexRow>();
        lock (_gate)
        {
            if (!_indexes.TryGetValue(index, out var keys) || range.IsEmpty)
            {
                return ValueTask.FromResult<IReadOnlyList<IndexRow>>(rows);
            }

            var (first, last) = Bounds(keys, range);
            for (var n = 0; n <= last - first && rows.Count < limit; n++)
            {
                var i = order == ScanOrder.Ascending ? first + n : last - n;
                var (found, _, box) = keys.Values[i].At(at);
                if (found && box is not null)
                {
                    var document = GetLocked(box.Id, at);
                    if (document is null)
                    {
                        Invariant.Assert(at < _prunedTo); // an index entry never outlives its document, but retention
                        continue;                          // may have taken the version a read below its bound needs
                    }

                    rows.Add(new IndexRow(keys.Keys[i], document));
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<IndexRow>>(rows);
    }

    public async IAsyncEnumerable<CommitRecord> LoadCommitsAsync(
        Timestamp after, Timestamp upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<CommitRecord> selected;
        lock (_gate)
        {
            selected = _commits.Where(c => c.Ts > after && c.Ts <= upTo).ToList();
        }

        foreach (var commit in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return commit;
        }

        await Task.CompletedTask;
    }

    public ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken)
    {
        Invariant.Assert(limit > 0);
        lock (_gate)
        {
            Invariant.Assert(bound <= _latest);
            _prunedTo = Timestamp.Max2(_prunedTo, bound);
            var removed = 0;
            foreach (var id in _documents.Keys.Order().ToList()) // sorted: which versions a batch takes is deterministic
            {
                removed += PruneChain(_documents, id, bound, limit - removed);
                if (removed == limit)
                {
                    return ValueTask.FromResult(removed);
                }
            }

            foreach (var keys in _indexes.Values)
            {
                for (var i = keys.Count - 1; i >= 0 && removed < limit; i--)
                {
                    removed += keys.Values[i].Prune(bound, limit - removed);
                    if (keys.Values[i].IsEmpty)
                    {
                        keys.RemoveAt(i);
                    }
                }
            }

            if (removed < limit)
            {
                _commits.RemoveAll(c => c.Ts <= bound && c.Ts < _latest); // commits at or before the bound may be incomplete now
            }

            Invariant.Assert(removed <= limit);
            return ValueTask.FromResult(removed);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static int PruneChain(Dictionary<DocumentId, VersionChain<ConvexObject>> map, DocumentId id, Timestamp bound, int limit)
    {
        var chain = map[id];
        var removed = chain.Prune(bound, limit);
        if (chain.IsEmpty)
        {
            map.Remove(id);
        }

        return removed;
    }

    private StoredDocument? GetLocked(DocumentId id, Timestamp at)
    {
        if (!_documents.TryGetValue(id, out var chain))
        {
            return null;
        }

        var (found, ts, value) = chain.At(at);
        return found && value is not null ? new StoredDocument(id, ts, value) : null;
    }

    /// <summary>Indices [first, last] of the keys inside the range (last &lt; first when none).</summary>
    private static (int First, int Last) Bounds(SortedList<byte[], VersionChain<DocumentIdBox>> keys, KeyRange range)
    {
        var first = LowerBound(keys.Keys, range.Start);
        var last = range.End is null ? keys.Count - 1 : LowerBound(keys.Keys, range.End) - 1;
        return (first, last);
    }

    private static int LowerBound(IList<byte[]> keys, byte[] key)
    {
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (keys[mid].AsSpan().SequenceCompareTo(key) < 0)
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

    private static VersionChain<ConvexObject> Chain(Dictionary<DocumentId, VersionChain<ConvexObject>> map, DocumentId id)
    {
        if (!map.TryGetValue(id, out var chain))
        {
            map[id] = chain = new VersionChain<ConvexObject>();
        }

        return chain;
    }

    /// <summary>A reference wrapper so index versions can use null as the tombstone.</summary>
    private sealed record DocumentIdBox(DocumentId Id);
}

/// <summary>Unsigned lexicographic order of byte keys.</summary>
public sealed class ByteKeyComparer : IComparer<byte[]>
{
    public static readonly ByteKeyComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
