using Convex.Sim.Core.Validators;
using Convex.Sim.Database.Schema;

namespace Convex.Sim.Database.Tests.Schema;

/// <summary>Reading a realistic <c>schema.js</c> export, and the shape errors of malformed ones.</summary>
public sealed class DatabaseSchemaParseTests
{
    private static SchemaDefinitionException Rejection(string json) =>
        Assert.Throws<SchemaDefinitionException>(() => DatabaseSchema.Parse(json));

    [Fact]
    public void A_realistic_export_parses_completely()
    {
        var schema = DatabaseSchema.Parse(SchemaFixtures.ChatSchema);
        Assert.True(schema.SchemaValidation);
        Assert.Equal(["channels", "logs", "messages", "users"], schema.Tables.Keys);

        var messages = schema.FindTable("messages");
        Assert.NotNull(messages);
        Assert.Equal(["by_channel [channel]", "by_author_and_channel [author, channel]"],
            messages.Indexes.Select(i => i.ToString()));
        Assert.Equal("by_meta_kind [meta.kind]", Assert.Single(messages.StagedDbIndexes).ToString());
        Assert.Equal(["meta", "kind"], messages.StagedDbIndexes[0].Fields[0].Parts);
        var search = Assert.Single(messages.SearchIndexes);
        Assert.Equal(("search_body", "body", "channel"),
            (search.Name, search.SearchField.ToString(), Assert.Single(search.FilterFields).ToString()));
        var vector = Assert.Single(messages.VectorIndexes);
        Assert.Equal(
            ("by_embedding", "embedding", 1536), (vector.Name, vector.VectorField.ToString(), vector.Dimensions));
        Assert.Empty(messages.StagedSearchIndexes);
        Assert.Empty(messages.StagedVectorIndexes);
        Assert.Equal(
            ["by_channel", "by_author_and_channel", "by_meta_kind", "search_body", "by_embedding"],
            messages.IndexNames);
        Assert.Equal(
            "v.object({author: v.id(\"users\"), body: v.string(), channel: v.id(\"channels\"), " +
            "embedding: v.optional(v.array(v.float64())), " +
            "meta: v.optional(v.object({kind: v.union(v.literal(\"text\"), v.literal(\"image\"))}))})",
            messages.DocumentType?.ToString());
    }

    [Fact]
    public void Optional_lists_may_be_absent_and_document_types_may_be_any_or_missing()
    {
        var schema = DatabaseSchema.Parse(SchemaFixtures.ChatSchema);
        var channels = schema.FindTable("channels");
        Assert.NotNull(channels);
        Assert.Equal(0, channels.IndexCount);
        Assert.Equal(Validator.Any, channels.DocumentType);
        var logs = schema.FindTable("logs");
        Assert.NotNull(logs);
        Assert.Null(logs.DocumentType);
        Assert.Null(schema.FindTable("nope"));
    }

    [Fact]
    public void Top_level_system_fields_are_dropped_from_document_types() =>
        Assert.Equal(
            "v.union(v.object({kind: v.literal(\"human\"), name: v.string()}), " +
            "v.object({kind: v.literal(\"bot\"), name: v.string(), owner: v.id(\"users\")}))",
            DatabaseSchema.Parse(SchemaFixtures.ChatSchema).FindTable("users")?.DocumentType?.ToString());

    [Fact]
    public void Schema_validation_defaults_to_off_when_absent()
    {
        Assert.False(DatabaseSchema.Parse("""{"tables": []}""").SchemaValidation);
        Assert.False(DatabaseSchema.Parse("""{"tables": [], "schemaValidation": false}""").SchemaValidation);
        Assert.Empty(DatabaseSchema.Parse("""{"tables": [], "schemaValidation": true}""").Tables);
    }

    [Fact]
    public void Legacy_vector_dimension_spelling_is_read() =>
        Assert.Equal(8, Assert.Single(DatabaseSchema.Parse("""
            {"tables": [{"tableName": "docs", "indexes": [], "vectorIndexes": [
              {"indexDescriptor": "by_v", "vectorField": "v", "dimension": 8, "filterFields": []}]}]}
            """).Tables["docs"].VectorIndexes).Dimensions);

