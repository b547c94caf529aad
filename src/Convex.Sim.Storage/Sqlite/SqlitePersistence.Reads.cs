using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>The read path: point reads and index scans, with the decoded-version and newest-version memories.</summary>
public sealed partial class SqlitePersistence
{
    public ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ApplyPendingLocked();
            return ValueTask.FromResult(GetLocked(id, at));
        }
    }

    public ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken)
    {
        Invariant.Assert(limit > 0);
        if (range.IsEmpty)
        {
            return ValueTask.FromResult<IReadOnlyList<IndexRow>>([]);
        }

        var rows = new List<IndexRow>();
        lock (_gate)
        {
            ApplyPendingLocked();
            // Below the retention bound only SQLite answers, as before the memory existed; reads at the latest
            // commit written into the file teach it (after a failed write, newer versions may be in the file).
            var memory = at < _prunedTo ? VersionMemory.Unused
                : at >= _applied && Volatile.Read(ref _failure) is null ? VersionMemory.UsedAndTaught : VersionMemory.Used;
            foreach (var (key, id, docTs) in SqliteIndexScan.LiveEntries(_sql, _newest, index, range, at, order, limit, memory))
            {
                if (docTs < 0)
                {
                    // A live index entry never outlives its document (a superseded one may: retention deletes in
                    // any order), except below the retention bound, where the database refuses the read anyway.
                    Invariant.Assert(at < _prunedTo);
                    continue;
                }

                rows.Add(new IndexRow(key, new StoredDocument(id, new Timestamp((ulong)docTs), VersionLocked(id, docTs))));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<IndexRow>>(rows);
    }

    private void Remember(DocumentId id, long ts, ConvexObject value)
    {
        if (_decoded.Count >= DecodedVersionsMax)
        {
            _decoded.Clear();
        }

        _decoded[(id, ts)] = value;
    }

    /// <summary>A known document version: from the decoded cache, else read and decoded.</summary>
    private ConvexObject VersionLocked(DocumentId id, long ts)
    {
        if (_decoded.TryGetValue((id, ts), out var cached))
        {
            return cached;
        }

        var command = _sql.DocumentVersion;
        SqliteStatements.Bind(command, ("$table", (long)id.Table.Value), ("$id", id.InternalIdBytes()), ("$ts", ts));
        var json = command.ExecuteScalar() as string;
        Invariant.Assert(json is not null); // the version an index entry points to is a live document
        return Decode(id, ts, json!);
    }

    private ConvexObject Decode(DocumentId id, long ts, string json)
    {
        if (!_decoded.TryGetValue((id, ts), out var value))
        {
            value = (ConvexObject)ConvexJson.Decode(json);
            Remember(id, ts, value);
        }

        return value;
    }

    /// <summary>The version visible at <paramref name="at"/>; its JSON is read only on a decoded-cache miss.</summary>
    private StoredDocument? GetLocked(DocumentId id, Timestamp at)
    {
        Span<byte> internalId = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(internalId, id.InternalId);
        var statement = _sql.GetDocument.Int64(1, id.Table.Value).Blob(2, internalId).Int64(3, (long)at.Value);
        try
        {
            if (!statement.Read() || statement.IsNull(1))
            {
                return null;
            }

            var ts = statement.Int64At(0);
            Invariant.Assert(ts <= (long)at.Value);
            var value = _decoded.TryGetValue((id, ts), out var cached) ? cached : Decode(id, ts, statement.TextAt(1));
            return new StoredDocument(id, new Timestamp((ulong)ts), value);
        }
        finally
        {
            statement.Reset();
        }
    }
}
