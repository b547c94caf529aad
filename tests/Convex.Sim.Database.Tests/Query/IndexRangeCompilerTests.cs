using System.Collections.Immutable;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Query;

namespace Convex.Sim.Database.Tests.Query;

/// <summary>withIndex range rules and the backend's error codes and wording (convex-compat §7.4).</summary>
public sealed class IndexRangeCompilerTests
{
    private static readonly IndexInfo ByAb = new(new IndexId(500), new TableNumber(10001), "by_ab",
        [FieldPath.Parse("a"), FieldPath.Parse("b")], IndexKind.User);

    private static readonly IndexInfo ByCreationTime = new(new IndexId(501), new TableNumber(10001),
        "by_creation_time", [], IndexKind.ByCreationTime);

    [Fact]
    public void Equalities_in_any_order_follow_the_index_order()
    {
        var range = Compile(ByAb, R("Eq", "b", "2"), R("Eq", "a", "\"x\""));

        Assert.Equal([new ConvexString("x"), new ConvexFloat64(2)], range.Equalities);
        Assert.Null(range.Lower);
        Assert.Null(range.Upper);
    }

    [Fact]
    public void No_range_is_the_whole_index()
    {
        var range = Compile(ByAb);

        Assert.Empty(range.Equalities);
        Assert.Null(range.Lower);
        Assert.Null(range.Upper);
    }

    [Fact]
    public void Lower_and_upper_bound_on_the_field_after_the_prefix()
    {
        var range = Compile(ByAb,
            R("Eq", "a", "\"x\""), R("Lte", "b", "9"), R("Gt", "b", "1"));

        Assert.Equal([new ConvexString("x")], range.Equalities);
        Assert.Equal(new RangeBound(new ConvexFloat64(1), Inclusive: false), range.Lower);
        Assert.Equal(new RangeBound(new ConvexFloat64(9), Inclusive: true), range.Upper);
    }

    [Fact]
    public void Bounds_on_the_first_field_and_inclusive_variants()
    {
        var range = Compile(ByAb, R("Gte", "a", "\"m\""), R("Lt", "a", "\"n\""));

        Assert.Empty(range.Equalities);
        Assert.Equal(new RangeBound(new ConvexString("m"), Inclusive: true), range.Lower);
        Assert.Equal(new RangeBound(new ConvexString("n"), Inclusive: false), range.Upper);
    }

    [Fact]
    public void The_implicit_creation_time_field_may_be_used()
    {
        var range = Compile(ByAb,
            R("Eq", "a", "1"), R("Eq", "b", """{"$undefined":null}"""), R("Gt", "_creationTime", "5"));

        Assert.Equal([new ConvexFloat64(1), null], range.Equalities);
        Assert.Equal(new RangeBound(new ConvexFloat64(5), Inclusive: false), range.Lower);
    }

    [Fact]
    public void By_creation_time_ranges_over_creation_time()
    {
        var range = Compile(ByCreationTime, R("Lt", "_creationTime", "100"));

        Assert.Empty(range.Equalities);
        Assert.Equal(new RangeBound(new ConvexFloat64(100), Inclusive: false), range.Upper);
        Assert.Equal(["_creationTime"], IndexRangeCompiler.IndexedFields(ByCreationTime).Select(f => f.ToString()));
    }

    [Fact]
    public void Field_not_in_index()
    {
        var error = Fails(ByAb, R("Eq", "c", "1"));

        Assert.Equal("FieldNotInIndex", error.Code);
        Assert.Equal(
            "The index range included a comparison with \"c\", but t.by_ab with fields " +
            "[\"a\", \"b\", \"_creationTime\"] doesn't index this field. " +
            "For more information see https://docs.convex.dev/using/indexes.",
            error.Message);
    }

    [Fact]
    public void Bound_field_not_in_index()
    {
        var error = Fails(ByAb, R("Eq", "a", "1"), R("Gt", "z", "1"));

        Assert.Equal("FieldNotInIndex", error.Code);
        Assert.Contains("comparison with \"z\"", error.Message);
    }

