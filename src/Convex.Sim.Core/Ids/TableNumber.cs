namespace Convex.Sim.Core.Ids;

/// <summary>
/// The number of a table, encoded in every document ID. Numbers 1..10000 are reserved for system
/// tables; user tables start at <see cref="FirstUser"/> as in the official backend.
/// </summary>
public readonly record struct TableNumber(uint Value) : IComparable<TableNumber>
{
    public static readonly TableNumber FirstUser = new(10001);

    public bool IsSystem => Value <= 10000;

    public int CompareTo(TableNumber other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The number of an index (built-in or user defined). Unique across the deployment.</summary>
public readonly record struct IndexId(uint Value) : IComparable<IndexId>
{
    public int CompareTo(IndexId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
