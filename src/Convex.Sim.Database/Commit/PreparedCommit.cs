using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Log;
using Convex.Sim.Database.Reads;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Commit;

/// <summary>
/// What a read-write transaction hands to the committer: its snapshot and read set (for OCC), the
/// document and index writes (for persistence), and the keys it touched (for the write log).
/// Index entries are written only where a key changed; the write log gets the old and new key of
/// every written document in every index, including by_id, because readers of an unchanged key
/// still saw the old document.
/// </summary>
internal sealed record PreparedCommit(
    Timestamp SnapshotTs,
    ReadSet ReadSet,
    IReadOnlyList<DocumentWrite> Documents,
    IReadOnlyList<IndexWrite> Indexes,
    IReadOnlyList<TouchedKey> Touched)
{
    public static PreparedCommit From(Transaction transaction)
    {
        var documents = new List<DocumentWrite>();
        var indexes = new List<IndexWrite>();
        var touched = new List<TouchedKey>();
        foreach (var write in transaction.PendingWrites)
        {
            if (write.Old is null && write.New is null)
            {
                continue; // inserted and deleted in the same transaction: nothing happened
            }

            documents.Add(new DocumentWrite(write.Id, write.New));
            foreach (var index in transaction.Catalog.IndexesOf(write.Id.Table))
            {
                AddIndexChanges(index, write, indexes, touched);
            }
        }

        foreach (var entry in transaction.BackfillEntries)
        {
            indexes.Add(entry);
            touched.Add(new TouchedKey(entry.Index, entry.Key));
        }

        Invariant.Assert(documents.Count <= transaction.PendingWrites.Count);
        return new PreparedCommit(transaction.SnapshotTs, transaction.ReadSet, documents, indexes, touched);
    }

    /// <summary>The catalog after this commit, given the catalog before it.</summary>
    public TableCatalog ApplyTo(TableCatalog catalog)
    {
        foreach (var write in Documents)
        {
            if (write.Id.Table.IsSystem)
            {
                catalog = catalog.Apply(write.Id, write.Value);
            }
        }

        return catalog;
    }

    private static void AddIndexChanges(IndexInfo index, PendingWrite write, List<IndexWrite> indexes, List<TouchedKey> touched)
    {
        var oldKey = write.Old is null ? null : IndexKeys.KeyOf(index, write.Id, write.Old);
        var newKey = write.New is null ? null : IndexKeys.KeyOf(index, write.Id, write.New);
        if (oldKey is not null)
        {
            touched.Add(new TouchedKey(index.Id, oldKey));
        }

        if (newKey is not null && (oldKey is null || !oldKey.AsSpan().SequenceEqual(newKey)))
        {
            touched.Add(new TouchedKey(index.Id, newKey));
        }

        if (index.Kind == IndexKind.ById || (oldKey is not null && newKey is not null && oldKey.AsSpan().SequenceEqual(newKey)))
        {
            return; // by_id is served from documents; an unchanged key keeps pointing at the document
        }

        if (oldKey is not null)
        {
            indexes.Add(new IndexWrite(index.Id, oldKey, null));
        }

        if (newKey is not null)
        {
            indexes.Add(new IndexWrite(index.Id, newKey, write.Id));
        }
    }
}
