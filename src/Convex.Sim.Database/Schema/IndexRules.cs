using System.Collections.Immutable;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// The push-time rules for a table's name and indexes (§7.3, §7.4), with the backend's error codes
/// and wording (plus the table and index the backend sometimes leaves out). Checked in the backend's
/// order, so the first problem reported is the same: table name; index count; each database index
/// (name, fields); identical database indexes; search and vector indexes; then names across kinds.
/// </summary>
internal static class IndexRules
{
    public const int IndexesPerTableMax = 64;

    /// <summary>
    /// The backend counts the implicit trailing <c>_creationTime</c> against this limit, so a schema may
    /// declare at most 15 fields per index.
    /// </summary>
    public const int IndexFieldsMax = 16;

    public const int FilterFieldsMax = 16;
    public const int VectorDimensionsMin = 2;
    public const int VectorDimensionsMax = 4096;

    public static void Validate(TableDefinition table)
    {
        CheckTableName(table.Name);
        if (table.IndexCount > IndexesPerTableMax)
        {
            throw Fail("TooManyIndexes", $"Table \"{table.Name}\" cannot have more than {IndexesPerTableMax} indexes.");
        }

        foreach (var index in table.Indexes)
        {
            CheckDatabaseIndex(table.Name, index, "index");
        }

        foreach (var index in table.StagedDbIndexes)
        {
            CheckDatabaseIndex(table.Name, index, "staged index");
        }

        CheckDistinct(
            table.Indexes.Concat(table.StagedDbIndexes), i => i.Name, i => string.Join(",", i.Fields),
            (a, b) => Fail("IndexNotUnique",
                $"In table \"{table.Name}\" index \"{a}\" and index \"{b}\" have the same fields. " +
                "Indexes must be unique within a table."));
        CheckSearchIndexes(table);
        CheckVectorIndexes(table);
        CheckNames(table);
    }

    /// <summary>An identifier, not reserved for system tables.</summary>
    public static void CheckTableName(string name)
    {
        if (!Identifiers.IsValidIdentifier(name))
        {
            throw Fail("InvalidTableName",
                $"Invalid table name: \"{name}\". Identifiers must start with a letter and can only contain letters, " +
                "digits, and underscores.");
        }

        if (name.StartsWith('_'))
        {
            throw Fail("TableNameReserved", $"{name} is a reserved table name.");
        }
    }

    public static void CheckIndexName(string table, string name)
    {
        if (!Identifiers.IsValidIdentifier(name))
        {
            throw Fail("InvalidIndexName",
                $"In table \"{table}\": Invalid index name: \"{name}\". Identifiers must be 64 characters or less, " +
                "start with a letter, and only contain letters, digits, underscores.");
        }
    }

    /// <summary>A dot-separated path of identifiers; the backend's <c>IdentifierFieldName</c> rule per part.</summary>
    public static bool IsValidFieldPath(string path) => path.Split('.').All(Identifiers.IsValidIdentifier);

    private static void CheckDatabaseIndex(string table, IndexDefinition index, string what)
    {
        CheckIndexName(table, index.Name);
        var context = $"In table \"{table}\": In index \"{index.Name}\": ";
        if (index.Fields.IsEmpty)
        {
            throw Fail("EmptyIndex", $"In table \"{table}\" {what} \"{index.Name}\" must have at least one field.");
        }

        if (index.Fields.Any(f => f.Parts is ["_id"]))
        {
            throw Fail("IndexFieldsContainId",
                context + "`_id` is not a valid index field. To load documents by ID, use `db.get(id)`.");
        }

        var seen = new HashSet<FieldPath>();
        foreach (var field in index.Fields)
        {
            if (!IsValidFieldPath(field.ToString()))
            {
                throw Fail("InvalidIndexField", context + $"Invalid index field: \"{field}\"");
            }

            if (!seen.Add(field))
            {
                throw Fail("FieldsNotUniqueWithinIndex",
                    context + $"Duplicate field \"{field}\". Index fields must be unique within an index.");
            }
        }

        CheckReservedFields(index, context);
    }

    private static void CheckReservedFields(IndexDefinition index, string context)
    {
        if (index.Fields.Any(f => f.Parts is ["_creationTime"]))
        {
            throw Fail("IndexFieldsContainCreationTime",
                context + "`_creationTime` is automatically added to the end of each index. It should not be " +
                "added explicitly in the index definition. See https://docs.convex.dev/using/indexes for more " +
                "details.");
        }

        if (index.Fields.Any(f => f.Parts.Any(part => part.StartsWith('_'))))
        {
            throw Fail("IndexFieldNameReserved",
                context + "Reserved fields (starting with `_`) are not allowed in indexes.");
        }

        // The implicit _creationTime counts towards the limit.
        if (index.Fields.Length + 1 > IndexFieldsMax)
        {
            throw Fail("IndexTooManyFields", context + $"Indexes may have up to {IndexFieldsMax} fields.");
        }
    }

