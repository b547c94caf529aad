using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>Wire forms, orders and limits with expected values written by hand from convex-compat §2.</summary>
public sealed class ValueExampleTests
{
    private static readonly ConvexValueComparer Order = ConvexValueComparer.Instance;

    [Theory]
    [InlineData(1L, """{"$integer":"AQAAAAAAAAA="}""")]
    [InlineData(0L, """{"$integer":"AAAAAAAAAAA="}""")]
    [InlineData(-1L, """{"$integer":"//////////8="}""")]
    public void Int64_uses_the_integer_form(long value, string json) =>
        Assert.Equal(json, ConvexJson.Encode(new ConvexInt64(value)));

    [Fact]
    public void Special_floats_use_the_float_form_and_ordinary_ones_plain_numbers()
    {
        Assert.Equal("""{"$float":"AAAAAAAAAIA="}""", ConvexJson.Encode(new ConvexFloat64(-0.0)));
        Assert.Equal("""{"$float":"AAAAAAAA8H8="}""", ConvexJson.Encode(new ConvexFloat64(double.PositiveInfinity)));
        Assert.Equal("1.5", ConvexJson.Encode(new ConvexFloat64(1.5)));
        Assert.Equal("0", ConvexJson.Encode(new ConvexFloat64(0.0)));
        Assert.IsType<ConvexFloat64>(ConvexJson.Decode("1"));
    }

    [Fact]
    public void Objects_are_written_with_sorted_keys_and_bytes_in_base64()
    {
        var obj = ConvexJson.Decode("""{"b":{"$bytes":"AQID"},"a":true,"c":[null,"x"]}""");
        Assert.Equal("""{"a":true,"b":{"$bytes":"AQID"},"c":[null,"x"]}""", ConvexJson.Encode(obj));
    }

