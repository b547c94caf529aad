using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Reads;

namespace Convex.Sim.Database.Log;

/// <summary>An index key that a commit wrote (the old or the new key of a changed document).</summary>
public readonly record struct TouchedKey(IndexId Index, byte[] Key);

/// <summary>What one commit changed, for conflict detection.</summary>
public sealed record WriteLogEntry(Timestamp Ts, IReadOnlyList<TouchedKey> Keys);

/// <summary>
/// The recent commits in timestamp order, kept in memory. It answers "did anything in these index
/// ranges change in (after, upTo]?", the question behind both OCC validation and subscription
/// invalidation. It holds the commits after <see cref="RetentionStart"/>; older questions cannot be
/// answered and raise <see cref="OutOfRetentionException"/> (the caller retries or re-runs).
/// Invariant: entry timestamps strictly increase and all exceed <see cref="RetentionStart"/>.
/// Thread safety: guarded by the database's state lock; the committer is the only writer.
/// </summary>
public sealed class WriteLog
{
    private readonly List<WriteLogEntry> _entries = [];
    private readonly int _commitsMax;
    private int _head;

    public WriteLog(Timestamp retentionStart, int commitsMax)
    {
        Invariant.Assert(commitsMax > 0);
        RetentionStart = retentionStart;
        Latest = retentionStart;
        _commitsMax = commitsMax;
    }

    /// <summary>Changes at timestamps greater than this are all known.</summary>
    public Timestamp RetentionStart { get; private set; }

    /// <summary>The newest timestamp appended (or the retention start when empty).</summary>
    public Timestamp Latest { get; private set; }

    public int Count => _entries.Count - _head;

    public void Append(WriteLogEntry entry)
    {
        Invariant.Assert(entry.Ts > Latest);
        _entries.Add(entry);
        Latest = entry.Ts;
        if (Count > _commitsMax)
        {
            RetentionStart = _entries[_head].Ts;
            _head++;
            Compact();
        }

        Invariant.Assert(Count <= _commitsMax);
    }

    /// <summary>Entries with ts in (after, upTo], oldest first.</summary>
    public IEnumerable<WriteLogEntry> Between(Timestamp after, Timestamp upTo)
    {
        EnsureRetained(after);
        for (var i = FirstAfter(after); i < _entries.Count && _entries[i].Ts <= upTo; i++)
        {
            yield return _entries[i];
        }
    }

    /// <summary>The first commit in (after, upTo] that wrote a key inside <paramref name="readSet"/>, if any.</summary>
    public WriteLogEntry? FirstConflict(ReadSet readSet, Timestamp after, Timestamp upTo)
    {
        foreach (var entry in Between(after, upTo))
        {
            foreach (var key in entry.Keys)
            {
                if (readSet.Contains(key.Index, key.Key))
                {
                    return entry;
                }
            }
        }

        return null;
    }

    public bool ChangedBetween(ReadSet readSet, Timestamp after, Timestamp upTo) =>
        FirstConflict(readSet, after, upTo) is not null;

    private void EnsureRetained(Timestamp after)
    {
        if (after < RetentionStart)
        {
            throw new OutOfRetentionException(
                $"Timestamp {after} is older than the write log's retention start {RetentionStart}");
        }
    }

    private int FirstAfter(Timestamp after)
    {
        int lo = _head, hi = _entries.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (_entries[mid].Ts <= after)
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

    private void Compact()
    {
        if (_head > 1024 && _head * 2 > _entries.Count)
        {
            _entries.RemoveRange(0, _head);
            _head = 0;
        }
    }
}
