using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Catalog;

/// <summary>
/// The bootstrap system tables that describe every other table and index. They are ordinary
/// documents written in ordinary transactions, so creating a table or an index is serialised by
/// OCC like any other write, and recovery needs nothing but the persisted documents.
/// <list type="bullet">
/// <item><c>_tables</c> (number 1): <c>{name, number, byId, byCreationTime}</c>, index <c>by_name</c>.</item>
/// <item><c>_index</c> (number 2): <c>{table, name, fields, indexId}</c> for declared indexes,
///   index <c>by_table</c> on <c>[table, name]</c>; a dropped index keeps its record with
///   <c>dropped: true</c>, which reserves its id forever.</item>
/// <item><c>_session_requests</c> (number 3): the recorded outcome of each successful mutation sent
///   over a sync session, <c>{sessionId, requestId, outcome}</c>, index <c>by_request</c> on
///   <c>[sessionId, requestId]</c>; it makes a re-sent mutation idempotent (convex-compat §3.7.3).</item>
/// </list>
/// Like the first two, the third is part of the bootstrap catalog, so a database created before it
/// existed opens with it too (empty).
/// </summary>
public static class SystemTables
{
    public static readonly TableInfo Tables = new("_tables", new TableNumber(1), new IndexId(1), new IndexId(2));
    public static readonly TableInfo Indexes = new("_index", new TableNumber(2), new IndexId(4), new IndexId(5));

    public static readonly IndexInfo TablesByName = new(
        new IndexId(3), Tables.Number, "by_name", [FieldPath.Parse("name")], IndexKind.User);

    public static readonly IndexInfo IndexesByTable = new(
        new IndexId(6), Indexes.Number, "by_table", [FieldPath.Parse("table"), FieldPath.Parse("name")], IndexKind.User);

    public static readonly TableInfo SessionRequests =
        new("_session_requests", new TableNumber(3), new IndexId(7), new IndexId(8));

    public static readonly IndexInfo SessionRequestsByRequest = new(
        new IndexId(9), SessionRequests.Number, "by_request",
        [FieldPath.Parse("sessionId"), FieldPath.Parse("requestId")], IndexKind.User);

    /// <summary>Index ids below this are reserved for system tables.</summary>
    public const uint FirstUserIndexId = 1001;

    public static ConvexObject TableRecord(TableInfo table) => ConvexObject.From(
    [
        new("name", new ConvexString(table.Name)),
        new("number", new ConvexInt64(table.Number.Value)),
        new("byId", new ConvexInt64(table.ById.Value)),
        new("byCreationTime", new ConvexInt64(table.ByCreationTime.Value)),
    ]);

    public static TableInfo ParseTableRecord(ConvexObject doc) => new(
        ((ConvexString)doc["name"]!).Value,
        new TableNumber(checked((uint)((ConvexInt64)doc["number"]!).Value)),
        new IndexId(checked((uint)((ConvexInt64)doc["byId"]!).Value)),
        new IndexId(checked((uint)((ConvexInt64)doc["byCreationTime"]!).Value)));

    public static ConvexObject IndexRecord(IndexInfo index)
    {
        Invariant.Assert(index.Kind == IndexKind.User);
        var fields = index.Fields.Select(f => (ConvexValue)new ConvexString(f.ToString())).ToImmutableArray();
        return ConvexObject.From(
        [
            new("table", new ConvexInt64(index.Table.Value)),
            new("name", new ConvexString(index.Name)),
            new("fields", new ConvexArray(fields)),
            new("indexId", new ConvexInt64(index.Id.Value)),
        ]);
    }

    /// <summary>The record of an index that was dropped.</summary>
    public static ConvexObject DroppedIndexRecord(ConvexObject record) => record.With("dropped", ConvexBoolean.True);

    public static bool IsDropped(ConvexObject indexRecord) => indexRecord["dropped"] is ConvexBoolean { Value: true };

    public static IndexInfo ParseIndexRecord(ConvexObject doc)
    {
        var fields = ((ConvexArray)doc["fields"]!).Items
            .Select(v => FieldPath.Parse(((ConvexString)v).Value)).ToImmutableArray();
        return new IndexInfo(
            new IndexId(checked((uint)((ConvexInt64)doc["indexId"]!).Value)),
            new TableNumber(checked((uint)((ConvexInt64)doc["table"]!).Value)),
            ((ConvexString)doc["name"]!).Value,
            fields,
            IndexKind.User);
    }
}
