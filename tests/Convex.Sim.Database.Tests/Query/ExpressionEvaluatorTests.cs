using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Query;

namespace Convex.Sim.Database.Tests.Query;

/// <summary>Filter expression semantics (convex-compat §5.6, §7.5). Int64 literals are written in Convex JSON:
/// {"$integer": base64 of 8 little-endian bytes}.</summary>
public sealed class ExpressionEvaluatorTests
{
    private const string One = """{"$literal":{"$integer":"AQAAAAAAAAA="}}""";
    private const string Two = """{"$literal":{"$integer":"AgAAAAAAAAA="}}""";
    private const string Three = """{"$literal":{"$integer":"AwAAAAAAAAA="}}""";
    private const string Seven = """{"$literal":{"$integer":"BwAAAAAAAAA="}}""";
    private const string MinusOne = """{"$literal":{"$integer":"//////////8="}}""";
    private const string MinusSeven = """{"$literal":{"$integer":"+f////////8="}}""";
    private const string Zero = """{"$literal":{"$integer":"AAAAAAAAAAA="}}""";
    private const string Max = """{"$literal":{"$integer":"/////////38="}}""";
    private const string Min = """{"$literal":{"$integer":"AAAAAAAAAIA="}}""";
    private const string Missing = """{"$literal":{"$undefined":null}}""";
    private const string Null = """{"$literal":null}""";
    private const string True = """{"$literal":true}""";
    private const string False = """{"$literal":false}""";

    /// <summary>{ a: 1n, f: 2.5, s: "x", nested: { b: true }, nul: null }</summary>
    private static readonly ConvexObject Document = ConvexObject.From(new Dictionary<string, ConvexValue>
    {
        ["a"] = new ConvexInt64(1),
        ["f"] = new ConvexFloat64(2.5),
        ["s"] = new ConvexString("x"),
        ["nested"] = ConvexObject.From(new Dictionary<string, ConvexValue> { ["b"] = ConvexBoolean.True }),
        ["nul"] = ConvexNull.Instance,
    });

    [Fact]
    public void Fields_read_nested_paths_and_are_missing_when_absent()
    {
        Assert.Equal(ConvexBoolean.True, Eval("""{"$field":"nested.b"}"""));
        Assert.Equal(new ConvexInt64(1), Eval("""{"$field":"a"}"""));
        Assert.Null(Eval("""{"$field":"nope"}"""));
        Assert.Null(Eval("""{"$field":"s.length"}"""));
        Assert.Null(Eval(Missing));
    }

    [Theory]
    [InlineData("$eq", false, true, false)]
    [InlineData("$neq", true, false, true)]
    [InlineData("$lt", true, false, false)]
    [InlineData("$lte", true, true, false)]
    [InlineData("$gt", false, false, true)]
    [InlineData("$gte", false, true, true)]
    public void Comparisons_of_smaller_equal_and_greater(string op, bool smaller, bool equal, bool greater)
    {
        Assert.Equal(smaller, IsTrue($$"""{"{{op}}":[{"$field":"a"},{{Two}}]}"""));
        Assert.Equal(equal, IsTrue($$"""{"{{op}}":[{"$field":"a"},{{One}}]}"""));
        Assert.Equal(greater, IsTrue($$"""{"{{op}}":[{"$field":"f"},{"$literal":1.5}]}"""));
    }

    [Fact]
    public void Missing_sorts_below_null_and_differs_from_it()
    {
        Assert.True(IsTrue($$"""{"$lt":[{"$field":"nope"},{{Null}}]}"""));
        Assert.False(IsTrue($$"""{"$eq":[{"$field":"nope"},{{Null}}]}"""));
        Assert.True(IsTrue($$"""{"$eq":[{"$field":"nope"},{{Missing}}]}"""));
        Assert.True(IsTrue($$"""{"$eq":[{"$field":"nul"},{{Null}}]}"""));
        Assert.True(IsTrue($$"""{"$neq":[{"$field":"nope"},{{Two}}]}"""));
    }

    [Fact]
    public void Int64_and_Float64_never_compare_equal_and_Int64_sorts_first()
    {
        Assert.False(IsTrue($$"""{"$eq":[{{One}},{"$literal":1}]}"""));
        Assert.True(IsTrue("""{"$lt":[{"$literal":{"$integer":"/////////38="}},{"$literal":-1e300}]}"""));
        Assert.True(IsTrue("""{"$lt":[{"$literal":true},{"$literal":""}]}"""));
    }

    [Theory]
    [InlineData("$add", 10)]
    [InlineData("$sub", 4)]
    [InlineData("$mul", 21)]
    [InlineData("$div", 2)]
    [InlineData("$mod", 1)]
    public void Integer_arithmetic(string op, long expected)
    {
        Assert.Equal(new ConvexInt64(expected), Eval($$"""{"{{op}}":[{{Seven}},{{Three}}]}"""));
    }

    [Fact]
    public void Integer_division_truncates_and_the_remainder_takes_the_dividend_sign()
    {
        Assert.Equal(new ConvexInt64(-2), Eval($$"""{"$div":[{{MinusSeven}},{{Three}}]}"""));
        Assert.Equal(new ConvexInt64(-1), Eval($$"""{"$mod":[{{MinusSeven}},{{Three}}]}"""));
        Assert.Equal(new ConvexInt64(-1), Eval($$"""{"$neg":{{One}}}"""));
    }

    [Theory]
    [InlineData("$add", 9.5)]
    [InlineData("$sub", 5.5)]
    [InlineData("$mul", 15.0)]
    [InlineData("$div", 3.75)]
    [InlineData("$mod", 1.5)]
    public void Float_arithmetic(string op, double expected)
    {
        Assert.Equal(new ConvexFloat64(expected), Eval($$"""{"{{op}}":[{"$literal":7.5},{"$literal":2}]}"""));
    }

