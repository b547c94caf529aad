using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Query;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Tests.Query;

/// <summary>The JSON query of convex-compat §5.6, as the official <c>convex/server</c> library sends it.</summary>
public sealed class SerializedQueryParserTests
{
    [Fact]
    public void Full_table_scan_with_null_order_is_ascending()
    {
        var query = SerializedQuery.Parse(
            """{"source":{"type":"FullTableScan","tableName":"messages","order":null},"operators":[]}""");

        var source = Assert.IsType<FullTableScanSource>(query.Source);
        Assert.Equal("messages", source.Table);
        Assert.Equal(ScanOrder.Ascending, source.Order);
        Assert.Empty(query.Operators);
    }

    [Fact]
    public void Full_table_scan_desc_and_absent_order()
    {
        var desc = SerializedQuery.Parse(
            """{"source":{"type":"FullTableScan","tableName":"t","order":"desc"},"operators":[]}""");
        var absent = SerializedQuery.Parse("""{"source":{"type":"FullTableScan","tableName":"t"},"operators":[]}""");

        Assert.Equal(ScanOrder.Descending, ((FullTableScanSource)desc.Source).Order);
        Assert.Equal(ScanOrder.Ascending, ((FullTableScanSource)absent.Source).Order);
    }

    [Fact]
    public void Index_range_with_every_kind_of_bound()
    {
        var query = SerializedQuery.Parse("""
            {"source":{"type":"IndexRange","indexName":"messages.by_channel","order":"desc","range":[
              {"type":"Eq","fieldPath":"channel","value":"general"},
              {"type":"Eq","fieldPath":"author.name","value":{"$undefined":null}},
              {"type":"Gt","fieldPath":"n","value":{"$integer":"AQAAAAAAAAA="}},
              {"type":"Gte","fieldPath":"n","value":1.5},
              {"type":"Lt","fieldPath":"n","value":null},
              {"type":"Lte","fieldPath":"n","value":true}]},
             "operators":[]}
            """);

        var source = Assert.IsType<IndexRangeSource>(query.Source);
        Assert.Equal("messages", source.Table);
        Assert.Equal("by_channel", source.Index);
        Assert.Equal(ScanOrder.Descending, source.Order);
        Assert.Equal(
            [
                RangeOperator.Eq, RangeOperator.Eq, RangeOperator.Gt, RangeOperator.Gte, RangeOperator.Lt,
                RangeOperator.Lte,
            ],
            source.Range.Select(r => r.Operator));
        Assert.Equal(["channel", "author.name", "n", "n", "n", "n"], source.Range.Select(r => r.Field.ToString()));
        Assert.Equal(new ConvexString("general"), source.Range[0].Value);
        Assert.Null(source.Range[1].Value);
        Assert.Equal(new ConvexInt64(1), source.Range[2].Value);
        Assert.Equal(new ConvexFloat64(1.5), source.Range[3].Value);
        Assert.Equal(ConvexNull.Instance, source.Range[4].Value);
        Assert.Equal(ConvexBoolean.True, source.Range[5].Value);
    }

    [Fact]
    public void Search_source_is_parsed()
    {
        var query = SerializedQuery.Parse("""
            {"source":{"type":"Search","indexName":"messages.search_body","filters":[
              {"type":"Search","fieldPath":"body","value":"hello world"},
              {"type":"Eq","fieldPath":"channel","value":"general"}]},"operators":[]}
            """);

        var source = Assert.IsType<SearchSource>(query.Source);
        Assert.Equal("search_body", source.Index);
        Assert.Equal(
            new SearchFilter(SearchFilterKind.Search, FieldPath.Parse("body"), new ConvexString("hello world")),
            source.Filters[0]);
        Assert.Equal(new SearchFilter(SearchFilterKind.Eq, FieldPath.Parse("channel"), new ConvexString("general")),
            source.Filters[1]);
    }

    [Fact]
    public void Filter_and_limit_operators_keep_their_order()
    {
        var query = SerializedQuery.Parse("""
            {"source":{"type":"FullTableScan","tableName":"t","order":null},"operators":[
              {"limit":10},
              {"filter":{"$and":[{"$eq":[{"$field":"a.b"},{"$literal":"x"}]},{"$not":{"$literal":false}}]}},
              {"limit":0}]}
            """);

        Assert.Equal(new LimitOperator(10), query.Operators[0]);
        var filter = Assert.IsType<FilterOperator>(query.Operators[1]);
        var and = Assert.IsType<AndExpression>(filter.Predicate);
        var eq = Assert.IsType<ComparisonExpression>(and.Operands[0]);
        Assert.Equal(ComparisonOperator.Eq, eq.Operator);
        Assert.Equal(new FieldExpression(FieldPath.Parse("a.b")), eq.Left);
        Assert.Equal(new LiteralExpression(new ConvexString("x")), eq.Right);
        Assert.Equal(new NotExpression(new LiteralExpression(ConvexBoolean.False)), and.Operands[1]);
        Assert.Equal(new LimitOperator(0), query.Operators[2]);
    }

