using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// The push-time check of existing data against a new schema (§7.9.2): every document of every
/// table that the schema gives a document type must match it, system fields aside. Pure: the caller
/// supplies the documents (typically only tables whose validator changed) and the table-number
/// lookup for <c>v.id</c>. Violations come back in input order, so the first one is what a push
/// failure would report.
/// </summary>
public static class SchemaCheck
{
    public static ImmutableArray<SchemaViolation> Run(
        DatabaseSchema schema,
        IEnumerable<(string Table, ConvexObject Document)> documents,
        TableNameLookup tableNames)
    {
        var violations = ImmutableArray.CreateBuilder<SchemaViolation>();
        if (!schema.SchemaValidation)
        {
            return violations.ToImmutable();
        }

        foreach (var (table, document) in documents)
        {
            if (schema.EnforcedDocumentType(table)?.ValidateDocument(document, tableNames) is { } error)
            {
                // Stored documents always carry their ID.
                var id = document["_id"] as ConvexString;
                Invariant.Assert(id is not null);
                violations.Add(new SchemaViolation(table, id.Value, error));
            }
        }

        return violations.ToImmutable();
    }
}
