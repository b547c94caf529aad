using System.Collections.Immutable;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// A database index declared in a schema (§7.4): <c>.index(name, [f1, …, fn])</c>. <see cref="Fields"/>
/// are the declared fields only; the stored key appends <c>_creationTime</c> and <c>_id</c>.
/// Equality compares the field lists element by element.
/// </summary>
public sealed record IndexDefinition(string Name, ImmutableArray<FieldPath> Fields)
{
    public bool Equals(IndexDefinition? other) =>
        other is not null && Name == other.Name && Fields.SequenceEqual(other.Fields);

    public override int GetHashCode() => SchemaHash.Of(Fields);

    public override string ToString() => $"{Name} [{string.Join(", ", Fields)}]";
}

/// <summary>A full-text search index (§7.7): one searched string field plus equality filter fields.</summary>
public sealed record SearchIndexDefinition(string Name, FieldPath SearchField, ImmutableArray<FieldPath> FilterFields)
{
    public bool Equals(SearchIndexDefinition? other) =>
        other is not null && Name == other.Name && SearchField.Equals(other.SearchField)
        && FilterFields.SequenceEqual(other.FilterFields);

    public override int GetHashCode() => SchemaHash.Of(FilterFields, SearchField.GetHashCode());
}

/// <summary>A vector index (§7.8): an array-of-float64 field of fixed dimension plus filter fields.</summary>
public sealed record VectorIndexDefinition(
    string Name, FieldPath VectorField, int Dimensions, ImmutableArray<FieldPath> FilterFields)
{
    public bool Equals(VectorIndexDefinition? other) =>
        other is not null && Name == other.Name && VectorField.Equals(other.VectorField)
        && Dimensions == other.Dimensions && FilterFields.SequenceEqual(other.FilterFields);

    public override int GetHashCode() => SchemaHash.Of(FilterFields, VectorField.GetHashCode() ^ Dimensions);
}

/// <summary>Deterministic hashing of field lists (<see cref="HashCode"/> is seeded per process).</summary>
internal static class SchemaHash
{
    public static int Of(ImmutableArray<FieldPath> fields, int seed = 17) =>
        fields.Aggregate(seed, (hash, field) => unchecked((hash * 31) + field.GetHashCode()));
}
