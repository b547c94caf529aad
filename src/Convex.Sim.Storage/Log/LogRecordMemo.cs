using Convex.Sim.Core;

namespace Convex.Sim.Storage.Log;

/// <summary>
/// Remembers the decoded commits of log records by their exact bytes, across the incarnations of a
/// <see cref="LogPersistence"/> on one disk. A simulated node recovers from the whole log at every
/// boot, so without it a seed with many crashes decodes the same records again and again (most of a
/// database-only seed's time). Decoding is a pure function of the bytes and the decoded records are
/// immutable, so a hit returns exactly what decoding would: a record is found only when its length,
/// its hash and every byte equal the remembered one. Only records that passed their checksum are
/// remembered. Single-threaded use (one simulated disk).
/// </summary>
public sealed class LogRecordMemo
{
    private readonly Dictionary<long, Entry> _byOffset = [];

    /// <summary>Records decoded from scratch, for tests.</summary>
    public int Misses { get; private set; }

    /// <summary>Records served from the memo, for tests.</summary>
    public int Hits { get; private set; }

    /// <summary>The commits remembered for exactly these bytes at this offset, or null.</summary>
    internal IReadOnlyList<CommitRecord>? Find(long offset, ReadOnlySpan<byte> body, ulong hash)
    {
        if (_byOffset.TryGetValue(offset, out var entry) && entry.Hash == hash && body.SequenceEqual(entry.Body))
        {
            Hits++;
            return entry.Commits;
        }

        return null;
    }

    /// <summary>Remembers what <paramref name="body"/> (a checksummed record's payload) decoded to.</summary>
    internal void Remember(long offset, byte[] body, ulong hash, IReadOnlyList<CommitRecord> commits)
    {
        Invariant.Assert(commits.Count > 0);
        _byOffset[offset] = new Entry(hash, body, commits);
        Misses++;
    }

    private sealed record Entry(ulong Hash, byte[] Body, IReadOnlyList<CommitRecord> Commits);
}
