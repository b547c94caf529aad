using System.Collections.Immutable;
using Convex.Sim.Core.Validators;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// One table of a schema (§7.9.1): its indexes of each kind, live and staged, and the validator its
/// documents must match. Construction enforces the backend's table and index rules
/// (<see cref="IndexRules"/>), so every instance is one the backend would accept.
/// </summary>
public sealed class TableDefinition
{
    public TableDefinition(
        string name,
        ImmutableArray<IndexDefinition> indexes,
        ImmutableArray<IndexDefinition> stagedDbIndexes,
        ImmutableArray<SearchIndexDefinition> searchIndexes,
        ImmutableArray<SearchIndexDefinition> stagedSearchIndexes,
        ImmutableArray<VectorIndexDefinition> vectorIndexes,
        ImmutableArray<VectorIndexDefinition> stagedVectorIndexes,
        Validator? documentType)
    {
        Name = name;
        Indexes = indexes.IsDefault ? [] : indexes;
        StagedDbIndexes = stagedDbIndexes.IsDefault ? [] : stagedDbIndexes;
        SearchIndexes = searchIndexes.IsDefault ? [] : searchIndexes;
        StagedSearchIndexes = stagedSearchIndexes.IsDefault ? [] : stagedSearchIndexes;
        VectorIndexes = vectorIndexes.IsDefault ? [] : vectorIndexes;
        StagedVectorIndexes = stagedVectorIndexes.IsDefault ? [] : stagedVectorIndexes;
        DocumentType = CheckDocumentType(name, documentType)?.WithoutTopLevelSystemFields();
        IndexRules.Validate(this);
    }

    public string Name { get; }

    public ImmutableArray<IndexDefinition> Indexes { get; }

    /// <summary>Declared with <c>staged: true</c>: backfilled in the background, not queryable.</summary>
    public ImmutableArray<IndexDefinition> StagedDbIndexes { get; }

    public ImmutableArray<SearchIndexDefinition> SearchIndexes { get; }

    public ImmutableArray<SearchIndexDefinition> StagedSearchIndexes { get; }

    public ImmutableArray<VectorIndexDefinition> VectorIndexes { get; }

    public ImmutableArray<VectorIndexDefinition> StagedVectorIndexes { get; }

    /// <summary>
    /// The document validator with top-level <c>_</c> fields removed (the backend drops them, since
    /// system fields are always allowed), or null when the table declared none (no validation).
    /// Always <c>v.any()</c>, an object, or a union of objects.
    /// </summary>
    public Validator? DocumentType { get; }

    /// <summary>Every index name of every kind, in declaration order (live before staged).</summary>
    public IEnumerable<string> IndexNames =>
        Indexes.Concat(StagedDbIndexes).Select(i => i.Name)
            .Concat(SearchIndexes.Concat(StagedSearchIndexes).Select(i => i.Name))
            .Concat(VectorIndexes.Concat(StagedVectorIndexes).Select(i => i.Name));

    public int IndexCount =>
        Indexes.Length + StagedDbIndexes.Length + SearchIndexes.Length + StagedSearchIndexes.Length
        + VectorIndexes.Length + StagedVectorIndexes.Length;

    private static Validator? CheckDocumentType(string table, Validator? documentType)
    {
        var acceptable = documentType switch
        {
            null => true,
            ObjectValidator => true,
            UnionValidator union => union.Members.All(m => m is ObjectValidator),
            _ => documentType.Kind == ValidatorKind.Any,
        };
        if (!acceptable)
        {
            throw new SchemaDefinitionException(
                "InvalidTopLevelTypeInSchemaError",
                $"In table \"{table}\": The document validator in a schema must be an object, a union of objects, " +
                $"or `v.any()`. Found {documentType}. To learn more, see the schema documentation at " +
                "https://docs.convex.dev/database/schemas.");
        }

        return documentType;
    }
}
