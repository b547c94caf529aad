using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>Known orders from convex-compat §2.7, each list written out by hand in ascending order.</summary>
public sealed class ValueOrderTests
{
    private static readonly ConvexValueComparer Order = ConvexValueComparer.Instance;

    private static void AssertAscending(params ConvexValue?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            for (var j = 0; j < values.Length; j++)
            {
                Assert.True(
                    Math.Sign(Order.Compare(values[i], values[j])) == Math.Sign(i.CompareTo(j)),
                    $"expected {Show(values[i])} {(i < j ? "<" : i > j ? ">" : "==")} {Show(values[j])}");
            }
        }
    }

    private static string Show(ConvexValue? value) => value is null ? "missing" : ConvexJson.Encode(value);

    private static ConvexValue Json(string json) => ConvexJson.Decode(json);

    [Fact]
    public void Types_order_missing_null_int64_float64_boolean_string_bytes_array_object() =>
        AssertAscending(
            null,
            ConvexNull.Instance,
            new ConvexInt64(long.MinValue),
            new ConvexInt64(long.MaxValue),
            new ConvexFloat64(double.NegativeInfinity),
            new ConvexFloat64(0.5),
            ConvexBoolean.False,
            ConvexBoolean.True,
            new ConvexString(""),
            new ConvexString("zzz"),
            new ConvexBytes([]),
            new ConvexBytes([0xFF]),
            ConvexArray.Empty,
            Json("[{}]"),
            ConvexObject.Empty);

    [Fact]
    public void Int64_and_float64_never_compare_equal()
    {
        // 1n < 0.5 because every Int64 sorts before every Float64.
        Assert.True(Order.Compare(new ConvexInt64(1), new ConvexFloat64(0.5)) < 0);
        Assert.NotEqual<ConvexValue>(new ConvexInt64(1), new ConvexFloat64(1));
        Assert.False(Order.Equals(new ConvexInt64(0), new ConvexFloat64(0)));
    }

    [Fact]
    public void Floats_follow_the_ieee_total_order()
    {
        // .NET's double.NaN has its sign bit set, so both NaNs are spelled out by their bits.
        var negativeNaN = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0000));
        var negativeSignallingNaN = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0_0000_0000_0001));
        var positiveNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);
        var positiveSignallingNaN = BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001);
        AssertAscending(
            new ConvexFloat64(negativeNaN),
            new ConvexFloat64(negativeSignallingNaN),
            new ConvexFloat64(double.NegativeInfinity),
            new ConvexFloat64(double.MinValue),
            new ConvexFloat64(-1),
            new ConvexFloat64(-double.Epsilon),
            new ConvexFloat64(-0.0),
            new ConvexFloat64(0.0),
            new ConvexFloat64(double.Epsilon),
            new ConvexFloat64(1),
            new ConvexFloat64(double.MaxValue),
            new ConvexFloat64(double.PositiveInfinity),
            new ConvexFloat64(positiveSignallingNaN),
            new ConvexFloat64(positiveNaN));
    }

    [Fact]
    public void Strings_compare_by_utf8_bytes_not_utf16_units()
    {
        // U+FFFF (EF BF BF) sorts below an astral character (F0 ...), although its UTF-16 unit is above
        // the astral character's high surrogate (D83D): JavaScript's < would say the opposite.
        Assert.True(string.CompareOrdinal("\uFFFF", "😀") > 0);
        AssertAscending(
            new ConvexString(""),
            new ConvexString("\0"),
            new ConvexString("A"),
            new ConvexString("a"),
            new ConvexString("a\0"),
            new ConvexString("aa"),
            new ConvexString("b"),
            new ConvexString("é"),
            new ConvexString("\uFFFF"),
            new ConvexString("😀"),
            new ConvexString("😀a"));
    }

    [Fact]
    public void Bytes_compare_unsigned_and_shorter_prefix_first() =>
        AssertAscending(
            new ConvexBytes([]), new ConvexBytes([0]), new ConvexBytes([0, 0]), new ConvexBytes([1]),
            new ConvexBytes([0x7F]), new ConvexBytes([0x80]), new ConvexBytes([0xFF]));

    [Fact]
    public void Arrays_compare_element_by_element_then_by_length() =>
        AssertAscending(
            Json("[]"),
            Json("[null]"),
            Json("[1]"),
            Json("[1, 2]"),
            Json("[1, 2, 0]"),
            Json("[1, 3]"),
            Json("[true]"),
            Json("[[]]"));

    [Fact]
    public void Objects_compare_as_sorted_name_value_pairs() =>
        AssertAscending(
            Json("{}"),
            Json("""{"a":null}"""),
            Json("""{"a":1}"""),
            Json("""{"a":1,"b":0}"""),
            Json("""{"a":2}"""),
            Json("""{"a":2,"c":0}"""),
            Json("""{"b":1}"""));

    [Fact]
    public void Tuples_compare_lexicographically_with_missing_lowest()
    {
        Assert.True(Order.CompareTuples([null, new ConvexInt64(5)], [ConvexNull.Instance, new ConvexInt64(0)]) < 0);
        Assert.True(Order.CompareTuples([new ConvexInt64(1)], [new ConvexInt64(1), null]) < 0);
        Assert.Equal(0, Order.CompareTuples([null, ConvexBoolean.True], [null, ConvexBoolean.True]));
    }

    [Fact]
    public void Equal_values_have_equal_hashes_across_representations()
    {
        var a = Json("""{"x":[1,"s",{"$bytes":"AQI="}],"y":{"$integer":"AQAAAAAAAAA="}}""");
        var b = ConvexObject.Empty
            .With("y", new ConvexInt64(1))
            .With("x", new ConvexArray([new ConvexFloat64(1), new ConvexString("s"), new ConvexBytes([1, 2])]));
        Assert.Equal(a, b);
        Assert.Equal(Order.GetHashCode(a), Order.GetHashCode(b));
        Assert.Equal(Order.GetHashCode(null), Order.GetHashCode(null));
        Assert.NotEqual(Order.GetHashCode(new ConvexInt64(0)), Order.GetHashCode(new ConvexFloat64(0)));
    }
}
