using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Query;

/// <summary>
/// A query resolved against a catalog: the index to scan, the range within it, the order, and the
/// fingerprint that cursors must match. Compiling is where <c>1.0/queryStream</c> reports bad index
/// names and ranges, before any row is read (convex-compat §5.5.1).
/// </summary>
public sealed class CompiledQuery
{
    private CompiledQuery(
        SerializedQuery query, IndexInfo? index, IndexRange range, ImmutableArray<FieldPath> indexedFields)
    {
        Query = query;
        Index = index;
        Range = range;
        IndexedFields = indexedFields;
        Fingerprint = QueryFingerprint.Of(query, indexedFields);
    }

    public SerializedQuery Query { get; }

    public string TableName => Query.Source.TableName;

    /// <summary>The index to scan; null when a full table scan names a table that does not exist (yet),
    /// which yields no rows, as in the backend.</summary>
    public IndexInfo? Index { get; }

    public IndexRange Range { get; }

    public ImmutableArray<FieldPath> IndexedFields { get; }

    public ScanOrder Order => Query.Source switch
    {
        FullTableScanSource scan => scan.Order,
        IndexRangeSource range => range.Order,
        _ => Invariant.Unreachable<ScanOrder>("search queries are not compiled"),
    };

    public ulong Fingerprint { get; }

    public static CompiledQuery Compile(SerializedQuery query, TableCatalog catalog) => query.Source switch
    {
        FullTableScanSource scan => CompileScan(query, scan, catalog),
        IndexRangeSource range => CompileRange(query, range, catalog),
        SearchSource search => throw QueryErrors.Unsupported(
            $"Full-text search (withSearchIndex on {search.Table}.{search.Index}) is not supported yet."),
        _ => Invariant.Unreachable<CompiledQuery>("unknown query source"),
    };

    private static CompiledQuery CompileScan(SerializedQuery query, FullTableScanSource scan, TableCatalog catalog)
    {
        var table = catalog.FindTable(scan.Table);
        var index = table is null ? null : catalog.FindIndex(table.ByCreationTime);
        if (table is not null)
        {
            Invariant.Assert(index is { Kind: IndexKind.ByCreationTime });
        }

        // The same fields whether or not the table exists, so a cursor stays valid once it is created.
        return new CompiledQuery(query, index, IndexRange.All, [FieldPath.Parse(IndexKeys.CreationTimeField)]);
    }

    private static CompiledQuery CompileRange(SerializedQuery query, IndexRangeSource source, TableCatalog catalog)
    {
        var table = catalog.FindTable(source.Table);
        var index = table is null ? null : catalog.FindIndex(table.Number, source.Index);
        if (index is null)
        {
            throw QueryErrors.IndexNotFound(source.Table, source.Index);
        }

        if (index.Kind == IndexKind.ById)
        {
            throw QueryErrors.Unsupported(
                $"Queries over {source.Table}.{IndexInfo.ByIdName} are not supported yet; use db.get(id) or " +
                $"{IndexInfo.ByCreationTimeName}.");
        }

        var range = IndexRangeCompiler.Compile(source, index);
        return new CompiledQuery(query, index, range, IndexRangeCompiler.IndexedFields(index));
    }
}
