using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary>
/// How values and literals print inside messages. Values follow Rust's <c>{:?}</c> for floats
/// (exponent below 1e-4 and from 1e16), literals follow serde_json (plain down to 5 leading zeros).
/// </summary>
public sealed class ValueDisplayTests
{
    private static string ShownValue(ConvexValue value)
    {
        var message = Validator.Null.Validate(value, TestTables.Lookup)?.Message ?? "";
        const string Before = "Value does not match validator.\n\nValue: ";
        Assert.StartsWith(Before, message, StringComparison.Ordinal);
        Assert.EndsWith("\nValidator: v.null()", message, StringComparison.Ordinal);
        return message[Before.Length..^"\nValidator: v.null()".Length];
    }

    private static string ShownLiteral(double literal) =>
        Validator.Literal(new ConvexFloat64(literal)).ToString();

    [Theory]
    [InlineData(12.0, "12.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-5")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e16")]
    [InlineData(1.5e300, "1.5e300")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(5e-324, "5e-324")]
    public void Floats_print_like_rust_debug(double value, string text) =>
        Assert.Equal(text, ShownValue(new ConvexFloat64(value)));

    [Theory]
    [InlineData(1.0, "v.literal(1.0)")]
    [InlineData(0.00001, "v.literal(0.00001)")]
    [InlineData(0.000001, "v.literal(1e-6)")]
    [InlineData(1e15, "v.literal(1000000000000000.0)")]
    [InlineData(1e16, "v.literal(1e16)")]
    [InlineData(1e17, "v.literal(1e17)")]
    [InlineData(-3.25, "v.literal(-3.25)")]
    [InlineData(double.NaN, "v.literal(<number>)")]
    public void Float_literals_print_like_serde_json(double literal, string text) =>
        Assert.Equal(text, ShownLiteral(literal));

    [Fact]
    public void Strings_print_quoted_with_rust_escapes()
    {
        Assert.Equal("\"plain\"", ShownValue(new ConvexString("plain")));
        Assert.Equal("\"a\\\"b\\\\c\\nd\\te\\0\"", ShownValue(new ConvexString("a\"b\\c\nd\te\0")));
        Assert.Equal("\"\\u{1b}[0m\"", ShownValue(new ConvexString("\u001b[0m")));
        Assert.Equal("\"é😀\"", ShownValue(new ConvexString("é😀")));
    }

    [Fact]
    public void String_literals_print_as_json() =>
        Assert.Equal("v.literal(\"a\\\"b\\u001b\")", Validator.Literal(new ConvexString("a\"b\u001b")).ToString());

    [Fact]
    public void Containers_print_with_bare_field_names_in_order()
    {
        var value = ConvexJson.Decode("""{"b": [1, true, null], "a": {"$bytes": "AQ=="}, "c": {}}""");
        Assert.Equal("{a: b\"AQ==\", b: [1.0, true, null], c: {}}", ShownValue(value));
        Assert.Equal("[]", ShownValue(ConvexArray.Empty));
        Assert.Equal("-9223372036854775808", ShownValue(new ConvexInt64(long.MinValue)));
    }

    [Fact]
    public void Validators_print_as_v_expressions()
    {
        var validator = Validator.Union(
            Validator.Object([
                new("kind", FieldValidator.Required(Validator.Literal(new ConvexString("post")))),
                new("tags", FieldValidator.Optional(Validator.Array(Validator.String))),
                new("by", FieldValidator.Required(Validator.Id("users"))),
            ]),
            Validator.Record(Validator.String, Validator.Union(Validator.Int64, Validator.Bytes, Validator.Any)),
            Validator.CommitTs,
            Validator.Literal(ConvexBoolean.False));
        Assert.Equal(
            "v.union(v.object({by: v.id(\"users\"), kind: v.literal(\"post\"), tags: " +
            "v.optional(v.array(v.string()))}), " +
            "v.record(v.string(), v.union(v.int64(), v.bytes(), v.any())), v.commitTs(), v.literal(false))",
            validator.ToString());
    }
}