    [Theory]
    [InlineData("""{"$integer":"AQ=="}""", "exactly 8 bytes")]
    [InlineData("""{"$float":"AAAAAAAA+D8="}""", "should be encoded as a number")]
    [InlineData("""{"$set":[]}""", "reserved")]
    [InlineData("""{"a":1,"$b":2}""", "reserved")]
    [InlineData("""{"a\u0001":1}""", "printable ASCII")]
    [InlineData("""["\ud800"]""", "lone surrogate")]
    [InlineData("""{"a":""", "Invalid JSON")]
    public void Malformed_json_values_are_rejected_with_a_reason(string json, string reason)
    {
        var e = Assert.Throws<InvalidValueException>(() => ConvexJson.Decode(json));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Type_order_puts_int64_before_float64_and_missing_first()
    {
        Assert.True(Order.Compare(new ConvexInt64(1), new ConvexFloat64(0.5)) < 0);
        Assert.True(Order.Compare(new ConvexInt64(long.MaxValue), new ConvexFloat64(double.NegativeInfinity)) < 0);
        Assert.True(Order.Compare(null, ConvexNull.Instance) < 0);
        Assert.True(Order.Compare(ConvexBoolean.True, new ConvexString("")) < 0);
        Assert.True(Order.Compare(new ConvexString("z"), new ConvexBytes([])) < 0);
        Assert.NotEqual<ConvexValue>(new ConvexInt64(1), new ConvexFloat64(1));
    }

    [Fact]
    public void Floats_follow_the_ieee_total_order()
    {
        // double.NaN has its sign bit set in .NET, so spell both NaNs out by their bits.
        var negativeNaN = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0000));
        var positiveNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);
        double[] ascending = [negativeNaN, double.NegativeInfinity, -1, -0.0, 0.0, double.Epsilon, 1, double.PositiveInfinity, positiveNaN];
        for (var i = 0; i + 1 < ascending.Length; i++)
        {
            Assert.True(Order.Compare(new ConvexFloat64(ascending[i]), new ConvexFloat64(ascending[i + 1])) < 0,
                $"{ascending[i]} < {ascending[i + 1]}");
        }
    }

    [Fact]
    public void Strings_compare_by_utf8_bytes_not_utf16_units()
    {
        // U+FFFF is one UTF-16 unit above a surrogate pair's first unit, but its UTF-8 bytes (EF BF BF)
        // sort below those of an astral character (F0 ...).
        Assert.True(Order.Compare(new ConvexString("\uFFFF"), new ConvexString("😀")) < 0);
        Assert.True(string.CompareOrdinal("\uFFFF", "😀") > 0);
        Assert.True(Order.Compare(new ConvexString("a"), new ConvexString("a\0")) < 0);
    }

    [Fact]
    public void Arrays_and_objects_compare_lexicographically()
    {
        var shorter = ConvexJson.Decode("[1, 2]");
        var longer = ConvexJson.Decode("[1, 2, 0]");
        Assert.True(Order.Compare(shorter, longer) < 0);
        Assert.True(Order.Compare(ConvexJson.Decode("""{"a":2}"""), ConvexJson.Decode("""{"b":1}""")) < 0);
        Assert.True(Order.Compare(ConvexJson.Decode("""{"a":1}"""), ConvexJson.Decode("""{"a":1,"b":0}""")) < 0);
    }

    [Fact]
    public void Sizes_follow_the_official_formula()
    {
        Assert.Equal(1, ValueSize.Of(ConvexNull.Instance));
        Assert.Equal(9, ValueSize.Of(new ConvexInt64(5)));
        Assert.Equal(2 + 4, ValueSize.Of(new ConvexString("😀")));
        Assert.Equal(2 + (1 + 1 + 9) + (2 + 1 + 1), ValueSize.Of(ConvexJson.Decode("""{"a":1,"bb":true}""")));
    }

    [Fact]
    public void Documents_over_one_mebibyte_are_rejected_with_the_size()
    {
        var big = ConvexObject.Empty.With("body", new ConvexString(new string('x', (int)(1.1 * (1 << 20)))));
        var e = Assert.Throws<InvalidValueException>(() => ValueLimits.ValidateDocument(big));
        Assert.Equal("Value is too large (1.10 MiB > maximum size 1 MiB).", e.Message);
    }

    [Fact]
    public void Shape_limits_are_enforced()
    {
        ConvexValue deep = ConvexNull.Instance;
        for (var i = 0; i < 64; i++)
        {
            deep = new ConvexArray([deep]);
        }

        Assert.Contains("too nested", Assert.Throws<InvalidValueException>(() => ValueLimits.Validate(deep)).Message);
        var wide = new ConvexArray([.. Enumerable.Repeat<ConvexValue>(ConvexNull.Instance, 8193)]);
        Assert.Contains("8193 elements", Assert.Throws<InvalidValueException>(() => ValueLimits.Validate(wide)).Message);
        var under = ConvexObject.Empty.With("_secret", ConvexNull.Instance);
        Assert.Contains("underscore", Assert.Throws<InvalidValueException>(() => ValueLimits.ValidateDocument(under)).Message);
        var nested17 = Enumerable.Range(0, 16).Aggregate(ConvexObject.Empty, (o, _) => ConvexObject.Empty.With("a", o));
        Assert.Throws<InvalidValueException>(() => ValueLimits.ValidateDocument(nested17));
        ValueLimits.ValidateDocument(Enumerable.Range(0, 15).Aggregate(ConvexObject.Empty, (o, _) => ConvexObject.Empty.With("a", o)));
    }

    [Theory]
    [InlineData("messages", true)]
    [InlineData("_private", true)]
    [InlineData("a1_b", true)]
    [InlineData("1abc", false)]
    [InlineData("___", false)]
    [InlineData("has-dash", false)]
    [InlineData("", false)]
    public void Identifiers_follow_the_rules(string name, bool valid) =>
        Assert.Equal(valid, Identifiers.IsValidIdentifier(name));

    [Fact]
    public void Field_paths_read_nested_values_and_report_missing()
    {
        var doc = (ConvexObject)ConvexJson.Decode("""{"author":{"name":"ann"},"n":1}""");
        Assert.Equal(new ConvexString("ann"), FieldPath.Parse("author.name").GetFrom(doc));
        Assert.Null(FieldPath.Parse("author.age").GetFrom(doc));
        Assert.Null(FieldPath.Parse("n.x").GetFrom(doc));
    }
}
