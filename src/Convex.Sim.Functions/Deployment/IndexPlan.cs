using System.Collections.Immutable;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Schema;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Deployment;

/// <summary>One database index that a push adds or removes.</summary>
public sealed record IndexChange(string Table, string Name, ImmutableArray<FieldPath> Fields);

/// <summary>
/// What a schema changes in the database's indexes: the declared indexes that do not exist yet are
/// added; the existing user indexes that the schema no longer declares are removed; an index whose
/// fields changed is both (dropped, then created and backfilled under the same name). The schema
/// declares every index, so indexes of tables it does not mention are removed too.
/// Lists are in (table, name) order.
/// </summary>
public sealed record IndexPlan(IReadOnlyList<IndexChange> Added, IReadOnlyList<IndexChange> Removed)
{
    public static IndexPlan Between(TableCatalog catalog, DatabaseSchema schema)
    {
        var added = new List<IndexChange>();
        var removed = new List<IndexChange>();
        foreach (var table in schema.Tables.Values)
        {
            var info = catalog.FindTable(table.Name);
            foreach (var index in table.Indexes)
            {
                var existing = info is null ? null : catalog.FindIndex(info.Number, index.Name);
                if (existing is null || !existing.Fields.SequenceEqual(index.Fields))
                {
                    added.Add(new IndexChange(table.Name, index.Name, index.Fields));
                }
            }
        }

        foreach (var index in catalog.Indexes.Where(i => i.Kind == IndexKind.User && !i.Table.IsSystem))
        {
            var tableName = catalog.FindTable(index.Table)!.Name;
            var declared = schema.Tables.GetValueOrDefault(tableName)?.Indexes.FirstOrDefault(i => i.Name == index.Name);
            if (declared is null || !declared.Fields.SequenceEqual(index.Fields))
            {
                removed.Add(new IndexChange(tableName, index.Name, index.Fields));
            }
        }

        return new IndexPlan(Sorted(added), Sorted(removed));
    }

    public static IndexPlan Between(DatabaseEngine database, DatabaseSchema? schema) =>
        schema is null ? new IndexPlan([], []) : Between(database.Catalog, schema);

    private static List<IndexChange> Sorted(List<IndexChange> changes) =>
        [.. changes.OrderBy(c => c.Table, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal)];
}
