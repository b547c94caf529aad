using Convex.Sim.Database.Schema;

namespace Convex.Sim.Database.Tests.Schema;

/// <summary>
/// Table and index rules (§7.3, §7.4) with the backend's error codes and wording, written out by
/// hand. Tables here are named "t" unless the table name is what is being tested.
/// </summary>
public sealed class IndexRulesTests
{
    private static string Table(string indexes, string more = "") =>
        $$"""{"tables": [{"tableName": "t", "indexes": [{{indexes}}]{{more}}}], "schemaValidation": false}""";

    private static string Index(string name, params string[] fields) =>
        $$"""{"indexDescriptor": "{{name}}", "fields": [{{string.Join(", ", fields.Select(f => $"\"{f}\""))}}]}""";

    private static void Rejects(string json, string code, string message)
    {
        var error = Assert.Throws<SchemaDefinitionException>(() => DatabaseSchema.Parse(json));
        Assert.Equal((code, message), (error.Code, error.Message));
    }

    private static void Accepts(string json) => Assert.NotNull(DatabaseSchema.Parse(json));

    [Fact]
    public void Nested_paths_and_up_to_fifteen_declared_fields_are_fine()
    {
        Accepts(Table(Index("by_nested", "author.name", "a.b.c")));
        Accepts(Table(Index("by_many", [.. Enumerable.Range(0, 15).Select(i => $"f{i}")])));
    }

    [Fact]
    public void The_implicit_creation_time_counts_towards_sixteen_fields() =>
        Rejects(Table(Index("by_many", [.. Enumerable.Range(0, 16).Select(i => $"f{i}")])),
            "IndexTooManyFields", "In table \"t\": In index \"by_many\": Indexes may have up to 16 fields.");

    [Fact]
    public void An_index_needs_a_field()
    {
        Rejects(Table(Index("by_nothing")), "EmptyIndex", "In table \"t\" index \"by_nothing\" must have at least " +
            "one field.");
        Rejects(Table("", $$""", "stagedDbIndexes": [{{Index("by_nothing")}}]"""),
            "EmptyIndex", "In table \"t\" staged index \"by_nothing\" must have at least one field.");
    }

    [Fact]
    public void Fields_must_be_unique_within_an_index() =>
        Rejects(Table(Index("by_a", "a", "b", "a")), "FieldsNotUniqueWithinIndex",
            "In table \"t\": In index \"by_a\": Duplicate field \"a\". Index fields must be unique within an index.");

    [Fact]
    public void System_fields_are_not_index_fields()
    {
        Rejects(Table(Index("by_id2", "_id")), "IndexFieldsContainId",
            "In table \"t\": In index \"by_id2\": `_id` is not a valid index field. To load documents by ID, use " +
            "`db.get(id)`.");
        Rejects(Table(Index("by_time", "a", "_creationTime")), "IndexFieldsContainCreationTime",
            "In table \"t\": In index \"by_time\": `_creationTime` is automatically added to the end of each " +
            "index. It " +
            "should not be added explicitly in the index definition. See https://docs.convex.dev/using/indexes " +
            "for more " +
            "details.");
        Rejects(Table(Index("by_x", "_x")), "IndexFieldNameReserved",
            "In table \"t\": In index \"by_x\": Reserved fields (starting with `_`) are not allowed in indexes.");
        Rejects(Table(Index("by_x", "a._x")), "IndexFieldNameReserved",
            "In table \"t\": In index \"by_x\": Reserved fields (starting with `_`) are not allowed in indexes.");
    }

    [Theory]
    [InlineData("a-b")]
    [InlineData("a..b")]
    [InlineData("")]
    [InlineData("$a")]
    [InlineData("1a")]
    public void Fields_must_be_paths_of_identifiers(string field) =>
        Rejects(Table(Index("by_a", field)), "InvalidIndexField",
            $"In table \"t\": In index \"by_a\": Invalid index field: \"{field}\"");

    [Fact]
    public void Index_names_are_identifiers_and_not_reserved()
    {
        Rejects(Table(Index("by-a", "a")), "InvalidIndexName",
            "In table \"t\": Invalid index name: \"by-a\". Identifiers must be 64 characters or less, start with " +
            "a letter, " +
            "and only contain letters, digits, underscores.");
        foreach (var name in new[] { "by_id", "by_creation_time", "_mine" })
        {
            Rejects(Table(Index(name, "a")), "IndexNameReserved",
                $"In table \"t\" cannot name an index \"{name}\" because the name is reserved. Indexes may not " +
                $"start with " +
                "an underscore or be named \"by_id\" or \"by_creation_time\".");
        }
    }

    [Fact]
    public void Index_names_are_unique_across_kinds()
    {
        Rejects(Table($"{Index("by_a", "a")}, {Index("by_a", "b")}"), "IndexNamesNotUnique",
            "Table \"t\" has two or more definitions of index \"by_a\".");
        Rejects(
            Table(Index("by_a", "a"), """
                , "searchIndexes": [{"indexDescriptor": "by_a", "searchField": "b", "filterFields": []}]
                """),
            "IndexNamesNotUnique", "Table \"t\" has two or more definitions of index \"by_a\".");
    }

