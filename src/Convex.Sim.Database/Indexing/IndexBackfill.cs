using Convex.Sim.Core;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Indexing;

/// <summary>
/// Fills a new index with an entry for every document of its table, inside the transaction that
/// creates the index. The scan records the whole table in the read set, so a concurrent write to
/// the table makes the creation retry instead of leaving an entry out. Documents the transaction
/// itself writes get their entries through the normal commit path. System work: not counted
/// against the user's per-transaction write limits.
/// </summary>
internal static class IndexBackfill
{
    public static async Task WriteEntriesAsync(Transaction transaction, IndexInfo index, CancellationToken cancellationToken)
    {
        var table = transaction.Catalog.FindTable(index.Table);
        Invariant.Assert(table is not null);
        var pending = transaction.PendingWrites.Select(p => p.Id).ToHashSet();
        var stream = transaction.OpenStream(table!.Name, IndexInfo.ByCreationTimeName, IndexRange.All, ScanOrder.Ascending);
        var count = 0;
        while (await stream.NextAsync(cancellationToken) is { } row)
        {
            if (pending.Contains(row.Id))
            {
                continue;
            }

            transaction.AddBackfillEntry(new IndexWrite(index.Id, IndexKeys.KeyOf(index, row.Id, row.Document), row.Id));
            count++;
        }

        Invariant.Assert(count <= transaction.RowsRead);
    }
}
