using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Catalog;

/// <summary>
/// An immutable view of the tables and indexes as of some timestamp. The committer publishes a new
/// catalog with every commit that writes a system table; a transaction uses the catalog of its
/// snapshot plus the tables and indexes it creates itself.
/// Invariant: every table's built-in indexes and every user index appear in <see cref="Indexes"/>.
/// </summary>
public sealed class TableCatalog
{
    private readonly ImmutableSortedDictionary<string, TableInfo> _byName;
    private readonly ImmutableSortedDictionary<TableNumber, TableInfo> _byNumber;
    private readonly ImmutableSortedDictionary<IndexId, IndexInfo> _indexes;

    /// <summary>The highest index id of a dropped index (0: none); ids up to it are never handed out again.</summary>
    private readonly uint _droppedIdMax;

    /// <summary>Each table's indexes in index-id order, computed once per catalog (every commit asks for them).</summary>
    private readonly Lazy<ImmutableSortedDictionary<TableNumber, IReadOnlyList<IndexInfo>>> _byTable;

    private TableCatalog(
        ImmutableSortedDictionary<string, TableInfo> byName,
        ImmutableSortedDictionary<TableNumber, TableInfo> byNumber,
        ImmutableSortedDictionary<IndexId, IndexInfo> indexes,
        uint droppedIdMax = 0)
    {
        Invariant.Assert(byName.Count == byNumber.Count);
        _byName = byName;
        _byNumber = byNumber;
        _indexes = indexes;
        _droppedIdMax = droppedIdMax;
        _byTable = new(() => _indexes.Values.GroupBy(i => i.Table)
            .ToImmutableSortedDictionary(g => g.Key, g => (IReadOnlyList<IndexInfo>)[.. g]));
    }

    /// <summary>The catalog of an empty database: only the system tables.</summary>
    public static TableCatalog Bootstrap { get; } = new TableCatalog(
            ImmutableSortedDictionary.Create<string, TableInfo>(StringComparer.Ordinal),
            ImmutableSortedDictionary<TableNumber, TableInfo>.Empty,
            ImmutableSortedDictionary<IndexId, IndexInfo>.Empty)
        .WithTable(SystemTables.Tables)
        .WithTable(SystemTables.Indexes)
        .WithTable(SystemTables.SessionRequests)
        .WithIndex(SystemTables.TablesByName)
        .WithIndex(SystemTables.IndexesByTable)
        .WithIndex(SystemTables.SessionRequestsByRequest);

    public IEnumerable<TableInfo> Tables => _byNumber.Values;

    public IEnumerable<IndexInfo> Indexes => _indexes.Values;

    public TableInfo? FindTable(string name) => _byName.GetValueOrDefault(name);

    public TableInfo? FindTable(TableNumber number) => _byNumber.GetValueOrDefault(number);

    public IndexInfo? FindIndex(IndexId id) => _indexes.GetValueOrDefault(id);

    public IndexInfo? FindIndex(TableNumber table, string name) =>
        _indexes.Values.FirstOrDefault(i => i.Table == table && i.Name == name);

    /// <summary>The indexes of a table, built-ins first, in index-id order (deterministic).</summary>
    public IReadOnlyList<IndexInfo> IndexesOf(TableNumber table) =>
        _byTable.Value.GetValueOrDefault(table) ?? [];

    public TableNumber NextUserTableNumber() =>
        new(Math.Max(TableNumber.FirstUser.Value, _byNumber.Keys.Select(k => k.Value + 1).DefaultIfEmpty(0u).Max()));

    public IndexId NextIndexId() =>
        new(Math.Max(Math.Max(SystemTables.FirstUserIndexId, _droppedIdMax + 1),
            _indexes.Keys.Select(k => k.Value + 1).DefaultIfEmpty(0u).Max()));

    public TableCatalog WithTable(TableInfo table)
    {
        Invariant.Assert(!_byName.ContainsKey(table.Name));
        Invariant.Assert(!_byNumber.ContainsKey(table.Number));
        var byId = new IndexInfo(table.ById, table.Number, IndexInfo.ByIdName, [], IndexKind.ById);
        var byTime = new IndexInfo(table.ByCreationTime, table.Number, IndexInfo.ByCreationTimeName, [],
            IndexKind.ByCreationTime);
        return new TableCatalog(
            _byName.Add(table.Name, table),
            _byNumber.Add(table.Number, table),
            _indexes.Add(byId.Id, byId).Add(byTime.Id, byTime),
            _droppedIdMax);
    }

    public TableCatalog WithIndex(IndexInfo index)
    {
        Invariant.Assert(index.Kind == IndexKind.User);
        Invariant.Assert(_byNumber.ContainsKey(index.Table));
        Invariant.Assert(!_indexes.ContainsKey(index.Id));
        return new TableCatalog(_byName, _byNumber, _indexes.Add(index.Id, index), _droppedIdMax);
    }

    /// <summary>Forgets a dropped index, reserving its id.</summary>
    private TableCatalog WithoutIndex(IndexId id) =>
        new(_byName, _byNumber, _indexes.Remove(id), Math.Max(_droppedIdMax, id.Value));

    /// <summary>
    /// Applies a committed write of a system-table document: table and index records are added, and
    /// an index record marked dropped removes its index (records are never deleted).
    /// </summary>
    public TableCatalog Apply(DocumentId id, ConvexObject? value)
    {
        if (value is null)
        {
            return this;
        }

        if (id.Table == SystemTables.Tables.Number)
        {
            var table = SystemTables.ParseTableRecord(value);
            return _byNumber.ContainsKey(table.Number) ? this : WithTable(table);
        }

        if (id.Table == SystemTables.Indexes.Number)
        {
            var index = SystemTables.ParseIndexRecord(value);
            if (SystemTables.IsDropped(value))
            {
                return WithoutIndex(index.Id);
            }

            return _indexes.ContainsKey(index.Id) ? this : WithIndex(index);
        }

        return this;
    }
}