    [Theory]
    [InlineData("[]", "Invalid schema export at $: must be a JSON object.")]
    [InlineData("{}", "Invalid schema export at $: missing \"tables\".")]
    [InlineData("""{"tables": {}}""", "Invalid schema export at $.tables: must be a JSON array.")]
    [InlineData("""{"tables": [], "schemaValidation": "yes"}""",
        "Invalid schema export at $.schemaValidation: must be true or false.")]
    [InlineData("""{"tables": [{"indexes": []}]}""", "Invalid schema export at $.tables[0]: missing \"tableName\".")]
    [InlineData("""{"tables": [{"tableName": "t"}]}""", "Invalid schema export at $.tables[0]: missing \"indexes\".")]
    [InlineData("""{"tables": [{"tableName": "t", "indexes": [{"indexDescriptor": "by_a", "fields": "a"}]}]}""",
        "Invalid schema export at $.tables[0].indexes[0].fields: must be a JSON array.")]
    [InlineData("""{"tables": [{"tableName": "t", "indexes": [{"indexDescriptor": "by_a", "fields": [1]}]}]}""",
        "Invalid schema export at $.tables[0].indexes[0].fields[0]: must be a string.")]
    [InlineData("""
        {"tables": [{"tableName": "t", "indexes": [], "searchIndexes": [{"indexDescriptor": "s", "filterFields": []}]}]}
        """,
        "Invalid schema export at $.tables[0].searchIndexes[0]: missing \"searchField\".")]
    [InlineData("""
        {"tables": [{"tableName": "t", "indexes": [], "vectorIndexes": [
          {"indexDescriptor": "v", "vectorField": "e", "filterFields": []}]}]}
        """,
        "Invalid schema export at $.tables[0].vectorIndexes[0]: missing \"dimensions\".")]
    [InlineData("""
        {"tables": [{"tableName": "t", "indexes": [], "vectorIndexes": [
          {"indexDescriptor": "v", "vectorField": "e", "dimensions": 1.5, "filterFields": []}]}]}
        """,
        "Invalid schema export at $.tables[0].vectorIndexes[0].dimensions: must be an integer.")]
    public void Malformed_exports_name_the_json_path(string json, string message)
    {
        var error = Rejection(json);
        Assert.Equal("InvalidSchema", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Text_that_is_not_json_is_rejected() =>
        Assert.StartsWith("Invalid schema export: not valid JSON (", Rejection("{").Message, StringComparison.Ordinal);

    [Fact]
    public void A_bad_document_validator_names_its_table()
    {
        var error = Rejection(
            """{"tables": [{"tableName": "t", "indexes": [], "documentType": {"kind": "string"}}]}""");
        Assert.Equal("InvalidValidator", error.Code);
        Assert.Equal("In table \"t\": invalid documentType: Invalid validator at $: missing \"type\"", error.Message);
    }

    [Theory]
    [InlineData("""{"type": "string"}""", "v.string()")]
    [InlineData("""{"type": "union", "value": [{"type": "object", "value": {}}, {"type": "null"}]}""",
        "v.union(v.object({}), v.null())")]
    [InlineData("""{"type": "array", "value": {"type": "any"}}""", "v.array(v.any())")]
    public void Document_types_must_be_objects_unions_of_objects_or_any(string documentType, string shown)
    {
        var error = Rejection(
            $$"""{"tables": [{"tableName": "t", "indexes": [], "documentType": {{documentType}}}]}""");
        Assert.Equal("InvalidTopLevelTypeInSchemaError", error.Code);
        Assert.Equal(
            $"In table \"t\": The document validator in a schema must be an object, a union of objects, or " +
            $"`v.any()`. " +
            $"Found {shown}. To learn more, see the schema documentation at https://docs.convex.dev/database/schemas.",
            error.Message);
    }

    [Fact]
    public void A_table_may_be_defined_only_once() =>
        Assert.Equal("Table \"t\" is defined more than once in the schema.",
            Rejection("""{"tables": [{"tableName": "t", "indexes": []}, {"tableName": "t", "indexes": []}]}""")
                .Message);
}