    [Fact]
    public void Every_expression_operator_is_recognised()
    {
        string[] binary = ["$eq", "$neq", "$lt", "$lte", "$gt", "$gte", "$add", "$sub", "$mul", "$div", "$mod"];
        foreach (var op in binary)
        {
            var expression = ParseFilter($$$"""{"{{{op}}}":[{"$field":"a"},{"$literal":{"$undefined":null}}]}""");
            Assert.True(expression is ComparisonExpression or ArithmeticExpression, op);
        }

        Assert.IsType<NegateExpression>(ParseFilter("""{"$neg":{"$field":"a"}}"""));
        Assert.IsType<OrExpression>(ParseFilter("""{"$or":[]}"""));
        Assert.Equal(new LiteralExpression(null), ParseFilter("""{"$literal":{"$undefined":null}}"""));
    }

    [Fact]
    public void At_most_256_operators()
    {
        var ok = Operators(256);
        Assert.Equal(256, SerializedQuery.Parse(ok).Operators.Length);

        var error = Assert.Throws<DatabaseUsageException>(() => SerializedQuery.Parse(Operators(257)));
        Assert.Equal("InvalidQuery", error.Code);
        Assert.Equal("Invalid query: Query has too many operators: 257", error.Message);
    }

    private const string Ops = """{"source":{"type":"FullTableScan","tableName":"t"},"operators":[""";
    private const string Range = """{"source":{"type":"IndexRange","indexName":"t.i","range":[""";
    private const string RangeEnd = """]},"operators":[]}""";

    [Theory]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"operators":[]}""")]
    [InlineData("""{"source":{"type":"FullTableScan","tableName":"t"}}""")]
    [InlineData("""{"source":{"type":"Table","tableName":"t"},"operators":[]}""")]
    [InlineData("""{"source":{"type":"FullTableScan","tableName":""},"operators":[]}""")]
    [InlineData("""{"source":{"type":"FullTableScan","tableName":"t","order":"up"},"operators":[]}""")]
    [InlineData("""{"source":{"type":"FullTableScan","tableName":"t","order":1},"operators":[]}""")]
    [InlineData("""{"source":{"type":"IndexRange","indexName":"t","range":[]},"operators":[]}""")]
    [InlineData("""{"source":{"type":"IndexRange","indexName":"t.a.b","range":[]},"operators":[]}""")]
    [InlineData("""{"source":{"type":"IndexRange","indexName":"t.i","range":{}},"operators":[]}""")]
    [InlineData(Range + """{"type":"Between","fieldPath":"a","value":1}""" + RangeEnd)]
    [InlineData(Range + """{"type":"Eq","fieldPath":"","value":1}""" + RangeEnd)]
    [InlineData(Range + """{"type":"Eq","fieldPath":"$a","value":1}""" + RangeEnd)]
    [InlineData(Range + """{"type":"Eq","fieldPath":"a"}""" + RangeEnd)]
    [InlineData(Range + """{"type":"Eq","fieldPath":"a","value":{"$integer":"bad"}}""" + RangeEnd)]
    [InlineData(Ops + """{"limit":-1}]}""")]
    [InlineData(Ops + """{"limit":1.5}]}""")]
    [InlineData(Ops + """{"limit":"3"}]}""")]
    [InlineData(Ops + """{"limit":1,"filter":{"$literal":true}}]}""")]
    [InlineData(Ops + """{"order":"asc"}]}""")]
    [InlineData(Ops + """{"filter":{"$xor":[]}}]}""")]
    [InlineData(Ops + """{"filter":{"$eq":[{"$field":"a"}]}}]}""")]
    [InlineData(Ops + """{"filter":{"$field":3}}]}""")]
    [InlineData(Ops + """{"filter":true}]}""")]
    [InlineData(Ops + """{"filter":{"$and":{"$literal":true}}}]}""")]
    [InlineData(Ops + """{"filter":{"$field":"a","$literal":1}}]}""")]
    [InlineData(Ops + """{"filter":{"$literal":{"$undefined":1}}}]}""")]
    [InlineData("""{"source":{"type":"Search","indexName":"t.s",""" +
        """ "filters":[{"type":"Search","fieldPath":"b","value":3}]},"operators":[]}""")]
    public void Malformed_queries_are_developer_errors(string json)
    {
        var error = Assert.Throws<DatabaseUsageException>(() => SerializedQuery.Parse(json));

        Assert.Equal("InvalidQuery", error.Code);
        Assert.StartsWith("Invalid query: ", error.Message);
    }

    [Fact]
    public void The_error_names_what_is_missing()
    {
        var error = Assert.Throws<DatabaseUsageException>(() =>
            SerializedQuery.Parse("""{"source":{"type":"IndexRange","range":[]},"operators":[]}"""));

        Assert.Equal("Invalid query: an IndexRange source is missing `indexName`", error.Message);
    }

    private static Expression ParseFilter(string expression)
    {
        var query = SerializedQuery.Parse(
            $$"""{"source":{"type":"FullTableScan","tableName":"t"},"operators":[{"filter":{{expression}}}]}""");
        return ((FilterOperator)query.Operators[0]).Predicate;
    }

    private static string Operators(int count) =>
        """{"source":{"type":"FullTableScan","tableName":"t"},"operators":[""" +
        string.Join(",", Enumerable.Repeat("""{"limit":5}""", count)) + "]}";
}