    private static void CheckSearchIndexes(TableDefinition table)
    {
        foreach (var index in table.SearchIndexes.Concat(table.StagedSearchIndexes))
        {
            CheckIndexName(table.Name, index.Name);
            CheckFilterFields(table.Name, index.Name, index.FilterFields, "Search");
        }

        CheckDistinct(
            table.SearchIndexes.Concat(table.StagedSearchIndexes), i => i.Name,
            i => $"{i.SearchField}|{FieldSet(i.FilterFields)}",
            (a, b) => Fail("SearchIndexFieldNotUnique",
                $"In table \"{table.Name}\" search index \"{a}\" and search index \"{b}\" have the same " +
                "`searchField`. " +
                "Search index fields must be unique within a table. You should combine the indexes with the same " +
                "`searchField` into one index containing all `filterField`s and then use different subsets of the " +
                "`filterField`s at query time."));
    }

    private static void CheckVectorIndexes(TableDefinition table)
    {
        foreach (var index in table.VectorIndexes.Concat(table.StagedVectorIndexes))
        {
            CheckIndexName(table.Name, index.Name);
            if (index.Dimensions is < VectorDimensionsMin or > VectorDimensionsMax)
            {
                throw Fail("InvalidVectorDimensionError",
                    $"In table \"{table.Name}\": In index \"{index.Name}\": Dimensions {index.Dimensions} must be " +
                    $"between {VectorDimensionsMin} and {VectorDimensionsMax}.");
            }

            CheckFilterFields(table.Name, index.Name, index.FilterFields, "Vector");
        }

        CheckDistinct(
            table.VectorIndexes.Concat(table.StagedVectorIndexes), i => i.Name, i => $"{i.VectorField}|{i.Dimensions}",
            (a, b) => Fail("VectorIndexFieldNotUnique",
                $"In table \"{table.Name}\" vector index \"{a}\" and vector index \"{b}\" have the same " +
                "`vectorField`. " +
                "Vector index fields must be unique within a table. You should combine the indexes with the same " +
                "`vectorField` into one index containing all `filterField`s and then use different subsets of the " +
                "`filterField`s at query time."));
    }

    private static void CheckFilterFields(string table, string index, ImmutableArray<FieldPath> fields, string kind)
    {
        if (fields.Distinct().Count() > FilterFieldsMax)
        {
            throw Fail("IndexTooManyFilterFields",
                $"In table \"{table}\": In index \"{index}\": {kind} indexes may have up to {FilterFieldsMax} " +
                "filter fields.");
        }
    }

    /// <summary>Index names: not reserved, and unique across every kind of index in the table.</summary>
    private static void CheckNames(TableDefinition table)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in table.IndexNames)
        {
            if (name.StartsWith('_') || name is "by_id" or "by_creation_time")
            {
                throw Fail("IndexNameReserved",
                    $"In table \"{table.Name}\" cannot name an index \"{name}\" because the name is reserved. " +
                    "Indexes may not start with an underscore or be named \"by_id\" or \"by_creation_time\".");
            }

            if (!seen.Add(name))
            {
                throw Fail("IndexNamesNotUnique",
                    $"Table \"{table.Name}\" has two or more definitions of index \"{name}\".");
            }
        }
    }

    /// <summary>
    /// Fails on two differently named indexes with the same key. Visits indexes by name (ordinal), as
    /// the backend does, so it names the later index first and the earlier second.
    /// </summary>
    private static void CheckDistinct<T>(
        IEnumerable<T> indexes, Func<T, string> name, Func<T, string> key, Func<string, string, Exception> fail)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in indexes.OrderBy(name, StringComparer.Ordinal))
        {
            // A repeated name is reported by the name check, not as two identical indexes.
            if (names.Add(name(index)) && !seen.TryAdd(key(index), name(index)))
            {
                throw fail(name(index), seen[key(index)]);
            }
        }
    }

    /// <summary>Filter fields are a set: order and repeats do not make two search indexes different.</summary>
    private static string FieldSet(ImmutableArray<FieldPath> fields) =>
        string.Join(",", fields.Select(f => f.ToString()).Distinct().Order(StringComparer.Ordinal));

    private static SchemaDefinitionException Fail(string code, string message) => new(code, message);
}
