using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Transactions;

/// <summary>The buffered writes of a transaction (TLA+ <c>Write</c>), with Convex's document rules.</summary>
public sealed partial class Transaction
{
    /// <summary>Inserts a document into a user table, creating the table on first insert.</summary>
    /// <remarks>Completes synchronously today (nothing is read); asynchronous in its signature so that
    /// a schema check against stored metadata can read later without changing callers.</remarks>
    public ValueTask<DocumentId> InsertAsync(string tableName, ConvexObject value, CancellationToken cancellationToken)
    {
        EnsureWritable();
        Identifiers.ValidateTableName(tableName);
        if (tableName.StartsWith('_'))
        {
            throw ReadOnlyTable(tableName);
        }

        RejectSystemFields(value, allowIdentical: null);
        var table = Catalog.FindTable(tableName) ?? CreateTable(tableName);
        return ValueTask.FromResult(InsertInto(table, value));
    }

    /// <summary>Shallow-merges <paramref name="fields"/> into a document (a null value removes the field).</summary>
    public async ValueTask PatchAsync(
        DocumentId id, IReadOnlyList<KeyValuePair<string, ConvexValue?>> fields, CancellationToken cancellationToken)
    {
        EnsureWritable();
        var old = await GetForUpdateAsync(id, "Update", cancellationToken);
        var next = old;
        foreach (var (name, value) in fields)
        {
            if (name is IndexKeys.IdField or IndexKeys.CreationTimeField)
            {
                if (value is null || !value.Equals(old[name]))
                {
                    throw new DatabaseUsageException("InvalidPatch",
                        $"Cannot modify system field `{name}` in a patch of {DocumentIdCodec.Encode(id)}.");
                }

                continue;
            }

            next = value is null ? next.Without(name) : next.With(name, value);
        }

        Write(id, next);
    }

    /// <summary>Replaces a document's user fields; system fields may be included only unchanged.</summary>
    public async ValueTask ReplaceAsync(DocumentId id, ConvexObject value, CancellationToken cancellationToken)
    {
        EnsureWritable();
        var old = await GetForUpdateAsync(id, "Replace", cancellationToken);
        RejectSystemFields(value, allowIdentical: old);
        var next = value
            .With(IndexKeys.IdField, old[IndexKeys.IdField]!)
            .With(IndexKeys.CreationTimeField, old[IndexKeys.CreationTimeField]!);
        Write(id, next);
    }

    /// <summary>Deletes a document.</summary>
    public async ValueTask DeleteAsync(DocumentId id, CancellationToken cancellationToken)
    {
        EnsureWritable();
        await GetForUpdateAsync(id, "Delete", cancellationToken);
        Write(id, null);
    }

    /// <summary>Creates a user index and backfills it from the table's documents at the snapshot.</summary>
    internal ValueTask<IndexInfo> CreateIndexAsync(
        string tableName, string indexName, IReadOnlyList<FieldPath> fields, CancellationToken cancellationToken)
    {
        EnsureWritable();
        var table = Catalog.FindTable(tableName) ?? CreateTable(tableName);
        if (Catalog.FindIndex(table.Number, indexName) is not null)
        {
            throw new DatabaseUsageException("IndexExists", $"Index {tableName}.{indexName} already exists.");
        }

        ReadWholeCatalog();
        var index = new IndexInfo(Catalog.NextIndexId(), table.Number, indexName, [.. fields], IndexKind.User);
        InsertInto(SystemTables.Indexes, SystemTables.IndexRecord(index));
        Catalog = Catalog.WithIndex(index);
        return ValueTask.FromResult(index);
    }

    private DocumentId InsertInto(TableInfo table, ConvexObject value)
    {
        var id = DocumentIdGenerator.New(table.Number, Database.Runtime.Random, Database.Runtime.UnixNanoseconds / 1_000_000);
        Invariant.Assert(!_pending.ContainsKey(id));
        var document = value
            .With(IndexKeys.IdField, new ConvexString(DocumentIdCodec.Encode(id)))
            .With(IndexKeys.CreationTimeField, new ConvexFloat64(NextCreationTime()));
        ValueLimits.ValidateDocument(document);
        Usage.RecordWrite(document);
        _pending[id] = new PendingWrite(id, null, document);
        return id;
    }

    /// <summary>Buffers a new value (null: deleted). GetForUpdateAsync has recorded the snapshot value.</summary>
    private void Write(DocumentId id, ConvexObject? next)
    {
        if (next is not null)
        {
            ValueLimits.ValidateDocument(next);
        }

        Usage.RecordWrite(next);
        _pending[id] = _pending.TryGetValue(id, out var earlier)
            ? earlier with { New = next }
            : new PendingWrite(id, _snapshotValues[id], next);
    }

    private async ValueTask<ConvexObject> GetForUpdateAsync(DocumentId id, string verb, CancellationToken cancellationToken)
    {
        var table = Catalog.FindTable(id.Table);
        if (table is not null && table.Number.IsSystem)
        {
            throw ReadOnlyTable(table.Name);
        }

        var current = await GetAsync(id, cancellationToken);
        if (current is null)
        {
            throw new DatabaseUsageException("NonexistentDocument",
                $"{verb} on nonexistent document ID {DocumentIdCodec.Encode(id)}");
        }

        if (!_pending.ContainsKey(id))
        {
            _snapshotValues[id] = current;
        }

        return current;
    }

    private TableInfo CreateTable(string tableName)
    {
        ReadWholeCatalog();
        var number = Catalog.NextUserTableNumber();
        var byId = Catalog.NextIndexId();
        var table = new TableInfo(tableName, number, byId, new IndexId(byId.Value + 1));
        Catalog = Catalog.WithTable(table);
        InsertInto(SystemTables.Tables, SystemTables.TableRecord(table));
        return table;
    }

    /// <summary>Allocating a table number or index id reads every catalog record, so two
    /// concurrent allocations conflict under OCC and one of them retries.</summary>
    private void ReadWholeCatalog()
    {
        ReadSet.Add(SystemTables.Tables.ByCreationTime, KeyRange.All);
        ReadSet.Add(SystemTables.Indexes.ByCreationTime, KeyRange.All);
    }

    private void EnsureWritable()
    {
        EnsureOpen();
        if (Kind == TransactionKind.ReadOnly)
        {
            throw new DatabaseUsageException("ReadOnlyTransaction", "Queries cannot write to the database.");
        }
    }

    private static void RejectSystemFields(ConvexObject value, ConvexObject? allowIdentical)
    {
        foreach (var name in new[] { IndexKeys.IdField, IndexKeys.CreationTimeField })
        {
            if (value[name] is { } given && (allowIdentical is null || !given.Equals(allowIdentical[name])))
            {
                throw new DatabaseUsageException("InvalidSystemField",
                    $"System field `{name}` cannot be set: it is assigned by Convex.");
            }
        }
    }

    private static DatabaseUsageException ReadOnlyTable(string name) =>
        new("ReadOnlyTable", $"Table {name} is a system table and is read-only.");
}
