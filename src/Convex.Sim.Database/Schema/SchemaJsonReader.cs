using System.Collections.Immutable;
using System.Text.Json;
using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// Reads the <c>schema.js</c> export JSON (§7.9.1). Unknown keys are ignored (newer npm versions add
/// some, e.g. <c>stagedDocumentType</c>); the staged, search and vector index lists may be absent;
/// a missing <c>schemaValidation</c> means false, as in schemas written before it existed. Shape
/// errors name the JSON path; rule violations come from <see cref="TableDefinition"/> and
/// <see cref="DatabaseSchema"/>.
/// </summary>
internal static class SchemaJsonReader
{
    public static DatabaseSchema Read(JsonElement json)
    {
        Expect(json, JsonValueKind.Object, "$");
        var tables = Required(json, "tables", "$");
        Expect(tables, JsonValueKind.Array, "$.tables");
        var definitions = ImmutableArray.CreateBuilder<TableDefinition>();
        var i = 0;
        foreach (var table in tables.EnumerateArray())
        {
            definitions.Add(ReadTable(table, $"$.tables[{i}]"));
            i++;
        }

        var validation = Optional(json, "schemaValidation");
        if (validation is { } flag && flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Shape("$.schemaValidation", "must be true or false");
        }

        return new DatabaseSchema(definitions.ToImmutable(), validation?.GetBoolean() ?? false);
    }

    private static TableDefinition ReadTable(JsonElement json, string path)
    {
        Expect(json, JsonValueKind.Object, path);
        var name = ReadString(Required(json, "tableName", path), path + ".tableName");
        IndexRules.CheckTableName(name);
        var documentType = Optional(json, "documentType") is { } type ? ReadValidator(name, type) : null;
        return new TableDefinition(
            name,
            ReadList(Required(json, "indexes", path), path + ".indexes", (j, p) => ReadIndex(name, j, p)),
            ReadOptionalList(json, "stagedDbIndexes", path, (j, p) => ReadIndex(name, j, p)),
            ReadOptionalList(json, "searchIndexes", path, (j, p) => ReadSearchIndex(name, j, p)),
            ReadOptionalList(json, "stagedSearchIndexes", path, (j, p) => ReadSearchIndex(name, j, p)),
            ReadOptionalList(json, "vectorIndexes", path, (j, p) => ReadVectorIndex(name, j, p)),
            ReadOptionalList(json, "stagedVectorIndexes", path, (j, p) => ReadVectorIndex(name, j, p)),
            documentType);
    }

    private static Validator ReadValidator(string table, JsonElement json)
    {
        try
        {
            return Validator.Parse(json);
        }
        catch (ValidatorParseException e)
        {
            throw new SchemaDefinitionException(e.Code, $"In table \"{table}\": invalid documentType: {e.Message}");
        }
    }

    private static IndexDefinition ReadIndex(string table, JsonElement json, string path)
    {
        Expect(json, JsonValueKind.Object, path);
        var name = ReadString(Required(json, "indexDescriptor", path), path + ".indexDescriptor");
        IndexRules.CheckIndexName(table, name);
        var fields = ReadList(Required(json, "fields", path), path + ".fields", (j, p) => ReadField(table, name, j, p));
        return new IndexDefinition(name, fields);
    }

    private static SearchIndexDefinition ReadSearchIndex(string table, JsonElement json, string path)
    {
        Expect(json, JsonValueKind.Object, path);
        var name = ReadString(Required(json, "indexDescriptor", path), path + ".indexDescriptor");
        IndexRules.CheckIndexName(table, name);
        var searchField = ReadField(table, name, Required(json, "searchField", path), path + ".searchField");
        var filters = ReadList(
            Required(json, "filterFields", path), path + ".filterFields", (j, p) => ReadField(table, name, j, p));
        return new SearchIndexDefinition(name, searchField, filters);
    }

    private static VectorIndexDefinition ReadVectorIndex(string table, JsonElement json, string path)
    {
        Expect(json, JsonValueKind.Object, path);
        var name = ReadString(Required(json, "indexDescriptor", path), path + ".indexDescriptor");
        IndexRules.CheckIndexName(table, name);
        var vectorField = ReadField(table, name, Required(json, "vectorField", path), path + ".vectorField");
        var filters = ReadList(
            Required(json, "filterFields", path), path + ".filterFields", (j, p) => ReadField(table, name, j, p));

        // "dimension" is the spelling of early alpha releases; the backend still reads it.
        var dimensions = Optional(json, "dimensions") ?? Optional(json, "dimension")
            ?? throw Shape(path, "missing \"dimensions\"");
        if (dimensions.ValueKind != JsonValueKind.Number || !dimensions.TryGetInt32(out var count))
        {
            throw Shape(path + ".dimensions", "must be an integer");
        }

        return new VectorIndexDefinition(name, vectorField, count, filters);
    }

    private static FieldPath ReadField(string table, string index, JsonElement json, string path)
    {
        var text = ReadString(json, path);
        if (!IndexRules.IsValidFieldPath(text))
        {
            throw new SchemaDefinitionException(
                "InvalidIndexField", $"In table \"{table}\": In index \"{index}\": Invalid index field: \"{text}\"");
        }

        return FieldPath.Parse(text);
    }

    private static ImmutableArray<T> ReadOptionalList<T>(
        JsonElement json, string name, string path, Func<JsonElement, string, T> read) =>
        Optional(json, name) is { } list ? ReadList(list, $"{path}.{name}", read) : [];

    private static ImmutableArray<T> ReadList<T>(JsonElement json, string path, Func<JsonElement, string, T> read)
    {
        Expect(json, JsonValueKind.Array, path);
        var items = ImmutableArray.CreateBuilder<T>(json.GetArrayLength());
        var i = 0;
        foreach (var item in json.EnumerateArray())
        {
            items.Add(read(item, $"{path}[{i}]"));
            i++;
        }

        return items.MoveToImmutable();
    }

    /// <summary>The property, unless absent or JSON null (serde reads both as "not given").</summary>
    private static JsonElement? Optional(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonElement Required(JsonElement json, string name, string path) =>
        Optional(json, name) ?? throw Shape(path, $"missing \"{name}\"");

    private static string ReadString(JsonElement json, string path) => json.ValueKind == JsonValueKind.String
        ? json.GetString() ?? ""
        : throw Shape(path, "must be a string");

    private static void Expect(JsonElement json, JsonValueKind kind, string path)
    {
        if (json.ValueKind != kind)
        {
            throw Shape(path, kind == JsonValueKind.Object ? "must be a JSON object" : "must be a JSON array");
        }
    }

    private static SchemaDefinitionException Shape(string path, string problem) =>
        new("InvalidSchema", $"Invalid schema export at {path}: {problem}.");
}
