using Convex.Sim.Core;
using Convex.Sim.Core.Ids;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// Reads the live entries of an index range from the version table: the newest version ≤ at of each key
/// (see <see cref="SqliteSchema.Scan"/> for the row order each direction relies on), tombstones skipped,
/// each with the timestamp of the document version it points to.
/// </summary>
internal static class SqliteIndexScan
{
    /// <summary>
    /// The live entries of a range with their document versions' timestamps: first without asking SQLite for
    /// those (each from <paramref name="newest"/>), else, at the first entry memory cannot answer, again with
    /// them; what that second scan read is learnt if <paramref name="memory"/> says so.
    /// </summary>
    public static List<(byte[] Key, DocumentId Id, long DocTs)> LiveEntries(
        SqliteStatements sql, NewestVersions newest, IndexId index, KeyRange range, Timestamp at, ScanOrder order,
        int limit, VersionMemory memory)
    {
        var ascending = order == ScanOrder.Ascending;
        var bounded = range.End is not null;
        var fromMemory = memory == VersionMemory.Unused ? null
            : LiveKeys(sql.Scan(ascending, bounded, versions: false), index, range, at, order, limit,
                id => newest.TryGetVisible(id, (long)at.Value, out var ts) ? ts : null);
        if (fromMemory is not null)
        {
            return fromMemory;
        }

        var live = LiveKeys(sql.Scan(ascending, bounded, versions: true), index, range, at, order, limit, _ => null);
        Invariant.Assert(live is not null);
        if (memory == VersionMemory.UsedAndTaught)
        {
            foreach (var (_, id, docTs) in live!)
            {
                if (docTs >= 0)
                {
                    newest.Learned(id, docTs);
                }
            }
        }

        return live!;
    }

    /// <summary>
    /// The newest version ≤ at of each key in the range, tombstones skipped, up to the limit. A scan with
    /// <see cref="ScanStatement.Versions"/> reads each document version's timestamp from SQLite; one
    /// without asks <paramref name="known"/>, and gives up (null) at the first entry it cannot answer.
    /// </summary>
    private static List<(byte[] Key, DocumentId Id, long DocTs)>? LiveKeys(
        ScanStatement scan, IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit,
        Func<DocumentId, long?> known)
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

                // Ascending: a group ends with its newest version, known once the next key shows up.
                if (ascending && newest is { Id: { } doneId } done && !sameKey && !TryAdd(live, done.Key, doneId, done.DocTs, known))
                {
                    return null;
                }

                newest = ReadRow(statement, scan.Versions, key);
                if (!ascending && newest.Value.Id is { } liveId && !TryAdd(live, key, liveId, newest.Value.DocTs, known))
                {
                    return null;
                }
            }

            if (ascending && live.Count < limit && newest is { Id: { } lastId } last && !TryAdd(live, last.Key, lastId, last.DocTs, known))
            {
                return null;
            }
        }
        finally
        {
            statement.Reset();
        }

        return live;
    }

    /// <summary>Adds a live entry with its document version's timestamp: as read from SQLite (≥ 0, or −1 for none),
    /// or if not read, from <paramref name="known"/>; false if that does not know it.</summary>
    private static bool TryAdd(
        List<(byte[] Key, DocumentId Id, long DocTs)> live, byte[] key, DocumentId id, long docTs, Func<DocumentId, long?> known)
    {
        if ((docTs == NotRead ? known(id) : docTs) is not { } resolved)
        {
            return false;
        }

        Invariant.Assert(resolved >= -1);
        live.Add((key, id, resolved));
        return true;
    }

    /// <summary>The timestamp column of a scan without versions.</summary>
    private const long NotRead = -2;

    /// <summary>Columns: 0 key, 1 table, 2 internal id (NULL for a tombstone), 3 (with versions) the document
    /// version's timestamp.</summary>
    private static (byte[] Key, DocumentId? Id, long DocTs) ReadRow(RawStatement statement, bool versions, byte[] key)
    {
        if (!statement.TryUInt128BigEndianAt(2, out var internalId))
        {
            return (key, null, NotRead);
        }

        var id = new DocumentId(new TableNumber((uint)statement.Int64At(1)), internalId);
        return (key, id, versions ? statement.Int64At(3) : NotRead);
    }
}

/// <summary>How an index scan may use <see cref="NewestVersions"/>.</summary>
internal enum VersionMemory
{
    /// <summary>Not at all: every version comes from SQLite (reads below the retention bound).</summary>
    Unused = 1,

    /// <summary>To find versions; what SQLite answers is not learnt (a read below the latest commit).</summary>
    Used = 2,

    /// <summary>To find versions, and what SQLite answers is learnt (a read at the latest commit).</summary>
    UsedAndTaught = 3,
}
