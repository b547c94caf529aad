using System.Collections.Immutable;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Catalog;

/// <summary>A table: its name, number, and the ids of its two built-in indexes.</summary>
public sealed record TableInfo(string Name, TableNumber Number, IndexId ById, IndexId ByCreationTime);

public enum IndexKind
{
    /// <summary>Keyed by the document id; served from the documents themselves (no index entries).</summary>
    ById = 1,

    /// <summary>Key [_creationTime, _id]: the order of full table scans.</summary>
    ByCreationTime = 2,

    /// <summary>A declared index: key [f1..fn, _creationTime, _id].</summary>
    User = 3,
}

/// <summary>An index of a table. <see cref="Fields"/> are the declared fields (empty for built-ins).</summary>
public sealed record IndexInfo(IndexId Id, TableNumber Table, string Name, ImmutableArray<FieldPath> Fields, IndexKind Kind)
{
    public const string ByIdName = "by_id";
    public const string ByCreationTimeName = "by_creation_time";
}
