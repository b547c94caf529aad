using System.Collections.Immutable;
using System.Text.Json;
using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// A deployment's schema, from the JSON that <c>defineSchema(...).export()</c> produces (§7.9.1).
/// Every table and index rule is checked on construction. When <see cref="SchemaValidation"/> is on,
/// index fields must be fields the document validator allows, and writes to tables with a document
/// type are validated (§5.9); tables the schema does not mention are never validated.
/// </summary>
public sealed class DatabaseSchema
{
    public DatabaseSchema(ImmutableArray<TableDefinition> tables, bool schemaValidation)
    {
        var byName = ImmutableSortedDictionary.CreateBuilder<string, TableDefinition>(StringComparer.Ordinal);
        foreach (var table in tables.IsDefault ? [] : tables)
        {
            if (!byName.TryAdd(table.Name, table))
            {
                throw new SchemaDefinitionException(
                    "InvalidSchema", $"Table \"{table.Name}\" is defined more than once in the schema.");
            }
        }

        Tables = byName.ToImmutable();
        SchemaValidation = schemaValidation;
        if (schemaValidation)
        {
            IndexReferences.Check(Tables.Values);
        }
    }

    /// <summary>The tables by name (ordinal order).</summary>
    public ImmutableSortedDictionary<string, TableDefinition> Tables { get; }

    /// <summary><c>schemaValidation</c>: whether documents are checked against their table's type.</summary>
    public bool SchemaValidation { get; }

    /// <summary>Parses export JSON; throws <see cref="SchemaDefinitionException"/> where the backend would.</summary>
    public static DatabaseSchema Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            throw new SchemaDefinitionException(
                "InvalidSchema", $"Invalid schema export: not valid JSON ({e.Message})");
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    public static DatabaseSchema Parse(JsonElement json) => SchemaJsonReader.Read(json);

    public TableDefinition? FindTable(string name) => Tables.GetValueOrDefault(name);

    /// <summary>
    /// The validator that writes to <paramref name="table"/> must satisfy, or null when nothing is
    /// enforced (validation off, table not in the schema, or no document type).
    /// </summary>
    public Validator? EnforcedDocumentType(string table) =>
        SchemaValidation ? FindTable(table)?.DocumentType : null;

    /// <summary>
    /// Schema enforcement of an insert, a replace or a patch after merging (§5.9). Null means allowed.
    /// The message is the backend's "Failed to insert or update a document in table ..." text.
    /// </summary>
    public SchemaViolation? CheckWrite(string table, ConvexObject document, TableNameLookup tableNames)
    {
        var error = EnforcedDocumentType(table)?.ValidateDocument(document, tableNames);
        return error is null ? null : new SchemaViolation(table, DocumentId: null, error);
    }
}
