using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Transactions;

/// <summary>Dropping declared indexes (a push whose schema no longer declares them, or changes their fields).</summary>
public sealed partial class Transaction
{
    /// <summary>
    /// Drops a user index: its <c>_index</c> record is marked dropped, so the catalog forgets the
    /// index while its id stays reserved (ids are never reused, so entries a dropped index left in
    /// storage can never be read as another index's). Queries planned on the index after the commit
    /// fail with IndexNotFound; the table's documents are untouched.
    /// </summary>
    internal async ValueTask DropIndexAsync(string tableName, string indexName, CancellationToken cancellationToken)
    {
        EnsureWritable();
        var table = Catalog.FindTable(tableName);
        var index = table is null ? null : Catalog.FindIndex(table.Number, indexName);
        if (index is null || index.Kind != IndexKind.User)
        {
            throw new DatabaseUsageException("IndexNotFound", $"Index {tableName}.{indexName} not found.");
        }

        ReadWholeCatalog();
        var range = IndexRange.Eq(new ConvexInt64(index.Table.Value), new ConvexString(index.Name))
            .ToKeyRange(SystemTables.IndexesByTable);
        var rows = await Database.ScanAsync(SystemTables.IndexesByTable.Id, range, SnapshotTs, ScanOrder.Ascending, int.MaxValue, cancellationToken);
        var record = rows.Select(r => r.Document).Single(d => SystemTables.ParseIndexRecord(d.Value).Id == index.Id);
        Invariant.Assert(!_pending.ContainsKey(record.Id));
        _snapshotValues[record.Id] = record.Value;
        Write(record.Id, SystemTables.DroppedIndexRecord(record.Value));
        Catalog = Catalog.Apply(record.Id, _pending[record.Id].New);
        Invariant.Assert(Catalog.FindIndex(index.Id) is null);
    }
}