    [Fact]
    public void Skipping_an_index_field_is_an_invalid_range()
    {
        var error = Fails(ByAb, R("Eq", "b", "1"));

        Assert.Equal("InvalidIndexRange", error.Code);
        Assert.Equal(
            "Tried to query index t.by_ab but the query didn't use the index fields in order.\n" +
            "Index fields: [\"a\", \"b\", \"_creationTime\"]\nQuery fields: [\"b\"]\nFirst incorrect field: \"b\"\n" +
            "For more information see https://docs.convex.dev/using/indexes.",
            error.Message);
    }

    [Fact]
    public void A_bound_before_an_equality_is_an_invalid_range()
    {
        var error = Fails(ByAb, R("Gt", "a", "1"), R("Eq", "b", "1"));

        Assert.Equal("InvalidIndexRange", error.Code);
        Assert.Contains("Query fields: [\"b\", \"a\"]\nFirst incorrect field: \"b\"", error.Message);
    }

    [Fact]
    public void Bounds_on_two_fields()
    {
        var error = Fails(ByAb, R("Gt", "a", "1"), R("Lt", "b", "1"));

        Assert.Equal("BoundsOnMultipleFields", error.Code);
        Assert.Equal(
            "Upper and lower bounds in `range` can only be applied to a single index field. This query against index " +
            "t.by_ab attempted to set a range bound on both \"a\" and \"b\". Consider using `filter` instead. " +
            "See https://docs.convex.dev/using/indexes for more info.",
            error.Message);
    }

    [Fact]
    public void Two_lower_bounds()
    {
        var error = Fails(ByAb, R("Gt", "a", "1"), R("Gte", "a", "2"));

        Assert.Equal("AlreadyDefinedBound", error.Code);
        Assert.Equal("Already defined lower bound in index range. Can't add \"a\" >= 2.0.", error.Message);
    }

    [Fact]
    public void Two_upper_bounds()
    {
        var error = Fails(ByAb, R("Lt", "a", "\"p\""), R("Lte", "a", "\"q\""));

        Assert.Equal("AlreadyDefinedBound", error.Code);
        Assert.Equal("Already defined upper bound in index range. Can't add \"a\" <= \"q\".", error.Message);
    }

    [Fact]
    public void Two_equalities_on_one_field_report_the_first_value()
    {
        var error = Fails(ByAb,
            R("Eq", "a", """{"$integer":"AQAAAAAAAAA="}"""), R("Eq", "a", "2"));

        Assert.Equal("AlreadyDefinedBound", error.Code);
        Assert.Equal("Already defined equality bound in index range. Can't add \"a\" == 1.", error.Message);
    }

    [Fact]
    public void An_equality_and_a_bound_on_one_field()
    {
        var error = Fails(ByAb, R("Gt", "a", "1"), R("Eq", "a", "null"));

        Assert.Equal("AlreadyDefinedBound", error.Code);
        Assert.Equal("Already defined inequality bound in index range. Can't add \"a\" == null.", error.Message);
    }

    [Fact]
    public void Constraining_the_id_is_not_supported_yet()
    {
        var error = Fails(ByAb,
            R("Eq", "a", "1"), R("Eq", "b", "1"), R("Eq", "_creationTime", "1"), R("Eq", "_id", "\"x\""));

        Assert.Equal("QueryNotSupported", error.Code);
    }

    /// <summary>One range expression as the client sends it; <paramref name="value"/> is Convex JSON.</summary>
    private static string R(string type, string field, string value) =>
        $$"""{"type":"{{type}}","fieldPath":"{{field}}","value":""" + value + "}";

    private static DatabaseUsageException Fails(IndexInfo index, params string[] range) =>
        Assert.Throws<DatabaseUsageException>(() => Compile(index, range));

    private static IndexRange Compile(IndexInfo index, params string[] range)
    {
        var query = SerializedQuery.Parse(
            $$"""{"source":{"type":"IndexRange","indexName":"t.{{index.Name}}",""" +
            $$"""  "range":[{{string.Join(",", range)}}]},""" +
            """ "operators":[]}""");
        return IndexRangeCompiler.Compile((IndexRangeSource)query.Source, index);
    }
}
