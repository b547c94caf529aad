using Convex.Sim.Core;
using Convex.Sim.Core.Ids;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// Reads the live entries of an index range from the version table: the newest version ≤ at of each key
/// (see <see cref="SqliteSchema.Scan"/> for the row order each direction relies on), tombstones skipped.
/// Which version of each document an entry points to is the caller's business.
/// </summary>
internal static class SqliteIndexScan
{
    /// <summary>The newest version ≤ at of each key in the range, tombstones skipped, up to the limit.</summary>
    public static List<(byte[] Key, DocumentId Id)> LiveKeys(
        ScanStatement scan, IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit)
    {
        var ascending = order == ScanOrder.Ascending;
        Invariant.Assert(scan.End > 0 == range.End is not null);
        var statement = scan.Statement.Int64(scan.Index, index.Value).Blob(scan.Start, range.Start).Int64(scan.At, (long)at.Value);
        if (range.End is { } end)
        {
            statement.Blob(scan.End, end);
        }

        var live = new List<(byte[] Key, DocumentId Id)>(Math.Min(limit, 64));
        try
        {
            (byte[] Key, DocumentId? Id)? newest = null;
            while (live.Count < limit && statement.Read())
            {
                var key = statement.BlobArrayAt(0);
                var sameKey = newest is { } current && current.Key.AsSpan().SequenceEqual(key);
                if (!ascending && sameKey)
                {
                    continue; // descending: the first row of a key was its newest version
                }

                if (ascending && newest is { Id: { } doneId } done && !sameKey)
                {
                    live.Add((done.Key, doneId)); // ascending: the group ended with its newest
                }

                newest = (key, ReadId(statement));
                if (!ascending && newest.Value.Id is { } liveId)
                {
                    live.Add((key, liveId));
                }
            }

            if (ascending && live.Count < limit && newest is { Id: { } lastId } last)
            {
                live.Add((last.Key, lastId));
            }
        }
        finally
        {
            statement.Reset();
        }

        return live;
    }

    /// <summary>Columns: 0 key, 1 table, 2 internal id (NULL for a tombstone).</summary>
    private static DocumentId? ReadId(RawStatement statement) =>
        statement.TryUInt128BigEndianAt(2, out var internalId)
            ? new DocumentId(new TableNumber((uint)statement.Int64At(1)), internalId)
            : null;
}