    [Fact]
    public void Float_division_by_zero_is_infinite_not_an_error()
    {
        Assert.Equal(new ConvexFloat64(double.PositiveInfinity), Eval("""{"$div":[{"$literal":1},{"$literal":0}]}"""));
        Assert.Equal(new ConvexFloat64(-2.5), Eval("""{"$neg":{"$field":"f"}}"""));
    }

    [Fact]
    public void Int64_and_Float64_do_not_mix()
    {
        var error = Fails($$"""{"$add":[{"$field":"a"},{"$field":"f"}]}""");

        Assert.Equal("EvalError", error.Code);
        Assert.Equal("Cannot add 1 (type Int64) and 2.5 (type Float64)", error.Message);
        Assert.Equal("Cannot multiply 2.0 (type Float64) and undefined (type undefined)",
            Fails($$"""{"$mul":[{"$literal":2},{"$field":"nope"}]}""").Message);
        Assert.Equal("Cannot subtract \"x\" (type String) and 1 (type Int64)",
            Fails($$"""{"$sub":[{"$field":"s"},{{One}}]}""").Message);
    }

    [Fact]
    public void Integer_overflow_and_division_by_zero_are_errors()
    {
        Assert.Equal("Cannot add 9223372036854775807 and 1: the result is out of range for Int64",
            Fails($$"""{"$add":[{{Max}},{{One}}]}""").Message);
        Assert.Equal("Cannot subtract -9223372036854775808 and 1: the result is out of range for Int64",
            Fails($$"""{"$sub":[{{Min}},{{One}}]}""").Message);
        Assert.Equal("Cannot multiply 9223372036854775807 and 2: the result is out of range for Int64",
            Fails($$"""{"$mul":[{{Max}},{{Two}}]}""").Message);
        Assert.Equal("Cannot divide -9223372036854775808 and -1: the result is out of range for Int64",
            Fails($$"""{"$div":[{{Min}},{{MinusOne}}]}""").Message);
        Assert.Equal("Cannot mod -9223372036854775808 and -1: the result is out of range for Int64",
            Fails($$"""{"$mod":[{{Min}},{{MinusOne}}]}""").Message);
        Assert.Equal("Cannot divide 7 by zero", Fails($$"""{"$div":[{{Seven}},{{Zero}}]}""").Message);
        Assert.Equal("Cannot mod 7 by zero", Fails($$"""{"$mod":[{{Seven}},{{Zero}}]}""").Message);
        Assert.Equal("Cannot negate -9223372036854775808: the result is out of range for Int64",
            Fails($$"""{"$neg":{{Min}}}""").Message);
        Assert.Equal("Cannot negate \"x\" (type String)", Fails("""{"$neg":{"$field":"s"}}""").Message);
    }

    [Fact]
    public void Logic_on_booleans()
    {
        Assert.True(IsTrue($$"""{"$and":[{{True}},{{True}}]}"""));
        Assert.False(IsTrue($$"""{"$and":[{{True}},{{False}}]}"""));
        Assert.True(IsTrue($$"""{"$or":[{{False}},{{True}}]}"""));
        Assert.False(IsTrue($$"""{"$or":[{{False}},{{False}}]}"""));
        Assert.True(IsTrue("""{"$and":[]}"""));
        Assert.False(IsTrue("""{"$or":[]}"""));
        Assert.True(IsTrue($$"""{"$not":{{False}}}"""));
    }

    [Fact]
    public void Logic_short_circuits_so_later_operands_cannot_fail()
    {
        const string Failing = """{"$add":[{"$literal":1},{"$literal":"x"}]}""";

        Assert.False(IsTrue($$"""{"$and":[{{False}},{{Failing}}]}"""));
        Assert.True(IsTrue($$"""{"$or":[{{True}},{{Failing}}]}"""));
        Assert.False(IsTrue($$"""{"$and":[{{False}},{{One}}]}"""));
        Assert.Equal("EvalError", Fails($$"""{"$and":[{{True}},{{Failing}}]}""").Code);
    }

    [Fact]
    public void Logic_rejects_non_booleans()
    {
        Assert.Equal("Cannot use value 1 (type Int64) as a Boolean", Fails($$"""{"$and":[{{One}}]}""").Message);
        Assert.Equal("Cannot use value null (type Null) as a Boolean", Fails($$"""{"$or":[{{Null}}]}""").Message);
        Assert.Equal("Cannot use value undefined (type undefined) as a Boolean",
            Fails("""{"$not":{"$field":"nope"}}""").Message);
    }

    [Fact]
    public void A_filter_must_produce_a_boolean()
    {
        var error = Assert.Throws<DatabaseUsageException>(() => Matches("""{"$field":"s"}"""));

        Assert.Equal("EvalError", error.Code);
        Assert.Equal("Cannot use value \"x\" (type String) as a Boolean", error.Message);
        Assert.True(Matches("""{"$field":"nested.b"}"""));
    }

    private static DatabaseUsageException Fails(string expression) =>
        Assert.Throws<DatabaseUsageException>(() => Eval(expression));

    private static bool IsTrue(string expression) => Assert.IsType<ConvexBoolean>(Eval(expression)).Value;

    private static bool Matches(string expression) => ExpressionEvaluator.Matches(Parse(expression), Document);

    private static ConvexValue? Eval(string expression) => ExpressionEvaluator.Evaluate(Parse(expression), Document);

    private static Expression Parse(string expression)
    {
        var query = SerializedQuery.Parse(
            $$"""{"source":{"type":"FullTableScan","tableName":"t"},"operators":[{"filter":{{expression}}}]}""");
        return ((FilterOperator)query.Operators[0]).Predicate;
    }
}
