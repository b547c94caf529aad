using Convex.Sim.Core;
using Convex.Sim.Core.Ids;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// Reads the live entries of an index range from the version table: the newest version ≤ at of each key
/// (see <see cref="SqliteSchema.Scan"/> for the row order each direction relies on), tombstones skipped.
/// </summary>
internal static class SqliteIndexScan
{
    /// <summary>The newest version ≤ at of each key in the range, tombstones skipped, up to the limit,
    /// each with the timestamp of the document version it points to.</summary>
    public static List<(byte[] Key, DocumentId Id, long DocTs)> LiveKeys(
        ScanStatement scan, IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, Timestamp prunedTo)
    {
        var ascending = order == ScanOrder.Ascending;
        Invariant.Assert(scan.End > 0 == range.End is not null);
        var statement = scan.Statement.Int64(scan.Index, index.Value).Blob(scan.Start, range.Start).Int64(scan.At, (long)at.Value);
        if (range.End is { } end)
        {
            statement.Blob(scan.End, end);
        }

        var live = new List<(byte[] Key, DocumentId Id, long DocTs)>(Math.Min(limit, 64));
        try
        {
            (byte[] Key, DocumentId? Id, long DocTs)? newest = null;
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
                    live.Add((done.Key, doneId, done.DocTs)); // ascending: the group ended with its newest
                }

                var row = ReadScanRow(statement, key);
                newest = row;
                if (!ascending && row.Id is { } liveId)
                {
                    live.Add((row.Key, liveId, row.DocTs));
                }
            }

            if (ascending && live.Count < limit && newest is { Id: { } lastId } last)
            {
                live.Add((last.Key, lastId, last.DocTs));
            }
        }
        finally
        {
            statement.Reset();
        }

        // A live index entry never outlives its document (a superseded one may: retention deletes in any order),
        // except below the retention bound, where the database refuses the read anyway.
        if (at < prunedTo)
        {
            live.RemoveAll(row => row.DocTs < 0);
        }

        Invariant.Assert(live.All(row => row.DocTs >= 0));
        return live;
    }

    /// <summary>Columns: 0 key, 1 table, 2 internal id (NULL for a tombstone), 3 the document version's
    /// timestamp (−1 if retention deleted it, see <see cref="SqliteSchema.Scan"/>).</summary>
    private static (byte[] Key, DocumentId? Id, long DocTs) ReadScanRow(RawStatement statement, byte[] key)
    {
        if (!statement.TryUInt128BigEndianAt(2, out var internalId))
        {
            return (key, null, 0);
        }

        var id = new DocumentId(new TableNumber((uint)statement.Int64At(1)), internalId);
        return (key, id, statement.Int64At(3));
    }
}
