using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>Index key bytes written out by hand from the layout documented on <see cref="IndexKeyCodec"/>.</summary>
public sealed class IndexKeyCodecTests
{
    public static TheoryData<string, byte[]> Keys => new()
    {
        { "missing", [0x01] },
        { "null", [0x02] },
        { "1n", [0x03, 0x80, 0, 0, 0, 0, 0, 0, 0x01] },
        { "-1n", [0x03, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "1.0", [0x04, 0xBF, 0xF0, 0, 0, 0, 0, 0, 0] },
        { "-1.0", [0x04, 0x40, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "+0.0", [0x04, 0x80, 0, 0, 0, 0, 0, 0, 0] },
        { "-0.0", [0x04, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "true", [0x05, 0x01] },
        { "\"a\\0b\"", [0x06, 0x61, 0x00, 0xFF, 0x62, 0x00] },
        { "\"é\"", [0x06, 0xC3, 0xA9, 0x00] },
        { "bytes 00 01", [0x07, 0x00, 0xFF, 0x01, 0x00] },
        { "[1n]", [0x08, 0x03, 0x80, 0, 0, 0, 0, 0, 0, 0x01, 0x00] },
        { "{a: null}", [0x09, 0x01, 0x61, 0x00, 0x02, 0x00] },
        { "[]", [0x08, 0x00] },
    };

    private static ConvexValue? ValueNamed(string name) => name switch
    {
        "missing" => null,
        "null" => ConvexNull.Instance,
        "1n" => new ConvexInt64(1),
        "-1n" => new ConvexInt64(-1),
        "1.0" => new ConvexFloat64(1.0),
        "-1.0" => new ConvexFloat64(-1.0),
        "+0.0" => new ConvexFloat64(0.0),
        "-0.0" => new ConvexFloat64(-0.0),
        "true" => ConvexBoolean.True,
        "\"a\\0b\"" => new ConvexString("a\0b"),
        "\"é\"" => new ConvexString("é"),
        "bytes 00 01" => new ConvexBytes([0x00, 0x01]),
        "[1n]" => new ConvexArray([new ConvexInt64(1)]),
        "{a: null}" => ConvexObject.Empty.With("a", ConvexNull.Instance),
        "[]" => ConvexArray.Empty,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Values_encode_to_the_documented_bytes(string name, byte[] expected)
    {
        var value = ValueNamed(name);
        Assert.Equal(expected, IndexKeyCodec.Encode([value]));
        var decoded = Assert.Single(IndexKeyCodec.Decode(expected));
        Assert.Equal(0, ConvexValueComparer.Instance.Compare(value, decoded));
    }

    [Fact]
    public void An_id_suffix_is_a_tag_the_table_number_and_the_internal_id()
    {
        var id = new DocumentId(new TableNumber(10001), UInt128.One);
        byte[] expected = [0x02, 0x0A, 0x00, 0x00, 0x27, 0x11, .. new byte[15], 0x01];
        Assert.Equal(expected, IndexKeyCodec.Encode([ConvexNull.Instance], id));
        var (values, decodedId) = IndexKeyCodec.DecodeWithId(expected);
        Assert.Equal(ConvexNull.Instance, Assert.Single(values));
        Assert.Equal(id, decodedId);
    }

    [Fact]
    public void A_tuple_is_the_concatenation_of_its_components()
    {
        byte[] expected = [0x01, 0x05, 0x00, 0x06, 0x00];
        Assert.Equal(expected, IndexKeyCodec.Encode([null, ConvexBoolean.False, new ConvexString("")]));
        Assert.Empty(IndexKeyCodec.Encode([]));
        Assert.Empty(IndexKeyCodec.Decode([]));
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0x80 }, "Invalid index key: unexpected truncated number.")]
    [InlineData(new byte[] { 0x0B }, "Invalid index key: unexpected tag 0x0B.")]
    [InlineData(new byte[] { 0x06, 0x61 }, "Invalid index key: unexpected unterminated string.")]
    [InlineData(new byte[] { 0x06, 0xC3, 0x00 }, "Invalid index key: unexpected string that is not UTF-8.")]
    [InlineData(new byte[] { 0x08, 0x02 }, "Invalid index key: unexpected truncated key.")]
    [InlineData(new byte[] { 0x08, 0x01, 0x00 }, "Invalid index key: unexpected missing value inside an array.")]
    [InlineData(new byte[] { 0x05, 0x02 }, "Invalid index key: unexpected boolean byte 0x02.")]
    [InlineData(new byte[] { 0x09, 0x01, 0x62, 0x00, 0x02, 0x01, 0x61, 0x00, 0x02, 0x00 },
        "Invalid index key: unexpected object fields out of order.")]
    public void Damaged_keys_are_rejected(byte[] key, string message) =>
        Assert.Equal(message, Assert.Throws<InvalidValueException>(() => IndexKeyCodec.Decode(key)).Message);

    [Fact]
    public void A_key_without_an_id_suffix_is_rejected_by_decode_with_id()
    {
        var e = Assert.Throws<InvalidValueException>(() => IndexKeyCodec.DecodeWithId([0x02]));
        Assert.Equal("Invalid index key: it has no document id suffix.", e.Message);
    }
}