    [Fact]
    public void Two_indexes_may_not_have_identical_fields()
    {
        // The backend visits indexes by name, so it names the later one ("by_b") first.
        Rejects(Table($"{Index("by_b", "x", "y")}, {Index("by_a", "x", "y")}"), "IndexNotUnique",
            "In table \"t\" index \"by_b\" and index \"by_a\" have the same fields. Indexes must be unique within " +
            "a table.");
        Rejects(Table(Index("by_x", "x"), $$""", "stagedDbIndexes": [{{Index("by_x_again", "x")}}]"""),
            "IndexNotUnique",
            "In table \"t\" index \"by_x_again\" and index \"by_x\" have the same fields. Indexes must be unique " +
            "within a table.");
        Accepts(Table($"{Index("by_xy", "x", "y")}, {Index("by_yx", "y", "x")}, {Index("by_x", "x")}"));
    }

    [Fact]
    public void A_table_has_at_most_sixty_four_indexes()
    {
        var indexes = Enumerable.Range(0, 65).Select(i => Index($"by_f{i}", $"f{i}")).ToList();
        Accepts(Table(string.Join(", ", indexes.Take(64))));
        Rejects(Table(string.Join(", ", indexes)), "TooManyIndexes", "Table \"t\" cannot have more than 64 indexes.");
        Rejects(Table(string.Join(", ", indexes.Take(64)),
                """, "searchIndexes": [{"indexDescriptor": "s", "searchField": "body", "filterFields": []}]"""),
            "TooManyIndexes", "Table \"t\" cannot have more than 64 indexes.");
    }

    [Fact]
    public void Table_names_are_identifiers_and_not_system_names()
    {
        Rejects("""{"tables": [{"tableName": "my-table", "indexes": []}]}""", "InvalidTableName",
            "Invalid table name: \"my-table\". Identifiers must start with a letter and can only contain letters, " +
            "digits, " +
            "and underscores.");
        Rejects("""{"tables": [{"tableName": "_storage", "indexes": []}]}""", "TableNameReserved",
            "_storage is a reserved table name.");
    }

    [Fact]
    public void Search_indexes_differ_by_search_field_or_filter_set()
    {
        const string Two = """
            , "searchIndexes": [
              {"indexDescriptor": "s1", "searchField": "body", "filterFields": ["a", "b"]},
              {"indexDescriptor": "s2", "searchField": "body", "filterFields": ["b", "a"]}]
            """;
        Rejects(Table("", Two), "SearchIndexFieldNotUnique",
            "In table \"t\" search index \"s2\" and search index \"s1\" have the same `searchField`. Search index " +
            "fields must " +
            "be unique within a table. You should combine the indexes with the same `searchField` into one index " +
            "containing all `filterField`s and then use different subsets of the `filterField`s at query time.");
        Accepts(Table("", Two.Replace("[\"b\", \"a\"]", "[\"a\"]", StringComparison.Ordinal)));
    }

    [Fact]
    public void Filter_fields_are_limited_to_sixteen()
    {
        var filters = string.Join(", ", Enumerable.Range(0, 17).Select(i => $"\"f{i}\""));
        Rejects(
            Table("", $$"""
                , "searchIndexes": [{"indexDescriptor": "s", "searchField": "body", "filterFields": [{{filters}}]}]
                """),
            "IndexTooManyFilterFields", "In table \"t\": In index \"s\": Search indexes may have up to 16 filter " +
            "fields.");
    }

    [Fact]
    public void Vector_indexes_have_bounded_dimensions_and_distinct_fields()
    {
        static string Vector(string name, int dimensions) =>
            $$"""{"indexDescriptor": "{{name}}", "vectorField": "e", "dimensions": {{dimensions}}, """ +
            """ "filterFields": []}""";
        Rejects(Table("", $$""", "vectorIndexes": [{{Vector("v", 1)}}]"""), "InvalidVectorDimensionError",
            "In table \"t\": In index \"v\": Dimensions 1 must be between 2 and 4096.");
        Rejects(Table("", $$""", "vectorIndexes": [{{Vector("v", 4097)}}]"""), "InvalidVectorDimensionError",
            "In table \"t\": In index \"v\": Dimensions 4097 must be between 2 and 4096.");
        Accepts(Table("", $$""", "vectorIndexes": [{{Vector("v2", 2)}}, {{Vector("v4096", 4096)}}]"""));
        Rejects(
            Table("", $$""", "vectorIndexes": [{{Vector("va", 8)}}], "stagedVectorIndexes": [{{Vector("vb", 8)}}]"""),
            "VectorIndexFieldNotUnique",
            "In table \"t\" vector index \"vb\" and vector index \"va\" have the same `vectorField`. Vector index " +
            "fields must " +
            "be unique within a table. You should combine the indexes with the same `vectorField` into one index " +
            "containing all `filterField`s and then use different subsets of the `filterField`s at query time.");
    }
}
