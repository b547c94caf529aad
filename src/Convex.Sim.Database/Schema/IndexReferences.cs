using System.Collections.Immutable;
using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// With schema validation on, the backend refuses indexes over fields that no valid document can
/// have (the index would be useless), and vector indexes over fields that cannot hold an array of
/// float64. "Can have" looks through objects, unions (any member) and <c>v.any()</c> (anything);
/// single system fields such as <c>_creationTime</c> always exist. Checked per table in name order,
/// each kind of index in name order: database, search (field then filters), vector.
/// </summary>
internal static class IndexReferences
{
    public static void Check(IEnumerable<TableDefinition> tables)
    {
        foreach (var table in tables.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (table.DocumentType is not { } documentType)
            {
                continue;
            }

            foreach (var (index, field) in ReferencedFields(table))
            {
                if (!IsSingleSystemField(field) && !CanContain(documentType, field.Parts, 0))
                {
                    throw new SchemaDefinitionException("SchemaDefinitionError",
                        $"In table \"{table.Name}\" the index \"{index}\" is invalid because it references the field " +
                        $"\"{field}\" that does not exist.");
                }
            }

            foreach (var index in ByName(table.VectorIndexes.AddRange(table.StagedVectorIndexes), i => i.Name))
            {
                if (!MayHoldFloatArray(documentType, index.VectorField.Parts, 0))
                {
                    throw new SchemaDefinitionException("SchemaDefinitionError",
                        $"In table \"{table.Name}\" the vector index \"{index.Name}\" is invalid because it " +
                        $"references the field \"{index.VectorField}\" that is neither an array of float64 or " +
                        "optional array of float64.");
                }
            }
        }
    }

    private static IEnumerable<(string Index, FieldPath Field)> ReferencedFields(TableDefinition table)
    {
        var database = ByName(table.Indexes.AddRange(table.StagedDbIndexes), i => i.Name)
            .SelectMany(i => i.Fields.Select(f => (i.Name, f)));
        var search = ByName(table.SearchIndexes.AddRange(table.StagedSearchIndexes), i => i.Name).ToList();
        var vector = ByName(table.VectorIndexes.AddRange(table.StagedVectorIndexes), i => i.Name);
        return database
            .Concat(search.Select(i => (i.Name, i.SearchField)))
            .Concat(search.SelectMany(i => i.FilterFields.Select(f => (i.Name, f))))
            .Concat(vector.Select(i => (i.Name, i.VectorField)));
    }

    private static IEnumerable<T> ByName<T>(IEnumerable<T> indexes, Func<T, string> name) =>
        indexes.OrderBy(name, StringComparer.Ordinal);

    private static bool IsSingleSystemField(FieldPath field) => field.Parts is [var only] && only.StartsWith('_');

    /// <summary>Some value accepted by <paramref name="validator"/> can have a field at <c>path[at..]</c>.</summary>
    private static bool CanContain(Validator validator, ImmutableArray<string> path, int at)
    {
        if (at == path.Length || validator.Kind == ValidatorKind.Any)
        {
            return true;
        }

        return validator switch
        {
            UnionValidator union => union.Members.Any(m => CanContain(m, path, at)),
            ObjectValidator obj =>
                obj.Fields.TryGetValue(path[at], out var field) && CanContain(field.Validator, path, at + 1),
            _ => false,
        };
    }

    /// <summary>
    /// Some value accepted by <paramref name="validator"/> may hold an array of float64 at the path.
    /// A field an object validator does not list counts as possible here, as in the backend.
    /// </summary>
    private static bool MayHoldFloatArray(Validator validator, ImmutableArray<string> path, int at)
    {
        if (at == path.Length)
        {
            return IsVectorType(validator);
        }

        return validator switch
        {
            { Kind: ValidatorKind.Any } => true,
            UnionValidator union => union.Members.Any(m => MayHoldFloatArray(m, path, at)),
            ObjectValidator obj => !obj.Fields.TryGetValue(path[at], out var field)
                || MayHoldFloatArray(field.Validator, path, at + 1),
            _ => false,
        };
    }

    private static bool IsVectorType(Validator validator) => validator switch
    {
        { Kind: ValidatorKind.Any } => true,
        ArrayValidator array => array.Element.Kind is ValidatorKind.Float64 or ValidatorKind.Any,
        UnionValidator union => union.Members.Any(IsVectorType),
        _ => false,
    };
}
