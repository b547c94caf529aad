using System.Text.Json;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>Convex JSON and clean JSON wire forms, written by hand from convex-compat §2.2 and JSON.stringify.
/// </summary>
public sealed class ConvexJsonTests
{
    [Theory]
    [InlineData(1L, """{"$integer":"AQAAAAAAAAA="}""")]
    [InlineData(0L, """{"$integer":"AAAAAAAAAAA="}""")]
    [InlineData(-1L, """{"$integer":"//////////8="}""")]
    [InlineData(long.MinValue, """{"$integer":"AAAAAAAAAIA="}""")]
    [InlineData(long.MaxValue, """{"$integer":"/////////38="}""")]
    public void Int64_uses_the_integer_form(long value, string json)
    {
        Assert.Equal(json, ConvexJson.Encode(new ConvexInt64(value)));
        Assert.Equal(value, Assert.IsType<ConvexInt64>(ConvexJson.Decode(json)).Value);
    }

    [Fact]
    public void Special_floats_use_the_float_form()
    {
        var positiveNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);
        Assert.Equal("""{"$float":"AAAAAAAAAIA="}""", ConvexJson.Encode(new ConvexFloat64(-0.0)));
        Assert.Equal("""{"$float":"AAAAAAAA8H8="}""", ConvexJson.Encode(new ConvexFloat64(double.PositiveInfinity)));
        Assert.Equal("""{"$float":"AAAAAAAA8P8="}""", ConvexJson.Encode(new ConvexFloat64(double.NegativeInfinity)));
        Assert.Equal("""{"$float":"AAAAAAAA+H8="}""", ConvexJson.Encode(new ConvexFloat64(positiveNaN)));
        var negativeZero = Assert.IsType<ConvexFloat64>(ConvexJson.Decode("""{"$float":"AAAAAAAAAIA="}""")).Value;
        Assert.True(negativeZero == 0 && double.IsNegative(negativeZero));
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.0, "0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(100.0, "100")]
    [InlineData(123456789.123, "123456789.123")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.2345e21, "1.2345e+21")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000012, "0.0000012")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(1.23e-18, "1.23e-18")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(-1e300, "-1e+300")]
    public void Plain_floats_are_written_as_javascript_writes_numbers(double value, string json)
    {
        Assert.Equal(json, ConvexJson.Encode(new ConvexFloat64(value)));
        Assert.Equal(value, Assert.IsType<ConvexFloat64>(ConvexJson.Decode(json)).Value);
    }

    [Fact]
    public void Every_plain_number_decodes_as_float64()
    {
        Assert.IsType<ConvexFloat64>(ConvexJson.Decode("1"));
        Assert.IsType<ConvexFloat64>(ConvexJson.Decode("-0"));
        Assert.IsType<ConvexFloat64>(ConvexJson.Decode("9007199254740993"));
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("q\"b\\", "\"q\\\"b\\\\\"")]
    [InlineData("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"")]
    [InlineData("\u0001\u001f", "\"\\u0001\\u001f\"")]
    [InlineData("\u007f<>&'", "\"\u007f<>&'\"")]
    [InlineData("é\u2028😀", "\"é\u2028😀\"")]
    public void Strings_are_escaped_like_json_stringify(string value, string json)
    {
        Assert.Equal(json, ConvexJson.Encode(new ConvexString(value)));
        Assert.Equal(value, Assert.IsType<ConvexString>(ConvexJson.Decode(json)).Value);
    }

    [Fact]
    public void Objects_are_written_with_sorted_keys_and_bytes_in_base64()
    {
        var obj = ConvexJson.Decode("""{"b":{"$bytes":"AQID"},"a":true,"c":[null,"x"],"B":{"$bytes":""}}""");
        Assert.Equal("""{"B":{"$bytes":""},"a":true,"b":{"$bytes":"AQID"},"c":[null,"x"]}""", ConvexJson.Encode(obj));
        Assert.Equal("""{"a\"b":1}""", ConvexJson.Encode(ConvexObject.Empty.With("a\"b", new ConvexFloat64(1))));
    }

    [Fact]
    public void Json_nodes_carry_the_encoded_form()
    {
        var node = ConvexJson.ToJsonNode(ConvexObject.Empty.With("n", new ConvexInt64(1)));
        Assert.Equal("AQAAAAAAAAA=", node!["n"]!["$integer"]!.GetValue<string>());
        Assert.Null(ConvexJson.ToJsonNode(ConvexNull.Instance));
    }

    [Theory]
    [InlineData("""{"$integer":"AQ=="}""", "$integer at the top level must hold exactly 8 bytes, found 1.")]
    [InlineData("""{"$integer":5}""", "$integer at the top level must be a base64 string, found Number.")]
    [InlineData("""{"$bytes":"!!"}""", "$bytes at the top level is not valid base64.")]
    [InlineData("""{"a":{"$float":"AAAAAAAA+D8="}}""",
        "Float64 1.5 at path `a` should be encoded as a number, not as {\"$float\": ...}.")]
    [InlineData("""[{"$set":[]}]""", "$set at path `[0]`: Sets and Maps are no longer supported as Convex values.")]
    [InlineData("""{"$foo":1}""", "Field name $foo starts with '$', which is reserved (at path `$foo`).")]
    [InlineData("""{"a":1,"$b":2}""", "Field name $b starts with '$', which is reserved (at path `$b`).")]
    [InlineData("""{"a":{"b\u0001":1}}""",
        "Field name b\\u{1} has invalid character '\\u{1}': Field names can only contain non-control ASCII " +
        "characters (at path `a.b\u0001`).")]
    [InlineData("""{"é":1}""", "Field name é has invalid character 'é'")]
    [InlineData("""{"a":["x","\ud800"]}""",
        "String at path `a[1]` is not valid Unicode: it contains a lone surrogate.")]
    [InlineData("""{"\udc00":1}""", "A field name at the top level is not valid Unicode")]
    [InlineData("""{"a":1,"a":2}""", "Duplicate field name a at path `a`.")]
    [InlineData("""[1e400]""", "Number 1e400 at path `[0]` is out of range for a Float64.")]
    [InlineData("""{"$undefined":null}""", "undefined is not a valid Convex value (at the top level).")]
    [InlineData("""{"$commitTs":null}""",
        "The commit timestamp placeholder ($commitTs) at the top level is not supported.")]
    [InlineData("""{"a":""", "Invalid JSON: ")]
    [InlineData("""1 2""", "Invalid JSON: ")]
    public void Malformed_values_are_rejected_with_what_and_where(string json, string message)
    {
        var e = Assert.Throws<InvalidValueException>(() => ConvexJson.Decode(json));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoding_enforces_the_shape_limits()
    {
        var nested64 = string.Concat(Enumerable.Repeat("[", 64)) + string.Concat(Enumerable.Repeat("]", 64));
        ConvexJson.Decode(nested64);
        var nested65 = "[" + nested64 + "]";
        Assert.Equal(
            "Value is too nested (nested 65 levels deep > maximum nesting 64) (at path `" +
            string.Concat(Enumerable.Repeat("[0]", 64)) + "`).",
            Assert.Throws<InvalidValueException>(() => ConvexJson.Decode(nested65)).Message);
        var long8193 = "[" + string.Join(",", Enumerable.Repeat("0", 8193)) + "]";
        Assert.Equal("Array length is too long (8193 > maximum length 8192) (at the top level).",
            Assert.Throws<InvalidValueException>(() => ConvexJson.Decode(long8193)).Message);
        var wide1025 = "{\"o\":{" + string.Join(",", Enumerable.Range(0, 1025).Select(i => $"\"f{i}\":0")) + "}}";
        Assert.Equal("Object has too many fields (1025 > maximum number 1024) (at path `o`).",
            Assert.Throws<InvalidValueException>(() => ConvexJson.Decode(wide1025)).Message);
    }

    [Fact]
    public void Undefined_decodes_to_missing_only_where_allowed()
    {
        Assert.Null(ConvexJson.DecodeAllowingUndefined("""{"$undefined":null}"""));
        Assert.Equal(new ConvexFloat64(1), ConvexJson.DecodeAllowingUndefined("1"));
        using var document = JsonDocument.Parse("""[{"$undefined":null}]""");
        var e = Assert.Throws<InvalidValueException>(() => ConvexJson.DecodeAllowingUndefined(document.RootElement));
        Assert.Equal(
            "undefined is not a valid Convex value (at path `[0]`). To leave a field out, omit it.", e.Message);
    }

    [Fact]
    public void Clean_json_is_lossy_and_readable()
    {
        var value = ConvexJson.Decode(
            """
            {"i":{"$integer":"AQAAAAAAAAA="},"min":{"$integer":"AAAAAAAAAIA="},"nan":{"$float":"AAAAAAAA+H8="},
             "inf":{"$float":"AAAAAAAA8H8="},"ninf":{"$float":"AAAAAAAA8P8="},"nz":{"$float":"AAAAAAAAAIA="},
             "b":{"$bytes":"AQID"},"f":1.5,"s":"x","a":[null,true]}
            """);
        Assert.Equal(
            """{"a":[null,true],"b":"AQID","f":1.5,"i":"1","inf":"Infinity","min":"-9223372036854775808",""" +
            """ "nan":"NaN","ninf":"-Infinity","nz":-0,"s":"x"}""".TrimStart(),
            ConvexCleanJson.Encode(value));
    }
}
