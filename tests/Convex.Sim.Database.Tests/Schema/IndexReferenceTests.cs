using Convex.Sim.Database.Schema;

namespace Convex.Sim.Database.Tests.Schema;

/// <summary>With schema validation on, indexes must name fields that documents can have (backend push rule).</summary>
public sealed class IndexReferenceTests
{
    private const string Post = """
        {"type": "object", "value": {
          "title": {"fieldType": {"type": "string"}, "optional": false},
          "meta": {"fieldType": {"type": "union", "value": [{"type": "null"}, {"type": "object", "value": {
            "lang": {"fieldType": {"type": "string"}, "optional": true}}}]}, "optional": true},
          "extra": {"fieldType": {"type": "any"}, "optional": true},
          "vec": {"fieldType": {"type": "array", "value": {"type": "number"}}, "optional": true}}}
        """;

    private static string Schema(string indexes, bool validation = true, string more = "") =>
        $$"""{"tables": [{"tableName": "posts", "indexes": [{{indexes}}]{{more}}, "documentType": {{Post}}}], """ +
        $$""" "schemaValidation": {{(validation ? "true" : "false")}}}""";

    [Theory]
    [InlineData("title")]
    [InlineData("meta.lang")]
    [InlineData("extra.anything.below")]
    [InlineData("vec")]
    public void Fields_the_validator_allows_can_be_indexed(string field) =>
        Assert.NotNull(DatabaseSchema.Parse(Schema($$"""{"indexDescriptor": "by_f", "fields": ["{{field}}"]}""")));

    [Theory]
    [InlineData("author")]
    [InlineData("title.length")]
    [InlineData("meta.missing")]
    public void Fields_no_document_can_have_are_rejected(string field)
    {
        var error = Assert.Throws<SchemaDefinitionException>(() =>
            DatabaseSchema.Parse(Schema($$"""{"indexDescriptor": "by_f", "fields": ["title", "{{field}}"]}""")));
        Assert.Equal("SchemaDefinitionError", error.Code);
        Assert.Equal(
            $"In table \"posts\" the index \"by_f\" is invalid because it references the field \"{field}\" that " +
            $"does not exist.",
            error.Message);
    }

    [Fact]
    public void Without_schema_validation_any_field_can_be_indexed() =>
        Assert.NotNull(DatabaseSchema.Parse(
            Schema("""{"indexDescriptor": "by_f", "fields": ["author"]}""", validation: false)));

    [Fact]
    public void Search_filter_fields_are_checked_too() =>
        Assert.Equal(
            "In table \"posts\" the index \"s\" is invalid because it references the field \"channel\" that does " +
            "not exist.",
            Assert.Throws<SchemaDefinitionException>(() => DatabaseSchema.Parse(Schema("",
                more: """
                    , "searchIndexes": [{"indexDescriptor": "s", "searchField": "title", "filterFields": ["channel"]}]
                    """))).Message);

    [Fact]
    public void Vector_fields_must_be_able_to_hold_float_arrays()
    {
        static string Vector(string field) =>
            $$"""
            , "vectorIndexes": [
              {"indexDescriptor": "v", "vectorField": "{{field}}", "dimensions": 3, "filterFields": []}]
            """;
        Assert.NotNull(DatabaseSchema.Parse(Schema("", more: Vector("vec"))));
        Assert.NotNull(DatabaseSchema.Parse(Schema("", more: Vector("extra"))));
        Assert.Equal(
            "In table \"posts\" the vector index \"v\" is invalid because it references the field \"title\" that " +
            "is neither " +
            "an array of float64 or optional array of float64.",
            Assert.Throws<SchemaDefinitionException>(() => DatabaseSchema.Parse(Schema("", more: Vector("title"))))
                .Message);
    }
}
